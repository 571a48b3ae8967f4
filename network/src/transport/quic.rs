//! The QUIC transport (quinn over rustls/ring). Each node is one UDP endpoint acting as both
//! server and client; connections are mutually authenticated with the self-signed certificates
//! of [`super::tls`], so a connection's remote `PeerId` is known once the handshake is done.
//!
//! One connection per peer. When two nodes dial each other at once, both keep the connection
//! dialed by the smaller `PeerId` and close the other, so they agree without a round trip. A
//! replaced connection is reported as `Disconnected` then `Connected`, so that whatever was sent
//! on the closed one (subscriptions) is sent again on the survivor.
//!
//! Outbound gossip is best effort: each connection has at most `max_concurrent_streams` gossip
//! streams in flight and [`GOSSIP_BACKLOG`] times as many messages waiting for one (a burst is
//! smoothed, not lost); a message beyond that is refused with [`TransportError::Congested`]
//! rather than queued without bound. Inbound gossip waits for room in the event queue, so that
//! a busy node slows its peers' streams down (QUIC flow control) instead of losing messages.

use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use parking_lot::Mutex;
use quinn::crypto::rustls::{QuicClientConfig, QuicServerConfig};
use quinn::{Connection, Endpoint, ReadToEndError, VarInt};
use rustls::pki_types::CertificateDer;
use tokio::sync::{Semaphore, mpsc};

use super::rate_limit::TokenBucket;
use super::tls::{ALPN, NodeKey, PeerClientVerifier, PinnedServerVerifier, peer_id_of, provider};
use super::{Responder, Transport, TransportError, TransportEvent, TransportLimits};
use crate::peer_id::PeerId;
use crate::peer_score::Misbehaviour;

/// Capacity of the event queue. Inbound gossip waits for room; requests and faults past it are
/// dropped rather than buffered.
const EVENT_QUEUE: usize = 16_384;
/// Outbound gossip messages a connection holds waiting for a stream, per stream allowed.
pub const GOSSIP_BACKLOG: usize = 16;

/// Close codes sent to peers.
const CLOSE_DISCONNECT: u32 = 1;
const CLOSE_DUPLICATE: u32 = 2;
const CLOSE_BLOCKED: u32 = 3;

#[derive(Debug, Clone)]
struct Conn {
    connection: Connection,
    dialer: PeerId,
    /// Permits for outbound gossip streams in flight.
    outbound: Arc<Semaphore>,
    /// Permits for outbound gossip messages held, in flight or waiting for a stream.
    backlog: Arc<Semaphore>,
}

#[derive(Debug)]
struct Inner {
    endpoint: Endpoint,
    key: NodeKey,
    limits: TransportLimits,
    transport_config: Arc<quinn::TransportConfig>,
    events: mpsc::Sender<TransportEvent>,
    connections: Mutex<HashMap<PeerId, Conn>>,
    blocked: Mutex<HashSet<PeerId>>,
    runtime: tokio::runtime::Handle,
}

/// A QUIC endpoint bound to one UDP socket.
#[derive(Debug, Clone)]
pub struct QuicTransport {
    inner: Arc<Inner>,
}

fn setup(e: impl std::fmt::Display) -> TransportError {
    TransportError::Setup(e.to_string())
}

fn conn_err(e: impl std::fmt::Display) -> TransportError {
    TransportError::Connection(e.to_string())
}

fn transport_config(limits: &TransportLimits) -> Result<quinn::TransportConfig, TransportError> {
    let mut config = quinn::TransportConfig::default();
    let streams = VarInt::from_u32(limits.max_concurrent_streams);
    config
        .max_concurrent_bidi_streams(streams)
        .max_concurrent_uni_streams(streams)
        .keep_alive_interval(Some(Duration::from_secs(2)))
        .max_idle_timeout(Some(
            Duration::from_secs(10)
                .try_into()
                .map_err(|e: quinn::VarIntBoundsExceeded| setup(e))?,
        ))
        .datagram_receive_buffer_size(None);
    Ok(config)
}

