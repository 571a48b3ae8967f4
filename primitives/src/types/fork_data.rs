//! `ForkData` (phase 0 beacon chain).

use serde::{Deserialize, Serialize};
use ssz_derive::{Decode, Encode};
use tree_hash_derive::TreeHash;

use crate::types::{Root, Version};

/// `ForkData`: what `compute_fork_data_root` hashes.
#[derive(
    Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, Encode, Decode, TreeHash,
)]
pub struct ForkData {
    /// The fork version.
    #[serde(with = "serde_utils::bytes_4_hex")]
    pub current_version: Version,
    /// The chain's genesis validators root.
    pub genesis_validators_root: Root,
}
