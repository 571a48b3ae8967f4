//! Validator duties as pure functions (`phase0/validator.md`, `phase1/validator.md`): who
//! attests, proposes and serves on the light client committee, and what each duty signs.
//!
//! Every function takes a state the caller has already advanced to the slot or epoch in
//! question, and a [`ChainConfig`](primitives::ChainConfig). Nothing here holds a key for
//! long: each signed message has a `*_signing_root` function returning a [`SigningRoot`] (the
//! domain and the root), so that a validator client and its slashing protection see what is
//! signed before signing, and a thin `sign_*` helper that signs it with a
//! [`SecretKey`](primitives::bls::SecretKey).
//!
//! [`EpochDuties`] answers the duty queries of a whole epoch from one shuffle per committee
//! kind, for nodes that serve many validators.

mod aggregation;
mod assignment;
mod attestation;
mod attester_duty;
mod epoch_duties;
mod error;
mod eth1_vote;
mod light_client;
mod proposal;
mod signing_root;

pub use aggregation::{
    aggregate_and_proof_signing_root, get_aggregate_and_proof, get_aggregate_signature,
    is_aggregator, is_aggregator_in_committee_of, sign_aggregate_and_proof, sign_slot,
    slot_signing_root,
};
pub use assignment::{
    CommitteeAssignment, get_beacon_proposer_index_at_slot, get_committee_assignment, is_proposer,
};
pub use attestation::{
    AttesterVote, attestation_signing_root, compute_subnet_for_attestation, get_attestation_data,
    get_unaggregated_attestation, sign_attestation,
};
pub use attester_duty::AttesterDuty;
pub use epoch_duties::EpochDuties;
pub use error::DutyError;
pub use eth1_vote::{
    compute_time_at_slot, get_eth1_vote, is_candidate_block, voting_period_start_time,
};
pub use light_client::{
    LIGHT_CLIENT_PREPARATION_EPOCHS, TARGET_LIGHT_CLIENT_AGGREGATORS_PER_SLOT,
    get_aggregate_light_client_signature, get_light_aggregate_and_proof,
    get_light_client_vote_data, is_in_next_light_client_committee, is_light_client_aggregator,
    light_aggregate_and_proof_signing_root, light_client_block_root_signing_root,
    light_client_slot_signing_root, light_client_vote_signing_root, sign_light_aggregate_and_proof,
    sign_light_client_block_root, sign_light_client_slot, sign_light_client_vote,
};
pub use proposal::{
    block_signing_root, epoch_signing_root, shard_block_signing_root, sign_block, sign_epoch,
    sign_shard_block,
};
pub use signing_root::SigningRoot;

#[cfg(test)]
mod tests;
