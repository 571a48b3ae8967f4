//! The Docker backend end to end: `shardnet testnet up --backend docker` builds the image
//! `FROM scratch` around a static binary, runs four containers on a private Compose network
//! (bootnodes by static container addresses) and the testnet finalizes, observed through the
//! HTTP ports published on the host; `testnet down` removes the containers. Skipped, with one
//! line, where no Docker engine answers.

use std::path::Path;
use std::process::Command;
use std::thread::sleep;
use std::time::{Duration, Instant};

use testnet::{Backend, NodeClient, TestnetState, docker};

/// A bound on the wait for finality, only so that a broken network fails instead of hanging.
const PATIENCE: Duration = Duration::from_secs(300);

fn shardnet(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_shardnet"))
        .arg("testnet")
        .args(args)
        .arg("--dir")
        .arg(dir)
        .output()
        .expect("running shardnet")
}

/// Removes the containers when the test ends, passed or not.
struct Down<'a>(&'a Path);

impl Drop for Down<'_> {
    fn drop(&mut self) {
        let _ = shardnet(self.0, &["down"]);
    }
}

#[test]
fn a_docker_testnet_finalizes() {
    if !docker::engine_available() {
        println!("skipped: no Docker engine answers (`docker info` fails)");
        return;
    }
    let temporary = tempfile::tempdir().expect("temporary directory");
    let dir = temporary.path().join("testnet");
    let mut args = vec![
        "up",
        "--backend",
        "docker",
        "--detach",
        "--slot-ms",
        "1000",
        "--genesis-delay",
        "8",
    ];
    let binary = std::env::var("SHARDNET_STATIC_BINARY").unwrap_or_default();
    if !binary.is_empty() {
        args.extend(["--binary", &binary]);
    }
    let up = shardnet(&dir, &args);
    let _down = Down(&dir);
    assert!(
        up.status.success(),
        "testnet up --backend docker failed: {}{}",
        String::from_utf8_lossy(&up.stdout),
        String::from_utf8_lossy(&up.stderr)
    );
    let state = TestnetState::load(&dir).expect("state file");
    assert_eq!(state.backend, Backend::Docker);
    let compose = std::fs::read_to_string(dir.join(docker::COMPOSE_FILE)).expect("compose file");
    assert!(compose.contains("ipv4_address: 172.29.0.13"), "{compose}");
    let dockerfile = std::fs::read_to_string(dir.join("image/Dockerfile")).expect("Dockerfile");
    assert!(dockerfile.starts_with("FROM scratch"), "{dockerfile}");

    let clients: Vec<NodeClient> = state
        .nodes
        .iter()
        .map(|node| NodeClient::new(node.http_url.clone()))
        .collect();
    let deadline = Instant::now() + PATIENCE;
    loop {
        let finalized: Vec<Option<u64>> = clients
            .iter()
            .map(|c| {
                c.finality_checkpoints("head")
                    .ok()
                    .map(|f| f.finalized.epoch)
            })
            .collect();
        if finalized.iter().all(|epoch| epoch.is_some_and(|e| e >= 1)) {
            break;
        }
        if Instant::now() >= deadline {
            let logs = shardnet(&dir, &["logs"]);
            panic!(
                "the containers did not finalize: {finalized:?}\n{}",
                String::from_utf8_lossy(&logs.stdout)
            );
        }
        sleep(Duration::from_millis(500));
    }
    for client in &clients {
        let peers = client.peer_count().expect("peer count");
        assert!(peers.connected >= 3, "{peers:?}");
    }

    let down = shardnet(&dir, &["down"]);
    assert!(
        down.status.success(),
        "{}",
        String::from_utf8_lossy(&down.stderr)
    );
    assert!(clients[0].version().is_err(), "the containers are gone");
}
