//! Why a custody game helper fails, and why a custody game operation is invalid.

use primitives::bls::BlsError;
use primitives::types::{Epoch, Root, ValidatorIndex};

use crate::BeaconStateError;
use crate::accessors::IndexedAttestationInvalid;
use crate::per_block::OperationError;
use crate::signatures::SignatureInvalid;

/// A failure of a custody game helper (`legendre_bit`, `get_custody_secrets`, ...).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CustodyError {
    /// `legendre_bit` needs an odd modulus.
    #[error("legendre_bit needs an odd modulus")]
    EvenModulus,
    /// The custody key is no point of G2.
    #[error("custody key: {0}")]
    BadKey(BlsError),
    /// The configuration makes a custody constant unusable (zero, or beyond the machine's
    /// sizes).
    #[error("unusable custody constant {what}")]
    BadConstant {
        /// The constant.
        what: &'static str,
    },
}

/// Why a custody chunk challenge is invalid (`process_chunk_challenge`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChunkChallengeInvalid {
    /// The attestation's bits do not fit its committee.
    #[error("{bits} aggregation bits for a committee of {committee}")]
    BitsLengthMismatch {
        /// The number of bits.
        bits: usize,
        /// The committee's size.
        committee: usize,
    },
    /// The attestation is not a valid indexed attestation.
    #[error("attestation: {0}")]
    IndexedAttestationInvalid(IndexedAttestationInvalid),
    /// The attestation's target is more than `MAX_CHUNK_CHALLENGE_DELAY` epochs old.
    #[error("attestation of target epoch {target} is too old to challenge")]
    AttestationTooOld {
        /// The attestation's target epoch.
        target: Epoch,
    },
    /// The responder is not in the registry.
    #[error("responder {index} is not in the registry")]
    UnknownResponder {
        /// The responder.
        index: ValidatorIndex,
    },
    /// The responder exited more than `MAX_CHUNK_CHALLENGE_DELAY` epochs ago.
    #[error("responder {index} exited at epoch {exit_epoch}, too long ago to challenge")]
    ResponderExitedTooLongAgo {
        /// The responder.
        index: ValidatorIndex,
        /// Its exit epoch.
        exit_epoch: Epoch,
    },
    /// The responder cannot be slashed now.
    #[error("responder {index} is not slashable")]
    ResponderNotSlashable {
        /// The responder.
        index: ValidatorIndex,
    },
    /// The responder did not attest.
    #[error("responder {index} is not among the attesters")]
    ResponderNotAttester {
        /// The responder.
        index: ValidatorIndex,
    },
    /// The shard transition is not the one the attestation names.
    #[error("the shard transition is not the attested one")]
    WrongShardTransition,
    /// The data index is beyond the shard transition's blocks.
    #[error("data index {data_index} is beyond the shard transition's blocks")]
    BadDataIndex {
        /// The challenge's data index.
        data_index: u64,
    },
    /// The same chunk of the same data is challenged already.
    #[error("chunk {chunk_index} of data {data_root} is challenged already")]
    Duplicate {
        /// The data root.
        data_root: Root,
        /// The chunk.
        chunk_index: u64,
    },
    /// The chunk index is beyond the shard block's chunks.
    #[error("chunk {chunk_index} is beyond the {chunks} chunks of the shard block")]
    BadChunkIndex {
        /// The challenge's chunk index.
        chunk_index: u64,
        /// The shard block's chunk count.
        chunks: u64,
    },
}

/// Why a custody chunk response is invalid (`process_chunk_challenge_response`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChunkResponseInvalid {
    /// Not exactly one open challenge has the response's challenge index.
    #[error("{matches} open challenges have index {challenge_index}")]
    NoSingleChallenge {
        /// The response's challenge index.
        challenge_index: u64,
        /// How many records match.
        matches: usize,
    },
    /// The response answers another chunk than the challenged one.
    #[error("chunk {response} answers the challenge of chunk {challenge}")]
    WrongChunkIndex {
        /// The response's chunk index.
        response: u64,
        /// The challenge's chunk index.
        challenge: u64,
    },
    /// The chunk's Merkle branch does not lead to the challenged data root.
    #[error("the chunk's Merkle branch does not lead to the data root")]
    BadMerkleProof,
}

