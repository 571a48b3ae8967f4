//! `SignedCustodySlashing` (phase 1 custody game).

use serde::{Deserialize, Serialize};
use ssz_derive::{Decode, Encode};
use tree_hash_derive::TreeHash;

use crate::EthSpec;
use crate::types::{CustodySlashing, SignatureBytes};

/// `SignedCustodySlashing`: a custody slashing and the whistleblower's signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Encode, Decode, TreeHash)]
#[serde(bound = "E: EthSpec")]
pub struct SignedCustodySlashing<E: EthSpec> {
    /// The slashing.
    pub message: CustodySlashing<E>,
    /// The whistleblower's signature.
    pub signature: SignatureBytes,
}
