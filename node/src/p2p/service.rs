//! The network service's event loop: transport events go into the gossip engine or to the
//! request handlers, the engine's actions go out to the transport or to validation, local
//! publishes are flooded, bootnodes are dialed and redialed with backoff, and peers are asked
//! for their status on connect and every few seconds (range sync when one is ahead).
//!
//! Gossiped blocks, votes, exits and slashings are validated as they come. Gossiped
//! transactions wait in a bounded backlog validated a batch at a time between events, so that
//! a block never waits behind thousands of transactions; when more arrive than the node can
//! validate, the oldest waiting ones are ignored (not forwarded, no fault of the sender).

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::{Duration, Instant};

use network::gossip::{GossipAction, GossipConfig, GossipEngine, MessageId, Verdict};
use network::rpc::ResponseChunk;
use network::topic::ATTESTATION_SUBNET_COUNT;
use network::{FrameLimits, PeerId, Request, ResponseCode, Topic, Transport, TransportEvent};
use primitives::EthSpec;
use primitives::signing::compute_fork_digest;
use storage::Store;
use tokio::sync::mpsc;
use tracing::{debug, info, warn};

use super::inbound::{self, Followup};
use super::published::Published;
use super::{NetworkHandle, NetworkInputs, serve, sync};
use crate::runtime::NodeHandle;

/// How often the engine's clock ticks (seen-cache expiry, score decay).
const TICK: Duration = Duration::from_millis(250);
/// How often connected peers are asked for their status.
const STATUS_INTERVAL: Duration = Duration::from_secs(2);
/// The first redial delay of a dropped bootnode; it doubles up to [`MAX_BACKOFF`].
const MIN_BACKOFF: Duration = Duration::from_millis(200);
/// The longest redial delay.
const MAX_BACKOFF: Duration = Duration::from_secs(10);
/// How many of the node's own consensus messages (blocks, votes, exits, slashings) may wait
/// for the service.
const CONSENSUS_QUEUE: usize = 4096;
/// How many transactions submitted to the node may wait to be gossiped.
const TRANSACTION_QUEUE: usize = 16_384;
/// How many gossiped transactions may wait for validation.
const TRANSACTION_BACKLOG: usize = 8192;
/// How many waiting gossiped transactions are validated before the loop looks at the network
/// again.
const TRANSACTION_BATCH: usize = 64;

/// Where the node hands what it publishes to the network service. Its own consensus messages
/// and the transactions submitted to it wait on separate queues, so that a backlog of
/// transactions neither delays nor crowds out a block or a vote.
pub(crate) struct Outbound<E: EthSpec> {
    consensus: mpsc::Sender<Published<E>>,
    transactions: mpsc::Sender<Published<E>>,
}

/// The service's ends of [`Outbound`].
pub(crate) struct OutboundQueues<E: EthSpec> {
    consensus: mpsc::Receiver<Published<E>>,
    transactions: mpsc::Receiver<Published<E>>,
}

/// The outbound queue a message waits on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Queue {
    /// Blocks, votes, exits and slashings.
    Consensus,
    /// Submitted transactions.
    Transactions,
}

impl Queue {
    /// The queue of `message`.
    pub(crate) fn of<E: EthSpec>(message: &Published<E>) -> Self {
        match message {
            Published::Transaction { .. } => Self::Transactions,
            _ => Self::Consensus,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::Consensus => "consensus",
            Self::Transactions => "transaction",
        }
    }
}

