//! The `shardnet` binary end to end: `shardnet init` writes a minimal-preset network of 64
//! validators and 2 shards, `shardnet node` runs it as a child process, and everything is
//! observed through its HTTP port only: transfers within and across shards sent as signed
//! raw transactions over JSON-RPC, finality, crosslinks, receipts, balances. The process is
//! then killed with SIGKILL in the middle of an epoch and started again on the same
//! directory and port: the finalized checkpoint must not go back, and finality must advance,
//! while one validator's key is deleted and imported again through the Keymanager API.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

use alloy_primitives::{Address, B256, U256};
use serde_json::{Value, json};
use shard::{TransferRequest, genesis_accounts};

const SHARDS: u64 = 2;
const SLOT_MS: u64 = 1000;
const SLOTS_PER_EPOCH: u64 = 8;

/// A response: status code and body.
struct Reply {
    status: u16,
    body: String,
}

/// One HTTP/1.1 request over a fresh connection (`Connection: close`, so the body ends with
/// the stream; the server sends JSON with a length, never chunked, for these endpoints).
fn http(
    address: SocketAddr,
    method: &str,
    path: &str,
    body: Option<&Value>,
) -> std::io::Result<Reply> {
    let mut stream = TcpStream::connect_timeout(&address, Duration::from_secs(2))?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let body = body.map(Value::to_string).unwrap_or_default();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )?;
    let mut raw = String::new();
    stream.read_to_string(&mut raw)?;
    let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or(0);
    Ok(Reply {
        status,
        body: body.to_owned(),
    })
}

/// `GET path`'s `data`, `None` when the node does not answer 200.
fn get(address: SocketAddr, path: &str) -> Option<Value> {
    let reply = http(address, "GET", path, None).ok()?;
    if reply.status != 200 {
        return None;
    }
    serde_json::from_str::<Value>(&reply.body)
        .ok()?
        .get("data")
        .cloned()
}

/// A JSON-RPC call on `shard`: its `result`, panicking on a JSON-RPC error.
fn rpc(address: SocketAddr, shard: u64, method: &str, params: Value) -> Value {
    let request = json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params});
    let reply = http(
        address,
        "POST",
        &format!("/shardnet/v1/shards/{shard}/rpc"),
        Some(&request),
    )
    .unwrap_or_else(|error| panic!("{method}: {error}"));
    let body: Value = serde_json::from_str(&reply.body)
        .unwrap_or_else(|error| panic!("{method}: {error}: {}", reply.body));
    assert!(body.get("error").is_none(), "{method} {params}: {body}");
    body["result"].clone()
}

fn quoted(value: &Value) -> u64 {
    value
        .as_str()
        .and_then(|text| text.parse().ok())
        .unwrap_or(0)
}

fn finalized_epoch(address: SocketAddr) -> Option<u64> {
    get(address, "/eth/v1/beacon/states/head/finality_checkpoints")
        .map(|data| quoted(&data["finalized"]["epoch"]))
}

fn balance(address: SocketAddr, shard: u64, account: Address) -> U256 {
    let result = rpc(address, shard, "eth_getBalance", json!([account, "latest"]));
    result
        .as_str()
        .and_then(|hex| U256::from_str_radix(hex.trim_start_matches("0x"), 16).ok())
        .unwrap_or_else(|| panic!("balance: {result}"))
}

fn hex_u128(value: &Value) -> u128 {
    value
        .as_str()
        .and_then(|hex| u128::from_str_radix(hex.trim_start_matches("0x"), 16).ok())
        .unwrap_or_else(|| panic!("not a hex quantity: {value}"))
}

/// Polls `check` every half slot until it holds, panicking with `what` at `deadline`.
fn wait_until(deadline: Instant, what: &str, mut check: impl FnMut() -> bool) {
    while !check() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        sleep(Duration::from_millis(SLOT_MS / 2));
    }
}

fn free_port() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
    listener.local_addr().expect("its address")
}

fn shardnet() -> Command {
    Command::new(env!("CARGO_BIN_EXE_shardnet"))
}

fn start_node(datadir: &Path, address: SocketAddr, run: u32) -> Child {
    let log = std::fs::File::create(datadir.join(format!("node-{run}.log"))).expect("log file");
    let child = shardnet()
        .args(["node", "--datadir"])
        .arg(datadir)
        .args(["--http-listen", &address.to_string()])
        // Any free UDP port: the node reports the one it bound.
        .args(["--p2p-listen", "127.0.0.1:0"])
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .expect("shardnet node starts");
    let deadline = Instant::now() + Duration::from_secs(30);
    wait_until(deadline, "the HTTP server", || {
        get(address, "/eth/v1/node/version").is_some()
    });
    child
}

/// Kills the child on drop, so a failing assertion leaves no node running.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

struct Sent {
    shard: u64,
    dest_shard: u64,
    hash: B256,
    to: Address,
    value: U256,
}

