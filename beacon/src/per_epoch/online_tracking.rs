//! `process_online_tracking` (to be written).
