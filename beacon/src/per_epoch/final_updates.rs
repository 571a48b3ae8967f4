//! `process_final_updates` (to be written).
