//! `PendingAttestation` (phase 0 beacon chain).

use serde::{Deserialize, Serialize};
use ssz_derive::{Decode, Encode};
use ssz_types::BitList;
use tree_hash_derive::TreeHash;

use super::AttestationData;
use crate::EthSpec;
use crate::types::{Slot, ValidatorIndex};

/// `PendingAttestation` (phase 0 form): a phase 0 attestation included in the state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Encode, Decode, TreeHash)]
#[serde(bound = "E: EthSpec")]
pub struct PendingAttestation<E: EthSpec> {
    /// Which committee members signed.
    pub aggregation_bits: BitList<E::MaxValidatorsPerCommittee>,
    /// The vote.
    pub data: AttestationData,
    /// Slots between the attested slot and inclusion.
    #[serde(with = "serde_utils::quoted_u64")]
    pub inclusion_delay: Slot,
    /// The proposer that included it.
    #[serde(with = "serde_utils::quoted_u64")]
    pub proposer_index: ValidatorIndex,
}