/// Why a message was not handed to the network service.
#[derive(Debug, thiserror::Error)]
pub(crate) enum NotQueued {
    /// The service is this far behind: the queue of its kind is full.
    #[error("the network service's {0} queue is full")]
    Full(&'static str),
    /// The service has stopped.
    #[error("the network service has stopped")]
    Closed,
}

/// A pair of outbound queues.
pub(crate) fn outbound<E: EthSpec>() -> (Outbound<E>, OutboundQueues<E>) {
    let (consensus, consensus_rx) = mpsc::channel(CONSENSUS_QUEUE);
    let (transactions, transactions_rx) = mpsc::channel(TRANSACTION_QUEUE);
    (
        Outbound {
            consensus,
            transactions,
        },
        OutboundQueues {
            consensus: consensus_rx,
            transactions: transactions_rx,
        },
    )
}

impl<E: EthSpec> Outbound<E> {
    /// Queues `message` on the queue of its kind, without waiting.
    pub(crate) fn send(&self, message: Published<E>) -> Result<(), NotQueued> {
        let kind = Queue::of(&message);
        let queue = match kind {
            Queue::Transactions => &self.transactions,
            Queue::Consensus => &self.consensus,
        };
        queue.try_send(message).map_err(|error| match error {
            mpsc::error::TrySendError::Full(_) => NotQueued::Full(kind.name()),
            mpsc::error::TrySendError::Closed(_) => NotQueued::Closed,
        })
    }
}

/// What background tasks (sync, lookups, request handlers) report to the loop.
pub(super) enum Internal {
    /// A peer sent something bad; charge it.
    Fault(PeerId, network::Misbehaviour),
}

/// Starts the service for `node` on `inputs`; returns the handle the APIs read.
pub(crate) fn spawn<E: EthSpec, S: Store + 'static, T: Transport>(
    node: NodeHandle<E, S>,
    inputs: NetworkInputs<T>,
    outbound: OutboundQueues<E>,
) -> NetworkHandle {
    let bootnodes = inputs
        .bootnodes
        .iter()
        .map(|(address, peer)| (*peer, format!("{address:?}")))
        .collect();
    let handle = NetworkHandle::new(
        &inputs.transport,
        inputs.listen_addresses.clone(),
        bootnodes,
    );
    for (address, peer) in inputs.bootnodes.clone() {
        tokio::spawn(redial(
            Arc::clone(&inputs.transport),
            handle.clone(),
            address,
            peer,
        ));
    }
    tokio::spawn(run(node, inputs, outbound, handle.clone()));
    handle
}

/// Keeps a bootnode connected: dials it, and when it is not connected, dials again after a
/// delay that doubles on every failure (reset by a success). Blocked or banned peers wait.
async fn redial<T: Transport>(
    transport: Arc<T>,
    handle: NetworkHandle,
    address: T::Address,
    peer: PeerId,
) {
    let mut backoff = MIN_BACKOFF;
    loop {
        let connected = transport.connected_peers().contains(&peer);
        let refused =
            handle.blocked_peers().contains(&peer) || handle.banned_peers().contains(&peer);
        if !connected && !refused {
            match transport.dial(address.clone(), peer).await {
                Ok(()) => {
                    debug!(%peer, "bootnode connected");
                    backoff = MIN_BACKOFF;
                }
                Err(error) => {
                    debug!(%peer, %error, retry_in = ?backoff, "bootnode dial failed");
                    backoff = (backoff * 2).min(MAX_BACKOFF);
                }
            }
        }
        tokio::time::sleep(if connected { MIN_BACKOFF } else { backoff }).await;
    }
}

struct Loop<E: EthSpec, S: Store, T: Transport> {
    node: NodeHandle<E, S>,
    transport: Arc<T>,
    engine: GossipEngine,
    handle: NetworkHandle,
    started: Instant,
    internal: mpsc::Sender<Internal>,
    limits: FrameLimits,
    lookups: sync::Lookups,
    max_peers: usize,
    /// Gossiped transactions waiting for validation, oldest first.
    transactions: VecDeque<GossipedTransaction>,
}

/// A gossiped transaction waiting for validation.
struct GossipedTransaction {
    id: MessageId,
    topic: Topic,
    ssz: Vec<u8>,
}