/// The Keymanager API on the running node: one key deleted (its files go, its slashing
/// protection comes back) and imported again with that history.
fn keymanager_round_trip(address: SocketAddr, datadir: &Path) {
    let listed = get(address, "/eth/v1/keystores").expect("keystores");
    assert_eq!(listed.as_array().map(Vec::len), Some(64), "{listed}");
    let pubkey = listed[0]["validating_pubkey"]
        .as_str()
        .expect("a public key")
        .to_owned();
    let keystore_file = datadir.join("keystores").join(format!("{pubkey}.json"));
    let secret_file = datadir.join("secrets").join(&pubkey);
    let keystore = std::fs::read_to_string(&keystore_file).expect("the keystore file");
    let password = std::fs::read_to_string(&secret_file).expect("the password file");
    let password = password.trim_end_matches('\n').to_owned();

    let request = json!({"pubkeys": [pubkey]});
    let reply = http(address, "DELETE", "/eth/v1/keystores", Some(&request)).expect("delete");
    assert_eq!(reply.status, 200, "{}", reply.body);
    let deleted: Value = serde_json::from_str(&reply.body).expect("JSON");
    assert_eq!(deleted["data"][0]["status"], json!("deleted"), "{deleted}");
    let interchange = deleted["slashing_protection"]
        .as_str()
        .expect("an interchange");
    assert!(interchange.contains(&pubkey), "{interchange}");
    assert!(!keystore_file.exists() && !secret_file.exists());
    let listed = get(address, "/eth/v1/keystores").expect("keystores");
    assert_eq!(listed.as_array().map(Vec::len), Some(63));

    let request = json!({
        "keystores": [keystore],
        "passwords": [password],
        "slashing_protection": interchange,
    });
    let reply = http(address, "POST", "/eth/v1/keystores", Some(&request)).expect("import");
    assert_eq!(reply.status, 200, "{}", reply.body);
    let imported: Value = serde_json::from_str(&reply.body).expect("JSON");
    assert_eq!(
        imported["data"][0]["status"],
        json!("imported"),
        "{imported}"
    );
    assert!(keystore_file.exists() && secret_file.exists());
    let listed = get(address, "/eth/v1/keystores").expect("keystores");
    assert_eq!(listed.as_array().map(Vec::len), Some(64));
}

