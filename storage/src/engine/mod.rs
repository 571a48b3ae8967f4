//! The key-value engines under the store and slashing protection: redb on disk, a B-tree map in
//! memory, both offering the same transactions.
//!
//! Every table maps byte keys to byte values, ordered by key. A write runs a closure inside one
//! transaction: if the closure returns `Ok` the transaction commits (durably, for redb), if it
//! returns `Err` nothing it did is visible, in either engine. That is what makes a batch atomic
//! and a slashing check-and-insert indivisible.

mod memory;
mod redb_engine;

use std::sync::Arc;

pub(crate) use memory::MemoryEngine;
pub(crate) use redb_engine::RedbEngine;

use crate::StoreError;

pub(crate) use crate::store::KeyValue as Entry;

/// Reads inside a transaction.
pub(crate) trait KvRead {
    /// The value stored under `key` in `table`.
    fn get(&self, table: &'static str, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError>;

    /// The entries of `table` with `start <= key < end` (to the table's end without `end`), in
    /// key order.
    fn range(
        &self,
        table: &'static str,
        start: &[u8],
        end: Option<&[u8]>,
    ) -> Result<Vec<Entry>, StoreError>;
}

/// Reads and writes inside a write transaction.
pub(crate) trait KvWrite: KvRead {
    /// Stores `value` under `key`, replacing any previous value.
    fn put(&mut self, table: &'static str, key: &[u8], value: &[u8]) -> Result<(), StoreError>;

    /// Removes `key` (nothing happens when it is absent).
    fn delete(&mut self, table: &'static str, key: &[u8]) -> Result<(), StoreError>;
}

/// One of the two engines, shared by the block store and slashing protection of a node.
#[derive(Clone)]
pub(crate) enum Engine {
    /// In memory, for tests.
    Memory(Arc<MemoryEngine>),
    /// A redb database file.
    Redb(Arc<RedbEngine>),
}

impl Engine {
    /// Runs `f` on a consistent snapshot.
    pub(crate) fn read<T, E: From<StoreError>>(
        &self,
        f: impl FnOnce(&dyn KvRead) -> Result<T, E>,
    ) -> Result<T, E> {
        match self {
            Self::Memory(engine) => engine.read(f),
            Self::Redb(engine) => engine.read(f),
        }
    }

    /// Runs `f` in one write transaction, committed when `f` returns `Ok` and discarded when it
    /// returns `Err`.
    pub(crate) fn write<T, E: From<StoreError>>(
        &self,
        f: impl FnOnce(&mut dyn KvWrite) -> Result<T, E>,
    ) -> Result<T, E> {
        match self {
            Self::Memory(engine) => engine.write(f),
            Self::Redb(engine) => engine.write(f),
        }
    }
}
