//! `CustodyChunkResponse` (phase 1 custody game).

use serde::{Deserialize, Serialize};
use ssz_derive::{Decode, Encode};
use ssz_types::FixedVector;
use tree_hash_derive::TreeHash;

use crate::EthSpec;
use crate::types::Root;

/// `CustodyChunkResponse`: a chunk with its Merkle branch, answering a chunk challenge.
#[derive(
    Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, Encode, Decode, TreeHash,
)]
#[serde(bound = "E: EthSpec")]
pub struct CustodyChunkResponse<E: EthSpec> {
    /// The challenge answered.
    #[serde(with = "serde_utils::quoted_u64")]
    pub challenge_index: u64,
    /// Index of the chunk.
    #[serde(with = "serde_utils::quoted_u64")]
    pub chunk_index: u64,
    /// The chunk.
    #[serde(with = "ssz_types::serde_utils::hex_fixed_vec")]
    pub chunk: FixedVector<u8, E::BytesPerCustodyChunk>,
    /// Merkle branch of the chunk.
    pub branch: FixedVector<Root, E::CustodyResponseDepthPlusOne>,
}
