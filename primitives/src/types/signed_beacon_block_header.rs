//! `SignedBeaconBlockHeader` (phase 0 beacon chain).

use serde::{Deserialize, Serialize};
use ssz_derive::{Decode, Encode};
use tree_hash_derive::TreeHash;

use crate::types::{BeaconBlockHeader, SignatureBytes};

/// `SignedBeaconBlockHeader`: a beacon block header and its proposer's signature.
#[derive(
    Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, Encode, Decode, TreeHash,
)]
pub struct SignedBeaconBlockHeader {
    /// The header.
    pub message: BeaconBlockHeader,
    /// The proposer's signature.
    pub signature: SignatureBytes,
}
