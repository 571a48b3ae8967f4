//! Why an accessor or a mutator could not answer: the state or the configuration does not allow
//! the question asked of it.

use primitives::math::MathError;
use primitives::shuffling::ShuffleError;
use primitives::types::{Epoch, Shard, Slot, ValidatorIndex};

/// A failure of a beacon state accessor or mutator.
///
/// Where the spec would fail an `assert` or an out-of-range index, these say which. The
/// per-block code turns the ones an operation caused into that operation's own errors.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BeaconStateError {
    /// A validator index beyond the registry.
    #[error("validator {index} is not in the registry of {count}")]
    UnknownValidator {
        /// The index asked for.
        index: ValidatorIndex,
        /// The registry's length.
        count: usize,
    },
    /// `get_block_root_at_slot` was asked for a slot outside the recent history.
    #[error("slot {slot} is not in the block roots history at state slot {state_slot}")]
    SlotOutOfRange {
        /// The slot asked for.
        slot: Slot,
        /// The state's slot.
        state_slot: Slot,
    },
    /// A shard not below the active shard count or the state's shard list.
    #[error("shard {shard} is not one of the {count} shards")]
    UnknownShard {
        /// The shard asked for.
        shard: Shard,
        /// The number of shards.
        count: u64,
    },
    /// A list the spec treats as unbounded is at its SSZ limit.
    #[error("{what} is full")]
    ListFull {
        /// The list.
        what: &'static str,
    },
    /// A vector of the state is shorter than its type says: the state was built wrongly.
    #[error("{what} has no entry at {index}")]
    MissingEntry {
        /// The vector.
        what: &'static str,
        /// The position.
        index: u64,
    },
    /// No validator is active at `epoch`, so there is no proposer or committee.
    #[error("no active validator at epoch {epoch}")]
    NoActiveValidators {
        /// The epoch.
        epoch: Epoch,
    },
    /// An attestation's aggregation bits and its committee differ in length.
    #[error("{bits} aggregation bits for a committee of {committee}")]
    AggregationBitsLength {
        /// The number of bits.
        bits: usize,
        /// The committee's size.
        committee: usize,
    },
    /// A value leaves `uint64`, where the spec's arithmetic fails too.
    #[error("{what} overflows uint64")]
    Overflow {
        /// The quantity being computed.
        what: &'static str,
    },
    /// An epoch-processing accessor was asked about an epoch other than the previous or the
    /// current one, whose pending attestations the state does not keep.
    #[error("epoch {epoch} is neither the previous nor the current epoch {current}")]
    EpochNotPreviousOrCurrent {
        /// The epoch asked for.
        epoch: Epoch,
        /// The state's current epoch.
        current: Epoch,
    },
    /// A pending attestation records an inclusion delay of zero, by which the spec divides.
    #[error("a pending attestation has an inclusion delay of zero")]
    ZeroInclusionDelay,
    /// A slot or epoch helper failed.
    #[error(transparent)]
    Math(#[from] MathError),
    /// A shuffle, committee or proposer computation failed.
    #[error(transparent)]
    Shuffle(#[from] ShuffleError),
}
