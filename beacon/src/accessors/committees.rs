//! Beacon committees and proposers: `get_beacon_committee`, `get_beacon_proposer_index` and the
//! attestation accessors built on them.

use std::collections::BTreeSet;

use ethereum_hashing::hash_fixed;
use primitives::math::compute_epoch_at_slot;
use primitives::shuffling::{compute_committee, compute_proposer_index};
use primitives::types::{
    Attestation, AttestationData, BeaconState, Bytes32, CommitteeIndex, Epoch, IndexedAttestation,
    Slot, ValidatorIndex,
};
use primitives::{ChainConfig, EthSpec};
use ssz_types::{BitList, VariableList};

use super::{get_active_shard_count, get_active_validator_indices, get_current_epoch, get_seed};
use crate::BeaconStateError;

/// `get_committee_count_per_slot` (phase 1): `max(1, min(get_active_shard_count(state),
/// active // SLOTS_PER_EPOCH // TARGET_COMMITTEE_SIZE))`.
pub fn get_committee_count_per_slot<E: EthSpec>(
    state: &BeaconState<E>,
    epoch: Epoch,
    config: &ChainConfig,
) -> Result<u64, BeaconStateError> {
    let active = get_active_validator_indices(state, epoch).len() as u64;
    committee_count_per_slot(active, state, config)
}

/// The committee count per slot for `active` active validators.
pub(crate) fn committee_count_per_slot<E: EthSpec>(
    active: u64,
    state: &BeaconState<E>,
    config: &ChainConfig,
) -> Result<u64, BeaconStateError> {
    let per_slot = active
        .checked_div(config.slots_per_epoch)
        .and_then(|n| n.checked_div(config.target_committee_size))
        .ok_or(BeaconStateError::Overflow {
            what: "active // SLOTS_PER_EPOCH // TARGET_COMMITTEE_SIZE",
        })?;
    Ok(get_active_shard_count(state, config).min(per_slot).max(1))
}

/// The committee's position among the epoch's `committees_per_slot * SLOTS_PER_EPOCH`.
///
/// An index not below the slot's committee count is refused: the spec's formula would reach
/// into a later slot's committees, and every spec caller checks the index beforehand.
fn committee_position(
    slot: Slot,
    index: CommitteeIndex,
    committees_per_slot: u64,
    config: &ChainConfig,
) -> Result<(u64, u64), BeaconStateError> {
    if index >= committees_per_slot {
        return Err(
            primitives::shuffling::ShuffleError::CommitteeIndexOutOfRange {
                index,
                count: committees_per_slot,
            }
            .into(),
        );
    }
    let overflow = BeaconStateError::Overflow {
        what: "(slot % SLOTS_PER_EPOCH) * committees_per_slot + index",
    };
    let slot_in_epoch = slot
        .checked_rem(config.slots_per_epoch)
        .ok_or(overflow.clone())?;
    let position = slot_in_epoch
        .checked_mul(committees_per_slot)
        .and_then(|p| p.checked_add(index))
        .ok_or(overflow.clone())?;
    let count = committees_per_slot
        .checked_mul(config.slots_per_epoch)
        .ok_or(overflow)?;
    Ok((position, count))
}

/// `get_beacon_committee`: committee `index` of `slot`, shuffled one index at a time as the
/// spec does. Callers asking for many committees of one epoch use a
/// [`CommitteeCache`](super::CommitteeCache).
pub fn get_beacon_committee<E: EthSpec>(
    state: &BeaconState<E>,
    slot: Slot,
    index: CommitteeIndex,
    config: &ChainConfig,
) -> Result<Vec<ValidatorIndex>, BeaconStateError> {
    let epoch = compute_epoch_at_slot(slot, config)?;
    let indices = get_active_validator_indices(state, epoch);
    let committees_per_slot = committee_count_per_slot(indices.len() as u64, state, config)?;
    let (position, count) = committee_position(slot, index, committees_per_slot, config)?;
    let seed = get_seed(state, epoch, config.domain_beacon_attester, config)?;
    Ok(compute_committee(
        &indices,
        &seed,
        position,
        count,
        config.shuffle_round_count,
    )?)
}

/// `get_beacon_proposer_index`: the proposer of the state's slot, sampled by effective balance.
pub fn get_beacon_proposer_index<E: EthSpec>(
    state: &BeaconState<E>,
    config: &ChainConfig,
) -> Result<ValidatorIndex, BeaconStateError> {
    let epoch = get_current_epoch(state, config)?;
    let epoch_seed = get_seed(state, epoch, config.domain_beacon_proposer, config)?;
    let mut preimage = [0u8; 40];
    for (dst, src) in preimage
        .iter_mut()
        .zip(epoch_seed.iter().chain(&state.slot.to_le_bytes()))
    {
        *dst = *src;
    }
    let seed = Bytes32::from(hash_fixed(&preimage));
    let indices = get_active_validator_indices(state, epoch);
    if indices.is_empty() {
        return Err(BeaconStateError::NoActiveValidators { epoch });
    }
    let effective_balance_of = |index: ValidatorIndex| {
        usize::try_from(index)
            .ok()
            .and_then(|i| state.validators.get(i))
            .map(|v| v.effective_balance)
    };
    Ok(compute_proposer_index(
        &indices,
        &seed,
        effective_balance_of,
        config.max_effective_balance,
        config.shuffle_round_count,
    )?)
}

