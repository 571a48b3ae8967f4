//! Claims of cross-shard receipts: the proof a destination shard's payload carries, and the
//! trait through which execution has it checked against the beacon chain.
//!
//! A claim is a [`CrossShardReceiptProof`]: the receipt and the Merkle branches from it up to
//! a beacon block header. The container is defined here because it is part of the block body's
//! SSZ schema; checking it needs the beacon chain's view (which block roots are known), which
//! this crate does not have, so execution asks a [`ReceiptVerifier`]. The `crosslink` crate
//! implements it against a beacon state and documents the proof path level by level
//! (`crosslink::receipt_proof`). A payload without claims is executed with
//! [`NoReceiptVerifier`].

use alloy_primitives::B256;
use primitives::types::{BeaconBlockHeader, Slot};
use ssz_derive::{Decode, Encode};
use ssz_types::VariableList;
use ssz_types::typenum::U64;
use tree_hash::TreeHash;
use tree_hash_derive::TreeHash;

use crate::payload::CrossShardReceipt;

/// The longest Merkle branch a proof level may carry: more than any preset needs (the deepest
/// level, a `ByteList[2**20]` with its length, takes 16 siblings).
pub type MaxBranchLength = U64;
/// A Merkle branch, siblings from the bottom up.
pub type MerkleBranch = VariableList<B256, MaxBranchLength>;

/// `CrossShardReceiptProof` (shardnet): a receipt emitted by a crosslinked shard block, with
/// the branches that lead from it to a beacon block.
///
/// The levels, bottom up (see `crosslink::receipt_proof` for their depths and indices):
/// `receipt` in `cross_shard_receipts` (at `receipt.index`), `cross_shard_receipts_root` as
/// chunk 2 of the shard block body, the body root in `ShardTransition.shard_data_roots` (at
/// `shard_block_index`), the transition in `BeaconBlockBody.shard_transitions` (at
/// `receipt.source_shard`), the body root in `beacon_block_header`, whose root is the beacon
/// block root, and, for an old block, that root in a `HistoricalBatch`. The positions come from the receipt itself wherever it names them, so a
/// proof cannot move a receipt to another shard or index.
#[derive(Encode, Decode, TreeHash, Clone, Debug, Default, PartialEq, Eq)]
pub struct CrossShardReceiptProof {
    /// The receipt claimed.
    pub receipt: CrossShardReceipt,
    /// Siblings from the receipt to `cross_shard_receipts_root` (the length chunk last).
    pub receipts_branch: MerkleBranch,
    /// Siblings from chunk 2 of the shard block body to the body's root (the length last).
    pub payload_branch: MerkleBranch,
    /// The shard block's position in `ShardTransition.shard_data_roots`.
    pub shard_block_index: u64,
    /// Siblings from `shard_data_roots[shard_block_index]` to the `ShardTransition` root.
    pub transition_branch: MerkleBranch,
    /// Siblings from `shard_transitions[source_shard]` to the `BeaconBlockBody` root.
    pub beacon_body_branch: MerkleBranch,
    /// The beacon block, its body replaced by the body root (the same root as the block).
    pub beacon_block_header: BeaconBlockHeader,
    /// Empty when the beacon block is recent enough for `BeaconState.block_roots`; otherwise
    /// the siblings from its root, as `block_roots[slot % SLOTS_PER_HISTORICAL_ROOT]` of a
    /// `HistoricalBatch`, to that batch's root in `BeaconState.historical_roots`.
    pub historical_branch: MerkleBranch,
}

impl CrossShardReceiptProof {
    /// The key of the claimed receipt in the spent-receipt set (see [`receipt_key`]).
    pub fn key(&self) -> B256 {
        receipt_key(&self.receipt)
    }

    /// The slot of the beacon block the proof ends at.
    pub fn beacon_slot(&self) -> Slot {
        self.beacon_block_header.slot
    }
}

/// The key under which a claimed receipt is recorded as spent: `hash_tree_root(receipt)`.
///
/// A receipt names its source shard, its position and the hash of its transaction, which no
/// other transaction shares (the hash covers the nonce and the shard's chain id), so two
/// receipts share a key only if they are the same receipt, whichever beacon block proves it.
pub fn receipt_key(receipt: &CrossShardReceipt) -> B256 {
    receipt.tree_hash_root()
}

/// A level of a [`CrossShardReceiptProof`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProofLevel {
    /// The receipt in the payload's `cross_shard_receipts`.
    Receipts,
    /// `cross_shard_receipts_root` in the shard block body.
    Payload,
    /// The body root in the `ShardTransition`.
    ShardTransition,
    /// The `ShardTransition` in the `BeaconBlockBody`.
    BeaconBlockBody,
    /// An old beacon block's root in its `HistoricalBatch`.
    HistoricalBatch,
}

