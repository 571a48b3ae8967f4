//! `shardnet stake`, `stake status`, `exit`, `tx send` and `load` against a running 4-node
//! testnet brought up with `shardnet testnet up --detach` (node processes over QUIC on
//! loopback): a minimal-preset network of 64 validators (16 a node) and 2 shards with 1 s
//! slots and 4-slot epochs, a one-epoch eth1 voting period and short seed lookahead and shard
//! committee period, so that a deposit becomes an active validator within about ten epochs.
//!
//! The commands are spread over the nodes: the deposits go through node 0 and the keystores
//! into node 1's Keymanager API (`stake --import-node`), the exit through node 2, the
//! transfers through nodes 3 and 2, the load through nodes 2 and 3. Every node must see the
//! new validators active and rewarded, and the exited one exited. Everything is observed
//! through the nodes' HTTP API; bad arguments get a one-line error and status 1, and so does
//! importing the keystores into a node of another network (a `shardnet dev` node). The testnet
//! is brought down when the test ends, passed or failed.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

use node::api::ValidatorStatus;
use serde_json::Value;
use testnet::client::ValidatorSummary;
use testnet::{NodeClient, TestnetState};

/// The second prefunded account of the development mnemonic (home shard 0 with 2 shards).
const SHARD_0_ACCOUNT: &str = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const MNEMONIC: &str = "abandon abandon abandon abandon abandon abandon abandon abandon \
                        abandon abandon abandon about";
const NODES: usize = 4;
const GENESIS_VALIDATORS: u64 = 64;
const SLOTS_PER_EPOCH: u64 = 4;
/// 32 ETH in Gwei.
const DEPOSIT_GWEI: u64 = 32_000_000_000;
/// A bound on every wait, only so that a broken network fails instead of hanging.
const PATIENCE: Duration = Duration::from_secs(180);

fn shardnet(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_shardnet"))
        .args(args)
        .env_remove("RUST_LOG")
        .output()
        .expect("the shardnet binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn succeeds(args: &[&str]) -> String {
    let output = shardnet(args);
    assert!(
        output.status.success(),
        "{args:?}: {}\n{}",
        text(&output.stdout),
        text(&output.stderr)
    );
    text(&output.stdout)
}

/// The command fails with status 1 and one `error:` line that contains `expected`.
fn fails_with(args: &[&str], expected: &str) {
    let output = shardnet(args);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{args:?}: {stderr}");
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "{args:?}: {stderr}");
    assert!(lines[0].starts_with("error: "), "{stderr}");
    assert!(lines[0].contains(expected), "{args:?}: {stderr}");
}

/// An `http://` URL on which nothing listens.
fn unused_url() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
    format!("http://{}", listener.local_addr().expect("its address"))
}

/// Polls `check` until it returns `Some`, failing after [`PATIENCE`] with `what`.
fn wait_for<T>(what: &str, mut check: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + PATIENCE;
    loop {
        if let Some(value) = check() {
            return value;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        sleep(Duration::from_millis(500));
    }
}

/// A `shardnet dev` node of another network (16 validators, so another genesis validators
/// root), killed when dropped.
struct OtherNetwork {
    child: Child,
    url: String,
}

impl OtherNetwork {
    fn start(dir: &Path) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
        let address = listener.local_addr().expect("its address");
        drop(listener);
        let child = Command::new(env!("CARGO_BIN_EXE_shardnet"))
            .args(["dev", "--validators", "16", "--datadir"])
            .arg(dir)
            .args(["--http-listen", &address.to_string()])
            .env_remove("RUST_LOG")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("the shardnet binary runs");
        let other = Self {
            child,
            url: format!("http://{address}"),
        };
        let client = NodeClient::new(&other.url);
        wait_for("the other network's node to serve its genesis", || {
            client.genesis().ok()
        });
        other
    }
}

