//! Typed errors of the shard fork choice: refused shard blocks and broken invariants.

use primitives::math::MathError;
use primitives::types::{Root, Shard, Slot};

use crate::BeaconStateError;
use crate::shard_transition::ShardBlockError;

/// Why the shard fork choice refused a shard block or could not answer a query.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShardForkChoiceError {
    /// The block belongs to another shard than the store's.
    #[error("block of shard {block_shard} given to the store of shard {store_shard}")]
    WrongShard {
        /// `block.shard`.
        block_shard: Shard,
        /// The store's shard.
        store_shard: Shard,
    },
    /// The block's shard parent is not in the shard store (it may arrive later).
    #[error("shard block {block_root} has unknown shard parent {shard_parent_root}")]
    UnknownShardParent {
        /// The block.
        block_root: Root,
        /// `block.shard_parent_root`.
        shard_parent_root: Root,
    },
    /// The block's beacon parent is not in the beacon fork choice (it may arrive later).
    #[error("shard block {block_root} has unknown beacon parent {beacon_parent_root}")]
    UnknownBeaconParent {
        /// The block.
        block_root: Root,
        /// `block.beacon_parent_root`.
        beacon_parent_root: Root,
    },
    /// The block is not after the shard slot of the finalized beacon state.
    #[error("shard block at slot {slot} is not after the finalized shard slot {finalized_slot}")]
    NotAfterFinalizedShardSlot {
        /// The block's slot.
        slot: Slot,
        /// `finalized_beacon_state.shard_states[shard].slot`.
        finalized_slot: Slot,
    },
    /// The block is not after its shard parent.
    #[error("shard block at slot {slot} is not after its shard parent at slot {parent_slot}")]
    NotAfterShardParent {
        /// The block's slot.
        slot: Slot,
        /// The shard parent state's slot.
        parent_slot: Slot,
    },
    /// The block's beacon parent does not descend from the finalized checkpoint's block.
    #[error("shard block {block_root} has a beacon parent off the finalized chain")]
    NotDescendantOfFinalized {
        /// The block.
        block_root: Root,
    },
    /// `shard_state_transition` refused the block.
    #[error("shard block {block_root}: {reason}")]
    InvalidBlock {
        /// The block.
        block_root: Root,
        /// Why.
        reason: ShardBlockError,
    },
    /// A block the walk needs is not in the shard store (a broken invariant).
    #[error("shard block {0} is not in the shard store")]
    UnknownShardBlock(Root),
    /// The shard head does not descend from the beacon head's latest shard block.
    #[error("shard head {head} does not descend from the crosslinked shard block {crosslinked}")]
    HeadNotDescendantOfCrosslink {
        /// The head found.
        head: Root,
        /// The beacon head state's `shard_states[shard].latest_block_root`.
        crosslinked: Root,
    },
    /// A sum of balances exceeds `u64`.
    #[error("attesting balance of shard block {0} overflows")]
    WeightOverflow(Root),
    /// A beacon state could not answer (e.g. it has no such shard).
    #[error(transparent)]
    State(#[from] BeaconStateError),
    /// A slot/epoch helper failed.
    #[error(transparent)]
    Math(#[from] MathError),
}

impl ShardForkChoiceError {
    /// Whether the shard block is wrong in itself (the sender's fault), rather than early or
    /// refused for a local reason.
    pub fn is_bad_data(&self) -> bool {
        match self {
            Self::WrongShard { .. }
            | Self::NotAfterFinalizedShardSlot { .. }
            | Self::NotAfterShardParent { .. }
            | Self::NotDescendantOfFinalized { .. } => true,
            Self::InvalidBlock { reason, .. } => reason.is_bad_data(),
            _ => false,
        }
    }
}
