//! A blocking, typed client of one node's HTTP API: the Beacon API the tools read (identity,
//! health, sync, peers, genesis, headers, finality, validators, config), the shard endpoints,
//! transaction submission, each shard's JSON-RPC and the Prometheus metrics.

mod staking;
mod types;

use std::time::Duration;

use serde::de::DeserializeOwned;
use serde_json::{Value, json};

pub use staking::{ImportStatus, parse_bytes4};
pub use types::{
    Crosslinks, FinalityCheckpoints, Genesis, HeaderSummary, NodeIdentity, PeerCount,
    ShardBlockSummary, ShardState, SyncStatus, ValidatorSummary, quoted_u64,
};

/// Why a request to a node failed.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The node could not be reached (refused, reset, timed out, unknown host).
    #[error("cannot reach {url}: {source}")]
    Unreachable {
        /// The request's URL.
        url: String,
        /// The transport's error.
        #[source]
        source: ureq::Error,
    },
    /// The node answered with an error status; `message` is the node's own explanation.
    #[error("{url} answered {status}: {message}")]
    Status {
        /// The request's URL.
        url: String,
        /// The HTTP status code.
        status: u16,
        /// The `message` of the node's `{"code", "message"}` body, or the body itself.
        message: String,
    },
    /// The node answered 2xx with a body that is not the expected JSON.
    #[error("{url} answered with unexpected JSON: {reason}")]
    BadJson {
        /// The request's URL.
        url: String,
        /// What did not decode.
        reason: String,
    },
    /// A JSON-RPC call answered with a JSON-RPC error object.
    #[error("{url} JSON-RPC error {code}: {message}")]
    Rpc {
        /// The request's URL.
        url: String,
        /// The JSON-RPC error code.
        code: i64,
        /// The JSON-RPC error message.
        message: String,
    },
}

impl ClientError {
    /// Whether the node answered with something it should not have (a client error of the
    /// node, not of the caller or of the transport).
    pub fn is_bad_data(&self) -> bool {
        matches!(self, Self::BadJson { .. })
    }

    /// Whether the node could not be reached at all (not running, not listening yet).
    pub fn is_unreachable(&self) -> bool {
        matches!(self, Self::Unreachable { .. })
    }

    /// The HTTP status the node answered, when it answered with an error status.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Status { status, .. } => Some(*status),
            _ => None,
        }
    }
}

/// A client of one node's HTTP API at a base URL such as `http://127.0.0.1:5052`.
#[derive(Debug, Clone)]
pub struct NodeClient {
    base: String,
    agent: ureq::Agent,
}

/// The default bound on one request, connection included.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

impl NodeClient {
    /// A client of the node at `base` (trailing slashes ignored), each request bounded by
    /// [`DEFAULT_TIMEOUT`].
    pub fn new(base: impl Into<String>) -> Self {
        Self::with_timeout(base, DEFAULT_TIMEOUT)
    }

