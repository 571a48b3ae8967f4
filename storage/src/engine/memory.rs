//! The in-memory engine: one ordered map per table behind a lock, with an undo log that rolls a
//! failed (or panicking) write transaction back before the lock is released.

use std::collections::{BTreeMap, HashMap};
use std::ops::Bound;
use std::sync::{PoisonError, RwLock};

use super::{Entry, KvRead, KvWrite};
use crate::StoreError;

/// The tables, by name.
type Tables = HashMap<&'static str, BTreeMap<Vec<u8>, Vec<u8>>>;

/// Tables held in memory; dropped with the process.
#[derive(Default)]
pub(crate) struct MemoryEngine {
    tables: RwLock<Tables>,
}

impl MemoryEngine {
    /// Runs `f` under the read lock.
    pub(crate) fn read<T, E: From<StoreError>>(
        &self,
        f: impl FnOnce(&dyn KvRead) -> Result<T, E>,
    ) -> Result<T, E> {
        // A panic inside a write transaction rolled its changes back before the lock was released
        // (see `WriteTxn::drop`), so a poisoned lock still guards consistent tables.
        let tables = self.tables.read().unwrap_or_else(PoisonError::into_inner);
        f(&ReadView { tables: &tables })
    }

    /// Runs `f` under the write lock; undoes its changes unless it returns `Ok`.
    pub(crate) fn write<T, E: From<StoreError>>(
        &self,
        f: impl FnOnce(&mut dyn KvWrite) -> Result<T, E>,
    ) -> Result<T, E> {
        let mut tables = self.tables.write().unwrap_or_else(PoisonError::into_inner);
        let mut txn = WriteTxn {
            tables: &mut tables,
            undo: Vec::new(),
        };
        let result = f(&mut txn);
        if result.is_ok() {
            txn.undo.clear();
        }
        // Dropping `txn` replays the undo log, if any is left.
        drop(txn);
        result
    }
}

/// Entries of `map` in `[start, end)`.
fn range_of(
    map: Option<&BTreeMap<Vec<u8>, Vec<u8>>>,
    start: &[u8],
    end: Option<&[u8]>,
) -> Vec<Entry> {
    let Some(map) = map else { return Vec::new() };
    if end.is_some_and(|end| end <= start) {
        return Vec::new();
    }
    let upper = end.map_or(Bound::Unbounded, |end| Bound::Excluded(end.to_vec()));
    map.range((Bound::Included(start.to_vec()), upper))
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect()
}

/// A read snapshot: the read lock is held while it lives.
struct ReadView<'a> {
    tables: &'a Tables,
}

impl KvRead for ReadView<'_> {
    fn get(&self, table: &'static str, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self.tables.get(table).and_then(|map| map.get(key)).cloned())
    }

    fn range(
        &self,
        table: &'static str,
        start: &[u8],
        end: Option<&[u8]>,
    ) -> Result<Vec<Entry>, StoreError> {
        Ok(range_of(self.tables.get(table), start, end))
    }
}

/// How to undo one change: table, key and previous value.
type Undo = (&'static str, Vec<u8>, Option<Vec<u8>>);

/// A write transaction: changes go straight to the maps, each recording how to undo it.
struct WriteTxn<'a> {
    tables: &'a mut Tables,
    /// Table, key and previous value, in the order of the changes.
    undo: Vec<Undo>,
}

impl Drop for WriteTxn<'_> {
    fn drop(&mut self) {
        while let Some((table, key, previous)) = self.undo.pop() {
            let map = self.tables.entry(table).or_default();
            match previous {
                Some(value) => map.insert(key, value),
                None => map.remove(&key),
            };
        }
    }
}

impl KvRead for WriteTxn<'_> {
    fn get(&self, table: &'static str, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self.tables.get(table).and_then(|map| map.get(key)).cloned())
    }

    fn range(
        &self,
        table: &'static str,
        start: &[u8],
        end: Option<&[u8]>,
    ) -> Result<Vec<Entry>, StoreError> {
        Ok(range_of(self.tables.get(table), start, end))
    }
}

impl KvWrite for WriteTxn<'_> {
    fn put(&mut self, table: &'static str, key: &[u8], value: &[u8]) -> Result<(), StoreError> {
        let previous = self
            .tables
            .entry(table)
            .or_default()
            .insert(key.to_vec(), value.to_vec());
        self.undo.push((table, key.to_vec(), previous));
        Ok(())
    }

    fn delete(&mut self, table: &'static str, key: &[u8]) -> Result<(), StoreError> {
        if let Some(previous) = self.tables.get_mut(table).and_then(|map| map.remove(key)) {
            self.undo.push((table, key.to_vec(), Some(previous)));
        }
        Ok(())
    }
}
