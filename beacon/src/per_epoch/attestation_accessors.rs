//! The spec's accessors of epoch processing: the matching attestations of the previous and
//! current epochs, their unslashed attesters and attesting balance, the finality delay, the
//! eligible validators and the proposer reward.

use std::collections::BTreeSet;

use primitives::math::compute_epoch_at_slot;
use primitives::types::{
    AttestationData, BeaconState, Epoch, Gwei, PendingAttestation, Root, Validator, ValidatorIndex,
};
use primitives::{ChainConfig, EthSpec};
use ssz_types::BitList;

use crate::BeaconStateError;
use crate::accessors::{
    CommitteeCache, get_base_reward, get_block_root, get_block_root_at_slot, get_current_epoch,
    get_previous_epoch, is_active_validator,
};

/// The committees of pending attestations, each epoch shuffled once.
///
/// Unlike [`CommitteeCaches`](crate::accessors::CommitteeCaches) it does not check the seed on
/// each lookup: it lives for one epoch-processing call, during which the state does not change.
#[derive(Debug, Default)]
pub(crate) struct EpochCommittees {
    caches: Vec<CommitteeCache>,
}

impl EpochCommittees {
    /// `get_beacon_committee(state, data.slot, data.index)`.
    pub(crate) fn committee<E: EthSpec>(
        &mut self,
        state: &BeaconState<E>,
        data: &AttestationData,
        config: &ChainConfig,
    ) -> Result<&[ValidatorIndex], BeaconStateError> {
        let epoch = compute_epoch_at_slot(data.slot, config)?;
        let position = match self.caches.iter().position(|c| c.epoch() == epoch) {
            Some(position) => position,
            None => {
                self.caches.push(CommitteeCache::new(state, epoch, config)?);
                self.caches.len().saturating_sub(1)
            }
        };
        self.caches
            .get(position)
            .ok_or(BeaconStateError::MissingEntry {
                what: "epoch committees",
                index: epoch,
            })?
            .get_beacon_committee(data.slot, data.index)
    }
}

/// Calls `visit` with each member of `committee` whose aggregation bit is set: the spec's
/// `get_attesting_indices` without building a set.
pub(crate) fn for_each_attester<E: EthSpec>(
    committee: &[ValidatorIndex],
    bits: &BitList<E::MaxValidatorsPerCommittee>,
    mut visit: impl FnMut(ValidatorIndex) -> Result<(), BeaconStateError>,
) -> Result<(), BeaconStateError> {
    // The spec indexes the bits with every committee position: fewer bits fail there.
    if bits.len() < committee.len() {
        return Err(BeaconStateError::AggregationBitsLength {
            bits: bits.len(),
            committee: committee.len(),
        });
    }
    for (index, _) in committee.iter().zip(bits.iter()).filter(|(_, bit)| *bit) {
        visit(*index)?;
    }
    Ok(())
}

/// The registry position of `index`, checked against a per-validator vector of `count`.
pub(crate) fn position(index: ValidatorIndex, count: usize) -> Result<usize, BeaconStateError> {
    usize::try_from(index)
        .ok()
        .filter(|i| *i < count)
        .ok_or(BeaconStateError::UnknownValidator { index, count })
}

/// `get_matching_source_attestations`: the pending attestations of `epoch`, which must be the
/// previous or the current epoch.
pub fn get_matching_source_attestations<'s, E: EthSpec>(
    state: &'s BeaconState<E>,
    epoch: Epoch,
    config: &ChainConfig,
) -> Result<&'s [PendingAttestation<E>], BeaconStateError> {
    let current = get_current_epoch(state, config)?;
    if epoch == current {
        Ok(&state.current_epoch_attestations)
    } else if epoch == get_previous_epoch(state, config)? {
        Ok(&state.previous_epoch_attestations)
    } else {
        Err(BeaconStateError::EpochNotPreviousOrCurrent { epoch, current })
    }
}

/// `get_matching_target_attestations`: the source-matching attestations of `epoch` that vote
/// for the block root at its start.
pub fn get_matching_target_attestations<'s, E: EthSpec>(
    state: &'s BeaconState<E>,
    epoch: Epoch,
    config: &ChainConfig,
) -> Result<Vec<&'s PendingAttestation<E>>, BeaconStateError> {
    let attestations = get_matching_source_attestations(state, epoch, config)?;
    // The spec reads the root only when there is an attestation to compare it with.
    if attestations.is_empty() {
        return Ok(Vec::new());
    }
    let root = get_block_root(state, epoch, config)?;
    Ok(attestations
        .iter()
        .filter(|a| a.data.target.root == root)
        .collect())
}

/// `get_matching_head_attestations`: the target-matching attestations of `epoch` that vote for
/// the block root of their slot.
pub fn get_matching_head_attestations<'s, E: EthSpec>(
    state: &'s BeaconState<E>,
    epoch: Epoch,
    config: &ChainConfig,
) -> Result<Vec<&'s PendingAttestation<E>>, BeaconStateError> {
    let mut head = Vec::new();
    for attestation in get_matching_target_attestations(state, epoch, config)? {
        if is_matching_head(state, attestation)? {
            head.push(attestation);
        }
    }
    Ok(head)
}

/// Whether a pending attestation votes for the block root of its slot.
pub(crate) fn is_matching_head<E: EthSpec>(
    state: &BeaconState<E>,
    attestation: &PendingAttestation<E>,
) -> Result<bool, BeaconStateError> {
    let root: Root = get_block_root_at_slot(state, attestation.data.slot)?;
    Ok(attestation.data.beacon_block_root == root)
}

