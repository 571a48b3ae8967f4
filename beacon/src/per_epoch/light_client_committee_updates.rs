//! `process_light_client_committee_updates`: the light client committees rotate once per
//! `LIGHT_CLIENT_COMMITTEE_PERIOD`.

use primitives::math::compute_epoch_at_slot;
use primitives::types::BeaconState;
use primitives::{ChainConfig, EthSpec};

use super::EpochProcessingError;
use crate::BeaconStateError;
use crate::accessors::{committee_to_compact_committee, get_light_client_committee};

/// `process_light_client_committee_updates`: when the next epoch starts a period, the next
/// committee becomes the current one and the committee of the period after is computed.
pub fn process_light_client_committee_updates<E: EthSpec>(
    state: &mut BeaconState<E>,
    config: &ChainConfig,
) -> Result<(), EpochProcessingError> {
    let period = config.light_client_committee_period;
    let next_slot = state
        .slot
        .checked_add(1)
        .ok_or(BeaconStateError::Overflow {
            what: "state.slot + 1",
        })?;
    let next_epoch = compute_epoch_at_slot(next_slot, config)?;
    let starts_period = next_epoch
        .checked_rem(period)
        .ok_or(EpochProcessingError::BadConfig {
            name: "LIGHT_CLIENT_COMMITTEE_PERIOD",
            value: period,
        })?
        == 0;
    if !starts_period {
        return Ok(());
    }
    let committee_epoch = next_epoch
        .checked_add(period)
        .ok_or(BeaconStateError::Overflow {
            what: "next epoch + LIGHT_CLIENT_COMMITTEE_PERIOD",
        })?;
    // Computed before anything changes, so that a failure leaves both committees as they were.
    let new_committee = get_light_client_committee(state, committee_epoch, config)?;
    let next_light_committee = committee_to_compact_committee(state, &new_committee, config)?;
    state.current_light_committee =
        std::mem::replace(&mut state.next_light_committee, next_light_committee);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accessors::committees::tests::state_with;
    use crate::accessors::unpack_compact_validator;
    use primitives::PresetName;
    use primitives::types::CompactCommittee;
    use ssz_types::VariableList;

    #[test]
    fn committees_rotate_at_the_end_of_a_period() {
        let config = ChainConfig::preset(PresetName::Minimal);
        let mut state = state_with(64);
        let old_next = CompactCommittee {
            pubkeys: VariableList::new(vec![Default::default()]).unwrap(),
            compact_validators: VariableList::new(vec![42]).unwrap(),
        };
        state.next_light_committee = old_next.clone();
        // The last slot of the epoch before epoch 256, which starts a period.
        state.slot = 256 * config.slots_per_epoch - 1;

        process_light_client_committee_updates(&mut state, &config).unwrap();

        assert_eq!(state.current_light_committee, old_next);
        let expected = get_light_client_committee(&state, 512, &config).unwrap();
        assert!(!expected.is_empty());
        let members: Vec<_> = state
            .next_light_committee
            .compact_validators
            .iter()
            .map(|w| unpack_compact_validator(*w).0)
            .collect();
        assert_eq!(members, expected);
        assert_eq!(
            state.next_light_committee,
            committee_to_compact_committee(&state, &expected, &config).unwrap()
        );
    }

    #[test]
    fn committees_stay_within_a_period() {
        let config = ChainConfig::preset(PresetName::Minimal);
        let mut state = state_with(64);
        state.next_light_committee.compact_validators = VariableList::new(vec![42]).unwrap();
        // The last slot of epoch 256 and a slot inside epoch 255: neither ends a period.
        for slot in [
            257 * config.slots_per_epoch - 1,
            255 * config.slots_per_epoch + 3,
        ] {
            let before = state.clone();
            state.slot = slot;
            process_light_client_committee_updates(&mut state, &config).unwrap();
            assert_eq!(
                state.current_light_committee,
                before.current_light_committee
            );
            assert_eq!(state.next_light_committee, before.next_light_committee);
        }
    }
}
