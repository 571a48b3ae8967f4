//! The shard endpoints (`/shardnet/v1/shards/{shard}/...`: head, blocks, crosslinks, accounts,
//! receipts), each shard's Ethereum JSON-RPC, and `/metrics`.

use std::sync::Arc;

use alloy_primitives::{Address, B256, keccak256};
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use beacon::accessors::get_active_shard_count;
use primitives::EthSpec;
use primitives::types::{Root, Shard, ShardState};
use serde_json::{Value, json};
use shard::{CrossShardReceipt, CrossShardReceiptProof, ExecutionPayload};
use ssz::{Decode, Encode};

use super::backend::{ShardBlockAt, ShardBlockId};
use super::extract::{ApiBytes, ApiJson, ApiPath, QueryPairs, parse_u64};
use super::views::{hex0x, parse_hex};
use super::{BeaconNodeBackend, data, on_blocking};
use crate::api::{ApiError, StateId};
use crate::rpc;

/// The most blocks one `blocks` request lists.
pub(super) const MAX_SHARD_BLOCKS: u64 = 64;

/// The shard `text` names, if the chain has it and the node follows it: 400 for a malformed
/// number, 404 for a shard that is not active or not followed.
fn shard_of<B: BeaconNodeBackend>(backend: &B, text: &str) -> Result<Shard, ApiError> {
    let shard = parse_u64(text, "shard")?;
    let head = backend
        .state(StateId::Head)?
        .ok_or_else(|| ApiError::unavailable("no head state yet"))?;
    let active = get_active_shard_count(&head.state, backend.chain_config());
    if shard >= active {
        return Err(ApiError::not_found(format!(
            "no shard {shard}: the chain has {active} active shards"
        )));
    }
    if !backend.tracks_shard(shard) {
        return Err(ApiError::not_found(format!(
            "shard {shard} is not followed by this node"
        )));
    }
    Ok(shard)
}

fn shard_block_id(text: &str) -> Result<ShardBlockId, ApiError> {
    if text == "head" {
        return Ok(ShardBlockId::Head);
    }
    if text.starts_with("0x") {
        return Ok(ShardBlockId::Root(Root::from_slice(&parse_hex(
            text,
            32,
            "shard block root",
        )?)));
    }
    text.parse().map(ShardBlockId::Slot).map_err(|_| {
        ApiError::bad_request(format!(
            "invalid shard block id `{text}`: expected head, a slot or a 0x-prefixed root"
        ))
    })
}

/// The execution payload a body encodes, if it encodes one (the genesis block's does not).
fn payload_of<E: EthSpec>(block: &ShardBlockAt<E>) -> Option<ExecutionPayload> {
    let body = &block.block.message.body;
    if body.is_empty() {
        return None;
    }
    ExecutionPayload::from_ssz_bytes(body).ok()
}

fn cross_shard_receipt_json(receipt: &CrossShardReceipt) -> Value {
    json!({
        "source_shard": receipt.source_shard.to_string(),
        "dest_shard": receipt.dest_shard.to_string(),
        "index": receipt.index.to_string(),
        "from": receipt.from,
        "to": receipt.to,
        "value": receipt.value.to_string(),
        "tx_hash": receipt.tx_hash,
    })
}

fn payload_json(payload: &ExecutionPayload, full: bool) -> Value {
    let mut value = json!({
        "post_state_root": payload.post_state_root,
        "receipts_root": payload.receipts_root,
        "cross_shard_receipts_root": payload.cross_shard_receipts_root,
        "gas_used": payload.gas_used.to_string(),
        "transaction_count": payload.transactions.len().to_string(),
        "cross_shard_receipt_count": payload.cross_shard_receipts.len().to_string(),
        "receipt_claim_count": payload.receipt_claims.len().to_string(),
    });
    if full && let Value::Object(fields) = &mut value {
        let hashes: Vec<B256> = payload
            .transactions
            .iter()
            .map(|tx| keccak256(&tx[..]))
            .collect();
        fields.insert(String::from("transactions"), json!(hashes));
        fields.insert(
            String::from("cross_shard_receipts"),
            payload
                .cross_shard_receipts
                .iter()
                .map(cross_shard_receipt_json)
                .collect(),
        );
        fields.insert(
            String::from("receipt_claims"),
            payload
                .receipt_claims
                .iter()
                .map(|claim| cross_shard_receipt_json(&claim.receipt))
                .collect(),
        );
    }
    value
}

