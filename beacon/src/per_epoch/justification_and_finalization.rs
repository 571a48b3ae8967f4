//! `process_justification_and_finalization` (to be written).
