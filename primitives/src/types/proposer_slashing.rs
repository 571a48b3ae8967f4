//! `ProposerSlashing` (phase 0 beacon chain).

use serde::{Deserialize, Serialize};
use ssz_derive::{Decode, Encode};
use tree_hash_derive::TreeHash;

use crate::types::SignedBeaconBlockHeader;

/// `ProposerSlashing`: two conflicting headers signed by one proposer for one slot.
#[derive(
    Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, Encode, Decode, TreeHash,
)]
pub struct ProposerSlashing {
    /// The first header.
    pub signed_header_1: SignedBeaconBlockHeader,
    /// The second header.
    pub signed_header_2: SignedBeaconBlockHeader,
}
