//! `TransactionReceipt` as an SSZ container: what `receipts_root` commits to per transaction.

use alloy_primitives::B256;
use ssz_derive::{Decode, Encode};
use tree_hash_derive::TreeHash;

use crate::execution::TransactionReceipt;

/// `deposit_index` of a receipt whose transaction made no deposit.
pub const NO_DEPOSIT: u64 = u64::MAX;

/// `TransactionReceipt` (shardnet): the receipt of one transaction of a payload, an element of
/// the list whose root is `receipts_root`. SSZ has no optional fields, so "no deposit" is
/// [`NO_DEPOSIT`] and "no revert" is code 0.
#[derive(Encode, Decode, TreeHash, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReceiptRecord {
    /// The transaction hash.
    pub tx_hash: B256,
    /// Ethereum's receipt status: the call did not revert.
    pub success: bool,
    /// Gas used by the transaction.
    pub gas_used: u64,
    /// Gas used by the payload up to and including the transaction.
    pub cumulative_gas_used: u64,
    /// The index of the deposit it made on shard 0's deposit contract, or [`NO_DEPOSIT`].
    pub deposit_index: u64,
    /// Why it reverted ([`crate::DepositRevert::code`]), or 0.
    pub revert_code: u8,
}

impl From<&TransactionReceipt> for ReceiptRecord {
    fn from(receipt: &TransactionReceipt) -> Self {
        Self {
            tx_hash: receipt.tx_hash,
            success: receipt.success(),
            gas_used: receipt.gas_used,
            cumulative_gas_used: receipt.cumulative_gas_used,
            deposit_index: receipt.deposit_index.unwrap_or(NO_DEPOSIT),
            revert_code: receipt.revert.map_or(0, |revert| revert.code()),
        }
    }
}

#[cfg(test)]
mod tests {
    use ssz::{Decode, Encode};

    use super::*;
    use crate::DepositRevert;

    #[test]
    fn ssz_round_trip_and_codes() {
        let receipt = TransactionReceipt {
            tx_hash: B256::repeat_byte(9),
            gas_used: 21_000,
            cumulative_gas_used: 42_000,
            revert: Some(DepositRevert::TreeFull),
            deposit_index: None,
        };
        let record = ReceiptRecord::from(&receipt);
        assert!(!record.success);
        assert_eq!(record.revert_code, 6);
        assert_eq!(record.deposit_index, NO_DEPOSIT);
        assert_eq!(
            ReceiptRecord::from_ssz_bytes(&record.as_ssz_bytes()).unwrap(),
            record
        );
        let deposit = ReceiptRecord::from(&TransactionReceipt {
            revert: None,
            deposit_index: Some(4),
            ..receipt
        });
        assert!(deposit.success);
        assert_eq!((deposit.deposit_index, deposit.revert_code), (4, 0));
    }
}
