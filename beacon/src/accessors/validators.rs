//! Accessors of the validator registry: lookups, active and online sets, churn and balances.

use primitives::types::{BeaconState, Epoch, Gwei, Validator, ValidatorIndex};
use primitives::{ChainConfig, EthSpec};

use super::{get_current_epoch, is_active_validator};
use crate::BeaconStateError;

/// `state.validators[index]`, or an error naming the index.
pub fn validator<E: EthSpec>(
    state: &BeaconState<E>,
    index: ValidatorIndex,
) -> Result<&Validator, BeaconStateError> {
    usize::try_from(index)
        .ok()
        .and_then(|i| state.validators.get(i))
        .ok_or(BeaconStateError::UnknownValidator {
            index,
            count: state.validators.len(),
        })
}

/// `state.balances[index]`, or an error naming the index.
pub fn balance<E: EthSpec>(
    state: &BeaconState<E>,
    index: ValidatorIndex,
) -> Result<Gwei, BeaconStateError> {
    usize::try_from(index)
        .ok()
        .and_then(|i| state.balances.get(i))
        .copied()
        .ok_or(BeaconStateError::UnknownValidator {
            index,
            count: state.balances.len(),
        })
}

/// `get_active_validator_indices`: the validators active at `epoch`, in registry order.
pub fn get_active_validator_indices<E: EthSpec>(
    state: &BeaconState<E>,
    epoch: Epoch,
) -> Vec<ValidatorIndex> {
    (0u64..)
        .zip(state.validators.iter())
        .filter(|(_, v)| is_active_validator(v, epoch))
        .map(|(i, _)| i)
        .collect()
}

/// `get_validator_churn_limit`: `max(MIN_PER_EPOCH_CHURN_LIMIT, active // CHURN_LIMIT_QUOTIENT)`.
pub fn get_validator_churn_limit<E: EthSpec>(
    state: &BeaconState<E>,
    config: &ChainConfig,
) -> Result<u64, BeaconStateError> {
    let epoch = get_current_epoch(state, config)?;
    let active = get_active_validator_indices(state, epoch).len() as u64;
    let by_quotient =
        active
            .checked_div(config.churn_limit_quotient)
            .ok_or(BeaconStateError::Overflow {
                what: "active validators // CHURN_LIMIT_QUOTIENT",
            })?;
    Ok(config.min_per_epoch_churn_limit.max(by_quotient))
}

/// `get_total_balance`: the summed effective balance of `indices`, at least
/// `EFFECTIVE_BALANCE_INCREMENT`.
///
/// `indices` is the spec's set: the caller passes each index once.
pub fn get_total_balance<E: EthSpec>(
    state: &BeaconState<E>,
    indices: impl IntoIterator<Item = ValidatorIndex>,
    config: &ChainConfig,
) -> Result<Gwei, BeaconStateError> {
    let mut total: Gwei = 0;
    for index in indices {
        total = total
            .checked_add(validator(state, index)?.effective_balance)
            .ok_or(BeaconStateError::Overflow {
                what: "total effective balance",
            })?;
    }
    Ok(total.max(config.effective_balance_increment))
}

/// `get_total_active_balance`: the total balance of the validators active this epoch.
pub fn get_total_active_balance<E: EthSpec>(
    state: &BeaconState<E>,
    config: &ChainConfig,
) -> Result<Gwei, BeaconStateError> {
    let epoch = get_current_epoch(state, config)?;
    get_total_balance(state, get_active_validator_indices(state, epoch), config)
}

/// `get_online_validator_indices`: the validators active this epoch whose `online_countdown`
/// is not zero, in registry order.
pub fn get_online_validator_indices<E: EthSpec>(
    state: &BeaconState<E>,
    config: &ChainConfig,
) -> Result<Vec<ValidatorIndex>, BeaconStateError> {
    let epoch = get_current_epoch(state, config)?;
    let mut online = Vec::new();
    for index in get_active_validator_indices(state, epoch) {
        let countdown = usize::try_from(index)
            .ok()
            .and_then(|i| state.online_countdown.get(i))
            .ok_or(BeaconStateError::MissingEntry {
                what: "online_countdown",
                index,
            })?;
        if *countdown != 0 {
            online.push(index);
        }
    }
    Ok(online)
}

/// `BASE_REWARDS_PER_EPOCH`: source, target, head and inclusion delay.
pub const BASE_REWARDS_PER_EPOCH: u64 = 4;

/// `get_base_reward`: `effective_balance * BASE_REWARD_FACTOR // integer_squareroot(total
/// active balance) // BASE_REWARDS_PER_EPOCH`.
///
/// `total_active_balance` is passed in because epoch processing computes it once for every
/// validator; pass [`get_total_active_balance`] of the same state.
pub fn get_base_reward<E: EthSpec>(
    state: &BeaconState<E>,
    index: ValidatorIndex,
    total_active_balance: Gwei,
    config: &ChainConfig,
) -> Result<Gwei, BeaconStateError> {
    let effective_balance = validator(state, index)?.effective_balance;
    let root = primitives::math::integer_squareroot(total_active_balance);
    base_reward_from_root(effective_balance, root, config)
}

/// [`get_base_reward`] of a validator with `effective_balance`, given
/// `integer_squareroot(total active balance)`: epoch processing takes the root once for all
/// validators.
pub(crate) fn base_reward_from_root(
    effective_balance: Gwei,
    sqrt_total_active_balance: u64,
    config: &ChainConfig,
) -> Result<Gwei, BeaconStateError> {
    effective_balance
        .checked_mul(config.base_reward_factor)
        .and_then(|scaled| scaled.checked_div(sqrt_total_active_balance))
        .and_then(|per_root| per_root.checked_div(BASE_REWARDS_PER_EPOCH))
        .ok_or(BeaconStateError::Overflow {
            what: "effective_balance * BASE_REWARD_FACTOR // sqrt(total active balance)",
        })
}
