//! The shardnet node: the beacon chain, the shard chains it tracks and an integrated validator
//! client, composed over the pure consensus crates with a clock, storage and APIs.
//!
//! - [`clock`]: wall time behind a trait (system and manual), and the slot arithmetic over it.
//! - [`config`]: the node's TOML configuration.
//! - [`datadir`]: the data directory: genesis, chain configuration, keystores, database.
//! - [`api`]: the Beacon API's identifiers, statuses and errors.
//! - [`http`]: the HTTP server: Beacon, Keymanager and shard APIs, JSON-RPC, metrics.
//! - [`rpc`]: the Ethereum JSON-RPC of a shard.
//! - [`metrics`]: the Prometheus metrics of a node.
//! - [`chain`]: the beacon chain service (block import, fork choice, pools, persistence).
//! - [`shards`]: the shard chains (execution, shard fork choice, mempool, receipts).
//! - [`validator`]: the validator client's duties, behind slashing protection.
//! - [`service`]: the chains together (finality, cross-shard receipt release).
//! - [`p2p`]: the node on a network: gossip, request/response, sync and peer scoring.
//! - [`runtime`]: the running [`Node`] and its [`NodeHandle`].

pub mod api;
pub mod chain;
pub mod clock;
pub mod config;
pub mod datadir;
pub mod http;
pub mod metrics;
pub mod p2p;
pub mod rpc;
pub mod runtime;
pub mod service;
pub mod shards;
pub mod validator;

pub use runtime::{
    ChainEvent, Node, NodeError, NodeHandle, NodeInputs, Phase, Progress, ShardBlockQuery,
    ShardBlockSummary, TransactionLocation,
};
