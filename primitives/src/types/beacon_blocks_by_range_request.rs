//! `BeaconBlocksByRangeRequest` (phase 0 p2p interface).

use serde::{Deserialize, Serialize};
use ssz_derive::{Decode, Encode};
use tree_hash_derive::TreeHash;

use crate::types::Slot;

/// `BeaconBlocksByRangeRequest`: the `BeaconBlocksByRange` request.
#[derive(
    Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, Encode, Decode, TreeHash,
)]
pub struct BeaconBlocksByRangeRequest {
    /// The first slot asked for.
    #[serde(with = "serde_utils::quoted_u64")]
    pub start_slot: Slot,
    /// How many slots' blocks are asked for.
    #[serde(with = "serde_utils::quoted_u64")]
    pub count: u64,
    /// The distance between the slots asked for.
    #[serde(with = "serde_utils::quoted_u64")]
    pub step: u64,
}