fn block_summary<E: EthSpec>(block: &ShardBlockAt<E>) -> Value {
    let message = &block.block.message;
    json!({
        "root": block.root,
        "shard": message.shard.to_string(),
        "slot": message.slot.to_string(),
        "proposer_index": message.proposer_index.to_string(),
        "shard_parent_root": message.shard_parent_root,
        "beacon_parent_root": message.beacon_parent_root,
        "body_size": message.body.len().to_string(),
        "crosslinked": block.crosslinked,
        "finalized": block.finalized,
        "payload": payload_of(block).map(|payload| payload_json(&payload, false)),
    })
}

/// `GET /shardnet/v1/shards/{shard}/head`: a summary of the shard's head block.
pub(super) async fn head<B: BeaconNodeBackend>(
    State(backend): State<Arc<B>>,
    ApiPath(shard): ApiPath<String>,
) -> Result<Json<Value>, ApiError> {
    let shard = shard_of(&*backend, &shard)?;
    let head = backend
        .shard_block(shard, ShardBlockId::Head)?
        .ok_or_else(|| ApiError::not_found(format!("shard {shard} has no head block yet")))?;
    Ok(data(block_summary(&head)))
}

/// `GET /shardnet/v1/shards/{shard}/blocks?start_slot&count`: summaries of the canonical
/// blocks in `[start_slot, start_slot + count)` (`count` at most 64, 16 by default; without
/// `start_slot`, the latest `count` slots up to the head).
pub(super) async fn blocks<B: BeaconNodeBackend>(
    State(backend): State<Arc<B>>,
    ApiPath(shard): ApiPath<String>,
    query: QueryPairs,
) -> Result<Json<Value>, ApiError> {
    query.only(&["start_slot", "count"])?;
    let count = query.number("count")?.unwrap_or(16);
    if count == 0 || count > MAX_SHARD_BLOCKS {
        return Err(ApiError::bad_request(format!(
            "count {count} out of range: 1 to {MAX_SHARD_BLOCKS}"
        )));
    }
    let start = query.number("start_slot")?;
    let shard = shard_of(&*backend, &shard)?;
    let start = match start {
        Some(start) => start,
        None => backend
            .shard_block(shard, ShardBlockId::Head)?
            .map_or(0, |head| {
                head.block
                    .message
                    .slot
                    .saturating_add(1)
                    .saturating_sub(count)
            }),
    };
    let end = start.checked_add(count).ok_or_else(|| {
        ApiError::bad_request(format!("start_slot {start} plus count {count} overflows"))
    })?;
    let blocks = backend.shard_blocks(shard, start..end)?;
    Ok(data(blocks.iter().map(block_summary).collect::<Vec<_>>()))
}

/// `GET /shardnet/v1/shards/{shard}/blocks/{block_id}`: a block (`head`, a slot or a root),
/// its signed form (body as hex) and its decoded payload.
pub(super) async fn block<B: BeaconNodeBackend>(
    State(backend): State<Arc<B>>,
    ApiPath((shard, block_id)): ApiPath<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let id = shard_block_id(&block_id)?;
    let shard = shard_of(&*backend, &shard)?;
    let block = backend
        .shard_block(shard, id)?
        .ok_or_else(|| ApiError::not_found(format!("shard {shard} has no block `{block_id}`")))?;
    Ok(data(json!({
        "root": block.root,
        "crosslinked": block.crosslinked,
        "finalized": block.finalized,
        "block": &*block.block,
        "payload": payload_of(&block).map(|payload| payload_json(&payload, true)),
    })))
}

fn shard_state_json(state: Option<&ShardState>) -> Value {
    state.map_or(Value::Null, |state| {
        json!({
            "slot": state.slot.to_string(),
            "gasprice": state.gasprice.to_string(),
            "latest_block_root": state.latest_block_root,
        })
    })
}

