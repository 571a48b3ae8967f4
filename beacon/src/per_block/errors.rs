//! Why a block or one of its operations is invalid.

use primitives::types::{Checkpoint, CommitteeIndex, Epoch, Root, Shard, Slot, ValidatorIndex};

use super::light_client_aggregate::LightClientAggregateInvalid;
use super::shard_transitions::ShardTransitionsInvalid;
use crate::BeaconStateError;
use crate::accessors::IndexedAttestationInvalid;
use crate::custody::CustodyOperationError;
use crate::signatures::SignatureInvalid;

/// The failure of one operation: the operation breaks a rule (`Invalid`), or the state could
/// not answer a question the rule asks (`State`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OperationError<R> {
    /// The operation breaks a rule of the spec.
    #[error("{0}")]
    Invalid(R),
    /// An accessor or mutator failed.
    #[error(transparent)]
    State(#[from] BeaconStateError),
}

impl<R> OperationError<R> {
    /// Whether the fault lies with whoever sent the operation.
    pub fn is_bad_data(&self) -> bool {
        matches!(self, Self::Invalid(_))
    }
}

/// Why a block header is invalid (`process_block_header`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HeaderInvalid {
    /// The block's slot is not the state's.
    #[error("block slot {block_slot} is not the state slot {state_slot}")]
    StateSlotMismatch {
        /// The block's slot.
        block_slot: Slot,
        /// The state's slot.
        state_slot: Slot,
    },
    /// The block is not newer than the latest block header.
    #[error("block slot {block_slot} is not after the latest header's {latest_slot}")]
    OlderThanLatestHeader {
        /// The block's slot.
        block_slot: Slot,
        /// The latest header's slot.
        latest_slot: Slot,
    },
    /// The block names another proposer than the state's.
    #[error("proposer {block} is not the slot's proposer {expected}")]
    ProposerIndexMismatch {
        /// The block's proposer index.
        block: ValidatorIndex,
        /// The state's proposer.
        expected: ValidatorIndex,
    },
    /// The parent root is not the latest header's root.
    #[error("parent root {block} is not the latest header's root {expected}")]
    ParentRootMismatch {
        /// The block's parent root.
        block: Root,
        /// The latest header's root.
        expected: Root,
    },
    /// The proposer is slashed.
    #[error("proposer {index} is slashed")]
    ProposerSlashed {
        /// The proposer.
        index: ValidatorIndex,
    },
}

/// Why a proposer slashing is invalid (`process_proposer_slashing`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProposerSlashingInvalid {
    /// The headers are of different slots.
    #[error("header slots differ: {0} and {1}")]
    SlotMismatch(Slot, Slot),
    /// The headers name different proposers.
    #[error("header proposers differ: {0} and {1}")]
    ProposerMismatch(ValidatorIndex, ValidatorIndex),
    /// The headers are the same.
    #[error("the headers are identical")]
    HeadersIdentical,
    /// The proposer is not in the registry.
    #[error("proposer {index} is not in the registry")]
    UnknownProposer {
        /// The proposer.
        index: ValidatorIndex,
    },
    /// The proposer cannot be slashed now.
    #[error("proposer {index} is not slashable")]
    ProposerNotSlashable {
        /// The proposer.
        index: ValidatorIndex,
    },
    /// A header's signature is refused.
    #[error("signature of header {header}: {reason}")]
    BadSignature {
        /// 1 or 2.
        header: u8,
        /// Why.
        reason: SignatureInvalid,
    },
}

