//! Proofs of cross-shard receipts against the beacon chain: how a destination shard knows
//! that a source shard block emitted a receipt and was crosslinked.
//!
//! ## The proof path
//!
//! A [`CrossShardReceiptProof`] links a `CrossShardReceipt` to a beacon block root in six
//! levels, each a Merkle branch checked as `is_valid_merkle_branch` does (siblings bottom up,
//! the position's bits choosing left or right), the root of one level being the leaf of the
//! next:
//!
//! 1. **Receipt -> `cross_shard_receipts_root`.** The leaf is `hash_tree_root(receipt)`, at
//!    position `receipt.index` of `List[CrossShardReceipt, MAX_CROSS_SHARD_RECEIPTS_PER_PAYLOAD]`
//!    (`2**14`): 14 siblings, then the length chunk (the list's length mix-in), 15 in all
//!    ([`RECEIPTS_BRANCH_DEPTH`]).
//! 2. **`cross_shard_receipts_root` -> shard block body root.** A shard block body is the SSZ
//!    `ExecutionPayload` as a `ByteList[MAX_SHARD_BLOCK_SIZE]`, whose root merkleizes its
//!    32-byte chunks; the payload's fixed part puts `cross_shard_receipts_root` exactly at chunk
//!    2 (`shard::payload::CROSS_SHARD_RECEIPTS_ROOT_CHUNK`). The chunk limit is
//!    `MAX_SHARD_BLOCK_SIZE / 32` (`2**15`, the same under both presets): 15 siblings, then the
//!    body's length chunk, 16 in all ([`payload_branch_depth`]).
//! 3. **Body root -> `ShardTransition` root.** The body root is
//!    `ShardTransition.shard_data_roots[i]` (the attester puts `hash_tree_root(body)` there),
//!    with `i = shard_block_index`, a position in `List[Bytes32, MAX_SHARD_BLOCKS_PER_ATTESTATION]`
//!    (12, padded to 16: 4 siblings, then the length chunk), then `shard_data_roots` is field 2 of
//!    the transition's 5 fields (padded to 8: 3 siblings). 8 siblings in all
//!    ([`transition_branch_depth`]), at position `2 * 2**5 + i`.
//! 4. **`ShardTransition` root -> `BeaconBlockBody` root.** The transition is
//!    `shard_transitions[receipt.source_shard]` of `Vector[ShardTransition, MAX_SHARDS]`
//!    (`log2(MAX_SHARDS)` siblings, no length: 3 under the minimal preset, 10 under mainnet),
//!    a vector that is field 13 of the body's 16 fields (4 siblings)
//!    ([`beacon_body_branch_depth`]).
//! 5. **`BeaconBlockBody` root -> beacon block root.** The proof carries the block's header:
//!    `hash_tree_root(BeaconBlock)` equals `hash_tree_root(BeaconBlockHeader)` with
//!    `body_root = hash_tree_root(body)`, so the computed body root must equal the header's
//!    `body_root`, and the block root is the header's root. The header also fixes the slot.
//! 6. **Beacon block root -> the verifier's beacon state.** If the block is recent,
//!    `get_block_root_at_slot(state, header.slot)` (`state.block_roots`) must be that root. If
//!    it is older than `SLOTS_PER_HISTORICAL_ROOT` slots, `historical_branch` proves it as
//!    `block_roots[slot % SLOTS_PER_HISTORICAL_ROOT]` of the `HistoricalBatch` whose root is
//!    `state.historical_roots[slot / SLOTS_PER_HISTORICAL_ROOT]` (`log2(SLOTS_PER_HISTORICAL_ROOT)`
//!    siblings in the `block_roots` vector, then the `state_roots` root: `block_roots` is field 0
//!    of 2) ([`historical_branch_depth`]).
//!
//! Every position comes from the receipt or is fixed: the receipt's own `index` and
//! `source_shard`, chunk 2, field numbers. Only `shard_block_index` is free, and any value
//! below the list limit is harmless: it selects which crosslinked block of the transition the
//! receipt came from. A proof therefore cannot carry a receipt to another position, shard or
//! field, and the depth of every level is fixed, so no inner node passes for a leaf.
//!
//! ## Why a proven receipt may be credited
//!
//! A beacon block is in the state's history only if it passed `process_block`, and
//! `process_shard_transitions` admits a non-empty `ShardTransition` only as the winning root of
//! `process_crosslinks`: a transition attested by 2/3 of the shard committee's online balance,
//! whose members executed the shard blocks (so each body is a valid `ExecutionPayload` whose
//! chunk 2 is the root of the receipts it emitted). Requiring finality as well is the caller's
//! choice of `lookup`: a beacon state at the finalized checkpoint. Which receipts were
//! credited already is the destination shard's spent-receipt set, keyed by `receipt_key`.

