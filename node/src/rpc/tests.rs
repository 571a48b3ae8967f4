use alloy_consensus::{Receipt, ReceiptEnvelope, ReceiptWithBloom};
use alloy_primitives::{Address, B256, Bloom, Bytes, U256, address};
use alloy_rpc_types_eth::{Block, BlockNumberOrTag, TransactionReceipt};
use serde_json::{Value, json};

use super::{EthApi, MAX_BATCH, RpcError, handle};

const ALICE: Address = address!("0x00000000000000000000000000000000000a11ce");

struct FakeChain;

impl EthApi for FakeChain {
    fn chain_id(&self) -> u64 {
        0x5ad0_0002
    }
    fn client_version(&self) -> String {
        String::from("shardnet/test")
    }
    fn block_number(&self) -> Result<u64, RpcError> {
        Ok(17)
    }
    fn gas_price(&self) -> Result<U256, RpcError> {
        Ok(U256::from(1_000_000_000u64))
    }
    fn balance(&self, address: Address, block: BlockNumberOrTag) -> Result<U256, RpcError> {
        match (address, block) {
            (ALICE, BlockNumberOrTag::Latest) => {
                Ok(U256::from(5u64) * U256::from(10u64).pow(U256::from(18u64)))
            }
            (_, BlockNumberOrTag::Number(n)) if n > 17 => {
                Err(RpcError::ResourceNotFound(format!("no block {n}")))
            }
            _ => Ok(U256::ZERO),
        }
    }
    fn transaction_count(
        &self,
        address: Address,
        block: BlockNumberOrTag,
    ) -> Result<u64, RpcError> {
        Ok(match (address, block) {
            (ALICE, BlockNumberOrTag::Pending) => 4,
            (ALICE, _) => 3,
            _ => 0,
        })
    }
    fn send_raw_transaction(&self, raw: Bytes) -> Result<B256, RpcError> {
        if raw.is_empty() {
            Err(RpcError::TransactionRejected(String::from(
                "empty transaction",
            )))
        } else {
            Ok(B256::repeat_byte(raw[0]))
        }
    }
    fn transaction_receipt(&self, hash: B256) -> Result<Option<TransactionReceipt>, RpcError> {
        if hash != B256::repeat_byte(1) {
            return Ok(None);
        }
        let receipt = Receipt {
            status: true.into(),
            cumulative_gas_used: 21_000,
            logs: vec![],
        };
        Ok(Some(TransactionReceipt {
            inner: ReceiptEnvelope::Legacy(ReceiptWithBloom::new(receipt, Bloom::ZERO)),
            transaction_hash: hash,
            transaction_index: Some(0),
            block_hash: Some(B256::repeat_byte(9)),
            block_number: Some(17),
            gas_used: 21_000,
            effective_gas_price: 1_000_000_000,
            blob_gas_used: None,
            blob_gas_price: None,
            from: ALICE,
            to: Some(Address::repeat_byte(2)),
            contract_address: None,
        }))
    }
    fn block_by_number(
        &self,
        number: BlockNumberOrTag,
        _full: bool,
    ) -> Result<Option<Block>, RpcError> {
        Ok(match number {
            BlockNumberOrTag::Number(17) | BlockNumberOrTag::Latest => {
                let mut block: Block = Block::default();
                block.header.inner.number = 17;
                block.header.hash = B256::repeat_byte(9);
                Some(block)
            }
            _ => None,
        })
    }
}

fn ask(body: Value) -> Value {
    handle(&FakeChain, body.to_string().as_bytes()).expect("a response")
}

fn call(method: &str, params: Value) -> Value {
    ask(json!({"jsonrpc": "2.0", "id": 7, "method": method, "params": params}))
}

fn error_code(response: &Value) -> i64 {
    response["error"]["code"]
        .as_i64()
        .unwrap_or_else(|| panic!("no error in {response}"))
}

