//! Building a payload on the proposer's side: execute the candidates, keep what is valid and fits.

use alloy_primitives::{Address, B256};
use primitives::ChainConfig;
use ssz_types::typenum::Unsigned;
use tree_hash::TreeHash;

use crate::execution::{
    ClaimInvalid, ExecutionContext, ExecutionError, ExecutionOutcome, ExecutionState,
    OutcomeBuilder, StateJournal, TransferInvalid, apply_claim, apply_transfer,
};
use crate::payload::{
    CROSS_SHARD_RECEIPT_BYTES, CrossShardReceipt, CrossShardReceiptList, CrossShardReceiptProof,
    ExecutionPayload, MaxReceiptClaimsPerPayload, MaxTransactionsPerPayload, MaxTxBytes,
    NoReceiptVerifier, PayloadError, PayloadLimits, ReceiptClaimList, ReceiptList, ReceiptRecord,
    ReceiptVerifier, TransactionBytes, TransactionList, claim_payload_bytes, max_payload_bytes,
};
use crate::transaction::ShardTransaction;

/// Why a candidate transaction was left out of a payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LeftOut {
    /// It cannot execute on the state as the payload left it (stale nonce, underpriced, ...).
    Invalid(TransferInvalid),
    /// Its gas does not fit what is left of the block gas limit.
    GasLimit,
    /// Its bytes do not fit what is left of `MAX_SHARD_BLOCK_SIZE`, or it is larger than
    /// `MAX_TX_BYTES`, or the payload holds `MAX_TRANSACTIONS_PER_PAYLOAD` already.
    ByteLimit,
}

/// Why a candidate claim was left out of a payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClaimLeftOut {
    /// It cannot be credited (another shard's receipt, spent, or its proof fails).
    Invalid(ClaimInvalid),
    /// Its bytes do not fit what is left of `MAX_SHARD_BLOCK_SIZE`, or the payload holds
    /// `MAX_RECEIPT_CLAIMS_PER_PAYLOAD` claims already.
    ByteLimit,
}

/// A payload ready to be a shard block's body, with what its execution produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuiltPayload {
    /// The payload.
    pub payload: ExecutionPayload,
    /// Its execution outcome (the state passed in now holds its changes).
    pub outcome: ExecutionOutcome,
    /// The candidates not included, by hash, and why.
    pub left_out: Vec<(B256, LeftOut)>,
    /// The candidate claims not included, by receipt key, and why.
    pub left_out_claims: Vec<(B256, ClaimLeftOut)>,
}

/// Builds a payload from `candidates` (in the order to try them, each with its recovered
/// sender) on `state`, which then holds the payload's changes. A candidate that is invalid at
/// its turn, or does not fit the gas or byte budget, is left out and the next one is tried.
/// The payload claims no receipt.
pub fn build_payload(
    state: &mut ExecutionState,
    candidates: &[(ShardTransaction, Address)],
    context: &ExecutionContext,
    config: &ChainConfig,
) -> Result<BuiltPayload, PayloadError> {
    build_payload_with_claims(state, &[], &NoReceiptVerifier, candidates, context, config)
}

