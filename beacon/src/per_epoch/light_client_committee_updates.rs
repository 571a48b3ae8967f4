//! `process_light_client_committee_updates` (to be written).
