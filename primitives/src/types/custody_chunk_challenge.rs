//! `CustodyChunkChallenge` (phase 1 custody game).

use serde::{Deserialize, Serialize};
use ssz_derive::{Decode, Encode};
use tree_hash_derive::TreeHash;

use crate::EthSpec;
use crate::types::{Attestation, ShardTransition, ValidatorIndex};

/// `CustodyChunkChallenge`: a challenge to reveal one chunk of crosslinked shard data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Encode, Decode, TreeHash)]
#[serde(bound = "E: EthSpec")]
pub struct CustodyChunkChallenge<E: EthSpec> {
    /// The challenged validator.
    #[serde(with = "serde_utils::quoted_u64")]
    pub responder_index: ValidatorIndex,
    /// The transition holding the data root.
    pub shard_transition: ShardTransition<E>,
    /// The attestation that crosslinked it.
    pub attestation: Attestation<E>,
    /// Index of the data root in the transition.
    #[serde(with = "serde_utils::quoted_u64")]
    pub data_index: u64,
    /// Index of the chunk asked for.
    #[serde(with = "serde_utils::quoted_u64")]
    pub chunk_index: u64,
}
