//! `Deposit` (phase 0 beacon chain).

use serde::{Deserialize, Serialize};
use ssz_derive::{Decode, Encode};
use ssz_types::FixedVector;
use tree_hash_derive::TreeHash;

use crate::types::{Bytes32, DepositData, DepositProofLength};

/// `Deposit`: a deposit with its Merkle proof against the deposit root.
#[derive(
    Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, Encode, Decode, TreeHash,
)]
pub struct Deposit {
    /// Merkle path to the deposit root (`DEPOSIT_CONTRACT_TREE_DEPTH + 1`).
    pub proof: FixedVector<Bytes32, DepositProofLength>,
    /// The deposit.
    pub data: DepositData,
}
