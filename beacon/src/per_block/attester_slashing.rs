//! `process_attester_slashing`: slashes the validators that signed two conflicting
//! attestations.

use primitives::types::{AttesterSlashing, BeaconState, Gwei, Validator, ValidatorIndex};
use primitives::{ChainConfig, EthSpec};

use super::{AttesterSlashingInvalid, OperationError};
use crate::BeaconStateError;
use crate::accessors::{
    balance, get_beacon_proposer_index, get_current_epoch, is_slashable_attestation_data,
    is_slashable_validator, validate_indexed_attestation, validator,
};
use crate::mutators::slash_validator;
use crate::signatures::VerifySignatures;

/// `process_attester_slashing`: two valid indexed attestations that form a double or surround
/// vote; every slashable validator in both is slashed, in increasing index order, and at least
/// one must be.
///
/// The slashings apply one after the other (each moves the exit queue), so if one fails the
/// ones before it are undone from a snapshot of everything `slash_validator` writes.
pub fn process_attester_slashing<E: EthSpec>(
    state: &mut BeaconState<E>,
    attester_slashing: &AttesterSlashing<E>,
    verify: &mut VerifySignatures<'_>,
    config: &ChainConfig,
) -> Result<(), OperationError<AttesterSlashingInvalid>> {
    let invalid = OperationError::Invalid;
    let attestation_1 = &attester_slashing.attestation_1;
    let attestation_2 = &attester_slashing.attestation_2;
    if !is_slashable_attestation_data(&attestation_1.data, &attestation_2.data) {
        return Err(invalid(AttesterSlashingInvalid::NotSlashable));
    }
    for (attestation, indexed) in [(1, attestation_1), (2, attestation_2)] {
        validate_indexed_attestation(state, indexed, verify, config).map_err(|reason| {
            invalid(AttesterSlashingInvalid::IndexedAttestationInvalid {
                attestation,
                reason,
            })
        })?;
    }

    // Both lists are sorted and unique now, so their intersection comes out sorted.
    let epoch = get_current_epoch(state, config)?;
    let mut to_slash = Vec::new();
    for index in attestation_1
        .attesting_indices
        .iter()
        .filter(|i| attestation_2.attesting_indices.binary_search(i).is_ok())
    {
        // Slashing one validator leaves another's slashability as it was, so the set can be
        // chosen before any is slashed.
        if is_slashable_validator(validator(state, *index)?, epoch) {
            to_slash.push(*index);
        }
    }
    if to_slash.is_empty() {
        return Err(invalid(AttesterSlashingInvalid::NoSlashableIndices));
    }

    let snapshot = Snapshot::take(state, &to_slash, config)?;
    for index in &to_slash {
        if let Err(e) = slash_validator(state, *index, None, config) {
            snapshot.restore(state);
            return Err(e.into());
        }
    }
    Ok(())
}

/// What `slash_validator` may write for a set of slashed validators: their records and
/// balances, the proposer's balance and this epoch's slashings entry.
struct Snapshot {
    validators: Vec<(usize, Validator)>,
    balances: Vec<(usize, Gwei)>,
    slashings: Vec<(usize, Gwei)>,
}

impl Snapshot {
    fn take<E: EthSpec>(
        state: &BeaconState<E>,
        slashed: &[ValidatorIndex],
        config: &ChainConfig,
    ) -> Result<Self, BeaconStateError> {
        let position = |index: ValidatorIndex| {
            usize::try_from(index).map_err(|_| BeaconStateError::UnknownValidator {
                index,
                count: state.validators.len(),
            })
        };
        let mut validators = Vec::with_capacity(slashed.len());
        let mut balances = Vec::with_capacity(slashed.len().saturating_add(1));
        for index in slashed {
            validators.push((position(*index)?, validator(state, *index)?.clone()));
            balances.push((position(*index)?, balance(state, *index)?));
        }
        let proposer = get_beacon_proposer_index(state, config)?;
        balances.push((position(proposer)?, balance(state, proposer)?));
        let epoch = get_current_epoch(state, config)?;
        let slashings = epoch
            .checked_rem(config.epochs_per_slashings_vector)
            .and_then(|i| usize::try_from(i).ok())
            .and_then(|i| state.slashings.get(i).map(|value| (i, *value)))
            .into_iter()
            .collect();
        Ok(Self {
            validators,
            balances,
            slashings,
        })
    }

