//! Tests of the validator duties: against the spec's per-validator functions, and signed
//! messages against block processing.

mod assignments;
mod attestation;
mod fixtures;
mod proposal;
mod selection;
