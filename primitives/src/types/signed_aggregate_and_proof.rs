//! `SignedAggregateAndProof` (phase 1 validator guide).

use serde::{Deserialize, Serialize};
use ssz_derive::{Decode, Encode};
use tree_hash_derive::TreeHash;

use crate::EthSpec;
use crate::types::{AggregateAndProof, SignatureBytes};

/// `SignedAggregateAndProof`: an `AggregateAndProof` and the aggregator's signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Encode, Decode, TreeHash)]
#[serde(bound = "E: EthSpec")]
pub struct SignedAggregateAndProof<E: EthSpec> {
    /// The aggregate and proof.
    pub message: AggregateAndProof<E>,
    /// The aggregator's signature.
    pub signature: SignatureBytes,
}
