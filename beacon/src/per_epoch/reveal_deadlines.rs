//! `process_reveal_deadlines` (to be written).
