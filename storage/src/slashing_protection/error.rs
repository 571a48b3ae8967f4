//! Why a signature was refused, and why an interchange file was.

use primitives::types::{Epoch, PublicKeyBytes, Root, Shard, Slot};

use crate::StoreError;

/// A signing request refused: signing could make the validator slashable, or the database could
/// not say it is safe.
#[derive(Debug, thiserror::Error)]
pub enum NotSafe {
    /// The validator was never registered: there is no history to check against.
    #[error("validator {0} is not registered for slashing protection")]
    UnregisteredValidator(PublicKeyBytes),
    /// A different beacon block (or one of unknown signing root) was signed at this slot.
    #[error("double block proposal at slot {slot} (signed before: {previous:?})")]
    DoubleBlockProposal {
        /// The slot.
        slot: Slot,
        /// Signing root of the block signed before, when known.
        previous: Option<Root>,
    },
    /// The slot is at or below the highest slot of an imported history.
    #[error("block at slot {slot}, not above the imported watermark {watermark}")]
    SlotNotAboveWatermark {
        /// The slot.
        slot: Slot,
        /// The highest imported block slot.
        watermark: Slot,
    },
    /// The slot is below every slot in the validator's history (EIP-3076: nothing below the
    /// lowest recorded slot is signed, since older history may have been pruned or not
    /// imported).
    #[error("block at slot {slot}, below the lowest recorded slot {lowest}")]
    SlotBelowHistory {
        /// The slot.
        slot: Slot,
        /// The lowest recorded block slot.
        lowest: Slot,
    },
    /// A different shard block (or one of unknown signing root) was signed at this shard and
    /// slot.
    #[error(
        "double shard block proposal on shard {shard} at slot {slot} (signed before: {previous:?})"
    )]
    DoubleShardBlockProposal {
        /// The shard.
        shard: Shard,
        /// The slot.
        slot: Slot,
        /// Signing root of the shard block signed before, when known.
        previous: Option<Root>,
    },
    /// The slot is below every slot of the validator's shard blocks on this shard.
    #[error("shard block on shard {shard} at slot {slot}, below the lowest recorded slot {lowest}")]
    ShardSlotBelowHistory {
        /// The shard.
        shard: Shard,
        /// The slot.
        slot: Slot,
        /// The lowest recorded slot on this shard.
        lowest: Slot,
    },
    /// A different attestation (or one of unknown signing root) was signed for this target.
    #[error("double vote for target epoch {target_epoch} (signed before: {previous:?})")]
    DoubleVote {
        /// The target epoch.
        target_epoch: Epoch,
        /// Signing root of the attestation signed before, when known.
        previous: Option<Root>,
    },
    /// The attestation would surround one signed before.
    #[error(
        "attestation {source_epoch}->{target_epoch} surrounds the signed {previous_source}->{previous_target}"
    )]
    SurroundingVote {
        /// The new source epoch.
        source_epoch: Epoch,
        /// The new target epoch.
        target_epoch: Epoch,
        /// Source of the surrounded attestation.
        previous_source: Epoch,
        /// Target of the surrounded attestation.
        previous_target: Epoch,
    },
    /// The attestation would be surrounded by one signed before.
    #[error(
        "attestation {source_epoch}->{target_epoch} is surrounded by the signed {previous_source}->{previous_target}"
    )]
    SurroundedVote {
        /// The new source epoch.
        source_epoch: Epoch,
        /// The new target epoch.
        target_epoch: Epoch,
        /// Source of the surrounding attestation.
        previous_source: Epoch,
        /// Target of the surrounding attestation.
        previous_target: Epoch,
    },
    /// The source epoch is after the target epoch: no honest attestation looks like that.
    #[error("attestation source {source_epoch} after its target {target_epoch}")]
    SourceAfterTarget {
        /// The source epoch.
        source_epoch: Epoch,
        /// The target epoch.
        target_epoch: Epoch,
    },
    /// The source epoch is below the highest source of an imported history.
    #[error("attestation source {source_epoch} below the imported watermark {watermark}")]
    SourceBelowWatermark {
        /// The source epoch.
        source_epoch: Epoch,
        /// The highest imported source epoch.
        watermark: Epoch,
    },
    /// The target epoch is at or below the highest target of an imported history.
    #[error("attestation target {target_epoch} not above the imported watermark {watermark}")]
    TargetNotAboveWatermark {
        /// The target epoch.
        target_epoch: Epoch,
        /// The highest imported target epoch.
        watermark: Epoch,
    },
    /// The source epoch is below every source in the validator's attestation history.
    #[error("attestation source {source_epoch} below the lowest recorded source {lowest}")]
    SourceBelowHistory {
        /// The source epoch.
        source_epoch: Epoch,
        /// The lowest recorded source epoch.
        lowest: Epoch,
    },
    /// The target epoch is below every target in the validator's attestation history.
    #[error("attestation target {target_epoch} below the lowest recorded target {lowest}")]
    TargetBelowHistory {
        /// The target epoch.
        target_epoch: Epoch,
        /// The lowest recorded target epoch.
        lowest: Epoch,
    },
    /// The database failed; nothing may be signed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// An EIP-3076 interchange file refused, or a failure while importing or exporting one. A
/// refused import changes nothing.
#[derive(Debug, thiserror::Error)]
pub enum InterchangeError {
    /// The JSON does not parse as interchange format v5.
    #[error("invalid interchange JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// Another format version than 5.
    #[error("interchange format version {0} is not supported (only 5)")]
    UnsupportedVersion(u64),
    /// The file is for another chain.
    #[error("interchange is for genesis_validators_root {found}, this chain's is {expected}")]
    GenesisValidatorsRootMismatch {
        /// This chain's root.
        expected: Root,
        /// The file's root.
        found: Root,
    },
    /// An attestation whose source is after its target.
    #[error("validator {pubkey}: attestation source {source_epoch} after target {target_epoch}")]
    SourceAfterTarget {
        /// The validator.
        pubkey: PublicKeyBytes,
        /// The source epoch.
        source_epoch: Epoch,
        /// The target epoch.
        target_epoch: Epoch,
    },
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}
