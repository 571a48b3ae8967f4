//! `AggregateAndProof` (phase 1 validator guide).

use serde::{Deserialize, Serialize};
use ssz_derive::{Decode, Encode};
use tree_hash_derive::TreeHash;

use crate::EthSpec;
use crate::types::{Attestation, SignatureBytes, ValidatorIndex};

/// `AggregateAndProof`: an aggregate attestation with the aggregator's selection proof.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Encode, Decode, TreeHash)]
#[serde(bound = "E: EthSpec")]
pub struct AggregateAndProof<E: EthSpec> {
    /// The aggregator.
    #[serde(with = "serde_utils::quoted_u64")]
    pub aggregator_index: ValidatorIndex,
    /// The aggregate.
    pub aggregate: Attestation<E>,
    /// Proof that the aggregator was selected.
    pub selection_proof: SignatureBytes,
}
