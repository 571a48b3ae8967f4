//! Block processing, one file per operation of the spec's `process_block`.
//!
//! Each `process_*` function runs every check of its spec function, signatures included (as
//! its [`VerifySignatures`](crate::signatures::VerifySignatures) says), before it writes
//! anything, and its writes cannot fail half-way (the mutators compute before they write; an
//! attester slashing that slashes several validators restores the ones it slashed if a later
//! one fails). So when an operation returns an error the state is as it was. A whole block is
//! another matter: its operations apply one after the other, so a caller processing a block
//! works on a copy of the state and keeps it only if the block (and its signature batch)
//! passes.

mod apply_shard_transition;
mod attestation;
mod attester_slashing;
mod block;
mod block_header;
mod deposit;
mod errors;
mod eth1_data;
mod light_client_aggregate;
mod operations;
mod optional_verify;
mod proposer_slashing;
mod randao;
mod shard_transitions;
#[cfg(test)]
mod shard_transitions_tests;
mod voluntary_exit;

pub use apply_shard_transition::apply_shard_transition;
pub(crate) use apply_shard_transition::check_shard_transition;
pub use attestation::{process_attestation, validate_attestation};
pub use attester_slashing::process_attester_slashing;
pub use block::process_block;
pub use block_header::process_block_header;
pub use deposit::{get_validator_from_deposit, process_deposit};
pub use errors::{
    AttestationInvalid, AttesterSlashingInvalid, BlockProcessingError, DepositInvalid, ExitInvalid,
    HeaderInvalid, OperationError, ProposerSlashingInvalid,
};
pub use eth1_data::process_eth1_data;
pub use light_client_aggregate::{LightClientAggregateInvalid, process_light_client_aggregate};
pub use operations::process_operations;
pub use optional_verify::{optional_aggregate_verify, optional_fast_aggregate_verify};
pub use proposer_slashing::process_proposer_slashing;
pub use randao::process_randao;
pub use shard_transitions::{
    ShardTransitionsInvalid, get_shard_winning_roots, is_on_time_attestation,
    is_winning_attestation, process_crosslink_for_shard, process_crosslinks,
    process_shard_transitions, verify_empty_shard_transition,
};
pub use voluntary_exit::process_voluntary_exit;
