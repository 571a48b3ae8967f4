//! What a node stores of a finalized shard block's execution (in the store's shard-state
//! column), so that a restart rebuilds the block without executing it again: its value totals,
//! the receipt fields of its transactions and, when the block changed it, its execution state.
//!
//! The encoding is one version byte, then the SSZ container `StoredExecutionV1`. A block that
//! changed nothing stores no state and shares its parent's, as in memory. Everything else a
//! block's entry serves (height, gas price, transaction senders and hashes) follows from the
//! block and its parent; the restored state is checked against the payload's
//! `post_state_root`.

use std::sync::Arc;

use alloy_primitives::{B256, U256};
use crosslink::compute_updated_gasprice;
use primitives::types::{Root, SignedShardBlock};
use primitives::{ChainConfig, EthSpec};
use shard::payload::ExecutionPayload;
use shard::{
    ExecutionContext, ExecutionState, SenderCache, ShardTransaction, StateDecodeError,
    shard_chain_id,
};
use ssz::{Decode, Encode};
use ssz_derive::{Decode, Encode};
use tree_hash::TreeHash;

use super::{IncludedTransaction, ShardBlockInfo, ShardSupply};

/// The version byte of the current encoding.
pub const STORED_EXECUTION_VERSION: u8 = 1;

/// Why a stored execution cannot rebuild its block.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoredExecutionError {
    /// No bytes at all, not even the version.
    #[error("empty stored execution")]
    Empty,
    /// A version this code does not read.
    #[error("stored execution version {0} is not known")]
    UnknownVersion(u8),
    /// The container is not valid SSZ.
    #[error("stored execution SSZ: {0}")]
    Ssz(String),
    /// The execution state inside does not decode.
    #[error("stored execution state: {0}")]
    State(#[from] StateDecodeError),
    /// The block's body is not an execution payload.
    #[error("block {0} has no readable execution payload")]
    Payload(Root),
    /// The stored state is not the one the block committed to.
    #[error("block {block}: stored state root {stored} is not the payload's {expected}")]
    StateRootMismatch {
        /// The block.
        block: Root,
        /// The root of the stored (or inherited) state.
        stored: B256,
        /// The block's `post_state_root`.
        expected: B256,
    },
    /// The receipts do not match the block's transactions.
    #[error("block {block}: {stored} stored receipts for {transactions} transactions")]
    ReceiptCount {
        /// The block.
        block: Root,
        /// Receipts stored.
        stored: usize,
        /// Transactions in the payload.
        transactions: usize,
    },
    /// The block's gas price cannot be computed.
    #[error("gas price: {0}")]
    GasPrice(String),
    /// A transaction of the block cannot be read again.
    #[error("block {block}: transaction {index}: {reason}")]
    Transaction {
        /// The block.
        block: Root,
        /// Its position.
        index: usize,
        /// Why.
        reason: String,
    },
}

impl StoredExecutionError {
    /// Always true: the stored bytes or the block they describe are wrong.
    pub fn is_bad_data(&self) -> bool {
        true
    }
}

/// The receipt fields of one transaction that only execution tells.
#[derive(Encode, Decode)]
struct StoredReceipt {
    gas_used: u64,
    cumulative_gas_used: u64,
    success: bool,
}

/// Version 1 of the encoding.
#[derive(Encode, Decode)]
struct StoredExecutionV1 {
    genesis_balance: U256,
    burned: U256,
    sent_out: U256,
    claimed_in: U256,
    receipts: Vec<StoredReceipt>,
    /// [`ExecutionState::to_versioned_bytes`], empty when the block left its parent's state.
    state: Vec<u8>,
}

/// The stored form of `info`, a block whose parent is `parent`.
pub fn encode<E: EthSpec>(info: &ShardBlockInfo<E>, parent: &ShardBlockInfo<E>) -> Vec<u8> {
    let state = if Arc::ptr_eq(&info.execution_state, &parent.execution_state) {
        Vec::new()
    } else {
        info.execution_state.to_versioned_bytes()
    };
    let container = StoredExecutionV1 {
        genesis_balance: info.supply.genesis_balance,
        burned: info.supply.burned,
        sent_out: info.supply.sent_out,
        claimed_in: info.supply.claimed_in,
        receipts: info
            .transactions
            .iter()
            .map(|tx| StoredReceipt {
                gas_used: tx.gas_used,
                cumulative_gas_used: tx.cumulative_gas_used,
                success: tx.success,
            })
            .collect(),
        state,
    };
    let mut bytes = Vec::with_capacity(container.ssz_bytes_len().saturating_add(1));
    bytes.push(STORED_EXECUTION_VERSION);
    container.ssz_append(&mut bytes);
    bytes
}