use std::collections::BTreeMap;
use std::marker::PhantomData;

use ethereum_hashing::{ZERO_HASHES, hash32_concat};
use primitives::EthSpec;
use primitives::types::{
    BeaconBlock, BeaconBlockHeader, BeaconState, HistoricalBatch, Root, Shard, Slot,
};
use shard::payload::{
    CROSS_SHARD_RECEIPTS_ROOT_CHUNK, CrossShardReceipt, CrossShardReceiptProof, ExecutionPayload,
    MaxCrossShardReceiptsPerPayload, MerkleBranch, ProofLevel, ReceiptProofInvalid,
    ReceiptVerifier,
};
use ssz::Decode;
use ssz_types::VariableList;
use ssz_types::typenum::Unsigned;
use tree_hash::TreeHash;

/// Bytes of a Merkle chunk.
const BYTES_PER_CHUNK: u64 = 32;
/// The fields of `ShardTransition`.
const SHARD_TRANSITION_FIELDS: u64 = 5;
/// `shard_data_roots`' position among them.
const SHARD_DATA_ROOTS_FIELD: u64 = 2;
/// The fields of `BeaconBlockBody` (phase 1).
const BEACON_BLOCK_BODY_FIELDS: u64 = 16;
/// `shard_transitions`' position among them.
const SHARD_TRANSITIONS_FIELD: u64 = 13;
/// The fields of `HistoricalBatch`; `block_roots` is the first.
const HISTORICAL_BATCH_FIELDS: u64 = 2;

/// Depth of level 1: the receipt list (`2**14` receipts) and its length.
pub const RECEIPTS_BRANCH_DEPTH: usize =
    ceil_log2(MaxCrossShardReceiptsPerPayload::U64).saturating_add(1);

/// `ceil(log2(n))`, 0 for `n <= 1`: the depth of a tree over `n` leaves padded to a power of 2.
const fn ceil_log2(n: u64) -> usize {
    match n.checked_next_power_of_two() {
        Some(power) => power.trailing_zeros() as usize,
        None => 64,
    }
}

/// Depth of level 2: the chunks of `ByteList[MAX_SHARD_BLOCK_SIZE]` and its length.
pub fn payload_branch_depth<E: EthSpec>() -> usize {
    let chunks = E::MaxShardBlockSize::to_u64().div_ceil(BYTES_PER_CHUNK);
    ceil_log2(chunks).saturating_add(1)
}

/// Depth of level 3: `shard_data_roots` with its length, then the `ShardTransition` fields.
pub fn transition_branch_depth<E: EthSpec>() -> usize {
    data_roots_depth::<E>()
        .saturating_add(1)
        .saturating_add(ceil_log2(SHARD_TRANSITION_FIELDS))
}

/// Depth of level 4: the `shard_transitions` vector, then the `BeaconBlockBody` fields.
pub fn beacon_body_branch_depth<E: EthSpec>() -> usize {
    shard_transitions_depth::<E>().saturating_add(ceil_log2(BEACON_BLOCK_BODY_FIELDS))
}

