//! `process_custody_slashing`: a whistleblower claims an attester's custody bit was wrong; the
//! attester is slashed if the claim holds, the whistleblower if it does not.

use primitives::types::{BeaconState, SignedCustodySlashing, ValidatorIndex};
use primitives::{ChainConfig, EthSpec};
use tree_hash::TreeHash;

use super::{CustodySlashingInvalid, compute_custody_bit, get_randao_epoch_for_custody_period};
use crate::BeaconStateError;
use crate::accessors::committees::indexed_attestation;
use crate::accessors::{
    get_attesting_indices, get_beacon_committee, get_beacon_proposer_index, get_current_epoch,
    get_custody_period_for_validator, is_slashable_validator, validate_indexed_attestation,
    validator,
};
use crate::mutators::{StagedBalances, slash_validator};
use crate::per_block::OperationError;
use crate::signatures::{
    VerifySignatures, custody_secret_signature_set, custody_slashing_signature_set,
};

/// `process_custody_slashing`: signed by a slashable whistleblower, against a slashable
/// malefactor that attested (in a valid attestation) to a shard transition whose block at
/// `data_index` is `data`, with the malefactor's custody key of the attestation's period.
/// If the custody bit computed from the key and the data is one, the malefactor is slashed
/// and every other attester earns `effective_balance // WHISTLEBLOWER_REWARD_QUOTIENT //
/// (committee size - 1)`; otherwise the whistleblower is slashed.
pub fn process_custody_slashing<E: EthSpec>(
    state: &mut BeaconState<E>,
    signed_custody_slashing: &SignedCustodySlashing<E>,
    verify: &mut VerifySignatures<'_>,
    config: &ChainConfig,
) -> Result<(), OperationError<CustodySlashingInvalid>> {
    let invalid = OperationError::Invalid;
    let custody_slashing = &signed_custody_slashing.message;
    let attestation = &custody_slashing.attestation;
    let malefactor_index = custody_slashing.malefactor_index;
    let whistleblower_index = custody_slashing.whistleblower_index;
    let known = |index| {
        validator(state, index)
            .map_err(|_| invalid(CustodySlashingInvalid::UnknownValidator { index }))
    };
    let malefactor = known(malefactor_index)?;
    let whistleblower = known(whistleblower_index)?;
    verify
        .check(|| custody_slashing_signature_set(state, signed_custody_slashing, config))
        .map_err(|reason| invalid(CustodySlashingInvalid::BadSignature(reason)))?;
    let current_epoch = get_current_epoch(state, config)?;
    if !is_slashable_validator(whistleblower, current_epoch) {
        return Err(invalid(CustodySlashingInvalid::WhistleblowerNotSlashable {
            index: whistleblower_index,
        }));
    }
    if !is_slashable_validator(malefactor, current_epoch) {
        return Err(invalid(CustodySlashingInvalid::MalefactorNotSlashable {
            index: malefactor_index,
        }));
    }

    let attesters = match get_attesting_indices(
        state,
        &attestation.data,
        &attestation.aggregation_bits,
        config,
    ) {
        Ok(attesters) => attesters,
        Err(BeaconStateError::AggregationBitsLength { bits, committee }) => {
            return Err(invalid(CustodySlashingInvalid::BitsLengthMismatch {
                bits,
                committee,
            }));
        }
        Err(e) => return Err(e.into()),
    };
    let indexed = indexed_attestation(attesters.clone(), attestation)?;
    validate_indexed_attestation(state, &indexed, verify, config)
        .map_err(|reason| invalid(CustodySlashingInvalid::IndexedAttestationInvalid(reason)))?;

    let transition = &custody_slashing.shard_transition;
    if transition.tree_hash_root() != attestation.data.shard_transition_root {
        return Err(invalid(CustodySlashingInvalid::WrongShardTransition));
    }
    let data_index = custody_slashing.data_index;
    let bad_data_index = || invalid(CustodySlashingInvalid::BadDataIndex { data_index });
    let at = usize::try_from(data_index).map_err(|_| bad_data_index())?;
    let length = *transition
        .shard_block_lengths
        .get(at)
        .ok_or_else(bad_data_index)?;
    let data = &custody_slashing.data;
    if u64::try_from(data.len()).ok() != Some(length) {
        return Err(invalid(CustodySlashingInvalid::WrongData));
    }
    let data_root = *transition
        .shard_data_roots
        .get(at)
        .ok_or_else(bad_data_index)?;
    if data.tree_hash_root() != data_root {
        return Err(invalid(CustodySlashingInvalid::WrongData));
    }
    if !attesters.contains(&malefactor_index) {
        return Err(invalid(CustodySlashingInvalid::MalefactorNotAttester {
            index: malefactor_index,
        }));
    }

    let period =
        get_custody_period_for_validator(malefactor_index, attestation.data.target.epoch, config)?;
    let epoch_to_sign = get_randao_epoch_for_custody_period(period, malefactor_index, config)?;
    let secret = &custody_slashing.malefactor_secret;
    verify
        .check(|| {
            custody_secret_signature_set(state, malefactor_index, epoch_to_sign, secret, config)
        })
        .map_err(|reason| invalid(CustodySlashingInvalid::BadMalefactorSecret(reason)))?;

    let computed_custody_bit = compute_custody_bit(secret, data, config)
        .map_err(|reason| invalid(CustodySlashingInvalid::CustodyBit(reason)))?;
    if !computed_custody_bit {
        // The claim is false: the whistleblower made everyone check it for nothing.
        slash_validator(state, whistleblower_index, None, config)?;
        return Ok(());
    }

    let committee =
        get_beacon_committee(state, attestation.data.slot, attestation.data.index, config)?;
    let others_count = u64::try_from(committee.len())
        .ok()
        .and_then(|n| n.checked_sub(1))
        .filter(|n| *n > 0)
        .ok_or(invalid(CustodySlashingInvalid::NoOtherCommitteeMember))?;
    let whistleblower_reward = malefactor
        .effective_balance
        .checked_div(config.whistleblower_reward_quotient)
        .and_then(|r| r.checked_div(others_count))
        .ok_or(BeaconStateError::Overflow {
            what: "effective balance // WHISTLEBLOWER_REWARD_QUOTIENT // others",
        })?;
    let others: Vec<ValidatorIndex> = attesters
        .iter()
        .copied()
        .filter(|index| *index != malefactor_index)
        .collect();
    // Checked before the slash, with the whole slashing reward on the proposer, so that the
    // rewards after it cannot overflow and leave the slash half-applied.
    let slashing_reward = malefactor
        .effective_balance
        .checked_div(config.whistleblower_reward_quotient)
        .ok_or(BeaconStateError::Overflow {
            what: "effective balance // WHISTLEBLOWER_REWARD_QUOTIENT",
        })?;
    let proposer_index = get_beacon_proposer_index(state, config)?;
    let mut headroom = StagedBalances::default();
    headroom.increase(state, proposer_index, slashing_reward)?;
    for index in &others {
        headroom.increase(state, *index, whistleblower_reward)?;
    }

    slash_validator(state, malefactor_index, None, config)?;
    let mut rewards = StagedBalances::default();
    for index in &others {
        rewards.increase(state, *index, whistleblower_reward)?;
    }
    rewards.commit(state)?;
    Ok(())
}
