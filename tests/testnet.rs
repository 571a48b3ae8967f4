//! A whole network of `shardnet node` processes over QUIC on loopback, driven through the CLI
//! (`shardnet testnet up --detach`, `stop`, `start`, `down`) and observed through each node's
//! HTTP API only: 4 nodes, 64 validators, 4 shards, 1 s slots. All nodes agree on the head
//! and the finalized checkpoint, finality keeps up with the epochs, every shard is
//! crosslinked; a node killed with SIGKILL leaves the others finalizing and syncs back to the
//! head once restarted; a node partitioned away (the blocked-peers switch, on it and on the
//! others) leaves the others finalizing, falls behind, and rejoins once healed.

use std::path::Path;
use std::process::Command;
use std::thread::sleep;
use std::time::{Duration, Instant};

use testnet::client::FinalityCheckpoints;
use testnet::process;
use testnet::{NodeClient, TestnetState};

const NODES: usize = 4;
const SHARDS: u64 = 4;
const SLOTS_PER_EPOCH: u64 = 8;
/// A bound on every wait, only so that a broken network fails instead of hanging.
const PATIENCE: Duration = Duration::from_secs(240);

/// `shardnet testnet ARGS --dir DIR`, which must succeed; its standard output.
fn cli(dir: &Path, args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_shardnet"))
        .arg("testnet")
        .args(args)
        .arg("--dir")
        .arg(dir)
        .output()
        .expect("running shardnet");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "shardnet testnet {args:?} failed: {stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

/// Stops the testnet when the test ends, passed or not.
struct Down<'a>(&'a Path);

impl Drop for Down<'_> {
    fn drop(&mut self) {
        if std::thread::panicking()
            && let Ok(state) = TestnetState::load(self.0)
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
            .arg(self.0)
            .output();
    }
}