/// Depth of level 6 for an old block: the `block_roots` vector, then the `HistoricalBatch`
/// fields.
pub fn historical_branch_depth<E: EthSpec>() -> usize {
    block_roots_depth::<E>().saturating_add(ceil_log2(HISTORICAL_BATCH_FIELDS))
}

fn data_roots_depth<E: EthSpec>() -> usize {
    ceil_log2(E::MaxShardBlocksPerAttestation::to_u64())
}

fn shard_transitions_depth<E: EthSpec>() -> usize {
    ceil_log2(E::MaxShards::to_u64())
}

fn block_roots_depth<E: EthSpec>() -> usize {
    ceil_log2(E::SlotsPerHistoricalRoot::to_u64())
}

/// Where a verifier finds the beacon block roots a proof may end at.
pub trait BlockRootLookup {
    /// The block root at `slot` as `get_block_root_at_slot` gives it, if the slot is recent.
    fn block_root_at_slot(&self, slot: Slot) -> Option<Root>;

    /// The root of the `HistoricalBatch` whose `block_roots` cover `slot`, if there is one.
    fn historical_root(&self, slot: Slot) -> Option<Root>;
}

impl<E: EthSpec> BlockRootLookup for BeaconState<E> {
    fn block_root_at_slot(&self, slot: Slot) -> Option<Root> {
        let history = self.block_roots.len() as u64;
        let recent = slot < self.slot
            && slot
                .checked_add(history)
                .is_none_or(|limit| self.slot <= limit);
        if !recent {
            return None;
        }
        let index = usize::try_from(slot.checked_rem(history)?).ok()?;
        self.block_roots.get(index).copied()
    }

    fn historical_root(&self, slot: Slot) -> Option<Root> {
        let batch = slot.checked_div(self.block_roots.len() as u64)?;
        self.historical_roots
            .get(usize::try_from(batch).ok()?)
            .copied()
    }
}

/// Known block roots by slot (and no historical batch): a node's index of canonical blocks,
/// or a test's.
impl BlockRootLookup for BTreeMap<Slot, Root> {
    fn block_root_at_slot(&self, slot: Slot) -> Option<Root> {
        self.get(&slot).copied()
    }

    fn historical_root(&self, _slot: Slot) -> Option<Root> {
        None
    }
}

/// Checks every level of `proof` (see the module documentation) and returns the beacon block
/// root it ends at, which `lookup` knows.
pub fn verify_receipt_proof<E: EthSpec>(
    proof: &CrossShardReceiptProof,
    lookup: &(impl BlockRootLookup + ?Sized),
) -> Result<Root, ReceiptProofInvalid> {
    let block_root = receipt_proof_block_root::<E>(proof)?;
    let slot = proof.beacon_block_header.slot;
    let unknown = ReceiptProofInvalid::UnknownBlockRoot {
        slot,
        root: block_root,
    };
    if proof.historical_branch.is_empty() {
        return match lookup.block_root_at_slot(slot) {
            Some(root) if root == block_root => Ok(block_root),
            _ => Err(unknown),
        };
    }
    let depth = historical_branch_depth::<E>();
    check_len(ProofLevel::HistoricalBatch, &proof.historical_branch, depth)?;
    let position = slot
        .checked_rem(E::SlotsPerHistoricalRoot::to_u64())
        .ok_or(unknown.clone())?;
    let batch_root = compute_root(block_root, &proof.historical_branch, position);
    match lookup.historical_root(slot) {
        Some(root) if root == batch_root => Ok(block_root),
        _ => Err(unknown),
    }
}

