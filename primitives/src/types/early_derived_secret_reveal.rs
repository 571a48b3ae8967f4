//! `EarlyDerivedSecretReveal` (phase 1 custody game).

use serde::{Deserialize, Serialize};
use ssz_derive::{Decode, Encode};
use tree_hash_derive::TreeHash;

use crate::types::{Bytes32, Epoch, SignatureBytes, ValidatorIndex};

/// `EarlyDerivedSecretReveal`: a punishable early reveal of a validator's derived secret.
#[derive(
    Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, Encode, Decode, TreeHash,
)]
pub struct EarlyDerivedSecretReveal {
    /// The validator whose secret is revealed.
    #[serde(with = "serde_utils::quoted_u64")]
    pub revealed_index: ValidatorIndex,
    /// RANDAO epoch of the revealed secret.
    #[serde(with = "serde_utils::quoted_u64")]
    pub epoch: Epoch,
    /// The reveal (a masked signature).
    pub reveal: SignatureBytes,
    /// The whistleblower.
    #[serde(with = "serde_utils::quoted_u64")]
    pub masker_index: ValidatorIndex,
    /// Mask that hides the reveal from thieves.
    pub mask: Bytes32,
}
