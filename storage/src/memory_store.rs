//! `MemoryStore`: the store in memory, for tests and the deterministic simulation.

use std::sync::Arc;

use crate::StoreError;
use crate::batch::StoreBatch;
use crate::column::Column;
use crate::engine::{Engine, MemoryEngine};
use crate::slashing_protection::SlashingDatabase;
use crate::store::{KeyValue, Store};

/// A [`Store`] held in memory, with the same transactions as [`RedbStore`](crate::RedbStore):
/// a batch that fails leaves nothing behind. Clones share the same data.
#[derive(Clone)]
pub struct MemoryStore {
    engine: Engine,
}

impl Default for MemoryStore {
    fn default() -> Self {
        Self::new()
    }
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self {
            engine: Engine::Memory(Arc::new(MemoryEngine::default())),
        }
    }

    /// The engine, for tests that drive transactions directly.
    #[cfg(test)]
    pub(crate) fn engine_for_tests(&self) -> &Engine {
        &self.engine
    }

    /// Slashing protection kept in the same memory.
    pub fn slashing_protection(&self) -> SlashingDatabase {
        SlashingDatabase::from_engine(self.engine.clone())
    }
}

impl Store for MemoryStore {
    fn get_bytes(&self, column: Column, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        self.engine.read(|txn| txn.get(column.name(), key))
    }

    fn range_bytes(
        &self,
        column: Column,
        start: &[u8],
        end: Option<&[u8]>,
    ) -> Result<Vec<KeyValue>, StoreError> {
        self.engine.read(|txn| txn.range(column.name(), start, end))
    }

    fn write(&self, batch: StoreBatch) -> Result<(), StoreError> {
        batch.write_to(&self.engine)
    }

    fn size_on_disk(&self) -> Result<u64, StoreError> {
        self.engine.read(|txn| {
            let mut total = 0u64;
            for column in Column::ALL {
                for (key, value) in txn.range(column.name(), &[], None)? {
                    let len =
                        u64::try_from(key.len().saturating_add(value.len())).unwrap_or(u64::MAX);
                    total = total.saturating_add(len);
                }
            }
            Ok(total)
        })
    }
}
