//! `process_block_header`: checks a block against the state's slot, proposer and latest header,
//! then makes the block the latest header.

use primitives::types::{BeaconBlock, BeaconBlockHeader, BeaconState, Root};
use primitives::{ChainConfig, EthSpec};
use tree_hash::TreeHash;

use super::{HeaderInvalid, OperationError};
use crate::accessors::{get_beacon_proposer_index, validator};

/// `process_block_header`: the block is of the state's slot, newer than the latest header, by
/// the slot's proposer (who is not slashed) and a child of the latest header; it then becomes
/// the latest header, with an empty state root that the next slot fills in.
///
/// The block's signature is not checked here, as in the spec (see
/// [`block_proposal_signature_set`](crate::signatures::block_proposal_signature_set)).
pub fn process_block_header<E: EthSpec>(
    state: &mut BeaconState<E>,
    block: &BeaconBlock<E>,
    config: &ChainConfig,
) -> Result<(), OperationError<HeaderInvalid>> {
    let invalid = OperationError::Invalid;
    if block.slot != state.slot {
        return Err(invalid(HeaderInvalid::StateSlotMismatch {
            block_slot: block.slot,
            state_slot: state.slot,
        }));
    }
    if block.slot <= state.latest_block_header.slot {
        return Err(invalid(HeaderInvalid::OlderThanLatestHeader {
            block_slot: block.slot,
            latest_slot: state.latest_block_header.slot,
        }));
    }
    let expected = get_beacon_proposer_index(state, config)?;
    if block.proposer_index != expected {
        return Err(invalid(HeaderInvalid::ProposerIndexMismatch {
            block: block.proposer_index,
            expected,
        }));
    }
    let parent_root = state.latest_block_header.tree_hash_root();
    if block.parent_root != parent_root {
        return Err(invalid(HeaderInvalid::ParentRootMismatch {
            block: block.parent_root,
            expected: parent_root,
        }));
    }
    // The spec checks this after caching the header; checking first leaves the state untouched
    // on error, with the same verdict.
    if validator(state, block.proposer_index)?.slashed {
        return Err(invalid(HeaderInvalid::ProposerSlashed {
            index: block.proposer_index,
        }));
    }
    state.latest_block_header = BeaconBlockHeader {
        slot: block.slot,
        proposer_index: block.proposer_index,
        parent_root: block.parent_root,
        state_root: Root::ZERO,
        body_root: block.body.tree_hash_root(),
    };
    Ok(())
}
