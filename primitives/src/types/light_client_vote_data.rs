//! `LightClientVoteData` (phase 1 validator guide).

use serde::{Deserialize, Serialize};
use ssz_derive::{Decode, Encode};
use tree_hash_derive::TreeHash;

use crate::types::{Root, Slot};

/// `LightClientVoteData`: what a light client committee member votes for.
#[derive(
    Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, Encode, Decode, TreeHash,
)]
pub struct LightClientVoteData {
    /// The slot.
    #[serde(with = "serde_utils::quoted_u64")]
    pub slot: Slot,
    /// The head block root.
    pub beacon_block_root: Root,
}
