//! The last update of `process_phase_1_final_updates`: the start shard of the next epoch.

use primitives::types::BeaconState;
use primitives::{ChainConfig, EthSpec};

use super::EpochProcessingError;
use crate::BeaconStateError;
use crate::accessors::get_start_shard;

/// `process_phase_1_final_updates`'s own update:
/// `state.current_epoch_start_shard = get_start_shard(state, Slot(state.slot + 1))`.
///
/// Run at the last slot of an epoch, this moves the start shard on by the committees of that
/// epoch, so that after the slot advances it is the start shard of the new current epoch.
pub fn update_current_epoch_start_shard<E: EthSpec>(
    state: &mut BeaconState<E>,
    config: &ChainConfig,
) -> Result<(), EpochProcessingError> {
    let next_slot = state
        .slot
        .checked_add(1)
        .ok_or(BeaconStateError::Overflow {
            what: "state.slot + 1",
        })?;
    state.current_epoch_start_shard = get_start_shard(state, next_slot, config)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accessors::committees::tests::state_with;
    use crate::accessors::get_committee_count_per_slot;
    use primitives::PresetName;

    #[test]
    fn start_shard_moves_on_by_the_epochs_committees() {
        let mut config = ChainConfig::preset(PresetName::Minimal);
        config.initial_active_shards = 7;
        let mut state = state_with(200);
        state.current_epoch_start_shard = 3;
        // The last slot of epoch 2.
        state.slot = 3 * config.slots_per_epoch - 1;
        let per_slot = get_committee_count_per_slot(&state, 2, &config).unwrap();
        let expected = (3 + config.slots_per_epoch * per_slot) % 7;
        assert_ne!(expected, 3);
        let lookahead = get_start_shard(&state, state.slot + 1, &config).unwrap();

        update_current_epoch_start_shard(&mut state, &config).unwrap();

        assert_eq!(state.current_epoch_start_shard, expected);
        assert_eq!(lookahead, expected);
        // Once the slot advances, the first slot of epoch 3 starts at the stored shard.
        state.slot += 1;
        assert_eq!(get_start_shard(&state, state.slot, &config), Ok(expected));
    }
}
