//! `shardnet stake`, `stake status`, `exit`, `tx send` and `load` against a running node: a
//! minimal-preset network of 64 validators and 2 shards with 1 s slots and 4-slot epochs, a
//! one-epoch eth1 voting period and short seed lookahead and shard committee period, so that
//! a deposit becomes an active validator within about ten epochs. Everything is observed
//! through the node's HTTP API; bad arguments get a one-line error and status 1.

use std::net::{SocketAddr, TcpListener};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

use serde_json::Value;
use testnet::NodeClient;

/// The second prefunded account of the development mnemonic (home shard 0 with 2 shards).
const SHARD_0_ACCOUNT: &str = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const MNEMONIC: &str = "abandon abandon abandon abandon abandon abandon abandon abandon \
                        abandon abandon abandon about";

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

fn free_port() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
    listener.local_addr().expect("its address")
}

fn wait_until(deadline: Instant, what: &str, mut check: impl FnMut() -> bool) {
    while !check() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        sleep(Duration::from_millis(500));
    }
}

/// Kills the node on drop, so a failing assertion leaves no process behind.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_node(datadir: &Path, address: SocketAddr) -> Running {
    let log = std::fs::File::create(datadir.join("node.log")).expect("log file");
    let child = Command::new(env!("CARGO_BIN_EXE_shardnet"))
        .args(["node", "--datadir"])
        .arg(datadir)
        .args(["--http-listen", &address.to_string()])
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .expect("shardnet node starts");
    let running = Running(child);
    let client = NodeClient::new(format!("http://{address}"));
    wait_until(
        Instant::now() + Duration::from_secs(30),
        "the HTTP server",
        || client.version().is_ok(),
    );
    running
}

fn balance(client: &NodeClient, shard: u64, address: &str) -> u128 {
    client.account(shard, address).expect("account").0
}

