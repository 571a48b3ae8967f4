//! `ShardBlockHeader` (phase 1 beacon chain).

use serde::{Deserialize, Serialize};
use ssz_derive::{Decode, Encode};
use tree_hash_derive::TreeHash;

use crate::types::{Root, Shard, Slot, ValidatorIndex};

/// `ShardBlockHeader`: a shard block with its body replaced by the body's root.
#[derive(
    Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, Encode, Decode, TreeHash,
)]
pub struct ShardBlockHeader {
    /// Root of the parent shard block.
    pub shard_parent_root: Root,
    /// Root of the beacon block it builds on.
    pub beacon_parent_root: Root,
    /// The block's slot.
    #[serde(with = "serde_utils::quoted_u64")]
    pub slot: Slot,
    /// The block's shard.
    #[serde(with = "serde_utils::quoted_u64")]
    pub shard: Shard,
    /// The proposer.
    #[serde(with = "serde_utils::quoted_u64")]
    pub proposer_index: ValidatorIndex,
    /// Root of the body.
    pub body_root: Root,
}
