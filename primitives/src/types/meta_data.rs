//! `MetaData` (phase 0 p2p interface).

use serde::{Deserialize, Serialize};
use ssz_derive::{Decode, Encode};
use ssz_types::BitVector;
use tree_hash_derive::TreeHash;

use crate::types::AttestationSubnetCount;

/// `MetaData`: the node metadata of the `GetMetaData` response.
#[derive(
    Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, Encode, Decode, TreeHash,
)]
pub struct MetaData {
    /// Increases whenever the metadata changes.
    #[serde(with = "serde_utils::quoted_u64")]
    pub seq_number: u64,
    /// The attestation subnets the node subscribes to.
    pub attnets: BitVector<AttestationSubnetCount>,
}
