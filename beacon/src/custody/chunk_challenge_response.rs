//! `process_chunk_challenge_response`: an attester answers a chunk challenge with the chunk and
//! its Merkle proof.

use primitives::types::{BeaconState, CustodyChunkChallengeRecord, CustodyChunkResponse};
use primitives::{ChainConfig, EthSpec};
use tree_hash::TreeHash;

use super::ChunkResponseInvalid;
use crate::BeaconStateError;
use crate::accessors::{
    get_base_reward, get_beacon_proposer_index, get_total_active_balance, is_valid_merkle_branch,
};
use crate::mutators::increase_balance;
use crate::per_block::OperationError;

/// `process_chunk_challenge_response`: exactly one open challenge has the response's index,
/// for the same chunk, and the chunk is proven against the challenged data root; the
/// challenge record is emptied and the proposer earns `base_reward // MINOR_REWARD_QUOTIENT`.
pub fn process_chunk_challenge_response<E: EthSpec>(
    state: &mut BeaconState<E>,
    response: &CustodyChunkResponse<E>,
    config: &ChainConfig,
) -> Result<(), OperationError<ChunkResponseInvalid>> {
    let invalid = OperationError::Invalid;
    let challenge_index = response.challenge_index;
    let records = &state.custody_chunk_challenge_records;
    let matching: Vec<(usize, &CustodyChunkChallengeRecord)> = records
        .iter()
        .enumerate()
        .filter(|(_, record)| record.challenge_index == challenge_index)
        .collect();
    let &[(position, challenge)] = matching.as_slice() else {
        return Err(invalid(ChunkResponseInvalid::NoSingleChallenge {
            challenge_index,
            matches: matching.len(),
        }));
    };
    if response.chunk_index != challenge.chunk_index {
        return Err(invalid(ChunkResponseInvalid::WrongChunkIndex {
            response: response.chunk_index,
            challenge: challenge.chunk_index,
        }));
    }
    // The extra level is the list length mixed into the data root.
    let depth = config
        .custody_response_depth
        .checked_add(1)
        .ok_or(BeaconStateError::Overflow {
            what: "CUSTODY_RESPONSE_DEPTH + 1",
        })?;
    if !is_valid_merkle_branch(
        &response.chunk.tree_hash_root(),
        &response.branch,
        depth,
        response.chunk_index,
        &challenge.data_root,
    ) {
        return Err(invalid(ChunkResponseInvalid::BadMerkleProof));
    }

    let proposer_index = get_beacon_proposer_index(state, config)?;
    let total_active_balance = get_total_active_balance(state, config)?;
    let reward = get_base_reward(state, proposer_index, total_active_balance, config)?
        .checked_div(config.minor_reward_quotient)
        .ok_or(BeaconStateError::Overflow {
            what: "base reward // MINOR_REWARD_QUOTIENT",
        })?;
    increase_balance(state, proposer_index, reward)?;
    if let Some(record) = state.custody_chunk_challenge_records.get_mut(position) {
        *record = CustodyChunkChallengeRecord::default();
    }
    Ok(())
}
