//! `IndexedAttestation` (phase 1 beacon chain).

use serde::{Deserialize, Serialize};
use ssz_derive::{Decode, Encode};
use ssz_types::VariableList;
use tree_hash_derive::TreeHash;

use crate::EthSpec;
use crate::types::{AttestationData, SignatureBytes, ValidatorIndex};

/// `IndexedAttestation`: an attestation with its signers as sorted validator indices.
#[derive(
    Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, Encode, Decode, TreeHash,
)]
#[serde(bound = "E: EthSpec")]
pub struct IndexedAttestation<E: EthSpec> {
    /// The signers, sorted.
    #[serde(with = "ssz_types::serde_utils::quoted_u64_var_list")]
    pub attesting_indices: VariableList<ValidatorIndex, E::MaxValidatorsPerCommittee>,
    /// The vote.
    pub data: AttestationData,
    /// The aggregate signature.
    pub signature: SignatureBytes,
}
