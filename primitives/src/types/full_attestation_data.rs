//! `FullAttestationData` (phase 1 validator guide).

use serde::{Deserialize, Serialize};
use ssz_derive::{Decode, Encode};
use tree_hash_derive::TreeHash;

use crate::EthSpec;
use crate::types::{Checkpoint, CommitteeIndex, Root, ShardTransition, Slot};

/// `FullAttestationData`: `AttestationData` carrying the whole `ShardTransition` (same root).
#[derive(
    Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, Encode, Decode, TreeHash,
)]
#[serde(bound = "E: EthSpec")]
pub struct FullAttestationData<E: EthSpec> {
    /// The attested slot.
    #[serde(with = "serde_utils::quoted_u64")]
    pub slot: Slot,
    /// The committee's index in the slot.
    #[serde(with = "serde_utils::quoted_u64")]
    pub index: CommitteeIndex,
    /// LMD GHOST vote.
    pub beacon_block_root: Root,
    /// FFG source.
    pub source: Checkpoint,
    /// FFG target.
    pub target: Checkpoint,
    /// Current-slot shard block root.
    pub shard_head_root: Root,
    /// The full shard transition.
    pub shard_transition: ShardTransition<E>,
}
