//! `process_slashings`: the correlation penalty of slashed validators, halfway to their
//! withdrawable epoch.

use primitives::types::{BeaconState, Gwei};
use primitives::{ChainConfig, EthSpec};

use super::EpochProcessingError;
use crate::BeaconStateError;
use crate::accessors::{get_current_epoch, get_total_active_balance};
use crate::mutators::decrease_balance;

/// `process_slashings`: each validator slashed `EPOCHS_PER_SLASHINGS_VECTOR // 2` epochs before
/// its withdrawable epoch loses a share of its effective balance proportional to the recent
/// slashings (times `PROPORTIONAL_SLASHING_MULTIPLIER`) over the total active balance.
pub fn process_slashings<E: EthSpec>(
    state: &mut BeaconState<E>,
    config: &ChainConfig,
) -> Result<(), EpochProcessingError> {
    let epoch = get_current_epoch(state, config)?;
    let total_balance = get_total_active_balance(state, config)?;
    let overflow = |what| EpochProcessingError::State(BeaconStateError::Overflow { what });
    let total_slashings = state
        .slashings
        .iter()
        .try_fold(0u64, |sum, s| sum.checked_add(*s))
        .ok_or(overflow("sum(state.slashings)"))?;
    let adjusted_total_slashing_balance = total_slashings
        .checked_mul(config.proportional_slashing_multiplier)
        .ok_or(overflow(
            "sum(slashings) * PROPORTIONAL_SLASHING_MULTIPLIER",
        ))?
        .min(total_balance);
    let penalized_epoch = epoch
        .checked_add(config.epochs_per_slashings_vector / 2)
        .ok_or(overflow("epoch + EPOCHS_PER_SLASHINGS_VECTOR // 2"))?;
    let increment = config.effective_balance_increment;

    // Penalties are computed from effective balances, which decreasing balances leaves alone.
    let mut penalties: Vec<(u64, Gwei)> = Vec::new();
    for (index, validator) in (0u64..).zip(state.validators.iter()) {
        if !(validator.slashed && validator.withdrawable_epoch == penalized_epoch) {
            continue;
        }
        // The increment is factored out of the numerator to keep it within uint64.
        let penalty_numerator = validator
            .effective_balance
            .checked_div(increment)
            .ok_or(EpochProcessingError::BadConfig {
                name: "EFFECTIVE_BALANCE_INCREMENT",
                value: increment,
            })?
            .checked_mul(adjusted_total_slashing_balance)
            .ok_or(overflow(
                "effective balance increments * adjusted slashing balance",
            ))?;
        // total_balance is at least EFFECTIVE_BALANCE_INCREMENT, which is not zero here.
        let penalty = penalty_numerator
            .checked_div(total_balance)
            .and_then(|p| p.checked_mul(increment))
            .ok_or(overflow("slashing penalty"))?;
        penalties.push((index, penalty));
    }
    for (index, penalty) in penalties {
        decrease_balance(state, index, penalty)?;
    }
    Ok(())
}
