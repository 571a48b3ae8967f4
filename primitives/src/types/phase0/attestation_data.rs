//! `AttestationData` (phase 0 beacon chain).

use serde::{Deserialize, Serialize};
use ssz_derive::{Decode, Encode};
use tree_hash_derive::TreeHash;

use crate::types::{Checkpoint, CommitteeIndex, Root, Slot};

/// `AttestationData` (phase 0 form): what a phase 0 attestation votes for.
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
}
