//! Crediting a claimed cross-shard receipt: the destination side of a cross-shard transfer.
//!
//! A claim credits `receipt.to` with `receipt.value` if the receipt is for this shard, is not
//! spent (in the state or earlier in the block) and its proof holds; the receipt is then
//! recorded as spent. Any failed claim makes the block invalid, as an invalid transaction does.

use alloy_primitives::{B256, U256};

use crate::execution::{ExecutionContext, StateJournal};
use crate::payload::{CrossShardReceiptProof, ReceiptProofInvalid, ReceiptVerifier};

/// Why a claim cannot be credited.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClaimInvalid {
    /// The receipt is for another shard.
    #[error("receipt for shard {dest_shard} claimed on shard {shard}")]
    WrongDestShard {
        /// The receipt's `dest_shard`.
        dest_shard: u64,
        /// The shard executing the claim.
        shard: u64,
    },
    /// The receipt was credited already, before or earlier in this block.
    #[error("receipt {key} already claimed")]
    AlreadySpent {
        /// The receipt's key.
        key: B256,
    },
    /// The proof does not prove the receipt.
    #[error(transparent)]
    Proof(#[from] ReceiptProofInvalid),
    /// The recipient's balance would overflow.
    #[error("recipient balance overflow")]
    BalanceOverflow,
}

impl ClaimInvalid {
    /// Whether the claim (and so whoever proposed it) is at fault.
    pub fn is_bad_data(&self) -> bool {
        match self {
            Self::Proof(err) => err.is_bad_data(),
            _ => true,
        }
    }
}

/// Credits the receipt `proof` claims, or says why it cannot (the journal is then unchanged).
/// Returns the value credited.
pub fn apply_claim(
    journal: &mut StateJournal<'_>,
    proof: &CrossShardReceiptProof,
    verifier: &dyn ReceiptVerifier,
    context: &ExecutionContext,
) -> Result<U256, ClaimInvalid> {
    let receipt = &proof.receipt;
    if receipt.dest_shard != context.shard {
        return Err(ClaimInvalid::WrongDestShard {
            dest_shard: receipt.dest_shard,
            shard: context.shard,
        });
    }
    let key = proof.key();
    if journal.is_spent(&key) {
        return Err(ClaimInvalid::AlreadySpent { key });
    }
    verifier.verify_receipt_proof(proof)?;
    let mut recipient = journal.get(&receipt.to);
    recipient.balance = recipient
        .balance
        .checked_add(receipt.value)
        .ok_or(ClaimInvalid::BalanceOverflow)?;
    journal.spend(key);
    journal.set(receipt.to, recipient);
    Ok(receipt.value)
}
