//! Beacon committee and proposer assignments of one validator (`phase0/validator.md`,
//! "Validator assignments").

use ethereum_hashing::hash_fixed;
use primitives::math::{compute_epoch_at_slot, compute_start_slot_at_epoch};
use primitives::shuffling::compute_proposer_index;
use primitives::types::{BeaconState, Bytes32, CommitteeIndex, Epoch, Slot, ValidatorIndex};
use primitives::{ChainConfig, EthSpec};

use super::DutyError;
use crate::BeaconStateError;
use crate::accessors::{
    CommitteeCache, get_active_validator_indices, get_beacon_proposer_index, get_current_epoch,
    get_seed,
};

/// A validator's beacon committee duty in one epoch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitteeAssignment {
    /// The members of the committee, in committee order.
    pub committee: Vec<ValidatorIndex>,
    /// The committee's index in its slot.
    pub committee_index: CommitteeIndex,
    /// The slot the committee attests to.
    pub slot: Slot,
}

/// `get_committee_assignment`: the committee, committee index and slot of `validator_index`
/// in `epoch` (at most the state's next epoch), or `None` if it does not attest then.
///
/// Shuffles the epoch once; [`EpochDuties`](super::EpochDuties) answers for every validator
/// from that same shuffle.
pub fn get_committee_assignment<E: EthSpec>(
    state: &BeaconState<E>,
    epoch: Epoch,
    validator_index: ValidatorIndex,
    config: &ChainConfig,
) -> Result<Option<CommitteeAssignment>, DutyError> {
    check_lookahead(state, epoch, config)?;
    let cache = CommitteeCache::new(state, epoch, config)?;
    let start_slot = compute_start_slot_at_epoch(epoch, config)?;
    for slot in (0..config.slots_per_epoch).filter_map(|i| start_slot.checked_add(i)) {
        for index in 0..cache.committees_per_slot() {
            let committee = cache.get_beacon_committee(slot, index)?;
            if committee.contains(&validator_index) {
                return Ok(Some(CommitteeAssignment {
                    committee: committee.to_vec(),
                    committee_index: index,
                    slot,
                }));
            }
        }
    }
    Ok(None)
}

/// The spec's `assert epoch <= next_epoch`.
pub(super) fn check_lookahead<E: EthSpec>(
    state: &BeaconState<E>,
    epoch: Epoch,
    config: &ChainConfig,
) -> Result<(), DutyError> {
    let next_epoch =
        get_current_epoch(state, config)?
            .checked_add(1)
            .ok_or(BeaconStateError::Overflow {
                what: "current epoch + 1",
            })?;
    if epoch > next_epoch {
        return Err(DutyError::EpochTooFarAhead { epoch, next_epoch });
    }
    Ok(())
}

/// `is_proposer`: `validator_index` proposes the block of the state's slot.
pub fn is_proposer<E: EthSpec>(
    state: &BeaconState<E>,
    validator_index: ValidatorIndex,
    config: &ChainConfig,
) -> Result<bool, DutyError> {
    Ok(get_beacon_proposer_index(state, config)? == validator_index)
}

/// `get_beacon_proposer_index` of the state advanced, without an epoch transition, to `slot`
/// of its current epoch.
///
/// The proposer depends on the slot only through the hash of the epoch seed and the slot, so
/// every slot of the current epoch can be answered from one state. A slot of another epoch is
/// refused: its proposer depends on the epoch transition (balances, activations, the RANDAO
/// mix), which is why the spec asks for a state of the epoch in question.
pub fn get_beacon_proposer_index_at_slot<E: EthSpec>(
    state: &BeaconState<E>,
    slot: Slot,
    config: &ChainConfig,
) -> Result<ValidatorIndex, DutyError> {
    let epoch = get_current_epoch(state, config)?;
    if compute_epoch_at_slot(slot, config)? != epoch {
        return Err(DutyError::SlotNotInCurrentEpoch {
            slot,
            current: epoch,
        });
    }
    let indices = get_active_validator_indices(state, epoch);
    let epoch_seed = get_seed(state, epoch, config.domain_beacon_proposer, config)?;
    proposer_of_slot(state, &indices, &epoch_seed, slot, config)
}

/// The proposer of `slot` among `indices` (the current epoch's active validators), whose epoch
/// seed is `epoch_seed`.
pub(super) fn proposer_of_slot<E: EthSpec>(
    state: &BeaconState<E>,
    indices: &[ValidatorIndex],
    epoch_seed: &Bytes32,
    slot: Slot,
    config: &ChainConfig,
) -> Result<ValidatorIndex, DutyError> {
    if indices.is_empty() {
        let epoch = compute_epoch_at_slot(slot, config)?;
        return Err(BeaconStateError::NoActiveValidators { epoch }.into());
    }
    let seed = Bytes32::from(hash_fixed(&seed_preimage(epoch_seed, slot)));
    let effective_balance_of = |index: ValidatorIndex| {
        usize::try_from(index)
            .ok()
            .and_then(|i| state.validators.get(i))
            .map(|v| v.effective_balance)
    };
    Ok(compute_proposer_index(
        indices,
        &seed,
        effective_balance_of,
        config.max_effective_balance,
        config.shuffle_round_count,
    )
    .map_err(BeaconStateError::from)?)
}

/// `epoch_seed + uint_to_bytes(slot)`, the preimage of a proposer's seed.
pub(super) fn seed_preimage(epoch_seed: &Bytes32, slot: Slot) -> [u8; 40] {
    let mut preimage = [0u8; 40];
    for (dst, src) in preimage
        .iter_mut()
        .zip(epoch_seed.iter().chain(&slot.to_le_bytes()))
    {
        *dst = *src;
    }
    preimage
}