/// `get_unslashed_attesting_indices`: the unslashed validators that signed any of
/// `attestations`, in increasing order.
pub fn get_unslashed_attesting_indices<'a, E: EthSpec>(
    state: &BeaconState<E>,
    attestations: impl IntoIterator<Item = &'a PendingAttestation<E>>,
    config: &ChainConfig,
) -> Result<BTreeSet<ValidatorIndex>, BeaconStateError> {
    let mut committees = EpochCommittees::default();
    let mut output = BTreeSet::new();
    for attestation in attestations {
        let committee = committees.committee(state, &attestation.data, config)?;
        for_each_attester::<E>(committee, &attestation.aggregation_bits, |index| {
            output.insert(index);
            Ok(())
        })?;
    }
    let count = state.validators.len();
    let mut unslashed = BTreeSet::new();
    for index in output {
        let validator = state
            .validators
            .get(position(index, count)?)
            .ok_or(BeaconStateError::UnknownValidator { index, count })?;
        if !validator.slashed {
            unslashed.insert(index);
        }
    }
    Ok(unslashed)
}

/// `get_attesting_balance`: the total effective balance of the unslashed validators that
/// signed any of `attestations`, at least `EFFECTIVE_BALANCE_INCREMENT`.
///
/// Each attester is counted once through a flag per validator rather than a set.
pub fn get_attesting_balance<'a, E: EthSpec>(
    state: &BeaconState<E>,
    attestations: impl IntoIterator<Item = &'a PendingAttestation<E>>,
    config: &ChainConfig,
) -> Result<Gwei, BeaconStateError> {
    let count = state.validators.len();
    let mut seen = vec![false; count];
    let mut committees = EpochCommittees::default();
    let mut total: Gwei = 0;
    for attestation in attestations {
        let committee = committees.committee(state, &attestation.data, config)?;
        for_each_attester::<E>(committee, &attestation.aggregation_bits, |index| {
            let i = position(index, count)?;
            let (Some(seen), Some(validator)) = (seen.get_mut(i), state.validators.get(i)) else {
                return Err(BeaconStateError::UnknownValidator { index, count });
            };
            if !*seen && !validator.slashed {
                total = total.checked_add(validator.effective_balance).ok_or(
                    BeaconStateError::Overflow {
                        what: "attesting balance",
                    },
                )?;
            }
            *seen = true;
            Ok(())
        })?;
    }
    Ok(total.max(config.effective_balance_increment))
}

/// `get_finality_delay`: epochs from the last finalized epoch to the previous epoch.
pub fn get_finality_delay<E: EthSpec>(
    state: &BeaconState<E>,
    config: &ChainConfig,
) -> Result<u64, BeaconStateError> {
    get_previous_epoch(state, config)?
        .checked_sub(state.finalized_checkpoint.epoch)
        .ok_or(BeaconStateError::Overflow {
            what: "previous epoch - finalized epoch",
        })
}

/// `is_in_inactivity_leak`: finality is more than `MIN_EPOCHS_TO_INACTIVITY_PENALTY` epochs
/// behind.
pub fn is_in_inactivity_leak<E: EthSpec>(
    state: &BeaconState<E>,
    config: &ChainConfig,
) -> Result<bool, BeaconStateError> {
    Ok(get_finality_delay(state, config)? > config.min_epochs_to_inactivity_penalty)
}

/// Whether a validator is one of `get_eligible_validator_indices`: active in the previous
/// epoch, or slashed and not yet withdrawable in the epoch after it.
pub(crate) fn is_eligible_validator(
    validator: &Validator,
    previous_epoch: Epoch,
) -> Result<bool, BeaconStateError> {
    if is_active_validator(validator, previous_epoch) {
        return Ok(true);
    }
    let next = previous_epoch
        .checked_add(1)
        .ok_or(BeaconStateError::Overflow {
            what: "previous epoch + 1",
        })?;
    Ok(validator.slashed && next < validator.withdrawable_epoch)
}

/// `get_eligible_validator_indices`: the validators that attestation rewards and penalties
/// apply to, in registry order.
pub fn get_eligible_validator_indices<E: EthSpec>(
    state: &BeaconState<E>,
    config: &ChainConfig,
) -> Result<Vec<ValidatorIndex>, BeaconStateError> {
    let previous_epoch = get_previous_epoch(state, config)?;
    let mut eligible = Vec::new();
    for (index, validator) in (0u64..).zip(state.validators.iter()) {
        if is_eligible_validator(validator, previous_epoch)? {
            eligible.push(index);
        }
    }
    Ok(eligible)
}

/// `get_proposer_reward`: the share of `attesting_index`'s base reward paid to the proposer
/// that included its attestation.
///
/// `total_active_balance` is [`get_total_active_balance`](crate::accessors::get_total_active_balance)
/// of the same state, computed once by the caller.
pub fn get_proposer_reward<E: EthSpec>(
    state: &BeaconState<E>,
    attesting_index: ValidatorIndex,
    total_active_balance: Gwei,
    config: &ChainConfig,
) -> Result<Gwei, BeaconStateError> {
    proposer_reward(
        get_base_reward(state, attesting_index, total_active_balance, config)?,
        config,
    )
}

/// `base_reward // PROPOSER_REWARD_QUOTIENT`.
pub(crate) fn proposer_reward(
    base_reward: Gwei,
    config: &ChainConfig,
) -> Result<Gwei, BeaconStateError> {
    base_reward
        .checked_div(config.proposer_reward_quotient)
        .ok_or(BeaconStateError::Overflow {
            what: "base reward // PROPOSER_REWARD_QUOTIENT",
        })
}