impl std::fmt::Display for ProofLevel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Receipts => "cross-shard receipts",
            Self::Payload => "shard block body",
            Self::ShardTransition => "shard transition",
            Self::BeaconBlockBody => "beacon block body",
            Self::HistoricalBatch => "historical batch",
        })
    }
}

/// Why a receipt proof does not prove its receipt.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReceiptProofInvalid {
    /// The payload was executed without a verifier, so no claim can be checked.
    #[error("no receipt verifier: claims cannot be checked")]
    NoVerifier,
    /// A branch does not have the depth of its level.
    #[error("{level} branch of {len} siblings, expected {expected}")]
    BranchLength {
        /// The level.
        level: ProofLevel,
        /// The branch's length.
        len: usize,
        /// The level's depth.
        expected: usize,
    },
    /// A position is past its list or vector.
    #[error("{level} position {index} is not below {limit}")]
    IndexOutOfRange {
        /// The level whose position it is.
        level: ProofLevel,
        /// The position.
        index: u64,
        /// The list limit or vector length.
        limit: u64,
    },
    /// The branches lead to another beacon block body than the header's: a level was altered.
    #[error("the branches give beacon block body root {computed}, the header holds {header}")]
    BeaconBodyRootMismatch {
        /// `beacon_block_header.body_root`.
        header: B256,
        /// The root the branches compute.
        computed: B256,
    },
    /// The beacon block is not one the verifier's beacon state holds at its slot (in
    /// `block_roots`, or through `historical_branch` in `historical_roots`).
    #[error("beacon block {root} at slot {slot} is not a known block")]
    UnknownBlockRoot {
        /// The header's slot.
        slot: Slot,
        /// The header's root.
        root: B256,
    },
}

impl ReceiptProofInvalid {
    /// Whether the proof (so whoever proposed it) is at fault. A missing verifier is the
    /// caller's fault; an unknown block root may be a block the local beacon state has not
    /// reached yet.
    pub fn is_bad_data(&self) -> bool {
        !matches!(self, Self::NoVerifier | Self::UnknownBlockRoot { .. })
    }
}

/// Checks receipt proofs against the beacon chain. Execution calls it once per claim.
pub trait ReceiptVerifier {
    /// Whether `proof` proves its receipt against a beacon block this verifier knows, in which
    /// the receipt's source shard block was crosslinked.
    fn verify_receipt_proof(
        &self,
        proof: &CrossShardReceiptProof,
    ) -> Result<(), ReceiptProofInvalid>;
}

/// The verifier of payloads without claims: it refuses every proof.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NoReceiptVerifier;

impl ReceiptVerifier for NoReceiptVerifier {
    fn verify_receipt_proof(
        &self,
        _proof: &CrossShardReceiptProof,
    ) -> Result<(), ReceiptProofInvalid> {
        Err(ReceiptProofInvalid::NoVerifier)
    }
}

#[cfg(test)]
mod tests {
    use ssz::{Decode, Encode};

    use super::*;

    #[test]
    fn ssz_round_trip_and_key() {
        let proof = CrossShardReceiptProof {
            receipt: CrossShardReceipt {
                source_shard: 1,
                index: 4,
                ..CrossShardReceipt::default()
            },
            receipts_branch: MerkleBranch::new(vec![B256::repeat_byte(1); 15]).unwrap(),
            payload_branch: MerkleBranch::new(vec![B256::repeat_byte(2); 16]).unwrap(),
            shard_block_index: 3,
            transition_branch: MerkleBranch::new(vec![B256::repeat_byte(3); 8]).unwrap(),
            beacon_body_branch: MerkleBranch::new(vec![B256::repeat_byte(4); 7]).unwrap(),
            beacon_block_header: BeaconBlockHeader {
                slot: 9,
                ..BeaconBlockHeader::default()
            },
            historical_branch: MerkleBranch::default(),
        };
        let bytes = proof.as_ssz_bytes();
        assert_eq!(
            CrossShardReceiptProof::from_ssz_bytes(&bytes).unwrap(),
            proof
        );
        assert_eq!(proof.key(), proof.receipt.tree_hash_root());
        assert_eq!(proof.beacon_slot(), 9);
        assert_eq!(
            NoReceiptVerifier.verify_receipt_proof(&proof),
            Err(ReceiptProofInvalid::NoVerifier)
        );
    }
}
