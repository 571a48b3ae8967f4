//! The spent-receipt set of a destination shard: the keys of the cross-shard receipts it has
//! credited, so that each is credited once.
//!
//! The keys ([`crate::payload::receipt_key`]) are kept in claim order as the SSZ list
//! `List[Root, 2**32]`, whose root the execution state root commits to, with the same
//! incremental tree as the accounts ([`crate::state_tree`]): a block's claims cost their own
//! paths, not a pass over every receipt ever claimed. A hash set answers "already spent?".

use std::collections::HashSet;

use alloy_primitives::B256;

use crate::state_tree::{StateTree, StateTreeError};

/// The receipts a shard has credited, as an ordered list of keys and a set.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SpentReceipts {
    keys: HashSet<B256>,
    tree: StateTree,
}

impl SpentReceipts {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether the receipt of `key` was credited.
    pub fn contains(&self, key: &B256) -> bool {
        self.keys.contains(key)
    }

    /// The number of receipts credited.
    pub fn len(&self) -> u64 {
        self.tree.len()
    }

    /// Whether no receipt was credited.
    pub fn is_empty(&self) -> bool {
        self.tree.is_empty()
    }

    /// `hash_tree_root(List[Root, 2**32])` of the keys in claim order.
    pub fn root(&self) -> B256 {
        self.tree.root()
    }

    /// The keys in claim order.
    pub fn keys(&self) -> Vec<B256> {
        (0..self.tree.len())
            .filter_map(|index| self.tree.leaf(index))
            .collect()
    }

    /// The Merkle branch of the `index`-th key against [`Self::root`] (the length chunk last).
    pub fn branch(&self, index: u64) -> Option<Vec<B256>> {
        self.tree.branch(index)
    }

    /// Appends `keys` in order. Keys already in the set are skipped (execution never passes
    /// any). On error nothing is changed.
    pub fn extend(&mut self, keys: &[B256]) -> Result<(), StateTreeError> {
        let mut len = self.tree.len();
        let mut added = HashSet::with_capacity(keys.len());
        let mut writes = Vec::with_capacity(keys.len());
        for key in keys {
            if self.keys.contains(key) || !added.insert(*key) {
                continue;
            }
            writes.push((len, *key));
            len = len.saturating_add(1);
        }
        self.tree.update(&writes)?;
        self.keys.extend(added);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use ssz_types::VariableList;
    use tree_hash::TreeHash;
    use typenum::U4294967296;

    use super::*;
    use crate::state_tree::{ACCOUNT_TREE_DEPTH, is_valid_merkle_branch};

    #[test]
    fn root_is_the_ssz_list_root_and_keys_are_unique() {
        type Keys = VariableList<B256, U4294967296>;
        let mut spent = SpentReceipts::new();
        assert_eq!(spent.root(), Keys::default().tree_hash_root());
        let keys: Vec<B256> = (1..=5u8).map(B256::repeat_byte).collect();
        spent.extend(&keys[..3]).unwrap();
        spent.extend(&[keys[1], keys[3], keys[3], keys[4]]).unwrap();
        assert_eq!(spent.len(), 5);
        assert!(keys.iter().all(|key| spent.contains(key)));
        assert!(!spent.contains(&B256::repeat_byte(9)));
        let root = Keys::new(keys.clone()).unwrap().tree_hash_root();
        assert_eq!(spent.root(), root);
        let branch = spent.branch(3).unwrap();
        assert!(is_valid_merkle_branch(
            keys[3],
            &branch,
            ACCOUNT_TREE_DEPTH + 1,
            3,
            root
        ));
    }
}
