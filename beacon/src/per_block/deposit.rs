//! `process_deposit`: adds a validator, or tops up an existing one, from an eth1 deposit.

use primitives::types::{BeaconState, DEPOSIT_CONTRACT_TREE_DEPTH, Deposit, Validator};
use primitives::{ChainConfig, EthSpec};
use tree_hash::TreeHash;
use typenum::Unsigned;

use super::{DepositInvalid, OperationError};
use crate::accessors::{
    get_current_epoch, get_custody_period_for_validator, is_valid_merkle_branch,
};
use crate::mutators::increase_balance;
use crate::signatures::{VerifySignatures, deposit_signature_set};
use crate::{BeaconStateError, FAR_FUTURE_EPOCH};

/// `get_validator_from_deposit` (phase 1): a validator not yet queued for activation, its
/// first custody secret the one of the current custody period.
pub fn get_validator_from_deposit<E: EthSpec>(
    state: &BeaconState<E>,
    deposit: &Deposit,
    config: &ChainConfig,
) -> Result<Validator, BeaconStateError> {
    let amount = deposit.data.amount;
    let remainder = amount
        .checked_rem(config.effective_balance_increment)
        .ok_or(BeaconStateError::Overflow {
            what: "amount % EFFECTIVE_BALANCE_INCREMENT",
        })?;
    let effective_balance = amount
        .saturating_sub(remainder)
        .min(config.max_effective_balance);
    let next_custody_secret_to_reveal = get_custody_period_for_validator(
        state.validators.len() as u64,
        get_current_epoch(state, config)?,
        config,
    )?;
    Ok(Validator {
        pubkey: deposit.data.pubkey,
        withdrawal_credentials: deposit.data.withdrawal_credentials,
        effective_balance,
        slashed: false,
        activation_eligibility_epoch: FAR_FUTURE_EPOCH,
        activation_epoch: FAR_FUTURE_EPOCH,
        exit_epoch: FAR_FUTURE_EPOCH,
        withdrawable_epoch: FAR_FUTURE_EPOCH,
        next_custody_secret_to_reveal,
        all_custody_secrets_revealed_epoch: FAR_FUTURE_EPOCH,
    })
}

/// `process_deposit`: the deposit's Merkle proof must lead to `eth1_data.deposit_root` at
/// `eth1_deposit_index`, which then advances. A new key must come with a valid proof of
/// possession, or the deposit is skipped (the block stays valid); a known key is topped up.
///
/// The proof of possession is verified at once in every mode but `Skip`: its failure skips
/// the deposit rather than failing the block, so it cannot wait for a batch.
pub fn process_deposit<E: EthSpec>(
    state: &mut BeaconState<E>,
    deposit: &Deposit,
    verify: &VerifySignatures<'_>,
    config: &ChainConfig,
) -> Result<(), OperationError<DepositInvalid>> {
    let deposit_index = state.eth1_deposit_index;
    let depth = DEPOSIT_CONTRACT_TREE_DEPTH.saturating_add(1);
    if !is_valid_merkle_branch(
        &deposit.data.tree_hash_root(),
        &deposit.proof,
        depth,
        deposit_index,
        &state.eth1_data.deposit_root,
    ) {
        return Err(OperationError::Invalid(DepositInvalid::BadMerkleProof {
            deposit_index,
        }));
    }
    let next_deposit_index = deposit_index
        .checked_add(1)
        .ok_or(BeaconStateError::Overflow {
            what: "eth1_deposit_index + 1",
        })?;

    let pubkey = deposit.data.pubkey;
    let amount = deposit.data.amount;
    match state.validators.iter().position(|v| v.pubkey == pubkey) {
        Some(position) => {
            increase_balance(state, position as u64, amount)?;
        }
        None => {
            let proof_of_possession_valid = !verify.is_checking()
                || deposit_signature_set(&deposit.data, config).is_ok_and(|set| set.verify());
            if proof_of_possession_valid {
                let validator = get_validator_from_deposit(state, deposit, config)?;
                let limit = E::ValidatorRegistryLimit::to_usize();
                if state.validators.len() >= limit || state.balances.len() >= limit {
                    return Err(BeaconStateError::ListFull {
                        what: "validator registry",
                    }
                    .into());
                }
                state
                    .validators
                    .push(validator)
                    .map_err(|_| BeaconStateError::ListFull { what: "validators" })?;
                state
                    .balances
                    .push(amount)
                    .map_err(|_| BeaconStateError::ListFull { what: "balances" })?;
            }
        }
    }
    state.eth1_deposit_index = next_deposit_index;
    Ok(())
}
