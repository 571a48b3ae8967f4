//! Python's web3.py and eth-account against a running node: a transfer signed by eth-account and
//! sent through web3.py's HTTP provider to a shard's JSON-RPC is included, with a receipt web3.py
//! parses, and the balances it reads back add up (`tests/python/web3_transfer.py`).
//!
//! Needs `python3` with `web3` and `eth-account` (`.ci/run` installs them). Without them the test
//! says so in one line and passes, except under `CI=true`, where that is a failure.

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};

const TEST_MNEMONIC: &str = "test test test test test test test test test test test junk";
const SHARDS: u64 = 2;

fn python_has_web3() -> bool {
    let found = Command::new("python3")
        .args(["-c", "import web3, eth_account"])
        .output()
        .is_ok_and(|out| out.status.success());
    if !found {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI=true but `python3 -c 'import web3, eth_account'` fails: .ci/run must install them"
        );
        println!(
            "skipped: python3 with web3 and eth-account is missing \
             (python3 -m pip install 'web3==7.14.0' 'eth-account==0.13.7')"
        );
    }
    found
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .expect("a free loopback port")
}

/// Kills the node when the test ends, however it ends.
struct Node(Child);

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn path_arg(path: &Path) -> &str {
    path.to_str().expect("temporary paths are UTF-8")
}

#[test]
fn a_web3_transfer_is_included_and_read_back() {
    if !python_has_web3() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let datadir = tmp.path().join("node");
    let init = Command::new(env!("CARGO_BIN_EXE_shardnet"))
        .args([
            "init",
            "--datadir",
            path_arg(&datadir),
            "--validators",
            "64",
        ])
        .args([
            "--shards",
            &SHARDS.to_string(),
            "--slot-time",
            "0.5",
            "--genesis-delay",
            "2",
        ])
        .output()
        .unwrap();
    assert!(
        init.status.success(),
        "{}",
        String::from_utf8_lossy(&init.stderr)
    );
    let port = free_port();
    let listen = format!("127.0.0.1:{port}");
    let _node = Node(
        Command::new(env!("CARGO_BIN_EXE_shardnet"))
            .args([
                "node",
                "--datadir",
                path_arg(&datadir),
                "--http-listen",
                &listen,
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/python/web3_transfer.py");
    for shard in 0..SHARDS {
        let url = format!("http://{listen}/shardnet/v1/shards/{shard}/rpc");
        let out = Command::new("python3")
            .arg(&script)
            .args([&url, &shard.to_string(), &SHARDS.to_string(), TEST_MNEMONIC])
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "shard {shard}: {stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let report: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap();
        assert_eq!(report["chain_id"], 0x5AD0_0000u64 + shard, "{report}");
        assert_eq!(report["gas_used"], 21_000, "{report}");
        println!("shard {shard}: {report}");
    }
}
