//! `POST /eth/v1/beacon/blocks` and `/eth/v1/beacon/pool/*`: what the node is asked to import
//! or publish, and what its operation pool holds.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use primitives::types::{
    Attestation, AttesterSlashing, ProposerSlashing, SignedBeaconBlock, SignedVoluntaryExit,
};
use serde_json::Value;

use super::backend::PoolOperation;
use super::error::IndexedErrorMessage;
use super::extract::{ApiJson, QueryPairs};
use super::{BeaconNodeBackend, data};
use crate::api::ApiError;

type Spec<B> = <B as BeaconNodeBackend>::Spec;

/// `POST /eth/v1/beacon/blocks`: 200 when the block was imported and published.
pub(super) async fn publish_block<B: BeaconNodeBackend>(
    State(backend): State<Arc<B>>,
    ApiJson(block): ApiJson<SignedBeaconBlock<Spec<B>>>,
) -> Result<StatusCode, ApiError> {
    backend.submit_block(block)?;
    Ok(StatusCode::OK)
}

/// `GET /eth/v1/beacon/pool/attestations?slot&committee_index`.
pub(super) async fn attestations<B: BeaconNodeBackend>(
    State(backend): State<Arc<B>>,
    query: QueryPairs,
) -> Result<Json<Value>, ApiError> {
    query.only(&["slot", "committee_index"])?;
    let slot = query.number("slot")?;
    let committee_index = query.number("committee_index")?;
    let attestations: Vec<Attestation<Spec<B>>> = backend
        .pool()
        .attestations
        .into_iter()
        .filter(|attestation| slot.is_none_or(|slot| attestation.data.slot == slot))
        .filter(|attestation| committee_index.is_none_or(|index| attestation.data.index == index))
        .collect();
    Ok(data(attestations))
}

/// `POST /eth/v1/beacon/pool/attestations`: 200 when every attestation was accepted, else a
/// 400 `IndexedErrorMessage` naming the refused ones (the others were accepted).
pub(super) async fn submit_attestations<B: BeaconNodeBackend>(
    State(backend): State<Arc<B>>,
    ApiJson(attestations): ApiJson<Vec<Attestation<Spec<B>>>>,
) -> Result<Response, ApiError> {
    if attestations.is_empty() {
        return Err(ApiError::bad_request("no attestations in the request"));
    }
    let count = attestations.len();
    let failures = backend.submit_attestations(attestations)?;
    if failures.is_empty() {
        return Ok(StatusCode::OK.into_response());
    }
    Ok(IndexedErrorMessage {
        code: 400,
        message: format!("{} of {count} attestations were refused", failures.len()),
        failures,
    }
    .into_response())
}

/// `GET /eth/v1/beacon/pool/voluntary_exits`.
pub(super) async fn voluntary_exits<B: BeaconNodeBackend>(
    State(backend): State<Arc<B>>,
) -> Json<Value> {
    data(backend.pool().voluntary_exits)
}

/// `GET /eth/v1/beacon/pool/proposer_slashings`.
pub(super) async fn proposer_slashings<B: BeaconNodeBackend>(
    State(backend): State<Arc<B>>,
) -> Json<Value> {
    data(backend.pool().proposer_slashings)
}

/// `GET /eth/v1/beacon/pool/attester_slashings`.
pub(super) async fn attester_slashings<B: BeaconNodeBackend>(
    State(backend): State<Arc<B>>,
) -> Json<Value> {
    data(backend.pool().attester_slashings)
}

/// `POST /eth/v1/beacon/pool/voluntary_exits`.
pub(super) async fn submit_voluntary_exit<B: BeaconNodeBackend>(
    State(backend): State<Arc<B>>,
    ApiJson(exit): ApiJson<SignedVoluntaryExit>,
) -> Result<StatusCode, ApiError> {
    backend.submit_operation(PoolOperation::VoluntaryExit(exit))?;
    Ok(StatusCode::OK)
}

/// `POST /eth/v1/beacon/pool/proposer_slashings`.
pub(super) async fn submit_proposer_slashing<B: BeaconNodeBackend>(
    State(backend): State<Arc<B>>,
    ApiJson(slashing): ApiJson<ProposerSlashing>,
) -> Result<StatusCode, ApiError> {
    backend.submit_operation(PoolOperation::ProposerSlashing(Box::new(slashing)))?;
    Ok(StatusCode::OK)
}

/// `POST /eth/v1/beacon/pool/attester_slashings`.
pub(super) async fn submit_attester_slashing<B: BeaconNodeBackend>(
    State(backend): State<Arc<B>>,
    ApiJson(slashing): ApiJson<AttesterSlashing<Spec<B>>>,
) -> Result<StatusCode, ApiError> {
    backend.submit_operation(PoolOperation::AttesterSlashing(Box::new(slashing)))?;
    Ok(StatusCode::OK)
}