/// Levels 1 to 5 of `proof`: the beacon block root the receipt leads to, once every branch
/// has its depth and the computed body root is the header's.
pub fn receipt_proof_block_root<E: EthSpec>(
    proof: &CrossShardReceiptProof,
) -> Result<Root, ReceiptProofInvalid> {
    let receipt = &proof.receipt;
    check_len(
        ProofLevel::Receipts,
        &proof.receipts_branch,
        RECEIPTS_BRANCH_DEPTH,
    )?;
    check_len(
        ProofLevel::Payload,
        &proof.payload_branch,
        payload_branch_depth::<E>(),
    )?;
    check_len(
        ProofLevel::ShardTransition,
        &proof.transition_branch,
        transition_branch_depth::<E>(),
    )?;
    check_len(
        ProofLevel::BeaconBlockBody,
        &proof.beacon_body_branch,
        beacon_body_branch_depth::<E>(),
    )?;
    check_index(
        ProofLevel::Receipts,
        receipt.index,
        MaxCrossShardReceiptsPerPayload::to_u64(),
    )?;
    check_index(
        ProofLevel::ShardTransition,
        proof.shard_block_index,
        E::MaxShardBlocksPerAttestation::to_u64(),
    )?;
    check_index(
        ProofLevel::BeaconBlockBody,
        receipt.source_shard,
        E::MaxShards::to_u64(),
    )?;

    let receipts_root = compute_root(
        receipt.tree_hash_root(),
        &proof.receipts_branch,
        receipt.index,
    );
    let body_root = compute_root(
        receipts_root,
        &proof.payload_branch,
        CROSS_SHARD_RECEIPTS_ROOT_CHUNK,
    );
    let transition_position = position(
        SHARD_DATA_ROOTS_FIELD,
        data_roots_depth::<E>().saturating_add(1),
        proof.shard_block_index,
    );
    let transition_root = compute_root(body_root, &proof.transition_branch, transition_position);
    let beacon_body_position = position(
        SHARD_TRANSITIONS_FIELD,
        shard_transitions_depth::<E>(),
        receipt.source_shard,
    );
    let beacon_body_root = compute_root(
        transition_root,
        &proof.beacon_body_branch,
        beacon_body_position,
    );
    let header = &proof.beacon_block_header;
    if header.body_root != beacon_body_root {
        return Err(ReceiptProofInvalid::BeaconBodyRootMismatch {
            header: header.body_root,
            computed: beacon_body_root,
        });
    }
    Ok(header.tree_hash_root())
}

/// The position, in a subtree whose lower `low_depth` levels hold `index`, of `index` under
/// field `field`: `field * 2**low_depth + index`.
fn position(field: u64, low_depth: usize, index: u64) -> u64 {
    let shift = u32::try_from(low_depth).unwrap_or(u32::MAX);
    field.checked_shl(shift).unwrap_or(0) | index
}

fn check_len(
    level: ProofLevel,
    branch: &MerkleBranch,
    expected: usize,
) -> Result<(), ReceiptProofInvalid> {
    if branch.len() == expected {
        Ok(())
    } else {
        Err(ReceiptProofInvalid::BranchLength {
            level,
            len: branch.len(),
            expected,
        })
    }
}

fn check_index(level: ProofLevel, index: u64, limit: u64) -> Result<(), ReceiptProofInvalid> {
    if index < limit {
        Ok(())
    } else {
        Err(ReceiptProofInvalid::IndexOutOfRange {
            level,
            index,
            limit,
        })
    }
}

/// The root `is_valid_merkle_branch` compares with: `leaf` hashed up `branch` at `index`.
fn compute_root(leaf: Root, branch: &[Root], index: u64) -> Root {
    let mut value = leaf;
    for (level, sibling) in branch.iter().enumerate() {
        let right = u32::try_from(level)
            .ok()
            .and_then(|shift| index.checked_shr(shift))
            .is_some_and(|shifted| shifted & 1 == 1);
        value = if right {
            Root::from(hash32_concat(&sibling.0, &value.0))
        } else {
            Root::from(hash32_concat(&value.0, &sibling.0))
        };
    }
    value
}

/// A [`ReceiptVerifier`] over a beacon state (or any [`BlockRootLookup`]): what a shard node
/// passes to `shard::execute_payload_with_claims`.
#[derive(Debug)]
pub struct BeaconReceiptVerifier<'a, E: EthSpec, L: BlockRootLookup + ?Sized> {
    lookup: &'a L,
    spec: PhantomData<E>,
}

