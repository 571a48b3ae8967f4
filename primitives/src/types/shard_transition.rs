//! `ShardTransition` (phase 1 beacon chain).

use serde::{Deserialize, Serialize};
use ssz_derive::{Decode, Encode};
use ssz_types::VariableList;
use tree_hash_derive::TreeHash;

use crate::EthSpec;
use crate::types::{Bytes32, ShardState, SignatureBytes, Slot};

/// `ShardTransition`: the shard blocks a committee crosslinks, as lengths, data roots and states.
#[derive(
    Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, Encode, Decode, TreeHash,
)]
#[serde(bound = "E: EthSpec")]
pub struct ShardTransition<E: EthSpec> {
    /// The slot the transition starts from.
    #[serde(with = "serde_utils::quoted_u64")]
    pub start_slot: Slot,
    /// Shard block lengths.
    #[serde(with = "ssz_types::serde_utils::quoted_u64_var_list")]
    pub shard_block_lengths: VariableList<u64, E::MaxShardBlocksPerAttestation>,
    /// Shard data roots, each of a `ByteList[MAX_SHARD_BLOCK_SIZE]`.
    pub shard_data_roots: VariableList<Bytes32, E::MaxShardBlocksPerAttestation>,
    /// Intermediate shard states.
    pub shard_states: VariableList<ShardState, E::MaxShardBlocksPerAttestation>,
    /// Aggregate of the proposers' signatures.
    pub proposer_signature_aggregate: SignatureBytes,
}
