//! `RedbStore`: the store in one redb database file.

use std::path::Path;
use std::sync::Arc;

use crate::StoreError;
use crate::batch::StoreBatch;
use crate::column::Column;
use crate::engine::{Engine, RedbEngine};
use crate::slashing_protection::SlashingDatabase;
use crate::store::{KeyValue, Store};

/// A [`Store`] in one redb database file. Every batch is one write transaction committed with
/// immediate durability, so a process killed at any instant reopens with each batch either
/// wholly present or absent. Clones share the open database.
#[derive(Clone)]
pub struct RedbStore {
    engine: Engine,
    redb: Arc<RedbEngine>,
}

impl RedbStore {
    /// Opens the database file at `path`, creating it when absent. A file another process holds
    /// open is refused.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, StoreError> {
        let redb = Arc::new(RedbEngine::open(path.as_ref())?);
        Ok(Self {
            engine: Engine::Redb(Arc::clone(&redb)),
            redb,
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        self.redb.path()
    }

    /// Slashing protection kept in the same database file (its own tables).
    pub fn slashing_protection(&self) -> SlashingDatabase {
        SlashingDatabase::from_engine(self.engine.clone())
    }
}

impl Store for RedbStore {
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
        Ok(std::fs::metadata(self.path())?.len())
    }
}