impl<'a, E: EthSpec, L: BlockRootLookup + ?Sized> BeaconReceiptVerifier<'a, E, L> {
    /// A verifier accepting proofs that end at a block `lookup` knows.
    pub fn new(lookup: &'a L) -> Self {
        Self {
            lookup,
            spec: PhantomData,
        }
    }
}

impl<E: EthSpec, L: BlockRootLookup + ?Sized> ReceiptVerifier for BeaconReceiptVerifier<'_, E, L> {
    fn verify_receipt_proof(
        &self,
        proof: &CrossShardReceiptProof,
    ) -> Result<(), ReceiptProofInvalid> {
        verify_receipt_proof::<E>(proof, self.lookup).map(|_| ())
    }
}

/// Why a receipt proof cannot be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReceiptProofError {
    /// The shard block body is not an SSZ `ExecutionPayload`.
    #[error("shard block body is not an SSZ ExecutionPayload: {0}")]
    Undecodable(String),
    /// The body is longer than `MAX_SHARD_BLOCK_SIZE`.
    #[error("shard block body of {len} bytes above MAX_SHARD_BLOCK_SIZE")]
    BodyTooLarge {
        /// The body's length.
        len: usize,
    },
    /// The payload has no receipt at that position.
    #[error("no cross-shard receipt {index} in a payload of {count}")]
    NoSuchReceipt {
        /// The position asked for.
        index: u64,
        /// The payload's receipt count.
        count: usize,
    },
    /// The receipt's source shard has no transition in the block.
    #[error("shard {shard} has no transition in the beacon block")]
    UnknownShard {
        /// The receipt's source shard.
        shard: Shard,
    },
    /// The block's transition for the source shard does not hold the body's root.
    #[error("the beacon block's transition for shard {shard} does not crosslink the body")]
    NotCrosslinked {
        /// The receipt's source shard.
        shard: Shard,
    },
    /// The slot is not covered by the `HistoricalBatch` given.
    #[error("slot {slot} is not in the historical batch of slots from {start}")]
    NotInBatch {
        /// The beacon block's slot.
        slot: Slot,
        /// The first slot of the batch.
        start: Slot,
    },
    /// The proof built does not verify: the containers' layout and the depths disagree.
    #[error("the proof built does not verify: {0}")]
    Inconsistent(ReceiptProofInvalid),
}

/// Builds the proof of the `receipt_index`-th cross-shard receipt of the shard block whose
/// body is `body` (the SSZ `ExecutionPayload`), crosslinked by `block`'s transition for the
/// receipt's source shard. The proof ends at `block`'s root, for a beacon state that holds it
/// in `block_roots`; [`with_historical_branch`] turns it into a proof for an older block.
/// For several receipts of one body, [`ReceiptProofs`] hashes the shared levels once.
pub fn build_receipt_proof<E: EthSpec>(
    block: &BeaconBlock<E>,
    body: &[u8],
    receipt_index: u64,
) -> Result<CrossShardReceiptProof, ReceiptProofError> {
    ReceiptProofs::new(block, body)?.proof(receipt_index)
}

/// The proofs of every cross-shard receipt of one shard block body crosslinked by one beacon
/// block: the levels above the receipts (payload chunks, shard transition, beacon block body,
/// header) and the receipts' tree are hashed once, so that proving all `n` receipts of a
/// block costs one tree, not `n`.
#[derive(Debug, Clone)]
pub struct ReceiptProofs<E: EthSpec> {
    receipts: Vec<CrossShardReceipt>,
    /// The receipts' tree, leaves first, up to the level under the root.
    receipt_layers: Vec<Vec<Root>>,
    shared: Option<SharedLevels>,
    spec: PhantomData<E>,
}

/// The part of a proof every receipt of the body shares.
#[derive(Debug, Clone)]
struct SharedLevels {
    payload_branch: MerkleBranch,
    shard_block_index: u64,
    transition_branch: MerkleBranch,
    beacon_body_branch: MerkleBranch,
    beacon_block_header: BeaconBlockHeader,
    block_root: Root,
}

