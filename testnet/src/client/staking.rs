//! What staking tools read from and send to a node: the fork, spec constants, the Keymanager
//! API (with its bearer token), voluntary exits and the deposit contract.

use primitives::types::{Fork, SignedVoluntaryExit};
use serde_json::{Map, Value, json};

use super::{ClientError, NodeClient, bad_json, decode, read_body, unreachable};

/// The outcome of importing one keystore through the Keymanager API.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct ImportStatus {
    /// `imported`, `duplicate` or `error`.
    pub status: String,
    /// The node's explanation, if any.
    #[serde(default)]
    pub message: Option<String>,
}

impl NodeClient {
    /// `GET /eth/v1/beacon/states/{state_id}/fork`.
    pub fn fork(&self, state_id: &str) -> Result<Fork, ClientError> {
        self.get_data(&format!("/eth/v1/beacon/states/{state_id}/fork"))
    }

    /// One constant of `/eth/v1/config/spec` by its spec name, as its string.
    pub fn spec_value(spec: &Map<String, Value>, name: &str) -> Result<String, ClientError> {
        spec.get(name)
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| bad_json("/eth/v1/config/spec", format!("no `{name}`")))
    }

    /// One integer constant of `/eth/v1/config/spec` by its spec name.
    pub fn spec_u64(spec: &Map<String, Value>, name: &str) -> Result<u64, ClientError> {
        let text = Self::spec_value(spec, name)?;
        text.parse()
            .map_err(|_| bad_json("/eth/v1/config/spec", format!("`{name}` is `{text}`")))
    }

    /// One 4-byte constant (a domain type or fork version, `0x` hex) of the spec.
    pub fn spec_bytes4(spec: &Map<String, Value>, name: &str) -> Result<[u8; 4], ClientError> {
        let text = Self::spec_value(spec, name)?;
        parse_bytes4(&text)
            .ok_or_else(|| bad_json("/eth/v1/config/spec", format!("`{name}` is `{text}`")))
    }

    /// `POST /eth/v1/keystores`: imports EIP-2335 keystores (JSON text) with their passwords,
    /// sending `Authorization: Bearer <token>` when a token is given.
    pub fn import_keystores(
        &self,
        keystores: &[String],
        passwords: &[String],
        token: Option<&str>,
    ) -> Result<Vec<ImportStatus>, ClientError> {
        let url = self.url("/eth/v1/keystores");
        let body = json!({ "keystores": keystores, "passwords": passwords });
        let mut request = self.agent.post(&url);
        if let Some(token) = token {
            request = request.header("Authorization", format!("Bearer {token}"));
        }
        let response = request
            .send_json(&body)
            .map_err(|source| unreachable(&url, source))?;
        let text = read_body(url.clone(), response)?;
        let value: Value = decode(&url, &text)?;
        let data = value
            .get("data")
            .cloned()
            .ok_or_else(|| bad_json(&url, "the body has no `data` field"))?;
        serde_json::from_value(data).map_err(|error| bad_json(&url, error))
    }

    /// `POST /eth/v1/beacon/pool/voluntary_exits`.
    pub fn submit_voluntary_exit(&self, exit: &SignedVoluntaryExit) -> Result<(), ClientError> {
        let body = serde_json::to_value(exit)
            .map_err(|error| bad_json("/eth/v1/beacon/pool/voluntary_exits", error))?;
        self.post_json("/eth/v1/beacon/pool/voluntary_exits", &body)?;
        Ok(())
    }
}

/// `0x` followed by 8 hex digits.
pub fn parse_bytes4(text: &str) -> Option<[u8; 4]> {
    let digits = text.strip_prefix("0x")?;
    let bytes = hex::decode(digits).ok()?;
    bytes.try_into().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_values_are_read_by_name() {
        let spec: Map<String, Value> = serde_json::from_value(json!({
            "DOMAIN_DEPOSIT": "0x03000000",
            "SLOTS_PER_EPOCH": "8",
            "BAD": "0x0300",
        }))
        .unwrap();
        assert_eq!(
            NodeClient::spec_bytes4(&spec, "DOMAIN_DEPOSIT").unwrap(),
            [3, 0, 0, 0]
        );
        assert_eq!(NodeClient::spec_u64(&spec, "SLOTS_PER_EPOCH").unwrap(), 8);
        assert!(NodeClient::spec_bytes4(&spec, "BAD").is_err());
        assert!(NodeClient::spec_u64(&spec, "MISSING").is_err());
    }
}
