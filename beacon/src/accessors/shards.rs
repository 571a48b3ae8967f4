//! Phase 1 shard accessors: active shards, start shards, shard and light client committees,
//! shard proposers and offset slots.

use ethereum_hashing::hash_fixed;
use primitives::math::{bytes_to_uint64, compute_epoch_at_slot, compute_start_slot_at_epoch};
use primitives::shuffling::compute_committee;
use primitives::types::{
    BeaconState, CommitteeIndex, Epoch, Shard, ShardState, Slot, ValidatorIndex,
};
use primitives::{ChainConfig, EthSpec};

use super::{
    get_active_validator_indices, get_committee_count_per_slot, get_current_epoch, get_seed,
};
use crate::BeaconStateError;

/// `compute_previous_slot`: the slot before `slot`, or 0.
pub fn compute_previous_slot(slot: Slot) -> Slot {
    slot.saturating_sub(1)
}

/// `compute_committee_source_epoch`: the start of the `period` before the one holding `epoch`
/// (or epoch 0 within the first period), whose validators form the committee.
pub fn compute_committee_source_epoch(
    epoch: Epoch,
    period: u64,
) -> Result<Epoch, BeaconStateError> {
    let into_period = epoch
        .checked_rem(period)
        .ok_or(BeaconStateError::Overflow {
            what: "epoch % period with a zero period",
        })?;
    // into_period <= epoch, and period <= source_epoch where subtracted.
    let source_epoch = epoch.saturating_sub(into_period);
    Ok(if source_epoch >= period {
        source_epoch.saturating_sub(period)
    } else {
        source_epoch
    })
}

/// `compute_offset_slots`: `start_slot + x` for each `x` of `SHARD_BLOCK_OFFSETS` below
/// `end_slot`.
pub fn compute_offset_slots(start_slot: Slot, end_slot: Slot, config: &ChainConfig) -> Vec<Slot> {
    config
        .shard_block_offsets
        .iter()
        .filter_map(|x| start_slot.checked_add(*x))
        .filter(|slot| *slot < end_slot)
        .collect()
}

/// `get_active_shard_count`: `INITIAL_ACTIVE_SHARDS`.
pub fn get_active_shard_count<E: EthSpec>(_state: &BeaconState<E>, config: &ChainConfig) -> u64 {
    config.initial_active_shards
}

/// `get_committee_count_delta`: the sum of the committee counts of the slots
/// `[start_slot, stop_slot)`.
pub fn get_committee_count_delta<E: EthSpec>(
    state: &BeaconState<E>,
    start_slot: Slot,
    stop_slot: Slot,
    config: &ChainConfig,
) -> Result<u64, BeaconStateError> {
    let overflow = BeaconStateError::Overflow {
        what: "committee count delta",
    };
    let mut delta: u64 = 0;
    let mut slot = start_slot;
    // The count is the same for every slot of an epoch: one lookup per epoch of the range.
    while slot < stop_slot {
        let epoch = compute_epoch_at_slot(slot, config)?;
        let next_epoch_start = epoch
            .checked_add(1)
            .map(|e| compute_start_slot_at_epoch(e, config))
            .transpose()?
            .unwrap_or(Slot::MAX);
        let end = next_epoch_start.min(stop_slot);
        let slots = end.saturating_sub(slot);
        let per_slot = get_committee_count_per_slot(state, epoch, config)?;
        delta = per_slot
            .checked_mul(slots)
            .and_then(|n| delta.checked_add(n))
            .ok_or(overflow.clone())?;
        slot = end;
    }
    Ok(delta)
}

