//! `Eth1Block` (phase 0 validator guide).

use serde::{Deserialize, Serialize};
use ssz_derive::{Decode, Encode};
use tree_hash_derive::TreeHash;

use crate::types::Root;

/// `Eth1Block`: the eth1 block fields that eth1 data voting reads.
#[derive(
    Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, Encode, Decode, TreeHash,
)]
pub struct Eth1Block {
    /// The block's timestamp.
    #[serde(with = "serde_utils::quoted_u64")]
    pub timestamp: u64,
    /// Root of the deposit tree at the block.
    pub deposit_root: Root,
    /// Number of deposits at the block.
    #[serde(with = "serde_utils::quoted_u64")]
    pub deposit_count: u64,
}
