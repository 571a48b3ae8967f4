//! `VoluntaryExit` (phase 0 beacon chain).

use serde::{Deserialize, Serialize};
use ssz_derive::{Decode, Encode};
use tree_hash_derive::TreeHash;

use crate::types::{Epoch, ValidatorIndex};

/// `VoluntaryExit`: a validator's request to exit.
#[derive(
    Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, Encode, Decode, TreeHash,
)]
pub struct VoluntaryExit {
    /// Earliest epoch when the exit can be processed.
    #[serde(with = "serde_utils::quoted_u64")]
    pub epoch: Epoch,
    /// The exiting validator.
    #[serde(with = "serde_utils::quoted_u64")]
    pub validator_index: ValidatorIndex,
}