/// Rebuilds the entry of `block` (child of `parent`, executed in `context`) from its stored
/// execution `bytes`, checking the state against the block's `post_state_root`.
pub fn restore<E: EthSpec>(
    block: &SignedShardBlock<E>,
    parent: &ShardBlockInfo<E>,
    bytes: &[u8],
    context: &ExecutionContext,
    cache: &SenderCache,
    config: &ChainConfig,
) -> Result<ShardBlockInfo<E>, StoredExecutionError> {
    let (version, body) = bytes.split_first().ok_or(StoredExecutionError::Empty)?;
    if *version != STORED_EXECUTION_VERSION {
        return Err(StoredExecutionError::UnknownVersion(*version));
    }
    let stored = StoredExecutionV1::from_ssz_bytes(body)
        .map_err(|e| StoredExecutionError::Ssz(format!("{e:?}")))?;
    let message = &block.message;
    let root = message.tree_hash_root();
    let payload = ExecutionPayload::from_ssz_bytes(&message.body)
        .map_err(|_| StoredExecutionError::Payload(root))?;
    let execution_state = if stored.state.is_empty() {
        Arc::clone(&parent.execution_state)
    } else {
        Arc::new(ExecutionState::from_versioned_bytes(&stored.state)?)
    };
    let state_root = execution_state.root();
    if state_root != payload.post_state_root {
        return Err(StoredExecutionError::StateRootMismatch {
            block: root,
            stored: state_root,
            expected: payload.post_state_root,
        });
    }
    if stored.receipts.len() != payload.transactions.len() {
        return Err(StoredExecutionError::ReceiptCount {
            block: root,
            stored: stored.receipts.len(),
            transactions: payload.transactions.len(),
        });
    }
    let transaction_error = |index: usize, reason: String| StoredExecutionError::Transaction {
        block: root,
        index,
        reason,
    };
    let chain_id = shard_chain_id(context.base_chain_id, context.shard)
        .map_err(|e| transaction_error(0, e.to_string()))?;
    let base_fee = context.base_fee_per_gas();
    let transactions = payload
        .transactions
        .iter()
        .zip(&stored.receipts)
        .enumerate()
        .map(|(index, (bytes, receipt))| {
            let tx = ShardTransaction::decode(bytes, chain_id)
                .map_err(|e| transaction_error(index, e.to_string()))?;
            let from = cache
                .recover(&tx)
                .map_err(|e| transaction_error(index, e.to_string()))?;
            Ok(IncludedTransaction {
                hash: tx.hash(),
                from,
                to: tx.to(),
                value: tx.value(),
                gas_used: receipt.gas_used,
                cumulative_gas_used: receipt.cumulative_gas_used,
                effective_gas_price: tx.effective_gas_price(base_fee).unwrap_or_default(),
                success: receipt.success,
                transfer: tx.transfer().clone(),
            })
        })
        .collect::<Result<Vec<_>, StoredExecutionError>>()?;
    // The gas price follows from the parent's and the body's size, as at execution.
    let gasprice = compute_updated_gasprice(parent.gasprice, message.body.len() as u64, config)
        .map_err(|e| StoredExecutionError::GasPrice(e.to_string()))?;
    Ok(ShardBlockInfo {
        block: Some(Arc::new(block.clone())),
        root,
        parent_root: message.shard_parent_root,
        slot: message.slot,
        number: parent.number.saturating_add(1),
        gasprice,
        execution_state,
        transactions,
        supply: ShardSupply {
            genesis_balance: stored.genesis_balance,
            burned: stored.burned,
            sent_out: stored.sent_out,
            claimed_in: stored.claimed_in,
        },
    })
}
