//! The execution payload: what a shard block's body carries, its limits and the block gas limit.
//!
//! A `ShardBlock`'s `body` is the SSZ encoding of an [`ExecutionPayload`]. The proposer builds it
//! with [`build_payload`] (execute the best transactions, leave the invalid ones out, fill in the
//! roots); every other node checks it with [`execute_payload`] (decode, recover, execute all or
//! nothing, compare every claimed root and the gas used with what execution produced).
//!
//! ## Limits
//!
//! `MAX_SHARD_BLOCK_SIZE` bounds the body, so the payload's **byte size** is the real limit. The
//! list limits below are type-level and chosen never to bind before it, so that a body full of
//! transfers always decodes:
//!
//! - `MAX_TRANSACTIONS_PER_PAYLOAD = 2**14`: a signed transaction takes over 90 bytes (two
//!   32-byte signature scalars, a 20-byte recipient, ...) plus its 4-byte offset, so fewer than
//!   `2**14` fit in `2**20` bytes (about 9,500 minimal transfers do).
//! - `MAX_TX_BYTES = 2**17` (128 KiB): the largest transaction the geth and reth pools accept;
//!   far below `MAX_SHARD_BLOCK_SIZE`, so any single transaction fits a block.
//! - `MAX_CROSS_SHARD_RECEIPTS_PER_PAYLOAD = MAX_TRANSACTIONS_PER_PAYLOAD`: at most one per
//!   transaction.
//! - `MAX_RECEIPT_CLAIMS_PER_PAYLOAD = 2**12`: a claim takes at least 272 bytes (its receipt,
//!   beacon block header, shard block index and five branch offsets, plus its own offset) even
//!   with empty branches, so fewer than `2**12` fit in `2**20` bytes; a real proof is some
//!   1,750 bytes (46 branch nodes under the minimal preset), so a block holds about 600.
//!
//! ## Receipt claims
//!
//! A payload credits the cross-shard receipts it claims ([`CrossShardReceiptProof`], checked by
//! a [`ReceiptVerifier`], `crosslink::receipt_proof` for the proof path) before it runs its
//! transactions. A claim costs no gas (no account signs it or pays for it); its bytes count
//! against `MAX_SHARD_BLOCK_SIZE` like a transaction's, which bounds the hashing a block's
//! claims take. The proposer includes the valid claims it is given first, leaving out a claim
//! for another shard, a spent or twice-listed receipt, or one whose proof fails.
//!
//! ## Block gas limit
//!
//! The gas limit is derived from the byte limit, not chosen apart: it is the gas of as many
//! minimal transfers as fit in the body, `(MAX_SHARD_BLOCK_SIZE - PAYLOAD_FIXED_BYTES) /
//! (MIN_TRANSFER_BYTES + 4) * 21_000`. With the spec's `2**20` bytes that is
//! `1_048_460 / 110 = 9_531` transfers, `200_151_000` gas. A minimal transfer is the smallest one
//! a wallet signs for a shard of the default network: legacy EIP-155, nonce 0, zero value, no
//! calldata, a gas price of a few gwei and a 4-byte chain id: 106 bytes. Transfers carrying data
//! or going to another shard (whose receipt adds [`CROSS_SHARD_RECEIPT_BYTES`]) use more bytes
//! per gas, so for them the byte limit binds first; the gas limit bounds the execution work of a
//! block of the smallest transfers.

mod build;
mod cross_shard_receipt;
mod execute;
mod execution_payload;
mod receipt;
mod receipt_claim;
#[cfg(test)]
mod tests;

pub use build::{BuiltPayload, ClaimLeftOut, LeftOut, build_payload, build_payload_with_claims};
pub use cross_shard_receipt::{CROSS_SHARD_RECEIPT_BYTES, CrossShardReceipt};
pub use execute::{
    ExecutedPayload, PayloadError, PayloadField, execute_payload, execute_payload_with_claims,
};
pub use execution_payload::{
    CROSS_SHARD_RECEIPTS_ROOT_CHUNK, CrossShardReceiptList, ExecutionPayload, PAYLOAD_FIXED_BYTES,
    ReceiptClaimList, ReceiptList, TransactionBytes, TransactionList,
};
pub use receipt::{NO_DEPOSIT, ReceiptRecord};
pub use receipt_claim::{
    CrossShardReceiptProof, MaxBranchLength, MerkleBranch, NoReceiptVerifier, ProofLevel,
    ReceiptProofInvalid, ReceiptVerifier, receipt_key,
};

