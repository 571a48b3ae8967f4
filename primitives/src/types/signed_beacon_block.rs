//! `SignedBeaconBlock` (phase 1 beacon chain).

use serde::{Deserialize, Serialize};
use ssz_derive::{Decode, Encode};
use tree_hash_derive::TreeHash;

use crate::EthSpec;
use crate::types::{BeaconBlock, SignatureBytes};

/// `SignedBeaconBlock`: a beacon block and its proposer's signature.
#[derive(
    Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, Encode, Decode, TreeHash,
)]
#[serde(bound = "E: EthSpec")]
pub struct SignedBeaconBlock<E: EthSpec> {
    /// The block.
    pub message: BeaconBlock<E>,
    /// The proposer's signature.
    pub signature: SignatureBytes,
}
