//! JSON-RPC 2.0 envelopes: single and batch requests, notifications, positional parameters.

use alloy_primitives::{Address, B256, Bytes, U64};
use alloy_rpc_types_eth::BlockNumberOrTag;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

use super::{EthApi, RpcError};

/// The most requests in one batch; a larger batch is refused whole.
pub const MAX_BATCH: usize = 100;

/// Answers the request body `body`: the response body, or `None` when every request was a
/// notification (the HTTP layer then answers `204 No Content`, as JSON-RPC 2.0 asks for
/// nothing).
pub fn handle(api: &dyn EthApi, body: &[u8]) -> Option<Value> {
    let request = match serde_json::from_slice::<Value>(body) {
        Ok(request) => request,
        Err(error) => {
            return Some(error_response(
                Value::Null,
                &RpcError::Parse(error.to_string()),
            ));
        }
    };
    match request {
        Value::Array(batch) if batch.is_empty() => Some(error_response(
            Value::Null,
            &RpcError::InvalidRequest(String::from("empty batch")),
        )),
        Value::Array(batch) if batch.len() > MAX_BATCH => Some(error_response(
            Value::Null,
            &RpcError::InvalidRequest(format!(
                "batch of {} requests, the most is {MAX_BATCH}",
                batch.len()
            )),
        )),
        Value::Array(batch) => {
            let responses: Vec<Value> = batch
                .into_iter()
                .filter_map(|request| handle_one(api, request))
                .collect();
            (!responses.is_empty()).then_some(Value::Array(responses))
        }
        request => handle_one(api, request),
    }
}

/// One request object: its response, or `None` for a notification.
fn handle_one(api: &dyn EthApi, request: Value) -> Option<Value> {
    let Value::Object(mut request) = request else {
        return Some(error_response(
            Value::Null,
            &RpcError::InvalidRequest(String::from("a request must be a JSON object")),
        ));
    };
    let id = request.remove("id");
    let reply_id = id.clone().unwrap_or(Value::Null);
    if let Err(error) = check_envelope(&request, id.as_ref()) {
        return Some(error_response(reply_id, &error));
    }
    let method = request
        .get("method")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let params = request.remove("params").unwrap_or(Value::Null);
    let outcome = call(api, &method, params);
    // A notification gets no response, whatever happened.
    id.as_ref()?;
    Some(match outcome {
        Ok(result) => json!({ "jsonrpc": "2.0", "id": reply_id, "result": result }),
        Err(error) => error_response(reply_id, &error),
    })
}

fn check_envelope(request: &Map<String, Value>, id: Option<&Value>) -> Result<(), RpcError> {
    if request.get("jsonrpc").and_then(Value::as_str) != Some("2.0") {
        return Err(RpcError::InvalidRequest(String::from(
            "`jsonrpc` must be \"2.0\"",
        )));
    }
    if !matches!(request.get("method"), Some(Value::String(_))) {
        return Err(RpcError::InvalidRequest(String::from(
            "`method` must be a string",
        )));
    }
    if let Some(key) = request
        .keys()
        .find(|key| !matches!(key.as_str(), "jsonrpc" | "method" | "params"))
    {
        return Err(RpcError::InvalidRequest(format!("unknown member `{key}`")));
    }
    if matches!(
        id,
        Some(Value::Object(_) | Value::Array(_) | Value::Bool(_))
    ) {
        return Err(RpcError::InvalidRequest(String::from(
            "`id` must be a string, a number or null",
        )));
    }
    Ok(())
}

fn error_response(id: Value, error: &RpcError) -> Value {
    json!({
        "jsonrpc": "2.0",
        "id": id,
        "error": { "code": error.code(), "message": error.to_string() },
    })
}

fn call(api: &dyn EthApi, method: &str, params: Value) -> Result<Value, RpcError> {
    let params = Params::new(method, params)?;
    match method {
        "eth_chainId" => {
            params.none()?;
            to_value(U64::from(api.chain_id()))
        }
        "net_version" => {
            params.none()?;
            to_value(api.chain_id().to_string())
        }
        "web3_clientVersion" => {
            params.none()?;
            to_value(api.client_version())
        }
        "eth_blockNumber" => {
            params.none()?;
            to_value(U64::from(api.block_number()?))
        }
        "eth_gasPrice" => {
            params.none()?;
            to_value(api.gas_price()?)
        }
        "eth_getBalance" => {
            let address: Address = params.required(0, "address")?;
            let block = params.block_or_latest(1)?;
            params.at_most(2)?;
            to_value(api.balance(address, block)?)
        }
        "eth_getTransactionCount" => {
            let address: Address = params.required(0, "address")?;
            let block = params.block_or_latest(1)?;
            params.at_most(2)?;
            to_value(U64::from(api.transaction_count(address, block)?))
        }
        "eth_sendRawTransaction" => {
            let raw: Bytes = params.required(0, "signed transaction bytes")?;
            params.at_most(1)?;
            to_value(api.send_raw_transaction(raw)?)
        }
        "eth_getTransactionReceipt" => {
            let hash: B256 = params.required(0, "transaction hash")?;
            params.at_most(1)?;
            to_value(api.transaction_receipt(hash)?)
        }
        "eth_getBlockByNumber" => {
            let number: BlockNumberOrTag = params.required(0, "block number or tag")?;
            let full: bool = params.required(1, "full transactions flag")?;
            params.at_most(2)?;
            to_value(api.block_by_number(number, full)?)
        }
        other => Err(RpcError::MethodNotFound(other.to_owned())),
    }
}

fn to_value<T: Serialize>(value: T) -> Result<Value, RpcError> {
    serde_json::to_value(value).map_err(|error| RpcError::Internal(error.to_string()))
}

/// Positional parameters (`params` absent, `null` or an array).
struct Params<'a> {
    method: &'a str,
    values: Vec<Value>,
}

impl<'a> Params<'a> {
    fn new(method: &'a str, params: Value) -> Result<Self, RpcError> {
        let values = match params {
            Value::Null => Vec::new(),
            Value::Array(values) => values,
            _ => {
                return Err(RpcError::InvalidParams(String::from(
                    "`params` must be an array",
                )));
            }
        };
        Ok(Self { method, values })
    }

    fn none(&self) -> Result<(), RpcError> {
        self.at_most(0)
    }

    fn at_most(&self, count: usize) -> Result<(), RpcError> {
        if self.values.len() > count {
            return Err(RpcError::InvalidParams(format!(
                "{} takes {count} parameter(s), got {}",
                self.method,
                self.values.len()
            )));
        }
        Ok(())
    }

    fn required<T: DeserializeOwned>(&self, index: usize, what: &str) -> Result<T, RpcError> {
        let value = self.values.get(index).ok_or_else(|| {
            RpcError::InvalidParams(format!("{} needs parameter {index} ({what})", self.method))
        })?;
        Self::parse(value, index, what)
    }

    fn block_or_latest(&self, index: usize) -> Result<BlockNumberOrTag, RpcError> {
        match self.values.get(index) {
            None | Some(Value::Null) => Ok(BlockNumberOrTag::Latest),
            Some(value) => Self::parse(value, index, "block number or tag"),
        }
    }

    fn parse<T: DeserializeOwned>(value: &Value, index: usize, what: &str) -> Result<T, RpcError> {
        T::deserialize(value).map_err(|error| {
            RpcError::InvalidParams(format!("parameter {index} ({what}): {error}"))
        })
    }
}