    /// A client of the node at `base`, each request bounded by `timeout`.
    pub fn with_timeout(base: impl Into<String>, timeout: Duration) -> Self {
        let mut base = base.into();
        while base.ends_with('/') {
            base.pop();
        }
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(timeout))
            .build()
            .new_agent();
        Self { base, agent }
    }

    /// The base URL.
    pub fn base_url(&self) -> &str {
        &self.base
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// `GET path`, the body as text after a 2xx.
    pub fn get_text(&self, path: &str) -> Result<String, ClientError> {
        let url = self.url(path);
        let response = self
            .agent
            .get(&url)
            .call()
            .map_err(|source| unreachable(&url, source))?;
        read_body(url, response)
    }

    /// `GET path`, the whole JSON body after a 2xx.
    pub fn get_json<T: DeserializeOwned>(&self, path: &str) -> Result<T, ClientError> {
        let url = self.url(path);
        let text = self.get_text(path)?;
        decode(&url, &text)
    }

    /// `GET path`, the `data` field of the JSON body after a 2xx.
    pub fn get_data<T: DeserializeOwned>(&self, path: &str) -> Result<T, ClientError> {
        let url = self.url(path);
        let text = self.get_text(path)?;
        let value: Value = decode(&url, &text)?;
        let Value::Object(mut fields) = value else {
            return Err(bad_json(&url, "the body is not a JSON object"));
        };
        let data = fields
            .remove("data")
            .ok_or_else(|| bad_json(&url, "the body has no `data` field"))?;
        serde_json::from_value(data).map_err(|error| bad_json(&url, error))
    }

    /// `POST path` with a JSON `body`, the answer's body as JSON (`null` for an empty body).
    pub fn post_json(&self, path: &str, body: &Value) -> Result<Value, ClientError> {
        let url = self.url(path);
        let response = self
            .agent
            .post(&url)
            .send_json(body)
            .map_err(|source| unreachable(&url, source))?;
        let text = read_body(url.clone(), response)?;
        if text.trim().is_empty() {
            return Ok(Value::Null);
        }
        decode(&url, &text)
    }

    /// `GET /eth/v1/node/identity`.
    pub fn identity(&self) -> Result<NodeIdentity, ClientError> {
        self.get_data("/eth/v1/node/identity")
    }

    /// `GET /eth/v1/node/version`: the version string.
    pub fn version(&self) -> Result<String, ClientError> {
        #[derive(serde::Deserialize)]
        struct Version {
            version: String,
        }
        Ok(self.get_data::<Version>("/eth/v1/node/version")?.version)
    }

    /// `GET /eth/v1/node/health`: the status code (200 synced, 206 syncing, 503 not ready).
    pub fn health(&self) -> Result<u16, ClientError> {
        let url = self.url("/eth/v1/node/health");
        let response = self
            .agent
            .get(&url)
            .call()
            .map_err(|source| unreachable(&url, source))?;
        Ok(response.status().as_u16())
    }

    /// `GET /eth/v1/node/syncing`.
    pub fn syncing(&self) -> Result<SyncStatus, ClientError> {
        self.get_data("/eth/v1/node/syncing")
    }

    /// `GET /eth/v1/node/peer_count`.
    pub fn peer_count(&self) -> Result<PeerCount, ClientError> {
        self.get_data("/eth/v1/node/peer_count")
    }

    /// `GET /eth/v1/node/peers`: the connected peers as the node lists them.
    pub fn peers(&self) -> Result<Vec<Value>, ClientError> {
        self.get_data("/eth/v1/node/peers")
    }

    /// `GET /eth/v1/beacon/genesis`.
    pub fn genesis(&self) -> Result<Genesis, ClientError> {
        self.get_data("/eth/v1/beacon/genesis")
    }

    /// `GET /eth/v1/beacon/headers/{block_id}` (`head`, `finalized`, a slot or a root).
    pub fn header(&self, block_id: &str) -> Result<HeaderSummary, ClientError> {
        self.get_data(&format!("/eth/v1/beacon/headers/{block_id}"))
    }

    /// The head block's header.
    pub fn head(&self) -> Result<HeaderSummary, ClientError> {
        self.header("head")
    }

    /// `GET /eth/v1/beacon/states/{state_id}/finality_checkpoints`.
    pub fn finality_checkpoints(&self, state_id: &str) -> Result<FinalityCheckpoints, ClientError> {
        self.get_data(&format!(
            "/eth/v1/beacon/states/{state_id}/finality_checkpoints"
        ))
    }

    /// `GET /eth/v1/beacon/states/{state_id}/validators/{validator_id}` (an index or a
    /// `0x` public key).
    pub fn validator(
        &self,
        state_id: &str,
        validator_id: &str,
    ) -> Result<ValidatorSummary, ClientError> {
        self.get_data(&format!(
            "/eth/v1/beacon/states/{state_id}/validators/{validator_id}"
        ))
    }

    /// `GET /eth/v1/beacon/states/{state_id}/validators?id=..&status=..`: the validators
    /// `ids` name (all without) with one of `statuses` (any without).
    pub fn validators(
        &self,
        state_id: &str,
        ids: &[&str],
        statuses: &[&str],
    ) -> Result<Vec<ValidatorSummary>, ClientError> {
        let mut query = Vec::new();
        if !ids.is_empty() {
            query.push(format!("id={}", ids.join(",")));
        }
        if !statuses.is_empty() {
            query.push(format!("status={}", statuses.join(",")));
        }
        let query = if query.is_empty() {
            String::new()
        } else {
            format!("?{}", query.join("&"))
        };
        self.get_data(&format!(
            "/eth/v1/beacon/states/{state_id}/validators{query}"
        ))
    }

    /// `GET /eth/v1/config/spec`: every constant by its spec name, as strings.
    pub fn spec(&self) -> Result<serde_json::Map<String, Value>, ClientError> {
        self.get_data("/eth/v1/config/spec")
    }

    /// `GET /shardnet/v1/shards/{shard}/head`.
    pub fn shard_head(&self, shard: u64) -> Result<ShardBlockSummary, ClientError> {
        self.get_data(&format!("/shardnet/v1/shards/{shard}/head"))
    }

    /// `GET /shardnet/v1/shards/{shard}/blocks?start_slot&count`: canonical block summaries
    /// (the latest `count` without `start_slot`).
    pub fn shard_blocks(
        &self,
        shard: u64,
        start_slot: Option<u64>,
        count: u64,
    ) -> Result<Vec<ShardBlockSummary>, ClientError> {
        let start = start_slot.map_or(String::new(), |slot| format!("&start_slot={slot}"));
        self.get_data(&format!(
            "/shardnet/v1/shards/{shard}/blocks?count={count}{start}"
        ))
    }

    /// `GET /shardnet/v1/shards/{shard}/blocks/{block_id}`: the block in full, as JSON.
    pub fn shard_block(&self, shard: u64, block_id: &str) -> Result<Value, ClientError> {
        self.get_data(&format!("/shardnet/v1/shards/{shard}/blocks/{block_id}"))
    }

    /// `GET /shardnet/v1/shards/{shard}/crosslinks`.
    pub fn crosslinks(&self, shard: u64) -> Result<Crosslinks, ClientError> {
        self.get_data(&format!("/shardnet/v1/shards/{shard}/crosslinks"))
    }

    /// `GET /shardnet/v1/shards/{shard}/accounts/{address}`: `(balance in wei, nonce)`.
    pub fn account(&self, shard: u64, address: &str) -> Result<(u128, u64), ClientError> {
        #[derive(serde::Deserialize)]
        struct Account {
            balance: String,
            #[serde(with = "quoted_u64")]
            nonce: u64,
        }
        let path = format!("/shardnet/v1/shards/{shard}/accounts/{address}");
        let account: Account = self.get_data(&path)?;
        let balance = account.balance.parse().map_err(|error| {
            bad_json(
                &self.url(&path),
                format!("balance `{}`: {error}", account.balance),
            )
        })?;
        Ok((balance, account.nonce))
    }

    /// `GET /shardnet/v1/shards/{shard}/receipts/{tx_hash}`, as JSON.
    pub fn receipt(&self, shard: u64, tx_hash: &str) -> Result<Value, ClientError> {
        self.get_data(&format!("/shardnet/v1/shards/{shard}/receipts/{tx_hash}"))
    }

    /// `POST /shardnet/v1/shards/{shard}/transactions`: submits a signed transaction's
    /// EIP-2718 bytes (`0x` hex) to the shard's pool, returning its hash.
    pub fn submit_transaction(&self, shard: u64, raw_hex: &str) -> Result<String, ClientError> {
        let path = format!("/shardnet/v1/shards/{shard}/transactions");
        let answer = self.post_json(&path, &json!({ "raw": raw_hex }))?;
        answer
            .get("data")
            .and_then(|data| data.get("hash"))
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| bad_json(&self.url(&path), "no `data.hash` in the answer"))
    }

    /// A JSON-RPC call on shard `shard` (`POST /rpc/{shard}`): the `result`, or
    /// [`ClientError::Rpc`] with the error object.
    pub fn rpc(&self, shard: u64, method: &str, params: Value) -> Result<Value, ClientError> {
        let path = format!("/rpc/{shard}");
        let url = self.url(&path);
        let request = json!({ "jsonrpc": "2.0", "id": 1, "method": method, "params": params });
        let mut answer = self.post_json(&path, &request)?;
        if let Some(error) = answer.get("error") {
            return Err(ClientError::Rpc {
                url,
                code: error.get("code").and_then(Value::as_i64).unwrap_or(0),
                message: error
                    .get("message")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
            });
        }
        answer
            .get_mut("result")
            .map(Value::take)
            .ok_or_else(|| bad_json(&url, "a JSON-RPC answer without `result` or `error`"))
    }

    /// `GET /metrics`: the Prometheus text.
    pub fn metrics(&self) -> Result<String, ClientError> {
        self.get_text("/metrics")
    }

    /// `GET /shardnet/v1/network/blocked_peers`: the peer ids whose traffic the node drops.
    pub fn blocked_peers(&self) -> Result<Vec<String>, ClientError> {
        #[derive(serde::Deserialize)]
        struct Blocked {
            peer_ids: Vec<String>,
        }
        Ok(self
            .get_data::<Blocked>("/shardnet/v1/network/blocked_peers")?
            .peer_ids)
    }

    /// `POST /shardnet/v1/network/blocked_peers`: drops all traffic with `peer_ids` both
    /// ways from now on (an empty list heals every partition).
    pub fn set_blocked_peers(&self, peer_ids: &[String]) -> Result<(), ClientError> {
        self.post_json(
            "/shardnet/v1/network/blocked_peers",
            &json!({ "peer_ids": peer_ids }),
        )
        .map(drop)
    }
}