/// `GET /shardnet/v1/shards/{shard}/crosslinks`: the shard's latest crosslink in the head
/// state and in the finalized state (`ShardState`: slot, gas price, block root).
pub(super) async fn crosslinks<B: BeaconNodeBackend>(
    State(backend): State<Arc<B>>,
    ApiPath(shard): ApiPath<String>,
) -> Result<Json<Value>, ApiError> {
    let shard = shard_of(&*backend, &shard)?;
    let index = usize::try_from(shard).unwrap_or(usize::MAX);
    let head = backend.state(StateId::Head)?;
    let finalized = backend.state(StateId::Finalized)?;
    Ok(data(json!({
        "shard": shard.to_string(),
        "head": shard_state_json(head.as_ref().and_then(|at| at.state.shard_states.get(index))),
        "finalized": shard_state_json(
            finalized.as_ref().and_then(|at| at.state.shard_states.get(index))
        ),
    })))
}

/// `GET /shardnet/v1/shards/{shard}/accounts/{address}`: balance (wei, decimal) and nonce at
/// the shard's head. An address whose home is another shard is refused, naming its shard.
pub(super) async fn account<B: BeaconNodeBackend>(
    State(backend): State<Arc<B>>,
    ApiPath((shard, address)): ApiPath<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let address = Address::from_slice(&parse_hex(&address, 20, "address")?);
    let shard = shard_of(&*backend, &shard)?;
    let head = backend
        .state(StateId::Head)?
        .ok_or_else(|| ApiError::unavailable("no head state yet"))?;
    let active = get_active_shard_count(&head.state, backend.chain_config());
    let home = shard::home_shard(&address, active)
        .map_err(|error| ApiError::internal(error.to_string()))?;
    if home != shard {
        return Err(ApiError::bad_request(format!(
            "address {address} lives on shard {home}, not shard {shard}"
        )));
    }
    let account = backend.account(shard, address)?;
    Ok(data(json!({
        "address": address,
        "shard": shard.to_string(),
        "balance": account.balance.to_string(),
        "nonce": account.nonce.to_string(),
    })))
}

fn proof_json(proof: &CrossShardReceiptProof) -> Value {
    json!({
        "receipt": cross_shard_receipt_json(&proof.receipt),
        "receipts_branch": proof.receipts_branch.to_vec(),
        "payload_branch": proof.payload_branch.to_vec(),
        "shard_block_index": proof.shard_block_index.to_string(),
        "transition_branch": proof.transition_branch.to_vec(),
        "beacon_body_branch": proof.beacon_body_branch.to_vec(),
        "beacon_block_header": proof.beacon_block_header,
        "historical_branch": proof.historical_branch.to_vec(),
        "ssz": hex0x(proof.as_ssz_bytes()),
    })
}

/// `GET /shardnet/v1/shards/{shard}/receipts/{tx_hash}`: the receipt of an included
/// transaction, and for a cross-shard transfer the receipt the destination credits, with its
/// proof (`ssz` is the `CrossShardReceiptProof` a claim carries) once it can be claimed.
pub(super) async fn receipt<B: BeaconNodeBackend>(
    State(backend): State<Arc<B>>,
    ApiPath((shard, tx_hash)): ApiPath<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let tx_hash = B256::from_slice(&parse_hex(&tx_hash, 32, "transaction hash")?);
    let shard = shard_of(&*backend, &shard)?;
    let found = backend.receipt(shard, tx_hash)?.ok_or_else(|| {
        ApiError::not_found(format!(
            "no transaction {tx_hash} included on shard {shard}"
        ))
    })?;
    let receipt = &found.receipt;
    Ok(data(json!({
        "transaction_hash": receipt.tx_hash,
        "shard": shard.to_string(),
        "block_root": found.block_root,
        "block_slot": found.block_slot.to_string(),
        "transaction_index": found.transaction_index.to_string(),
        "from": found.from,
        "to": found.to,
        "success": receipt.success(),
        "gas_used": receipt.gas_used.to_string(),
        "cumulative_gas_used": receipt.cumulative_gas_used.to_string(),
        "deposit_index": receipt.deposit_index.map(|index| index.to_string()),
        "finalized": found.finalized,
        "cross_shard_receipt": found.cross_shard.as_ref().map(cross_shard_receipt_json),
        "claimed": found.claimed,
        "proof": found.proof.as_deref().map(proof_json),
    })))
}

