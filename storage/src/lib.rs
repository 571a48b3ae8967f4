//! shardnet storage: what a node keeps on disk.
//!
//! - [`Store`]: beacon blocks and states, shard blocks and execution states, the fork-choice
//!   anchor, the head and genesis metadata, by root and by slot. [`RedbStore`] keeps them in one
//!   redb file per node, [`MemoryStore`] in memory; writes go through an atomic [`StoreBatch`].
//! - [`slashing_protection`]: the validator client's record of what it signed, checked and
//!   extended in one transaction before every signature, with EIP-3076 interchange import and
//!   export.
//!
//! The crate knows SSZ bytes and the types of `primitives`, nothing of consensus rules: what to
//! store, and when to prune, is the node's decision.

mod anchor;
mod batch;
mod column;
mod engine;
mod error;
mod memory_store;
pub mod metadata;
mod redb_store;
pub mod slashing_protection;
mod store;

#[cfg(test)]
mod tests;

pub use anchor::ForkChoiceAnchor;
pub use batch::{StoreBatch, StoreOp};
pub use column::{Column, MAX_METADATA_KEY_LEN};
pub use error::StoreError;
pub use memory_store::MemoryStore;
pub use redb_store::RedbStore;
pub use store::{KeyValue, PruneSummary, StateSummary, Store};
