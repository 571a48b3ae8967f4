//! Checking a payload on a validator's side: decode, recover, execute, compare every claim.

use std::fmt;

use alloy_primitives::B256;
use primitives::ChainConfig;
use ssz::Decode;
use tree_hash::TreeHash;

use crate::execution::{
    ExecutionContext, ExecutionError, ExecutionOutcome, ExecutionState,
    execute_claims_and_transactions,
};
use crate::payload::build::{cross_shard_receipt_list, receipt_list};
use crate::payload::{ExecutionPayload, NoReceiptVerifier, PayloadLimits, ReceiptVerifier};
use crate::recovery::{SenderCache, recover_senders};
use crate::transaction::{ShardTransaction, TransactionError, shard_chain_id};

/// A root a payload claims.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PayloadField {
    /// `post_state_root`.
    PostStateRoot,
    /// `receipts_root`.
    ReceiptsRoot,
    /// `cross_shard_receipts_root`.
    CrossShardReceiptsRoot,
}

impl fmt::Display for PayloadField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::PostStateRoot => "post_state_root",
            Self::ReceiptsRoot => "receipts_root",
            Self::CrossShardReceiptsRoot => "cross_shard_receipts_root",
        })
    }
}

/// Why a payload cannot be built or is invalid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PayloadError {
    /// The body is larger than `MAX_SHARD_BLOCK_SIZE`.
    #[error("payload of {size} bytes above MAX_SHARD_BLOCK_SIZE {max}")]
    Oversize {
        /// The body's size.
        size: u64,
        /// `MAX_SHARD_BLOCK_SIZE`.
        max: u64,
    },
    /// The body is not an SSZ `ExecutionPayload`.
    #[error("payload is not an SSZ ExecutionPayload: {0}")]
    Undecodable(String),
    /// A transaction's bytes are not a transfer for this shard.
    #[error("transaction {index} undecodable: {reason}")]
    Transaction {
        /// Its position in the payload.
        index: usize,
        /// Why.
        reason: TransactionError,
    },
    /// The transactions' gas is above the block gas limit.
    #[error("transactions use {gas} gas, above the block gas limit {limit}")]
    GasLimitExceeded {
        /// Their total intrinsic gas (saturated).
        gas: u64,
        /// The block gas limit.
        limit: u64,
    },
    /// Executing the transactions failed (an invalid transaction, or a state limit).
    #[error(transparent)]
    Execution(#[from] ExecutionError),
    /// The claimed `gas_used` is not what execution used.
    #[error("gas_used {claimed} claimed, execution used {computed}")]
    GasUsedMismatch {
        /// The payload's `gas_used`.
        claimed: u64,
        /// What execution used.
        computed: u64,
    },
    /// A claimed root is not what execution produced.
    #[error("{field} {claimed} claimed, execution gives {computed}")]
    RootMismatch {
        /// Which root.
        field: PayloadField,
        /// The payload's value.
        claimed: B256,
        /// What execution produced.
        computed: B256,
    },
    /// The cross-shard receipts listed are not the ones execution emitted.
    #[error("cross_shard_receipts differ from the transfers execution emitted")]
    CrossShardReceiptsMismatch,
    /// The context's shard has no chain id (`base_chain_id + shard` overflows).
    #[error("execution context: {0}")]
    ChainId(TransactionError),
    /// A list would exceed its SSZ limit (selection prevents it when building).
    #[error("{0} exceed their SSZ list limit")]
    ListLimit(&'static str),
}

impl PayloadError {
    /// Whether the payload (so its proposer) is at fault rather than the local state.
    pub fn is_bad_data(&self) -> bool {
        match self {
            Self::Transaction { reason, .. } => reason.is_bad_data(),
            Self::Execution(err) => err.is_bad_data(),
            Self::ChainId(_) | Self::ListLimit(_) => false,
            _ => true,
        }
    }
}

/// A payload that executed and whose claims hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExecutedPayload {
    /// The decoded payload.
    pub payload: ExecutionPayload,
    /// What its execution produced.
    pub outcome: ExecutionOutcome,
}

