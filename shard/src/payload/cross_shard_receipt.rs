//! `CrossShardReceipt`: value leaving a shard, as the destination shard will claim it.

use alloy_primitives::{Address, B256, U256};
use ssz_derive::{Decode, Encode};
use tree_hash_derive::TreeHash;

use crate::execution::CrossShardTransfer;

/// SSZ size of a [`CrossShardReceipt`]: three `uint64`, two addresses, a `uint256`, a root.
pub const CROSS_SHARD_RECEIPT_BYTES: u64 = 3 * 8 + 2 * 20 + 32 + 32;

/// `CrossShardReceipt` (shardnet): a transfer debited on `source_shard` to be credited on
/// `dest_shard`. It carries no slot: the source block is located by the proof, and `index` (its
/// position among the payload's cross-shard receipts) together with `tx_hash` makes it unique,
/// which is what the destination's spent-receipt set keys on.
#[derive(Encode, Decode, TreeHash, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CrossShardReceipt {
    /// The shard that debited the value.
    pub source_shard: u64,
    /// The recipient's home shard, which credits it.
    pub dest_shard: u64,
    /// Position among the payload's cross-shard receipts.
    pub index: u64,
    /// The sender.
    pub from: Address,
    /// The recipient.
    pub to: Address,
    /// The value, in wei.
    pub value: U256,
    /// The hash of the transaction that sent it.
    pub tx_hash: B256,
}

impl CrossShardReceipt {
    /// The receipt of `transfer`, the `index`-th of its payload.
    pub fn new(transfer: &CrossShardTransfer, index: u64) -> Self {
        Self {
            source_shard: transfer.source_shard,
            dest_shard: transfer.dest_shard,
            index,
            from: transfer.from,
            to: transfer.to,
            value: transfer.value,
            tx_hash: transfer.tx_hash,
        }
    }
}

#[cfg(test)]
mod tests {
    use ssz::{Decode, Encode};

    use super::*;

    #[test]
    fn ssz_round_trip_and_size() {
        let receipt = CrossShardReceipt {
            source_shard: 3,
            dest_shard: 1,
            index: 7,
            from: Address::repeat_byte(1),
            to: Address::repeat_byte(2),
            value: U256::MAX,
            tx_hash: B256::repeat_byte(3),
        };
        let bytes = receipt.as_ssz_bytes();
        assert_eq!(bytes.len() as u64, CROSS_SHARD_RECEIPT_BYTES);
        assert_eq!(CrossShardReceipt::from_ssz_bytes(&bytes).unwrap(), receipt);
    }
}
