//! `CustodyChunkChallengeRecord` (phase 1 custody game).

use serde::{Deserialize, Serialize};
use ssz_derive::{Decode, Encode};
use tree_hash_derive::TreeHash;

use crate::types::{Epoch, Root, ValidatorIndex};

/// `CustodyChunkChallengeRecord`: an open custody chunk challenge, as the state records it.
#[derive(
    Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, Encode, Decode, TreeHash,
)]
pub struct CustodyChunkChallengeRecord {
    /// The challenge's index.
    #[serde(with = "serde_utils::quoted_u64")]
    pub challenge_index: u64,
    /// The challenger.
    #[serde(with = "serde_utils::quoted_u64")]
    pub challenger_index: ValidatorIndex,
    /// The challenged validator.
    #[serde(with = "serde_utils::quoted_u64")]
    pub responder_index: ValidatorIndex,
    /// When the challenge was included.
    #[serde(with = "serde_utils::quoted_u64")]
    pub inclusion_epoch: Epoch,
    /// Root of the challenged data.
    pub data_root: Root,
    /// Index of the chunk asked for.
    #[serde(with = "serde_utils::quoted_u64")]
    pub chunk_index: u64,
}
