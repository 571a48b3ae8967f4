//! `process_custody_key_reveal`: a validator reveals the custody key of its next period once
//! the period is over.

use primitives::types::{BeaconState, CustodyKeyReveal};
use primitives::{ChainConfig, EthSpec};

use super::{CustodyKeyRevealInvalid, get_randao_epoch_for_custody_period};
use crate::BeaconStateError;
use crate::accessors::{
    get_base_reward, get_beacon_proposer_index, get_current_epoch,
    get_custody_period_for_validator, get_total_active_balance, is_slashable_validator, validator,
};
use crate::mutators::increase_balance;
use crate::per_block::OperationError;
use crate::signatures::{VerifySignatures, custody_secret_signature_set};

/// `process_custody_key_reveal`: the revealer's next secret is of a past period, or of its
/// exit period once it has exited; it is slashable; the reveal is its RANDAO reveal of that
/// period's epoch. Its next secret advances (an exit-period reveal records that all secrets
/// are revealed) and the proposer earns `base_reward(revealer) // MINOR_REWARD_QUOTIENT`.
///
/// As in the spec, the exit period is computed whether or not the revealer has exited, so a
/// revealer that has not exited (exit epoch `FAR_FUTURE_EPOCH`) and whose index is at least 2
/// modulo `EPOCHS_PER_CUSTODY_PERIOD` overflows uint64 there and its reveal fails.
pub fn process_custody_key_reveal<E: EthSpec>(
    state: &mut BeaconState<E>,
    reveal: &CustodyKeyReveal,
    verify: &mut VerifySignatures<'_>,
    config: &ChainConfig,
) -> Result<(), OperationError<CustodyKeyRevealInvalid>> {
    let invalid = OperationError::Invalid;
    let index = reveal.revealer_index;
    let revealer = validator(state, index)
        .map_err(|_| invalid(CustodyKeyRevealInvalid::UnknownRevealer { index }))?;
    let next_secret = revealer.next_custody_secret_to_reveal;
    let epoch_to_sign = get_randao_epoch_for_custody_period(next_secret, index, config)?;
    let current_epoch = get_current_epoch(state, config)?;
    let custody_reveal_period = get_custody_period_for_validator(index, current_epoch, config)?;
    let is_past_reveal = next_secret < custody_reveal_period;
    let is_exited = revealer.exit_epoch <= current_epoch;
    let last_epoch = revealer
        .exit_epoch
        .checked_sub(1)
        .ok_or(BeaconStateError::Overflow {
            what: "exit_epoch - 1",
        })?;
    let is_exit_period_reveal =
        next_secret == get_custody_period_for_validator(index, last_epoch, config)?;
    if !(is_past_reveal || (is_exited && is_exit_period_reveal)) {
        return Err(invalid(CustodyKeyRevealInvalid::NotRevealable {
            index,
            period: next_secret,
        }));
    }
    if !is_slashable_validator(revealer, current_epoch) {
        return Err(invalid(CustodyKeyRevealInvalid::RevealerNotSlashable {
            index,
        }));
    }
    verify
        .check(|| custody_secret_signature_set(state, index, epoch_to_sign, &reveal.reveal, config))
        .map_err(|reason| invalid(CustodyKeyRevealInvalid::BadSignature(reason)))?;

    let next_secret = next_secret
        .checked_add(1)
        .ok_or(BeaconStateError::Overflow {
            what: "next_custody_secret_to_reveal + 1",
        })?;
    let proposer_index = get_beacon_proposer_index(state, config)?;
    let total_active_balance = get_total_active_balance(state, config)?;
    let reward = get_base_reward(state, index, total_active_balance, config)?
        .checked_div(config.minor_reward_quotient)
        .ok_or(BeaconStateError::Overflow {
            what: "base reward // MINOR_REWARD_QUOTIENT",
        })?;
    increase_balance(state, proposer_index, reward)?;
    // The revealer was found above; the proposer is computed before the revealer's record
    // changes, which the spec does after, with the same result: neither field moves it.
    if let Some(revealer) = usize::try_from(index)
        .ok()
        .and_then(|i| state.validators.get_mut(i))
    {
        if is_exited && is_exit_period_reveal {
            revealer.all_custody_secrets_revealed_epoch = current_epoch;
        }
        revealer.next_custody_secret_to_reveal = next_secret;
    }
    Ok(())
}
