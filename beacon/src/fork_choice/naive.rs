//! A direct transcription of the spec's `get_head` (recursive `filter_block_tree`, weights by
//! `get_ancestor`), the model the proto-array is checked against.

use std::collections::HashMap;

use primitives::types::{Checkpoint, Gwei, Root, Slot, ValidatorIndex};

/// A block as the spec's `get_head` sees it: its own fields and its post-state's checkpoints.
#[derive(Debug, Clone)]
pub(crate) struct NaiveBlock {
    pub(crate) slot: Slot,
    pub(crate) parent_root: Option<Root>,
    pub(crate) justified_checkpoint: Checkpoint,
    pub(crate) finalized_checkpoint: Checkpoint,
}

/// The parts of the spec's `Store` that `get_head` reads.
#[derive(Debug, Clone, Default)]
pub(crate) struct NaiveStore {
    pub(crate) slots_per_epoch: u64,
    pub(crate) justified_checkpoint: Checkpoint,
    pub(crate) finalized_checkpoint: Checkpoint,
    pub(crate) blocks: HashMap<Root, NaiveBlock>,
    pub(crate) latest_messages: HashMap<ValidatorIndex, Root>,
    pub(crate) balances: Vec<Gwei>,
}

impl NaiveStore {
    fn get_ancestor(&self, root: Root, slot: Slot) -> Root {
        let block = &self.blocks[&root];
        match block.parent_root {
            Some(parent) if block.slot > slot => self.get_ancestor(parent, slot),
            _ => root,
        }
    }

    pub(crate) fn get_latest_attesting_balance(&self, root: Root) -> Gwei {
        let slot = self.blocks[&root].slot;
        self.latest_messages
            .iter()
            .filter(|(_, vote)| self.get_ancestor(**vote, slot) == root)
            .map(|(&i, _)| self.balances.get(i as usize).copied().unwrap_or(0))
            .sum()
    }

    fn filter_block_tree(&self, block_root: Root, blocks: &mut HashMap<Root, NaiveBlock>) -> bool {
        let block = &self.blocks[&block_root];
        let children: Vec<Root> = self
            .blocks
            .iter()
            .filter(|(_, b)| b.parent_root == Some(block_root))
            .map(|(r, _)| *r)
            .collect();
        if !children.is_empty() {
            let results: Vec<bool> = children
                .iter()
                .map(|child| self.filter_block_tree(*child, blocks))
                .collect();
            if results.iter().any(|r| *r) {
                blocks.insert(block_root, block.clone());
                return true;
            }
            return false;
        }
        let correct_justified = self.justified_checkpoint.epoch == 0
            || block.justified_checkpoint == self.justified_checkpoint;
        let correct_finalized = self.finalized_checkpoint.epoch == 0
            || block.finalized_checkpoint == self.finalized_checkpoint;
        if correct_justified && correct_finalized {
            blocks.insert(block_root, block.clone());
            return true;
        }
        false
    }

    /// `get_head`.
    pub(crate) fn get_head(&self) -> Root {
        let mut blocks = HashMap::new();
        self.filter_block_tree(self.justified_checkpoint.root, &mut blocks);
        let mut head = self.justified_checkpoint.root;
        let justified_slot = self.justified_checkpoint.epoch * self.slots_per_epoch;
        loop {
            let children = blocks
                .iter()
                .filter(|(_, b)| b.parent_root == Some(head) && b.slot > justified_slot)
                .map(|(r, _)| *r);
            match children.max_by_key(|root| (self.get_latest_attesting_balance(*root), *root)) {
                Some(best) => head = best,
                None => return head,
            }
        }
    }
}
