//! `process_operations` (phase 1): the block's operations in the spec's order, after the check
//! that the block carries every outstanding deposit it can.

use primitives::types::{BeaconBlockBody, BeaconState};
use primitives::{ChainConfig, EthSpec};

use super::{
    BlockProcessingError, process_attestation, process_attester_slashing, process_deposit,
    process_proposer_slashing, process_shard_transitions, process_voluntary_exit,
};
use crate::BeaconStateError;
use crate::accessors::CommitteeCaches;
use crate::custody::process_custody_game_operations;
use crate::signatures::VerifySignatures;

/// `process_operations` (phase 1): `len(deposits) == min(MAX_DEPOSITS,
/// eth1_data.deposit_count - eth1_deposit_index)`, then the proposer slashings, attester
/// slashings, attestations, deposits, voluntary exits, custody game operations and shard
/// transitions, each list in order.
///
/// The first invalid operation stops processing with the operations before it applied: the
/// caller works on a copy of the state. `committees` serves the attestations and the shard
/// transitions of this block (see [`CommitteeCaches`]).
pub fn process_operations<E: EthSpec>(
    state: &mut BeaconState<E>,
    body: &BeaconBlockBody<E>,
    committees: &mut CommitteeCaches,
    verify: &mut VerifySignatures<'_>,
    config: &ChainConfig,
) -> Result<(), BlockProcessingError> {
    let outstanding = state
        .eth1_data
        .deposit_count
        .checked_sub(state.eth1_deposit_index)
        .ok_or(BeaconStateError::Overflow {
            what: "eth1_data.deposit_count - eth1_deposit_index",
        })?;
    let expected = outstanding.min(config.max_deposits);
    if body.deposits.len() as u64 != expected {
        return Err(BlockProcessingError::DepositCountMismatch {
            expected,
            found: body.deposits.len(),
        });
    }

    for (index, slashing) in body.proposer_slashings.iter().enumerate() {
        process_proposer_slashing(state, slashing, verify, config)
            .map_err(|e| BlockProcessingError::proposer_slashing(index, e))?;
    }
    for (index, slashing) in body.attester_slashings.iter().enumerate() {
        process_attester_slashing(state, slashing, verify, config)
            .map_err(|e| BlockProcessingError::attester_slashing(index, e))?;
    }
    for (index, attestation) in body.attestations.iter().enumerate() {
        process_attestation(state, attestation, committees, verify, config)
            .map_err(|e| BlockProcessingError::attestation(index, e))?;
    }
    for (index, deposit) in body.deposits.iter().enumerate() {
        process_deposit(state, deposit, verify, config)
            .map_err(|e| BlockProcessingError::deposit(index, e))?;
    }
    for (index, exit) in body.voluntary_exits.iter().enumerate() {
        process_voluntary_exit(state, exit, verify, config)
            .map_err(|e| BlockProcessingError::exit(index, e))?;
    }
    process_custody_game_operations(state, body, verify, config)?;
    process_shard_transitions(
        state,
        &body.shard_transitions,
        &body.attestations,
        committees,
        verify,
        config,
    )
    .map_err(BlockProcessingError::shard_transitions)
}
