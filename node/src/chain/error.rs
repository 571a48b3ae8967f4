//! Why the chain service refused a block, an attestation or a query.

use beacon::BeaconStateError;
use beacon::StateTransitionError;
use beacon::fork_choice::ForkChoiceError;
use beacon::fork_choice::shard::ShardForkChoiceError;
use beacon::per_slot::SlotProcessingError;
use beacon::production::ProductionError;
use primitives::types::{Root, Slot};
use storage::StoreError;

/// An error of the beacon chain service.
#[derive(Debug, thiserror::Error)]
pub enum ChainError {
    /// The block's parent is not known (not imported, or pruned as non-canonical).
    #[error("block {block_root} has an unknown parent {parent_root}")]
    UnknownParent {
        /// The block.
        block_root: Root,
        /// Its parent.
        parent_root: Root,
    },
    /// The block is already imported.
    #[error("block {0} is already known")]
    AlreadyKnown(Root),
    /// The block's slot is later than the clock's.
    #[error("block at slot {slot} is from the future (current slot {current_slot})")]
    FutureBlock {
        /// The block's slot.
        slot: Slot,
        /// The clock's slot.
        current_slot: Slot,
    },
    /// The block is at or before the finalized slot.
    #[error("block at slot {slot} is not after the finalized slot {finalized_slot}")]
    NotAfterFinalized {
        /// The block's slot.
        slot: Slot,
        /// The finalized checkpoint's start slot.
        finalized_slot: Slot,
    },
    /// The block's slot is not after its parent's.
    #[error("block at slot {slot} is not after its parent at slot {parent_slot}")]
    NotAfterParent {
        /// The block's slot.
        slot: Slot,
        /// The parent's slot.
        parent_slot: Slot,
    },
    /// The state transition refused the block (a bad signature included).
    #[error("state transition: {0}")]
    StateTransition(#[from] StateTransitionError),
    /// Fork choice refused the block or an attestation, or failed.
    #[error("fork choice: {0}")]
    ForkChoice(#[from] ForkChoiceError),
    /// The shard fork choice refused a shard block, or failed.
    #[error("shard fork choice: {0}")]
    ShardForkChoice(#[from] ShardForkChoiceError),
    /// Slot processing failed.
    #[error("slot processing: {0}")]
    Slots(#[from] SlotProcessingError),
    /// A state accessor failed.
    #[error("beacon state: {0}")]
    State(#[from] BeaconStateError),
    /// Block production failed.
    #[error("production: {0}")]
    Production(#[from] ProductionError),
    /// The attestation is not valid.
    #[error("attestation: {0}")]
    InvalidAttestation(String),
    /// The exit or slashing is not valid on the head state.
    #[error("operation: {0}")]
    InvalidOperation(String),
    /// A state the chain needs is not held (pruned, or never imported).
    #[error("no state for block {0}")]
    MissingState(Root),
    /// The store failed.
    #[error("store: {0}")]
    Store(#[from] StoreError),
    /// The store holds something inconsistent (a named state or block missing).
    #[error("store inconsistent: {0}")]
    Inconsistent(String),
}

impl ChainError {
    /// Whether the fault lies with whoever sent the object (for peer scoring).
    pub fn is_bad_data(&self) -> bool {
        match self {
            Self::StateTransition(error) => error.is_bad_data(),
            Self::ForkChoice(error) => error.is_bad_data(),
            Self::ShardForkChoice(error) => error.is_bad_data(),
            Self::FutureBlock { .. }
            | Self::NotAfterFinalized { .. }
            | Self::NotAfterParent { .. }
            | Self::InvalidAttestation(_)
            | Self::InvalidOperation(_) => true,
            _ => false,
        }
    }
}
