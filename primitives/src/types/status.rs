//! `Status` (phase 0 p2p interface).

use serde::{Deserialize, Serialize};
use ssz_derive::{Decode, Encode};
use tree_hash_derive::TreeHash;

use crate::types::{Epoch, ForkDigest, Root, Slot};

/// `Status`: the `Status` request and response of the req/resp protocol.
#[derive(
    Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, Encode, Decode, TreeHash,
)]
pub struct Status {
    /// Digest of the sender's current fork.
    #[serde(with = "serde_utils::bytes_4_hex")]
    pub fork_digest: ForkDigest,
    /// Root of the sender's finalized checkpoint.
    pub finalized_root: Root,
    /// Epoch of the sender's finalized checkpoint.
    #[serde(with = "serde_utils::quoted_u64")]
    pub finalized_epoch: Epoch,
    /// Root of the sender's head block.
    pub head_root: Root,
    /// Slot of the sender's head block.
    #[serde(with = "serde_utils::quoted_u64")]
    pub head_slot: Slot,
}