/// `POST /shardnet/v1/shards/{shard}/rpc` (and `POST /rpc/{shard}`): the shard's Ethereum
/// JSON-RPC. Method errors are JSON-RPC error objects in a 200; a body that is not a JSON-RPC
/// request at all is a 400 with the JSON-RPC error; notifications only get a 204.
pub(super) async fn rpc<B: BeaconNodeBackend>(
    State(backend): State<Arc<B>>,
    ApiPath(shard): ApiPath<String>,
    ApiBytes(body): ApiBytes,
) -> Result<Response, ApiError> {
    on_blocking(move || rpc_blocking(&*backend, shard, body)).await
}

fn rpc_blocking<B: BeaconNodeBackend>(
    backend: &B,
    shard: String,
    body: Bytes,
) -> Result<Response, ApiError> {
    let shard = shard_of(backend, &shard)?;
    let api = backend.shard_eth_api(shard).ok_or_else(|| {
        ApiError::not_found(format!("shard {shard} has no JSON-RPC on this node"))
    })?;
    let Some(response) = rpc::handle(&*api, &body) else {
        return Ok(StatusCode::NO_CONTENT.into_response());
    };
    let malformed = response
        .get("error")
        .and_then(|error| error.get("code"))
        .and_then(Value::as_i64)
        .is_some_and(|code| code == -32700 || code == -32600);
    let status = if malformed {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    Ok((status, Json(response)).into_response())
}

/// The body of `POST /shardnet/v1/shards/{shard}/transactions`.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct TransactionSubmission {
    /// The signed transaction's EIP-2718 bytes, `0x`-prefixed hex.
    raw: String,
}

/// `POST /shardnet/v1/shards/{shard}/transactions` with `{"raw": "0x..."}`: submits a signed
/// transaction to the shard's pool, as `eth_sendRawTransaction` does, but with REST answers:
/// `{"data": {"hash"}}`, or a 400 saying why the transaction was refused.
pub(super) async fn submit_transaction<B: BeaconNodeBackend>(
    State(backend): State<Arc<B>>,
    ApiPath(shard): ApiPath<String>,
    ApiJson(submission): ApiJson<TransactionSubmission>,
) -> Result<Json<Value>, ApiError> {
    on_blocking(move || {
        let shard = shard_of(&*backend, &shard)?;
        let raw = submission
            .raw
            .strip_prefix("0x")
            .ok_or_else(|| ApiError::bad_request("`raw` must be 0x-prefixed hex"))
            .and_then(|digits| {
                hex::decode(digits)
                    .map_err(|error| ApiError::bad_request(format!("invalid `raw`: {error}")))
            })?;
        let api = backend.shard_eth_api(shard).ok_or_else(|| {
            ApiError::not_found(format!(
                "shard {shard} has no transaction pool on this node"
            ))
        })?;
        match api.send_raw_transaction(raw.into()) {
            Ok(hash) => Ok(data(json!({ "hash": hash }))),
            Err(
                error @ (rpc::RpcError::TransactionRejected(_)
                | rpc::RpcError::InvalidParams(_)
                | rpc::RpcError::Parse(_)
                | rpc::RpcError::InvalidRequest(_)),
            ) => Err(ApiError::bad_request(format!(
                "transaction refused: {error}"
            ))),
            Err(rpc::RpcError::ResourceNotFound(message)) => Err(ApiError::unavailable(message)),
            Err(error) => Err(ApiError::internal(error.to_string())),
        }
    })
    .await
}

/// `GET /metrics`: the node's metrics in the Prometheus text format.
pub(super) async fn metrics<B: BeaconNodeBackend>(State(backend): State<Arc<B>>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        backend.metrics(),
    )
        .into_response()
}
