//! `LightClientUpdate` (phase 1 light client sync).

use serde::{Deserialize, Serialize};
use ssz_derive::{Decode, Encode};
use ssz_types::{BitList, FixedVector};
use tree_hash_derive::TreeHash;

use crate::EthSpec;
use crate::types::{
    BeaconBlockHeader, BeaconChainRootInShardBlockHeaderDepth, Bytes32, CompactCommittee, Root,
    SignatureBytes, Version,
};

/// `LightClientUpdate`: what a light client needs to follow a shard and the period committee.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Encode, Decode, TreeHash)]
#[serde(bound = "E: EthSpec")]
pub struct LightClientUpdate<E: EthSpec> {
    /// Shard block root.
    pub shard_block_root: Root,
    /// Fork version of the signature.
    #[serde(with = "serde_utils::bytes_4_hex")]
    pub fork_version: Version,
    /// Which committee members signed.
    pub aggregation_bits: BitList<E::MaxValidatorsPerCommittee>,
    /// The aggregate signature.
    pub signature: SignatureBytes,
    /// The updated beacon header.
    pub header: BeaconBlockHeader,
    /// Branch authenticating the header.
    pub header_branch: FixedVector<Bytes32, BeaconChainRootInShardBlockHeaderDepth>,
    /// The updated period committee.
    pub committee: CompactCommittee<E>,
    /// Branch authenticating the committee.
    pub committee_branch: FixedVector<Bytes32, E::LightClientCommitteeBranchLength>,
}
