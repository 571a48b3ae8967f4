//! `Validator` (phase 0 beacon chain).

use serde::{Deserialize, Serialize};
use ssz_derive::{Decode, Encode};
use tree_hash_derive::TreeHash;

use crate::types::{Bytes32, Epoch, Gwei, PublicKeyBytes};

/// `Validator` (phase 0 form): a phase 0 validator record.
#[derive(
    Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, Encode, Decode, TreeHash,
)]
pub struct Validator {
    /// The validator's public key.
    pub pubkey: PublicKeyBytes,
    /// Commitment to the withdrawal key.
    pub withdrawal_credentials: Bytes32,
    /// Balance at stake.
    #[serde(with = "serde_utils::quoted_u64")]
    pub effective_balance: Gwei,
    /// Whether it was slashed.
    pub slashed: bool,
    /// When the criteria for activation were met.
    #[serde(with = "serde_utils::quoted_u64")]
    pub activation_eligibility_epoch: Epoch,
    /// When it became active.
    #[serde(with = "serde_utils::quoted_u64")]
    pub activation_epoch: Epoch,
    /// When it exits.
    #[serde(with = "serde_utils::quoted_u64")]
    pub exit_epoch: Epoch,
    /// When it can withdraw.
    #[serde(with = "serde_utils::quoted_u64")]
    pub withdrawable_epoch: Epoch,
}