impl QuicTransport {
    /// Binds a UDP socket at `addr` with the identity `key`. Must be called inside a tokio
    /// runtime; the receiver yields this endpoint's events.
    pub fn bind(
        addr: SocketAddr,
        key: NodeKey,
        limits: TransportLimits,
    ) -> Result<(Self, mpsc::Receiver<TransportEvent>), TransportError> {
        let runtime = tokio::runtime::Handle::try_current().map_err(setup)?;
        let mut server_crypto = rustls::ServerConfig::builder_with_provider(provider())
            .with_protocol_versions(&[&rustls::version::TLS13])
            .map_err(setup)?
            .with_client_cert_verifier(Arc::new(PeerClientVerifier::default()))
            .with_single_cert(key.cert_chain(), key.private_key())
            .map_err(setup)?;
        server_crypto.alpn_protocols = vec![ALPN.to_vec()];
        let transport_config = Arc::new(transport_config(&limits)?);
        let mut server_config = quinn::ServerConfig::with_crypto(Arc::new(
            QuicServerConfig::try_from(server_crypto).map_err(setup)?,
        ));
        server_config.transport_config(transport_config.clone());
        let endpoint = Endpoint::server(server_config, addr).map_err(setup)?;
        let (tx, rx) = mpsc::channel(EVENT_QUEUE);
        let inner = Arc::new(Inner {
            endpoint,
            key,
            limits,
            transport_config,
            events: tx,
            connections: Mutex::new(HashMap::new()),
            blocked: Mutex::new(HashSet::new()),
            runtime,
        });
        inner.runtime.spawn(accept_loop(inner.clone()));
        Ok((Self { inner }, rx))
    }

    /// The bound socket address (useful after binding port 0).
    pub fn local_addr(&self) -> Result<SocketAddr, TransportError> {
        self.inner.endpoint.local_addr().map_err(setup)
    }

    /// Closes every connection and the endpoint, and waits for the peers to be told.
    pub async fn shutdown(&self) {
        self.inner.connections.lock().clear();
        self.inner
            .endpoint
            .close(VarInt::from_u32(CLOSE_DISCONNECT), b"shutdown");
        self.inner.endpoint.wait_idle().await;
    }

    fn client_config(&self, expected: PeerId) -> Result<quinn::ClientConfig, TransportError> {
        let mut crypto = rustls::ClientConfig::builder_with_provider(provider())
            .with_protocol_versions(&[&rustls::version::TLS13])
            .map_err(setup)?
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(PinnedServerVerifier::new(expected)))
            .with_client_auth_cert(self.inner.key.cert_chain(), self.inner.key.private_key())
            .map_err(setup)?;
        crypto.alpn_protocols = vec![ALPN.to_vec()];
        let mut config =
            quinn::ClientConfig::new(Arc::new(QuicClientConfig::try_from(crypto).map_err(setup)?));
        config.transport_config(self.inner.transport_config.clone());
        Ok(config)
    }

    fn conn(&self, peer: PeerId) -> Result<Conn, TransportError> {
        if self.inner.blocked.lock().contains(&peer) {
            return Err(TransportError::Blocked(peer));
        }
        self.inner
            .connections
            .lock()
            .get(&peer)
            .cloned()
            .ok_or(TransportError::NotConnected(peer))
    }

    fn connection(&self, peer: PeerId) -> Result<Connection, TransportError> {
        self.conn(peer).map(|c| c.connection)
    }
}

impl Inner {
    fn emit(&self, event: TransportEvent) {
        let _ = self.events.try_send(event);
    }

    fn local_id(&self) -> PeerId {
        self.key.peer_id()
    }

    fn is_blocked(&self, peer: &PeerId) -> bool {
        self.blocked.lock().contains(peer)
    }

    /// Records a new authenticated connection; returns `false` if it was closed as a duplicate.
    fn register(self: &Arc<Self>, connection: Connection, peer: PeerId, dialer: PeerId) -> bool {
        if self.is_blocked(&peer) {
            connection.close(VarInt::from_u32(CLOSE_BLOCKED), b"blocked");
            return false;
        }
        let preferred = self.local_id().min(peer);
        let replaced = {
            let mut map = self.connections.lock();
            match map.get(&peer) {
                Some(existing)
                    if existing.connection.close_reason().is_none()
                        && (existing.dialer == preferred || dialer != preferred) =>
                {
                    drop(map);
                    connection.close(VarInt::from_u32(CLOSE_DUPLICATE), b"duplicate");
                    return false;
                }
                _ => map.insert(
                    peer,
                    Conn {
                        connection: connection.clone(),
                        dialer,
                        outbound: Arc::new(Semaphore::new(
                            usize::try_from(self.limits.max_concurrent_streams).unwrap_or(1),
                        )),
                        backlog: Arc::new(Semaphore::new(
                            usize::try_from(self.limits.max_concurrent_streams)
                                .unwrap_or(1)
                                .saturating_mul(GOSSIP_BACKLOG),
                        )),
                    },
                ),
            }
        };
        match replaced {
            Some(old) => {
                old.connection
                    .close(VarInt::from_u32(CLOSE_DUPLICATE), b"duplicate");
                self.emit(TransportEvent::Disconnected { peer });
                self.emit(TransportEvent::Connected { peer });
            }
            None => self.emit(TransportEvent::Connected { peer }),
        }
        self.runtime
            .spawn(connection_loop(self.clone(), connection, peer));
        true
    }

