//! `SignedShardBlock` (phase 1 beacon chain).

use serde::{Deserialize, Serialize};
use ssz_derive::{Decode, Encode};
use tree_hash_derive::TreeHash;

use crate::EthSpec;
use crate::types::{ShardBlock, SignatureBytes};

/// `SignedShardBlock`: a shard block and its proposer's signature.
#[derive(
    Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, Encode, Decode, TreeHash,
)]
#[serde(bound = "E: EthSpec")]
pub struct SignedShardBlock<E: EthSpec> {
    /// The block.
    pub message: ShardBlock<E>,
    /// The proposer's signature.
    pub signature: SignatureBytes,
}
