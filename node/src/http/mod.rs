//! The node's HTTP server: every API on one port.
//!
//! - **Beacon API v1** (`ethereum/beacon-APIs`): `/eth/v1/node/{identity,version,health,
//!   syncing,peer_count}`, `/eth/v1/beacon/genesis`, `/eth/v1/beacon/headers[/{block_id}]`,
//!   `/eth/v1/beacon/blocks/{block_id}[/root|/attestations]` and `POST /eth/v1/beacon/blocks`,
//!   `/eth/v1/beacon/states/{state_id}/{root,fork,finality_checkpoints,validators,
//!   validators/{validator_id},validator_balances,committees}`,
//!   `/eth/v1/beacon/pool/{attestations,voluntary_exits,proposer_slashings,attester_slashings}`
//!   (GET and POST), `/eth/v1/config/{spec,fork_schedule,deposit_contract}`,
//!   `POST /eth/v1/validator/duties/attester/{epoch}`,
//!   `GET /eth/v1/validator/duties/proposer/{epoch}`, and `/eth/v1/events?topics=...` (SSE).
//! - **Keymanager API**: `GET`, `POST` and `DELETE /eth/v1/keystores`, with EIP-3076
//!   slashing protection interchange, behind a bearer token when one is configured
//!   ([`HttpOptions::keymanager_token`]).
//! - **Shard endpoints**: `/shardnet/v1/shards/{shard}/{head,blocks,blocks/{block_id},
//!   crosslinks,accounts/{address},receipts/{tx_hash}}`.
//! - **Ethereum JSON-RPC** of each shard: `POST /shardnet/v1/shards/{shard}/rpc`, also at
//!   `POST /rpc/{shard}` for tools that take one URL per chain.
//! - **Metrics**: `GET /metrics`, Prometheus text.
//!
//! Responses are `{"data": ...}` with integers as quoted decimal strings; every refusal is a
//! `{"code", "message"}` body with a 4xx status (see [`error`]). Request bodies larger than the
//! configured limit get 413. JSON-RPC errors are JSON-RPC error objects in a 200 response, as
//! Ethereum tooling expects, except a body that is not a JSON-RPC request at all (400).
//!
//! The chain behind the server is a [`BeaconNodeBackend`]; everything the APIs derive from
//! states and blocks is computed here.

pub mod backend;
mod beacon_api;
mod crosslink_tally;
mod duties;
pub mod error;
mod events;
mod extract;
mod keymanager;
mod network_api;
mod node_api;
pub mod node_backend;
mod pool;
mod shards;
mod views;

#[cfg(test)]
mod tests;

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use serde::Serialize;
use serde_json::{Value, json};
use tower_http::catch_panic::CatchPanicLayer;

pub use backend::BeaconNodeBackend;
pub use node_backend::NodeBackend;

use crate::api::ApiError;

/// How the server is set up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpOptions {
    /// Request bodies larger than this get 413.
    pub max_body_bytes: usize,
    /// When set, the Keymanager API (`/eth/v1/keystores`) answers only requests with
    /// `Authorization: Bearer <token>` (others get 401), as the Keymanager API specifies.
    pub keymanager_token: Option<String>,
}

/// The server's routes over `backend`, refusing request bodies over `max_body_bytes` (413),
/// with the Keymanager API open to whoever reaches the port.
pub fn router<B: BeaconNodeBackend>(backend: Arc<B>, max_body_bytes: usize) -> Router {
    router_with(
        backend,
        &HttpOptions {
            max_body_bytes,
            keymanager_token: None,
        },
    )
}