/// Checks a shard block body on `state`: decodes it, decodes its transactions for the
/// context's shard, recovers their senders through `cache` (in parallel), executes them all or
/// nothing, and checks `gas_used`, `receipts_root`, the cross-shard receipts and their root and
/// `post_state_root` against what execution produced. On success `state` holds the payload's
/// changes; on any error it is unchanged.
///
/// Cheap checks come first (size, decoding, gas), so a bad body costs no signature recovery.
/// Execution runs on a copy of the state, swapped in only once every claim holds: the state
/// root is known only after committing.
///
/// A payload that claims receipts is refused ([`crate::ReceiptProofInvalid::NoVerifier`]):
/// such payloads are checked with [`execute_payload_with_claims`].
pub fn execute_payload(
    state: &mut ExecutionState,
    payload_bytes: &[u8],
    cache: &SenderCache,
    context: &ExecutionContext,
    config: &ChainConfig,
) -> Result<ExecutedPayload, PayloadError> {
    execute_payload_with_claims(
        state,
        payload_bytes,
        &NoReceiptVerifier,
        cache,
        context,
        config,
    )
}

/// Checks a shard block body as [`execute_payload`] does, crediting its receipt claims first,
/// each proof checked by `verifier` and each receipt recorded as spent: a claim for another
/// shard, of a spent receipt (before or earlier in the payload) or with a failing proof makes
/// the payload invalid.
pub fn execute_payload_with_claims(
    state: &mut ExecutionState,
    payload_bytes: &[u8],
    verifier: &dyn ReceiptVerifier,
    cache: &SenderCache,
    context: &ExecutionContext,
    config: &ChainConfig,
) -> Result<ExecutedPayload, PayloadError> {
    let limits = PayloadLimits::from_config(config);
    let size = u64::try_from(payload_bytes.len()).unwrap_or(u64::MAX);
    if size > limits.bytes {
        return Err(PayloadError::Oversize {
            size,
            max: limits.bytes,
        });
    }
    let payload = ExecutionPayload::from_ssz_bytes(payload_bytes)
        .map_err(|err| PayloadError::Undecodable(format!("{err:?}")))?;
    let chain_id =
        shard_chain_id(context.base_chain_id, context.shard).map_err(PayloadError::ChainId)?;
    let txs = payload
        .transactions
        .iter()
        .enumerate()
        .map(|(index, bytes)| {
            ShardTransaction::decode(bytes, chain_id)
                .map_err(|reason| PayloadError::Transaction { index, reason })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let gas = txs
        .iter()
        .fold(0u64, |gas, tx| gas.saturating_add(tx.intrinsic_gas()));
    if gas > limits.gas {
        return Err(PayloadError::GasLimitExceeded {
            gas,
            limit: limits.gas,
        });
    }
    let senders = recover_senders(&txs, cache).map_err(ExecutionError::from)?;
    let mut next = state.clone();
    let outcome = execute_claims_and_transactions(
        &mut next,
        &payload.receipt_claims,
        verifier,
        &txs,
        &senders,
        context,
    )?;
    check_claims(&payload, &outcome)?;
    *state = next;
    Ok(ExecutedPayload { payload, outcome })
}

/// Compares what `payload` claims with what executing it produced.
fn check_claims(
    payload: &ExecutionPayload,
    outcome: &ExecutionOutcome,
) -> Result<(), PayloadError> {
    if payload.gas_used != outcome.gas_used {
        return Err(PayloadError::GasUsedMismatch {
            claimed: payload.gas_used,
            computed: outcome.gas_used,
        });
    }
    let root = |field, claimed: B256, computed: B256| {
        if claimed == computed {
            Ok(())
        } else {
            Err(PayloadError::RootMismatch {
                field,
                claimed,
                computed,
            })
        }
    };
    root(
        PayloadField::ReceiptsRoot,
        payload.receipts_root,
        receipt_list(outcome)?.tree_hash_root(),
    )?;
    let cross_shard = cross_shard_receipt_list(outcome)?;
    root(
        PayloadField::CrossShardReceiptsRoot,
        payload.cross_shard_receipts_root,
        cross_shard.tree_hash_root(),
    )?;
    if payload.cross_shard_receipts != cross_shard {
        return Err(PayloadError::CrossShardReceiptsMismatch);
    }
    root(
        PayloadField::PostStateRoot,
        payload.post_state_root,
        outcome.state_root,
    )
}
