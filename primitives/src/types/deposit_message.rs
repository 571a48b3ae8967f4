//! `DepositMessage` (phase 0 beacon chain).

use serde::{Deserialize, Serialize};
use ssz_derive::{Decode, Encode};
use tree_hash_derive::TreeHash;

use crate::types::{Bytes32, Gwei, PublicKeyBytes};

/// `DepositMessage`: the part of a deposit that its signature covers.
#[derive(
    Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, Encode, Decode, TreeHash,
)]
pub struct DepositMessage {
    /// The validator's public key.
    pub pubkey: PublicKeyBytes,
    /// Commitment to the withdrawal key.
    pub withdrawal_credentials: Bytes32,
    /// Amount deposited.
    #[serde(with = "serde_utils::quoted_u64")]
    pub amount: Gwei,
}
