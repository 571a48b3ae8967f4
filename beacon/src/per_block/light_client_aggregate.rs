//! Light client processing (phase 1 `process_light_client_aggregate`): the light client
//! committee's members that signed the previous slot's block root are rewarded, and so is the
//! proposer that included their aggregate.

use primitives::math::compute_epoch_at_slot;
use primitives::signing::compute_signing_root;
use primitives::types::{BeaconBlockBody, BeaconState, Gwei, ValidatorIndex};
use primitives::{ChainConfig, EthSpec};

use super::OperationError;
use super::optional_verify::optional_fast_aggregate_verify;
use crate::BeaconStateError;
use crate::accessors::{
    compute_previous_slot, get_base_reward, get_beacon_proposer_index, get_block_root_at_slot,
    get_current_epoch, get_domain, get_light_client_committee, get_total_active_balance, validator,
};
use crate::mutators::StagedBalances;
use crate::signatures::{SignatureInvalid, VerifySignatures};

/// Why a block's light client aggregate is invalid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LightClientAggregateInvalid {
    /// The aggregate signature is refused (or is not `NO_SIGNATURE` when no bit is set).
    #[error("light client signature: {0}")]
    BadSignature(SignatureInvalid),
}

/// `process_light_client_aggregate`: each light client committee member whose bit is set is a
/// signer and, unless slashed, earns its base reward; the proposer earns
/// `1 / PROPOSER_REWARD_QUOTIENT` of those rewards; the signers' aggregate must sign the
/// previous slot's block root under `DOMAIN_LIGHT_CLIENT`.
///
/// The signature is checked before any reward is written, so a refused aggregate changes
/// nothing.
pub fn process_light_client_aggregate<E: EthSpec>(
    state: &mut BeaconState<E>,
    block_body: &BeaconBlockBody<E>,
    verify: &mut VerifySignatures<'_>,
    config: &ChainConfig,
) -> Result<(), OperationError<LightClientAggregateInvalid>> {
    let committee = get_light_client_committee(state, get_current_epoch(state, config)?, config)?;
    let previous_slot = compute_previous_slot(state.slot);
    let previous_block_root = get_block_root_at_slot(state, previous_slot)?;
    let total_active_balance = get_total_active_balance(state, config)?;

    let mut balances = StagedBalances::default();
    let mut total_reward: Gwei = 0;
    let mut signers: Vec<ValidatorIndex> = Vec::new();
    for (bit_index, participant_index) in committee.iter().enumerate() {
        // A committee longer than the bits (a configuration larger than the preset) fails
        // where the spec's index would.
        let bit = block_body.light_client_bits.get(bit_index).map_err(|_| {
            BeaconStateError::MissingEntry {
                what: "light_client_bits",
                index: bit_index as u64,
            }
        })?;
        if !bit {
            continue;
        }
        signers.push(*participant_index);
        if !validator(state, *participant_index)?.slashed {
            let reward = get_base_reward(state, *participant_index, total_active_balance, config)?;
            balances.increase(state, *participant_index, reward)?;
            total_reward = total_reward
                .checked_add(reward)
                .ok_or(BeaconStateError::Overflow {
                    what: "light client total reward",
                })?;
        }
    }
    let proposer_reward = total_reward
        .checked_div(config.proposer_reward_quotient)
        .ok_or(BeaconStateError::Overflow {
            what: "reward // PROPOSER_REWARD_QUOTIENT",
        })?;
    balances.increase(
        state,
        get_beacon_proposer_index(state, config)?,
        proposer_reward,
    )?;

    let epoch = compute_epoch_at_slot(previous_slot, config).map_err(BeaconStateError::from)?;
    let domain = get_domain(state, config.domain_light_client, Some(epoch), config)?;
    let signing_root = compute_signing_root(&previous_block_root, domain);
    optional_fast_aggregate_verify(
        state,
        &signers,
        signing_root,
        &block_body.light_client_signature,
        verify,
    )
    .map_err(|e| OperationError::Invalid(LightClientAggregateInvalid::BadSignature(e)))?;
    balances.commit(state)?;
    Ok(())
}
