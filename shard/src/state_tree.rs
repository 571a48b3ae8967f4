//! The incremental Merkle tree that commits a shard's account list.
//!
//! The tree is shaped as the SSZ `hash_tree_root` of a `List[T, 2**32]`: leaves are the element
//! roots in list order, empty subtrees hash to the SSZ zero hashes, and the length is mixed in
//! at the top. Every level keeps only the nodes over existing leaves (about `2n` hashes in
//! all), so updating or appending leaves recomputes just their paths: a batch of `k` leaf
//! writes costs at most `k * 32` hashes, shared where paths meet, whatever the list's length.

use alloy_primitives::B256;
use ethereum_hashing::{ZERO_HASHES, hash32_concat};

/// Depth of the account tree: the list limit is `2**32` accounts.
pub const ACCOUNT_TREE_DEPTH: usize = 32;

/// The number of leaves the tree can hold.
pub const ACCOUNT_TREE_CAPACITY: u64 = 1 << ACCOUNT_TREE_DEPTH;

/// Why a tree update is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum StateTreeError {
    /// A write to an index past the end of the list (appends must be contiguous).
    #[error("leaf index {index} is past the list length {len}")]
    IndexPastEnd {
        /// The index written.
        index: u64,
        /// The list length at the time of the write.
        len: u64,
    },
    /// The list already holds `2**32` leaves.
    #[error("the account list is full ({ACCOUNT_TREE_CAPACITY} accounts)")]
    Full,
}

impl StateTreeError {
    /// A refused tree update is a fault of the caller, never of a peer's data.
    pub fn is_bad_data(&self) -> bool {
        false
    }
}

/// An SSZ list Merkle tree of depth [`ACCOUNT_TREE_DEPTH`] with cheap leaf updates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateTree {
    /// `layers[0]` holds the leaves, `layers[ACCOUNT_TREE_DEPTH]` at most the single top node
    /// (before the length mix-in). Nodes over empty subtrees are not stored.
    layers: Vec<Vec<B256>>,
}

impl Default for StateTree {
    fn default() -> Self {
        Self::new()
    }
}

impl StateTree {
    /// An empty list.
    pub fn new() -> Self {
        Self {
            layers: vec![Vec::new(); ACCOUNT_TREE_DEPTH.saturating_add(1)],
        }
    }

    /// The number of leaves.
    pub fn len(&self) -> u64 {
        self.layers.first().map_or(0, |leaves| leaves.len() as u64)
    }

    /// Whether the list is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The leaf at `index`.
    pub fn leaf(&self, index: u64) -> Option<B256> {
        let index = usize::try_from(index).ok()?;
        self.layers.first()?.get(index).copied()
    }

    /// Writes leaves in order (an index equal to the current length appends), then recomputes
    /// the paths of the written leaves once each. On error nothing is changed.
    pub fn update(&mut self, writes: &[(u64, B256)]) -> Result<(), StateTreeError> {
        let mut len = self.len();
        for (index, _) in writes {
            if *index > len {
                return Err(StateTreeError::IndexPastEnd { index: *index, len });
            }
            if *index == len {
                if len >= ACCOUNT_TREE_CAPACITY {
                    return Err(StateTreeError::Full);
                }
                len = len.saturating_add(1);
            }
        }
        let mut dirty: Vec<usize> = Vec::with_capacity(writes.len());
        if let Some(leaves) = self.layers.first_mut() {
            for (index, leaf) in writes {
                // Checked above: every index is at most the length at its turn and fits.
                let index = usize::try_from(*index).map_err(|_| StateTreeError::Full)?;
                write_node(leaves, index, *leaf);
                dirty.push(index);
            }
        }
        dirty.sort_unstable();
        dirty.dedup();
        for level in 0..ACCOUNT_TREE_DEPTH {
            let zero = zero_hash(level);
            let mut parents: Vec<usize> = dirty.iter().map(|index| index >> 1).collect();
            parents.dedup();
            let (lower, upper) = self.layers.split_at_mut(level.saturating_add(1));
            let (Some(children), Some(nodes)) = (lower.last(), upper.first_mut()) else {
                break;
            };
            for parent in &parents {
                let left_index = parent << 1;
                let left = children.get(left_index).copied().unwrap_or(zero);
                let right = children.get(left_index | 1).copied().unwrap_or(zero);
                write_node(nodes, *parent, B256::from(hash32_concat(&left.0, &right.0)));
            }
            dirty = parents;
        }
        Ok(())
    }

    /// `hash_tree_root` of the list: the top node with the length mixed in.
    pub fn root(&self) -> B256 {
        let top = self
            .layers
            .get(ACCOUNT_TREE_DEPTH)
            .and_then(|layer| layer.first().copied())
            .unwrap_or_else(|| zero_hash(ACCOUNT_TREE_DEPTH));
        B256::from(hash32_concat(&top.0, &length_chunk(self.len()).0))
    }

