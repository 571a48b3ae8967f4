//! The shard LMD-GHOST of `shard-fork-choice.md`: `get_shard_ancestor`,
//! `get_shard_latest_attesting_balance`, `get_shard_head` and `get_pending_shard_blocks`.
//!
//! `get_shard_head` does not call `get_shard_latest_attesting_balance` per child as the spec
//! does (each call scans every validator and walks its vote's chain). It scans the validators
//! once and adds each vote's balance to every candidate block on the vote's chain: with `V`
//! validators, `M` of them with a message for the shard, `D` the depth of the unconfirmed chain
//! and `B` the blocks in the store, it costs `O(V + M * D + B)`. The two agree because
//! `on_shard_block` keeps slots increasing along every chain: the ancestor of a vote at the
//! slot of a candidate `C` is `C` exactly when `C` is on the vote's chain.
//!
//! It also leaves out the blocks whose beacon parent is not the beacon head chain's block at
//! their slot, which no crosslink on that chain can carry (see `crosslinkable_on_head`).

use std::collections::HashMap;

use primitives::EthSpec;
use primitives::types::{BeaconState, Gwei, Root, Shard, ShardBlock, SignedShardBlock, Slot};
use tree_hash::TreeHash;

use crate::accessors::get_block_root_at_slot;
use crate::fork_choice::shard::{ShardForkChoiceError, ShardStore, shard_state_of};
use crate::fork_choice::{ForkChoiceStore, ShardLatestMessage};

/// `get_shard_ancestor`: the block on `root`'s chain at `slot`, or the latest one before it
/// (skipped slots). `None` when `root` is unknown or the walk passes the anchor, whose parent
/// the store does not hold.
pub fn get_shard_ancestor<E: EthSpec>(
    shard_store: &ShardStore<E>,
    root: &Root,
    slot: Slot,
) -> Option<Root> {
    let mut root = *root;
    // A chain holds each block once, so the walk is bounded by the store's size.
    for _ in 0..shard_store.len() {
        let block = &shard_store.signed_blocks.get(&root)?.message;
        if block.slot <= slot {
            return Some(root);
        }
        if root == shard_store.anchor_root {
            return None;
        }
        root = block.shard_parent_root;
    }
    None
}

/// The shard latest messages that count: of validators with a balance in the justified state,
/// not equivocating, with their balance.
fn counted_shard_messages<'a>(
    store: &'a ForkChoiceStore,
    shard: Shard,
    justified_balances: &'a [Gwei],
) -> impl Iterator<Item = (Gwei, ShardLatestMessage)> + 'a {
    justified_balances
        .iter()
        .zip(0u64..)
        .filter(|(balance, _)| **balance > 0)
        .filter(|(_, index)| !store.votes().is_equivocating(*index))
        .filter_map(move |(balance, index)| {
            store
                .shard_latest_message(shard, index)
                .map(|message| (*balance, message))
        })
}

/// `get_shard_latest_attesting_balance`: the justified balance of the validators whose shard
/// latest message is `root` or a descendant of it. `justified_balances` holds the effective
/// balance of each validator active in the justified state's current epoch, zero otherwise
/// (as for the beacon `get_head`).
pub fn get_shard_latest_attesting_balance<E: EthSpec>(
    store: &ForkChoiceStore,
    shard_store: &ShardStore<E>,
    root: &Root,
    justified_balances: &[Gwei],
) -> Result<Gwei, ShardForkChoiceError> {
    let slot = shard_store
        .signed_blocks
        .get(root)
        .ok_or(ShardForkChoiceError::UnknownShardBlock(*root))?
        .message
        .slot;
    let mut total: Gwei = 0;
    for (balance, message) in counted_shard_messages(store, shard_store.shard, justified_balances) {
        if get_shard_ancestor(shard_store, &message.root, slot) == Some(*root) {
            total = total
                .checked_add(balance)
                .ok_or(ShardForkChoiceError::WeightOverflow(*root))?;
        }
    }
    Ok(total)
}

/// The blocks `get_shard_head` may choose: after the beacon head's shard slot, the anchor
/// excepted.
pub(super) fn candidates<E: EthSpec>(
    shard_store: &ShardStore<E>,
    after_slot: Slot,
) -> HashMap<Root, &ShardBlock<E>> {
    shard_store
        .signed_blocks
        .iter()
        .filter(|(root, signed)| {
            signed.message.slot > after_slot && **root != shard_store.anchor_root
        })
        .map(|(root, signed)| (*root, &signed.message))
        .collect()
}

