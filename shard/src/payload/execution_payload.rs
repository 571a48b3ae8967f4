//! `ExecutionPayload`: the SSZ container a shard block's body encodes.

use alloy_primitives::B256;
use ssz_derive::{Decode, Encode};
use ssz_types::VariableList;
use tree_hash_derive::TreeHash;

use crate::payload::{
    CrossShardReceipt, CrossShardReceiptProof, MaxCrossShardReceiptsPerPayload,
    MaxReceiptClaimsPerPayload, MaxTransactionsPerPayload, MaxTxBytes, ReceiptRecord,
};

/// `ByteList[MAX_TX_BYTES]`: one transaction's EIP-2718 bytes.
pub type TransactionBytes = VariableList<u8, MaxTxBytes>;
/// `List[ByteList[MAX_TX_BYTES], MAX_TRANSACTIONS_PER_PAYLOAD]`.
pub type TransactionList = VariableList<TransactionBytes, MaxTransactionsPerPayload>;
/// `List[TransactionReceipt, MAX_TRANSACTIONS_PER_PAYLOAD]`, whose root is `receipts_root`.
pub type ReceiptList = VariableList<ReceiptRecord, MaxTransactionsPerPayload>;
/// `List[CrossShardReceipt, MAX_CROSS_SHARD_RECEIPTS_PER_PAYLOAD]`.
pub type CrossShardReceiptList = VariableList<CrossShardReceipt, MaxCrossShardReceiptsPerPayload>;

/// `List[CrossShardReceiptProof, MAX_RECEIPT_CLAIMS_PER_PAYLOAD]`: the receipts claimed.
pub type ReceiptClaimList = VariableList<CrossShardReceiptProof, MaxReceiptClaimsPerPayload>;

/// Bytes of the fixed part: three roots, `gas_used` and the three list offsets.
pub const PAYLOAD_FIXED_BYTES: u64 = 3 * 32 + 8 + 3 * 4;

/// The 32-byte chunk of the body's `ByteList` that holds `cross_shard_receipts_root` (bytes
/// 64..96): a proof of a cross-shard receipt goes from the receipt to this root, then from this
/// chunk to the body root that `ShardTransition.shard_data_roots` commits to.
pub const CROSS_SHARD_RECEIPTS_ROOT_CHUNK: u64 = 2;

/// `ExecutionPayload`: a shard block's transactions and the results of executing them.
///
/// The fixed-size fields come first, so they sit at fixed, chunk-aligned offsets of the body's
/// `ByteList`: the three roots are exactly its chunks 0, 1 and 2. The beacon chain commits to a
/// shard block's body through `hash_tree_root(ByteList)`, whose leaves are those 32-byte chunks,
/// so a destination shard proves a cross-shard receipt with a Merkle branch to
/// `cross_shard_receipts_root` followed by the branch of chunk
/// [`CROSS_SHARD_RECEIPTS_ROOT_CHUNK`] in the body, without the rest of the body. Variable
/// lists placed first would move those fields by the size of the lists.
#[derive(Encode, Decode, TreeHash, Clone, Debug, Default, PartialEq, Eq)]
pub struct ExecutionPayload {
    /// The execution state root after the payload.
    pub post_state_root: B256,
    /// `hash_tree_root` of the receipts, one per transaction.
    pub receipts_root: B256,
    /// `hash_tree_root` of [`Self::cross_shard_receipts`].
    pub cross_shard_receipts_root: B256,
    /// Total gas used.
    pub gas_used: u64,
    /// The transactions, as EIP-2718 bytes, in execution order.
    pub transactions: TransactionList,
    /// The value leaving for other shards, in transaction order.
    pub cross_shard_receipts: CrossShardReceiptList,
    /// The cross-shard receipts this block credits, each with its proof, in execution order
    /// (claims are credited before the transactions run).
    pub receipt_claims: ReceiptClaimList,
}

#[cfg(test)]
mod tests {
    use alloy_primitives::{Address, U256};
    use ssz::{Decode, Encode};
    use tree_hash::TreeHash;

    use super::*;

    #[test]
    fn ssz_round_trip_and_fixed_layout() {
        let receipt = CrossShardReceipt {
            source_shard: 1,
            dest_shard: 2,
            index: 0,
            from: Address::repeat_byte(1),
            to: Address::repeat_byte(2),
            value: U256::from(3u64),
            tx_hash: B256::repeat_byte(4),
        };
        let payload = ExecutionPayload {
            post_state_root: B256::repeat_byte(0xaa),
            receipts_root: B256::repeat_byte(0xbb),
            cross_shard_receipts_root: B256::repeat_byte(0xcc),
            gas_used: 0x0102,
            transactions: TransactionList::new(vec![
                TransactionBytes::new(vec![1, 2, 3]).unwrap(),
                TransactionBytes::new(vec![]).unwrap(),
            ])
            .unwrap(),
            cross_shard_receipts: CrossShardReceiptList::new(vec![receipt]).unwrap(),
            receipt_claims: ReceiptClaimList::default(),
        };
        let bytes = payload.as_ssz_bytes();
        assert_eq!(ExecutionPayload::from_ssz_bytes(&bytes).unwrap(), payload);
        // Chunks 0..3 of the body are the three roots, in order; gas_used follows.
        assert_eq!(&bytes[..32], payload.post_state_root.as_slice());
        assert_eq!(&bytes[32..64], payload.receipts_root.as_slice());
        let chunk = CROSS_SHARD_RECEIPTS_ROOT_CHUNK as usize * 32;
        assert_eq!(
            &bytes[chunk..chunk + 32],
            payload.cross_shard_receipts_root.as_slice()
        );
        assert_eq!(&bytes[96..104], &0x0102u64.to_le_bytes());
        // The first list starts right after the fixed part.
        let first_offset = u32::from_le_bytes(bytes[104..108].try_into().unwrap());
        assert_eq!(u64::from(first_offset), PAYLOAD_FIXED_BYTES);
        assert_eq!(
            bytes.len() as u64,
            PAYLOAD_FIXED_BYTES + 2 * 4 + 3 + <CrossShardReceipt as Decode>::ssz_fixed_len() as u64
        );
        assert_ne!(
            payload.tree_hash_root(),
            ExecutionPayload::default().tree_hash_root()
        );
    }
}
