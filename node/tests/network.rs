//! Nodes on an in-memory network: 64 validators of a four-shard minimal chain split over four
//! nodes agree on the head, finalize and crosslink every shard; a node started late syncs to
//! the head; a node partitioned away rejoins after the partition heals while the others keep
//! finalizing (it holds a few validators only); peers sending garbage, oversized frames, blocks with invalid signatures and
//! floods of duplicates are banned. One manual clock drives every node phase by phase.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Duration;

use beacon::genesis::interop_genesis_state;
use common::{E, GENESIS_TIME, phase_time};
use network::transport::{MemoryNetwork, MemoryTransport, TransportLimits};
use network::wire::GossipWire;
use network::{FrameLimits, GossipTopic, PeerId, Topic, Transport, TransportEvent};
use node::clock::ManualClock;
use node::p2p::NetworkInputs;
use node::{Node, NodeHandle, NodeInputs, Phase};
use primitives::bls::interop_secret_key;
use primitives::signing::compute_fork_digest;
use primitives::types::{BeaconState, Bytes32};
use primitives::{ChainConfig, PresetName};
use shard::ExecutionState;
use ssz::Encode;
use storage::MemoryStore;
use tokio::sync::mpsc;

const VALIDATORS: u64 = 64;
const SHARDS: u64 = 4;

type Handle = NodeHandle<E, MemoryStore>;

fn config() -> ChainConfig {
    ChainConfig::preset(PresetName::Minimal)
        .with_overrides_yaml("INITIAL_ACTIVE_SHARDS: 4\nSECONDS_PER_SLOT: 0.6\n")
        .expect("valid overrides")
}

struct Genesis {
    config: ChainConfig,
    state: BeaconState<E>,
    shard_genesis: BTreeMap<u64, ExecutionState>,
}

fn genesis() -> Genesis {
    let config = config();
    let state = interop_genesis_state::<E>(VALIDATORS, GENESIS_TIME, &config).expect("genesis");
    let accounts = shard::genesis_accounts(
        common::MNEMONIC,
        2,
        alloy_primitives::U256::from(10u64).pow(alloy_primitives::U256::from(21u64)),
        SHARDS,
    )
    .expect("accounts");
    let shard_genesis = (0..SHARDS)
        .map(|s| {
            let state = accounts.account_state(s).expect("account state");
            (s, ExecutionState::new(state))
        })
        .collect();
    Genesis {
        config,
        state,
        shard_genesis,
    }
}

fn peer(n: u8) -> PeerId {
    PeerId::from_bytes([n; 32])
}

/// Starts node `n` on `net` with the validators `keys`, dialing `bootnodes`, tracking every
/// shard.
fn start(
    genesis: &Genesis,
    net: &MemoryNetwork,
    clock: &ManualClock,
    n: u8,
    keys: std::ops::Range<u64>,
    bootnodes: &[u8],
    store: MemoryStore,
) -> (Node<E, MemoryStore>, MemoryTransport) {
    start_tracking(genesis, net, clock, n, keys, bootnodes, store, 0..SHARDS)
}

/// Starts node `n` with the validators `splits[n]` for each split, each on a store of its own
/// and dialing the nodes started before it.
fn start_all(
    genesis: &Genesis,
    net: &MemoryNetwork,
    clock: &ManualClock,
    splits: &[std::ops::Range<u64>],
) -> Vec<(Node<E, MemoryStore>, MemoryTransport)> {
    (0u8..)
        .zip(splits)
        .map(|(n, keys)| {
            let bootnodes: Vec<u8> = (0..n).collect();
            start(
                genesis,
                net,
                clock,
                n,
                keys.clone(),
                &bootnodes,
                MemoryStore::new(),
            )
        })
        .collect()
}