/// Whether `block` names as its beacon parent the block of the head chain at its slot (the
/// latest at or before it), as `apply_shard_transition` requires of every block a crosslink
/// carries (`beacon_parent_root == get_block_root_at_slot(state, slot)`).
///
/// v0.12.3's `get_shard_head` does not ask this. But a shard block built while the slot's
/// beacon block was still on its way names the previous beacon block: once the late block is
/// in the chain, the shard block and its descendants can never be crosslinked on it, and a
/// shard head among them would keep every later transition of the shard invalid. Leaving such
/// blocks out lets the next shard proposer build on a block the chain can take.
fn crosslinkable_on_head<E: EthSpec>(
    store: &ForkChoiceStore,
    beacon_head_state: &BeaconState<E>,
    block: &ShardBlock<E>,
) -> bool {
    if block.slot < beacon_head_state.slot {
        return get_block_root_at_slot(beacon_head_state, block.slot)
            .is_ok_and(|root| root == block.beacon_parent_root);
    }
    // At or after the state's slot the head chain's block is the state's latest block. Its
    // header lacks the state root while the state is that block's post-state; fork choice
    // holds it (hashing the whole state here would cost far more).
    let mut header = beacon_head_state.latest_block_header.clone();
    if header.state_root.is_zero() {
        match store.proto_array().node(&block.beacon_parent_root) {
            Some(node) if node.slot == header.slot => header.state_root = node.state_root,
            _ => return false,
        }
    }
    header.tree_hash_root() == block.beacon_parent_root
}

/// `get_shard_latest_attesting_balance` of every candidate in one pass over the votes.
pub(super) fn candidate_weights<E: EthSpec>(
    store: &ForkChoiceStore,
    shard_store: &ShardStore<E>,
    candidates: &HashMap<Root, &ShardBlock<E>>,
    justified_balances: &[Gwei],
) -> Result<HashMap<Root, Gwei>, ShardForkChoiceError> {
    let mut weights: HashMap<Root, Gwei> = HashMap::with_capacity(candidates.len());
    for (balance, message) in counted_shard_messages(store, shard_store.shard, justified_balances) {
        let mut root = message.root;
        // Slots increase along a chain, so it crosses each candidate at most once.
        for _ in 0..candidates.len() {
            let Some(block) = candidates.get(&root) else {
                break;
            };
            let weight = weights.entry(root).or_insert(0);
            *weight = weight
                .checked_add(balance)
                .ok_or(ShardForkChoiceError::WeightOverflow(root))?;
            root = block.shard_parent_root;
        }
    }
    Ok(weights)
}

/// `get_shard_head`: LMD-GHOST from the beacon head's latest shard block, over the blocks after
/// its shard slot; the heaviest child wins, ties going to the greater root.
///
/// `beacon_head_state` is the state of the beacon `get_head`; `justified_balances` as for
/// [`get_shard_latest_attesting_balance`]. Cost: see the module documentation.
pub fn get_shard_head<E: EthSpec>(
    store: &ForkChoiceStore,
    shard_store: &ShardStore<E>,
    beacon_head_state: &BeaconState<E>,
    justified_balances: &[Gwei],
) -> Result<Root, ShardForkChoiceError> {
    let shard_head_state = shard_state_of(beacon_head_state, shard_store.shard)?;
    let mut candidates = candidates(shard_store, shard_head_state.slot);
    candidates.retain(|_, block| crosslinkable_on_head(store, beacon_head_state, block));
    let weights = candidate_weights(store, shard_store, &candidates, justified_balances)?;
    let mut children: HashMap<Root, Vec<Root>> = HashMap::new();
    for (root, block) in &candidates {
        children
            .entry(block.shard_parent_root)
            .or_default()
            .push(*root);
    }
    let mut head = shard_head_state.latest_block_root;
    // Taking each visited block's children out of the map bounds the walk.
    while let Some(best) = children.remove(&head).and_then(|children| {
        children
            .into_iter()
            .max_by_key(|root| (weights.get(root).copied().unwrap_or(0), *root))
    }) {
        head = best;
    }
    Ok(head)
}

/// `get_pending_shard_blocks`: the branch of the shard head not yet crosslinked in the beacon
/// head state, oldest first (the blocks of the beacon proposer's `ShardTransition`).
pub fn get_pending_shard_blocks<E: EthSpec>(
    store: &ForkChoiceStore,
    shard_store: &ShardStore<E>,
    beacon_head_state: &BeaconState<E>,
    justified_balances: &[Gwei],
) -> Result<Vec<SignedShardBlock<E>>, ShardForkChoiceError> {
    let crosslinked = shard_state_of(beacon_head_state, shard_store.shard)?.latest_block_root;
    let head = get_shard_head(store, shard_store, beacon_head_state, justified_balances)?;
    let mut root = head;
    let mut blocks = Vec::new();
    while root != crosslinked {
        // The anchor's parent is a stub; past it, or longer than the store, the head cannot
        // descend from the crosslink (never the case for a head `get_shard_head` found).
        if root == shard_store.anchor_root || blocks.len() >= shard_store.len() {
            return Err(ShardForkChoiceError::HeadNotDescendantOfCrosslink { head, crosslinked });
        }
        let signed = shard_store
            .signed_blocks
            .get(&root)
            .ok_or(ShardForkChoiceError::UnknownShardBlock(root))?;
        blocks.push(signed.clone());
        root = signed.message.shard_parent_root;
    }
    blocks.reverse();
    Ok(blocks)
}
