//! The redb engine: one database file, one redb table per store table, every write transaction
//! committed with immediate durability (fsync before `commit` returns).

use std::ops::Bound;
use std::path::{Path, PathBuf};

use redb::{
    Database, Durability, ReadableDatabase, ReadableTable, TableDefinition, TableError,
    WriteTransaction,
};

use super::{Entry, KvRead, KvWrite};
use crate::StoreError;

/// The definition of table `name`: byte keys to byte values.
fn definition(name: &str) -> TableDefinition<'_, &'static [u8], &'static [u8]> {
    TableDefinition::new(name)
}

/// A redb database file.
pub(crate) struct RedbEngine {
    db: Database,
    path: PathBuf,
}

impl RedbEngine {
    /// Opens the database at `path`, creating the file if it does not exist.
    pub(crate) fn open(path: &Path) -> Result<Self, StoreError> {
        let db = Database::create(path).map_err(StoreError::db)?;
        Ok(Self {
            db,
            path: path.to_path_buf(),
        })
    }

    /// The database file's path.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// Runs `f` on a read transaction (a consistent snapshot).
    pub(crate) fn read<T, E: From<StoreError>>(
        &self,
        f: impl FnOnce(&dyn KvRead) -> Result<T, E>,
    ) -> Result<T, E> {
        let txn = self.db.begin_read().map_err(StoreError::db)?;
        f(&ReadTxn { txn })
    }

    /// Runs `f` in a write transaction: committed durably on `Ok`, aborted on `Err`.
    pub(crate) fn write<T, E: From<StoreError>>(
        &self,
        f: impl FnOnce(&mut dyn KvWrite) -> Result<T, E>,
    ) -> Result<T, E> {
        let mut txn = self.db.begin_write().map_err(StoreError::db)?;
        txn.set_durability(Durability::Immediate)
            .map_err(StoreError::db)?;
        let mut write = WriteTxn { txn };
        match f(&mut write) {
            Ok(value) => {
                write.txn.commit().map_err(StoreError::db)?;
                Ok(value)
            }
            Err(error) => {
                write.txn.abort().map_err(StoreError::db)?;
                Err(error)
            }
        }
    }
}

/// Collects the entries of an open table in `[start, end)`.
fn collect_range(
    table: &impl ReadableTable<&'static [u8], &'static [u8]>,
    start: &[u8],
    end: Option<&[u8]>,
) -> Result<Vec<Entry>, StoreError> {
    if end.is_some_and(|end| end <= start) {
        return Ok(Vec::new());
    }
    let upper = end.map_or(Bound::Unbounded, Bound::Excluded);
    let range = table
        .range::<&[u8]>((Bound::Included(start), upper))
        .map_err(StoreError::db)?;
    range
        .map(|entry| {
            let (key, value) = entry.map_err(StoreError::db)?;
            Ok((key.value().to_vec(), value.value().to_vec()))
        })
        .collect()
}

/// A table opened for reading.
type BytesTable = redb::ReadOnlyTable<&'static [u8], &'static [u8]>;

/// A read transaction. Tables never written do not exist yet and read as empty.
struct ReadTxn {
    txn: redb::ReadTransaction,
}

impl ReadTxn {
    /// Opens `table`, or `None` when it was never created.
    fn table(&self, table: &'static str) -> Result<Option<BytesTable>, StoreError> {
        match self.txn.open_table(definition(table)) {
            Ok(table) => Ok(Some(table)),
            Err(TableError::TableDoesNotExist(_)) => Ok(None),
            Err(error) => Err(StoreError::db(error)),
        }
    }
}

impl KvRead for ReadTxn {
    fn get(&self, table: &'static str, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        let Some(table) = self.table(table)? else {
            return Ok(None);
        };
        let value = table.get(key).map_err(StoreError::db)?;
        Ok(value.map(|value| value.value().to_vec()))
    }

    fn range(
        &self,
        table: &'static str,
        start: &[u8],
        end: Option<&[u8]>,
    ) -> Result<Vec<Entry>, StoreError> {
        let Some(table) = self.table(table)? else {
            return Ok(Vec::new());
        };
        collect_range(&table, start, end)
    }
}

/// A write transaction; tables are created on first use.
struct WriteTxn {
    txn: WriteTransaction,
}

impl KvRead for WriteTxn {
    fn get(&self, table: &'static str, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        let table = self
            .txn
            .open_table(definition(table))
            .map_err(StoreError::db)?;
        let value = table.get(key).map_err(StoreError::db)?;
        Ok(value.map(|value| value.value().to_vec()))
    }

    fn range(
        &self,
        table: &'static str,
        start: &[u8],
        end: Option<&[u8]>,
    ) -> Result<Vec<Entry>, StoreError> {
        let table = self
            .txn
            .open_table(definition(table))
            .map_err(StoreError::db)?;
        collect_range(&table, start, end)
    }
}

impl KvWrite for WriteTxn {
    fn put(&mut self, table: &'static str, key: &[u8], value: &[u8]) -> Result<(), StoreError> {
        let mut table = self
            .txn
            .open_table(definition(table))
            .map_err(StoreError::db)?;
        table.insert(key, value).map_err(StoreError::db)?;
        Ok(())
    }

    fn delete(&mut self, table: &'static str, key: &[u8]) -> Result<(), StoreError> {
        let mut table = self
            .txn
            .open_table(definition(table))
            .map_err(StoreError::db)?;
        table.remove(key).map_err(StoreError::db)?;
        Ok(())
    }
}
