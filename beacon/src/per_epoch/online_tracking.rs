//! `process_online_tracking`: counts down each validator's online countdown and resets it for
//! the attesters of the pending attestations.

use primitives::math::compute_epoch_at_slot;
use primitives::types::{BeaconState, OnlineEpochs};
use primitives::{ChainConfig, EthSpec};

use super::EpochProcessingError;
use crate::BeaconStateError;
use crate::accessors::CommitteeCaches;

/// `process_online_tracking`: every non-zero `online_countdown` goes down by one, then every
/// attester of `current_epoch_attestations + previous_epoch_attestations` is set back to
/// `ONLINE_PERIOD`. Validators deposited since the last epoch first get their entry, at
/// `ONLINE_PERIOD`.
///
/// Committees come from one shuffle per epoch (a [`CommitteeCaches`] built from this state),
/// which gives what `get_attesting_indices` gives for each attestation.
pub fn process_online_tracking<E: EthSpec>(
    state: &mut BeaconState<E>,
    config: &ChainConfig,
) -> Result<(), EpochProcessingError> {
    let online_period = OnlineEpochs::try_from(config.online_period).map_err(|_| {
        EpochProcessingError::BadConfig {
            name: "ONLINE_PERIOD",
            value: config.online_period,
        }
    })?;
    // Phase 1's `process_deposit` adds a validator without an `online_countdown` entry (the
    // spec then indexes past the list's end). A validator added by a deposit starts online,
    // as every validator did at the fork: its entry is `ONLINE_PERIOD`.
    while state.online_countdown.len() < state.validators.len() {
        state
            .online_countdown
            .push(online_period)
            .map_err(|_| BeaconStateError::ListFull {
                what: "online_countdown",
            })?;
    }
    let mut caches = CommitteeCaches::new();
    let mut attesters = Vec::new();
    for attestation in state
        .current_epoch_attestations
        .iter()
        .chain(state.previous_epoch_attestations.iter())
    {
        let epoch = compute_epoch_at_slot(attestation.data.slot, config)?;
        let cache = caches.get(state, epoch, config)?;
        attesters.extend(
            cache.get_attesting_indices::<E>(&attestation.data, &attestation.aggregation_bits)?,
        );
    }

    let validator_count = state.validators.len();
    for countdown in state.online_countdown.iter_mut().take(validator_count) {
        *countdown = countdown.saturating_sub(1);
    }
    for index in attesters {
        let count = state.online_countdown.len();
        let countdown = usize::try_from(index)
            .ok()
            .and_then(|i| state.online_countdown.get_mut(i))
            .ok_or(BeaconStateError::UnknownValidator { index, count })?;
        *countdown = online_period;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accessors::committees::tests::state_with;
    use crate::accessors::{get_attesting_indices, get_beacon_committee};
    use primitives::MinimalEthSpec;
    use primitives::PresetName;
    use primitives::types::{AttestationData, PendingAttestation};
    use ssz_types::BitList;

    /// A pending attestation of committee `index` at `slot` signed by the members at
    /// `positions`.
    fn pending(
        state: &BeaconState<MinimalEthSpec>,
        slot: u64,
        index: u64,
        positions: &[usize],
        config: &ChainConfig,
    ) -> PendingAttestation<MinimalEthSpec> {
        let committee = get_beacon_committee(state, slot, index, config).unwrap();
        let mut bits = BitList::with_capacity(committee.len()).unwrap();
        for &p in positions {
            bits.set(p, true).unwrap();
        }
        PendingAttestation {
            aggregation_bits: bits,
            data: AttestationData {
                slot,
                index,
                ..Default::default()
            },
            inclusion_delay: 1,
            proposer_index: 0,
            crosslink_success: false,
        }
    }

    #[test]
    fn countdowns_fall_and_attesters_are_reset() {
        let config = ChainConfig::preset(PresetName::Minimal);
        let mut state = state_with(64);
        for i in 0..64u64 {
            state.online_countdown.push((i % 4) as u8).unwrap();
        }
        // Slot 19 is in epoch 2: one attestation of each epoch the state keeps.
        let current = pending(&state, 18, 1, &[0, 2], &config);
        let previous = pending(&state, 12, 0, &[1], &config);
        let mut attesters =
            get_attesting_indices(&state, &current.data, &current.aggregation_bits, &config)
                .unwrap();
        attesters.extend(
            get_attesting_indices(&state, &previous.data, &previous.aggregation_bits, &config)
                .unwrap(),
        );
        assert_eq!(attesters.len(), 3);
        state.current_epoch_attestations.push(current).unwrap();
        state.previous_epoch_attestations.push(previous).unwrap();
        let before = state.online_countdown.clone();

        process_online_tracking(&mut state, &config).unwrap();

        for i in 0..64u64 {
            let expected = if attesters.contains(&i) {
                8
            } else {
                before[i as usize].saturating_sub(1)
            };
            assert_eq!(
                state.online_countdown[i as usize], expected,
                "validator {i}"
            );
        }
    }

    #[test]
    fn deposited_validators_start_online() {
        let config = ChainConfig::preset(PresetName::Minimal);
        let mut state = state_with(64);
        for _ in 0..62 {
            state.online_countdown.push(3).unwrap();
        }
        process_online_tracking(&mut state, &config).unwrap();
        assert_eq!(state.online_countdown.len(), 64);
        assert_eq!(state.online_countdown[61], 2);
        // The two new entries started at ONLINE_PERIOD and counted down once.
        assert_eq!(
            u64::from(state.online_countdown[62]),
            config.online_period - 1
        );
        assert_eq!(
            u64::from(state.online_countdown[63]),
            config.online_period - 1
        );
    }

    #[test]
    fn bad_aggregation_bits_are_refused() {
        let config = ChainConfig::preset(PresetName::Minimal);
        let mut state = state_with(64);
        for _ in 0..64 {
            state.online_countdown.push(1).unwrap();
        }
        let mut attestation = pending(&state, 18, 0, &[0], &config);
        attestation.aggregation_bits = BitList::with_capacity(1).unwrap();
        state.current_epoch_attestations.push(attestation).unwrap();
        assert!(matches!(
            process_online_tracking(&mut state, &config),
            Err(EpochProcessingError::State(
                BeaconStateError::AggregationBitsLength { bits: 1, .. }
            ))
        ));
    }
}
