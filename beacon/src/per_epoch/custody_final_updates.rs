//! `process_custody_final_updates` (to be written).