/// Starts node `n` as [`start`] does, tracking the shards `tracked` only.
#[allow(clippy::too_many_arguments)]
fn start_tracking(
    genesis: &Genesis,
    net: &MemoryNetwork,
    clock: &ManualClock,
    n: u8,
    keys: std::ops::Range<u64>,
    bootnodes: &[u8],
    store: MemoryStore,
    tracked: std::ops::Range<u64>,
) -> (Node<E, MemoryStore>, MemoryTransport) {
    let (transport, events) = MemoryTransport::new(net, peer(n), TransportLimits::default());
    let slashing_protection = store.slashing_protection();
    let node = Node::start_networked(
        NodeInputs {
            config: genesis.config.clone(),
            genesis_state: genesis.state.clone(),
            shard_genesis: genesis
                .shard_genesis
                .iter()
                .filter(|(shard, _)| tracked.contains(shard))
                .map(|(shard, state)| (*shard, state.clone()))
                .collect(),
            keys: keys.map(|i| interop_secret_key(i).expect("key")).collect(),
            store,
            slashing_protection,
            clock: Arc::new(clock.clone()),
            mempool_capacity: 1000,
            graffiti: Bytes32::ZERO,
        },
        NetworkInputs {
            transport: Arc::new(transport.clone()),
            events,
            bootnodes: bootnodes.iter().map(|b| (peer(*b), peer(*b))).collect(),
            listen_addresses: Vec::new(),
            max_peers: 16,
        },
    )
    .expect("node starts");
    (node, transport)
}