/// Why a custody key reveal is invalid (`process_custody_key_reveal`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CustodyKeyRevealInvalid {
    /// The revealer is not in the registry.
    #[error("revealer {index} is not in the registry")]
    UnknownRevealer {
        /// The revealer.
        index: ValidatorIndex,
    },
    /// The period to reveal is neither past nor the exit period of an exited validator.
    #[error("validator {index} may not reveal the secret of period {period} yet")]
    NotRevealable {
        /// The revealer.
        index: ValidatorIndex,
        /// Its next secret's period.
        period: u64,
    },
    /// The revealer is slashed, not yet active or withdrawable.
    #[error("revealer {index} is not slashable")]
    RevealerNotSlashable {
        /// The revealer.
        index: ValidatorIndex,
    },
    /// The reveal's signature is refused.
    #[error("signature: {0}")]
    BadSignature(SignatureInvalid),
}

/// Why an early derived secret reveal is invalid (`process_early_derived_secret_reveal`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EarlyRevealInvalid {
    /// The revealed validator is not in the registry.
    #[error("validator {index} is not in the registry")]
    UnknownValidator {
        /// The validator.
        index: ValidatorIndex,
    },
    /// The revealed epoch is not early enough to be punished.
    #[error("epoch {epoch} is before the current epoch + RANDAO_PENALTY_EPOCHS")]
    NotEarly {
        /// The revealed epoch.
        epoch: Epoch,
    },
    /// The revealed epoch is too far in the future to be tracked.
    #[error("epoch {epoch} is too far in the future")]
    TooFarInFuture {
        /// The revealed epoch.
        epoch: Epoch,
    },
    /// The revealed validator is slashed already.
    #[error("validator {index} is slashed")]
    RevealedSlashed {
        /// The validator.
        index: ValidatorIndex,
    },
    /// The secret was exposed already.
    #[error("the secret of validator {index} for epoch {epoch} was exposed already")]
    AlreadyExposed {
        /// The validator.
        index: ValidatorIndex,
        /// The revealed epoch.
        epoch: Epoch,
    },
    /// The reveal's aggregate signature is refused.
    #[error("signature: {0}")]
    BadSignature(SignatureInvalid),
}

/// Why a custody slashing is invalid (`process_custody_slashing`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CustodySlashingInvalid {
    /// The whistleblower or the malefactor is not in the registry.
    #[error("validator {index} is not in the registry")]
    UnknownValidator {
        /// The validator.
        index: ValidatorIndex,
    },
    /// The whistleblower's signature is refused.
    #[error("whistleblower signature: {0}")]
    BadSignature(SignatureInvalid),
    /// The whistleblower cannot be slashed now.
    #[error("whistleblower {index} is not slashable")]
    WhistleblowerNotSlashable {
        /// The whistleblower.
        index: ValidatorIndex,
    },
    /// The malefactor cannot be slashed now.
    #[error("malefactor {index} is not slashable")]
    MalefactorNotSlashable {
        /// The malefactor.
        index: ValidatorIndex,
    },
    /// The attestation's bits do not fit its committee.
    #[error("{bits} aggregation bits for a committee of {committee}")]
    BitsLengthMismatch {
        /// The number of bits.
        bits: usize,
        /// The committee's size.
        committee: usize,
    },
    /// The attestation is not a valid indexed attestation.
    #[error("attestation: {0}")]
    IndexedAttestationInvalid(IndexedAttestationInvalid),
    /// The shard transition is not the one the attestation names.
    #[error("the shard transition is not the attested one")]
    WrongShardTransition,
    /// The data index is beyond the shard transition's blocks.
    #[error("data index {data_index} is beyond the shard transition's blocks")]
    BadDataIndex {
        /// The slashing's data index.
        data_index: u64,
    },
    /// The data is not the shard block's (length or root).
    #[error("the data is not the shard block's")]
    WrongData,
    /// The malefactor did not attest.
    #[error("malefactor {index} is not among the attesters")]
    MalefactorNotAttester {
        /// The malefactor.
        index: ValidatorIndex,
    },
    /// The malefactor's custody secret is refused.
    #[error("malefactor secret: {0}")]
    BadMalefactorSecret(SignatureInvalid),
    /// The custody secret is not a key the custody bit can be computed with.
    #[error("custody bit: {0}")]
    CustodyBit(CustodyError),
    /// The malefactor is the committee's only member, so no one shares the reward.
    #[error("the malefactor is alone in its committee")]
    NoOtherCommitteeMember,
}

