//! shardnet networking: transports that move bytes between nodes, the framing of those bytes,
//! and sans-IO engines (gossip, peer scoring) that decide what to send.
//!
//! The crate knows SSZ bytes and the containers of `primitives`, nothing of consensus rules:
//! whether a gossip message is valid is asked of the node through
//! [`gossip::GossipAction::Deliver`] and answered with a [`gossip::Verdict`].
//!
//! Layout:
//! - [`peer_id`]: a node's identity, the SHA-256 of its TLS public key.
//! - [`bootnode`]: `PEER_ID@IP:PORT` entries, the pinned peers a node dials.
//! - [`framing`]: length-prefixed snappy frames with hard size limits.
//! - [`topic`]: gossip topic names (`/eth2/{fork_digest}/{name}/ssz_snappy`).
//! - [`wire`]: the gossip control and publish messages carried on streams.
//! - [`seen_cache`]: duplicate suppression with time-based expiry.
//! - [`peer_score`]: peer scores, decay, disconnect and ban.
//! - [`gossip`]: the flood-publish gossip engine.
//! - [`rpc`]: request/response protocols, their SSZ payloads and chunked responses.
//! - [`transport`]: the `Transport` trait with QUIC and in-memory implementations.
//!
//! A node drives it with one loop: [`TransportEvent`]s go into the [`GossipEngine`]
//! (`on_peer_connected`, `on_message`, `on_fault`, ...) or, for requests, through
//! [`rpc::Request::decode`] to the node's handlers; the engine's [`GossipAction`]s go back to the
//! transport (`send_gossip`, `disconnect`) or to validation, whose [`Verdict`] returns through
//! `on_verdict`. Failures that are the peer's fault (`is_bad_data()`) are charged with
//! `on_fault`, so every kind of misbehaviour lands in the same [`PeerManager`].
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

pub mod bootnode;
pub mod framing;
pub mod gossip;
pub mod peer_id;
pub mod peer_score;
pub mod rpc;
pub mod seen_cache;
pub mod topic;
pub mod transport;
pub mod wire;

pub use bootnode::Bootnode;
pub use framing::{FrameLimits, FramingError};
pub use gossip::{GossipAction, GossipConfig, GossipEngine, MessageId, Verdict};
pub use peer_id::PeerId;
pub use peer_score::{Misbehaviour, PeerManager, ScoreConfig};
pub use rpc::{Protocol, Request, Response, ResponseCode};
pub use topic::{GossipTopic, Topic};
pub use transport::{Transport, TransportEvent};