impl<E: EthSpec> ReceiptProofs<E> {
    /// Decodes `body` and hashes the levels its receipts' proofs share (nothing when it
    /// carries no receipt).
    pub fn new(block: &BeaconBlock<E>, body: &[u8]) -> Result<Self, ReceiptProofError> {
        let payload = ExecutionPayload::from_ssz_bytes(body)
            .map_err(|err| ReceiptProofError::Undecodable(format!("{err:?}")))?;
        let receipts: Vec<CrossShardReceipt> = payload.cross_shard_receipts.to_vec();
        let Some(first) = receipts.first() else {
            return Ok(Self {
                receipts,
                receipt_layers: Vec::new(),
                shared: None,
                spec: PhantomData,
            });
        };
        let shared = shared_levels(block, body, first.source_shard)?;
        let leaves: Vec<Root> = receipts.iter().map(TreeHash::tree_hash_root).collect();
        let receipt_layers = merkle_layers(&leaves, RECEIPTS_BRANCH_DEPTH.saturating_sub(1));
        Ok(Self {
            receipts,
            receipt_layers,
            shared: Some(shared),
            spec: PhantomData,
        })
    }

    /// How many receipts the body carries.
    pub fn len(&self) -> usize {
        self.receipts.len()
    }

    /// Whether the body carries no receipt.
    pub fn is_empty(&self) -> bool {
        self.receipts.is_empty()
    }

    /// The proof of receipt `index`, checked against the beacon block's root.
    pub fn proof(&self, index: u64) -> Result<CrossShardReceiptProof, ReceiptProofError> {
        let no_such = ReceiptProofError::NoSuchReceipt {
            index,
            count: self.receipts.len(),
        };
        let position = usize::try_from(index).map_err(|_| no_such.clone())?;
        let (Some(receipt), Some(shared)) = (self.receipts.get(position), &self.shared) else {
            return Err(no_such);
        };
        let mut receipts_branch = branch_of(
            &self.receipt_layers,
            RECEIPTS_BRANCH_DEPTH.saturating_sub(1),
            position,
        );
        receipts_branch.push(length_chunk(self.receipts.len()));
        let proof = CrossShardReceiptProof {
            receipt: *receipt,
            receipts_branch: to_branch(ProofLevel::Receipts, receipts_branch)?,
            payload_branch: shared.payload_branch.clone(),
            shard_block_index: shared.shard_block_index,
            transition_branch: shared.transition_branch.clone(),
            beacon_body_branch: shared.beacon_body_branch.clone(),
            beacon_block_header: shared.beacon_block_header.clone(),
            historical_branch: MerkleBranch::default(),
        };
        let root =
            receipt_proof_block_root::<E>(&proof).map_err(ReceiptProofError::Inconsistent)?;
        if root != shared.block_root {
            return Err(ReceiptProofError::Inconsistent(
                ReceiptProofInvalid::BeaconBodyRootMismatch {
                    header: shared.beacon_block_header.body_root,
                    computed: root,
                },
            ));
        }
        Ok(proof)
    }

    /// Every receipt's proof, in receipt order.
    pub fn all(&self) -> Result<Vec<CrossShardReceiptProof>, ReceiptProofError> {
        (0..self.receipts.len() as u64)
            .map(|index| self.proof(index))
            .collect()
    }
}

