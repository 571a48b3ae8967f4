//! The phase 0 forms of the containers that phase 1 changed (same names, fewer fields).
//!
//! The containers phase 1 kept unchanged (`Fork`, `Checkpoint`, `Deposit`, ...) are only in
//! [`crate::types`].

mod aggregate_and_proof;
mod attestation;
mod attestation_data;
mod attester_slashing;
mod beacon_block;
mod beacon_block_body;
mod beacon_state;
mod indexed_attestation;
mod pending_attestation;
mod signed_aggregate_and_proof;
mod signed_beacon_block;
mod validator;

pub use aggregate_and_proof::AggregateAndProof;
pub use attestation::Attestation;
pub use attestation_data::AttestationData;
pub use attester_slashing::AttesterSlashing;
pub use beacon_block::BeaconBlock;
pub use beacon_block_body::BeaconBlockBody;
pub use beacon_state::BeaconState;
pub use indexed_attestation::IndexedAttestation;
pub use pending_attestation::PendingAttestation;
pub use signed_aggregate_and_proof::SignedAggregateAndProof;
pub use signed_beacon_block::SignedBeaconBlock;
pub use validator::Validator;
