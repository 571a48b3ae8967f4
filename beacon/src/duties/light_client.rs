//! The light client committee's duties (`phase1/validator.md`, "Light client committee"):
//! membership, the vote, aggregator selection and the signed `LightAggregateAndProof`.
//!
//! `validator.md` signs the vote over its `LightClientVoteData`, while
//! `process_light_client_aggregate` in `beacon-chain.md` of the same release verifies the
//! aggregate over the previous block root alone: votes signed as `validator.md` says do not
//! pass block processing. The two documents disagree; [`sign_light_client_block_root`] signs
//! what block processing checks, and is what a committee member whose vote should reach a
//! block uses.

use primitives::bls::SecretKey;
use primitives::math::compute_epoch_at_slot;
use primitives::types::{
    BeaconState, LightAggregateAndProof, LightClientVote, LightClientVoteData, Root,
    SignatureBytes, Slot, ValidatorIndex,
};
use primitives::{ChainConfig, EthSpec};

use super::aggregation::aggregate;
use super::{DutyError, SigningRoot, is_aggregator_in_committee_of};
use crate::BeaconStateError;
use crate::accessors::{get_current_epoch, get_domain, get_light_client_committee};

/// `TARGET_LIGHT_CLIENT_AGGREGATORS_PER_SLOT`.
pub const TARGET_LIGHT_CLIENT_AGGREGATORS_PER_SLOT: u64 = 8;
/// `LIGHT_CLIENT_PREPARATION_EPOCHS`: how long before its period a committee member learns of
/// it.
pub const LIGHT_CLIENT_PREPARATION_EPOCHS: u64 = 4;

/// `is_in_next_light_client_committee`: `index` serves on the light client committee one
/// period after the state's current epoch.
pub fn is_in_next_light_client_committee<E: EthSpec>(
    state: &BeaconState<E>,
    index: ValidatorIndex,
    config: &ChainConfig,
) -> Result<bool, DutyError> {
    let epoch = get_current_epoch(state, config)?
        .checked_add(config.light_client_committee_period)
        .ok_or(BeaconStateError::Overflow {
            what: "current epoch + LIGHT_CLIENT_COMMITTEE_PERIOD",
        })?;
    Ok(get_light_client_committee(state, epoch, config)?.contains(&index))
}

/// `LightClientVoteData` ("Light client vote data"): the fork choice's head at `slot`.
pub fn get_light_client_vote_data(slot: Slot, head_block_root: Root) -> LightClientVoteData {
    LightClientVoteData {
        slot,
        beacon_block_root: head_block_root,
    }
}

/// `DOMAIN_LIGHT_CLIENT` at the epoch of the vote's slot: the domain of both vote messages.
fn light_client_domain<E: EthSpec>(
    state: &BeaconState<E>,
    data: &LightClientVoteData,
    config: &ChainConfig,
) -> Result<primitives::types::Domain, DutyError> {
    let epoch = compute_epoch_at_slot(data.slot, config)?;
    Ok(get_domain(
        state,
        config.domain_light_client,
        Some(epoch),
        config,
    )?)
}

/// The message of `get_light_client_vote_signature`: the vote data under
/// `DOMAIN_LIGHT_CLIENT` at its epoch.
pub fn light_client_vote_signing_root<E: EthSpec>(
    state: &BeaconState<E>,
    data: &LightClientVoteData,
    config: &ChainConfig,
) -> Result<SigningRoot, DutyError> {
    Ok(SigningRoot::new(
        data,
        light_client_domain(state, data, config)?,
    ))
}

/// `get_light_client_vote_signature`: a committee member's signature of `data`.
pub fn sign_light_client_vote<E: EthSpec>(
    state: &BeaconState<E>,
    data: &LightClientVoteData,
    key: &SecretKey,
    config: &ChainConfig,
) -> Result<SignatureBytes, DutyError> {
    Ok(light_client_vote_signing_root(state, data, config)?.sign(key))
}

/// The message of `get_light_client_slot_signature`: `slot` under
/// `DOMAIN_LIGHT_SELECTION_PROOF` at its epoch.
pub fn light_client_slot_signing_root<E: EthSpec>(
    state: &BeaconState<E>,
    slot: Slot,
    config: &ChainConfig,
) -> Result<SigningRoot, DutyError> {
    let epoch = compute_epoch_at_slot(slot, config)?;
    let domain = get_domain(
        state,
        config.domain_light_selection_proof,
        Some(epoch),
        config,
    )?;
    Ok(SigningRoot::new(&slot, domain))
}

