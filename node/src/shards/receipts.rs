//! What a node remembers of the transactions a shard block included (for JSON-RPC receipts)
//! and the running totals of value on a shard (for supply accounting).

use alloy_primitives::{Address, B256, U256};
use shard::payload::ExecutedPayload;
use shard::{ExecutionContext, SenderCache, ShardTransaction, SignedTransfer, shard_chain_id};

use super::ShardError;

/// A transaction included in a shard block, as its receipt reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncludedTransaction {
    /// The transaction hash.
    pub hash: B256,
    /// The sender.
    pub from: Address,
    /// The recipient.
    pub to: Address,
    /// The value sent, in wei.
    pub value: U256,
    /// Gas used by this transaction.
    pub gas_used: u64,
    /// Gas used by the block up to and including it.
    pub cumulative_gas_used: u64,
    /// The price paid per gas, in wei.
    pub effective_gas_price: u128,
    /// Whether it succeeded (a reverted deposit did not).
    pub success: bool,
    /// The signed transaction itself, for JSON-RPC blocks with full transactions.
    pub transfer: SignedTransfer,
}

/// Value totals of a shard's chain up to a block, in wei. The shard's balances sum to
/// `genesis_balance - burned - sent_out + claimed_in`: fees are burned, value sent to another
/// shard leaves with its receipt and value claimed from another shard arrives.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ShardSupply {
    /// The sum of the genesis balances.
    pub genesis_balance: U256,
    /// Fees burned.
    pub burned: U256,
    /// Value sent to other shards.
    pub sent_out: U256,
    /// Value credited by claims of receipts from other shards.
    pub claimed_in: U256,
}

impl ShardSupply {
    /// The totals after a block that burned `burned`, sent `sent_out` and claimed
    /// `claimed_in`.
    pub fn after_block(&self, burned: U256, sent_out: U256, claimed_in: U256) -> Self {
        Self {
            genesis_balance: self.genesis_balance,
            burned: self.burned.saturating_add(burned),
            sent_out: self.sent_out.saturating_add(sent_out),
            claimed_in: self.claimed_in.saturating_add(claimed_in),
        }
    }
}

/// The included transactions of an executed payload, senders from `cache` (filled by the
/// payload's execution).
pub(super) fn included_transactions(
    executed: &ExecutedPayload,
    context: &ExecutionContext,
    cache: &SenderCache,
) -> Result<Vec<IncludedTransaction>, ShardError> {
    let chain_id = shard_chain_id(context.base_chain_id, context.shard)
        .map_err(|e| ShardError::Config(e.to_string()))?;
    let base_fee = context.base_fee_per_gas();
    executed
        .payload
        .transactions
        .iter()
        .zip(&executed.outcome.receipts)
        .map(|(bytes, receipt)| {
            let tx = ShardTransaction::decode(bytes, chain_id)
                .map_err(|e| ShardError::Config(e.to_string()))?;
            let from = cache
                .recover(&tx)
                .map_err(|e| ShardError::Config(e.to_string()))?;
            Ok(IncludedTransaction {
                hash: receipt.tx_hash,
                from,
                to: tx.to(),
                value: tx.value(),
                gas_used: receipt.gas_used,
                cumulative_gas_used: receipt.cumulative_gas_used,
                effective_gas_price: tx.effective_gas_price(base_fee).unwrap_or_default(),
                success: receipt.success(),
                transfer: tx.transfer().clone(),
            })
        })
        .collect()
}
