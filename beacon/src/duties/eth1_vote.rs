//! The block proposer's eth1 data vote (`phase0/validator.md`, "Eth1 Data").
//!
//! Shardnet's deposits live in shard 0's deposit tree rather than on an eth1 chain, so the
//! caller gathers the candidate votes (the `Eth1Data` of each block of that chain within the
//! follow distance, oldest first, e.g. with [`is_candidate_block`]) and [`get_eth1_vote`]
//! makes the spec's choice among them.

use primitives::types::{BeaconState, Eth1Block, Eth1Data, Slot};
use primitives::{ChainConfig, EthSpec};

use super::DutyError;
use crate::BeaconStateError;

/// `compute_time_at_slot`: the Unix time, in seconds, at which `slot` starts.
///
/// `SECONDS_PER_SLOT` is kept in milliseconds here; the product is rounded down to a second.
pub fn compute_time_at_slot<E: EthSpec>(
    state: &BeaconState<E>,
    slot: Slot,
    config: &ChainConfig,
) -> Result<u64, DutyError> {
    let overflow = BeaconStateError::Overflow {
        what: "genesis_time + slot * SECONDS_PER_SLOT",
    };
    let millis = u128::from(slot)
        .checked_mul(u128::from(config.seconds_per_slot.as_millis()))
        .ok_or(overflow.clone())?;
    let seconds = u64::try_from(millis / 1000).map_err(|_| overflow.clone())?;
    Ok(state.genesis_time.checked_add(seconds).ok_or(overflow)?)
}

/// `voting_period_start_time`: the start of the state's eth1 voting period.
pub fn voting_period_start_time<E: EthSpec>(
    state: &BeaconState<E>,
    config: &ChainConfig,
) -> Result<u64, DutyError> {
    let period_slots = config
        .epochs_per_eth1_voting_period
        .checked_mul(config.slots_per_epoch)
        .filter(|n| *n > 0)
        .ok_or(BeaconStateError::Overflow {
            what: "EPOCHS_PER_ETH1_VOTING_PERIOD * SLOTS_PER_EPOCH",
        })?;
    // period_slots > 0, and the remainder is at most the slot.
    let start_slot = state
        .slot
        .saturating_sub(state.slot.checked_rem(period_slots).unwrap_or(0));
    compute_time_at_slot(state, start_slot, config)
}

/// `is_candidate_block`: the block is between one and two follow distances before
/// `period_start`.
pub fn is_candidate_block(block: &Eth1Block, period_start: u64, config: &ChainConfig) -> bool {
    let distance = config
        .seconds_per_eth1_block
        .saturating_mul(config.eth1_follow_distance);
    let old_enough = block
        .timestamp
        .checked_add(distance)
        .is_some_and(|t| t <= period_start);
    let recent_enough = distance
        .checked_mul(2)
        .and_then(|d| block.timestamp.checked_add(d))
        .is_none_or(|t| t >= period_start);
    old_enough && recent_enough
}

/// `get_eth1_vote`: among `candidates` (the `Eth1Data` of the candidate blocks, oldest first),
/// the vote already cast most often in this period, ties to the earliest cast; without any,
/// the latest candidate; without candidates, the state's current `eth1_data`.
///
/// Candidates that would move the deposit count back are dropped first, as in the spec.
pub fn get_eth1_vote<E: EthSpec>(state: &BeaconState<E>, candidates: &[Eth1Data]) -> Eth1Data {
    let votes_to_consider: Vec<&Eth1Data> = candidates
        .iter()
        .filter(|vote| vote.deposit_count >= state.eth1_data.deposit_count)
        .collect();
    let valid_votes: Vec<&Eth1Data> = state
        .eth1_data_votes
        .iter()
        .filter(|vote| votes_to_consider.contains(vote))
        .collect();
    // max by (count, -first index): the first vote reaching the highest count wins ties.
    let mut best: Option<(usize, &Eth1Data)> = None;
    for vote in &valid_votes {
        let count = valid_votes.iter().filter(|v| *v == vote).count();
        if best.is_none_or(|(best_count, _)| count > best_count) {
            best = Some((count, vote));
        }
    }
    match best {
        Some((_, vote)) => vote.clone(),
        None => votes_to_consider
            .last()
            .map_or_else(|| state.eth1_data.clone(), |vote| (*vote).clone()),
    }
}