/// The message `process_light_client_aggregate` checks a vote against: the vote's
/// `beacon_block_root` alone under `DOMAIN_LIGHT_CLIENT` at the epoch of its slot.
pub fn light_client_block_root_signing_root<E: EthSpec>(
    state: &BeaconState<E>,
    data: &LightClientVoteData,
    config: &ChainConfig,
) -> Result<SigningRoot, DutyError> {
    Ok(SigningRoot::new(
        &data.beacon_block_root,
        light_client_domain(state, data, config)?,
    ))
}

/// A committee member's signature of `data` as block processing verifies it (see the module
/// note): the block root alone, so the aggregate of such votes passes
/// `process_light_client_aggregate` in the block of the next slot.
pub fn sign_light_client_block_root<E: EthSpec>(
    state: &BeaconState<E>,
    data: &LightClientVoteData,
    key: &SecretKey,
    config: &ChainConfig,
) -> Result<SignatureBytes, DutyError> {
    Ok(light_client_block_root_signing_root(state, data, config)?.sign(key))
}

/// `get_light_client_slot_signature`: the selection proof of a light client aggregator.
pub fn sign_light_client_slot<E: EthSpec>(
    state: &BeaconState<E>,
    slot: Slot,
    key: &SecretKey,
    config: &ChainConfig,
) -> Result<SignatureBytes, DutyError> {
    Ok(light_client_slot_signing_root(state, slot, config)?.sign(key))
}

/// `is_light_client_aggregator`: the holder of `slot_signature` aggregates light client votes
/// at `slot`.
pub fn is_light_client_aggregator<E: EthSpec>(
    state: &BeaconState<E>,
    slot: Slot,
    slot_signature: &SignatureBytes,
    config: &ChainConfig,
) -> Result<bool, DutyError> {
    let epoch = compute_epoch_at_slot(slot, config)?;
    let committee = get_light_client_committee(state, epoch, config)?;
    is_aggregator_in_committee_of(
        committee.len(),
        slot_signature,
        TARGET_LIGHT_CLIENT_AGGREGATORS_PER_SLOT,
    )
}

/// `get_aggregate_light_client_signature`: `bls.Aggregate` of the votes' signatures.
pub fn get_aggregate_light_client_signature<E: EthSpec>(
    light_client_votes: &[LightClientVote<E>],
) -> Result<SignatureBytes, DutyError> {
    aggregate(light_client_votes.iter().map(|v| &v.signature))
}

/// `get_light_aggregate_and_proof`: the aggregate vote with its aggregator and selection
/// proof (the caller's [`sign_light_client_slot`] of `aggregate.data.slot`).
pub fn get_light_aggregate_and_proof<E: EthSpec>(
    aggregator_index: ValidatorIndex,
    aggregate: LightClientVote<E>,
    selection_proof: SignatureBytes,
) -> LightAggregateAndProof<E> {
    LightAggregateAndProof {
        aggregator_index,
        aggregate,
        selection_proof,
    }
}

/// The message of `get_light_aggregate_and_proof_signature`: the `LightAggregateAndProof`
/// under `DOMAIN_LIGHT_AGGREGATE_AND_PROOF` at the aggregate's epoch.
pub fn light_aggregate_and_proof_signing_root<E: EthSpec>(
    state: &BeaconState<E>,
    aggregate_and_proof: &LightAggregateAndProof<E>,
    config: &ChainConfig,
) -> Result<SigningRoot, DutyError> {
    let epoch = compute_epoch_at_slot(aggregate_and_proof.aggregate.data.slot, config)?;
    let domain = get_domain(
        state,
        config.domain_light_aggregate_and_proof,
        Some(epoch),
        config,
    )?;
    Ok(SigningRoot::new(aggregate_and_proof, domain))
}

/// `get_light_aggregate_and_proof_signature`: the aggregator's signature of its
/// `LightAggregateAndProof`.
pub fn sign_light_aggregate_and_proof<E: EthSpec>(
    state: &BeaconState<E>,
    aggregate_and_proof: &LightAggregateAndProof<E>,
    key: &SecretKey,
    config: &ChainConfig,
) -> Result<SignatureBytes, DutyError> {
    Ok(light_aggregate_and_proof_signing_root(state, aggregate_and_proof, config)?.sign(key))
}
