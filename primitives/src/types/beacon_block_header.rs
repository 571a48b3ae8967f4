//! `BeaconBlockHeader` (phase 0 beacon chain).

use serde::{Deserialize, Serialize};
use ssz_derive::{Decode, Encode};
use tree_hash_derive::TreeHash;

use crate::types::{Root, Slot, ValidatorIndex};

/// `BeaconBlockHeader`: a beacon block with its body replaced by the body's root.
#[derive(
    Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, Encode, Decode, TreeHash,
)]
pub struct BeaconBlockHeader {
    /// The block's slot.
    #[serde(with = "serde_utils::quoted_u64")]
    pub slot: Slot,
    /// The proposer.
    #[serde(with = "serde_utils::quoted_u64")]
    pub proposer_index: ValidatorIndex,
    /// Root of the parent block.
    pub parent_root: Root,
    /// Root of the post-state.
    pub state_root: Root,
    /// Root of the block body.
    pub body_root: Root,
}