/// `get_start_shard`: the shard of committee 0 at `slot`, counted from the current epoch's
/// start shard.
pub fn get_start_shard<E: EthSpec>(
    state: &BeaconState<E>,
    slot: Slot,
    config: &ChainConfig,
) -> Result<Shard, BeaconStateError> {
    let current_epoch_start_slot =
        compute_start_slot_at_epoch(get_current_epoch(state, config)?, config)?;
    let active_shard_count = get_active_shard_count(state, config);
    if slot == current_epoch_start_slot {
        return Ok(state.current_epoch_start_shard);
    }
    let shard = if slot > current_epoch_start_slot {
        // The current epoch or the next epoch's lookahead.
        let delta = get_committee_count_delta(state, current_epoch_start_slot, slot, config)?;
        state.current_epoch_start_shard.checked_add(delta)
    } else {
        // The previous epoch: count back, adding whole spans of the shard count to stay
        // positive.
        let delta = get_committee_count_delta(state, slot, current_epoch_start_slot, config)?;
        let max_committees_in_span =
            active_shard_count.checked_mul(current_epoch_start_slot.saturating_sub(slot));
        max_committees_in_span
            .and_then(|span| state.current_epoch_start_shard.checked_add(span))
            .and_then(|sum| sum.checked_sub(delta))
    };
    shard
        .and_then(|s| s.checked_rem(active_shard_count))
        .ok_or(BeaconStateError::Overflow {
            what: "start shard",
        })
}

/// `compute_shard_from_committee_index`: the shard that committee `index` of `slot` crosslinks.
pub fn compute_shard_from_committee_index<E: EthSpec>(
    state: &BeaconState<E>,
    index: CommitteeIndex,
    slot: Slot,
    config: &ChainConfig,
) -> Result<Shard, BeaconStateError> {
    let active_shards = get_active_shard_count(state, config);
    index
        .checked_add(get_start_shard(state, slot, config)?)
        .and_then(|s| s.checked_rem(active_shards))
        .ok_or(BeaconStateError::Overflow {
            what: "(index + start shard) % active shards",
        })
}

/// `state.shard_states[shard]`: the shard's latest crosslinked state, or a typed error for a
/// shard the state does not have.
pub fn shard_state<E: EthSpec>(
    state: &BeaconState<E>,
    shard: Shard,
) -> Result<&ShardState, BeaconStateError> {
    usize::try_from(shard)
        .ok()
        .and_then(|i| state.shard_states.get(i))
        .ok_or(BeaconStateError::UnknownShard {
            shard,
            count: state.shard_states.len() as u64,
        })
}

/// `get_latest_slot_for_shard`: the slot of the shard's latest crosslinked state.
pub fn get_latest_slot_for_shard<E: EthSpec>(
    state: &BeaconState<E>,
    shard: Shard,
) -> Result<Slot, BeaconStateError> {
    shard_state(state, shard).map(|s| s.slot)
}

/// `get_offset_slots`: the offset slots after the shard's latest slot and before the state's.
pub fn get_offset_slots<E: EthSpec>(
    state: &BeaconState<E>,
    shard: Shard,
    config: &ChainConfig,
) -> Result<Vec<Slot>, BeaconStateError> {
    Ok(compute_offset_slots(
        get_latest_slot_for_shard(state, shard)?,
        state.slot,
        config,
    ))
}

/// `get_shard_committee`: the committee of `shard` for `epoch`, drawn from the validators of
/// the committee source epoch (`SHARD_COMMITTEE_PERIOD`).
pub fn get_shard_committee<E: EthSpec>(
    state: &BeaconState<E>,
    epoch: Epoch,
    shard: Shard,
    config: &ChainConfig,
) -> Result<Vec<ValidatorIndex>, BeaconStateError> {
    let source_epoch = compute_committee_source_epoch(epoch, config.shard_committee_period)?;
    let indices = get_active_validator_indices(state, source_epoch);
    let seed = get_seed(state, source_epoch, config.domain_shard_committee, config)?;
    Ok(compute_committee(
        &indices,
        &seed,
        shard,
        get_active_shard_count(state, config),
        config.shuffle_round_count,
    )?)
}

/// `get_light_client_committee`: at most `LIGHT_CLIENT_COMMITTEE_SIZE` validators, drawn from
/// the committee source epoch (`LIGHT_CLIENT_COMMITTEE_PERIOD`).
pub fn get_light_client_committee<E: EthSpec>(
    state: &BeaconState<E>,
    epoch: Epoch,
    config: &ChainConfig,
) -> Result<Vec<ValidatorIndex>, BeaconStateError> {
    let source_epoch = compute_committee_source_epoch(epoch, config.light_client_committee_period)?;
    let indices = get_active_validator_indices(state, source_epoch);
    let seed = get_seed(state, source_epoch, config.domain_light_client, config)?;
    let mut committee = compute_committee(
        &indices,
        &seed,
        0,
        get_active_shard_count(state, config),
        config.shuffle_round_count,
    )?;
    committee.truncate(usize::try_from(config.light_client_committee_size).unwrap_or(usize::MAX));
    Ok(committee)
}

