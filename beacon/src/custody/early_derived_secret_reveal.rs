//! `process_early_derived_secret_reveal`: punishes a validator whose future RANDAO reveal (a
//! derived secret) was revealed by someone else before its time.

use primitives::types::{BeaconState, EarlyDerivedSecretReveal};
use primitives::{ChainConfig, EthSpec};
use typenum::Unsigned;

use super::EarlyRevealInvalid;
use crate::BeaconStateError;
use crate::accessors::{
    get_active_validator_indices, get_base_reward, get_beacon_proposer_index, get_current_epoch,
    get_total_active_balance, validator,
};
use crate::mutators::{StagedBalances, slash_validator};
use crate::per_block::OperationError;
use crate::signatures::{VerifySignatures, verify_early_derived_secret_reveal};

/// `process_early_derived_secret_reveal`: the revealed epoch lies between `RANDAO_PENALTY_EPOCHS`
/// and `EARLY_DERIVED_SECRET_PENALTY_MAX_FUTURE_EPOCHS` ahead, the revealed validator is not
/// slashed nor exposed already for that epoch, and the reveal (masked by the masker's
/// signature) verifies. A reveal at least `CUSTODY_PERIOD_TO_RANDAO_PADDING` epochs ahead could
/// be a custody key and slashes the validator (the masker blowing the whistle); an earlier one
/// costs it a penalty growing with the number already exposed for that epoch, shared by the
/// proposer and the masker, and marks it exposed.
///
/// The aggregate signature is verified at once whenever signatures are checked (see
/// [`verify_early_derived_secret_reveal`]).
pub fn process_early_derived_secret_reveal<E: EthSpec>(
    state: &mut BeaconState<E>,
    reveal: &EarlyDerivedSecretReveal,
    verify: &mut VerifySignatures<'_>,
    config: &ChainConfig,
) -> Result<(), OperationError<EarlyRevealInvalid>> {
    let invalid = OperationError::Invalid;
    let index = reveal.revealed_index;
    let epoch = reveal.epoch;
    let revealed = validator(state, index)
        .map_err(|_| invalid(EarlyRevealInvalid::UnknownValidator { index }))?;
    let location = epoch
        .checked_rem(config.early_derived_secret_penalty_max_future_epochs)
        .ok_or(BeaconStateError::Overflow {
            what: "epoch % EARLY_DERIVED_SECRET_PENALTY_MAX_FUTURE_EPOCHS",
        })?;
    let current_epoch = get_current_epoch(state, config)?;
    let ahead = |epochs: u64, what| {
        current_epoch
            .checked_add(epochs)
            .ok_or(BeaconStateError::Overflow { what })
    };
    if epoch
        < ahead(
            config.randao_penalty_epochs,
            "current epoch + RANDAO_PENALTY_EPOCHS",
        )?
    {
        return Err(invalid(EarlyRevealInvalid::NotEarly { epoch }));
    }
    if epoch
        >= ahead(
            config.early_derived_secret_penalty_max_future_epochs,
            "current epoch + EARLY_DERIVED_SECRET_PENALTY_MAX_FUTURE_EPOCHS",
        )?
    {
        return Err(invalid(EarlyRevealInvalid::TooFarInFuture { epoch }));
    }
    if revealed.slashed {
        return Err(invalid(EarlyRevealInvalid::RevealedSlashed { index }));
    }
    let exposed = usize::try_from(location)
        .ok()
        .and_then(|at| state.exposed_derived_secrets.get(at))
        .ok_or(BeaconStateError::MissingEntry {
            what: "exposed_derived_secrets",
            index: location,
        })?;
    if exposed.contains(&index) {
        return Err(invalid(EarlyRevealInvalid::AlreadyExposed { index, epoch }));
    }
    let exposed_len = exposed.len();
    let masker_index = reveal.masker_index;
    // The spec reads the masker's key even with BLS off.
    validator(state, masker_index).map_err(|_| {
        invalid(EarlyRevealInvalid::UnknownValidator {
            index: masker_index,
        })
    })?;
    verify_early_derived_secret_reveal(state, reveal, verify, config)
        .map_err(|reason| invalid(EarlyRevealInvalid::BadSignature(reason)))?;

    if epoch
        >= ahead(
            config.custody_period_to_randao_padding,
            "current epoch + CUSTODY_PERIOD_TO_RANDAO_PADDING",
        )?
    {
        slash_validator(state, index, Some(masker_index), config)?;
        return Ok(());
    }

    let overflow = |what| BeaconStateError::Overflow { what };
    let exposed_count = u64::try_from(exposed_len).map_err(|_| overflow("exposed count"))?;
    if exposed_len >= E::MaxExposedDerivedSecretsPerEpoch::to_usize() {
        return Err(BeaconStateError::ListFull {
            what: "exposed_derived_secrets entry",
        }
        .into());
    }
    let active_count = u64::try_from(get_active_validator_indices(state, current_epoch).len())
        .map_err(|_| overflow("active validator count"))?;
    let total_active_balance = get_total_active_balance(state, config)?;
    let max_proposer_slot_reward = get_base_reward(state, index, total_active_balance, config)?
        .checked_mul(config.slots_per_epoch)
        .and_then(|r| r.checked_div(active_count))
        .and_then(|r| r.checked_div(config.proposer_reward_quotient))
        .ok_or(overflow(
            "base reward * SLOTS_PER_EPOCH // active count // PROPOSER_REWARD_QUOTIENT",
        ))?;
    let penalty = exposed_count
        .checked_add(1)
        .and_then(|n| {
            max_proposer_slot_reward
                .checked_mul(config.early_derived_secret_reveal_slot_reward_multiple)
                .and_then(|r| r.checked_mul(n))
        })
        .ok_or(overflow(
            "max proposer slot reward * EARLY_DERIVED_SECRET_REVEAL_SLOT_REWARD_MULTIPLE \
             * (exposed + 1)",
        ))?;
    let whistleblowing_reward = penalty
        .checked_div(config.whistleblower_reward_quotient)
        .ok_or(overflow("penalty // WHISTLEBLOWER_REWARD_QUOTIENT"))?;
    let proposer_reward = whistleblowing_reward
        .checked_div(config.proposer_reward_quotient)
        .ok_or(overflow(
            "whistleblowing reward // PROPOSER_REWARD_QUOTIENT",
        ))?;
    let proposer_index = get_beacon_proposer_index(state, config)?;

    let mut balances = StagedBalances::default();
    balances.increase(state, proposer_index, proposer_reward)?;
    balances.increase(
        state,
        masker_index,
        whistleblowing_reward.saturating_sub(proposer_reward),
    )?;
    balances.decrease(state, index, penalty)?;
    // Every value is computed and the list has room: the writes below cannot fail half-way.
    balances.commit(state)?;
    if let Some(exposed) = usize::try_from(location)
        .ok()
        .and_then(|at| state.exposed_derived_secrets.get_mut(at))
    {
        exposed
            .push(index)
            .map_err(|_| BeaconStateError::ListFull {
                what: "exposed_derived_secrets entry",
            })?;
    }
    Ok(())
}
