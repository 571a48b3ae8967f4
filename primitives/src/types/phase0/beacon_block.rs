//! `BeaconBlock` (phase 0 beacon chain).

use serde::{Deserialize, Serialize};
use ssz_derive::{Decode, Encode};
use tree_hash_derive::TreeHash;

use super::BeaconBlockBody;
use crate::EthSpec;
use crate::types::{Root, Slot, ValidatorIndex};

/// `BeaconBlock` (phase 0 form): a phase 0 beacon block.
#[derive(
    Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, Encode, Decode, TreeHash,
)]
#[serde(bound = "E: EthSpec")]
pub struct BeaconBlock<E: EthSpec> {
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
    /// The operations.
    pub body: BeaconBlockBody<E>,
}
