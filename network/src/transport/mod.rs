//! The `Transport` trait: how bytes move between nodes, with a QUIC implementation for real
//! networks and an in-memory one for tests and the simulator.
//!
//! A transport only moves bytes and enforces limits; what the bytes mean is decided by the
//! gossip engine and the request/response layer. Streams:
//! - gossip: one unidirectional stream per message (an encoded [`crate::wire::GossipWire`]);
//!   the stream end delimits it, so no length prefix is needed and a slow message does not hold
//!   up the next one;
//! - request/response: one bidirectional stream per request (see [`crate::rpc`]).
//!
//! Limits per peer: the size of a gossip message, request and response; concurrent streams;
//! a token-bucket rate of inbound messages. Breaches are reported as
//! [`TransportEvent::Fault`] so they feed peer scoring.
//!
//! Partitions: [`Transport::set_blocked`] drops a peer's traffic in both directions and closes
//! the connection; while blocked, dials to and from that peer fail. Lifting the block lets the
//! node dial again.

use std::future::Future;
use std::time::Duration;

use thiserror::Error;
use tokio::sync::oneshot;

use crate::peer_id::PeerId;
use crate::peer_score::Misbehaviour;

pub mod memory;
pub mod quic;
pub mod rate_limit;
pub mod tls;

pub use memory::{MemoryNetwork, MemoryTransport};
pub use quic::QuicTransport;
pub use tls::NodeKey;

/// Byte, stream and rate limits a transport enforces per peer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransportLimits {
    /// Largest gossip message (stream) accepted.
    pub max_gossip_bytes: usize,
    /// Largest request stream accepted.
    pub max_request_bytes: usize,
    /// Largest response stream accepted.
    pub max_response_bytes: usize,
    /// Most concurrent streams of each direction a peer may open.
    pub max_concurrent_streams: u32,
    /// Inbound messages (gossip streams and requests) per second a peer may send.
    pub messages_per_second: u32,
    /// Burst allowance over the rate.
    pub burst: u32,
    /// How long a request may wait for its response.
    pub request_timeout: Duration,
}

impl Default for TransportLimits {
    fn default() -> Self {
        let frame = crate::framing::FrameLimits::default();
        Self {
            max_gossip_bytes: crate::wire::max_wire_len(&frame),
            max_request_bytes: crate::rpc::MAX_REQUEST_BYTES,
            max_response_bytes: crate::rpc::MAX_RESPONSE_BYTES,
            max_concurrent_streams: 1024,
            // Each transaction is one gossip message, and a peer forwards every transaction of
            // the shards it shares: the bound sits above the whole network's transaction
            // rate, so that honest forwarding under load is never taken for a flood.
            messages_per_second: 20_000,
            burst: 40_000,
            request_timeout: Duration::from_secs(10),
        }
    }
}

/// Answers one inbound request: the node sends the encoded response bytes
/// ([`crate::rpc::encode_response`]). Dropping it resets the stream.
#[derive(Debug)]
pub struct Responder(oneshot::Sender<Vec<u8>>);

impl Responder {
    /// A responder and the receiver its answer arrives on.
    pub fn new() -> (Self, oneshot::Receiver<Vec<u8>>) {
        let (tx, rx) = oneshot::channel();
        (Self(tx), rx)
    }

    /// Sends the response; a requester that went away is not an error.
    pub fn respond(self, bytes: Vec<u8>) {
        let _ = self.0.send(bytes);
    }
}

/// What a transport reports to the node.
#[derive(Debug)]
pub enum TransportEvent {
    /// A connection with an authenticated peer is up.
    Connected {
        /// The peer.
        peer: PeerId,
    },
    /// The connection with a peer is gone.
    Disconnected {
        /// The peer.
        peer: PeerId,
    },
    /// A gossip message arrived.
    Gossip {
        /// The sender.
        peer: PeerId,
        /// The encoded [`crate::wire::GossipWire`].
        bytes: Vec<u8>,
    },
    /// A request arrived; answer it through `responder`.
    Request {
        /// The requester.
        peer: PeerId,
        /// The request stream ([`crate::rpc::Request::decode`]).
        bytes: Vec<u8>,
        /// Where the response goes.
        responder: Responder,
    },
    /// A peer broke a transport limit; the traffic was dropped.
    Fault {
        /// The peer.
        peer: PeerId,
        /// What it did.
        misbehaviour: Misbehaviour,
    },
}

/// Why a transport operation failed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TransportError {
    /// No connection with that peer.
    #[error("not connected to {0:?}")]
    NotConnected(PeerId),
    /// Traffic with that peer is blocked (partition switch).
    #[error("traffic with {0:?} is blocked")]
    Blocked(PeerId),
    /// Too many outbound messages in flight to that peer; this one was dropped.
    #[error("too many messages in flight to {0:?}")]
    Congested(PeerId),
    /// The remote is not the pinned peer, or the TLS handshake failed.
    #[error("handshake failed: {0}")]
    Handshake(String),
    /// The connection or stream failed.
    #[error("connection error: {0}")]
    Connection(String),
    /// The response exceeded the size limit.
    #[error("response exceeds {0} bytes")]
    ResponseTooLarge(usize),
    /// No response before the timeout.
    #[error("request timed out")]
    Timeout,
    /// The endpoint could not be set up.
    #[error("endpoint setup: {0}")]
    Setup(String),
}

/// Moves bytes between this node and its peers.
pub trait Transport: Send + Sync + 'static {
    /// How peers are addressed for dialing.
    type Address: Clone + Send + Sync + std::fmt::Debug + 'static;

    /// This node's identity.
    fn local_peer_id(&self) -> PeerId;

    /// Connects to `peer` at `addr`; fails unless the remote proves it is `peer`.
    fn dial(
        &self,
        addr: Self::Address,
        peer: PeerId,
    ) -> impl Future<Output = Result<(), TransportError>> + Send;

    /// Queues a gossip message for `peer` (fire and forget).
    fn send_gossip(&self, peer: PeerId, bytes: Vec<u8>) -> Result<(), TransportError>;

    /// Sends a request stream and returns the whole response stream.
    fn request(
        &self,
        peer: PeerId,
        bytes: Vec<u8>,
    ) -> impl Future<Output = Result<Vec<u8>, TransportError>> + Send;

    /// Closes the connection with `peer`.
    fn disconnect(&self, peer: PeerId);

    /// The partition switch: while `blocked`, all traffic with `peer` is dropped in both
    /// directions and connections with it are closed and refused.
    fn set_blocked(&self, peer: PeerId, blocked: bool);

    /// The peers currently connected.
    fn connected_peers(&self) -> Vec<PeerId>;
}
