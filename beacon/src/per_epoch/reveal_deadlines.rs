//! `process_reveal_deadlines`: slashes the validators that let a custody key reveal deadline
//! pass.

use primitives::types::BeaconState;
use primitives::{ChainConfig, EthSpec};

use crate::BeaconStateError;
use crate::accessors::{get_current_epoch, get_custody_period_for_validator};
use crate::mutators::slash_validator;

/// `process_reveal_deadlines`: every validator whose custody period is more than one past its
/// next secret to reveal is slashed, in index order. As in the spec, a validator slashed
/// already is slashed again.
pub fn process_reveal_deadlines<E: EthSpec>(
    state: &mut BeaconState<E>,
    config: &ChainConfig,
) -> Result<(), BeaconStateError> {
    let epoch = get_current_epoch(state, config)?;
    // Slashing a validator changes no validator's next secret, so the late ones can be found
    // before any is slashed.
    let mut late = Vec::new();
    for (index, validator) in (0u64..).zip(state.validators.iter()) {
        let deadline = validator
            .next_custody_secret_to_reveal
            .checked_add(1)
            .ok_or(BeaconStateError::Overflow {
                what: "next_custody_secret_to_reveal + 1",
            })?;
        if get_custody_period_for_validator(index, epoch, config)? > deadline {
            late.push(index);
        }
    }
    for index in late {
        slash_validator(state, index, None, config)?;
    }
    Ok(())
}