    /// The Merkle branch of leaf `index`: its [`ACCOUNT_TREE_DEPTH`] siblings from the bottom,
    /// then the length chunk, for [`is_valid_merkle_branch`] at depth `ACCOUNT_TREE_DEPTH + 1`.
    pub fn branch(&self, index: u64) -> Option<Vec<B256>> {
        if index >= self.len() {
            return None;
        }
        let mut position = usize::try_from(index).ok()?;
        let mut branch = Vec::with_capacity(ACCOUNT_TREE_DEPTH.saturating_add(1));
        for (level, nodes) in self.layers.iter().take(ACCOUNT_TREE_DEPTH).enumerate() {
            let sibling = nodes.get(position ^ 1).copied();
            branch.push(sibling.unwrap_or_else(|| zero_hash(level)));
            position >>= 1;
        }
        branch.push(length_chunk(self.len()));
        Some(branch)
    }
}

/// `is_valid_merkle_branch` of the phase 0 spec: whether `leaf` sits at `index` under `root`
/// given the sibling `branch` (bottom first) of a tree of `depth` levels.
pub fn is_valid_merkle_branch(
    leaf: B256,
    branch: &[B256],
    depth: usize,
    index: u64,
    root: B256,
) -> bool {
    if branch.len() != depth {
        return false;
    }
    let mut value = leaf;
    for (level, sibling) in branch.iter().enumerate() {
        let bit = u32::try_from(level)
            .ok()
            .and_then(|shift| index.checked_shr(shift))
            .is_some_and(|shifted| shifted & 1 == 1);
        value = if bit {
            B256::from(hash32_concat(&sibling.0, &value.0))
        } else {
            B256::from(hash32_concat(&value.0, &sibling.0))
        };
    }
    value == root
}

/// The root of an empty subtree of `level` levels (32 zero bytes at level 0).
fn zero_hash(level: usize) -> B256 {
    // ZERO_HASHES covers 48 levels; the tree uses at most ACCOUNT_TREE_DEPTH of them.
    ZERO_HASHES
        .get(level)
        .map(|hash| B256::from(*hash))
        .unwrap_or_default()
}

/// The SSZ length chunk: the length as a little-endian `uint256`.
fn length_chunk(len: u64) -> B256 {
    let mut chunk = B256::ZERO;
    if let Some(prefix) = chunk.0.get_mut(..8) {
        prefix.copy_from_slice(&len.to_le_bytes());
    }
    chunk
}

/// Sets `nodes[index]`, appending when `index == nodes.len()` (the only gap callers make).
fn write_node(nodes: &mut Vec<B256>, index: usize, value: B256) {
    match nodes.get_mut(index) {
        Some(node) => *node = value,
        None => nodes.push(value),
    }
}

#[cfg(test)]
mod tests {
    use tree_hash::TreeHash;

    use super::*;

    fn leaf(i: u8) -> B256 {
        B256::repeat_byte(i)
    }

    #[test]
    fn matches_ssz_list_of_roots() {
        type Roots = ssz_types::VariableList<B256, typenum::U4294967296>;
        let mut tree = StateTree::new();
        let mut leaves = Vec::new();
        for i in 0..9u8 {
            tree.update(&[(u64::from(i), leaf(i))]).unwrap();
            leaves.push(leaf(i));
            assert_eq!(
                tree.root(),
                Roots::new(leaves.clone()).unwrap().tree_hash_root()
            );
        }
        tree.update(&[(3, leaf(30)), (8, leaf(80)), (3, leaf(31))])
            .unwrap();
        leaves[3] = leaf(31);
        leaves[8] = leaf(80);
        assert_eq!(tree.root(), Roots::new(leaves).unwrap().tree_hash_root());
    }

    #[test]
    fn a_gap_is_refused_and_changes_nothing() {
        let mut tree = StateTree::new();
        tree.update(&[(0, leaf(1))]).unwrap();
        let before = tree.clone();
        assert_eq!(
            tree.update(&[(0, leaf(2)), (2, leaf(3))]),
            Err(StateTreeError::IndexPastEnd { index: 2, len: 1 })
        );
        assert_eq!(tree, before);
    }

    #[test]
    fn branches_verify_at_depth_plus_one() {
        let mut tree = StateTree::new();
        let writes: Vec<_> = (0..5u8).map(|i| (u64::from(i), leaf(i + 1))).collect();
        tree.update(&writes).unwrap();
        let root = tree.root();
        for (index, value) in writes {
            let branch = tree.branch(index).unwrap();
            assert!(is_valid_merkle_branch(
                value,
                &branch,
                ACCOUNT_TREE_DEPTH + 1,
                index,
                root
            ));
            assert!(!is_valid_merkle_branch(
                leaf(0xaa),
                &branch,
                ACCOUNT_TREE_DEPTH + 1,
                index,
                root
            ));
        }
        assert!(tree.branch(5).is_none());
    }
}
