//! Fork choice: LMD-GHOST with FFG filtering (`specs/phase0/fork-choice.md`, with the phase 1
//! `update_latest_messages`) on a proto-array.
//!
//! - [`proto_array`]: blocks, weights and best descendants (`filter_block_tree`, `get_head`).
//! - [`votes`]: latest messages and weight deltas; equivocators are dropped.
//! - [`store`]: the spec's `Store` and its handlers.
//! - [`shard`]: the phase 1 shard fork choice, per shard, over the beacon store's shard votes.

pub mod error;
pub mod proto_array;
pub mod shard;
pub mod store;
pub mod votes;

#[cfg(test)]
mod naive;
#[cfg(test)]
mod proto_array_tests;
#[cfg(test)]
mod store_tests;

pub use error::{ForkChoiceError, InvalidAttestation};
pub use proto_array::{ProtoArray, ProtoNode};
pub use store::{ForkChoiceStore, PostStateCheckpoints, ShardLatestMessage};
pub use votes::{LatestMessage, Recount, Votes, compute_deltas};
