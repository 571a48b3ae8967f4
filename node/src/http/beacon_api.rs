//! `/eth/v1/beacon/*` reads: genesis, headers, blocks and what states show (root, fork,
//! finality checkpoints, validators, balances, committees).

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::response::IntoResponse;
use beacon::accessors::CommitteeCache;
use primitives::math::compute_epoch_at_slot;
use primitives::types::{Root, Slot, Validator, ValidatorIndex};
use serde::Serialize;
use serde_json::{Value, json};
use ssz::Encode;

use super::backend::{BlockAt, StateAt};
use super::extract::{ApiPath, QueryPairs, parse_u64};
use super::views::{block_by_id, current_epoch, hex0x, parse_hex, signed_header, state_by_id};
use super::{BeaconNodeBackend, data, on_blocking};
use crate::api::{ApiError, BlockId, ValidatorId, ValidatorStatus};

type Response = Result<Json<Value>, ApiError>;

/// The most ids the `id` query of `validators` and `validator_balances` takes.
pub(super) const MAX_VALIDATOR_IDS: usize = 30;

/// `GET /eth/v1/beacon/genesis`.
pub(super) async fn genesis<B: BeaconNodeBackend>(State(backend): State<Arc<B>>) -> Response {
    let genesis = backend.genesis();
    Ok(data(json!({
        "genesis_time": genesis.time.to_string(),
        "genesis_validators_root": genesis.validators_root,
        "genesis_fork_version": hex0x(genesis.fork_version),
    })))
}

fn header_json<B: BeaconNodeBackend>(block: &BlockAt<B::Spec>) -> Value {
    json!({
        "root": block.root,
        "canonical": block.canonical,
        "header": signed_header(&block.block),
    })
}

/// `GET /eth/v1/beacon/headers?slot&parent_root`: the canonical header at `slot` (the head's
/// without one), or the canonical child of `parent_root`.
pub(super) async fn headers<B: BeaconNodeBackend>(
    State(backend): State<Arc<B>>,
    query: QueryPairs,
) -> Response {
    query.only(&["slot", "parent_root"])?;
    let slot = query.number("slot")?;
    let parent_root = query
        .single("parent_root")?
        .map(|text| parse_hex(text, 32, "parent_root").map(|bytes| Root::from_slice(&bytes)))
        .transpose()?;
    let mut found = Vec::new();
    match (slot, parent_root) {
        (slot, Some(parent_root)) => {
            if let Some(child) = canonical_child(&*backend, parent_root)?
                && slot.is_none_or(|slot| child.block.message.slot == slot)
            {
                found.push(child);
            }
        }
        (Some(slot), None) => found.extend(backend.block(BlockId::Slot(slot))?),
        (None, None) => found.extend(backend.block(BlockId::Head)?),
    }
    Ok(data(
        found.iter().map(header_json::<B>).collect::<Vec<Value>>(),
    ))
}

/// The canonical block whose parent is `parent_root`, if any: the first canonical block after
/// the parent's slot.
fn canonical_child<B: BeaconNodeBackend>(
    backend: &B,
    parent_root: Root,
) -> Result<Option<BlockAt<B::Spec>>, ApiError> {
    let Some(parent) = backend.block(BlockId::Root(parent_root))? else {
        return Ok(None);
    };
    if !parent.canonical {
        return Ok(None);
    }
    let Some(head) = backend.block(BlockId::Head)? else {
        return Ok(None);
    };
    let mut slot: Slot = parent.block.message.slot;
    while slot < head.block.message.slot {
        slot = slot.saturating_add(1);
        if let Some(block) = backend.block(BlockId::Slot(slot))? {
            return Ok((block.block.message.parent_root == parent_root).then_some(block));
        }
    }
    Ok(None)
}

/// `GET /eth/v1/beacon/headers/{block_id}`.
pub(super) async fn header<B: BeaconNodeBackend>(
    State(backend): State<Arc<B>>,
    ApiPath(block_id): ApiPath<String>,
) -> Response {
    let block = block_by_id(&*backend, &block_id)?;
    Ok(data(header_json::<B>(&block)))
}

/// `GET /eth/v1/beacon/blocks/{block_id}`: JSON, or the SSZ bytes when the request accepts
/// `application/octet-stream`.
pub(super) async fn block<B: BeaconNodeBackend>(
    State(backend): State<Arc<B>>,
    ApiPath(block_id): ApiPath<String>,
    headers: HeaderMap,
) -> Result<axum::response::Response, ApiError> {
    let block = block_by_id(&*backend, &block_id)?;
    let wants_ssz = headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .any(|value| value.contains("application/octet-stream"));
    if wants_ssz {
        return Ok((
            [(header::CONTENT_TYPE, "application/octet-stream")],
            block.block.as_ssz_bytes(),
        )
            .into_response());
    }
    Ok(data(&*block.block).into_response())
}

