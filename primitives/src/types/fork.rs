//! `Fork` (phase 0 beacon chain).

use serde::{Deserialize, Serialize};
use ssz_derive::{Decode, Encode};
use tree_hash_derive::TreeHash;

use crate::types::{Epoch, Version};

/// `Fork`: the fork versions in force and the epoch of the latest fork.
#[derive(
    Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, Encode, Decode, TreeHash,
)]
pub struct Fork {
    /// The version before the latest fork.
    #[serde(with = "serde_utils::bytes_4_hex")]
    pub previous_version: Version,
    /// The version since the latest fork.
    #[serde(with = "serde_utils::bytes_4_hex")]
    pub current_version: Version,
    /// Epoch of the latest fork.
    #[serde(with = "serde_utils::quoted_u64")]
    pub epoch: Epoch,
}