/// `get_attesting_indices`: the members of the attestation's committee whose bit is set, in
/// increasing order.
pub fn get_attesting_indices<E: EthSpec>(
    state: &BeaconState<E>,
    data: &AttestationData,
    bits: &BitList<E::MaxValidatorsPerCommittee>,
    config: &ChainConfig,
) -> Result<BTreeSet<ValidatorIndex>, BeaconStateError> {
    let committee = get_beacon_committee(state, data.slot, data.index, config)?;
    attesting_members::<E>(&committee, bits)
}

/// The members of `committee` whose bit is set.
pub(crate) fn attesting_members<E: EthSpec>(
    committee: &[ValidatorIndex],
    bits: &BitList<E::MaxValidatorsPerCommittee>,
) -> Result<BTreeSet<ValidatorIndex>, BeaconStateError> {
    // The spec indexes the bits with every committee position: fewer bits fail there.
    if bits.len() < committee.len() {
        return Err(BeaconStateError::AggregationBitsLength {
            bits: bits.len(),
            committee: committee.len(),
        });
    }
    Ok(committee
        .iter()
        .enumerate()
        .filter(|(i, _)| bits.get(*i).unwrap_or(false))
        .map(|(_, index)| *index)
        .collect())
}

/// `get_indexed_attestation`: the attestation with its attesters listed in increasing order.
pub fn get_indexed_attestation<E: EthSpec>(
    state: &BeaconState<E>,
    attestation: &Attestation<E>,
    config: &ChainConfig,
) -> Result<IndexedAttestation<E>, BeaconStateError> {
    let indices = get_attesting_indices(
        state,
        &attestation.data,
        &attestation.aggregation_bits,
        config,
    )?;
    indexed_attestation(indices, attestation)
}

/// The indexed form of `attestation`, whose attesters are `indices`.
pub(crate) fn indexed_attestation<E: EthSpec>(
    indices: BTreeSet<ValidatorIndex>,
    attestation: &Attestation<E>,
) -> Result<IndexedAttestation<E>, BeaconStateError> {
    Ok(IndexedAttestation {
        attesting_indices: VariableList::new(indices.into_iter().collect()).map_err(|_| {
            BeaconStateError::ListFull {
                what: "IndexedAttestation.attesting_indices",
            }
        })?,
        data: attestation.data.clone(),
        signature: attestation.signature,
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use primitives::types::Validator;
    use primitives::{MinimalEthSpec, PresetName};

    pub(crate) fn state_with(validators: u64) -> BeaconState<MinimalEthSpec> {
        let config = ChainConfig::preset(PresetName::Minimal);
        let mut state = BeaconState::<MinimalEthSpec> {
            slot: 19,
            ..Default::default()
        };
        for i in 0..validators {
            let validator = Validator {
                effective_balance: config.max_effective_balance - (i % 3) * 1_000_000_000,
                exit_epoch: crate::FAR_FUTURE_EPOCH,
                withdrawable_epoch: crate::FAR_FUTURE_EPOCH,
                ..Default::default()
            };
            state.validators.push(validator).unwrap();
            state.balances.push(config.max_effective_balance).unwrap();
        }
        for (i, mix) in state.randao_mixes.iter_mut().enumerate() {
            *mix = Bytes32::repeat_byte(i as u8 ^ 0x5a);
        }
        state
    }

    #[test]
    fn attesting_indices_follow_the_bits() {
        let config = ChainConfig::preset(PresetName::Minimal);
        let state = state_with(64);
        let data = AttestationData {
            slot: 18,
            index: 1,
            ..Default::default()
        };
        let committee = get_beacon_committee(&state, 18, 1, &config).unwrap();
        let mut bits = BitList::with_capacity(committee.len()).unwrap();
        bits.set(0, true).unwrap();
        bits.set(committee.len() - 1, true).unwrap();
        let attesting = get_attesting_indices(&state, &data, &bits, &config).unwrap();
        let expected: BTreeSet<_> = [committee[0], committee[committee.len() - 1]].into();
        assert_eq!(attesting, expected);
        let short = BitList::with_capacity(1).unwrap();
        assert!(get_attesting_indices(&state, &data, &short, &config).is_err());
    }

    #[test]
    fn proposer_is_active_and_stable() {
        let config = ChainConfig::preset(PresetName::Minimal);
        let state = state_with(64);
        let proposer = get_beacon_proposer_index(&state, &config).unwrap();
        assert!(proposer < 64);
        assert_eq!(get_beacon_proposer_index(&state, &config), Ok(proposer));
        let empty = BeaconState::<MinimalEthSpec>::default();
        assert_eq!(
            get_beacon_proposer_index(&empty, &config),
            Err(BeaconStateError::NoActiveValidators { epoch: 0 })
        );
    }
}
