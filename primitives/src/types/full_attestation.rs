//! `FullAttestation` (phase 1 validator guide).

use serde::{Deserialize, Serialize};
use ssz_derive::{Decode, Encode};
use ssz_types::BitList;
use tree_hash_derive::TreeHash;

use crate::EthSpec;
use crate::types::{FullAttestationData, SignatureBytes};

/// `FullAttestation`: an attestation carrying `FullAttestationData`, as the p2p layer sends it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Encode, Decode, TreeHash)]
#[serde(bound = "E: EthSpec")]
pub struct FullAttestation<E: EthSpec> {
    /// Which committee members signed.
    pub aggregation_bits: BitList<E::MaxValidatorsPerCommittee>,
    /// The vote.
    pub data: FullAttestationData<E>,
    /// The aggregate signature.
    pub signature: SignatureBytes,
}
