//! `LightAggregateAndProof` (phase 1 validator guide).

use serde::{Deserialize, Serialize};
use ssz_derive::{Decode, Encode};
use tree_hash_derive::TreeHash;

use crate::EthSpec;
use crate::types::{LightClientVote, SignatureBytes, ValidatorIndex};

/// `LightAggregateAndProof`: an aggregate light client vote with the aggregator's selection proof.
#[derive(
    Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, Encode, Decode, TreeHash,
)]
#[serde(bound = "E: EthSpec")]
pub struct LightAggregateAndProof<E: EthSpec> {
    /// The aggregator.
    #[serde(with = "serde_utils::quoted_u64")]
    pub aggregator_index: ValidatorIndex,
    /// The aggregate.
    pub aggregate: LightClientVote<E>,
    /// Proof that the aggregator was selected.
    pub selection_proof: SignatureBytes,
}