/// Polls `check` until it returns `Some`, failing after [`PATIENCE`] with `what`.
fn wait_for<T>(what: &str, mut check: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + PATIENCE;
    loop {
        if let Some(value) = check() {
            return value;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        sleep(Duration::from_millis(250));
    }
}

fn finality(client: &NodeClient) -> Option<FinalityCheckpoints> {
    client.finality_checkpoints("head").ok()
}

fn finalized_epoch(client: &NodeClient) -> Option<u64> {
    finality(client).map(|checkpoints| checkpoints.finalized.epoch)
}

/// Waits until every node of `nodes` has finalized at least `epoch`.
fn wait_finalized(clients: &[NodeClient], nodes: &[usize], epoch: u64) {
    wait_for(
        &format!("nodes {nodes:?} to finalize epoch {epoch}"),
        || {
            nodes
                .iter()
                .all(|&i| finalized_epoch(&clients[i]).is_some_and(|e| e >= epoch))
                .then_some(())
        },
    );
}

/// Waits until `nodes` report the same head and the same finalized checkpoint at once.
fn wait_agreement(clients: &[NodeClient], nodes: &[usize]) -> FinalityCheckpoints {
    wait_for(
        &format!("nodes {nodes:?} to agree on head and finality"),
        || {
            let views: Vec<_> = nodes
                .iter()
                .map(|&i| Some((clients[i].head().ok()?.root, finality(&clients[i])?)))
                .collect::<Option<_>>()?;
            let (head, checkpoints) = views.first()?.clone();
            views
                .iter()
                .all(|(root, view)| *root == head && view.finalized == checkpoints.finalized)
                .then_some(checkpoints)
        },
    )
}

/// The highest finalized epoch among `nodes`.
fn max_finalized(clients: &[NodeClient], nodes: &[usize]) -> u64 {
    nodes
        .iter()
        .filter_map(|&i| finalized_epoch(&clients[i]))
        .max()
        .unwrap_or(0)
}

fn set_blocked(clients: &[NodeClient], node: usize, peers: &[String]) {
    clients[node]
        .set_blocked_peers(peers)
        .expect("setting blocked peers");
    let mut listed = clients[node]
        .blocked_peers()
        .expect("listing blocked peers");
    listed.sort();
    let mut wanted = peers.to_vec();
    wanted.sort();
    assert_eq!(
        listed, wanted,
        "node {node} lists what it was told to block"
    );
}

#[test]
fn four_nodes_finalize_survive_a_crash_and_a_partition() {
    let temporary = tempfile::tempdir().expect("temporary directory");
    let dir = temporary.path().join("testnet");
    let up = cli(
        &dir,
        &[
            "up",
            "--detach",
            "--nodes",
            "4",
            "--validators",
            "64",
            "--shards",
            "4",
            "--slot-ms",
            "1000",
            "--genesis-delay",
            "4",
        ],
    );
    let _down = Down(&dir);
    assert!(up.contains("JSON-RPC shard 3"), "{up}");
    let state = TestnetState::load(&dir).expect("state file");
    assert_eq!(state.nodes.len(), NODES);
    let clients: Vec<NodeClient> = state
        .nodes
        .iter()
        .map(|node| NodeClient::new(node.http_url.clone()))
        .collect();
    let all: Vec<usize> = (0..NODES).collect();
    let others = [0, 1, 2];

    // Every node knows the others by the peer ids pinned in its bootnodes.
    for (node, client) in state.nodes.iter().zip(&clients) {
        let identity = wait_for("the node identity", || client.identity().ok());
        assert_eq!(identity.peer_id, node.peer_id);
    }
    wait_for("every node to connect to the three others", || {
        clients
            .iter()
            .all(|c| c.peer_count().is_ok_and(|p| p.connected >= 3))
            .then_some(())
    });

    // Finality on every node, the same checkpoint and head everywhere.
    wait_finalized(&clients, &all, 2);
    let agreed = wait_agreement(&clients, &all);
    assert!(agreed.finalized.epoch >= 2);

    // Finality keeps up: over the next epochs the finalized epoch stays close behind the
    // head's epoch (two epochs behind when every epoch is justified; one late justification
    // on a loaded host is tolerated, a stall is not).
    let target = agreed.finalized.epoch + 3;
    wait_for("finality to advance three more epochs", || {
        for client in &clients {
            let head_epoch = client.head().ok()?.slot() / SLOTS_PER_EPOCH;
            let finalized = finalized_epoch(client)?;
            assert!(
                head_epoch <= finalized + 4,
                "finality fell behind: head epoch {head_epoch}, finalized {finalized}"
            );
        }
        (max_finalized(&clients, &all) >= target).then_some(())
    });

    // Every shard is crosslinked, in the finalized state too, on every node.
    for client in &clients {
        for shard in 0..SHARDS {
            let crosslinks = client.crosslinks(shard).expect("crosslinks");
            let finalized = crosslinks.finalized.expect("a finalized crosslink");
            assert!(
                finalized.slot > 0,
                "shard {shard} has no crosslink past genesis in the finalized state"
            );
        }
    }

    // A crash: node 3 killed with SIGKILL; three quarters of the stake keep finalizing.
    cli(&dir, &["stop", "--node", "3", "--kill"]);
    let pid = state.nodes[3].pid.expect("node 3's pid");
    assert!(!process::is_running(pid, &state.nodes[3].datadir));
    assert!(
        clients[3]
            .version()
            .expect_err("node 3 is down")
            .is_unreachable()
    );
    let before = max_finalized(&clients, &others);
    wait_finalized(&clients, &others, before + 2);

    // Restarted, it syncs back to the others' head and finality.
    let started = cli(&dir, &["start", "--node", "3"]);
    assert!(started.contains("node3: started"), "{started}");
    wait_for("node 3 to answer again", || clients[3].version().ok());
    let rejoined = wait_agreement(&clients, &all);
    assert!(rejoined.finalized.epoch >= before + 2);
    wait_for("node 3 to report itself synced", || {
        clients[3]
            .syncing()
            .is_ok_and(|s| !s.is_syncing)
            .then_some(())
    });

    // A partition: node 3 drops the others' traffic and they drop its.
    let ids: Vec<String> = state.nodes.iter().map(|n| n.peer_id.clone()).collect();
    set_blocked(&clients, 3, &ids[..3]);
    for &node in &others {
        set_blocked(&clients, node, &ids[3..]);
    }
    let before = max_finalized(&clients, &others);
    wait_finalized(&clients, &others, before + 2);
    let isolated = finalized_epoch(&clients[3]).expect("node 3 answers");
    assert!(
        isolated < before + 2,
        "node 3 finalized epoch {isolated} alone, with a quarter of the stake"
    );

    // Healed, it rejoins: the same head and finalized checkpoint as the others.
    for node in 0..NODES {
        set_blocked(&clients, node, &[]);
    }
    let healed = wait_agreement(&clients, &all);
    assert!(healed.finalized.epoch >= before + 2);

    // Down stops every process and says so.
    let down = cli(&dir, &["down"]);
    for node in &TestnetState::load(&dir).expect("state file").nodes {
        assert!(
            down.contains(&format!("node{}: stopped", node.index)),
            "{down}"
        );
        let pid = node.pid.expect("pid");
        assert!(!process::is_running(pid, &node.datadir));
    }
    assert!(clients[0].version().expect_err("stopped").is_unreachable());
}
