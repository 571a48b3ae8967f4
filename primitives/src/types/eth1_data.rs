//! `Eth1Data` (phase 0 beacon chain).

use serde::{Deserialize, Serialize};
use ssz_derive::{Decode, Encode};
use tree_hash_derive::TreeHash;

use crate::types::{Bytes32, Root};

/// `Eth1Data`: a vote on the deposit contract's state.
#[derive(
    Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, Encode, Decode, TreeHash,
)]
pub struct Eth1Data {
    /// Root of the deposit tree.
    pub deposit_root: Root,
    /// Number of deposits in the tree.
    #[serde(with = "serde_utils::quoted_u64")]
    pub deposit_count: u64,
    /// The eth1 block the vote refers to.
    pub block_hash: Bytes32,
}