/// The value of the sample `name` (without labels) in Prometheus `text`, if present.
pub fn metric_value(text: &str, name: &str) -> Option<f64> {
    text.lines()
        .filter(|line| !line.starts_with('#'))
        .find_map(|line| {
            let (key, value) = line.split_once(' ')?;
            (key == name).then(|| value.trim().parse().ok()).flatten()
        })
}

/// The sum of every sample of `name` (all label sets) in Prometheus `text`, if any.
pub fn metric_sum(text: &str, name: &str) -> Option<f64> {
    let mut found = None;
    for line in text.lines().filter(|line| !line.starts_with('#')) {
        let Some((key, value)) = line.rsplit_once(' ') else {
            continue;
        };
        let metric = key.split('{').next().unwrap_or(key);
        if metric == name
            && let Ok(value) = value.trim().parse::<f64>()
        {
            *found.get_or_insert(0.0) += value;
        }
    }
    found
}

fn unreachable(url: &str, source: ureq::Error) -> ClientError {
    ClientError::Unreachable {
        url: url.to_owned(),
        source,
    }
}

fn bad_json(url: &str, reason: impl std::fmt::Display) -> ClientError {
    ClientError::BadJson {
        url: url.to_owned(),
        reason: reason.to_string(),
    }
}

fn decode<T: DeserializeOwned>(url: &str, text: &str) -> Result<T, ClientError> {
    serde_json::from_str(text).map_err(|error| bad_json(url, error))
}

/// The body of `response` as text, or [`ClientError::Status`] with the node's message when
/// the status is not 2xx.
fn read_body(
    url: String,
    response: ureq::http::Response<ureq::Body>,
) -> Result<String, ClientError> {
    let status = response.status().as_u16();
    let text = response
        .into_body()
        .with_config()
        .limit(64 * 1024 * 1024)
        .read_to_string()
        .map_err(|source| unreachable(&url, source))?;
    if (200..300).contains(&status) {
        return Ok(text);
    }
    let message = serde_json::from_str::<Value>(&text)
        .ok()
        .and_then(|body| {
            body.get("message")
                .and_then(Value::as_str)
                .map(str::to_owned)
        })
        .unwrap_or(text);
    Err(ClientError::Status {
        url,
        status,
        message,
    })
}

#[cfg(test)]
mod tests;
