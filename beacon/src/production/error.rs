//! Why a block, a shard block or an aggregate could not be produced.

use primitives::types::{Shard, Slot};

use crate::BeaconStateError;
use crate::duties::DutyError;
use crate::per_block::{BlockProcessingError, OperationError, ShardTransitionsInvalid};
use crate::per_slot::SlotProcessingError;
use crate::shard_transition::{ShardBlockError, ShardTransitionError};

/// A failure of block production.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProductionError {
    /// The pre-state could not be advanced to the block's slot.
    #[error("slot processing: {0}")]
    Slots(#[from] SlotProcessingError),
    /// A duty (proposer, signature, aggregate) could not be computed.
    #[error(transparent)]
    Duty(#[from] DutyError),
    /// The state could not answer.
    #[error(transparent)]
    State(#[from] BeaconStateError),
    /// The winning shard transition roots of the included attestations could not be counted.
    #[error("shard winning roots: {0}")]
    WinningRoots(#[from] OperationError<ShardTransitionsInvalid>),
    /// The block built does not pass `process_block`, so it would not be accepted.
    #[error("the produced block is invalid: {0}")]
    InvalidBlock(#[from] BlockProcessingError),
    /// The state's eth1 data asks for more deposits than the caller gave.
    #[error("the block must include {expected} deposits, {given} were given")]
    MissingDeposits {
        /// The deposits the block must carry.
        expected: u64,
        /// The deposits given.
        given: usize,
    },
    /// A shard block is asked for a slot that is not an offset slot of its shard: the
    /// crosslink could not carry it.
    #[error("slot {slot} is not an offset slot of shard {shard}")]
    NotAnOffsetSlot {
        /// The shard.
        shard: Shard,
        /// The slot asked for.
        slot: Slot,
    },
    /// The shard is not active.
    #[error("shard {shard} is not one of the {active} active shards")]
    InactiveShard {
        /// The shard asked for.
        shard: Shard,
        /// `get_active_shard_count`.
        active: u64,
    },
    /// The shard body is longer than the list type allows.
    #[error("shard block body of {length} bytes is longer than the type allows")]
    BodyTooLong {
        /// The body's length.
        length: usize,
    },
    /// The pending shard blocks do not make a transition.
    #[error("pending shard blocks: {0}")]
    ShardTransition(#[from] ShardTransitionError),
    /// The produced shard block fails a check of `verify_shard_block_message` (its body's
    /// length).
    #[error("the produced shard block is invalid: {0}")]
    InvalidShardBlock(#[from] ShardBlockError),
    /// Attestations to aggregate vote for different data.
    #[error("attestations to aggregate do not share their data")]
    DataMismatch,
    /// Attestations to aggregate have bits of different lengths.
    #[error("aggregation bits of length {found}, {expected} expected")]
    BitsLengthMismatch {
        /// The first attestation's length.
        expected: usize,
        /// The other length.
        found: usize,
    },
    /// Two attestations to aggregate share a signer; their signatures cannot be added.
    #[error("committee position {position} is set in two attestations")]
    OverlappingBits {
        /// The position set twice.
        position: usize,
    },
}