/// Why an attestation is invalid (phase 1 `validate_attestation`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AttestationInvalid {
    /// The committee index is not below the committee count of the target epoch.
    #[error("committee index {index} is not below the count {count}")]
    BadCommitteeIndex {
        /// The attestation's committee index.
        index: CommitteeIndex,
        /// The committees per slot.
        count: u64,
    },
    /// The target is neither the previous nor the current epoch.
    #[error("target epoch {target} is neither {previous} nor {current}")]
    BadTargetEpoch {
        /// The target epoch.
        target: Epoch,
        /// The previous epoch.
        previous: Epoch,
        /// The current epoch.
        current: Epoch,
    },
    /// The target epoch is not the epoch of the attested slot.
    #[error("target epoch {target} is not the epoch of slot {slot}")]
    TargetEpochSlotMismatch {
        /// The target epoch.
        target: Epoch,
        /// The attested slot.
        slot: Slot,
    },
    /// Included before `MIN_ATTESTATION_INCLUSION_DELAY` slots have passed.
    #[error("attestation of slot {attestation_slot} included too early at {state_slot}")]
    IncludedTooEarly {
        /// The attested slot.
        attestation_slot: Slot,
        /// The state's slot.
        state_slot: Slot,
    },
    /// Included more than `SLOTS_PER_EPOCH` slots after its slot.
    #[error("attestation of slot {attestation_slot} included too late at {state_slot}")]
    IncludedTooLate {
        /// The attested slot.
        attestation_slot: Slot,
        /// The state's slot.
        state_slot: Slot,
    },
    /// The aggregation bits and the committee differ in length.
    #[error("{bits} aggregation bits for a committee of {committee}")]
    BitsLengthMismatch {
        /// The number of bits.
        bits: usize,
        /// The committee's size.
        committee: usize,
    },
    /// The source is not the justified checkpoint of the target's epoch.
    #[error("source {attestation:?} is not the justified checkpoint {expected:?}")]
    WrongSource {
        /// The attestation's source.
        attestation: Checkpoint,
        /// The state's justified checkpoint.
        expected: Checkpoint,
    },
    /// An on-time attestation votes for another block than the previous slot's.
    #[error("beacon block root {attestation} is not the previous slot's {expected}")]
    WrongBeaconBlockRoot {
        /// The attestation's root.
        attestation: Root,
        /// The previous slot's block root.
        expected: Root,
    },
    /// An on-time attestation names another shard than its committee's.
    #[error("shard {attestation} is not the committee's shard {expected}")]
    WrongShard {
        /// The attestation's shard.
        attestation: Shard,
        /// The committee's shard.
        expected: Shard,
    },
    /// An on-time attestation after genesis has an empty shard transition root, or one at
    /// genesis has a non-empty one.
    #[error("on-time attestation with a shard transition root of the wrong kind")]
    BadOnTimeShardTransitionRoot,
    /// A late attestation is not older than the previous slot.
    #[error("late attestation of slot {attestation_slot} is not before the previous slot")]
    NotDelayed {
        /// The attested slot.
        attestation_slot: Slot,
    },
    /// A late attestation has a shard transition root.
    #[error("late attestation with a shard transition root")]
    LateShardTransitionRoot,
    /// The attestation's indexed form is invalid.
    #[error("indexed attestation: {0}")]
    IndexedAttestationInvalid(IndexedAttestationInvalid),
}

/// Why an attester slashing is invalid (`process_attester_slashing`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AttesterSlashingInvalid {
    /// The two attestations are neither a double vote nor a surround vote.
    #[error("the attestations are not slashable")]
    NotSlashable,
    /// An attestation is not a valid indexed attestation.
    #[error("attestation {attestation}: {reason}")]
    IndexedAttestationInvalid {
        /// 1 or 2.
        attestation: u8,
        /// Why.
        reason: IndexedAttestationInvalid,
    },
    /// No validator attesting to both can be slashed.
    #[error("no slashable validator attests to both")]
    NoSlashableIndices,
}

/// Why a deposit is invalid (`process_deposit`). An invalid proof of possession is not among
/// these: the spec skips such a deposit and the block stays valid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DepositInvalid {
    /// The Merkle proof does not lead to `eth1_data.deposit_root` at the next deposit index.
    #[error("Merkle proof invalid for deposit {deposit_index}")]
    BadMerkleProof {
        /// `state.eth1_deposit_index`.
        deposit_index: u64,
    },
}

/// Why a voluntary exit is invalid (`process_voluntary_exit`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExitInvalid {
    /// The validator is not in the registry.
    #[error("validator {index} is not in the registry")]
    UnknownValidator {
        /// The validator.
        index: ValidatorIndex,
    },
    /// The validator is not active.
    #[error("validator {index} is not active")]
    NotActive {
        /// The validator.
        index: ValidatorIndex,
    },
    /// The validator is exiting already.
    #[error("validator {index} already exits at epoch {exit_epoch}")]
    AlreadyExited {
        /// The validator.
        index: ValidatorIndex,
        /// Its exit epoch.
        exit_epoch: Epoch,
    },
    /// The exit is not valid before its epoch.
    #[error("exit epoch {exit_epoch} is after the current epoch {current_epoch}")]
    FutureEpoch {
        /// The exit's epoch.
        exit_epoch: Epoch,
        /// The current epoch.
        current_epoch: Epoch,
    },
    /// The validator has not been active for `SHARD_COMMITTEE_PERIOD` epochs.
    #[error("validator {index} may not exit before epoch {earliest_exit_epoch}")]
    TooYoungToExit {
        /// The validator.
        index: ValidatorIndex,
        /// `activation_epoch + SHARD_COMMITTEE_PERIOD`.
        earliest_exit_epoch: Epoch,
    },
    /// The signature is refused.
    #[error("signature: {0}")]
    BadSignature(SignatureInvalid),
}