/// Waits (bounded) until `done` holds, polling.
async fn eventually(what: &str, mut done: impl FnMut() -> bool) {
    for _ in 0..600 {
        if done() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{what}: not reached in time");
}

/// Moves the clock through `slot`, waiting for every node to do each phase and giving
/// gossip a moment to spread.
async fn run_slot(nodes: &[Handle], clock: &ManualClock, config: &ChainConfig, slot: u64) {
    for phase in [
        Phase::Propose,
        Phase::ProposeShards,
        Phase::Attest,
        Phase::Aggregate,
    ] {
        clock.set(phase_time(config, slot, phase));
        for node in nodes {
            tokio::time::timeout(Duration::from_secs(60), node.wait_for(slot, phase))
                .await
                .unwrap_or_else(|_| panic!("slot {slot} {phase:?} not done in time"));
        }
        // Gossip moves on real time while the manual clock stands still.
        let mut waited = 0;
        while waited < 20 && nodes.iter().any(|n| !same_view(n, &nodes[0])) {
            tokio::time::sleep(Duration::from_millis(25)).await;
            waited += 1;
        }
        tokio::time::sleep(Duration::from_millis(60)).await;
    }
}

/// Whether two nodes see the same beacon head and shard heads.
fn same_view(a: &Handle, b: &Handle) -> bool {
    a.head() == b.head()
        && (0..SHARDS).all(|s| {
            let head = |h: &Handle| h.with_shard_chain(s, |c| c.head().root);
            match (head(a), head(b)) {
                (Some(x), Some(y)) => x == y,
                _ => true,
            }
        })
}

fn crosslinked_shards(node: &Handle) -> usize {
    let state = node.head_state().expect("head state");
    state.shard_states.iter().filter(|s| s.slot > 0).count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn four_nodes_finalize_crosslink_and_a_late_node_syncs() {
    let genesis = genesis();
    let net = MemoryNetwork::new();
    let clock = ManualClock::new(Duration::from_secs(GENESIS_TIME));
    let nodes = start_all(&genesis, &net, &clock, &[0..16, 16..32, 32..48, 48..64]);
    let mut handles: Vec<Handle> = nodes.iter().map(|(n, _)| n.handle()).collect();
    eventually("every node connected to the three others", || {
        handles
            .iter()
            .all(|h| h.network().is_some_and(|n| n.connected_peers().len() == 3))
    })
    .await;
    for slot in 1..=24 {
        run_slot(&handles, &clock, &genesis.config, slot).await;
    }
    // A node with no validators, tracking shards 0 and 1 only, joins late through one
    // bootnode and syncs to the head.
    let (late, _) = start_tracking(
        &genesis,
        &net,
        &clock,
        9,
        0..0,
        &[0],
        MemoryStore::new(),
        0..2,
    );
    let late = late.handle();
    let target = handles[0].head();
    eventually("the late node syncs to the head", || late.head() == target).await;
    handles.push(late.clone());
    for slot in 25..=40 {
        run_slot(&handles, &clock, &genesis.config, slot).await;
    }
    eventually("every node on one head", || {
        handles.iter().all(|h| h.head() == handles[0].head())
    })
    .await;
    let finalized = handles[0].finalized_checkpoint();
    assert!(
        finalized.epoch >= 2,
        "finality advanced to {}",
        finalized.epoch
    );
    for h in &handles {
        assert_eq!(h.finalized_checkpoint(), finalized);
        assert_eq!(crosslinked_shards(h), SHARDS as usize);
    }
    assert!(
        !late
            .network()
            .expect("network")
            .connected_peers()
            .is_empty()
    );
    // It follows the shards it tracks, block for block, and holds nothing of the others.
    assert_eq!(late.shards(), vec![0, 1]);
    for shard in 0..2 {
        let head = |h: &Handle| h.with_shard_chain(shard, |c| c.head().root);
        assert!(head(&late).is_some());
        assert_eq!(head(&late), head(&handles[0]));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_partitioned_node_rejoins_while_the_others_keep_finalizing() {
    let genesis = genesis();
    let net = MemoryNetwork::new();
    let clock = ManualClock::new(Duration::from_secs(GENESIS_TIME));
    // The partitioned node holds few validators, so the others keep well over two thirds.
    let nodes = start_all(&genesis, &net, &clock, &[0..20, 20..40, 40..60, 60..64]);
    let handles: Vec<Handle> = nodes.iter().map(|(n, _)| n.handle()).collect();
    eventually("every node connected", || {
        handles
            .iter()
            .all(|h| h.network().is_some_and(|n| n.connected_peers().len() == 3))
    })
    .await;
    for slot in 1..=8 {
        run_slot(&handles, &clock, &genesis.config, slot).await;
    }
    let cut = handles[3].network().expect("network");
    cut.set_blocked_peers([peer(0), peer(1), peer(2)].into_iter().collect());
    assert!(cut.connected_peers().is_empty());
    let before = handles[0].finalized_checkpoint().epoch;
    for slot in 9..=48 {
        run_slot(&handles, &clock, &genesis.config, slot).await;
    }
    let majority = handles[0].finalized_checkpoint();
    assert!(
        majority.epoch >= before + 2,
        "finality moved from {before} to {}",
        majority.epoch
    );
    assert_eq!(handles[1].finalized_checkpoint(), majority);
    assert!(handles[3].finalized_checkpoint().epoch < majority.epoch);
    cut.set_blocked_peers(BTreeSet::new());
    for slot in 49..=56 {
        run_slot(&handles, &clock, &genesis.config, slot).await;
    }
    eventually("the healed node on the majority's head", || {
        handles.iter().all(|h| h.head() == handles[0].head())
    })
    .await;
    assert_eq!(
        handles[3].finalized_checkpoint(),
        handles[0].finalized_checkpoint()
    );
}

/// A peer that speaks the transport directly.
struct Mallory {
    transport: MemoryTransport,
    _events: mpsc::Receiver<TransportEvent>,
    id: PeerId,
}

impl Mallory {
    async fn connect(net: &MemoryNetwork, n: u8, target: PeerId) -> Self {
        let (transport, events) = MemoryTransport::new(net, peer(n), TransportLimits::default());
        transport.dial(target, target).await.expect("mallory dials");
        Self {
            transport,
            _events: events,
            id: peer(n),
        }
    }

    fn send(&self, target: PeerId, bytes: Vec<u8>) {
        let _ = self.transport.send_gossip(target, bytes);
    }
}

fn publish(fork_digest: [u8; 4], topic: Topic, ssz: &[u8]) -> Vec<u8> {
    let data = network::framing::compress(ssz, &FrameLimits::default()).expect("compress");
    GossipWire::Publish {
        topic: GossipTopic { fork_digest, topic },
        data,
    }
    .encode()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn misbehaving_peers_are_banned_and_the_network_keeps_finalizing() {
    let genesis = genesis();
    let net = MemoryNetwork::new();
    let clock = ManualClock::new(Duration::from_secs(GENESIS_TIME));
    let nodes = start_all(&genesis, &net, &clock, &[0..22, 22..43, 43..64]);
    let handles: Vec<Handle> = nodes.iter().map(|(n, _)| n.handle()).collect();
    for slot in 1..=4 {
        run_slot(&handles, &clock, &genesis.config, slot).await;
    }
    let digest = compute_fork_digest(
        genesis.state.fork.current_version,
        genesis.state.genesis_validators_root,
    );
    let target = peer(0);
    let victim = handles[0].network().expect("network").clone();

    // Garbage that is no gossip message at all.
    let garbage = Mallory::connect(&net, 20, target).await;
    for i in 0..3u8 {
        garbage.send(target, vec![0xff, i, 0x13, 0x37, 0x00, 0x42]);
    }
    // Frames over the size limit.
    let oversized = Mallory::connect(&net, 21, target).await;
    for _ in 0..2 {
        oversized.send(
            target,
            vec![0; TransportLimits::default().max_gossip_bytes + 1],
        );
    }
    // Blocks whose proposer signature does not match: the head block with another graffiti.
    let forger = Mallory::connect(&net, 22, target).await;
    let head = handles[0]
        .block_by_root(&handles[0].head().block_root)
        .expect("read")
        .expect("head block");
    for i in 0..3u8 {
        let mut block = (*head).clone();
        block.message.body.graffiti = Bytes32::repeat_byte(i + 1);
        forger.send(
            target,
            publish(digest, Topic::BeaconBlock, &block.as_ssz_bytes()),
        );
    }
    // The same (valid, known) block over and over.
    let flooder = Mallory::connect(&net, 23, target).await;
    let bytes = publish(digest, Topic::BeaconBlock, &head.as_ssz_bytes());
    for _ in 0..40 {
        flooder.send(target, bytes.clone());
    }
    for mallory in [&garbage, &oversized, &forger, &flooder] {
        eventually("the misbehaving peer is banned", || {
            victim.banned_peers().contains(&mallory.id)
        })
        .await;
        assert!(!victim.connected_peers().contains(&mallory.id));
        assert!(mallory.transport.connected_peers().is_empty());
    }
    // A banned peer that dials again is dropped at once.
    let _ = garbage.transport.dial(target, target).await;
    eventually("the banned peer is dropped again", || {
        !victim.connected_peers().contains(&garbage.id)
    })
    .await;
    for slot in 5..=48 {
        run_slot(&handles, &clock, &genesis.config, slot).await;
    }
    let finalized = handles[0].finalized_checkpoint();
    assert!(
        finalized.epoch >= 2,
        "finality advanced to {}",
        finalized.epoch
    );
    for h in &handles {
        assert_eq!(h.finalized_checkpoint(), finalized);
        assert_eq!(h.head(), handles[0].head());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_nodes_over_quic_on_loopback_agree_on_the_head() {
    use network::transport::{NodeKey, QuicTransport};
    let genesis = genesis();
    let clock = ManualClock::new(Duration::from_secs(GENESIS_TIME));
    let loopback = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
    let mut nodes = Vec::new();
    let mut first: Option<(std::net::SocketAddr, PeerId)> = None;
    for (n, keys) in [0..32u64, 32..64].into_iter().enumerate() {
        let key = NodeKey::generate().expect("key");
        let id = key.peer_id();
        let (transport, events) =
            QuicTransport::bind(loopback, key, TransportLimits::default()).expect("bind");
        let address = transport.local_addr().expect("address");
        let store = MemoryStore::new();
        let slashing_protection = store.slashing_protection();
        let node = Node::start_networked(
            NodeInputs {
                config: genesis.config.clone(),
                genesis_state: genesis.state.clone(),
                shard_genesis: genesis.shard_genesis.clone(),
                keys: keys.map(|i| interop_secret_key(i).expect("key")).collect(),
                store,
                slashing_protection,
                clock: Arc::new(clock.clone()),
                mempool_capacity: 1000,
                graffiti: Bytes32::ZERO,
            },
            NetworkInputs {
                transport: Arc::new(transport),
                events,
                bootnodes: first.into_iter().collect(),
                listen_addresses: vec![address.to_string()],
                max_peers: 16,
            },
        )
        .expect("node starts");
        assert_eq!(
            node.handle().network().expect("network").local_peer_id(),
            id
        );
        if n == 0 {
            first = Some((address, id));
        }
        nodes.push(node);
    }
    let handles: Vec<Handle> = nodes.iter().map(Node::handle).collect();
    eventually("the two nodes connected over QUIC", || {
        handles
            .iter()
            .all(|h| h.network().is_some_and(|n| n.connected_peers().len() == 1))
    })
    .await;
    for slot in 1..=6 {
        run_slot(&handles, &clock, &genesis.config, slot).await;
    }
    eventually("one head on both nodes", || {
        handles[0].head() == handles[1].head()
    })
    .await;
    // Both validator halves proposed: blocks from each node reached the other.
    assert!(handles[0].head().slot >= 5);
    let imported: Vec<u64> = handles
        .iter()
        .map(|h| h.with_beacon(|c| c.blocks_imported()))
        .collect();
    assert!(imported.iter().all(|n| *n >= 5), "imported {imported:?}");
}
