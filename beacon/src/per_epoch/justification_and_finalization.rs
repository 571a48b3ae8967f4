//! `process_justification_and_finalization`: justifies the previous and current epochs whose
//! target attestations carry two thirds of the active balance, and finalizes by the four rules
//! of the justification bits.

use primitives::types::{BeaconState, Checkpoint, Epoch, Gwei};
use primitives::{ChainConfig, EthSpec};

use super::attestation_accessors::{get_attesting_balance, get_matching_target_attestations};
use crate::accessors::{
    get_block_root, get_current_epoch, get_previous_epoch, get_total_active_balance,
};
use crate::{BeaconStateError, GENESIS_EPOCH};

/// `process_justification_and_finalization`.
///
/// Each epoch's target attesters are read once, through one committee shuffle per epoch. On
/// error the state is left unchanged.
pub fn process_justification_and_finalization<E: EthSpec>(
    state: &mut BeaconState<E>,
    config: &ChainConfig,
) -> Result<(), BeaconStateError> {
    // The first two epochs keep the zero-root stub checkpoints of genesis.
    if get_current_epoch(state, config)? <= GENESIS_EPOCH.saturating_add(1) {
        return Ok(());
    }
    let previous_epoch = get_previous_epoch(state, config)?;
    let current_epoch = get_current_epoch(state, config)?;
    let total_active_balance = get_total_active_balance(state, config)?;
    let previous_target = get_matching_target_attestations(state, previous_epoch, config)?;
    let previous_target_balance = get_attesting_balance(state, previous_target, config)?;
    let current_target = get_matching_target_attestations(state, current_epoch, config)?;
    let current_target_balance = get_attesting_balance(state, current_target, config)?;
    weigh_justification_and_finalization(
        state,
        total_active_balance,
        previous_target_balance,
        current_target_balance,
        config,
    )
}

/// The second half of `process_justification_and_finalization`, from the epochs' target
/// attesting balances: shifts the justification bits, justifies and finalizes.
///
/// Everything is computed before the state is written, so an error leaves it unchanged.
pub fn weigh_justification_and_finalization<E: EthSpec>(
    state: &mut BeaconState<E>,
    total_active_balance: Gwei,
    previous_target_balance: Gwei,
    current_target_balance: Gwei,
    config: &ChainConfig,
) -> Result<(), BeaconStateError> {
    let previous_epoch = get_previous_epoch(state, config)?;
    let current_epoch = get_current_epoch(state, config)?;
    let old_previous_justified = state.previous_justified_checkpoint.clone();
    let old_current_justified = state.current_justified_checkpoint.clone();

    // bits[1:] = bits[:-1]; bits[0] = 0. Bit i says the epoch i before the current one is
    // justified.
    let length = state.justification_bits.len();
    let mut bits = vec![false; length];
    for (shifted, old) in bits.iter_mut().skip(1).zip(state.justification_bits.iter()) {
        *shifted = old;
    }
    let mut current_justified = old_current_justified.clone();
    if is_supermajority(previous_target_balance, total_active_balance)? {
        current_justified = Checkpoint {
            epoch: previous_epoch,
            root: get_block_root(state, previous_epoch, config)?,
        };
        set(&mut bits, 1)?;
    }
    if is_supermajority(current_target_balance, total_active_balance)? {
        current_justified = Checkpoint {
            epoch: current_epoch,
            root: get_block_root(state, current_epoch, config)?,
        };
        set(&mut bits, 0)?;
    }

    let all = |range: std::ops::Range<usize>| bits.get(range).is_some_and(|b| b.iter().all(|x| *x));
    let mut finalized = state.finalized_checkpoint.clone();
    // The 2nd/3rd/4th most recent epochs are justified, the 2nd using the 4th as source.
    if all(1..4) && epoch_plus(old_previous_justified.epoch, 3)? == current_epoch {
        finalized = old_previous_justified.clone();
    }
    // The 2nd/3rd most recent epochs are justified, the 2nd using the 3rd as source.
    if all(1..3) && epoch_plus(old_previous_justified.epoch, 2)? == current_epoch {
        finalized = old_previous_justified.clone();
    }
    // The 1st/2nd/3rd most recent epochs are justified, the 1st using the 3rd as source.
    if all(0..3) && epoch_plus(old_current_justified.epoch, 2)? == current_epoch {
        finalized = old_current_justified.clone();
    }
    // The 1st/2nd most recent epochs are justified, the 1st using the 2nd as source.
    if all(0..2) && epoch_plus(old_current_justified.epoch, 1)? == current_epoch {
        finalized = old_current_justified.clone();
    }

    for (i, bit) in bits.into_iter().enumerate() {
        state
            .justification_bits
            .set(i, bit)
            .map_err(|_| BeaconStateError::MissingEntry {
                what: "justification_bits",
                index: i as u64,
            })?;
    }
    state.previous_justified_checkpoint = old_current_justified;
    state.current_justified_checkpoint = current_justified;
    state.finalized_checkpoint = finalized;
    Ok(())
}

/// `attesting_balance * 3 >= total_active_balance * 2`.
fn is_supermajority(
    attesting_balance: Gwei,
    total_active_balance: Gwei,
) -> Result<bool, BeaconStateError> {
    let attesting = attesting_balance.checked_mul(3);
    let total = total_active_balance.checked_mul(2);
    match (attesting, total) {
        (Some(attesting), Some(total)) => Ok(attesting >= total),
        _ => Err(BeaconStateError::Overflow {
            what: "attesting balance * 3 or total active balance * 2",
        }),
    }
}

fn set(bits: &mut [bool], index: usize) -> Result<(), BeaconStateError> {
    let bit = bits.get_mut(index).ok_or(BeaconStateError::MissingEntry {
        what: "justification_bits",
        index: index as u64,
    })?;
    *bit = true;
    Ok(())
}

fn epoch_plus(epoch: Epoch, n: u64) -> Result<Epoch, BeaconStateError> {
    epoch.checked_add(n).ok_or(BeaconStateError::Overflow {
        what: "justified epoch + n",
    })
}
