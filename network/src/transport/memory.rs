//! An in-process transport: endpoints registered on a shared [`MemoryNetwork`] exchange
//! messages through channels. Used by tests and the deterministic simulator; it enforces the
//! same size and rate limits as QUIC and has the same partition switch.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Instant;

use parking_lot::Mutex;
use tokio::sync::mpsc;

use super::rate_limit::TokenBucket;
use super::{Responder, Transport, TransportError, TransportEvent, TransportLimits};
use crate::peer_id::PeerId;
use crate::peer_score::Misbehaviour;

/// Capacity of each endpoint's event queue; past it, inbound traffic is dropped as a congested
/// network would.
const EVENT_QUEUE: usize = 4096;

#[derive(Debug)]
struct Endpoint {
    id: PeerId,
    limits: TransportLimits,
    events: mpsc::Sender<TransportEvent>,
    connected: Mutex<HashSet<PeerId>>,
    blocked: Mutex<HashSet<PeerId>>,
    buckets: Mutex<HashMap<PeerId, TokenBucket>>,
}

impl Endpoint {
    fn emit(&self, event: TransportEvent) {
        let _ = self.events.try_send(event);
    }

    fn is_blocked(&self, peer: &PeerId) -> bool {
        self.blocked.lock().contains(peer)
    }

    /// Admission of one inbound message from `from`: connection, block list and rate limit.
    fn admit(&self, from: &PeerId) -> bool {
        if !self.connected.lock().contains(from) || self.is_blocked(from) {
            return false;
        }
        let now = Instant::now();
        let ok = self
            .buckets
            .lock()
            .entry(*from)
            .or_insert_with(|| {
                TokenBucket::new(self.limits.messages_per_second, self.limits.burst, now)
            })
            .try_take(now);
        if !ok {
            self.emit(TransportEvent::Fault {
                peer: *from,
                misbehaviour: Misbehaviour::RateLimitExceeded,
            });
        }
        ok
    }

    fn drop_connection(&self, peer: &PeerId) {
        if self.connected.lock().remove(peer) {
            self.buckets.lock().remove(peer);
            self.emit(TransportEvent::Disconnected { peer: *peer });
        }
    }
}

/// The shared medium in-memory endpoints register on.
#[derive(Debug, Clone, Default)]
pub struct MemoryNetwork {
    endpoints: Arc<Mutex<HashMap<PeerId, Arc<Endpoint>>>>,
}

impl MemoryNetwork {
    /// An empty network.
    pub fn new() -> Self {
        Self::default()
    }

    fn get(&self, peer: &PeerId) -> Option<Arc<Endpoint>> {
        self.endpoints.lock().get(peer).cloned()
    }
}

/// One node's endpoint on a [`MemoryNetwork`]. Peers are addressed by their [`PeerId`].
#[derive(Debug, Clone)]
pub struct MemoryTransport {
    network: MemoryNetwork,
    local: Arc<Endpoint>,
}

impl MemoryTransport {
    /// Registers `id` on `network`; the receiver yields this endpoint's events.
    pub fn new(
        network: &MemoryNetwork,
        id: PeerId,
        limits: TransportLimits,
    ) -> (Self, mpsc::Receiver<TransportEvent>) {
        let (tx, rx) = mpsc::channel(EVENT_QUEUE);
        let local = Arc::new(Endpoint {
            id,
            limits,
            events: tx,
            connected: Mutex::new(HashSet::new()),
            blocked: Mutex::new(HashSet::new()),
            buckets: Mutex::new(HashMap::new()),
        });
        network.endpoints.lock().insert(id, local.clone());
        (
            Self {
                network: network.clone(),
                local,
            },
            rx,
        )
    }

    /// The remote endpoint, if connected and traffic with it is not blocked on either side.
    fn remote(&self, peer: PeerId) -> Result<Arc<Endpoint>, TransportError> {
        if self.local.is_blocked(&peer) {
            return Err(TransportError::Blocked(peer));
        }
        if !self.local.connected.lock().contains(&peer) {
            return Err(TransportError::NotConnected(peer));
        }
        let remote = self
            .network
            .get(&peer)
            .ok_or(TransportError::NotConnected(peer))?;
        if remote.is_blocked(&self.local.id) {
            return Err(TransportError::Blocked(peer));
        }
        Ok(remote)
    }

