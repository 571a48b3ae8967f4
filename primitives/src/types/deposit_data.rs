//! `DepositData` (phase 0 beacon chain).

use serde::{Deserialize, Serialize};
use ssz_derive::{Decode, Encode};
use tree_hash_derive::TreeHash;

use crate::types::{Bytes32, Gwei, PublicKeyBytes, SignatureBytes};

/// `DepositData`: a deposit as the deposit contract logs it.
#[derive(
    Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, Encode, Decode, TreeHash,
)]
pub struct DepositData {
    /// The validator's public key.
    pub pubkey: PublicKeyBytes,
    /// Commitment to the withdrawal key.
    pub withdrawal_credentials: Bytes32,
    /// Amount deposited.
    #[serde(with = "serde_utils::quoted_u64")]
    pub amount: Gwei,
    /// Proof of possession, signing over `DepositMessage`.
    pub signature: SignatureBytes,
}