/// Why a block is invalid, naming the operation and its position in the block.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BlockProcessingError {
    /// The header is invalid.
    #[error("block header: {reason}")]
    HeaderInvalid {
        /// Why.
        reason: HeaderInvalid,
    },
    /// The RANDAO reveal is refused.
    #[error("RANDAO reveal: {reason}")]
    RandaoInvalid {
        /// Why.
        reason: SignatureInvalid,
    },
    /// The block does not carry `min(MAX_DEPOSITS, deposit_count - eth1_deposit_index)`
    /// deposits.
    #[error("{found} deposits where {expected} are outstanding")]
    DepositCountMismatch {
        /// The number of deposits the block must carry.
        expected: u64,
        /// The number it carries.
        found: usize,
    },
    /// A proposer slashing is invalid.
    #[error("proposer slashing {index}: {reason}")]
    ProposerSlashingInvalid {
        /// Its position in the block.
        index: usize,
        /// Why.
        reason: ProposerSlashingInvalid,
    },
    /// An attester slashing is invalid.
    #[error("attester slashing {index}: {reason}")]
    AttesterSlashingInvalid {
        /// Its position in the block.
        index: usize,
        /// Why.
        reason: AttesterSlashingInvalid,
    },
    /// An attestation is invalid.
    #[error("attestation {index}: {reason}")]
    AttestationInvalid {
        /// Its position in the block.
        index: usize,
        /// Why.
        reason: AttestationInvalid,
    },
    /// A deposit is invalid.
    #[error("deposit {index}: {reason}")]
    DepositInvalid {
        /// Its position in the block.
        index: usize,
        /// Why.
        reason: DepositInvalid,
    },
    /// A voluntary exit is invalid.
    #[error("voluntary exit {index}: {reason}")]
    ExitInvalid {
        /// Its position in the block.
        index: usize,
        /// Why.
        reason: ExitInvalid,
    },
    /// A custody game operation is invalid, or the state failed it.
    #[error(transparent)]
    Custody(#[from] CustodyOperationError),
    /// The shard transitions are invalid.
    #[error("shard transitions: {reason}")]
    ShardTransitionsInvalid {
        /// Why.
        reason: ShardTransitionsInvalid,
    },
    /// The light client aggregate is invalid.
    #[error("light client aggregate: {reason}")]
    LightClientAggregateInvalid {
        /// Why.
        reason: LightClientAggregateInvalid,
    },
    /// An accessor or mutator failed on the state.
    #[error("beacon state: {0}")]
    BeaconState(#[from] BeaconStateError),
}

impl BlockProcessingError {
    /// Whether the block's sender is at fault (its content breaks a rule), as opposed to a
    /// state this node could not process.
    pub fn is_bad_data(&self) -> bool {
        match self {
            Self::Custody(e) => e.is_bad_data(),
            _ => !matches!(self, Self::BeaconState(_)),
        }
    }

    /// The error of the header.
    pub fn header(error: OperationError<HeaderInvalid>) -> Self {
        match error {
            OperationError::Invalid(reason) => Self::HeaderInvalid { reason },
            OperationError::State(e) => Self::BeaconState(e),
        }
    }

    /// The error of the RANDAO reveal.
    pub fn randao(error: OperationError<SignatureInvalid>) -> Self {
        match error {
            OperationError::Invalid(reason) => Self::RandaoInvalid { reason },
            OperationError::State(e) => Self::BeaconState(e),
        }
    }

    /// The error of proposer slashing `index`.
    pub fn proposer_slashing(index: usize, error: OperationError<ProposerSlashingInvalid>) -> Self {
        match error {
            OperationError::Invalid(reason) => Self::ProposerSlashingInvalid { index, reason },
            OperationError::State(e) => Self::BeaconState(e),
        }
    }

    /// The error of attester slashing `index`.
    pub fn attester_slashing(index: usize, error: OperationError<AttesterSlashingInvalid>) -> Self {
        match error {
            OperationError::Invalid(reason) => Self::AttesterSlashingInvalid { index, reason },
            OperationError::State(e) => Self::BeaconState(e),
        }
    }

    /// The error of attestation `index`.
    pub fn attestation(index: usize, error: OperationError<AttestationInvalid>) -> Self {
        match error {
            OperationError::Invalid(reason) => Self::AttestationInvalid { index, reason },
            OperationError::State(e) => Self::BeaconState(e),
        }
    }

    /// The error of deposit `index`.
    pub fn deposit(index: usize, error: OperationError<DepositInvalid>) -> Self {
        match error {
            OperationError::Invalid(reason) => Self::DepositInvalid { index, reason },
            OperationError::State(e) => Self::BeaconState(e),
        }
    }

    /// The error of voluntary exit `index`.
    pub fn exit(index: usize, error: OperationError<ExitInvalid>) -> Self {
        match error {
            OperationError::Invalid(reason) => Self::ExitInvalid { index, reason },
            OperationError::State(e) => Self::BeaconState(e),
        }
    }

    /// The error of the shard transitions.
    pub fn shard_transitions(error: OperationError<ShardTransitionsInvalid>) -> Self {
        match error {
            OperationError::Invalid(reason) => Self::ShardTransitionsInvalid { reason },
            OperationError::State(e) => Self::BeaconState(e),
        }
    }

    /// The error of the light client aggregate.
    pub fn light_client_aggregate(error: OperationError<LightClientAggregateInvalid>) -> Self {
        match error {
            OperationError::Invalid(reason) => Self::LightClientAggregateInvalid { reason },
            OperationError::State(e) => Self::BeaconState(e),
        }
    }
}
