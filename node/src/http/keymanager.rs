//! The Keymanager API (`/eth/v1/keystores`): list, import and delete the validator client's
//! EIP-2335 keystores, with EIP-3076 slashing protection interchange on import and delete.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use primitives::bls::keystore::Keystore;
use primitives::types::PublicKeyBytes;
use serde::Deserialize;
use serde_json::{Value, json};
use storage::slashing_protection::Interchange;
use subtle::ConstantTimeEq;

use super::extract::ApiJson;
use super::views::parse_hex;
use super::{BeaconNodeBackend, data};
use crate::api::ApiError;

/// The most keystores or keys one request handles.
const MAX_KEYS_PER_REQUEST: usize = 1024;

/// `POST /eth/v1/keystores` body.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ImportRequest {
    /// EIP-2335 keystores, each as a JSON string.
    keystores: Vec<String>,
    /// The password of each keystore, in the same order.
    passwords: Vec<String>,
    /// An EIP-3076 interchange, as a JSON string.
    #[serde(default)]
    slashing_protection: Option<String>,
}

/// `DELETE /eth/v1/keystores` body.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct DeleteRequest {
    /// The public keys to delete, `0x` hex.
    pubkeys: Vec<String>,
}

/// Lets a request through when no token is configured or it carries
/// `Authorization: Bearer <token>`; answers 401 otherwise. The token is compared in constant
/// time.
pub(super) async fn authorize(
    State(token): State<Arc<Option<String>>>,
    request: Request,
    next: Next,
) -> Response {
    let Some(token) = token.as_deref() else {
        return next.run(request).await;
    };
    let presented = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .unwrap_or_default();
    if bool::from(presented.as_bytes().ct_eq(token.as_bytes())) {
        next.run(request).await
    } else {
        ApiError {
            code: 401,
            message: String::from(
                "the Keymanager API needs `Authorization: Bearer <token>` with the node's token",
            ),
        }
        .into_response()
    }
}

/// `GET /eth/v1/keystores`.
pub(super) async fn list<B: BeaconNodeBackend>(
    State(backend): State<Arc<B>>,
) -> Result<Json<Value>, ApiError> {
    Ok(data(backend.keystores()?))
}

/// `POST /eth/v1/keystores`: one outcome per keystore, in request order. A keystore or
/// interchange that does not parse refuses the whole request (400) before anything is
/// imported.
pub(super) async fn import<B: BeaconNodeBackend>(
    State(backend): State<Arc<B>>,
    ApiJson(request): ApiJson<ImportRequest>,
) -> Result<Json<Value>, ApiError> {
    if request.keystores.len() != request.passwords.len() {
        return Err(ApiError::bad_request(format!(
            "{} keystores but {} passwords",
            request.keystores.len(),
            request.passwords.len()
        )));
    }
    if request.keystores.len() > MAX_KEYS_PER_REQUEST {
        return Err(ApiError::bad_request(format!(
            "{} keystores, the most is {MAX_KEYS_PER_REQUEST}",
            request.keystores.len()
        )));
    }
    let keystores = request
        .keystores
        .iter()
        .zip(request.passwords)
        .enumerate()
        .map(|(index, (text, password))| {
            Keystore::from_json(text)
                .map(|keystore| (keystore, password))
                .map_err(|error| ApiError::bad_request(format!("keystore {index}: {error}")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let interchange = request
        .slashing_protection
        .as_deref()
        .map(|text| {
            Interchange::from_json_str(text).map_err(|error| {
                ApiError::bad_request(format!("invalid slashing protection interchange: {error}"))
            })
        })
        .transpose()?;
    let genesis_root = backend.genesis().validators_root;
    if let Some(interchange) = &interchange
        && interchange.metadata.genesis_validators_root != genesis_root
    {
        return Err(ApiError::bad_request(format!(
            "the slashing protection interchange is for genesis validators root {}, this chain's is {genesis_root}",
            interchange.metadata.genesis_validators_root
        )));
    }
    // Decryption is deliberately slow (scrypt, PBKDF2): off the async workers.
    let outcomes =
        super::on_blocking(move || backend.import_keystores(keystores, interchange)).await?;
    Ok(data(outcomes))
}

/// `DELETE /eth/v1/keystores`: one outcome per key, and the slashing protection interchange
/// of the keys deleted or inactive, as a JSON string.
pub(super) async fn delete<B: BeaconNodeBackend>(
    State(backend): State<Arc<B>>,
    ApiJson(request): ApiJson<DeleteRequest>,
) -> Result<Json<Value>, ApiError> {
    if request.pubkeys.len() > MAX_KEYS_PER_REQUEST {
        return Err(ApiError::bad_request(format!(
            "{} keys, the most is {MAX_KEYS_PER_REQUEST}",
            request.pubkeys.len()
        )));
    }
    let pubkeys = request
        .pubkeys
        .iter()
        .map(|text| {
            let bytes = parse_hex(text, 48, "public key")?;
            PublicKeyBytes::from_slice(&bytes)
                .ok_or_else(|| ApiError::bad_request(format!("invalid public key `{text}`")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let (outcomes, interchange) =
        super::on_blocking(move || backend.delete_keystores(pubkeys)).await?;
    let slashing_protection = interchange
        .to_json_string()
        .map_err(|error| ApiError::internal(format!("cannot encode the interchange: {error}")))?;
    Ok(Json(json!({
        "data": outcomes,
        "slashing_protection": slashing_protection,
    })))
}
