//! `process_final_updates` (phase 0): the end-of-epoch bookkeeping of eth1 votes, effective
//! balances, slashings, RANDAO mixes, historical roots and pending attestations.

use primitives::types::{BeaconState, Epoch, HistoricalBatch, Root, Validator};
use primitives::{ChainConfig, EthSpec};
use ssz_types::VariableList;
use tree_hash::TreeHash;

use super::EpochProcessingError;
use crate::BeaconStateError;
use crate::accessors::{get_current_epoch, get_randao_mix};

/// `process_final_updates`: resets the eth1 votes at the end of a voting period, moves
/// effective balances that left the hysteresis band, clears the next epoch's slashings entry,
/// carries the RANDAO mix over, appends a historical root at the end of each
/// `SLOTS_PER_HISTORICAL_ROOT` window, and rotates the pending attestations.
pub fn process_final_updates<E: EthSpec>(
    state: &mut BeaconState<E>,
    config: &ChainConfig,
) -> Result<(), EpochProcessingError> {
    let current_epoch = get_current_epoch(state, config)?;
    let next_epoch = current_epoch
        .checked_add(1)
        .ok_or(BeaconStateError::Overflow {
            what: "current epoch + 1",
        })?;

    if is_multiple(
        next_epoch,
        config.epochs_per_eth1_voting_period,
        "EPOCHS_PER_ETH1_VOTING_PERIOD",
    )? {
        state.eth1_data_votes = VariableList::empty();
    }

    update_effective_balances(state, config)?;

    let slashings_index = circular_index(
        next_epoch,
        config.epochs_per_slashings_vector,
        "EPOCHS_PER_SLASHINGS_VECTOR",
    )?;
    *state
        .slashings
        .get_mut(slashings_index)
        .ok_or(BeaconStateError::MissingEntry {
            what: "slashings",
            index: next_epoch,
        })? = 0;

    let mix = get_randao_mix(state, current_epoch)?;
    let mix_index = circular_index(
        next_epoch,
        config.epochs_per_historical_vector,
        "EPOCHS_PER_HISTORICAL_VECTOR",
    )?;
    *state
        .randao_mixes
        .get_mut(mix_index)
        .ok_or(BeaconStateError::MissingEntry {
            what: "randao_mixes",
            index: next_epoch,
        })? = mix;

    let epochs_per_historical_root = config
        .slots_per_historical_root
        .checked_div(config.slots_per_epoch)
        .ok_or(EpochProcessingError::BadConfig {
            name: "SLOTS_PER_EPOCH",
            value: config.slots_per_epoch,
        })?;
    if is_multiple(
        next_epoch,
        epochs_per_historical_root,
        "SLOTS_PER_HISTORICAL_ROOT // SLOTS_PER_EPOCH",
    )? {
        let historical_batch = HistoricalBatch::<E> {
            block_roots: state.block_roots.clone(),
            state_roots: state.state_roots.clone(),
        };
        let root: Root = historical_batch.tree_hash_root();
        state
            .historical_roots
            .push(root)
            .map_err(|_| BeaconStateError::ListFull {
                what: "historical_roots",
            })?;
    }

    state.previous_epoch_attestations = std::mem::take(&mut state.current_epoch_attestations);
    Ok(())
}

/// The effective balance update of `process_final_updates`: a validator's effective balance
/// follows its balance (rounded down to an increment, at most `MAX_EFFECTIVE_BALANCE`) only
/// once the balance is more than the downward threshold below it or the upward threshold above
/// it, so small oscillations do not move it.
fn update_effective_balances<E: EthSpec>(
    state: &mut BeaconState<E>,
    config: &ChainConfig,
) -> Result<(), EpochProcessingError> {
    let increment = config.effective_balance_increment;
    let hysteresis_increment = increment.checked_div(config.hysteresis_quotient).ok_or(
        EpochProcessingError::BadConfig {
            name: "HYSTERESIS_QUOTIENT",
            value: config.hysteresis_quotient,
        },
    )?;
    let overflow = |what| EpochProcessingError::State(BeaconStateError::Overflow { what });
    let downward_threshold = hysteresis_increment
        .checked_mul(config.hysteresis_downward_multiplier)
        .ok_or(overflow(
            "HYSTERESIS_INCREMENT * HYSTERESIS_DOWNWARD_MULTIPLIER",
        ))?;
    let upward_threshold = hysteresis_increment
        .checked_mul(config.hysteresis_upward_multiplier)
        .ok_or(overflow(
            "HYSTERESIS_INCREMENT * HYSTERESIS_UPWARD_MULTIPLIER",
        ))?;
    if state.balances.len() < state.validators.len() {
        return Err(BeaconStateError::MissingEntry {
            what: "balances",
            index: state.balances.len() as u64,
        }
        .into());
    }
    let balances = state.balances.iter();
    let validators: &mut [Validator] = &mut state.validators;
    for (validator, &balance) in validators.iter_mut().zip(balances) {
        let too_low = balance
            .checked_add(downward_threshold)
            .ok_or(overflow("balance + DOWNWARD_THRESHOLD"))?
            < validator.effective_balance;
        let too_high = validator
            .effective_balance
            .checked_add(upward_threshold)
            .ok_or(overflow("effective_balance + UPWARD_THRESHOLD"))?
            < balance;
        if too_low || too_high {
            let rounded = balance
                .checked_rem(increment)
                .map(|rem| balance.saturating_sub(rem))
                .ok_or(EpochProcessingError::BadConfig {
                    name: "EFFECTIVE_BALANCE_INCREMENT",
                    value: increment,
                })?;
            validator.effective_balance = rounded.min(config.max_effective_balance);
        }
    }
    Ok(())
}

/// Whether `epoch % period == 0`, with a zero period refused.
fn is_multiple(
    epoch: Epoch,
    period: u64,
    name: &'static str,
) -> Result<bool, EpochProcessingError> {
    epoch
        .checked_rem(period)
        .map(|rem| rem == 0)
        .ok_or(EpochProcessingError::BadConfig {
            name,
            value: period,
        })
}

/// `epoch % length` as an index into a circular vector of the state.
fn circular_index(
    epoch: Epoch,
    length: u64,
    name: &'static str,
) -> Result<usize, EpochProcessingError> {
    epoch
        .checked_rem(length)
        .and_then(|i| usize::try_from(i).ok())
        .ok_or(EpochProcessingError::BadConfig {
            name,
            value: length,
        })
}
