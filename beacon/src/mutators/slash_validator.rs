//! `slash_validator`: exits and penalises a slashed validator and rewards the proposer and the
//! whistleblower.

use primitives::types::{BeaconState, ValidatorIndex};
use primitives::{ChainConfig, EthSpec};

use super::balances::StagedBalances;
use super::initiate_validator_exit::exit_queue_epochs;
use crate::accessors::{get_beacon_proposer_index, get_current_epoch, validator};
use crate::{BeaconStateError, FAR_FUTURE_EPOCH};

/// `slash_validator`: the validator exits, is marked slashed, becomes withdrawable no earlier
/// than `EPOCHS_PER_SLASHINGS_VECTOR` from now, adds its effective balance to this epoch's
/// slashings and loses `1 / MIN_SLASHING_PENALTY_QUOTIENT` of it; the proposer and the
/// whistleblower (the proposer when `None`) share the whistleblower reward.
///
/// The proposer is computed before the exit is written; the spec computes it after, with the
/// same result: the exit lies past the current epoch and the effective balances are untouched,
/// which are all the proposer depends on.
pub fn slash_validator<E: EthSpec>(
    state: &mut BeaconState<E>,
    slashed_index: ValidatorIndex,
    whistleblower_index: Option<ValidatorIndex>,
    config: &ChainConfig,
) -> Result<(), BeaconStateError> {
    let epoch = get_current_epoch(state, config)?;
    let slashed = validator(state, slashed_index)?;
    let effective_balance = slashed.effective_balance;
    let (exit_epoch, withdrawable_epoch) = if slashed.exit_epoch == FAR_FUTURE_EPOCH {
        exit_queue_epochs(state, config)?
    } else {
        (slashed.exit_epoch, slashed.withdrawable_epoch)
    };
    let withdrawable_epoch = epoch
        .checked_add(config.epochs_per_slashings_vector)
        .ok_or(BeaconStateError::Overflow {
            what: "epoch + EPOCHS_PER_SLASHINGS_VECTOR",
        })?
        .max(withdrawable_epoch);

    let slashings_index = epoch
        .checked_rem(config.epochs_per_slashings_vector)
        .ok_or(BeaconStateError::Overflow {
            what: "epoch % EPOCHS_PER_SLASHINGS_VECTOR",
        })?;
    let missing_slashings = BeaconStateError::MissingEntry {
        what: "slashings",
        index: slashings_index,
    };
    let slashings_at = usize::try_from(slashings_index).map_err(|_| missing_slashings.clone())?;
    let slashings = state
        .slashings
        .get(slashings_at)
        .ok_or(missing_slashings.clone())?
        .checked_add(effective_balance)
        .ok_or(BeaconStateError::Overflow {
            what: "slashings + effective balance",
        })?;

    let quotient = |q: u64, what| {
        effective_balance
            .checked_div(q)
            .ok_or(BeaconStateError::Overflow { what })
    };
    let penalty = quotient(
        config.min_slashing_penalty_quotient,
        "effective balance // MIN_SLASHING_PENALTY_QUOTIENT",
    )?;
    let whistleblower_reward = quotient(
        config.whistleblower_reward_quotient,
        "effective balance // WHISTLEBLOWER_REWARD_QUOTIENT",
    )?;
    let proposer_reward = whistleblower_reward
        .checked_div(config.proposer_reward_quotient)
        .ok_or(BeaconStateError::Overflow {
            what: "whistleblower reward // PROPOSER_REWARD_QUOTIENT",
        })?;
    let proposer_index = get_beacon_proposer_index(state, config)?;
    let whistleblower_index = whistleblower_index.unwrap_or(proposer_index);

    let mut balances = StagedBalances::default();
    balances.decrease(state, slashed_index, penalty)?;
    balances.increase(state, proposer_index, proposer_reward)?;
    balances.increase(
        state,
        whistleblower_index,
        whistleblower_reward.saturating_sub(proposer_reward),
    )?;

    // Every value is computed: the writes below cannot fail half-way.
    balances.commit(state)?;
    if let Some(entry) = state.slashings.get_mut(slashings_at) {
        *entry = slashings;
    }
    let count = state.validators.len();
    let slashed = usize::try_from(slashed_index)
        .ok()
        .and_then(|i| state.validators.get_mut(i))
        .ok_or(BeaconStateError::UnknownValidator {
            index: slashed_index,
            count,
        })?;
    slashed.exit_epoch = exit_epoch;
    slashed.withdrawable_epoch = withdrawable_epoch;
    slashed.slashed = true;
    Ok(())
}