/// Levels 2 to 4 and the header of the proofs of a `shard` body crosslinked by `block`.
fn shared_levels<E: EthSpec>(
    block: &BeaconBlock<E>,
    body: &[u8],
    shard: Shard,
) -> Result<SharedLevels, ReceiptProofError> {
    let transitions = &block.body.shard_transitions;
    let transition_index = usize::try_from(shard).unwrap_or(usize::MAX);
    let transition = transitions
        .get(transition_index)
        .ok_or(ReceiptProofError::UnknownShard { shard })?;
    let body_list = VariableList::<u8, E::MaxShardBlockSize>::new(body.to_vec())
        .map_err(|_| ReceiptProofError::BodyTooLarge { len: body.len() })?;
    let body_root = body_list.tree_hash_root();
    let data_roots = &transition.shard_data_roots;
    let shard_block_index = data_roots
        .iter()
        .position(|root| *root == body_root)
        .ok_or(ReceiptProofError::NotCrosslinked { shard })?;

    // Level 2: the body's chunks, then its length.
    let chunks: Vec<Root> = body
        .chunks(32)
        .map(|chunk| {
            let mut padded = Root::ZERO;
            if let Some(prefix) = padded.0.get_mut(..chunk.len()) {
                prefix.copy_from_slice(chunk);
            }
            padded
        })
        .collect();
    let mut payload_branch = merkle_branch(
        &chunks,
        payload_branch_depth::<E>().saturating_sub(1),
        CROSS_SHARD_RECEIPTS_ROOT_CHUNK,
    );
    payload_branch.push(length_chunk(body.len()));

    // Level 3: shard_data_roots and its length, then the transition's fields.
    let mut transition_branch = merkle_branch(
        data_roots,
        data_roots_depth::<E>(),
        shard_block_index as u64,
    );
    transition_branch.push(length_chunk(data_roots.len()));
    let transition_fields = [
        transition.start_slot.tree_hash_root(),
        transition.shard_block_lengths.tree_hash_root(),
        transition.shard_data_roots.tree_hash_root(),
        transition.shard_states.tree_hash_root(),
        transition.proposer_signature_aggregate.tree_hash_root(),
    ];
    transition_branch.extend(merkle_branch(
        &transition_fields,
        ceil_log2(SHARD_TRANSITION_FIELDS),
        SHARD_DATA_ROOTS_FIELD,
    ));

    // Level 4: the shard_transitions vector, then the beacon block body's fields.
    let transition_roots: Vec<Root> = transitions.iter().map(TreeHash::tree_hash_root).collect();
    let mut beacon_body_branch =
        merkle_branch(&transition_roots, shard_transitions_depth::<E>(), shard);
    let b = &block.body;
    let body_fields = [
        b.randao_reveal.tree_hash_root(),
        b.eth1_data.tree_hash_root(),
        b.graffiti.tree_hash_root(),
        b.proposer_slashings.tree_hash_root(),
        b.attester_slashings.tree_hash_root(),
        b.attestations.tree_hash_root(),
        b.deposits.tree_hash_root(),
        b.voluntary_exits.tree_hash_root(),
        b.chunk_challenges.tree_hash_root(),
        b.chunk_challenge_responses.tree_hash_root(),
        b.custody_key_reveals.tree_hash_root(),
        b.early_derived_secret_reveals.tree_hash_root(),
        b.custody_slashings.tree_hash_root(),
        b.shard_transitions.tree_hash_root(),
        b.light_client_bits.tree_hash_root(),
        b.light_client_signature.tree_hash_root(),
    ];
    beacon_body_branch.extend(merkle_branch(
        &body_fields,
        ceil_log2(BEACON_BLOCK_BODY_FIELDS),
        SHARD_TRANSITIONS_FIELD,
    ));
    Ok(SharedLevels {
        payload_branch: to_branch(ProofLevel::Payload, payload_branch)?,
        shard_block_index: shard_block_index as u64,
        transition_branch: to_branch(ProofLevel::ShardTransition, transition_branch)?,
        beacon_body_branch: to_branch(ProofLevel::BeaconBlockBody, beacon_body_branch)?,
        beacon_block_header: BeaconBlockHeader {
            slot: block.slot,
            proposer_index: block.proposer_index,
            parent_root: block.parent_root,
            state_root: block.state_root,
            body_root: block.body.tree_hash_root(),
        },
        block_root: block.tree_hash_root(),
    })
}

