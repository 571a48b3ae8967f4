//! `SignedLightAggregateAndProof` (phase 1 validator guide).

use serde::{Deserialize, Serialize};
use ssz_derive::{Decode, Encode};
use tree_hash_derive::TreeHash;

use crate::EthSpec;
use crate::types::{LightAggregateAndProof, SignatureBytes};

/// `SignedLightAggregateAndProof`: a `LightAggregateAndProof` and the aggregator's signature.
#[derive(
    Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, Encode, Decode, TreeHash,
)]
#[serde(bound = "E: EthSpec")]
pub struct SignedLightAggregateAndProof<E: EthSpec> {
    /// The aggregate and proof.
    pub message: LightAggregateAndProof<E>,
    /// The aggregator's signature.
    pub signature: SignatureBytes,
}