async fn run<E: EthSpec, S: Store + 'static, T: Transport>(
    node: NodeHandle<E, S>,
    inputs: NetworkInputs<T>,
    outbound: OutboundQueues<E>,
    handle: NetworkHandle,
) {
    let OutboundQueues {
        mut consensus,
        mut transactions,
    } = outbound;
    let max_peers = inputs.max_peers;
    let NetworkInputs {
        transport,
        mut events,
        ..
    } = inputs;
    let fork_digest = node.with_beacon(|chain| {
        chain.head_state().map(|state| {
            compute_fork_digest(state.fork.current_version, state.genesis_validators_root)
        })
    });
    let fork_digest = match fork_digest {
        Ok(digest) => digest,
        Err(error) => {
            warn!(%error, "no head state: the network service does not start");
            return;
        }
    };
    let mut engine = GossipEngine::new(GossipConfig::new(fork_digest));
    for topic in [
        Topic::BeaconBlock,
        Topic::BeaconAggregateAndProof,
        Topic::VoluntaryExit,
        Topic::ProposerSlashing,
        Topic::AttesterSlashing,
    ] {
        engine.subscribe(topic);
    }
    for subnet in 0..ATTESTATION_SUBNET_COUNT {
        engine.subscribe(Topic::BeaconAttestation(subnet));
    }
    for shard in node.shards() {
        engine.subscribe(Topic::ShardBlock(shard));
        engine.subscribe(Topic::ShardTx(shard));
    }
    info!(peer_id = %transport.local_peer_id(), "network service started");
    let (internal, mut internal_rx) = mpsc::channel(1024);
    let mut this = Loop {
        node,
        transport,
        engine,
        handle,
        started: Instant::now(),
        internal,
        limits: FrameLimits::default(),
        lookups: sync::Lookups::default(),
        max_peers,
        transactions: VecDeque::new(),
    };
    let mut tick = tokio::time::interval(TICK);
    let mut status = tokio::time::interval(STATUS_INTERVAL);
    loop {
        tokio::select! {
            event = events.recv() => match event {
                Some(event) => this.on_event(event).await,
                None => {
                    info!("transport closed: the network service stops");
                    return;
                }
            },
            Some(message) = consensus.recv() => this.publish(message).await,
            Some(message) = transactions.recv() => this.publish(message).await,
            Some(Internal::Fault(peer, misbehaviour)) = internal_rx.recv() => {
                let now = this.now();
                this.engine.on_fault(peer, misbehaviour, now);
                this.flush().await;
            }
            _ = tick.tick() => {
                let now = this.now();
                this.engine.tick(now);
                this.flush().await;
            }
            () = std::future::ready(()), if !this.transactions.is_empty() => {
                this.validate_transactions().await;
            }
            _ = status.tick() => {
                for peer in this.transport.connected_peers() {
                    this.exchange_status(peer);
                }
            }
        }
    }
}

