//! `process_registry_updates`: the activation queue and the ejection of validators whose
//! balance fell too low.

use primitives::math::compute_activation_exit_epoch;
use primitives::types::{BeaconState, Epoch, ValidatorIndex};
use primitives::{ChainConfig, EthSpec};

use super::EpochProcessingError;
use crate::BeaconStateError;
use crate::accessors::{
    get_current_epoch, get_validator_churn_limit, is_active_validator, is_eligible_for_activation,
    is_eligible_for_activation_queue, validator,
};
use crate::mutators::initiate_validator_exit;

/// `process_registry_updates`: queues newly eligible validators, ejects active ones at or below
/// `EJECTION_BALANCE`, and activates up to the churn limit of the queue, oldest first.
pub fn process_registry_updates<E: EthSpec>(
    state: &mut BeaconState<E>,
    config: &ChainConfig,
) -> Result<(), EpochProcessingError> {
    let current_epoch = get_current_epoch(state, config)?;
    let next_epoch = current_epoch
        .checked_add(1)
        .ok_or(BeaconStateError::Overflow {
            what: "current epoch + 1",
        })?;
    // One validator at a time, in registry order: each ejection reads the exit queue as the
    // earlier ejections of this loop left it.
    for index in 0..state.validators.len() as u64 {
        let entry = validator_mut(state, index)?;
        if is_eligible_for_activation_queue(entry, config) {
            entry.activation_eligibility_epoch = next_epoch;
        }
        let entry = validator(state, index)?;
        if is_active_validator(entry, current_epoch)
            && entry.effective_balance <= config.ejection_balance
        {
            initiate_validator_exit(state, index, config)?;
        }
    }

    let mut activation_queue: Vec<(Epoch, ValidatorIndex)> = (0u64..)
        .zip(state.validators.iter())
        .filter(|(_, v)| is_eligible_for_activation(state, v))
        .map(|(index, v)| (v.activation_eligibility_epoch, index))
        .collect();
    activation_queue.sort_unstable();
    let churn_limit =
        usize::try_from(get_validator_churn_limit(state, config)?).unwrap_or(usize::MAX);
    let activation_epoch = compute_activation_exit_epoch(current_epoch, config)?;
    for (_, index) in activation_queue.into_iter().take(churn_limit) {
        validator_mut(state, index)?.activation_epoch = activation_epoch;
    }
    Ok(())
}

/// `state.validators[index]`, to change it.
fn validator_mut<E: EthSpec>(
    state: &mut BeaconState<E>,
    index: ValidatorIndex,
) -> Result<&mut primitives::types::Validator, BeaconStateError> {
    let count = state.validators.len();
    usize::try_from(index)
        .ok()
        .and_then(|i| state.validators.get_mut(i))
        .ok_or(BeaconStateError::UnknownValidator { index, count })
}
