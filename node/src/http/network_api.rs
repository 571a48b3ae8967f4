//! `/eth/v1/node/peers` and the operator's partition switch,
//! `/shardnet/v1/network/blocked_peers` (the peers whose traffic is dropped both ways).

use std::collections::BTreeSet;
use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use network::PeerId;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::extract::ApiJson;
use super::{BeaconNodeBackend, data};
use crate::api::ApiError;

/// A connected peer as `/eth/v1/node/peers` lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PeerView {
    /// The peer's id.
    pub peer_id: String,
    /// Its record (shardnet has none).
    pub enr: Option<String>,
    /// The address it was last seen at, when known.
    pub last_seen_p2p_address: String,
    /// `connected`.
    pub state: &'static str,
    /// `outbound` for peers this node dials (its bootnodes), `inbound` for the others.
    pub direction: &'static str,
}

/// The body of `POST /shardnet/v1/network/blocked_peers`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct BlockedPeers {
    peer_ids: Vec<String>,
}

/// `GET /eth/v1/node/peers`.
pub(super) async fn peers<B: BeaconNodeBackend>(State(backend): State<Arc<B>>) -> Json<Value> {
    let peers = backend.peers();
    let count = peers.len();
    Json(json!({ "data": peers, "meta": { "count": count } }))
}

/// `GET /shardnet/v1/network/blocked_peers`.
pub(super) async fn blocked_peers<B: BeaconNodeBackend>(
    State(backend): State<Arc<B>>,
) -> Result<Json<Value>, ApiError> {
    let blocked = backend.blocked_peers()?;
    Ok(data(json!({
        "peer_ids": blocked.iter().map(PeerId::to_string).collect::<Vec<_>>()
    })))
}

/// `POST /shardnet/v1/network/blocked_peers`: replaces the set (an empty list heals).
pub(super) async fn set_blocked_peers<B: BeaconNodeBackend>(
    State(backend): State<Arc<B>>,
    ApiJson(body): ApiJson<BlockedPeers>,
) -> Result<Json<Value>, ApiError> {
    let mut peers = BTreeSet::new();
    for text in &body.peer_ids {
        let peer = PeerId::from_hex(text).ok_or_else(|| {
            ApiError::bad_request(format!("`{text}` is not a peer id (64 hex digits)"))
        })?;
        peers.insert(peer);
    }
    backend.set_blocked_peers(peers)?;
    blocked_peers(State(backend)).await
}