impl<E: EthSpec, S: Store + 'static, T: Transport> Loop<E, S, T> {
    fn now(&self) -> Duration {
        self.started.elapsed()
    }

    /// Publishes a message the node produced or was given.
    async fn publish(&mut self, message: Published<E>) {
        let now = self.now();
        if let Err(error) = self.engine.publish(message.topic(), &message.ssz(), now) {
            debug!(topic = %message.topic(), %error, "not published");
        }
        self.flush().await;
    }

    async fn on_event(&mut self, event: TransportEvent) {
        let now = self.now();
        match event {
            TransportEvent::Connected { peer } => {
                let full = self.engine.peers().count() >= self.max_peers;
                if full && self.handle.bootnode_address(&peer).is_none() {
                    debug!(%peer, max_peers = self.max_peers, "peer limit reached, dropped");
                    self.transport.disconnect(peer);
                } else if self.engine.on_peer_connected(peer, now) {
                    info!(%peer, "peer connected");
                    self.exchange_status(peer);
                }
            }
            TransportEvent::Disconnected { peer } => {
                debug!(%peer, "peer disconnected");
                self.engine.on_peer_disconnected(&peer);
            }
            TransportEvent::Gossip { peer, bytes } => self.engine.on_message(peer, &bytes, now),
            TransportEvent::Request {
                peer,
                bytes,
                responder,
            } => match Request::decode(&bytes, &self.limits) {
                Ok(request) => {
                    let node = self.node.clone();
                    let limits = self.limits;
                    tokio::spawn(async move {
                        let answer = tokio::task::spawn_blocking(move || {
                            serve::answer(&node, request, &limits)
                        })
                        .await;
                        if let Ok(bytes) = answer {
                            responder.respond(bytes);
                        }
                    });
                }
                Err(error) => {
                    debug!(%peer, %error, "bad request");
                    let chunk = ResponseChunk::error(ResponseCode::InvalidRequest, "bad request");
                    if let Ok(bytes) = network::rpc::encode_response(&[chunk], &self.limits) {
                        responder.respond(bytes);
                    }
                    if error.is_bad_data() {
                        self.engine.on_fault(peer, error.misbehaviour(), now);
                    }
                }
            },
            TransportEvent::Fault { peer, misbehaviour } => {
                debug!(%peer, ?misbehaviour, "transport fault");
                self.engine.on_fault(peer, misbehaviour, now);
            }
        }
        self.flush().await;
    }

    /// Carries out the engine's actions; messages to validate are validated one after the
    /// other (in arrival order, so a block is imported before the attestations voting for it).
    async fn flush(&mut self) {
        while let Some(action) = self.engine.poll_action() {
            match action {
                GossipAction::Send { peer, bytes } => {
                    if let Err(error) = self.transport.send_gossip(peer, bytes) {
                        debug!(%peer, %error, "gossip not sent");
                    }
                }
                GossipAction::Disconnect {
                    peer,
                    ban_until,
                    reason,
                } => {
                    match (ban_until, reason) {
                        (Some(_), Some(reason)) => {
                            warn!(%peer, ?reason, "peer banned for misbehaviour");
                            self.handle.record_ban(peer);
                        }
                        (Some(_), None) => debug!(%peer, "banned peer refused"),
                        (None, _) => {}
                    }
                    self.transport.disconnect(peer);
                }
                GossipAction::Deliver {
                    id,
                    topic: topic @ Topic::ShardTx(_),
                    ssz,
                    ..
                } => self.queue_transaction(GossipedTransaction { id, topic, ssz }),
                GossipAction::Deliver {
                    id,
                    source,
                    topic,
                    ssz,
                } => {
                    let node = self.node.clone();
                    let outcome =
                        tokio::task::spawn_blocking(move || inbound::validate(&node, topic, &ssz))
                            .await;
                    let Ok(outcome) = outcome else {
                        continue;
                    };
                    let now = self.now();

                    self.engine.on_verdict(id, outcome.verdict, now);
                    if let Some(Followup::UnknownParent(block)) = outcome.followup {
                        self.lookups.start(
                            &self.node,
                            &self.transport,
                            &self.internal,
                            source,
                            *block,
                        );
                    }
                }
            }
        }
    }

    /// Adds a gossiped transaction to the backlog; when the backlog is full, the oldest waiting
    /// one is ignored to make room.
    fn queue_transaction(&mut self, transaction: GossipedTransaction) {
        if self.transactions.len() >= TRANSACTION_BACKLOG
            && let Some(oldest) = self.transactions.pop_front()
        {
            debug!(topic = %oldest.topic, "gossiped transaction shed: the backlog is full");
            let now = self.now();
            self.engine.on_verdict(oldest.id, Verdict::Ignore, now);
        }
        self.transactions.push_back(transaction);
    }

    /// Validates the oldest waiting gossiped transactions, [`TRANSACTION_BATCH`] at most, and
    /// carries out what their verdicts call for.
    async fn validate_transactions(&mut self) {
        let count = self.transactions.len().min(TRANSACTION_BATCH);
        let batch: Vec<GossipedTransaction> = self.transactions.drain(..count).collect();
        let node = self.node.clone();
        let verdicts = tokio::task::spawn_blocking(move || {
            batch
                .into_iter()
                .map(|tx| (tx.id, inbound::validate(&node, tx.topic, &tx.ssz).verdict))
                .collect::<Vec<_>>()
        })
        .await;
        if let Ok(verdicts) = verdicts {
            let now = self.now();
            for (id, verdict) in verdicts {
                self.engine.on_verdict(id, verdict, now);
            }
        }
        self.flush().await;
    }

    /// Asks `peer` for its status in the background, and range-syncs from it when it is ahead.
    fn exchange_status(&self, peer: PeerId) {
        tokio::spawn(sync::status_and_sync(
            self.node.clone(),
            Arc::clone(&self.transport),
            self.handle.clone(),
            self.internal.clone(),
            peer,
        ));
    }
}

#[cfg(test)]
mod tests {
    use primitives::MinimalEthSpec;

    use super::*;

    fn transaction() -> Published<MinimalEthSpec> {
        Published::Transaction {
            shard: 0,
            raw: vec![0x02, 0xc0],
        }
    }

    #[test]
    fn a_full_transaction_queue_leaves_room_for_consensus_messages() {
        let (outbound, mut queues) = outbound::<MinimalEthSpec>();
        for _ in 0..TRANSACTION_QUEUE {
            outbound.send(transaction()).unwrap();
        }
        assert!(matches!(
            outbound.send(transaction()),
            Err(NotQueued::Full("transaction"))
        ));
        outbound
            .send(Published::VoluntaryExit(Box::default()))
            .unwrap();
        assert!(matches!(
            queues.consensus.try_recv(),
            Ok(Published::VoluntaryExit(_))
        ));
        assert!(matches!(
            queues.transactions.try_recv(),
            Ok(Published::Transaction { .. })
        ));
        drop(queues);
        assert!(matches!(
            outbound.send(transaction()),
            Err(NotQueued::Closed)
        ));
    }
}