use primitives::ChainConfig;
use ssz::Encode;
use ssz_types::typenum::{U4096, U16384, U131072};

use crate::transaction::{ShardTransaction, TX_BASE_GAS};

/// `MAX_TRANSACTIONS_PER_PAYLOAD` (2**14).
pub type MaxTransactionsPerPayload = U16384;
/// `MAX_TX_BYTES` (2**17): the largest EIP-2718 encoding a payload carries.
pub type MaxTxBytes = U131072;
/// `MAX_CROSS_SHARD_RECEIPTS_PER_PAYLOAD`: one per transaction at most.
pub type MaxCrossShardReceiptsPerPayload = MaxTransactionsPerPayload;
/// `MAX_RECEIPT_CLAIMS_PER_PAYLOAD` (2**12): never binds before the byte limit.
pub type MaxReceiptClaimsPerPayload = U4096;

/// SSZ's `BYTES_PER_LENGTH_OFFSET`: each element of a list of variable-size items costs it.
pub const BYTES_PER_LENGTH_OFFSET: u64 = 4;
/// The size of the smallest transfer a wallet signs for the default network (see the module
/// documentation): it fixes how many transfers a body holds, and so the block gas limit.
pub const MIN_TRANSFER_BYTES: u64 = 106;

/// The block gas limit under `config`: the intrinsic gas of as many minimal transfers as fit in
/// `MAX_SHARD_BLOCK_SIZE` bytes of payload (see the module documentation).
pub fn block_gas_limit(config: &ChainConfig) -> u64 {
    let room = config
        .max_shard_block_size
        .saturating_sub(PAYLOAD_FIXED_BYTES);
    let per_transfer = MIN_TRANSFER_BYTES.saturating_add(BYTES_PER_LENGTH_OFFSET);
    room.checked_div(per_transfer)
        .unwrap_or(0)
        .saturating_mul(TX_BASE_GAS)
}

/// The two budgets a payload must keep: gas and bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PayloadLimits {
    /// The block gas limit.
    pub gas: u64,
    /// The most bytes of the encoded payload (`MAX_SHARD_BLOCK_SIZE`).
    pub bytes: u64,
}

impl PayloadLimits {
    /// The limits under `config`: [`block_gas_limit`] and `MAX_SHARD_BLOCK_SIZE`.
    pub fn from_config(config: &ChainConfig) -> Self {
        Self {
            gas: block_gas_limit(config),
            bytes: config.max_shard_block_size,
        }
    }

    /// The bytes left for transactions and receipts once the fixed part is counted.
    pub fn variable_bytes(&self) -> u64 {
        self.bytes.saturating_sub(PAYLOAD_FIXED_BYTES)
    }
}

/// The bytes `claim` adds to a payload: its offset and its encoding.
pub fn claim_payload_bytes(claim: &CrossShardReceiptProof) -> u64 {
    u64::try_from(claim.ssz_bytes_len())
        .unwrap_or(u64::MAX)
        .saturating_add(BYTES_PER_LENGTH_OFFSET)
}

/// The most bytes `tx` can add to a payload: its offset, its encoding and a cross-shard receipt,
/// which it emits if its recipient lives on another shard. Selection counts this bound, so that
/// what it picks always fits.
pub fn max_payload_bytes(tx: &ShardTransaction) -> u64 {
    let len = u64::try_from(tx.encoded().len()).unwrap_or(u64::MAX);
    len.saturating_add(BYTES_PER_LENGTH_OFFSET)
        .saturating_add(CROSS_SHARD_RECEIPT_BYTES)
}
