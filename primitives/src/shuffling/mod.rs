//! The swap-or-not shuffle of the spec, beacon committees and proposer selection.
//!
//! [`compute_shuffled_index`] is the spec's one-index form; [`shuffle_list`] applies the same
//! permutation to a whole list in one pass per round, which is what a node uses: a
//! [`CommitteeShuffling`] shuffles an epoch's active validators once and slices every committee
//! of the epoch out of that list.

mod committee;
mod proposer;
mod round;
mod shuffle_list;
mod shuffled_index;

pub use committee::{CommitteeShuffling, compute_committee};
pub use proposer::{MAX_RANDOM_BYTE, compute_proposer_index};
pub use shuffle_list::shuffle_list;
pub use shuffled_index::compute_shuffled_index;

use crate::types::{Epoch, Slot, ValidatorIndex};

/// The most rounds a shuffle may have: the spec writes the round number as a `uint8`.
pub const MAX_SHUFFLE_ROUND_COUNT: u64 = 256;

/// The longest list the shuffle can permute: the spec writes `position // 256` as a `uint32`.
pub const MAX_SHUFFLE_LIST_SIZE: u64 = 1 << 40;

/// Why a shuffle, a committee or a proposer could not be computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ShuffleError {
    /// `compute_shuffled_index` was asked for an index outside the list.
    #[error("index {index} is outside a list of {index_count}")]
    IndexOutOfRange {
        /// The index asked for.
        index: u64,
        /// The list's length.
        index_count: u64,
    },
    /// More rounds than a `uint8` round number can name.
    #[error("{rounds} shuffle rounds exceed the maximum of {MAX_SHUFFLE_ROUND_COUNT}")]
    TooManyRounds {
        /// The rounds asked for.
        rounds: u64,
    },
    /// A list longer than [`MAX_SHUFFLE_LIST_SIZE`].
    #[error("a list of {len} exceeds the shuffle's maximum of {MAX_SHUFFLE_LIST_SIZE}")]
    ListTooLong {
        /// The list's length.
        len: u64,
    },
    /// A committee count of zero.
    #[error("the committee count is zero")]
    ZeroCommitteeCount,
    /// A committee index not below the committee count.
    #[error("committee {index} is outside a count of {count}")]
    CommitteeIndexOutOfRange {
        /// The committee index.
        index: u64,
        /// The number of committees.
        count: u64,
    },
    /// A slot outside the epoch a [`CommitteeShuffling`] was built for.
    #[error("slot {slot} is not in epoch {epoch}")]
    SlotNotInEpoch {
        /// The slot asked for.
        slot: Slot,
        /// The shuffling's epoch.
        epoch: Epoch,
    },
    /// `SLOTS_PER_EPOCH` is zero.
    #[error("SLOTS_PER_EPOCH is zero")]
    ZeroSlotsPerEpoch,
    /// `compute_proposer_index` was given no candidates.
    #[error("no validator to choose a proposer from")]
    NoCandidates,
    /// The effective balance of a candidate is unknown.
    #[error("no effective balance for validator {index}")]
    UnknownValidator {
        /// The candidate's validator index.
        index: ValidatorIndex,
    },
    /// A value leaves `uint64`, where the spec's arithmetic would fail too.
    #[error("{what} overflows uint64")]
    Overflow {
        /// The quantity being computed.
        what: &'static str,
    },
}

/// Refuses round counts and list sizes the spec's encoding cannot express.
fn check_bounds(rounds: u64, len: u64) -> Result<(), ShuffleError> {
    if rounds > MAX_SHUFFLE_ROUND_COUNT {
        return Err(ShuffleError::TooManyRounds { rounds });
    }
    if len > MAX_SHUFFLE_LIST_SIZE {
        return Err(ShuffleError::ListTooLong { len });
    }
    Ok(())
}
