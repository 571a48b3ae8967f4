//! Typed errors of the fork choice: refused blocks and attestations, and broken invariants.

use primitives::math::MathError;
use primitives::types::{Epoch, Root, Slot, ValidatorIndex};

/// Why the fork choice refused a block, an attestation or a query.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ForkChoiceError {
    /// The block's parent is not in the store (it may arrive later).
    #[error("block {block_root} has unknown parent {parent_root}")]
    UnknownParent {
        /// The block.
        block_root: Root,
        /// Its parent.
        parent_root: Root,
    },
    /// The block's slot is after the store's current slot (`on_block`: delay it).
    #[error("block at slot {slot} is from the future (current slot {current_slot})")]
    FutureBlock {
        /// The block's slot.
        slot: Slot,
        /// The store's current slot.
        current_slot: Slot,
    },
    /// The block is not after the finalized checkpoint's start slot.
    #[error("block at slot {slot} is not after the finalized slot {finalized_slot}")]
    NotAfterFinalized {
        /// The block's slot.
        slot: Slot,
        /// The start slot of the finalized epoch.
        finalized_slot: Slot,
    },
    /// The block does not descend from the finalized checkpoint's block.
    #[error("block {block_root} does not descend from the finalized block")]
    NotDescendantOfFinalized {
        /// The block.
        block_root: Root,
    },
    /// The block's slot is not after its parent's slot.
    #[error("block at slot {slot} is not after its parent at slot {parent_slot}")]
    SlotNotAfterParent {
        /// The block's slot.
        slot: Slot,
        /// The parent's slot.
        parent_slot: Slot,
    },
    /// The attestation breaks a rule of `validate_on_attestation`.
    #[error("attestation refused: {0}")]
    InvalidAttestation(#[from] InvalidAttestation),
    /// The justified checkpoint's block is not in the proto-array.
    #[error("justified root {0} is not in the fork choice")]
    UnknownJustifiedRoot(Root),
    /// The finalized checkpoint's block is not in the proto-array.
    #[error("finalized root {0} is not in the fork choice")]
    UnknownFinalizedRoot(Root),
    /// The anchor block does not commit to the anchor state.
    #[error("anchor block's state root {block_state_root} is not the anchor state's {state_root}")]
    AnchorStateMismatch {
        /// `anchor_block.state_root`.
        block_state_root: Root,
        /// `hash_tree_root(anchor_state)`.
        state_root: Root,
    },
    /// `find_head` was asked before `apply_score_changes` ran for this justified root and the
    /// current set of blocks.
    #[error("scores are stale for justified root {justified_root}: apply score changes first")]
    StaleScores {
        /// The justified root asked for.
        justified_root: Root,
    },
    /// An index into the proto-array points nowhere (a broken invariant).
    #[error("proto-array index {index} is out of bounds")]
    InvalidNodeIndex {
        /// The index.
        index: usize,
    },
    /// There is not one delta per node.
    #[error("{deltas} deltas for {nodes} nodes")]
    InvalidDeltaLength {
        /// Number of deltas given.
        deltas: usize,
        /// Number of nodes.
        nodes: usize,
    },
    /// A node's weight would exceed `u64`.
    #[error("weight of node {index} overflows")]
    WeightOverflow {
        /// The node.
        index: usize,
    },
    /// A node's weight would go below zero (votes and weights disagree).
    #[error("weight of node {index} underflows")]
    WeightUnderflow {
        /// The node.
        index: usize,
    },
    /// A summed delta leaves `i64`.
    #[error("delta of node {index} overflows")]
    DeltaOverflow {
        /// The node.
        index: usize,
    },
    /// A validator's balance does not fit in a signed delta.
    #[error("balance {balance} of validator {validator_index} is too large")]
    BalanceTooLarge {
        /// The validator.
        validator_index: ValidatorIndex,
        /// The balance.
        balance: u64,
    },
    /// A validator index does not fit in memory's address space.
    #[error("validator index {0} is out of range")]
    ValidatorIndexOutOfRange(ValidatorIndex),
    /// The clock reads a time before genesis.
    #[error("time {time_ms} ms is before genesis at {genesis_time_ms} ms")]
    TimeBeforeGenesis {
        /// The store's time.
        time_ms: u64,
        /// Genesis time in milliseconds.
        genesis_time_ms: u64,
    },
    /// A time in milliseconds does not fit in `u64`.
    #[error("time overflows u64 milliseconds")]
    TimeOverflow,
    /// `SECONDS_PER_SLOT` is zero.
    #[error("SECONDS_PER_SLOT is zero")]
    ZeroSlotDuration,
    /// A slot/epoch helper failed.
    #[error(transparent)]
    Math(#[from] MathError),
}

impl ForkChoiceError {
    /// Whether the block or attestation is wrong in itself (the sender's fault), rather than
    /// early, late or refused for a local reason.
    pub fn is_bad_data(&self) -> bool {
        match self {
            Self::NotAfterFinalized { .. }
            | Self::NotDescendantOfFinalized { .. }
            | Self::SlotNotAfterParent { .. } => true,
            Self::InvalidAttestation(reason) => reason.is_bad_data(),
            _ => false,
        }
    }
}

/// A rule of `validate_on_attestation` that the attestation breaks.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidAttestation {
    /// The target epoch is neither the current nor the previous epoch.
    #[error("target epoch {target_epoch} is not the current ({current_epoch}) or previous epoch")]
    TargetEpochNotCurrentOrPrevious {
        /// The target epoch.
        target_epoch: Epoch,
        /// The store's current epoch.
        current_epoch: Epoch,
    },
    /// The target epoch is not the epoch of the attestation's slot.
    #[error("target epoch {target_epoch} is not the epoch {slot_epoch} of the attestation's slot")]
    TargetEpochMismatch {
        /// The target epoch.
        target_epoch: Epoch,
        /// `compute_epoch_at_slot(data.slot)`.
        slot_epoch: Epoch,
    },
    /// The target block is not known (yet).
    #[error("unknown target root {0}")]
    UnknownTargetRoot(Root),
    /// The LMD vote's block is not known (yet).
    #[error("unknown head block {0}")]
    UnknownHeadBlock(Root),
    /// The LMD vote's block is later than the attestation's slot.
    #[error("head block at slot {block_slot} is after the attestation's slot {attestation_slot}")]
    HeadBlockFromFuture {
        /// The voted block's slot.
        block_slot: Slot,
        /// The attestation's slot.
        attestation_slot: Slot,
    },
    /// The FFG target is not the LMD vote's ancestor at the target's start slot.
    #[error("target root {target_root} is not the head block's ancestor at the target epoch")]
    TargetNotAncestorOfHead {
        /// The target root.
        target_root: Root,
    },
    /// The attestation's slot has not passed yet.
    #[error(
        "attestation for slot {attestation_slot} cannot count before slot {attestation_slot} + 1 (now {current_slot})"
    )]
    NotYetAttestable {
        /// The attestation's slot.
        attestation_slot: Slot,
        /// The store's current slot.
        current_slot: Slot,
    },
}

impl InvalidAttestation {
    /// Whether the attestation is wrong in itself rather than early or late.
    pub fn is_bad_data(&self) -> bool {
        matches!(
            self,
            Self::TargetEpochMismatch { .. }
                | Self::HeadBlockFromFuture { .. }
                | Self::TargetNotAncestorOfHead { .. }
        )
    }
}
