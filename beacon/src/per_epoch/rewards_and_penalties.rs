//! `process_rewards_and_penalties`: applies the previous epoch's attestation rewards and
//! penalties to the balances.

use primitives::types::BeaconState;
use primitives::{ChainConfig, EthSpec};

use super::attestation_deltas::{Deltas, RewardBasis, get_attestation_deltas};
use super::participation::PreviousEpochParticipation;
use crate::accessors::get_current_epoch;
use crate::{BeaconStateError, GENESIS_EPOCH};

/// `process_rewards_and_penalties`: nothing at the end of the genesis epoch (there was no
/// previous epoch to reward), else `get_attestation_deltas` applied to every balance.
///
/// On error the balances are left unchanged.
pub fn process_rewards_and_penalties<E: EthSpec>(
    state: &mut BeaconState<E>,
    config: &ChainConfig,
) -> Result<(), BeaconStateError> {
    if get_current_epoch(state, config)? == GENESIS_EPOCH {
        return Ok(());
    }
    let participation = PreviousEpochParticipation::new(state, config)?;
    let basis = RewardBasis::new(state, config)?;
    let deltas = get_attestation_deltas(state, &basis, &participation, config)?;
    apply_deltas(state, &deltas)
}

/// `increase_balance` then `decrease_balance` of each validator by its deltas, all computed
/// before any balance is written.
fn apply_deltas<E: EthSpec>(
    state: &mut BeaconState<E>,
    deltas: &Deltas,
) -> Result<(), BeaconStateError> {
    let count = state.validators.len();
    if deltas.rewards.len() != count
        || deltas.penalties.len() != count
        || state.balances.len() != count
    {
        return Err(BeaconStateError::MissingEntry {
            what: "balances or deltas of every validator",
            index: count as u64,
        });
    }
    let mut balances = Vec::with_capacity(count);
    for ((balance, reward), penalty) in state
        .balances
        .iter()
        .zip(&deltas.rewards)
        .zip(&deltas.penalties)
    {
        let increased = balance
            .checked_add(*reward)
            .ok_or(BeaconStateError::Overflow {
                what: "balance + delta",
            })?;
        balances.push(increased.saturating_sub(*penalty));
    }
    for (entry, balance) in state.balances.iter_mut().zip(balances) {
        *entry = balance;
    }
    Ok(())
}