/// Builds a payload as [`build_payload`] does, first crediting the candidate `claims` (in
/// order, each checked by `verifier`): a claim that cannot be credited at its turn (another
/// shard's receipt, a receipt spent before or earlier in the list, a failing proof) or does not
/// fit the byte budget is left out. The transactions then run on the credited state.
pub fn build_payload_with_claims(
    state: &mut ExecutionState,
    claims: &[CrossShardReceiptProof],
    verifier: &dyn ReceiptVerifier,
    candidates: &[(ShardTransaction, Address)],
    context: &ExecutionContext,
    config: &ChainConfig,
) -> Result<BuiltPayload, PayloadError> {
    let limits = PayloadLimits::from_config(config);
    let mut journal = StateJournal::new(state);
    let mut outcome = OutcomeBuilder::with_capacity(candidates.len());
    let mut included_claims: Vec<CrossShardReceiptProof> = Vec::new();
    let mut left_out_claims = Vec::new();
    let mut bytes_left = limits.variable_bytes();
    for claim in claims {
        let bytes = claim_payload_bytes(claim);
        if bytes > bytes_left || included_claims.len() >= MaxReceiptClaimsPerPayload::to_usize() {
            left_out_claims.push((claim.key(), ClaimLeftOut::ByteLimit));
            continue;
        }
        match apply_claim(&mut journal, claim, verifier, context) {
            Ok(value) => {
                outcome.record_claim(value)?;
                bytes_left = bytes_left.saturating_sub(bytes);
                included_claims.push(claim.clone());
            }
            Err(reason) => left_out_claims.push((claim.key(), ClaimLeftOut::Invalid(reason))),
        }
    }
    let mut included: Vec<TransactionBytes> = Vec::new();
    let mut left_out = Vec::new();
    for (tx, sender) in candidates {
        let worst_bytes = max_payload_bytes(tx);
        if worst_bytes > bytes_left
            || included.len() >= MaxTransactionsPerPayload::to_usize()
            || tx.encoded().len() > MaxTxBytes::to_usize()
        {
            left_out.push((tx.hash(), LeftOut::ByteLimit));
            continue;
        }
        if tx.intrinsic_gas() > limits.gas.saturating_sub(outcome.gas_used()) {
            left_out.push((tx.hash(), LeftOut::GasLimit));
            continue;
        }
        let effect = match apply_transfer(&mut journal, tx, *sender, context) {
            Ok(effect) => effect,
            Err(reason) => {
                left_out.push((tx.hash(), LeftOut::Invalid(reason)));
                continue;
            }
        };
        outcome.record(tx, &effect)?;
        // Only a transfer to another shard adds a receipt: give back what was not taken.
        let refund = if effect.cross_shard.is_some() {
            0
        } else {
            CROSS_SHARD_RECEIPT_BYTES
        };
        bytes_left = bytes_left
            .saturating_sub(worst_bytes)
            .saturating_add(refund);
        let bytes = TransactionBytes::new(tx.encoded().to_vec())
            .map_err(|_| PayloadError::ListLimit("transaction bytes"))?;
        included.push(bytes);
    }
    let (accounts, deposits, spent) = journal.into_changes();
    state
        .commit(accounts, deposits, spent)
        .map_err(ExecutionError::from)?;
    let outcome = outcome.finish(state.root());
    let payload = payload_of(included_claims, included, &outcome)?;
    Ok(BuiltPayload {
        payload,
        outcome,
        left_out,
        left_out_claims,
    })
}

/// The payload carrying `claims` and `transactions` whose execution gave `outcome`.
fn payload_of(
    claims: Vec<CrossShardReceiptProof>,
    transactions: Vec<TransactionBytes>,
    outcome: &ExecutionOutcome,
) -> Result<ExecutionPayload, PayloadError> {
    let receipts = receipt_list(outcome)?;
    let cross_shard_receipts = cross_shard_receipt_list(outcome)?;
    Ok(ExecutionPayload {
        post_state_root: outcome.state_root,
        receipts_root: receipts.tree_hash_root(),
        cross_shard_receipts_root: cross_shard_receipts.tree_hash_root(),
        gas_used: outcome.gas_used,
        transactions: TransactionList::new(transactions)
            .map_err(|_| PayloadError::ListLimit("transactions"))?,
        cross_shard_receipts,
        receipt_claims: ReceiptClaimList::new(claims)
            .map_err(|_| PayloadError::ListLimit("receipt claims"))?,
    })
}

/// The SSZ receipt list of `outcome`, whose root is `receipts_root`.
pub(crate) fn receipt_list(outcome: &ExecutionOutcome) -> Result<ReceiptList, PayloadError> {
    ReceiptList::new(outcome.receipts.iter().map(ReceiptRecord::from).collect())
        .map_err(|_| PayloadError::ListLimit("receipts"))
}

/// The cross-shard receipts of `outcome`, numbered in order.
pub(crate) fn cross_shard_receipt_list(
    outcome: &ExecutionOutcome,
) -> Result<CrossShardReceiptList, PayloadError> {
    let receipts = outcome
        .cross_shard_transfers
        .iter()
        .zip(0u64..)
        .map(|(transfer, index)| CrossShardReceipt::new(transfer, index))
        .collect();
    CrossShardReceiptList::new(receipts)
        .map_err(|_| PayloadError::ListLimit("cross-shard receipts"))
}
