//! `/eth/v1/node/*` and `/eth/v1/config/*`: the node's identity, version, health, sync status
//! and peers, and the chain's configuration.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use super::views::hex0x;
use super::{BeaconNodeBackend, data};
use crate::api::{ApiError, StateId};

/// The version string of `/eth/v1/node/version`: `shardnet/v<version>/<arch>-<os>`.
pub(super) fn version_string() -> String {
    format!(
        "shardnet/v{}/{}-{}",
        env!("CARGO_PKG_VERSION"),
        std::env::consts::ARCH,
        std::env::consts::OS
    )
}

/// `GET /eth/v1/node/identity`.
pub(super) async fn identity<B: BeaconNodeBackend>(State(backend): State<Arc<B>>) -> Json<Value> {
    data(backend.node_identity())
}

/// `GET /eth/v1/node/version`.
pub(super) async fn version() -> Json<Value> {
    data(json!({ "version": version_string() }))
}

/// `GET /eth/v1/node/health`: 200 when synced, 206 while syncing, 503 without a head state
/// yet (bodies are empty).
pub(super) async fn health<B: BeaconNodeBackend>(State(backend): State<Arc<B>>) -> Response {
    if !matches!(backend.state(StateId::Head), Ok(Some(_))) {
        StatusCode::SERVICE_UNAVAILABLE.into_response()
    } else if backend.sync_status().is_syncing {
        StatusCode::PARTIAL_CONTENT.into_response()
    } else {
        StatusCode::OK.into_response()
    }
}

/// `GET /eth/v1/node/syncing`.
pub(super) async fn syncing<B: BeaconNodeBackend>(State(backend): State<Arc<B>>) -> Json<Value> {
    data(backend.sync_status())
}

/// `GET /eth/v1/node/peer_count`.
pub(super) async fn peer_count<B: BeaconNodeBackend>(State(backend): State<Arc<B>>) -> Json<Value> {
    data(backend.peer_count())
}

/// `GET /eth/v1/config/spec`: every configuration constant by its spec name, numbers as
/// quoted decimals and byte strings as `0x` hex.
pub(super) async fn spec<B: BeaconNodeBackend>(
    State(backend): State<Arc<B>>,
) -> Result<Json<Value>, ApiError> {
    let value = serde_json::to_value(backend.chain_config())
        .map_err(|error| ApiError::internal(format!("cannot encode the configuration: {error}")))?;
    let Value::Object(fields) = value else {
        return Err(ApiError::internal("the configuration is not a mapping"));
    };
    let quoted: Map<String, Value> = fields
        .into_iter()
        .map(|(key, value)| (key, quote_numbers(value)))
        .collect();
    Ok(data(quoted))
}

/// Numbers (and flags) as strings, in lists too, as the config spec endpoint writes them.
fn quote_numbers(value: Value) -> Value {
    match value {
        Value::Number(number) => Value::String(number.to_string()),
        Value::Bool(flag) => Value::String(flag.to_string()),
        Value::Array(items) => Value::Array(items.into_iter().map(quote_numbers).collect()),
        other => other,
    }
}

/// `GET /eth/v1/config/fork_schedule`: the forks of the chain. Phase 1 runs from genesis, so
/// the schedule is the head state's fork.
pub(super) async fn fork_schedule<B: BeaconNodeBackend>(
    State(backend): State<Arc<B>>,
) -> Result<Json<Value>, ApiError> {
    let head = backend
        .state(StateId::Head)?
        .ok_or_else(|| ApiError::unavailable("no head state yet"))?;
    Ok(data([&head.state.fork]))
}

/// `GET /eth/v1/config/deposit_contract`: the deposit contract, which lives on shard 0, so its
/// chain id is shard 0's (`BASE_CHAIN_ID`).
pub(super) async fn deposit_contract<B: BeaconNodeBackend>(
    State(backend): State<Arc<B>>,
) -> Json<Value> {
    let config = backend.chain_config();
    data(json!({
        "chain_id": config.base_chain_id.to_string(),
        "address": hex0x(config.deposit_contract_address),
    }))
}
