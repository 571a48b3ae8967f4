//! `CustodySlashing` (phase 1 custody game).

use serde::{Deserialize, Serialize};
use ssz_derive::{Decode, Encode};
use ssz_types::VariableList;
use tree_hash_derive::TreeHash;

use crate::EthSpec;
use crate::types::{Attestation, ShardTransition, SignatureBytes, ValidatorIndex};

/// `CustodySlashing`: a claim that a validator attested to data with a wrong custody bit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Encode, Decode, TreeHash)]
#[serde(bound = "E: EthSpec")]
pub struct CustodySlashing<E: EthSpec> {
    /// Index of the data root in the shard transition.
    #[serde(with = "serde_utils::quoted_u64")]
    pub data_index: u64,
    /// The accused validator.
    #[serde(with = "serde_utils::quoted_u64")]
    pub malefactor_index: ValidatorIndex,
    /// The accused validator's custody secret.
    pub malefactor_secret: SignatureBytes,
    /// The accuser.
    #[serde(with = "serde_utils::quoted_u64")]
    pub whistleblower_index: ValidatorIndex,
    /// The transition holding the data root.
    pub shard_transition: ShardTransition<E>,
    /// The attestation that crosslinked it.
    pub attestation: Attestation<E>,
    /// The data.
    #[serde(with = "ssz_types::serde_utils::hex_var_list")]
    pub data: VariableList<u8, E::MaxShardBlockSize>,
}
