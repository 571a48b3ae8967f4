//! `Attestation` (phase 1 beacon chain).

use serde::{Deserialize, Serialize};
use ssz_derive::{Decode, Encode};
use ssz_types::BitList;
use tree_hash_derive::TreeHash;

use crate::EthSpec;
use crate::types::{AttestationData, SignatureBytes};

/// `Attestation`: an aggregate of committee votes on one `AttestationData`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Encode, Decode, TreeHash)]
#[serde(bound = "E: EthSpec")]
pub struct Attestation<E: EthSpec> {
    /// Which committee members signed.
    pub aggregation_bits: BitList<E::MaxValidatorsPerCommittee>,
    /// The vote.
    pub data: AttestationData,
    /// The aggregate signature.
    pub signature: SignatureBytes,
}
