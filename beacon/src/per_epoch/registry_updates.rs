//! `process_registry_updates` (to be written).
