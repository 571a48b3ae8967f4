//! The shard block proposer's block (`shard-transition.md`, with the proposer chosen by
//! `get_shard_proposer_index`) and the bookkeeping of the shard blocks not yet crosslinked
//! (`get_pending_shard_blocks` of `shard-fork-choice.md`), which attesters need for
//! [`get_attestation_data`](crate::duties::get_attestation_data).

use std::collections::BTreeMap;

use crosslink::get_shard_transition_fields;
use crosslink::shard_block::{verify_shard_block_body, verify_shard_block_slot};
use primitives::bls::SecretKey;
use primitives::types::{
    BeaconState, Root, Shard, ShardBlock, ShardState, SignedShardBlock, ValidatorIndex,
};
use primitives::{ChainConfig, EthSpec};
use ssz_types::VariableList;
use tree_hash::TreeHash;

use super::ProductionError;
use crate::BeaconStateError;
use crate::accessors::{
    compute_offset_slots, get_active_shard_count, get_latest_slot_for_shard,
    get_shard_proposer_index, shard_state,
};
use crate::duties::sign_shard_block;
use crate::shard_transition::{ShardBlockError, ShardTransitionError};

/// Builds the shard block of `shard` at the slot of `beacon_parent_state` (the beacon head's
/// state processed through empty slots to the shard block's slot), on the beacon head
/// `beacon_parent_root` (the root of that state's latest block, see [`get_beacon_parent_root`])
/// and on the shard's head: the last of `pending` (the shard's blocks since its latest
/// crosslink, from [`PendingShardBlocks::get_pending_shard_blocks`]) or else the crosslinked
/// block.
///
/// The slot must be an offset slot of the shard, since a crosslink carries blocks of offset
/// slots only, and the body must be 1 to `MAX_SHARD_BLOCK_SIZE` bytes: the block passes the
/// checks of `verify_shard_block_message` for that beacon parent root.
pub fn produce_shard_block<E: EthSpec>(
    beacon_parent_state: &BeaconState<E>,
    beacon_parent_root: Root,
    shard: Shard,
    pending: &[SignedShardBlock<E>],
    body: Vec<u8>,
    config: &ChainConfig,
) -> Result<ShardBlock<E>, ProductionError> {
    let slot = beacon_parent_state.slot;
    let active = get_active_shard_count(beacon_parent_state, config);
    if shard >= active {
        return Err(ProductionError::InactiveShard { shard, active });
    }
    let latest_slot = get_latest_slot_for_shard(beacon_parent_state, shard)?;
    let next_slot = slot
        .checked_add(1)
        .ok_or(BeaconStateError::Overflow { what: "slot + 1" })?;
    let offset_slots = compute_offset_slots(latest_slot, next_slot, config);
    if !offset_slots.contains(&slot) {
        return Err(ProductionError::NotAnOffsetSlot { shard, slot });
    }
    let shard_parent_state = shard_parent_state(beacon_parent_state, shard, pending, config)?;
    let length = body.len();
    let block = ShardBlock {
        shard_parent_root: shard_parent_state.latest_block_root,
        beacon_parent_root,
        slot,
        shard,
        proposer_index: get_shard_proposer_index(beacon_parent_state, slot, shard, config)?,
        body: VariableList::new(body).map_err(|_| ProductionError::BodyTooLong { length })?,
    };
    verify_shard_block_slot(&block, &offset_slots).map_err(ShardBlockError::from)?;
    verify_shard_block_body(&block, config).map_err(ShardBlockError::from)?;
    Ok(block)
}

/// The root of `state`'s latest block (the beacon parent of shard blocks built on `state`):
/// its latest header, with the state root filled in when the state is that block's
/// post-state. Hashes the whole state in that case; compute it once per slot.
pub fn get_beacon_parent_root<E: EthSpec>(state: &BeaconState<E>) -> Root {
    let mut header = state.latest_block_header.clone();
    // The header of the state's own block has its state root filled in by the next slot.
    if header.state_root.is_zero() {
        header.state_root = state.tree_hash_root();
    }
    header.tree_hash_root()
}

/// [`produce_shard_block`] signed by `key` (the slot's shard proposer's).
pub fn propose_shard_block<E: EthSpec>(
    beacon_parent_state: &BeaconState<E>,
    beacon_parent_root: Root,
    shard: Shard,
    pending: &[SignedShardBlock<E>],
    body: Vec<u8>,
    key: &SecretKey,
    config: &ChainConfig,
) -> Result<SignedShardBlock<E>, ProductionError> {
    let block = produce_shard_block(
        beacon_parent_state,
        beacon_parent_root,
        shard,
        pending,
        body,
        config,
    )?;
    let signature = sign_shard_block(beacon_parent_state, &block, key, config)?;
    Ok(SignedShardBlock {
        message: block,
        signature,
    })
}