/// `GET /eth/v1/beacon/blocks/{block_id}/root`.
pub(super) async fn block_root<B: BeaconNodeBackend>(
    State(backend): State<Arc<B>>,
    ApiPath(block_id): ApiPath<String>,
) -> Response {
    let block = block_by_id(&*backend, &block_id)?;
    Ok(data(json!({ "root": block.root })))
}

/// `GET /eth/v1/beacon/blocks/{block_id}/attestations`.
pub(super) async fn block_attestations<B: BeaconNodeBackend>(
    State(backend): State<Arc<B>>,
    ApiPath(block_id): ApiPath<String>,
) -> Response {
    let block = block_by_id(&*backend, &block_id)?;
    Ok(data(&block.block.message.body.attestations))
}

/// `GET /eth/v1/beacon/states/{state_id}/root`.
pub(super) async fn state_root<B: BeaconNodeBackend>(
    State(backend): State<Arc<B>>,
    ApiPath(state_id): ApiPath<String>,
) -> Response {
    let state = state_by_id(&*backend, &state_id)?;
    Ok(data(json!({ "root": state.root })))
}

/// `GET /eth/v1/beacon/states/{state_id}/fork`.
pub(super) async fn state_fork<B: BeaconNodeBackend>(
    State(backend): State<Arc<B>>,
    ApiPath(state_id): ApiPath<String>,
) -> Response {
    let state = state_by_id(&*backend, &state_id)?;
    Ok(data(&state.state.fork))
}

/// `GET /eth/v1/beacon/states/{state_id}/finality_checkpoints`.
pub(super) async fn finality_checkpoints<B: BeaconNodeBackend>(
    State(backend): State<Arc<B>>,
    ApiPath(state_id): ApiPath<String>,
) -> Response {
    let state = state_by_id(&*backend, &state_id)?;
    let state = &state.state;
    Ok(data(json!({
        "previous_justified": state.previous_justified_checkpoint,
        "current_justified": state.current_justified_checkpoint,
        "finalized": state.finalized_checkpoint,
    })))
}

/// `ValidatorResponse`.
#[derive(Serialize)]
struct ValidatorResponse<'a> {
    #[serde(with = "serde_utils::quoted_u64")]
    index: ValidatorIndex,
    #[serde(with = "serde_utils::quoted_u64")]
    balance: u64,
    status: ValidatorStatus,
    validator: &'a Validator,
}

/// The registry entries `ids` select (all without ids), in registry order for all and in
/// request order otherwise; unknown ids are left out, as the API asks.
fn select_validators<B: BeaconNodeBackend>(
    state: &StateAt<B::Spec>,
    ids: &[&str],
) -> Result<Vec<ValidatorIndex>, ApiError> {
    if ids.len() > MAX_VALIDATOR_IDS {
        return Err(ApiError::bad_request(format!(
            "{} validator ids, the most is {MAX_VALIDATOR_IDS}",
            ids.len()
        )));
    }
    let validators = &state.state.validators;
    if ids.is_empty() {
        return Ok((0..validators.len() as u64).collect());
    }
    let mut selected = Vec::with_capacity(ids.len());
    for text in ids {
        let index = match text.parse::<ValidatorId>()? {
            ValidatorId::Index(index) => usize::try_from(index)
                .is_ok_and(|i| i < validators.len())
                .then_some(index),
            ValidatorId::PublicKey(pubkey) => validators
                .iter()
                .position(|validator| validator.pubkey == pubkey)
                .map(|i| i as u64),
        };
        if let Some(index) = index
            && !selected.contains(&index)
        {
            selected.push(index);
        }
    }
    Ok(selected)
}

fn validator_response<'a, B: BeaconNodeBackend>(
    state: &'a StateAt<B::Spec>,
    index: ValidatorIndex,
    epoch: u64,
) -> Option<ValidatorResponse<'a>> {
    let position = usize::try_from(index).ok()?;
    let validator = state.state.validators.get(position)?;
    let balance = state.state.balances.get(position).copied().unwrap_or(0);
    Some(ValidatorResponse {
        index,
        balance,
        status: ValidatorStatus::of(validator, balance, epoch),
        validator,
    })
}

/// `GET /eth/v1/beacon/states/{state_id}/validators?id&status`.
pub(super) async fn validators<B: BeaconNodeBackend>(
    State(backend): State<Arc<B>>,
    ApiPath(state_id): ApiPath<String>,
    query: QueryPairs,
) -> Response {
    on_blocking(move || validators_blocking(&*backend, state_id, query)).await
}

fn validators_blocking<B: BeaconNodeBackend>(
    backend: &B,
    state_id: String,
    query: QueryPairs,
) -> Response {
    query.only(&["id", "status"])?;
    let state = state_by_id(backend, &state_id)?;
    let epoch = current_epoch(&state.state, backend.chain_config())?;
    let ids = query.list("id")?;
    let statuses = query
        .list("status")?
        .into_iter()
        .map(ValidatorStatus::parse_filter)
        .collect::<Result<Vec<&str>, ApiError>>()?;
    let selected = select_validators::<B>(&state, &ids)?;
    let responses: Vec<ValidatorResponse<'_>> = selected
        .into_iter()
        .filter_map(|index| validator_response::<B>(&state, index, epoch))
        .filter(|response| {
            statuses.is_empty()
                || statuses
                    .iter()
                    .any(|filter| response.status.matches(filter))
        })
        .collect();
    Ok(data(responses))
}

