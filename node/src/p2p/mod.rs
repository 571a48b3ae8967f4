//! The node on a network: a service that runs the `network` crate's sans-IO gossip engine and
//! request/response protocols over a [`Transport`] (QUIC in production, in-memory in tests).
//!
//! - [`published`]: what the node produced and publishes (blocks, attestations, aggregates,
//!   shard blocks, transactions, exits and slashings).
//! - `service`: the event loop: transport events into the engine, the engine's actions out,
//!   local publishes, ticks, and bootnodes dialed and redialed with backoff.
//! - `inbound`: per-topic validation of gossip (p2p-interface.md) and import of what passes,
//!   answered to the engine as `Accept`, `Ignore` or `Reject`.
//! - `serve`: the answers to `status`, blocks by range and by root, shard blocks by range and
//!   receipts.
//! - `sync`: range sync from a peer that is ahead, and by-root lookups of unknown parents.
//!
//! Subscriptions: every beacon topic and every attestation subnet (a node aggregates for any
//! committee its validators sit on, and testnets are small), and `shard_block_{s}` /
//! `shard_tx_{s}` only for the shards the node tracks.

mod inbound;
pub mod published;
mod serve;
pub(crate) mod service;
mod sync;

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use network::transport::TransportLimits;
use network::{PeerId, Transport, TransportEvent};
use parking_lot::RwLock;
use tokio::sync::mpsc;

pub use published::Published;
pub(crate) use service::spawn;

/// What a node needs to join a network.
pub struct NetworkInputs<T: Transport> {
    /// The bound transport.
    pub transport: Arc<T>,
    /// The transport's events.
    pub events: mpsc::Receiver<TransportEvent>,
    /// The peers dialed at start and redialed when they drop: address and pinned identity.
    pub bootnodes: Vec<(T::Address, PeerId)>,
    /// The addresses the node listens on, as its identity reports them.
    pub listen_addresses: Vec<String>,
    /// The most peers connected at once; a peer connecting past it is dropped unless it is a
    /// bootnode.
    pub max_peers: usize,
}

/// The transport limits of a node (the `network` crate's defaults).
pub fn default_limits() -> TransportLimits {
    TransportLimits::default()
}

type BlockSwitch = Arc<dyn Fn(PeerId, bool) + Send + Sync>;
type PeerList = Arc<dyn Fn() -> Vec<PeerId> + Send + Sync>;

/// What the APIs read of the network service, and the partition switch they drive.
#[derive(Clone)]
pub struct NetworkHandle {
    inner: Arc<NetworkState>,
}

struct NetworkState {
    local_peer_id: PeerId,
    listen_addresses: Vec<String>,
    syncing: AtomicBool,
    sync_target: AtomicU64,
    blocked: RwLock<BTreeSet<PeerId>>,
    banned: RwLock<BTreeSet<PeerId>>,
    set_blocked: BlockSwitch,
    connected: PeerList,
    bootnodes: Vec<(PeerId, String)>,
}

impl NetworkHandle {
    fn new<T: Transport>(
        transport: &Arc<T>,
        listen_addresses: Vec<String>,
        bootnodes: Vec<(PeerId, String)>,
    ) -> Self {
        let switch = Arc::clone(transport);
        let list = Arc::clone(transport);
        Self {
            inner: Arc::new(NetworkState {
                local_peer_id: transport.local_peer_id(),
                listen_addresses,
                syncing: AtomicBool::new(false),
                sync_target: AtomicU64::new(0),
                blocked: RwLock::new(BTreeSet::new()),
                banned: RwLock::new(BTreeSet::new()),
                set_blocked: Arc::new(move |peer, blocked| switch.set_blocked(peer, blocked)),
                connected: Arc::new(move || list.connected_peers()),
                bootnodes,
            }),
        }
    }

    /// This node's peer id.
    pub fn local_peer_id(&self) -> PeerId {
        self.inner.local_peer_id
    }

    /// The addresses the node listens on.
    pub fn listen_addresses(&self) -> &[String] {
        &self.inner.listen_addresses
    }

    /// The peers connected now, in order.
    pub fn connected_peers(&self) -> Vec<PeerId> {
        let mut peers = (self.inner.connected)();
        peers.sort();
        peers
    }

    /// The address of `peer` when it is one of the bootnodes this node dials.
    pub fn bootnode_address(&self, peer: &PeerId) -> Option<String> {
        self.inner
            .bootnodes
            .iter()
            .find(|(id, _)| id == peer)
            .map(|(_, address)| address.clone())
    }

    /// Whether a range sync is running, and the slot it syncs toward.
    pub fn sync_state(&self) -> (bool, u64) {
        (
            self.inner.syncing.load(Ordering::Relaxed),
            self.inner.sync_target.load(Ordering::Relaxed),
        )
    }

    fn set_syncing(&self, syncing: bool, target: u64) {
        self.inner.sync_target.store(target, Ordering::Relaxed);
        self.inner.syncing.store(syncing, Ordering::Relaxed);
    }

    /// The peers banned for misbehaviour since start.
    pub fn banned_peers(&self) -> BTreeSet<PeerId> {
        self.inner.banned.read().clone()
    }

    fn record_ban(&self, peer: PeerId) {
        self.inner.banned.write().insert(peer);
    }

    /// The peers whose traffic is dropped both ways (the partition switch).
    pub fn blocked_peers(&self) -> BTreeSet<PeerId> {
        self.inner.blocked.read().clone()
    }

    /// Replaces the set of blocked peers: peers leaving it are unblocked (and redialed if they
    /// are bootnodes), peers entering it are cut off. An empty set heals every partition.
    pub fn set_blocked_peers(&self, peers: BTreeSet<PeerId>) {
        let mut blocked = self.inner.blocked.write();
        for peer in blocked.difference(&peers) {
            (self.inner.set_blocked)(*peer, false);
        }
        for peer in peers.difference(&blocked) {
            (self.inner.set_blocked)(*peer, true);
        }
        *blocked = peers;
    }
}
