//! `process_custody_final_updates`: the custody game's end-of-epoch bookkeeping.

use std::collections::BTreeSet;

use primitives::types::BeaconState;
use primitives::{ChainConfig, EthSpec};

use crate::accessors::get_current_epoch;
use crate::{BeaconStateError, FAR_FUTURE_EPOCH};

/// `process_custody_final_updates`: forgets the derived secrets exposed for the current epoch's
/// slot of `exposed_derived_secrets`; then every exited validator with an open challenge
/// (including the empty records, whose responder is 0, as in the spec) or an unrevealed secret
/// cannot withdraw, and the others that were held back become withdrawable
/// `MIN_VALIDATOR_WITHDRAWABILITY_DELAY` epochs after revealing their last secret.
pub fn process_custody_final_updates<E: EthSpec>(
    state: &mut BeaconState<E>,
    config: &ChainConfig,
) -> Result<(), BeaconStateError> {
    let location = get_current_epoch(state, config)?
        .checked_rem(config.early_derived_secret_penalty_max_future_epochs)
        .ok_or(BeaconStateError::Overflow {
            what: "epoch % EARLY_DERIVED_SECRET_PENALTY_MAX_FUTURE_EPOCHS",
        })?;
    let missing = BeaconStateError::MissingEntry {
        what: "exposed_derived_secrets",
        index: location,
    };
    let location = usize::try_from(location).map_err(|_| missing.clone())?;
    if location >= state.exposed_derived_secrets.len() {
        return Err(missing);
    }

    let responders: BTreeSet<u64> = state
        .custody_chunk_challenge_records
        .iter()
        .map(|record| record.responder_index)
        .collect();
    let mut withdrawable = Vec::new();
    for (index, validator) in (0u64..).zip(state.validators.iter()) {
        if validator.exit_epoch == FAR_FUTURE_EPOCH {
            continue;
        }
        let not_all_secrets_are_revealed =
            validator.all_custody_secrets_revealed_epoch == FAR_FUTURE_EPOCH;
        if responders.contains(&index) || not_all_secrets_are_revealed {
            withdrawable.push(FAR_FUTURE_EPOCH);
        } else if validator.withdrawable_epoch == FAR_FUTURE_EPOCH {
            withdrawable.push(
                validator
                    .all_custody_secrets_revealed_epoch
                    .checked_add(config.min_validator_withdrawability_delay)
                    .ok_or(BeaconStateError::Overflow {
                        what: "all_custody_secrets_revealed_epoch + \
                               MIN_VALIDATOR_WITHDRAWABILITY_DELAY",
                    })?,
            );
        } else {
            withdrawable.push(validator.withdrawable_epoch);
        }
    }

    // Every value is computed: the writes cannot fail.
    if let Some(exposed) = state.exposed_derived_secrets.get_mut(location) {
        *exposed = Default::default();
    }
    for (validator, epoch) in state
        .validators
        .iter_mut()
        .filter(|v| v.exit_epoch != FAR_FUTURE_EPOCH)
        .zip(withdrawable)
    {
        validator.withdrawable_epoch = epoch;
    }
    Ok(())
}
