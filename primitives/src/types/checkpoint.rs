//! `Checkpoint` (phase 0 beacon chain).

use serde::{Deserialize, Serialize};
use ssz_derive::{Decode, Encode};
use tree_hash_derive::TreeHash;

use crate::types::{Epoch, Root};

/// `Checkpoint`: an epoch and the root of its boundary block.
#[derive(
    Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, Encode, Decode, TreeHash,
)]
pub struct Checkpoint {
    /// The epoch.
    #[serde(with = "serde_utils::quoted_u64")]
    pub epoch: Epoch,
    /// The block root at the epoch's start.
    pub root: Root,
}
