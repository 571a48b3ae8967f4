//! `process_challenge_deadlines` (to be written).
