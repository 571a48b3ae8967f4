//! Why a duty could not be computed.

use primitives::bls::BlsError;
use primitives::math::MathError;
use primitives::types::{Epoch, Slot, ValidatorIndex};

use crate::BeaconStateError;
use crate::shard_transition::ShardTransitionError;

/// A failure of a validator duty function.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DutyError {
    /// Committee assignments are known at most one epoch ahead of the state.
    #[error("epoch {epoch} is past the next epoch {next_epoch}")]
    EpochTooFarAhead {
        /// The epoch asked for.
        epoch: Epoch,
        /// The state's next epoch.
        next_epoch: Epoch,
    },
    /// Beacon proposers are only known for the state's current epoch.
    #[error("slot {slot} is not in the state's current epoch {current}")]
    SlotNotInCurrentEpoch {
        /// The slot asked for.
        slot: Slot,
        /// The state's current epoch.
        current: Epoch,
    },
    /// The validator is not a member of the committee it was to sign for.
    #[error("validator {validator_index} is not in the committee")]
    NotInCommittee {
        /// The validator.
        validator_index: ValidatorIndex,
    },
    /// `bls.Aggregate` of no signature.
    #[error("no signature to aggregate")]
    NothingToAggregate,
    /// A signature to aggregate is not a valid point.
    #[error(transparent)]
    Bls(#[from] BlsError),
    /// The attester's shard transition could not be built from its shard blocks.
    #[error(transparent)]
    ShardTransition(#[from] ShardTransitionError),
    /// The state could not answer.
    #[error(transparent)]
    State(#[from] BeaconStateError),
}

impl From<MathError> for DutyError {
    fn from(error: MathError) -> Self {
        Self::State(error.into())
    }
}
