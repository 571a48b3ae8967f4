//! The keystore's JSON as written on disk, before any field is checked, and the helpers that
//! check fields one by one into typed errors.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::KeystoreError;

/// The top-level object. Fields other than these (some wallets add a `name`) are ignored.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct KeystoreJson {
    pub crypto: CryptoJson,
    #[serde(default)]
    pub description: String,
    pub pubkey: String,
    pub path: String,
    pub uuid: String,
    pub version: u64,
}

/// `crypto`: the three modules.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct CryptoJson {
    pub kdf: ModuleJson,
    pub checksum: ModuleJson,
    pub cipher: ModuleJson,
}

/// A module: `function`, `params` and `message`, all three required.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct ModuleJson {
    pub function: String,
    pub params: Map<String, Value>,
    pub message: String,
}

/// Removes and returns the parameter `name`, or says it is missing.
pub(super) fn take_param(
    params: &mut Map<String, Value>,
    module: &'static str,
    name: &'static str,
) -> Result<Value, KeystoreError> {
    params
        .remove(name)
        .ok_or(KeystoreError::MissingParam { module, name })
}

/// Refuses any parameter still in `params` once the expected ones were taken out.
pub(super) fn refuse_leftovers(
    module: &'static str,
    params: Map<String, Value>,
) -> Result<(), KeystoreError> {
    match params.into_iter().next() {
        Some((name, _)) => Err(KeystoreError::UnexpectedParam { module, name }),
        None => Ok(()),
    }
}

/// Hex with or without a `0x` prefix (EIP-2335 writes none; some tools add one).
pub(super) fn decode_hex(field: &'static str, text: &str) -> Result<Vec<u8>, KeystoreError> {
    let digits = text.strip_prefix("0x").unwrap_or(text);
    hex::decode(digits).map_err(|e| KeystoreError::Hex {
        field,
        reason: e.to_string(),
    })
}

/// Hex of exactly `N` bytes.
pub(super) fn decode_hex_array<const N: usize>(
    field: &'static str,
    text: &str,
) -> Result<[u8; N], KeystoreError> {
    let bytes = decode_hex(field, text)?;
    <[u8; N]>::try_from(bytes.as_slice()).map_err(|_| KeystoreError::Length {
        field,
        expected: N,
        found: bytes.len(),
    })
}