    fn restore<E: EthSpec>(self, state: &mut BeaconState<E>) {
        for (i, record) in self.validators {
            if let Some(entry) = state.validators.get_mut(i) {
                *entry = record;
            }
        }
        for (i, value) in self.balances {
            if let Some(entry) = state.balances.get_mut(i) {
                *entry = value;
            }
        }
        for (i, value) in self.slashings {
            if let Some(entry) = state.slashings.get_mut(i) {
                *entry = value;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::FAR_FUTURE_EPOCH;
    use primitives::types::{AttestationData, Bytes32, Checkpoint, IndexedAttestation};
    use primitives::{MinimalEthSpec, PresetName};
    use ssz_types::VariableList;

    fn state(config: &ChainConfig) -> BeaconState<MinimalEthSpec> {
        let mut state = BeaconState::<MinimalEthSpec> {
            slot: 40,
            ..Default::default()
        };
        for _ in 0..64 {
            let validator = Validator {
                effective_balance: config.max_effective_balance,
                exit_epoch: FAR_FUTURE_EPOCH,
                withdrawable_epoch: FAR_FUTURE_EPOCH,
                ..Default::default()
            };
            state.validators.push(validator).unwrap();
            state.balances.push(config.max_effective_balance).unwrap();
        }
        for (i, mix) in state.randao_mixes.iter_mut().enumerate() {
            *mix = Bytes32::repeat_byte(i as u8);
        }
        state
    }

    fn attestation(indices: &[u64], root: u8) -> IndexedAttestation<MinimalEthSpec> {
        IndexedAttestation {
            attesting_indices: VariableList::new(indices.to_vec()).unwrap(),
            data: AttestationData {
                beacon_block_root: Bytes32::repeat_byte(root),
                target: Checkpoint {
                    epoch: 4,
                    root: Bytes32::ZERO,
                },
                ..Default::default()
            },
            signature: Default::default(),
        }
    }

    #[test]
    fn slashes_the_common_slashable_validators() {
        let config = ChainConfig::preset(PresetName::Minimal);
        let mut state = state(&config);
        let slashing = AttesterSlashing {
            attestation_1: attestation(&[1, 2, 3], 1),
            attestation_2: attestation(&[2, 3, 4], 2),
        };
        process_attester_slashing(&mut state, &slashing, &mut VerifySignatures::Skip, &config)
            .unwrap();
        let slashed: Vec<u64> = (0..64)
            .filter(|i| state.validators[*i as usize].slashed)
            .collect();
        assert_eq!(slashed, vec![2, 3]);
        // A second time, nobody is left to slash.
        let before = state.clone();
        assert_eq!(
            process_attester_slashing(&mut state, &slashing, &mut VerifySignatures::Skip, &config),
            Err(OperationError::Invalid(
                AttesterSlashingInvalid::NoSlashableIndices
            ))
        );
        assert_eq!(state, before);
    }

    #[test]
    fn a_failing_slashing_undoes_the_ones_before_it() {
        let config = ChainConfig::preset(PresetName::Minimal);
        let mut state = state(&config);
        let proposer = get_beacon_proposer_index(&state, &config).unwrap();
        let targets: Vec<u64> = (0..64).filter(|i| *i != proposer).take(2).collect();
        // The proposer (also the whistleblower) gains the whole whistleblower reward per
        // slashing: the first brings its balance to u64::MAX, the second overflows it.
        let reward = config.max_effective_balance / config.whistleblower_reward_quotient;
        state.balances[proposer as usize] = u64::MAX - reward;
        let pre = state.clone();
        let slashing = AttesterSlashing {
            attestation_1: attestation(&targets, 1),
            attestation_2: attestation(&targets, 2),
        };
        let result =
            process_attester_slashing(&mut state, &slashing, &mut VerifySignatures::Skip, &config);
        assert_eq!(
            result,
            Err(OperationError::State(BeaconStateError::Overflow {
                what: "balance + delta"
            }))
        );
        assert_eq!(state, pre);

        // Without the overflow both are slashed.
        state.balances[proposer as usize] = 0;
        process_attester_slashing(&mut state, &slashing, &mut VerifySignatures::Skip, &config)
            .unwrap();
        assert!(
            targets
                .iter()
                .all(|i| state.validators[*i as usize].slashed)
        );
        assert_eq!(state.balances[proposer as usize], 2 * reward);
    }
}
