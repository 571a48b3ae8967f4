//! `AttesterSlashing` (phase 1 beacon chain).

use serde::{Deserialize, Serialize};
use ssz_derive::{Decode, Encode};
use tree_hash_derive::TreeHash;

use crate::EthSpec;
use crate::types::IndexedAttestation;

/// `AttesterSlashing`: two conflicting attestations with common signers.
#[derive(
    Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, Encode, Decode, TreeHash,
)]
#[serde(bound = "E: EthSpec")]
pub struct AttesterSlashing<E: EthSpec> {
    /// The first attestation.
    pub attestation_1: IndexedAttestation<E>,
    /// The second attestation.
    pub attestation_2: IndexedAttestation<E>,
}