/// The server's routes over `backend`, set up by `options`.
pub fn router_with<B: BeaconNodeBackend>(backend: Arc<B>, options: &HttpOptions) -> Router {
    let keymanager = Router::new()
        .route(
            "/eth/v1/keystores",
            get(keymanager::list::<B>)
                .post(keymanager::import::<B>)
                .delete(keymanager::delete::<B>),
        )
        .route_layer(axum::middleware::from_fn_with_state(
            Arc::new(options.keymanager_token.clone()),
            keymanager::authorize,
        ));
    Router::new()
        .merge(keymanager)
        // node
        .route("/eth/v1/node/identity", get(node_api::identity::<B>))
        .route("/eth/v1/node/version", get(node_api::version))
        .route("/eth/v1/node/health", get(node_api::health::<B>))
        .route("/eth/v1/node/syncing", get(node_api::syncing::<B>))
        .route("/eth/v1/node/peer_count", get(node_api::peer_count::<B>))
        .route("/eth/v1/node/peers", get(network_api::peers::<B>))
        .route(
            "/shardnet/v1/network/blocked_peers",
            get(network_api::blocked_peers::<B>).post(network_api::set_blocked_peers::<B>),
        )
        // config
        .route("/eth/v1/config/spec", get(node_api::spec::<B>))
        .route(
            "/eth/v1/config/fork_schedule",
            get(node_api::fork_schedule::<B>),
        )
        .route(
            "/eth/v1/config/deposit_contract",
            get(node_api::deposit_contract::<B>),
        )
        // beacon
        .route("/eth/v1/beacon/genesis", get(beacon_api::genesis::<B>))
        .route("/eth/v1/beacon/headers", get(beacon_api::headers::<B>))
        .route(
            "/eth/v1/beacon/headers/{block_id}",
            get(beacon_api::header::<B>),
        )
        .route("/eth/v1/beacon/blocks", post(pool::publish_block::<B>))
        .route(
            "/eth/v1/beacon/blocks/{block_id}",
            get(beacon_api::block::<B>),
        )
        .route(
            "/eth/v1/beacon/blocks/{block_id}/root",
            get(beacon_api::block_root::<B>),
        )
        .route(
            "/eth/v1/beacon/blocks/{block_id}/attestations",
            get(beacon_api::block_attestations::<B>),
        )
        .route(
            "/eth/v1/beacon/states/{state_id}/root",
            get(beacon_api::state_root::<B>),
        )
        .route(
            "/eth/v1/beacon/states/{state_id}/fork",
            get(beacon_api::state_fork::<B>),
        )
        .route(
            "/eth/v1/beacon/states/{state_id}/finality_checkpoints",
            get(beacon_api::finality_checkpoints::<B>),
        )
        .route(
            "/eth/v1/beacon/states/{state_id}/validators",
            get(beacon_api::validators::<B>),
        )
        .route(
            "/eth/v1/beacon/states/{state_id}/validators/{validator_id}",
            get(beacon_api::validator::<B>),
        )
        .route(
            "/eth/v1/beacon/states/{state_id}/validator_balances",
            get(beacon_api::validator_balances::<B>),
        )
        .route(
            "/eth/v1/beacon/states/{state_id}/committees",
            get(beacon_api::committees::<B>),
        )
        // pool
        .route(
            "/eth/v1/beacon/pool/attestations",
            get(pool::attestations::<B>).post(pool::submit_attestations::<B>),
        )
        .route(
            "/eth/v1/beacon/pool/voluntary_exits",
            get(pool::voluntary_exits::<B>).post(pool::submit_voluntary_exit::<B>),
        )
        .route(
            "/eth/v1/beacon/pool/proposer_slashings",
            get(pool::proposer_slashings::<B>).post(pool::submit_proposer_slashing::<B>),
        )
        .route(
            "/eth/v1/beacon/pool/attester_slashings",
            get(pool::attester_slashings::<B>).post(pool::submit_attester_slashing::<B>),
        )
        // validator
        .route(
            "/eth/v1/validator/duties/attester/{epoch}",
            post(duties::attester::<B>),
        )
        .route(
            "/eth/v1/validator/duties/proposer/{epoch}",
            get(duties::proposer::<B>),
        )
        // events
        .route("/eth/v1/events", get(events::events::<B>))
        // shards
        .route("/shardnet/v1/shards/{shard}/head", get(shards::head::<B>))
        .route(
            "/shardnet/v1/shards/{shard}/blocks",
            get(shards::blocks::<B>),
        )
        .route(
            "/shardnet/v1/shards/{shard}/blocks/{block_id}",
            get(shards::block::<B>),
        )
        .route(
            "/shardnet/v1/shards/{shard}/crosslinks",
            get(shards::crosslinks::<B>),
        )
        .route(
            "/shardnet/v1/shards/{shard}/accounts/{address}",
            get(shards::account::<B>),
        )
        .route(
            "/shardnet/v1/shards/{shard}/receipts/{tx_hash}",
            get(shards::receipt::<B>),
        )
        .route(
            "/shardnet/v1/shards/{shard}/transactions",
            post(shards::submit_transaction::<B>),
        )
        .route("/shardnet/v1/shards/{shard}/rpc", post(shards::rpc::<B>))
        .route("/rpc/{shard}", post(shards::rpc::<B>))
        // metrics
        .route("/metrics", get(shards::metrics::<B>))
        .fallback(error::not_found)
        .method_not_allowed_fallback(error::method_not_allowed)
        .with_state(backend)
        .layer(DefaultBodyLimit::max(options.max_body_bytes))
        .layer(CatchPanicLayer::custom(error::panic_response))
}

/// Serves `router` on `listener` until the listener fails.
pub async fn serve(listener: tokio::net::TcpListener, router: Router) -> std::io::Result<()> {
    axum::serve(listener, router).await
}

/// Runs `work` on the blocking thread pool: handlers whose backend calls may wait on the
/// chain's locks or whose derivations shuffle a whole registry (validators, committees,
/// duties, JSON-RPC) keep the async workers free. A panic in `work` is a 500.
async fn on_blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|error| ApiError::internal(format!("the request handler failed: {error}")))?
}

/// `{"data": value}`.
fn data<T: Serialize>(value: T) -> axum::Json<Value> {
    axum::Json(json!({ "data": value }))
}
