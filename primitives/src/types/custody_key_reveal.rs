//! `CustodyKeyReveal` (phase 1 custody game).

use serde::{Deserialize, Serialize};
use ssz_derive::{Decode, Encode};
use tree_hash_derive::TreeHash;

use crate::types::{SignatureBytes, ValidatorIndex};

/// `CustodyKeyReveal`: a validator's reveal of its custody key for a period.
#[derive(
    Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, Encode, Decode, TreeHash,
)]
pub struct CustodyKeyReveal {
    /// The validator whose key is revealed.
    #[serde(with = "serde_utils::quoted_u64")]
    pub revealer_index: ValidatorIndex,
    /// The reveal (a masked signature).
    pub reveal: SignatureBytes,
}