/// `GET /eth/v1/beacon/states/{state_id}/validators/{validator_id}`.
pub(super) async fn validator<B: BeaconNodeBackend>(
    State(backend): State<Arc<B>>,
    ApiPath((state_id, validator_id)): ApiPath<(String, String)>,
) -> Response {
    let id: ValidatorId = validator_id.parse()?;
    let state = state_by_id(&*backend, &state_id)?;
    let epoch = current_epoch(&state.state, backend.chain_config())?;
    let index = select_validators::<B>(&state, &[validator_id.as_str()])?
        .first()
        .copied();
    let response = index
        .and_then(|index| validator_response::<B>(&state, index, epoch))
        .ok_or_else(|| {
            ApiError::not_found(match id {
                ValidatorId::Index(index) => format!("validator {index} not found"),
                ValidatorId::PublicKey(_) => format!("validator {validator_id} not found"),
            })
        })?;
    Ok(data(response))
}

/// `GET /eth/v1/beacon/states/{state_id}/validator_balances?id`.
pub(super) async fn validator_balances<B: BeaconNodeBackend>(
    State(backend): State<Arc<B>>,
    ApiPath(state_id): ApiPath<String>,
    query: QueryPairs,
) -> Response {
    query.only(&["id"])?;
    let state = state_by_id(&*backend, &state_id)?;
    let ids = query.list("id")?;
    let selected = select_validators::<B>(&state, &ids)?;
    let balances: Vec<Value> = selected
        .into_iter()
        .filter_map(|index| {
            let balance = state.state.balances.get(usize::try_from(index).ok()?)?;
            Some(json!({ "index": index.to_string(), "balance": balance.to_string() }))
        })
        .collect();
    Ok(data(balances))
}

/// `GET /eth/v1/beacon/states/{state_id}/committees?epoch&index&slot`: the beacon committees
/// of an epoch the state can shuffle (its previous, current or next).
pub(super) async fn committees<B: BeaconNodeBackend>(
    State(backend): State<Arc<B>>,
    ApiPath(state_id): ApiPath<String>,
    query: QueryPairs,
) -> Response {
    on_blocking(move || committees_blocking(&*backend, state_id, query)).await
}

fn committees_blocking<B: BeaconNodeBackend>(
    backend: &B,
    state_id: String,
    query: QueryPairs,
) -> Response {
    query.only(&["epoch", "index", "slot"])?;
    let epoch = query.number("epoch")?;
    let index = query.number("index")?;
    let slot = query.number("slot")?;
    let state = state_by_id(backend, &state_id)?;
    let config = backend.chain_config();
    let state_epoch = current_epoch(&state.state, config)?;
    let epoch = epoch.unwrap_or(state_epoch);
    if epoch.saturating_add(1) < state_epoch || epoch > state_epoch.saturating_add(1) {
        return Err(ApiError::bad_request(format!(
            "epoch {epoch} is not within one epoch of the state's epoch {state_epoch}"
        )));
    }
    if let Some(slot) = slot
        && compute_epoch_at_slot(slot, config).ok() != Some(epoch)
    {
        return Err(ApiError::bad_request(format!(
            "slot {slot} is not in epoch {epoch}"
        )));
    }
    let cache = CommitteeCache::new(&state.state, epoch, config)
        .map_err(|error| ApiError::bad_request(format!("epoch {epoch}: {error}")))?;
    let per_slot = cache.committees_per_slot();
    if let Some(index) = index
        && index >= per_slot
    {
        return Err(ApiError::bad_request(format!(
            "committee index {index} out of range: {per_slot} committees per slot"
        )));
    }
    let start = super::views::epoch_start_slot(epoch, config)?;
    let mut committees = Vec::new();
    for slot_of_epoch in (0..config.slots_per_epoch).filter_map(|i| start.checked_add(i)) {
        if slot.is_some_and(|slot| slot != slot_of_epoch) {
            continue;
        }
        for committee_index in 0..per_slot {
            if index.is_some_and(|index| index != committee_index) {
                continue;
            }
            let members = cache
                .get_beacon_committee(slot_of_epoch, committee_index)
                .map_err(|error| ApiError::internal(error.to_string()))?;
            committees.push(json!({
                "index": committee_index.to_string(),
                "slot": slot_of_epoch.to_string(),
                "validators": members.iter().map(u64::to_string).collect::<Vec<_>>(),
            }));
        }
    }
    Ok(data(committees))
}

/// Parses an epoch path parameter.
pub(super) fn parse_epoch(text: &str) -> Result<u64, ApiError> {
    parse_u64(text, "epoch")
}