/// Adds to `proof` the branch of its beacon block in `batch`, the `HistoricalBatch` whose root
/// `historical_roots` holds for the block's slot, so that it verifies against a beacon state
/// for which the block is older than `SLOTS_PER_HISTORICAL_ROOT` slots. `batch_start` is the
/// first slot the batch covers (a multiple of `SLOTS_PER_HISTORICAL_ROOT`).
pub fn with_historical_branch<E: EthSpec>(
    mut proof: CrossShardReceiptProof,
    batch: &HistoricalBatch<E>,
    batch_start: Slot,
) -> Result<CrossShardReceiptProof, ReceiptProofError> {
    let slot = proof.beacon_block_header.slot;
    let per_batch = E::SlotsPerHistoricalRoot::to_u64();
    let not_in_batch = ReceiptProofError::NotInBatch {
        slot,
        start: batch_start,
    };
    let position = slot
        .checked_sub(batch_start)
        .filter(|offset| *offset < per_batch && batch_start.checked_rem(per_batch) == Some(0))
        .ok_or(not_in_batch)?;
    let roots: Vec<Root> = batch.block_roots.iter().copied().collect();
    let mut branch = merkle_branch(&roots, block_roots_depth::<E>(), position);
    branch.push(batch.state_roots.tree_hash_root());
    proof.historical_branch = to_branch(ProofLevel::HistoricalBatch, branch)?;
    Ok(proof)
}

/// `branch` as the SSZ list a proof carries (a preset whose depth exceeds its limit fails).
fn to_branch(level: ProofLevel, branch: Vec<Root>) -> Result<MerkleBranch, ReceiptProofError> {
    let len = branch.len();
    MerkleBranch::new(branch).map_err(|_| {
        ReceiptProofError::Inconsistent(ReceiptProofInvalid::BranchLength {
            level,
            len,
            expected: MerkleBranch::max_len(),
        })
    })
}

/// The siblings of leaf `index` in a tree of `depth` levels over `leaves` (padded with zero
/// subtrees), bottom first. Only the nodes over existing leaves are hashed.
fn merkle_branch(leaves: &[Root], depth: usize, index: u64) -> Vec<Root> {
    let position = usize::try_from(index).unwrap_or(usize::MAX);
    branch_of(&merkle_layers(leaves, depth), depth, position)
}

/// The layers of a tree of `depth` levels over `leaves` (padded with zero subtrees), leaves
/// first, without the root; only the nodes over existing leaves are hashed.
fn merkle_layers(leaves: &[Root], depth: usize) -> Vec<Vec<Root>> {
    let mut layers = Vec::with_capacity(depth);
    let mut layer = leaves.to_vec();
    for level in 0..depth {
        let zero = zero_hash(level);
        let next = layer
            .chunks(2)
            .map(|pair| {
                let left = pair.first().copied().unwrap_or(zero);
                let right = pair.get(1).copied().unwrap_or(zero);
                Root::from(hash32_concat(&left.0, &right.0))
            })
            .collect();
        layers.push(std::mem::replace(&mut layer, next));
    }
    layers
}

/// The siblings of leaf `index` read from [`merkle_layers`] of the same `depth`, bottom first.
fn branch_of(layers: &[Vec<Root>], depth: usize, index: usize) -> Vec<Root> {
    (0..depth)
        .map(|level| {
            layers
                .get(level)
                .and_then(|layer| layer.get((index >> level) ^ 1))
                .copied()
                .unwrap_or_else(|| zero_hash(level))
        })
        .collect()
}

/// The root of an empty subtree of `level` levels.
fn zero_hash(level: usize) -> Root {
    ZERO_HASHES
        .get(level)
        .map(|hash| Root::from(*hash))
        .unwrap_or_default()
}

/// The SSZ length chunk of a list of `len` elements.
fn length_chunk(len: usize) -> Root {
    let mut chunk = Root::ZERO;
    if let Some(prefix) = chunk.0.get_mut(..8) {
        prefix.copy_from_slice(&(len as u64).to_le_bytes());
    }
    chunk
}

#[cfg(test)]
mod tests;