#[test]
fn answers_each_method_with_ethereum_shapes() {
    assert_eq!(call("eth_chainId", json!([]))["result"], "0x5ad00002");
    assert_eq!(call("net_version", json!([]))["result"], "1523580930");
    assert_eq!(
        call("web3_clientVersion", json!([]))["result"],
        "shardnet/test"
    );
    assert_eq!(call("eth_blockNumber", json!([]))["result"], "0x11");
    assert_eq!(call("eth_gasPrice", json!([]))["result"], "0x3b9aca00");
    let alice = ALICE.to_string();
    assert_eq!(
        call("eth_getBalance", json!([alice, "latest"]))["result"],
        "0x4563918244f40000"
    );
    assert_eq!(
        call("eth_getBalance", json!([alice]))["result"],
        "0x4563918244f40000"
    );
    assert_eq!(
        call("eth_getTransactionCount", json!([alice, "pending"]))["result"],
        "0x4"
    );
    assert_eq!(
        call("eth_sendRawTransaction", json!(["0x02ff"]))["result"],
        format!("{}", B256::repeat_byte(2))
    );
    let receipt =
        call("eth_getTransactionReceipt", json!([B256::repeat_byte(1)]))["result"].clone();
    assert_eq!(receipt["status"], "0x1");
    assert_eq!(receipt["blockNumber"], "0x11");
    assert_eq!(receipt["gasUsed"], "0x5208");
    assert_eq!(
        receipt["transactionHash"],
        format!("{}", B256::repeat_byte(1))
    );
    assert_eq!(
        call("eth_getTransactionReceipt", json!([B256::repeat_byte(3)]))["result"],
        Value::Null
    );
    let block = call("eth_getBlockByNumber", json!(["0x11", false]))["result"].clone();
    assert_eq!(block["number"], "0x11");
    assert_eq!(block["hash"], format!("{}", B256::repeat_byte(9)));
    assert_eq!(
        call("eth_getBlockByNumber", json!(["0x12", true]))["result"],
        Value::Null
    );
}

#[test]
fn responses_carry_the_request_id() {
    let response = ask(json!({"jsonrpc": "2.0", "id": "abc", "method": "eth_chainId"}));
    assert_eq!(response["id"], "abc");
    assert_eq!(response["jsonrpc"], "2.0");
}

#[test]
fn bad_requests_get_the_eip_1474_codes() {
    let parse = handle(&FakeChain, b"{not json").unwrap();
    assert_eq!(error_code(&parse), -32700);
    assert_eq!(parse["id"], Value::Null);
    for request in [
        json!(42),
        json!({"id": 1, "method": "eth_chainId"}),
        json!({"jsonrpc": "1.0", "id": 1, "method": "eth_chainId"}),
        json!({"jsonrpc": "2.0", "id": 1, "method": 5}),
        json!({"jsonrpc": "2.0", "id": {"x": 1}, "method": "eth_chainId"}),
        json!({"jsonrpc": "2.0", "id": 1, "method": "eth_chainId", "extra": 1}),
        json!([]),
    ] {
        assert_eq!(error_code(&ask(request.clone())), -32600, "{request}");
    }
    assert_eq!(error_code(&call("eth_mine", json!([]))), -32601);
    let alice = ALICE.to_string();
    for (method, params) in [
        ("eth_chainId", json!([1])),
        ("eth_getBalance", json!([])),
        ("eth_getBalance", json!(["0x1234"])),
        ("eth_getBalance", json!([alice, "yesterday"])),
        ("eth_getBalance", json!([alice, "latest", 3])),
        ("eth_getBalance", json!({"address": alice})),
        ("eth_sendRawTransaction", json!(["0xzz"])),
        ("eth_getTransactionReceipt", json!(["0x01"])),
        ("eth_getBlockByNumber", json!(["latest"])),
    ] {
        let response = call(method, params.clone());
        assert_eq!(
            error_code(&response),
            -32602,
            "{method} {params}: {response}"
        );
        assert!(
            response["error"]["message"]
                .as_str()
                .unwrap()
                .contains("param"),
            "{response}"
        );
    }
    let rejected = call("eth_sendRawTransaction", json!(["0x"]));
    assert_eq!(error_code(&rejected), -32003);
    assert_eq!(rejected["error"]["message"], "empty transaction");
    assert_eq!(
        error_code(&call("eth_getBalance", json!([alice, "0x99"]))),
        -32001
    );
}

#[test]
fn batches_answer_each_request_and_skip_notifications() {
    let response = ask(json!([
        {"jsonrpc": "2.0", "id": 1, "method": "eth_chainId"},
        {"jsonrpc": "2.0", "method": "eth_blockNumber"},
        {"jsonrpc": "2.0", "id": 2, "method": "eth_nope"},
        "garbage",
    ]));
    let responses = response.as_array().unwrap();
    assert_eq!(responses.len(), 3);
    assert_eq!(responses[0]["result"], "0x5ad00002");
    assert_eq!(error_code(&responses[1]), -32601);
    assert_eq!(error_code(&responses[2]), -32600);
    let only_notifications = json!([{"jsonrpc": "2.0", "method": "eth_chainId"}]);
    assert_eq!(
        handle(&FakeChain, only_notifications.to_string().as_bytes()),
        None
    );
    let notification = json!({"jsonrpc": "2.0", "method": "eth_nope"});
    assert_eq!(
        handle(&FakeChain, notification.to_string().as_bytes()),
        None
    );
    let too_many: Vec<Value> = (0..=MAX_BATCH)
        .map(|id| json!({"jsonrpc": "2.0", "id": id, "method": "eth_chainId"}))
        .collect();
    assert_eq!(error_code(&ask(Value::Array(too_many))), -32600);
}