#[test]
fn node_finalizes_moves_value_across_shards_and_survives_kill_9() {
    let started = Instant::now();
    let dir = tempfile::tempdir().expect("temp dir");
    let datadir = dir.path().join("net");
    let init = shardnet()
        .args(["init", "--datadir"])
        .arg(&datadir)
        .args(["--preset", "minimal", "--validators", "64", "--shards"])
        .arg(SHARDS.to_string())
        .args(["--slot-time", &(SLOT_MS as f64 / 1000.0).to_string()])
        .args(["--genesis-delay", "3"])
        .output()
        .expect("shardnet init runs");
    assert!(
        init.status.success(),
        "init: {}",
        String::from_utf8_lossy(&init.stderr)
    );
    let config = node::datadir::read_chain_config(&datadir).expect("config.yaml");
    assert_eq!(config.slots_per_epoch, SLOTS_PER_EPOCH);
    let genesis = node::datadir::read_shard_genesis(&datadir).expect("shards.yaml");
    let accounts = genesis_accounts(
        &genesis.mnemonic,
        genesis.accounts_per_shard,
        genesis.balance_wei,
        SHARDS,
    )
    .expect("genesis accounts");

    let address = free_port();
    let mut node = Running(start_node(&datadir, address, 1));
    // Its peer-to-peer identity: the key of `network/node.key`, on the UDP port it bound.
    let identity = get(address, "/eth/v1/node/identity").expect("identity");
    let peer_id = identity["peer_id"].as_str().expect("peer id");
    assert_eq!(peer_id.len(), 64, "{identity}");
    assert!(datadir.join(node::datadir::NODE_KEY_FILE).exists());
    let p2p = identity["p2p_addresses"][0].as_str().expect("p2p address");
    assert!(
        p2p.starts_with("127.0.0.1:") && !p2p.ends_with(":0"),
        "{p2p}"
    );
    assert_eq!(
        get(address, "/eth/v1/node/peer_count").expect("peer count")["connected"],
        "0"
    );

    // From each shard: one transfer within the shard and one to the other.
    let value = U256::from(1_234_567u64) * U256::from(10u64).pow(U256::from(12u64));
    let max_fee = u128::from(config.max_gasprice) * 1_000_000_000;
    let mut involved = Vec::new();
    for shard in 0..SHARDS {
        let own = &accounts.shards[shard as usize];
        let other = (shard + 1) % SHARDS;
        involved.push((shard, own[0].signer.address()));
        involved.push((shard, own[1].signer.address()));
        involved.push((other, accounts.shards[other as usize][2].signer.address()));
    }
    let before_total: U256 = involved
        .iter()
        .map(|(shard, account)| balance(address, *shard, *account))
        .sum();
    let mut sent = Vec::new();
    let mut before = Vec::new();
    for shard in 0..SHARDS {
        let own = &accounts.shards[shard as usize];
        let other = (shard + 1) % SHARDS;
        let remote = accounts.shards[other as usize][2].signer.address();
        for (nonce, (to, dest_shard)) in [(own[1].signer.address(), shard), (remote, other)]
            .into_iter()
            .enumerate()
        {
            // The recipient's balance before; the sender's own transfer within the shard is
            // the only other one that pays it.
            before.push(balance(address, dest_shard, to));
            let raw = own[0].signer.sign_eip1559(&TransferRequest {
                chain_id: config.base_chain_id + shard,
                nonce: nonce as u64,
                to,
                value,
                gas_limit: 21_000,
                max_fee_per_gas: max_fee,
                max_priority_fee_per_gas: 1_000_000_000,
            });
            let hash = rpc(
                address,
                shard,
                "eth_sendRawTransaction",
                json!([format!("0x{}", hex::encode(&raw))]),
            );
            let hash: B256 = serde_json::from_value(hash).expect("a transaction hash");
            sent.push(Sent {
                shard,
                dest_shard,
                hash,
                to,
                value,
            });
        }
    }

    // Finality, every shard crosslinked, every transfer finalized and credited.
    let deadline = Instant::now() + Duration::from_secs(90);
    wait_until(deadline, "finality epoch 2", || {
        finalized_epoch(address).is_some_and(|epoch| epoch >= 2)
    });
    for shard in 0..SHARDS {
        let crosslinks =
            get(address, &format!("/shardnet/v1/shards/{shard}/crosslinks")).expect("crosslinks");
        assert!(
            quoted(&crosslinks["finalized"]["slot"]) > 0,
            "shard {shard} never crosslinked: {crosslinks}"
        );
    }
    wait_until(deadline, "every transfer finalized", || {
        sent.iter().all(|s| {
            get(
                address,
                &format!("/shardnet/v1/shards/{}/receipts/{}", s.shard, s.hash),
            )
            .is_some_and(|receipt| receipt["finalized"] == json!(true))
        })
    });
    wait_until(deadline, "every cross-shard transfer credited", || {
        sent.iter()
            .zip(&before)
            .all(|(s, before)| balance(address, s.dest_shard, s.to) >= *before + s.value)
    });
    let mut fees = U256::ZERO;
    for s in &sent {
        let receipt = rpc(
            address,
            s.shard,
            "eth_getTransactionReceipt",
            json!([s.hash]),
        );
        assert_eq!(receipt["status"], json!("0x1"), "{receipt}");
        fees += U256::from(hex_u128(&receipt["gasUsed"]) * hex_u128(&receipt["effectiveGasPrice"]));
        if s.dest_shard != s.shard {
            let shard_receipt = get(
                address,
                &format!("/shardnet/v1/shards/{}/receipts/{}", s.shard, s.hash),
            )
            .expect("receipt");
            assert_eq!(shard_receipt["claimed"], json!(true), "{shard_receipt}");
        }
    }
    let after_total: U256 = involved
        .iter()
        .map(|(shard, account)| balance(address, *shard, *account))
        .sum();
    assert_eq!(
        after_total + fees,
        before_total,
        "value is conserved, fees burned"
    );
    let first_run = started.elapsed();

    // Kill it in the middle of an epoch, then start it again on the same directory.
    let head_slot =
        |address| get(address, "/eth/v1/node/syncing").map_or(0, |data| quoted(&data["head_slot"]));
    wait_until(deadline, "the middle of an epoch", || {
        head_slot(address) % SLOTS_PER_EPOCH == SLOTS_PER_EPOCH / 2
    });
    let finalized_before = finalized_epoch(address).expect("finality checkpoints");
    node.0.kill().expect("SIGKILL");
    node.0.wait().expect("the node exits");
    let mut node = Running(start_node(&datadir, address, 2));
    let resumed = finalized_epoch(address).expect("finality checkpoints");
    assert!(
        resumed >= finalized_before,
        "finality went back from {finalized_before} to {resumed}"
    );
    keymanager_round_trip(address, &datadir);
    let deadline = Instant::now() + Duration::from_secs(60);
    wait_until(deadline, "finality past the kill", || {
        finalized_epoch(address).is_some_and(|epoch| epoch > finalized_before)
    });
    for (s, before) in sent.iter().zip(&before) {
        assert!(balance(address, s.dest_shard, s.to) >= *before + s.value);
    }
    node.0.kill().expect("SIGKILL");
    eprintln!(
        "first run {:.1} s, whole test {:.1} s",
        first_run.as_secs_f64(),
        started.elapsed().as_secs_f64()
    );
}
