//! `SigningData` (phase 0 beacon chain).

use serde::{Deserialize, Serialize};
use ssz_derive::{Decode, Encode};
use tree_hash_derive::TreeHash;

use crate::types::{Domain, Root};

/// `SigningData`: what a signature signs: an object's root bound to a domain.
#[derive(
    Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, Encode, Decode, TreeHash,
)]
pub struct SigningData {
    /// `hash_tree_root` of the signed object.
    pub object_root: Root,
    /// The signature domain.
    pub domain: Domain,
}
