//! Why a shard transition or a shard block is refused, and the arithmetic failures the spec
//! counts as invalid.

use primitives::bls::BlsError;
use primitives::types::{Root, Slot, ValidatorIndex};

/// A `uint64` overflow, or a division by a zero constant of the configuration.
///
/// The spec makes either a failed transition; callers report it as the input's fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{what} overflows uint64 or divides by zero")]
pub struct ArithmeticError {
    /// The quantity being computed.
    pub what: &'static str,
}

/// Why a `ShardTransition` is inconsistent with itself, its offset slots or its blocks.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShardTransitionInvalid {
    /// The shard has no offset slot to fill yet, so no transition can be applied.
    #[error("no offset slot to transition")]
    NoOffsetSlots,
    /// The lengths, data roots and states lists do not all have one entry per offset slot.
    #[error(
        "{lengths} lengths, {data_roots} data roots and {states} states for {offset_slots} offset slots"
    )]
    LengthMismatch {
        /// `len(shard_block_lengths)`.
        lengths: usize,
        /// `len(shard_data_roots)`.
        data_roots: usize,
        /// `len(shard_states)`.
        states: usize,
        /// The number of offset slots.
        offset_slots: usize,
    },
    /// The start slot is not the first offset slot.
    #[error("start slot {start_slot} is not the first offset slot {expected}")]
    WrongStartSlot {
        /// `start_slot`.
        start_slot: Slot,
        /// The first offset slot.
        expected: Slot,
    },
    /// An intermediate state's gas price does not follow from the previous one.
    #[error("state {index}: gas price {gasprice}, expected {expected}")]
    WrongGasprice {
        /// The position in the transition.
        index: usize,
        /// The state's gas price.
        gasprice: u64,
        /// `compute_updated_gasprice` of the previous one.
        expected: u64,
    },
    /// An intermediate state's slot is not its offset slot.
    #[error("state {index}: slot {slot}, expected offset slot {expected}")]
    WrongSlot {
        /// The position in the transition.
        index: usize,
        /// The state's slot.
        slot: Slot,
        /// The offset slot.
        expected: Slot,
    },
    /// An empty proposal has a data root.
    #[error("state {index}: empty proposal with data root {root}")]
    EmptyProposalWithDataRoot {
        /// The position in the transition.
        index: usize,
        /// The data root.
        root: Root,
    },
    /// More offset slots than a transition can hold.
    #[error("{count} offset slots, more than a transition holds")]
    TooManyOffsetSlots {
        /// The number of offset slots.
        count: usize,
    },
    /// A block's body differs from the transition's length or data root at its slot.
    #[error("slot {slot}: the block's body is not the one the transition names")]
    DataMismatch {
        /// The offset slot.
        slot: Slot,
    },
    /// A gas price computation overflows.
    #[error(transparent)]
    Arithmetic(#[from] ArithmeticError),
    /// A shard block's signature cannot be aggregated.
    #[error("shard block signature: {0}")]
    BadBlockSignature(BlsError),
}

/// Why a shard block is refused by `verify_shard_block_message`, or cannot be processed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShardBlockInvalid {
    /// The block's shard is not one of the beacon state's shards.
    #[error("shard {shard} is not a shard of the beacon state")]
    UnknownShard {
        /// The block's shard.
        shard: u64,
    },
    /// The block does not build on the shard's latest block.
    #[error("shard parent root {block} is not the shard's latest block root {expected}")]
    ShardParentRootMismatch {
        /// The block's `shard_parent_root`.
        block: Root,
        /// The parent shard state's `latest_block_root`.
        expected: Root,
    },
    /// The block does not build on the beacon parent block.
    #[error("beacon parent root {block} is not the beacon parent block's root {expected}")]
    BeaconParentRootMismatch {
        /// The block's `beacon_parent_root`.
        block: Root,
        /// The root of the beacon parent state's latest block header.
        expected: Root,
    },
    /// The block's slot is not an offset slot of its shard.
    #[error("slot {slot} is not an offset slot of the shard")]
    NotAnOffsetSlot {
        /// The block's slot.
        slot: Slot,
    },
    /// The block names another proposer than the shard's at its slot.
    #[error("proposer {block} is not the shard proposer {expected}")]
    WrongProposer {
        /// The block's proposer.
        block: ValidatorIndex,
        /// The shard proposer of the slot.
        expected: ValidatorIndex,
    },
    /// The body is empty or longer than `MAX_SHARD_BLOCK_SIZE`.
    #[error("body of {length} bytes is empty or above {max}")]
    BadBodyLength {
        /// The body's length.
        length: usize,
        /// `MAX_SHARD_BLOCK_SIZE`.
        max: u64,
    },
    /// The gas price update overflows.
    #[error(transparent)]
    Arithmetic(#[from] ArithmeticError),
}
