//! `ShardBlock` (phase 1 beacon chain).

use serde::{Deserialize, Serialize};
use ssz_derive::{Decode, Encode};
use ssz_types::VariableList;
use tree_hash_derive::TreeHash;

use crate::EthSpec;
use crate::types::{Root, Shard, Slot, ValidatorIndex};

/// `ShardBlock`: a shard block.
#[derive(
    Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, Encode, Decode, TreeHash,
)]
#[serde(bound = "E: EthSpec")]
pub struct ShardBlock<E: EthSpec> {
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
    /// The opaque body.
    #[serde(with = "ssz_types::serde_utils::hex_var_list")]
    pub body: VariableList<u8, E::MaxShardBlockSize>,
}