#[test]
fn stake_exit_transfers_and_load_through_a_running_node() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let datadir = tmp.path().join("net");
    let dir = datadir.to_str().expect("UTF-8 path");
    succeeds(&[
        "init",
        "--datadir",
        dir,
        "--preset",
        "minimal",
        "--validators",
        "64",
        "--shards",
        "2",
        "--slot-time",
        "1",
        "--genesis-delay",
        "2",
        "--override",
        "SLOTS_PER_EPOCH=4",
        "--override",
        "EPOCHS_PER_ETH1_VOTING_PERIOD=1",
        "--override",
        "MAX_SEED_LOOKAHEAD=1",
        "--override",
        "SHARD_COMMITTEE_PERIOD=4",
    ]);
    let address = free_port();
    let url = format!("http://{address}");
    let _node = start_node(&datadir, address);
    let client = NodeClient::new(url.clone());

    // Bad input: one line, status 1, before anything is sent.
    let mnemonic_file = tmp.path().join("mnemonic.txt");
    std::fs::write(&mnemonic_file, MNEMONIC).unwrap();
    let bad_mnemonic = tmp.path().join("bad.txt");
    std::fs::write(&bad_mnemonic, "abandon abandon shardnet").unwrap();
    let out = tmp.path().join("validators");
    let out_dir = out.to_str().unwrap();
    fails_with(
        &[
            "tx",
            "send",
            "--node",
            "localhost:5052",
            "--from-index",
            "0",
            "--to",
            SHARD_0_ACCOUNT,
            "--value",
            "1",
        ],
        "must start with http://",
    );
    let unused = free_port();
    fails_with(
        &[
            "tx",
            "send",
            "--node",
            &format!("http://{unused}"),
            "--from-index",
            "0",
            "--to",
            SHARD_0_ACCOUNT,
            "--value",
            "1",
        ],
        "cannot reach",
    );
    fails_with(
        &[
            "tx",
            "send",
            "--node",
            &url,
            "--from-index",
            "0",
            "--to",
            "0x1234",
            "--value",
            "1",
        ],
        "is not an address",
    );
    fails_with(
        &[
            "tx",
            "send",
            "--node",
            &url,
            "--from-index",
            "0",
            "--to",
            SHARD_0_ACCOUNT,
            "--value",
            "one",
        ],
        "not an amount of ether",
    );
    fails_with(
        &[
            "stake",
            "--node",
            &url,
            "--from-index",
            "0",
            "--count",
            "1",
            "--mnemonic-file",
            bad_mnemonic.to_str().unwrap(),
            "--out",
            out_dir,
        ],
        "invalid mnemonic",
    );

    // Transfers: within shard 0, and from shard 1 to an account of shard 0.
    let before = balance(&client, 0, SHARD_0_ACCOUNT);
    let intra = succeeds(&[
        "tx",
        "send",
        "--node",
        &url,
        "--shard",
        "0",
        "--from-index",
        "0",
        "--to",
        SHARD_0_ACCOUNT,
        "--value",
        "1.5",
    ]);
    assert!(intra.contains("included on shard 0"), "{intra}");
    let cross = succeeds(&[
        "tx",
        "send",
        "--node",
        &url,
        "--shard",
        "1",
        "--from-index",
        "0",
        "--to",
        SHARD_0_ACCOUNT,
        "--to-shard",
        "0",
        "--value",
        "2",
    ]);
    assert!(cross.contains("credited"), "{cross}");
    let wei = 1_000_000_000_000_000_000u128;
    assert_eq!(
        balance(&client, 0, SHARD_0_ACCOUNT),
        before + 3 * wei + wei / 2
    );

    // Four validators staked from the same shard-0 account, followed until active.
    let password_file = tmp.path().join("password.txt");
    std::fs::write(&password_file, "correct horse battery staple\n").unwrap();
    let staked = succeeds(&[
        "stake",
        "--node",
        &url,
        "--from-index",
        "0",
        "--count",
        "4",
        "--mnemonic-file",
        mnemonic_file.to_str().unwrap(),
        "--password-file",
        password_file.to_str().unwrap(),
        "--out",
        out_dir,
        "--light-kdf",
        "--timeout",
        "240",
    ]);
    assert!(staked.contains("4 deposits of 32 ETH included"), "{staked}");
    let keystores = out.join("keystores");
    let status = succeeds(&[
        "stake",
        "status",
        "--node",
        &url,
        "--keystores",
        keystores.to_str().unwrap(),
    ]);
    assert_eq!(status.matches("active_ongoing").count(), 4, "{status}");
    let validators = client
        .validators("head", &[], &["active"])
        .expect("validators");
    let new: Vec<_> = validators.iter().filter(|v| v.index >= 64).collect();
    assert_eq!(new.len(), 4);
    // They attest: their balances grow past the deposit.
    let ids: Vec<String> = new.iter().map(|v| v.index.to_string()).collect();
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    wait_until(
        Instant::now() + Duration::from_secs(120),
        "rewards for the new validators",
        || {
            client.validators("head", &ids, &[]).is_ok_and(|list| {
                list.len() == 4 && list.iter().all(|v| v.balance > 32_000_000_000)
            })
        },
    );

    // One of them exits, once active for SHARD_COMMITTEE_PERIOD (4) epochs.
    let activation = new
        .iter()
        .map(|v| v.validator.activation_epoch)
        .max()
        .unwrap();
    wait_until(
        Instant::now() + Duration::from_secs(120),
        "the shard committee period",
        || {
            client
                .head()
                .is_ok_and(|head| head.slot() / 4 >= activation + 4)
        },
    );
    let keystore = std::fs::read_dir(&keystores)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .find(|path| path.extension().is_some_and(|ext| ext == "json"))
        .expect("a keystore");
    let exited = succeeds(&[
        "exit",
        "--node",
        &url,
        "--keystore",
        keystore.to_str().unwrap(),
        "--password-file",
        password_file.to_str().unwrap(),
        "--timeout",
        "240",
    ]);
    assert!(exited.contains("exited_unslashed"), "{exited}");

    // A few seconds of load over both shards, a fifth crossing shards.
    let report = succeeds(&[
        "load",
        "--node",
        &url,
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
