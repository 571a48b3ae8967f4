//! `LightClientVote` (phase 1 validator guide).

use serde::{Deserialize, Serialize};
use ssz_derive::{Decode, Encode};
use ssz_types::BitVector;
use tree_hash_derive::TreeHash;

use crate::EthSpec;
use crate::types::{LightClientVoteData, SignatureBytes};

/// `LightClientVote`: a light client committee vote.
#[derive(
    Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, Encode, Decode, TreeHash,
)]
#[serde(bound = "E: EthSpec")]
pub struct LightClientVote<E: EthSpec> {
    /// The vote.
    pub data: LightClientVoteData,
    /// Which committee members signed.
    pub aggregation_bits: BitVector<E::LightClientCommitteeSize>,
    /// The aggregate signature.
    pub signature: SignatureBytes,
}
