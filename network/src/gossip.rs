//! The gossip engine, sans-IO: events in (peers coming and going, bytes received, local
//! publishes, subscriptions, validation verdicts, ticks), actions out (bytes to send, messages to
//! validate, peers to drop). The caller moves bytes and keeps the clock; the engine keeps no
//! sockets, timers or threads, so tests drive it deterministically.
//!
//! Dissemination is flood publish: a message goes to every connected peer subscribed to its
//! topic, except the peers it came from. That is what small testnets need (every node a few hops
//! from every other) and keeps the engine small; a gossipsub-like mesh would bound fan-out on
//! large networks. Peers announce their subscriptions to each other on connect and on every
//! change, and a peer is only ever sent topics it subscribed to.
//!
//! A received message is forwarded only after the node validated it and answered
//! [`Verdict::Accept`]; [`Verdict::Reject`] lowers the source's score, [`Verdict::Ignore`] drops
//! the message silently, as gossipsub v1.1's extended validators do.

use std::collections::{BTreeSet, HashMap, HashSet, VecDeque};
use std::time::Duration;

use primitives::types::ForkDigest;
use sha2::{Digest, Sha256};
use thiserror::Error;

use crate::framing::{self, FrameLimits, FramingError};
use crate::peer_id::PeerId;
use crate::peer_score::{Misbehaviour, PeerManager, ScoreConfig};
pub use crate::seen_cache::MessageId;
use crate::seen_cache::{Observation, SeenCache};
use crate::topic::{GossipTopic, Topic};
use crate::wire::GossipWire;

/// The gossip `message-id` of p2p-interface.md v0.12.3: `SHA256(message.data)[0:8]`, where
/// `message.data` is the snappy-compressed SSZ payload as carried on the wire.
pub fn message_id(data: &[u8]) -> MessageId {
    let digest = Sha256::digest(data);
    let mut id = [0u8; 8];
    id.copy_from_slice(digest.get(..8).unwrap_or(&[0; 8]));
    id
}

/// The node's answer about a message it was asked to validate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Valid: forward it.
    Accept,
    /// Not forwarded, not the sender's fault (e.g. already known, too old).
    Ignore,
    /// Invalid: not forwarded, and the sender is penalized.
    Reject,
}

/// Engine parameters.
#[derive(Debug, Clone)]
pub struct GossipConfig {
    /// The fork digest of every topic this node publishes and accepts.
    pub fork_digest: ForkDigest,
    /// Payload size limits.
    pub limits: FrameLimits,
    /// How long message ids are remembered for duplicate suppression.
    pub seen_ttl: Duration,
    /// Most message ids remembered.
    pub seen_capacity: usize,
    /// Most messages awaiting a verdict; past this, new messages are dropped.
    pub max_pending: usize,
    /// A message without verdict after this long is dropped.
    pub validation_timeout: Duration,
    /// Most messages accepted from one peer per `rate_window`.
    pub rate_limit: u32,
    /// The window of the per-peer rate limit.
    pub rate_window: Duration,
    /// Peer scoring parameters.
    pub score: ScoreConfig,
}

impl GossipConfig {
    /// Defaults for the given fork digest.
    pub fn new(fork_digest: ForkDigest) -> Self {
        Self {
            fork_digest,
            limits: FrameLimits::default(),
            seen_ttl: Duration::from_secs(384),
            // Transactions are gossiped one by one: the cache holds ids for minutes of a loaded
            // network (an id forgotten too early makes an honest peer's later copy look new, and
            // its next one a duplicate), and the verdict queue rides out a busy second.
            seen_capacity: 1 << 18,
            max_pending: 1 << 15,
            validation_timeout: Duration::from_secs(12),
            // As the transports' bound: above the network's transaction rate.
            rate_limit: 20_000,
            rate_window: Duration::from_secs(1),
            score: ScoreConfig::default(),
        }
    }
}

/// What the engine asks its caller to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GossipAction {
    /// Send these bytes (an encoded [`GossipWire`]) to `peer` on a gossip stream.
    Send {
        /// The recipient.
        peer: PeerId,
        /// The encoded message.
        bytes: Vec<u8>,
    },
    /// Validate this message and answer with [`GossipEngine::on_verdict`].
    Deliver {
        /// The message id to quote in the verdict.
        id: MessageId,
        /// The peer it came from.
        source: PeerId,
        /// Its topic.
        topic: Topic,
        /// The decompressed SSZ payload.
        ssz: Vec<u8>,
    },
    /// Close the connection to `peer`; `ban_until` is set when it was banned (refuse it
    /// until then).
    Disconnect {
        /// The peer.
        peer: PeerId,
        /// End of the ban, if any.
        ban_until: Option<Duration>,
        /// The misbehaviour that got the peer banned just now; `None` for a peer banned
        /// before (refused again as it reconnects).
        reason: Option<Misbehaviour>,
    },
}