    /// Forgets `connection` if it is still the one recorded for `peer`, reporting the loss.
    fn forget(&self, connection: &Connection, peer: PeerId) {
        let removed = {
            let mut map = self.connections.lock();
            if map
                .get(&peer)
                .is_some_and(|c| c.connection.stable_id() == connection.stable_id())
            {
                map.remove(&peer);
                true
            } else {
                false
            }
        };
        if removed {
            self.emit(TransportEvent::Disconnected { peer });
        }
    }
}

fn remote_peer_id(connection: &Connection) -> Option<PeerId> {
    let identity = connection.peer_identity()?;
    let certs = identity.downcast::<Vec<CertificateDer<'static>>>().ok()?;
    peer_id_of(certs.first()?).ok()
}

async fn accept_loop(inner: Arc<Inner>) {
    while let Some(incoming) = inner.endpoint.accept().await {
        let inner = inner.clone();
        inner.runtime.clone().spawn(async move {
            let Ok(connection) = incoming.await else {
                return;
            };
            match remote_peer_id(&connection) {
                Some(peer) => {
                    inner.register(connection, peer, peer);
                }
                None => connection.close(VarInt::from_u32(CLOSE_DISCONNECT), b"no identity"),
            }
        });
    }
}

async fn connection_loop(inner: Arc<Inner>, connection: Connection, peer: PeerId) {
    let bucket = Arc::new(Mutex::new(TokenBucket::new(
        inner.limits.messages_per_second,
        inner.limits.burst,
        Instant::now(),
    )));
    let admit = |inner: &Inner| {
        if inner.is_blocked(&peer) {
            return false;
        }
        let ok = bucket.lock().try_take(Instant::now());
        if !ok {
            inner.emit(TransportEvent::Fault {
                peer,
                misbehaviour: Misbehaviour::RateLimitExceeded,
            });
        }
        ok
    };
    loop {
        tokio::select! {
            uni = connection.accept_uni() => {
                let Ok(mut recv) = uni else { break };
                if !admit(&inner) {
                    let _ = recv.stop(VarInt::from_u32(0));
                    continue;
                }
                let inner = inner.clone();
                inner.runtime.clone().spawn(async move {
                    match recv.read_to_end(inner.limits.max_gossip_bytes).await {
                        Ok(bytes) => {
                            // Waits for room: back pressure on this peer's streams.
                            let _ = inner.events.send(TransportEvent::Gossip { peer, bytes }).await;
                        }
                        Err(ReadToEndError::TooLong) => {
                            let _ = recv.stop(VarInt::from_u32(0));
                            inner.emit(TransportEvent::Fault {
                                peer,
                                misbehaviour: Misbehaviour::OversizedFrame,
                            });
                        }
                        Err(_) => {}
                    }
                });
            }
            bi = connection.accept_bi() => {
                let Ok((mut send, mut recv)) = bi else { break };
                if !admit(&inner) {
                    let _ = recv.stop(VarInt::from_u32(0));
                    let _ = send.reset(VarInt::from_u32(0));
                    continue;
                }
                let inner = inner.clone();
                inner.runtime.clone().spawn(async move {
                    let bytes = match recv.read_to_end(inner.limits.max_request_bytes).await {
                        Ok(bytes) => bytes,
                        Err(ReadToEndError::TooLong) => {
                            let _ = recv.stop(VarInt::from_u32(0));
                            let _ = send.reset(VarInt::from_u32(0));
                            inner.emit(TransportEvent::Fault {
                                peer,
                                misbehaviour: Misbehaviour::OversizedFrame,
                            });
                            return;
                        }
                        Err(_) => return,
                    };
                    let (responder, answer) = Responder::new();
                    if inner
                        .events
                        .try_send(TransportEvent::Request { peer, bytes, responder })
                        .is_err()
                    {
                        let _ = send.reset(VarInt::from_u32(0));
                        return;
                    }
                    match tokio::time::timeout(inner.limits.request_timeout, answer).await {
                        Ok(Ok(response)) if !inner.is_blocked(&peer) => {
                            if send.write_all(&response).await.is_ok() {
                                let _ = send.finish();
                                // Let the peer read the response before the stream is dropped.
                                let _ = send.stopped().await;
                            }
                        }
                        _ => {
                            let _ = send.reset(VarInt::from_u32(0));
                        }
                    }
                });
            }
        }
    }
    inner.forget(&connection, peer);
}