    /// Removes this endpoint from the network and drops its connections (a node stopping).
    pub fn shutdown(&self) {
        self.network.endpoints.lock().remove(&self.local.id);
        let peers: Vec<_> = self.local.connected.lock().iter().copied().collect();
        for peer in peers {
            self.disconnect(peer);
        }
    }
}

impl Transport for MemoryTransport {
    type Address = PeerId;

    fn local_peer_id(&self) -> PeerId {
        self.local.id
    }

    async fn dial(&self, addr: PeerId, peer: PeerId) -> Result<(), TransportError> {
        if addr != peer {
            return Err(TransportError::Handshake(format!(
                "{addr:?} is not the expected {peer:?}"
            )));
        }
        if self.local.is_blocked(&peer) {
            return Err(TransportError::Blocked(peer));
        }
        let remote = self
            .network
            .get(&peer)
            .ok_or(TransportError::NotConnected(peer))?;
        if remote.is_blocked(&self.local.id) {
            return Err(TransportError::Blocked(peer));
        }
        if self.local.connected.lock().insert(peer) {
            self.local.emit(TransportEvent::Connected { peer });
        }
        if remote.connected.lock().insert(self.local.id) {
            remote.emit(TransportEvent::Connected {
                peer: self.local.id,
            });
        }
        Ok(())
    }

    fn send_gossip(&self, peer: PeerId, bytes: Vec<u8>) -> Result<(), TransportError> {
        let remote = self.remote(peer)?;
        let from = self.local.id;
        if bytes.len() > remote.limits.max_gossip_bytes {
            remote.emit(TransportEvent::Fault {
                peer: from,
                misbehaviour: Misbehaviour::OversizedFrame,
            });
            return Ok(());
        }
        if remote.admit(&from) {
            remote.emit(TransportEvent::Gossip { peer: from, bytes });
        }
        Ok(())
    }

    async fn request(&self, peer: PeerId, bytes: Vec<u8>) -> Result<Vec<u8>, TransportError> {
        let remote = self.remote(peer)?;
        let from = self.local.id;
        if bytes.len() > remote.limits.max_request_bytes {
            remote.emit(TransportEvent::Fault {
                peer: from,
                misbehaviour: Misbehaviour::OversizedFrame,
            });
            return Err(TransportError::Connection("request refused".into()));
        }
        if !remote.admit(&from) {
            return Err(TransportError::Connection("request refused".into()));
        }
        let (responder, answer) = Responder::new();
        remote
            .events
            .try_send(TransportEvent::Request {
                peer: from,
                bytes,
                responder,
            })
            .map_err(|_| TransportError::Connection("peer congested".into()))?;
        let response = tokio::time::timeout(self.local.limits.request_timeout, answer)
            .await
            .map_err(|_| TransportError::Timeout)?
            .map_err(|_| TransportError::Connection("stream reset".into()))?;
        // The partition may have been switched on while the request was served.
        self.remote(peer)?;
        if response.len() > self.local.limits.max_response_bytes {
            self.local.emit(TransportEvent::Fault {
                peer,
                misbehaviour: Misbehaviour::OversizedFrame,
            });
            return Err(TransportError::ResponseTooLarge(
                self.local.limits.max_response_bytes,
            ));
        }
        Ok(response)
    }

    fn disconnect(&self, peer: PeerId) {
        self.local.drop_connection(&peer);
        if let Some(remote) = self.network.get(&peer) {
            remote.drop_connection(&self.local.id);
        }
    }

    fn set_blocked(&self, peer: PeerId, blocked: bool) {
        if blocked {
            self.local.blocked.lock().insert(peer);
            self.disconnect(peer);
        } else {
            self.local.blocked.lock().remove(&peer);
        }
    }

    fn connected_peers(&self) -> Vec<PeerId> {
        let mut peers: Vec<_> = self.local.connected.lock().iter().copied().collect();
        peers.sort();
        peers
    }
}
