//! `AttestationData` (phase 1 beacon chain).

use serde::{Deserialize, Serialize};
use ssz_derive::{Decode, Encode};
use tree_hash_derive::TreeHash;

use crate::types::{Checkpoint, CommitteeIndex, Root, Shard, Slot};

/// `AttestationData`: what an attestation votes for, with the phase 1 shard vote.
#[derive(
    Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, Encode, Decode, TreeHash,
)]
pub struct AttestationData {
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
    /// The shard voted on.
    #[serde(with = "serde_utils::quoted_u64")]
    pub shard: Shard,
    /// Current-slot shard block root.
    pub shard_head_root: Root,
    /// Root of the `ShardTransition` voted on.
    pub shard_transition_root: Root,
}
