//! `/eth/v1/validator/duties/*`: attester and proposer duties, computed from a state of the
//! epoch (or the one before) with [`EpochDuties`].

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use beacon::duties::EpochDuties;
use primitives::types::{Epoch, Root};
use serde_json::{Value, json};

use super::backend::StateAt;
use super::beacon_api::parse_epoch;
use super::extract::{ApiJson, ApiPath, parse_u64};
use super::views::{current_epoch, dependent_root, epoch_start_slot};
use super::{BeaconNodeBackend, on_blocking};
use crate::api::{ApiError, BlockId, StateId};

/// The most validator indices one attester duties request takes.
const MAX_DUTY_INDICES: usize = 4096;

fn genesis_block_root<B: BeaconNodeBackend>(backend: &B) -> Result<Root, ApiError> {
    Ok(backend
        .block(BlockId::Genesis)?
        .map_or(Root::ZERO, |block| block.root))
}

/// A state to compute `epoch`'s duties from: the head for the head's epoch and the next, the
/// canonical state at the epoch's first slot for earlier epochs.
fn duty_state<B: BeaconNodeBackend>(
    backend: &B,
    epoch: Epoch,
    latest: Epoch,
) -> Result<(StateAt<B::Spec>, Epoch), ApiError> {
    let head = backend
        .state(StateId::Head)?
        .ok_or_else(|| ApiError::unavailable("no head state yet"))?;
    let config = backend.chain_config();
    let head_epoch = current_epoch(&head.state, config)?;
    let furthest = head_epoch.saturating_add(latest);
    if epoch > furthest {
        return Err(ApiError::bad_request(format!(
            "epoch {epoch} is too far ahead: the head is in epoch {head_epoch}, duties are known up to epoch {furthest}"
        )));
    }
    if epoch >= head_epoch {
        return Ok((head, head_epoch));
    }
    let start = epoch_start_slot(epoch, config)?;
    let state = backend
        .state(StateId::Slot(start))?
        .ok_or_else(|| ApiError::not_found(format!("no state at the start of epoch {epoch}")))?;
    Ok((state, head_epoch))
}

fn duties<B: BeaconNodeBackend>(
    backend: &B,
    state: &StateAt<B::Spec>,
    epoch: Epoch,
) -> Result<EpochDuties, ApiError> {
    EpochDuties::new(&state.state, epoch, backend.chain_config())
        .map_err(|error| ApiError::bad_request(format!("duties of epoch {epoch}: {error}")))
}

/// `GET /eth/v1/validator/duties/proposer/{epoch}`: the beacon proposers of an epoch up to the
/// head's (proposers are known from the epoch's own state only).
pub(super) async fn proposer<B: BeaconNodeBackend>(
    State(backend): State<Arc<B>>,
    ApiPath(epoch): ApiPath<String>,
) -> Result<Json<Value>, ApiError> {
    on_blocking(move || proposer_blocking(&*backend, epoch)).await
}

fn proposer_blocking<B: BeaconNodeBackend>(
    backend: &B,
    epoch: String,
) -> Result<Json<Value>, ApiError> {
    let epoch = parse_epoch(&epoch)?;
    let (state, _) = duty_state(backend, epoch, 0)?;
    let duties = duties(backend, &state, epoch)?;
    let proposers = duties.beacon_proposers().ok_or_else(|| {
        ApiError::bad_request(format!("the proposers of epoch {epoch} are not known yet"))
    })?;
    let config = backend.chain_config();
    let start = epoch_start_slot(epoch, config)?;
    let data: Vec<Value> = (start..)
        .zip(proposers)
        .map(|(slot, index)| {
            let pubkey = usize::try_from(*index)
                .ok()
                .and_then(|i| state.state.validators.get(i))
                .map(|validator| validator.pubkey);
            json!({
                "pubkey": pubkey,
                "validator_index": index.to_string(),
                "slot": slot.to_string(),
            })
        })
        .collect();
    let root = dependent_root(&state, epoch, genesis_block_root(backend)?, config)?;
    Ok(Json(json!({ "dependent_root": root, "data": data })))
}

/// `POST /eth/v1/validator/duties/attester/{epoch}` with a body of validator indices: their
/// attestation duties in an epoch up to the one after the head's. Inactive validators have
/// none and are left out; indices beyond the registry are refused.
pub(super) async fn attester<B: BeaconNodeBackend>(
    State(backend): State<Arc<B>>,
    ApiPath(epoch): ApiPath<String>,
    ApiJson(indices): ApiJson<Vec<Value>>,
) -> Result<Json<Value>, ApiError> {
    on_blocking(move || attester_blocking(&*backend, epoch, indices)).await
}

fn attester_blocking<B: BeaconNodeBackend>(
    backend: &B,
    epoch: String,
    indices: Vec<Value>,
) -> Result<Json<Value>, ApiError> {
    let epoch = parse_epoch(&epoch)?;
    if indices.is_empty() {
        return Err(ApiError::bad_request("no validator indices in the request"));
    }
    if indices.len() > MAX_DUTY_INDICES {
        return Err(ApiError::bad_request(format!(
            "{} validator indices, the most is {MAX_DUTY_INDICES}",
            indices.len()
        )));
    }
    let indices = indices
        .iter()
        .map(|value| match value {
            Value::String(text) => parse_u64(text, "validator index"),
            Value::Number(number) => number
                .as_u64()
                .ok_or_else(|| ApiError::bad_request(format!("invalid validator index {number}"))),
            other => Err(ApiError::bad_request(format!(
                "invalid validator index {other}: expected a quoted integer"
            ))),
        })
        .collect::<Result<Vec<u64>, ApiError>>()?;
    let (state, _) = duty_state(backend, epoch, 1)?;
    let registry = &state.state.validators;
    if let Some(unknown) = indices
        .iter()
        .find(|index| usize::try_from(**index).map_or(true, |i| i >= registry.len()))
    {
        return Err(ApiError::bad_request(format!(
            "unknown validator index {unknown}: the registry holds {}",
            registry.len()
        )));
    }
    let duties = duties(backend, &state, epoch)?;
    let data: Vec<Value> = indices
        .iter()
        .filter_map(|index| {
            let duty = duties.attester_duty(*index)?;
            let validator = registry.get(usize::try_from(*index).ok()?)?;
            Some(json!({
                "pubkey": validator.pubkey,
                "validator_index": index.to_string(),
                "committee_index": duty.committee_index.to_string(),
                "committee_length": duty.committee_length.to_string(),
                "committees_at_slot": duty.committees_at_slot.to_string(),
                "validator_committee_index": duty.committee_position.to_string(),
                "slot": duty.slot.to_string(),
            }))
        })
        .collect();
    let genesis_root = genesis_block_root(backend)?;
    let root = match epoch.checked_sub(1) {
        None => genesis_root,
        Some(previous) => dependent_root(&state, previous, genesis_root, backend.chain_config())?,
    };
    Ok(Json(json!({ "dependent_root": root, "data": data })))
}