/// The shard proposer of `shard` at the slot of `beacon_parent_state`.
pub fn get_shard_block_proposer<E: EthSpec>(
    beacon_parent_state: &BeaconState<E>,
    shard: Shard,
    config: &ChainConfig,
) -> Result<ValidatorIndex, ProductionError> {
    Ok(get_shard_proposer_index(
        beacon_parent_state,
        beacon_parent_state.slot,
        shard,
        config,
    )?)
}

/// The shard's state before a block at the state's slot, as the crosslink will compute it:
/// the crosslinked state run through the offset slots before that slot, with the pending
/// block of each such slot or an empty stub.
fn shard_parent_state<E: EthSpec>(
    state: &BeaconState<E>,
    shard: Shard,
    pending: &[SignedShardBlock<E>],
    config: &ChainConfig,
) -> Result<ShardState, ProductionError> {
    let crosslinked = shard_state(state, shard)?;
    let earlier = compute_offset_slots(crosslinked.slot, state.slot, config);
    let before: Vec<SignedShardBlock<E>> = pending
        .iter()
        .filter(|b| earlier.contains(&b.message.slot))
        .cloned()
        .collect();
    let fields = get_shard_transition_fields(crosslinked, shard, &earlier, &before, config)
        .map_err(ShardTransitionError::from)?;
    Ok(fields
        .shard_states
        .last()
        .cloned()
        .unwrap_or_else(|| crosslinked.clone()))
}

/// The shard blocks a node has seen, per shard, in the order they were proposed: enough to
/// answer `get_pending_shard_blocks` on a shard chain without forks (one honest proposer per
/// slot).
#[derive(Debug, Clone, PartialEq)]
pub struct PendingShardBlocks<E: EthSpec> {
    blocks: BTreeMap<Shard, Vec<SignedShardBlock<E>>>,
}

impl<E: EthSpec> Default for PendingShardBlocks<E> {
    fn default() -> Self {
        Self {
            blocks: BTreeMap::new(),
        }
    }
}

impl<E: EthSpec> PendingShardBlocks<E> {
    /// No block yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records a (verified) shard block of its shard.
    pub fn insert(&mut self, block: SignedShardBlock<E>) {
        self.blocks
            .entry(block.message.shard)
            .or_default()
            .push(block);
    }

    /// `get_pending_shard_blocks`: the chain of `shard`'s blocks starting right after the
    /// latest crosslink of `beacon_head_state` (its `shard_states[shard].latest_block_root`),
    /// oldest first. A block that does not extend that chain ends it.
    pub fn get_pending_shard_blocks(
        &self,
        beacon_head_state: &BeaconState<E>,
        shard: Shard,
    ) -> Result<Vec<SignedShardBlock<E>>, ProductionError> {
        let crosslinked = shard_state(beacon_head_state, shard)?;
        let mut parent = crosslinked.latest_block_root;
        let mut chain = Vec::new();
        let blocks = self
            .blocks
            .get(&shard)
            .map(Vec::as_slice)
            .unwrap_or_default();
        for block in blocks.iter().filter(|b| b.message.slot > crosslinked.slot) {
            if block.message.shard_parent_root != parent {
                break;
            }
            parent = block.message.tree_hash_root();
            chain.push(block.clone());
        }
        Ok(chain)
    }

    /// The root of `shard`'s head: its last pending block, or the crosslinked block when
    /// none is pending (the attestation's `shard_head_root`).
    pub fn shard_head_root(
        &self,
        beacon_head_state: &BeaconState<E>,
        shard: Shard,
    ) -> Result<Root, ProductionError> {
        let pending = self.get_pending_shard_blocks(beacon_head_state, shard)?;
        match pending.last() {
            Some(block) => Ok(block.message.tree_hash_root()),
            None => Ok(shard_state(beacon_head_state, shard)?.latest_block_root),
        }
    }

    /// Forgets the blocks at or before each shard's crosslinked slot in `beacon_state`.
    pub fn prune(&mut self, beacon_state: &BeaconState<E>) {
        for (shard, blocks) in &mut self.blocks {
            if let Ok(crosslinked) = shard_state(beacon_state, *shard) {
                blocks.retain(|b| b.message.slot > crosslinked.slot);
            }
        }
        self.blocks.retain(|_, blocks| !blocks.is_empty());
    }
}
