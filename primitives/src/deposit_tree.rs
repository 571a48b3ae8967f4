//! The deposit contract's incremental Merkle tree: its root after each deposit and each
//! deposit's proof, in `O(DEPOSIT_CONTRACT_TREE_DEPTH)` per deposit.
//!
//! Its root equals `hash_tree_root(List[DepositData, 2**DEPOSIT_CONTRACT_TREE_DEPTH](leaves))`,
//! which genesis needs after every deposit: recomputing that list root each time would be
//! quadratic in the number of deposits.

use ethereum_hashing::{ZERO_HASHES, hash32_concat};
use ssz_types::FixedVector;

use crate::types::{Bytes32, DEPOSIT_CONTRACT_TREE_DEPTH, DepositProofLength, Root};

/// The tree holds `2**DEPOSIT_CONTRACT_TREE_DEPTH - 1` deposits, the contract's
/// `MAX_DEPOSIT_COUNT`: one more would not fit ("merkle tree full").
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the deposit tree is full")]
pub struct DepositTreeFull;

/// `DEPOSIT_CONTRACT_TREE_DEPTH` as an array length.
const DEPTH: usize = DEPOSIT_CONTRACT_TREE_DEPTH as usize;

/// The deposit contract's tree: for each height, the root of the last complete left subtree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DepositTree {
    branch: [[u8; 32]; DEPTH],
    count: u64,
}

impl Default for DepositTree {
    fn default() -> Self {
        Self {
            branch: [[0; 32]; DEPTH],
            count: 0,
        }
    }
}

impl DepositTree {
    /// The number of deposits in the tree.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// Appends a deposit's leaf (`hash_tree_root(DepositData)`) and returns its proof against
    /// [`root`](Self::root) of the tree as it now stands: the path's siblings, then the
    /// length mixed in, as `process_deposit` checks it at depth `DEPOSIT_CONTRACT_TREE_DEPTH + 1`.
    pub fn push(
        &mut self,
        leaf: Root,
    ) -> Result<FixedVector<Bytes32, DepositProofLength>, DepositTreeFull> {
        let index = self.count;
        let count = index
            .checked_add(1)
            .filter(|c| *c < 1u64 << DEPOSIT_CONTRACT_TREE_DEPTH)
            .ok_or(DepositTreeFull)?;
        // The leaves after this one do not exist yet, so every right sibling is a zero
        // subtree; every left sibling is complete and held in `branch`.
        let mut proof = Vec::with_capacity(DEPTH.saturating_add(1));
        for (height, (left, zero)) in self.branch.iter().zip(ZERO_HASHES.iter()).enumerate() {
            let sibling = if (index >> height) & 1 == 1 {
                left
            } else {
                zero
            };
            proof.push(Bytes32::from(*sibling));
        }
        proof.push(length_node(count));

        self.count = count;
        let mut node: [u8; 32] = leaf.0;
        let mut size = count;
        for left in self.branch.iter_mut() {
            if size & 1 == 1 {
                *left = node;
                break;
            }
            node = hash32_concat(left, &node);
            size >>= 1;
        }
        FixedVector::new(proof).map_err(|_| DepositTreeFull)
    }

    /// The deposit root: the tree's root with the deposit count mixed in.
    pub fn root(&self) -> Root {
        let mut node = [0u8; 32];
        let mut size = self.count;
        for (left, zero) in self.branch.iter().zip(ZERO_HASHES.iter()) {
            node = if size & 1 == 1 {
                hash32_concat(left, &node)
            } else {
                hash32_concat(&node, zero)
            };
            size >>= 1;
        }
        Root::from(hash32_concat(&node, length_node(self.count).as_slice()))
    }
}

/// A list length as SSZ mixes it in: `uint256`, little-endian.
fn length_node(length: u64) -> Bytes32 {
    let mut bytes = [0u8; 32];
    for (out, byte) in bytes.iter_mut().zip(length.to_le_bytes()) {
        *out = byte;
    }
    Bytes32::from(bytes)
}