/// `get_shard_proposer_index`: the member of the shard committee that proposes at `slot`.
pub fn get_shard_proposer_index<E: EthSpec>(
    state: &BeaconState<E>,
    slot: Slot,
    shard: Shard,
    config: &ChainConfig,
) -> Result<ValidatorIndex, BeaconStateError> {
    let epoch = compute_epoch_at_slot(slot, config)?;
    let committee = get_shard_committee(state, epoch, shard, config)?;
    let epoch_seed = get_seed(state, epoch, config.domain_shard_committee, config)?;
    let mut preimage = [0u8; 40];
    for (dst, src) in preimage
        .iter_mut()
        .zip(epoch_seed.iter().chain(&slot.to_le_bytes()))
    {
        *dst = *src;
    }
    let seed = hash_fixed(&preimage);
    let r = bytes_to_uint64(seed.get(..8).unwrap_or_default())?;
    let len = committee.len() as u64;
    r.checked_rem(len)
        .and_then(|i| usize::try_from(i).ok())
        .and_then(|i| committee.get(i))
        .copied()
        .ok_or(BeaconStateError::NoActiveValidators { epoch })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accessors::committees::tests::state_with;
    use primitives::PresetName;

    #[test]
    fn start_shards_advance_by_the_committee_count() {
        let mut config = ChainConfig::preset(PresetName::Minimal);
        config.initial_active_shards = 5;
        // 200 validators: 200 // 8 // 4 = 6 committees per slot, capped at 5 shards.
        let mut state = state_with(200);
        state.current_epoch_start_shard = 3;
        // Validators 0..100 exit at epoch 3, which then has 3 committees per slot, so the
        // counts differ across the epochs spanned below.
        for v in state.validators.iter_mut().take(100) {
            v.exit_epoch = 3;
        }
        assert_eq!(get_current_epoch(&state, &config), Ok(2));
        assert_eq!(get_committee_count_per_slot(&state, 2, &config), Ok(5));
        assert_eq!(get_committee_count_per_slot(&state, 3, &config), Ok(3));
        assert_eq!(get_start_shard(&state, 16, &config), Ok(3));
        for slot in 8..31 {
            let epoch = slot / 8;
            let per_slot = get_committee_count_per_slot(&state, epoch, &config).unwrap();
            let here = get_start_shard(&state, slot, &config).unwrap();
            let next = get_start_shard(&state, slot + 1, &config).unwrap();
            assert_eq!((here + per_slot) % 5, next, "slot {slot}");
            let naive: u64 = (slot..31)
                .map(|s| get_committee_count_per_slot(&state, s / 8, &config).unwrap())
                .sum();
            assert_eq!(
                get_committee_count_delta(&state, slot, 31, &config),
                Ok(naive)
            );
        }
        assert_eq!(
            compute_shard_from_committee_index(&state, 4, 16, &config),
            Ok((4 + 3) % 5)
        );
    }

    #[test]
    fn committee_source_epoch() {
        assert_eq!(compute_committee_source_epoch(0, 64), Ok(0));
        assert_eq!(compute_committee_source_epoch(63, 64), Ok(0));
        assert_eq!(compute_committee_source_epoch(64, 64), Ok(0));
        assert_eq!(compute_committee_source_epoch(130, 64), Ok(64));
        assert!(compute_committee_source_epoch(5, 0).is_err());
    }

    #[test]
    fn offset_slots() {
        let config = ChainConfig::preset(PresetName::Minimal);
        assert_eq!(compute_offset_slots(10, 16, &config), vec![11, 12, 13, 15]);
        assert_eq!(compute_offset_slots(10, 11, &config), Vec::<Slot>::new());
        assert_eq!(
            compute_offset_slots(u64::MAX - 2, u64::MAX, &config),
            vec![u64::MAX - 1]
        );
        assert_eq!(compute_previous_slot(0), 0);
        assert_eq!(compute_previous_slot(7), 6);
    }
}
