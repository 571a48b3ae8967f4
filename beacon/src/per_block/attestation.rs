//! `process_attestation` (phase 1): checks an attestation, with the phase 1 rules for on-time
//! and late attestations, and records it for epoch processing.

use primitives::math::compute_epoch_at_slot;
use primitives::types::{
    Attestation, BeaconState, PendingAttestation, Root, ShardTransition, ValidatorIndex,
};
use primitives::{ChainConfig, EthSpec};
use tree_hash::TreeHash;

use super::{AttestationInvalid, OperationError};
use crate::accessors::committees::{attesting_members, indexed_attestation};
use crate::accessors::{
    CommitteeCaches, compute_previous_slot, compute_shard_from_committee_index,
    get_beacon_proposer_index, get_block_root_at_slot, get_committee_count_per_slot,
    get_current_epoch, get_previous_epoch, validate_indexed_attestation,
};
use crate::signatures::VerifySignatures;
use crate::{BeaconStateError, GENESIS_SLOT};

/// `is_on_time_attestation`: the attestation is of the slot before the state's.
fn is_on_time<E: EthSpec>(state: &BeaconState<E>, attestation_slot: u64) -> bool {
    attestation_slot == compute_previous_slot(state.slot)
}

/// `validate_attestation` (phase 1): the committee, epochs, inclusion window, bits and source
/// of an attestation; for an on-time attestation its block root, shard and shard transition
/// root; for a late one the absence of a shard transition; then its signature.
///
/// The committee comes from `committees`, which shuffles each target epoch once for all the
/// attestations of a block.
pub fn validate_attestation<E: EthSpec>(
    state: &BeaconState<E>,
    attestation: &Attestation<E>,
    committees: &mut CommitteeCaches,
    verify: &mut VerifySignatures<'_>,
    config: &ChainConfig,
) -> Result<(), OperationError<AttestationInvalid>> {
    let invalid = OperationError::Invalid;
    let data = &attestation.data;
    let count = get_committee_count_per_slot(state, data.target.epoch, config)?;
    if data.index >= count {
        return Err(invalid(AttestationInvalid::BadCommitteeIndex {
            index: data.index,
            count,
        }));
    }
    let previous = get_previous_epoch(state, config)?;
    let current = get_current_epoch(state, config)?;
    if data.target.epoch != previous && data.target.epoch != current {
        return Err(invalid(AttestationInvalid::BadTargetEpoch {
            target: data.target.epoch,
            previous,
            current,
        }));
    }
    if data.target.epoch
        != compute_epoch_at_slot(data.slot, config).map_err(BeaconStateError::from)?
    {
        return Err(invalid(AttestationInvalid::TargetEpochSlotMismatch {
            target: data.target.epoch,
            slot: data.slot,
        }));
    }
    // Past uint64 the spec's sums fail, which is an invalid attestation either way.
    let too_early = data
        .slot
        .checked_add(config.min_attestation_inclusion_delay)
        .is_none_or(|earliest| earliest > state.slot);
    if too_early {
        return Err(invalid(AttestationInvalid::IncludedTooEarly {
            attestation_slot: data.slot,
            state_slot: state.slot,
        }));
    }
    let too_late = data
        .slot
        .checked_add(config.slots_per_epoch)
        .is_none_or(|latest| state.slot > latest);
    if too_late {
        return Err(invalid(AttestationInvalid::IncludedTooLate {
            attestation_slot: data.slot,
            state_slot: state.slot,
        }));
    }

    let committee = committees
        .get(state, data.target.epoch, config)?
        .get_beacon_committee(data.slot, data.index)?;
    if attestation.aggregation_bits.len() != committee.len() {
        return Err(invalid(AttestationInvalid::BitsLengthMismatch {
            bits: attestation.aggregation_bits.len(),
            committee: committee.len(),
        }));
    }
    let expected_source = if data.target.epoch == current {
        &state.current_justified_checkpoint
    } else {
        &state.previous_justified_checkpoint
    };
    if data.source != *expected_source {
        return Err(invalid(AttestationInvalid::WrongSource {
            attestation: data.source.clone(),
            expected: expected_source.clone(),
        }));
    }

    if is_on_time(state, data.slot) {
        let expected = get_block_root_at_slot(state, compute_previous_slot(state.slot))?;
        if data.beacon_block_root != expected {
            return Err(invalid(AttestationInvalid::WrongBeaconBlockRoot {
                attestation: data.beacon_block_root,
                expected,
            }));
        }
        let shard = compute_shard_from_committee_index(state, data.index, data.slot, config)?;
        if data.shard != shard {
            return Err(invalid(AttestationInvalid::WrongShard {
                attestation: data.shard,
                expected: shard,
            }));
        }
        // PHASE_1_FORK_SLOT is GENESIS_SLOT here, as in the spec's vectors.
        let empty_transition = ShardTransition::<E>::default().tree_hash_root();
        let is_empty = data.shard_transition_root == empty_transition;
        if is_empty == (data.slot > GENESIS_SLOT) {
            return Err(invalid(AttestationInvalid::BadOnTimeShardTransitionRoot));
        }
    } else {
        if data.slot >= compute_previous_slot(state.slot) {
            return Err(invalid(AttestationInvalid::NotDelayed {
                attestation_slot: data.slot,
            }));
        }
        if data.shard_transition_root != Root::ZERO {
            return Err(invalid(AttestationInvalid::LateShardTransitionRoot));
        }
    }

    let attesters = attesting_members::<E>(committee, &attestation.aggregation_bits)?;
    let indexed = indexed_attestation(attesters, attestation)?;
    validate_indexed_attestation(state, &indexed, verify, config)
        .map_err(|reason| invalid(AttestationInvalid::IndexedAttestationInvalid(reason)))?;
    Ok(())
}

/// `process_attestation` (phase 1): validates the attestation and appends it to the current
/// or previous epoch's pending attestations, its crosslink success left for
/// `process_shard_transitions` to fill in.
pub fn process_attestation<E: EthSpec>(
    state: &mut BeaconState<E>,
    attestation: &Attestation<E>,
    committees: &mut CommitteeCaches,
    verify: &mut VerifySignatures<'_>,
    config: &ChainConfig,
) -> Result<(), OperationError<AttestationInvalid>> {
    validate_attestation(state, attestation, committees, verify, config)?;
    let data = &attestation.data;
    let proposer_index: ValidatorIndex = get_beacon_proposer_index(state, config)?;
    let pending = PendingAttestation {
        aggregation_bits: attestation.aggregation_bits.clone(),
        data: data.clone(),
        // validate_attestation checked data.slot + MIN_ATTESTATION_INCLUSION_DELAY <= slot.
        inclusion_delay: state.slot.saturating_sub(data.slot),
        proposer_index,
        crosslink_success: false,
    };
    let list = if data.target.epoch == get_current_epoch(state, config)? {
        &mut state.current_epoch_attestations
    } else {
        &mut state.previous_epoch_attestations
    };
    list.push(pending).map_err(|_| BeaconStateError::ListFull {
        what: "pending attestations",
    })?;
    Ok(())
}
