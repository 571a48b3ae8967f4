//! `ENRForkID` (phase 0 p2p interface).

use serde::{Deserialize, Serialize};
use ssz_derive::{Decode, Encode};
use tree_hash_derive::TreeHash;

use crate::types::{Epoch, ForkDigest, Version};

/// `ENRForkID`: the fork identity that a node record carries in its `eth2` field.
#[derive(
    Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, Encode, Decode, TreeHash,
)]
pub struct EnrForkId {
    /// Digest of the current fork.
    #[serde(with = "serde_utils::bytes_4_hex")]
    pub fork_digest: ForkDigest,
    /// Version of the next scheduled fork.
    #[serde(with = "serde_utils::bytes_4_hex")]
    pub next_fork_version: Version,
    /// Epoch of the next scheduled fork (`FAR_FUTURE_EPOCH` if none).
    #[serde(with = "serde_utils::quoted_u64")]
    pub next_fork_epoch: Epoch,
}