/// Why a local publish failed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum GossipError {
    /// The payload could not be framed (too large).
    #[error("cannot publish: {0}")]
    Framing(#[from] FramingError),
    /// The same message was published or received recently.
    #[error("duplicate message")]
    Duplicate,
}

#[derive(Debug)]
struct PeerState {
    topics: HashSet<Topic>,
    window_start: Duration,
    window_count: u32,
}

#[derive(Debug)]
struct Pending {
    topic: GossipTopic,
    data: Vec<u8>,
    source: PeerId,
    received: Duration,
}

/// The flood-publish gossip engine.
#[derive(Debug)]
pub struct GossipEngine {
    config: GossipConfig,
    subscriptions: BTreeSet<Topic>,
    peers: HashMap<PeerId, PeerState>,
    seen: SeenCache,
    pending: HashMap<MessageId, Pending>,
    scores: PeerManager,
    actions: VecDeque<GossipAction>,
}

impl GossipEngine {
    /// A new engine with no peers and no subscriptions.
    pub fn new(config: GossipConfig) -> Self {
        Self {
            seen: SeenCache::new(config.seen_ttl, config.seen_capacity),
            scores: PeerManager::new(config.score.clone()),
            config,
            subscriptions: BTreeSet::new(),
            peers: HashMap::new(),
            pending: HashMap::new(),
            actions: VecDeque::new(),
        }
    }

    /// The next action to carry out, if any.
    pub fn poll_action(&mut self) -> Option<GossipAction> {
        self.actions.pop_front()
    }

    /// All pending actions, in order.
    pub fn drain_actions(&mut self) -> Vec<GossipAction> {
        self.actions.drain(..).collect()
    }

    /// The peer scores (read-only); banned peers should be refused by the transport.
    pub fn peer_manager(&self) -> &PeerManager {
        &self.scores
    }

    /// The topics this node subscribes to.
    pub fn subscriptions(&self) -> &BTreeSet<Topic> {
        &self.subscriptions
    }

    /// The connected peers.
    pub fn peers(&self) -> impl Iterator<Item = &PeerId> {
        self.peers.keys()
    }

    /// Whether `peer` is connected and subscribed to `topic`.
    pub fn peer_subscribed(&self, peer: &PeerId, topic: Topic) -> bool {
        self.peers
            .get(peer)
            .is_some_and(|p| p.topics.contains(&topic))
    }

    fn full(&self, topic: Topic) -> GossipTopic {
        GossipTopic {
            fork_digest: self.config.fork_digest,
            topic,
        }
    }

    fn send(&mut self, peer: PeerId, msg: &GossipWire) {
        self.actions.push_back(GossipAction::Send {
            peer,
            bytes: msg.encode(),
        });
    }

    /// A peer connected. A banned peer is disconnected at once and `false` returned; otherwise
    /// it is sent our subscriptions.
    pub fn on_peer_connected(&mut self, peer: PeerId, now: Duration) -> bool {
        if let Some(until) = self.scores.banned_until(&peer, now) {
            self.actions.push_back(GossipAction::Disconnect {
                peer,
                ban_until: Some(until),
                reason: None,
            });
            return false;
        }
        self.peers.insert(
            peer,
            PeerState {
                topics: HashSet::new(),
                window_start: now,
                window_count: 0,
            },
        );
        if !self.subscriptions.is_empty() {
            let topics = self.subscriptions.iter().map(|t| self.full(*t)).collect();
            self.send(peer, &GossipWire::Subscribe(topics));
        }
        true
    }

    /// A peer disconnected.
    pub fn on_peer_disconnected(&mut self, peer: &PeerId) {
        self.peers.remove(peer);
    }

    /// Charges `peer` with `m` (from the transport or the request/response layer as well as
    /// from this engine); disconnects and bans it if its score falls to the threshold.
    pub fn on_fault(&mut self, peer: PeerId, m: Misbehaviour, now: Duration) {
        if let Some(ban) = self.scores.report(peer, m, now) {
            self.peers.remove(&peer);
            self.pending.retain(|_, p| p.source != peer);
            self.actions.push_back(GossipAction::Disconnect {
                peer,
                ban_until: Some(ban.until),
                reason: Some(m),
            });
        }
    }

    /// Subscribes to `topic` and tells every peer.
    pub fn subscribe(&mut self, topic: Topic) {
        if self.subscriptions.insert(topic) {
            let msg = GossipWire::Subscribe(vec![self.full(topic)]);
            let peers: Vec<_> = self.peers.keys().copied().collect();
            for peer in peers {
                self.send(peer, &msg);
            }
        }
    }

    /// Unsubscribes from `topic` and tells every peer.
    pub fn unsubscribe(&mut self, topic: Topic) {
        if self.subscriptions.remove(&topic) {
            let msg = GossipWire::Unsubscribe(vec![self.full(topic)]);
            let peers: Vec<_> = self.peers.keys().copied().collect();
            for peer in peers {
                self.send(peer, &msg);
            }
        }
    }

