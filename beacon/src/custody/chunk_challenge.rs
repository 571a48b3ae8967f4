//! `process_chunk_challenge`: opens a challenge against an attester to show one chunk of the
//! shard data it attested.

use primitives::types::{BeaconState, CustodyChunkChallenge, CustodyChunkChallengeRecord};
use primitives::{ChainConfig, EthSpec};
use tree_hash::TreeHash;

use super::{ChunkChallengeInvalid, replace_empty_or_append};
use crate::accessors::committees::indexed_attestation;
use crate::accessors::{
    get_attesting_indices, get_beacon_proposer_index, get_current_epoch, is_slashable_validator,
    validate_indexed_attestation, validator,
};
use crate::per_block::OperationError;
use crate::signatures::VerifySignatures;
use crate::{BeaconStateError, FAR_FUTURE_EPOCH};

/// `process_chunk_challenge`: a valid attestation, recent enough, by a slashable responder
/// that exited (if at all) recently enough, whose shard transition is the attested one; the
/// chunk exists and is not challenged already. The challenge is recorded (reusing an empty
/// record), the challenge index advances and the responder cannot withdraw until it answers.
pub fn process_chunk_challenge<E: EthSpec>(
    state: &mut BeaconState<E>,
    challenge: &CustodyChunkChallenge<E>,
    verify: &mut VerifySignatures<'_>,
    config: &ChainConfig,
) -> Result<(), OperationError<ChunkChallengeInvalid>> {
    let invalid = OperationError::Invalid;
    let attestation = &challenge.attestation;
    let attesters = match get_attesting_indices(
        state,
        &attestation.data,
        &attestation.aggregation_bits,
        config,
    ) {
        Ok(attesters) => attesters,
        Err(BeaconStateError::AggregationBitsLength { bits, committee }) => {
            return Err(invalid(ChunkChallengeInvalid::BitsLengthMismatch {
                bits,
                committee,
            }));
        }
        Err(e) => return Err(e.into()),
    };
    let indexed = indexed_attestation(attesters.clone(), attestation)?;
    validate_indexed_attestation(state, &indexed, verify, config)
        .map_err(|reason| invalid(ChunkChallengeInvalid::IndexedAttestationInvalid(reason)))?;

    let current_epoch = get_current_epoch(state, config)?;
    let target = attestation.data.target.epoch;
    // Saturating: past uint64 every current epoch is early enough, as with the spec's integers.
    if current_epoch > target.saturating_add(config.max_chunk_challenge_delay) {
        return Err(invalid(ChunkChallengeInvalid::AttestationTooOld { target }));
    }
    let index = challenge.responder_index;
    let responder = validator(state, index)
        .map_err(|_| invalid(ChunkChallengeInvalid::UnknownResponder { index }))?;
    if responder.exit_epoch < FAR_FUTURE_EPOCH
        && current_epoch
            > responder
                .exit_epoch
                .saturating_add(config.max_chunk_challenge_delay)
    {
        return Err(invalid(ChunkChallengeInvalid::ResponderExitedTooLongAgo {
            index,
            exit_epoch: responder.exit_epoch,
        }));
    }
    if !is_slashable_validator(responder, current_epoch) {
        return Err(invalid(ChunkChallengeInvalid::ResponderNotSlashable {
            index,
        }));
    }
    if !attesters.contains(&index) {
        return Err(invalid(ChunkChallengeInvalid::ResponderNotAttester {
            index,
        }));
    }
    let transition = &challenge.shard_transition;
    if transition.tree_hash_root() != attestation.data.shard_transition_root {
        return Err(invalid(ChunkChallengeInvalid::WrongShardTransition));
    }
    let data_index = challenge.data_index;
    let bad_data_index = || invalid(ChunkChallengeInvalid::BadDataIndex { data_index });
    let at = usize::try_from(data_index).map_err(|_| bad_data_index())?;
    let data_root = *transition
        .shard_data_roots
        .get(at)
        .ok_or_else(bad_data_index)?;
    let chunk_index = challenge.chunk_index;
    if state
        .custody_chunk_challenge_records
        .iter()
        .any(|record| record.data_root == data_root && record.chunk_index == chunk_index)
    {
        return Err(invalid(ChunkChallengeInvalid::Duplicate {
            data_root,
            chunk_index,
        }));
    }
    let shard_block_length = *transition
        .shard_block_lengths
        .get(at)
        .ok_or_else(bad_data_index)?;
    let chunks = shard_block_length
        .checked_add(config.bytes_per_custody_chunk.saturating_sub(1))
        .and_then(|rounded_up| rounded_up.checked_div(config.bytes_per_custody_chunk))
        .ok_or(BeaconStateError::Overflow {
            what: "(shard_block_length + BYTES_PER_CUSTODY_CHUNK - 1) // BYTES_PER_CUSTODY_CHUNK",
        })?;
    if chunk_index >= chunks {
        return Err(invalid(ChunkChallengeInvalid::BadChunkIndex {
            chunk_index,
            chunks,
        }));
    }

    let new_record = CustodyChunkChallengeRecord {
        challenge_index: state.custody_chunk_challenge_index,
        challenger_index: get_beacon_proposer_index(state, config)?,
        responder_index: index,
        inclusion_epoch: current_epoch,
        data_root,
        chunk_index,
    };
    let next_challenge_index =
        state
            .custody_chunk_challenge_index
            .checked_add(1)
            .ok_or(BeaconStateError::Overflow {
                what: "custody_chunk_challenge_index + 1",
            })?;
    // The responder was found above and the registry has not changed since.
    let count = state.validators.len();
    let responder = usize::try_from(index)
        .ok()
        .and_then(|i| state.validators.get_mut(i))
        .ok_or(BeaconStateError::UnknownValidator { index, count })?;
    // The only write that can fail comes first.
    replace_empty_or_append(&mut state.custody_chunk_challenge_records, new_record)?;
    responder.withdrawable_epoch = FAR_FUTURE_EPOCH;
    state.custody_chunk_challenge_index = next_challenge_index;
    Ok(())
}
