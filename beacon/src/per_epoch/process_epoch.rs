//! `process_epoch` (phase 1): the epoch steps in the spec's order.

use primitives::types::BeaconState;
use primitives::{ChainConfig, EthSpec};

use super::{
    EpochProcessingError, process_challenge_deadlines, process_custody_final_updates,
    process_final_updates, process_justification_and_finalization,
    process_light_client_committee_updates, process_online_tracking, process_registry_updates,
    process_reveal_deadlines, process_rewards_and_penalties, process_slashings,
    update_current_epoch_start_shard,
};

/// `process_epoch`: runs at the last slot of an epoch, before the slot advances.
///
/// A failure leaves the state partly processed; the caller discards it.
pub fn process_epoch<E: EthSpec>(
    state: &mut BeaconState<E>,
    config: &ChainConfig,
) -> Result<(), EpochProcessingError> {
    process_justification_and_finalization(state, config)?;
    process_rewards_and_penalties(state, config)?;
    process_registry_updates(state, config)?;
    process_reveal_deadlines(state, config)?;
    process_challenge_deadlines(state, config)?;
    process_slashings(state, config)?;
    // The phase 0 final updates, then phase 1's.
    process_final_updates(state, config)?;
    process_phase_1_final_updates(state, config)
}

/// `process_phase_1_final_updates`: the custody final updates, online tracking, the light
/// client committees, and the start shard of the next epoch.
pub fn process_phase_1_final_updates<E: EthSpec>(
    state: &mut BeaconState<E>,
    config: &ChainConfig,
) -> Result<(), EpochProcessingError> {
    process_custody_final_updates(state, config)?;
    process_online_tracking(state, config)?;
    process_light_client_committee_updates(state, config)?;
    update_current_epoch_start_shard(state, config)
}
