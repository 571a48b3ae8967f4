//! `process_custody_game_operations`: the custody game's operations of a block body, in the
//! spec's order.

use primitives::types::{BeaconBlockBody, BeaconState};
use primitives::{ChainConfig, EthSpec};

use super::{
    CustodyOperationError, process_chunk_challenge, process_chunk_challenge_response,
    process_custody_key_reveal, process_custody_slashing, process_early_derived_secret_reveal,
};
use crate::signatures::VerifySignatures;

/// `process_custody_game_operations`: the chunk challenges, chunk challenge responses, custody
/// key reveals, early derived secret reveals and custody slashings of `body`, each list in
/// order. The first invalid operation stops processing; the operations before it stay applied,
/// so a caller works on a copy of the state (see [`crate::per_block`]).
pub fn process_custody_game_operations<E: EthSpec>(
    state: &mut BeaconState<E>,
    body: &BeaconBlockBody<E>,
    verify: &mut VerifySignatures<'_>,
    config: &ChainConfig,
) -> Result<(), CustodyOperationError> {
    for (index, challenge) in body.chunk_challenges.iter().enumerate() {
        process_chunk_challenge(state, challenge, verify, config)
            .map_err(|e| CustodyOperationError::chunk_challenge(index, e))?;
    }
    for (index, response) in body.chunk_challenge_responses.iter().enumerate() {
        process_chunk_challenge_response(state, response, config)
            .map_err(|e| CustodyOperationError::chunk_response(index, e))?;
    }
    for (index, reveal) in body.custody_key_reveals.iter().enumerate() {
        process_custody_key_reveal(state, reveal, verify, config)
            .map_err(|e| CustodyOperationError::custody_key_reveal(index, e))?;
    }
    for (index, reveal) in body.early_derived_secret_reveals.iter().enumerate() {
        process_early_derived_secret_reveal(state, reveal, verify, config)
            .map_err(|e| CustodyOperationError::early_reveal(index, e))?;
    }
    for (index, slashing) in body.custody_slashings.iter().enumerate() {
        process_custody_slashing(state, slashing, verify, config)
            .map_err(|e| CustodyOperationError::custody_slashing(index, e))?;
    }
    Ok(())
}