/// Why a block's custody game operations are invalid, naming the operation and its position.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CustodyOperationError {
    /// A chunk challenge is invalid.
    #[error("chunk challenge {index}: {reason}")]
    ChunkChallengeInvalid {
        /// Its position in the block.
        index: usize,
        /// Why.
        reason: ChunkChallengeInvalid,
    },
    /// A chunk challenge response is invalid.
    #[error("chunk challenge response {index}: {reason}")]
    ChunkResponseInvalid {
        /// Its position in the block.
        index: usize,
        /// Why.
        reason: ChunkResponseInvalid,
    },
    /// A custody key reveal is invalid.
    #[error("custody key reveal {index}: {reason}")]
    CustodyKeyRevealInvalid {
        /// Its position in the block.
        index: usize,
        /// Why.
        reason: CustodyKeyRevealInvalid,
    },
    /// An early derived secret reveal is invalid.
    #[error("early derived secret reveal {index}: {reason}")]
    EarlyRevealInvalid {
        /// Its position in the block.
        index: usize,
        /// Why.
        reason: EarlyRevealInvalid,
    },
    /// A custody slashing is invalid.
    #[error("custody slashing {index}: {reason}")]
    CustodySlashingInvalid {
        /// Its position in the block.
        index: usize,
        /// Why.
        reason: CustodySlashingInvalid,
    },
    /// An accessor or mutator failed on the state.
    #[error("beacon state: {0}")]
    BeaconState(#[from] BeaconStateError),
}

impl CustodyOperationError {
    /// Whether the block's sender is at fault (its content breaks a rule), as opposed to a
    /// state this node could not process.
    pub fn is_bad_data(&self) -> bool {
        !matches!(self, Self::BeaconState(_))
    }

    /// The error of chunk challenge `index`.
    pub fn chunk_challenge(index: usize, error: OperationError<ChunkChallengeInvalid>) -> Self {
        match error {
            OperationError::Invalid(reason) => Self::ChunkChallengeInvalid { index, reason },
            OperationError::State(e) => Self::BeaconState(e),
        }
    }

    /// The error of chunk challenge response `index`.
    pub fn chunk_response(index: usize, error: OperationError<ChunkResponseInvalid>) -> Self {
        match error {
            OperationError::Invalid(reason) => Self::ChunkResponseInvalid { index, reason },
            OperationError::State(e) => Self::BeaconState(e),
        }
    }

    /// The error of custody key reveal `index`.
    pub fn custody_key_reveal(
        index: usize,
        error: OperationError<CustodyKeyRevealInvalid>,
    ) -> Self {
        match error {
            OperationError::Invalid(reason) => Self::CustodyKeyRevealInvalid { index, reason },
            OperationError::State(e) => Self::BeaconState(e),
        }
    }

    /// The error of early derived secret reveal `index`.
    pub fn early_reveal(index: usize, error: OperationError<EarlyRevealInvalid>) -> Self {
        match error {
            OperationError::Invalid(reason) => Self::EarlyRevealInvalid { index, reason },
            OperationError::State(e) => Self::BeaconState(e),
        }
    }

    /// The error of custody slashing `index`.
    pub fn custody_slashing(index: usize, error: OperationError<CustodySlashingInvalid>) -> Self {
        match error {
            OperationError::Invalid(reason) => Self::CustodySlashingInvalid { index, reason },
            OperationError::State(e) => Self::BeaconState(e),
        }
    }
}
