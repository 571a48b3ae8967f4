//! shardnet testnets: what a whole local network is made of, the processes or containers that
//! run it, and the tools that drive and measure it from outside (a typed client of the node's
//! HTTP API, load generation, the throughput sweep).
//!
//! Everything here talks to nodes the way a user does: through their data directories,
//! processes and HTTP APIs, never through a node's memory.

pub mod bench;
pub mod client;
pub mod docker;
pub mod layout;
pub mod load;
pub mod process;
pub mod spec;
pub mod staking;
pub mod state;
pub mod status;

pub use client::{ClientError, NodeClient};
pub use spec::TestnetSpec;
pub use state::{Backend, NodeState, TestnetState};