impl Drop for OtherNetwork {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Brings the testnet down when the test ends, passed or not (and if `up` itself failed
/// half-way), showing the end of every node's log when it failed.
struct Down(PathBuf);

impl Drop for Down {
    fn drop(&mut self) {
        if std::thread::panicking()
            && let Ok(state) = TestnetState::load(&self.0)
        {
            for node in &state.nodes {
                let log = std::fs::read_to_string(&node.log).unwrap_or_default();
                let lines: Vec<&str> = log.lines().collect();
                eprintln!("--- the end of node{}'s log", node.index);
                for line in &lines[lines.len().saturating_sub(12)..] {
                    eprintln!("{line}");
                }
            }
        }
        let _ = Command::new(env!("CARGO_BIN_EXE_shardnet"))
            .args(["testnet", "down", "--dir"])
            .arg(&self.0)
            .output();
    }
}

fn testnet_up(dir: &Path) -> TestnetState {
    let dir_text = dir.to_str().expect("UTF-8 path");
    let up = succeeds(&[
        "testnet",
        "up",
        "--detach",
        "--dir",
        dir_text,
        "--nodes",
        &NODES.to_string(),
        "--preset",
        "minimal",
        "--validators",
        &GENESIS_VALIDATORS.to_string(),
        "--shards",
        "2",
        "--slot-ms",
        "1000",
        "--genesis-delay",
        "4",
        "--override",
        &format!("SLOTS_PER_EPOCH={SLOTS_PER_EPOCH}"),
        "--override",
        "EPOCHS_PER_ETH1_VOTING_PERIOD=1",
        "--override",
        "MAX_SEED_LOOKAHEAD=1",
        "--override",
        "SHARD_COMMITTEE_PERIOD=4",
    ]);
    assert!(up.contains("JSON-RPC shard 1"), "{up}");
    let state = TestnetState::load(dir).expect("the testnet's state file");
    assert_eq!(state.nodes.len(), NODES);
    state
}

fn refs(args: &[String]) -> Vec<&str> {
    args.iter().map(String::as_str).collect()
}

fn balance(client: &NodeClient, shard: u64, address: &str) -> Option<u128> {
    client.account(shard, address).ok().map(|(wei, _)| wei)
}

/// The validators `ids` as every node sees them at its head, once `accept` holds on every
/// node's list.
fn on_every_node(
    clients: &[NodeClient],
    ids: &[&str],
    what: &str,
    accept: impl Fn(&ValidatorSummary) -> bool,
) {
    wait_for(what, || {
        clients
            .iter()
            .all(|client| {
                client
                    .validators("head", ids, &[])
                    .is_ok_and(|list| list.len() == ids.len() && list.iter().all(&accept))
            })
            .then_some(())
    });
}

/// The public keys (lowercase `0x` hex) a node's Keymanager API lists.
fn keymanager_pubkeys(client: &NodeClient) -> Vec<String> {
    let listed: Value = client
        .get_json("/eth/v1/keystores")
        .expect("the Keymanager list");
    listed["data"]
        .as_array()
        .expect("a list of keys")
        .iter()
        .map(|key| {
            key["validating_pubkey"]
                .as_str()
                .expect("a validating_pubkey")
                .to_lowercase()
        })
        .collect()
}

#[test]
fn four_node_testnet_stakes_exits_transfers_and_loads_through_the_cli() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = tmp.path().join("testnet");
    let _down = Down(dir.clone());
    let state = testnet_up(&dir);
    let urls: Vec<String> = state.nodes.iter().map(|n| n.http_url.clone()).collect();
    let clients: Vec<NodeClient> = urls.iter().map(NodeClient::new).collect();
    wait_for("every node to connect to the three others", || {
        clients
            .iter()
            .all(|c| c.peer_count().is_ok_and(|p| p.connected >= 3))
            .then_some(())
    });

    // Bad input: one line, status 1, before anything is sent.
    let mnemonic_file = tmp.path().join("mnemonic.txt");
    std::fs::write(&mnemonic_file, MNEMONIC).unwrap();
    let bad_mnemonic = tmp.path().join("bad.txt");
    std::fs::write(&bad_mnemonic, "abandon abandon shardnet").unwrap();
    let out = tmp.path().join("validators");
    let out_dir = out.to_str().unwrap();
    let send = |node: &str, to: &str, value: &str| {
        vec![
            "tx".to_owned(),
            "send".to_owned(),
            "--node".to_owned(),
            node.to_owned(),
            "--from-index".to_owned(),
            "0".to_owned(),
            "--to".to_owned(),
            to.to_owned(),
            "--value".to_owned(),
            value.to_owned(),
        ]
    };
    fails_with(
        &refs(&send("localhost:5052", SHARD_0_ACCOUNT, "1")),
        "must start with http://",
    );
    fails_with(
        &refs(&send(&unused_url(), SHARD_0_ACCOUNT, "1")),
        "cannot reach",
    );
    fails_with(&refs(&send(&urls[3], "0x1234", "1")), "is not an address");
    fails_with(
        &refs(&send(&urls[3], SHARD_0_ACCOUNT, "one")),
        "not an amount of ether",
    );
    let stake_args = |mnemonic: &Path, import_node: &str, count: u32| {
        vec![
            "stake".to_owned(),
            "--node".to_owned(),
            urls[0].clone(),
            "--import-node".to_owned(),
            import_node.to_owned(),
            "--from-index".to_owned(),
            "0".to_owned(),
            "--count".to_owned(),
            count.to_string(),
            "--mnemonic-file".to_owned(),
            mnemonic.to_str().unwrap().to_owned(),
            "--out".to_owned(),
            out_dir.to_owned(),
        ]
    };
    fails_with(
        &refs(&stake_args(&bad_mnemonic, &urls[1], 1)),
        "invalid mnemonic",
    );
    fails_with(
        &refs(&stake_args(&mnemonic_file, "127.0.0.1:5052", 1)),
        "must start with http://",
    );
    fails_with(
        &refs(&stake_args(&mnemonic_file, &unused_url(), 1)),
        "cannot reach",
    );
    let other = OtherNetwork::start(&tmp.path().join("other"));
    fails_with(
        &refs(&stake_args(&mnemonic_file, &other.url, 1)),
        "is on another network",
    );
    drop(other);
    assert!(!out.exists(), "a refused stake wrote {out_dir}");

    // Transfers: within shard 0 through node 3, and from shard 1 to an account of shard 0
    // through node 2; every node ends with the same balance.
    let before = balance(&clients[0], 0, SHARD_0_ACCOUNT).expect("the account");
    let mut intra = send(&urls[3], SHARD_0_ACCOUNT, "1.5");
    intra.extend(["--shard".to_owned(), "0".to_owned()]);
    let intra = succeeds(&refs(&intra));
    assert!(intra.contains("included on shard 0"), "{intra}");
    let mut cross = send(&urls[2], SHARD_0_ACCOUNT, "2");
    cross.extend(["--shard", "1", "--to-shard", "0"].map(str::to_owned));
    let cross = succeeds(&refs(&cross));
    assert!(cross.contains("credited"), "{cross}");
    let wei = 1_000_000_000_000_000_000u128;
    let after = before + 3 * wei + wei / 2;
    wait_for("every node to show both transfers credited", || {
        clients
            .iter()
            .all(|c| balance(c, 0, SHARD_0_ACCOUNT) == Some(after))
            .then_some(())
    });

    // Four validators staked from the same shard-0 account: deposits sent through node 0,
    // keystores imported into node 1, followed through node 0 until active.
    let password_file = tmp.path().join("password.txt");
    std::fs::write(&password_file, "correct horse battery staple\n").unwrap();
    let mut stake = stake_args(&mnemonic_file, &urls[1], 4);
    stake.extend(
        [
            "--password-file",
            password_file.to_str().unwrap(),
            "--light-kdf",
            "--timeout",
            "240",
        ]
        .map(str::to_owned),
    );
    let staked = succeeds(&refs(&stake));
    assert!(staked.contains("4 deposits of 32 ETH included"), "{staked}");
    assert!(
        staked.contains(&format!("keystores imported into {}", urls[1])),
        "{staked}"
    );
    let new: Vec<ValidatorSummary> = clients[0]
        .validators("head", &[], &["active"])
        .expect("validators")
        .into_iter()
        .filter(|v| v.index >= GENESIS_VALIDATORS)
        .collect();
    assert_eq!(new.len(), 4, "{new:?}");
    let ids: Vec<String> = new.iter().map(|v| v.index.to_string()).collect();
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    on_every_node(
        &clients,
        &ids,
        "every node to see the new validators active",
        |v| v.status == ValidatorStatus::ActiveOngoing,
    );
    let keystores = out.join("keystores");
    let status = succeeds(&[
        "stake",
        "status",
        "--node",
        &urls[3],
        "--keystores",
        keystores.to_str().unwrap(),
    ]);
    assert_eq!(status.matches("active_ongoing").count(), 4, "{status}");

    // Node 1 holds their keys, and no other node does.
    let pubkeys: Vec<String> = new
        .iter()
        .map(|v| v.validator.pubkey.to_string().to_lowercase())
        .collect();
    for (index, client) in clients.iter().enumerate() {
        let held = keymanager_pubkeys(client);
        let holds = pubkeys.iter().filter(|key| held.contains(key)).count();
        assert_eq!(
            holds,
            if index == 1 { 4 } else { 0 },
            "node {index}: {held:?}"
        );
    }

    // They attest from node 1: every node sees their balances grow past the deposit.
    on_every_node(
        &clients,
        &ids,
        "every node to see rewards for the new validators",
        |v| v.balance > DEPOSIT_GWEI,
    );

    // One of them exits through node 2, once active for SHARD_COMMITTEE_PERIOD (4) epochs.
    let activation = new
        .iter()
        .map(|v| v.validator.activation_epoch)
        .max()
        .unwrap();
    wait_for("the shard committee period", || {
        clients[2]
            .head()
            .is_ok_and(|head| head.slot() / SLOTS_PER_EPOCH >= activation + 4)
            .then_some(())
    });
    let keystore = std::fs::read_dir(&keystores)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .find(|path| path.extension().is_some_and(|ext| ext == "json"))
        .expect("a keystore");
    let exited = succeeds(&[
        "exit",
        "--node",
        &urls[2],
        "--keystore",
        keystore.to_str().unwrap(),
        "--password-file",
        password_file.to_str().unwrap(),
        "--timeout",
        "240",
    ]);
    assert!(exited.contains("exited_unslashed"), "{exited}");
    let exit_index = exited
        .split("voluntary exit of validator ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .expect("the exited validator's index")
        .to_owned();
    assert!(ids.contains(&exit_index.as_str()), "{exited}");
    on_every_node(
        &clients,
        &[exit_index.as_str()],
        "every node to see the exit",
        |v| {
            matches!(
                v.status,
                ValidatorStatus::ExitedUnslashed
                    | ValidatorStatus::WithdrawalPossible
                    | ValidatorStatus::WithdrawalDone
            )
        },
    );

    // A few seconds of load over both shards, shard 0 through node 2 and shard 1 through
    // node 3, a fifth crossing shards.
    let report = succeeds(&[
        "load",
        "--node",
        &format!("{},{}", urls[2], urls[3]),
        "--rate",
        "40",
        "--duration",
        "4s",
        "--cross-shard",
        "0.2",
        "--accounts",
        "4",
        "--json",
    ]);
    let report: Value = serde_json::from_str(&report).expect("a JSON report");
    let count = |key: &str| report[key].as_u64().unwrap_or(0);
    assert!(count("offered") > 0, "{report}");
    assert!(count("accepted") > 0, "{report}");
    assert!(count("included") > 0, "{report}");
    assert!(count("included") <= count("accepted"), "{report}");
    assert_eq!(
        report["shards"].as_array().map(Vec::len),
        Some(2),
        "{report}"
    );
}
