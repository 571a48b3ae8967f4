//! Beacon block import as a chain of types, each recording which checks are done:
//! [`GossipVerifiedBlock`] (cheap checks against fork choice: known parent, not from the future,
//! after finality, not already known) then [`ExecutedBlock`] (the state transition with every
//! signature checked in one batch, and the post-state). Only an [`ExecutedBlock`] can be
//! imported, so no block reaches fork choice or the store unchecked.
//!
//! Signature verification and execution are one step here: `state_transition` collects the
//! block's signature sets while processing and verifies them in one batch at the end, which is
//! cheaper than verifying first and processing after.

use beacon::fork_choice::ForkChoiceStore;
use beacon::{SignatureStrategy, state_transition_counted};
use primitives::math::compute_start_slot_at_epoch;
use primitives::types::{BeaconState, Root, SignedBeaconBlock};
use primitives::{ChainConfig, EthSpec};
use tree_hash::TreeHash;

use super::ChainError;

/// A block that passed the checks needing no state.
#[derive(Debug, Clone)]
pub struct GossipVerifiedBlock<E: EthSpec> {
    block: SignedBeaconBlock<E>,
    block_root: Root,
}

impl<E: EthSpec> GossipVerifiedBlock<E> {
    /// Checks `block` against fork choice: its parent is known, it is not already known, its
    /// slot is after its parent's and the finalized slot and not after the current slot.
    pub fn new(
        block: SignedBeaconBlock<E>,
        fork_choice: &ForkChoiceStore,
        config: &ChainConfig,
    ) -> Result<Self, ChainError> {
        let message = &block.message;
        let block_root = message.tree_hash_root();
        let proto = fork_choice.proto_array();
        if proto.contains_block(&block_root) {
            return Err(ChainError::AlreadyKnown(block_root));
        }
        let parent = proto
            .node(&message.parent_root)
            .ok_or(ChainError::UnknownParent {
                block_root,
                parent_root: message.parent_root,
            })?;
        if message.slot <= parent.slot {
            return Err(ChainError::NotAfterParent {
                slot: message.slot,
                parent_slot: parent.slot,
            });
        }
        let current_slot = fork_choice.get_current_slot()?;
        if message.slot > current_slot {
            return Err(ChainError::FutureBlock {
                slot: message.slot,
                current_slot,
            });
        }
        let finalized_slot =
            compute_start_slot_at_epoch(fork_choice.finalized_checkpoint().epoch, config)
                .map_err(beacon::BeaconStateError::from)?;
        if message.slot <= finalized_slot {
            return Err(ChainError::NotAfterFinalized {
                slot: message.slot,
                finalized_slot,
            });
        }
        Ok(Self { block, block_root })
    }

    /// A block read back from the node's own store: it was fully verified before it was
    /// written, so only its root is computed.
    pub(crate) fn from_store(block: SignedBeaconBlock<E>) -> Self {
        let block_root = block.message.tree_hash_root();
        Self { block, block_root }
    }

    /// The block's root.
    pub fn block_root(&self) -> Root {
        self.block_root
    }

    /// The block.
    pub fn block(&self) -> &SignedBeaconBlock<E> {
        &self.block
    }

    /// Runs the state transition on the parent's post-state `parent_state` with `strategy`
    /// for signatures (a batch for blocks from the network or the validator client, none for
    /// blocks replayed from the store) and the state root checked.
    pub fn execute(
        self,
        parent_state: &BeaconState<E>,
        strategy: SignatureStrategy,
        config: &ChainConfig,
    ) -> Result<ExecutedBlock<E>, ChainError> {
        let transition =
            state_transition_counted(parent_state, &self.block, strategy, true, config)?;
        Ok(ExecutedBlock {
            block: self.block,
            block_root: self.block_root,
            post_state: transition.post_state,
            signature_sets: transition.signature_sets,
        })
    }
}

/// A block whose signatures and state transition passed, with its post-state: ready for fork
/// choice and the store.
#[derive(Debug, Clone)]
pub struct ExecutedBlock<E: EthSpec> {
    /// The block.
    pub block: SignedBeaconBlock<E>,
    /// Its root.
    pub block_root: Root,
    /// Its post-state.
    pub post_state: BeaconState<E>,
    /// The signature sets the state transition verified.
    pub signature_sets: usize,
}
