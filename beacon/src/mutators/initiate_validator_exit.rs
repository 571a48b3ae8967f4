//! `initiate_validator_exit`: puts a validator in the exit queue.

use primitives::math::compute_activation_exit_epoch;
use primitives::types::{BeaconState, Epoch, ValidatorIndex};
use primitives::{ChainConfig, EthSpec};

use crate::accessors::{get_current_epoch, get_validator_churn_limit, validator};
use crate::{BeaconStateError, FAR_FUTURE_EPOCH};

/// `initiate_validator_exit`: sets the validator's exit epoch to the end of the exit queue and
/// its withdrawable epoch `MIN_VALIDATOR_WITHDRAWABILITY_DELAY` later; nothing if it is
/// exiting already.
pub fn initiate_validator_exit<E: EthSpec>(
    state: &mut BeaconState<E>,
    index: ValidatorIndex,
    config: &ChainConfig,
) -> Result<(), BeaconStateError> {
    if validator(state, index)?.exit_epoch != FAR_FUTURE_EPOCH {
        return Ok(());
    }
    let (exit_epoch, withdrawable_epoch) = exit_queue_epochs(state, config)?;
    let count = state.validators.len();
    let entry = usize::try_from(index)
        .ok()
        .and_then(|i| state.validators.get_mut(i))
        .ok_or(BeaconStateError::UnknownValidator { index, count })?;
    entry.exit_epoch = exit_epoch;
    entry.withdrawable_epoch = withdrawable_epoch;
    Ok(())
}

/// The exit and withdrawable epochs `initiate_validator_exit` gives a validator that is not
/// exiting yet.
pub(crate) fn exit_queue_epochs<E: EthSpec>(
    state: &BeaconState<E>,
    config: &ChainConfig,
) -> Result<(Epoch, Epoch), BeaconStateError> {
    let earliest = compute_activation_exit_epoch(get_current_epoch(state, config)?, config)?;
    let mut exit_queue_epoch = state
        .validators
        .iter()
        .map(|v| v.exit_epoch)
        .filter(|e| *e != FAR_FUTURE_EPOCH)
        .fold(earliest, Epoch::max);
    let exit_queue_churn = state
        .validators
        .iter()
        .filter(|v| v.exit_epoch == exit_queue_epoch)
        .count() as u64;
    if exit_queue_churn >= get_validator_churn_limit(state, config)? {
        exit_queue_epoch = exit_queue_epoch
            .checked_add(1)
            .ok_or(BeaconStateError::Overflow {
                what: "exit queue epoch + 1",
            })?;
    }
    let withdrawable_epoch = exit_queue_epoch
        .checked_add(config.min_validator_withdrawability_delay)
        .ok_or(BeaconStateError::Overflow {
            what: "exit epoch + MIN_VALIDATOR_WITHDRAWABILITY_DELAY",
        })?;
    Ok((exit_queue_epoch, withdrawable_epoch))
}