    /// Publishes a local message: compresses it, records it as seen and sends it to every peer
    /// subscribed to `topic`. Publishing needs no subscription of our own (a node may send
    /// transactions to shards it does not track).
    pub fn publish(
        &mut self,
        topic: Topic,
        ssz: &[u8],
        now: Duration,
    ) -> Result<MessageId, GossipError> {
        let data = framing::compress(ssz, &self.config.limits)?;
        let id = message_id(&data);
        if self.seen.observe(id, None, now) != Observation::New {
            return Err(GossipError::Duplicate);
        }
        self.flood(topic, &data, &[]);
        Ok(id)
    }

    fn flood(&mut self, topic: Topic, data: &[u8], except: &[PeerId]) {
        let mut targets: Vec<PeerId> = self
            .peers
            .iter()
            .filter(|(id, p)| p.topics.contains(&topic) && !except.contains(id))
            .map(|(id, _)| *id)
            .collect();
        targets.sort();
        let msg = GossipWire::Publish {
            topic: self.full(topic),
            data: data.to_vec(),
        };
        for peer in targets {
            self.send(peer, &msg);
        }
    }

    /// Bytes received from `peer` on a gossip stream.
    pub fn on_message(&mut self, peer: PeerId, bytes: &[u8], now: Duration) {
        let Some(state) = self.peers.get_mut(&peer) else {
            return;
        };
        if now.saturating_sub(state.window_start) >= self.config.rate_window {
            state.window_start = now;
            state.window_count = 0;
        }
        state.window_count = state.window_count.saturating_add(1);
        if state.window_count > self.config.rate_limit {
            self.on_fault(peer, Misbehaviour::RateLimitExceeded, now);
            return;
        }
        let msg = match GossipWire::decode(bytes, &self.config.limits) {
            Ok(msg) => msg,
            Err(e) => return self.on_fault(peer, e.misbehaviour(), now),
        };
        match msg {
            GossipWire::Subscribe(topics) | GossipWire::Unsubscribe(topics)
                if topics
                    .iter()
                    .any(|t| t.fork_digest != self.config.fork_digest) =>
            {
                // Another fork's topics mean nothing to us; not a fault (forks change).
            }
            GossipWire::Subscribe(topics) => {
                if let Some(state) = self.peers.get_mut(&peer) {
                    state.topics.extend(topics.iter().map(|t| t.topic));
                }
            }
            GossipWire::Unsubscribe(topics) => {
                if let Some(state) = self.peers.get_mut(&peer) {
                    for t in topics {
                        state.topics.remove(&t.topic);
                    }
                }
            }
            GossipWire::Publish { topic, data } => self.on_publish(peer, topic, data, now),
        }
    }

    fn on_publish(&mut self, peer: PeerId, topic: GossipTopic, data: Vec<u8>, now: Duration) {
        if topic.fork_digest != self.config.fork_digest
            || !self.subscriptions.contains(&topic.topic)
        {
            // Another fork, or a topic we just unsubscribed from: nothing to do.
            return;
        }
        let id = message_id(&data);
        match self.seen.observe(id, Some(peer), now) {
            Observation::Duplicate { same_peer: true } => {
                return self.on_fault(peer, Misbehaviour::DuplicateMessage, now);
            }
            Observation::Duplicate { same_peer: false } => return,
            Observation::New => {}
        }
        let ssz = match framing::decompress(&data, &self.config.limits) {
            Ok(ssz) => ssz,
            Err(e) => return self.on_fault(peer, e.misbehaviour(), now),
        };
        if self.pending.len() >= self.config.max_pending {
            // Dropped unvalidated: forgotten, so that a copy from another peer is taken.
            self.seen.forget(&id);
            return;
        }
        self.pending.insert(
            id,
            Pending {
                topic,
                data,
                source: peer,
                received: now,
            },
        );
        self.actions.push_back(GossipAction::Deliver {
            id,
            source: peer,
            topic: topic.topic,
            ssz,
        });
    }

    /// The node's verdict on a delivered message. Accepted messages are forwarded to the
    /// subscribed peers that have not sent it to us; rejected ones cost the source.
    pub fn on_verdict(&mut self, id: MessageId, verdict: Verdict, now: Duration) {
        let Some(pending) = self.pending.remove(&id) else {
            return;
        };
        match verdict {
            Verdict::Accept => {
                self.scores.reward(pending.source, now);
                let mut except = self.seen.senders(&id).to_vec();
                except.push(pending.source);
                self.flood(pending.topic.topic, &pending.data, &except);
            }
            Verdict::Ignore => {}
            Verdict::Reject => self.on_fault(pending.source, Misbehaviour::InvalidMessage, now),
        }
    }

    /// Advances time: expires seen ids, messages whose verdict never came, and decays scores.
    pub fn tick(&mut self, now: Duration) {
        self.seen.expire(now);
        let timeout = self.config.validation_timeout;
        self.pending
            .retain(|_, p| now.saturating_sub(p.received) < timeout);
        self.scores.tick(now);
    }
}

#[cfg(test)]
mod tests;
