//! The shard fork choice of phase 1 `shard-fork-choice.md`: per shard, the shard blocks and
//! states since an anchor, LMD-GHOST over them weighted by the shard latest messages that the
//! beacon [`ForkChoiceStore`](crate::fork_choice::ForkChoiceStore) records, and the blocks a
//! beacon proposer still has to crosslink.
//!
//! - [`on_shard_block`]: the spec's `on_shard_block`, with `shard_state_transition`.
//! - [`get_shard_head`], [`get_shard_latest_attesting_balance`], [`get_shard_ancestor`]: the
//!   LMD-GHOST.
//! - [`get_pending_shard_blocks`]: the head's branch since the beacon head's crosslink.
//!
//! Differences from the spec, which keeps every beacon state in its `Store`:
//! - The beacon fork choice here keeps no states, so the caller supplies the beacon states the
//!   spec reads from `store.block_states` (the beacon parent state, the finalized state, the
//!   beacon head state) and the justified state's balances (as for the beacon `get_head`).
//! - A shard's latest messages are not copied here: they are read from the beacon store, which
//!   records them in `update_latest_messages`. Equivocators' messages are ignored, as the beacon
//!   fork choice ignores their beacon votes.
//! - `on_shard_block` also refuses a block whose slot is not after its shard parent's: such a
//!   chain could never be crosslinked (`apply_shard_transition` wants increasing offset slots),
//!   and slots that increase along the chain are what `get_shard_ancestor` relies on.
//! - The anchor (a stub block, as in the spec) is never a candidate of `get_shard_head`: its
//!   parent root may equal its own root (the zero root before any crosslink), which would make
//!   the spec's walk loop.
//! - Nothing is pruned: a shard's unconfirmed chain is short, and the caller can start a fresh
//!   store from a newer anchor.

mod error;
mod head;
mod on_shard_block;

#[cfg(test)]
mod tests;

use std::collections::HashMap;

use primitives::EthSpec;
use primitives::types::{BeaconState, Root, Shard, ShardBlock, ShardState, SignedShardBlock};

use crate::accessors::{compute_previous_slot, shard_state as shard_state_of};

pub use error::ShardForkChoiceError;
pub use head::{
    get_pending_shard_blocks, get_shard_ancestor, get_shard_head,
    get_shard_latest_attesting_balance,
};
pub use on_shard_block::on_shard_block;

/// `ShardStore`: one shard's blocks and post-states by block root.
#[derive(Debug, Clone, PartialEq)]
pub struct ShardStore<E: EthSpec> {
    shard: Shard,
    anchor_root: Root,
    signed_blocks: HashMap<Root, SignedShardBlock<E>>,
    block_states: HashMap<Root, ShardState>,
}

/// `get_forkchoice_shard_store`: the store of `shard`, anchored at the shard's latest block
/// in `anchor_state` (its latest crosslinked block, or the genesis shard block).
pub fn get_forkchoice_shard_store<E: EthSpec>(
    anchor_state: &BeaconState<E>,
    shard: Shard,
) -> Result<ShardStore<E>, ShardForkChoiceError> {
    let shard_state = shard_state_of(anchor_state, shard)?;
    let anchor_root = shard_state.latest_block_root;
    // The spec's stub: it stands for a block whose content the store does not need.
    let anchor_block = SignedShardBlock {
        message: ShardBlock {
            slot: compute_previous_slot(anchor_state.slot),
            shard,
            ..Default::default()
        },
        signature: Default::default(),
    };
    Ok(ShardStore {
        shard,
        anchor_root,
        signed_blocks: HashMap::from([(anchor_root, anchor_block)]),
        block_states: HashMap::from([(anchor_root, shard_state.clone())]),
    })
}

impl<E: EthSpec> ShardStore<E> {
    /// `shard_store.shard`.
    pub fn shard(&self) -> Shard {
        self.shard
    }

    /// The root of the anchor block.
    pub fn anchor_root(&self) -> Root {
        self.anchor_root
    }

    /// `shard_store.signed_blocks[root]` (for the anchor, the spec's stub block).
    pub fn signed_block(&self, root: &Root) -> Option<&SignedShardBlock<E>> {
        self.signed_blocks.get(root)
    }

    /// `shard_store.block_states[root]`.
    pub fn block_state(&self, root: &Root) -> Option<&ShardState> {
        self.block_states.get(root)
    }

    /// Whether `root` is in the store.
    pub fn contains_block(&self, root: &Root) -> bool {
        self.block_states.contains_key(root)
    }

    /// The number of blocks, the anchor included.
    pub fn len(&self) -> usize {
        self.signed_blocks.len()
    }

    /// Whether the store holds no block (never: it holds at least its anchor).
    pub fn is_empty(&self) -> bool {
        self.signed_blocks.is_empty()
    }

    /// Makes `new_anchor` (a block of the store, usually the shard's block crosslinked in the
    /// finalized beacon state) the anchor and drops every block that does not descend from it
    /// or is it: blocks no later head can build on. Returns how many were dropped; an unknown
    /// `new_anchor` drops nothing.
    pub fn prune(&mut self, new_anchor: Root) -> usize {
        if new_anchor == self.anchor_root || !self.signed_blocks.contains_key(&new_anchor) {
            return 0;
        }
        // Whether each block descends from the new anchor, memoized along the walks.
        let mut descends: HashMap<Root, bool> = HashMap::from([(new_anchor, true)]);
        let roots: Vec<Root> = self.signed_blocks.keys().copied().collect();
        for start in roots {
            let mut path = Vec::new();
            let mut root = start;
            let verdict = loop {
                if let Some(known) = descends.get(&root) {
                    break *known;
                }
                path.push(root);
                match self.signed_blocks.get(&root) {
                    // The old anchor's parent is a stub: nothing before it descends.
                    Some(block) if root != self.anchor_root => {
                        root = block.message.shard_parent_root;
                    }
                    _ => break false,
                }
            };
            for root in path {
                descends.insert(root, verdict);
            }
        }
        let before = self.signed_blocks.len();
        self.signed_blocks
            .retain(|root, _| descends.get(root).copied().unwrap_or(false));
        let kept = &self.signed_blocks;
        self.block_states.retain(|root, _| kept.contains_key(root));
        self.anchor_root = new_anchor;
        before.saturating_sub(self.signed_blocks.len())
    }
}
