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

pub mod api;
pub mod clock;
pub mod config;
pub mod datadir;
pub mod http;
pub mod metrics;
pub mod rpc;
