//! `CompactCommittee` (phase 1 beacon chain).

use serde::{Deserialize, Serialize};
use ssz_derive::{Decode, Encode};
use ssz_types::VariableList;
use tree_hash_derive::TreeHash;

use crate::EthSpec;
use crate::types::PublicKeyBytes;

/// `CompactCommittee`: a committee as light clients see it: public keys and compact validators.
#[derive(
    Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, Encode, Decode, TreeHash,
)]
#[serde(bound = "E: EthSpec")]
pub struct CompactCommittee<E: EthSpec> {
    /// The members' public keys.
    pub pubkeys: VariableList<PublicKeyBytes, E::MaxValidatorsPerCommittee>,
    /// The members as `compact_validator` words (index, slashed, balance).
    #[serde(with = "ssz_types::serde_utils::quoted_u64_var_list")]
    pub compact_validators: VariableList<u64, E::MaxValidatorsPerCommittee>,
}
