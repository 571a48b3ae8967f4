//! `process_block` (phase 1): the header, the RANDAO reveal, the eth1 data vote, the light
//! client aggregate and the operations of a block.

use primitives::types::{BeaconBlock, BeaconState};
use primitives::{ChainConfig, EthSpec};

use super::{
    BlockProcessingError, process_block_header, process_eth1_data, process_light_client_aggregate,
    process_operations, process_randao,
};
use crate::accessors::CommitteeCaches;
use crate::signatures::VerifySignatures;

/// `process_block` (phase 1): `process_block_header`, `process_randao`, `process_eth1_data`,
/// `process_light_client_aggregate`, `process_operations`.
///
/// The block's own signature is not checked here, as in the spec (`state_transition` checks
/// it). On error the state is left part-way: the caller works on a copy and drops it, and in
/// batch mode also drops it when the batch fails.
pub fn process_block<E: EthSpec>(
    state: &mut BeaconState<E>,
    block: &BeaconBlock<E>,
    verify: &mut VerifySignatures<'_>,
    config: &ChainConfig,
) -> Result<(), BlockProcessingError> {
    process_block_header(state, block, config).map_err(BlockProcessingError::header)?;
    process_randao(state, &block.body, verify, config).map_err(BlockProcessingError::randao)?;
    process_eth1_data(state, &block.body, config)?;
    process_light_client_aggregate(state, &block.body, verify, config)
        .map_err(BlockProcessingError::light_client_aggregate)?;
    // One set of committee caches for every operation of the block: operations cannot change
    // the committees of the epochs they use.
    let mut committees = CommitteeCaches::new();
    process_operations(state, &block.body, &mut committees, verify, config)
}
