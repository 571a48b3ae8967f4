//! `ShardState` (phase 1 beacon chain).

use serde::{Deserialize, Serialize};
use ssz_derive::{Decode, Encode};
use tree_hash_derive::TreeHash;

use crate::types::{Gwei, Root, Slot};

/// `ShardState`: the state of a shard after a block.
#[derive(
    Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, Encode, Decode, TreeHash,
)]
pub struct ShardState {
    /// Slot of the latest block.
    #[serde(with = "serde_utils::quoted_u64")]
    pub slot: Slot,
    /// The shard's gas price.
    #[serde(with = "serde_utils::quoted_u64")]
    pub gasprice: Gwei,
    /// Root of the latest block.
    pub latest_block_root: Root,
}
