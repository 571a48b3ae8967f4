//! `process_slashings` (to be written).
