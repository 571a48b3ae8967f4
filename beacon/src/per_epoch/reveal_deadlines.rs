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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accessors::committees::tests::state_with;
    use primitives::PresetName;

    #[test]
    fn validators_past_their_reveal_deadline_are_slashed() {
        let config = ChainConfig::preset(PresetName::Minimal);
        let mut state = state_with(64);
        // Epoch 80: validator i is in custody period (80 + i % 32) // 32, 2 or 3.
        state.slot = 80 * config.slots_per_epoch;
        for validator in state.validators.iter_mut() {
            validator.next_custody_secret_to_reveal = 5;
        }
        // Period 2, deadline 1: late. Period 3, deadline 2: late. Period 2, deadline 2: on time.
        for (index, next_secret) in [(3, 0), (20, 1), (2, 1)] {
            state.validators[index].next_custody_secret_to_reveal = next_secret;
        }
        process_reveal_deadlines(&mut state, &config).unwrap();
        let slashed: Vec<usize> = (0..64).filter(|i| state.validators[*i].slashed).collect();
        assert_eq!(slashed, vec![3, 20]);
        assert!(state.balances[3] < config.max_effective_balance);
    }
}
