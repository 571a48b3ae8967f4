//! `process_eth1_data`: records the block's eth1 data vote, and adopts the voted eth1 data once
//! more than half of the voting period's slots voted for it.

use primitives::types::{BeaconBlockBody, BeaconState};
use primitives::{ChainConfig, EthSpec};

use crate::BeaconStateError;

/// `process_eth1_data`: appends `body.eth1_data` to the votes; if its votes times two exceed
/// `EPOCHS_PER_ETH1_VOTING_PERIOD * SLOTS_PER_EPOCH`, it becomes the state's eth1 data.
///
/// The votes list holds one voting period's slots and is emptied at each period's end, so a
/// full list is a state fault, not the block's.
pub fn process_eth1_data<E: EthSpec>(
    state: &mut BeaconState<E>,
    body: &BeaconBlockBody<E>,
    config: &ChainConfig,
) -> Result<(), BeaconStateError> {
    let period_slots = config
        .epochs_per_eth1_voting_period
        .checked_mul(config.slots_per_epoch)
        .ok_or(BeaconStateError::Overflow {
            what: "EPOCHS_PER_ETH1_VOTING_PERIOD * SLOTS_PER_EPOCH",
        })?;
    state
        .eth1_data_votes
        .push(body.eth1_data.clone())
        .map_err(|_| BeaconStateError::ListFull {
            what: "eth1_data_votes",
        })?;
    let votes = state
        .eth1_data_votes
        .iter()
        .filter(|vote| **vote == body.eth1_data)
        .count() as u64;
    // The list is bounded by the period's slots, so doubling cannot overflow.
    if votes.saturating_mul(2) > period_slots {
        state.eth1_data = body.eth1_data.clone();
    }
    Ok(())
}