impl Transport for QuicTransport {
    type Address = SocketAddr;

    fn local_peer_id(&self) -> PeerId {
        self.inner.local_id()
    }

    async fn dial(&self, addr: SocketAddr, peer: PeerId) -> Result<(), TransportError> {
        if self.inner.is_blocked(&peer) {
            return Err(TransportError::Blocked(peer));
        }
        if let Ok(existing) = self.connection(peer)
            && existing.close_reason().is_none()
        {
            return Ok(());
        }
        let config = self.client_config(peer)?;
        let connecting = self
            .inner
            .endpoint
            .connect_with(config, addr, "shardnet")
            .map_err(conn_err)?;
        let connection = connecting
            .await
            .map_err(|e| TransportError::Handshake(e.to_string()))?;
        // The verifier pinned the server's key; re-read it to be certain of the identity.
        if remote_peer_id(&connection) != Some(peer) {
            connection.close(VarInt::from_u32(CLOSE_DISCONNECT), b"identity");
            return Err(TransportError::Handshake("unexpected identity".into()));
        }
        let local = self.inner.local_id();
        self.inner.register(connection, peer, local);
        // Either our connection or the remote's simultaneous one is now in use.
        if self.inner.connections.lock().contains_key(&peer) {
            Ok(())
        } else {
            Err(TransportError::NotConnected(peer))
        }
    }

    fn send_gossip(&self, peer: PeerId, bytes: Vec<u8>) -> Result<(), TransportError> {
        let conn = self.conn(peer)?;
        let held = conn
            .backlog
            .try_acquire_owned()
            .map_err(|_| TransportError::Congested(peer))?;
        let connection = conn.connection;
        let streams = conn.outbound;
        self.inner.runtime.spawn(async move {
            let _held = held;
            let Ok(_stream) = streams.acquire_owned().await else {
                return;
            };
            if let Ok(mut send) = connection.open_uni().await
                && send.write_all(&bytes).await.is_ok()
            {
                let _ = send.finish();
            }
        });
        Ok(())
    }

    async fn request(&self, peer: PeerId, bytes: Vec<u8>) -> Result<Vec<u8>, TransportError> {
        let connection = self.connection(peer)?;
        let limits = &self.inner.limits;
        let exchange = async {
            let (mut send, mut recv) = connection.open_bi().await.map_err(conn_err)?;
            send.write_all(&bytes).await.map_err(conn_err)?;
            send.finish().map_err(conn_err)?;
            match recv.read_to_end(limits.max_response_bytes).await {
                Ok(response) => Ok(response),
                Err(ReadToEndError::TooLong) => {
                    let _ = recv.stop(VarInt::from_u32(0));
                    self.inner.emit(TransportEvent::Fault {
                        peer,
                        misbehaviour: Misbehaviour::OversizedFrame,
                    });
                    Err(TransportError::ResponseTooLarge(limits.max_response_bytes))
                }
                Err(e) => Err(conn_err(e)),
            }
        };
        let response = tokio::time::timeout(limits.request_timeout, exchange)
            .await
            .map_err(|_| TransportError::Timeout)??;
        if self.inner.is_blocked(&peer) {
            return Err(TransportError::Blocked(peer));
        }
        Ok(response)
    }

    fn disconnect(&self, peer: PeerId) {
        let removed = self.inner.connections.lock().remove(&peer);
        if let Some(conn) = removed {
            conn.connection
                .close(VarInt::from_u32(CLOSE_DISCONNECT), b"disconnect");
            self.inner.emit(TransportEvent::Disconnected { peer });
        }
    }

    fn set_blocked(&self, peer: PeerId, blocked: bool) {
        if blocked {
            self.inner.blocked.lock().insert(peer);
            self.disconnect(peer);
        } else {
            self.inner.blocked.lock().remove(&peer);
        }
    }

    fn connected_peers(&self) -> Vec<PeerId> {
        let mut peers: Vec<_> = self.inner.connections.lock().keys().copied().collect();
        peers.sort();
        peers
    }
}
