//! The proto-array: LMD-GHOST over an insertion-ordered block array, with the spec's
//! `filter_block_tree` viability and `get_head` tie-break computed in one backwards pass.
//!
//! Blocks are appended after their parent, so every child has a higher index than its parent.
//! `apply_score_changes` walks the array from the end: a node's subtree deltas are all summed
//! before it is reached, and its children's best-descendant pointers are already final. This is
//! the design of Lighthouse's `proto_array` (after protolambda's `lmd-ghost` notes), with one
//! change: best-child pointers are rebuilt on every pass instead of patched, which keeps the
//! result equal to the spec's `get_head` (a non-leaf node is viable only through a viable leaf,
//! and only children after the justified slot are candidates below the justified root).

use std::collections::HashMap;

use primitives::types::{Checkpoint, Epoch, Root, Slot};

use crate::fork_choice::error::ForkChoiceError;

/// `GENESIS_EPOCH`.
pub const GENESIS_EPOCH: Epoch = 0;

/// One block in the proto-array.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProtoNode {
    /// The block's slot.
    pub slot: Slot,
    /// The block's root.
    pub root: Root,
    /// The block's state root.
    pub state_root: Root,
    /// The parent's index; `None` for the anchor (after pruning, the finalized block).
    pub parent: Option<usize>,
    /// `current_justified_checkpoint` of the block's post-state.
    pub justified_checkpoint: Checkpoint,
    /// `finalized_checkpoint` of the block's post-state.
    pub finalized_checkpoint: Checkpoint,
    /// The balance of the latest messages for this block or its descendants.
    pub weight: u64,
    /// Whether any block names this one as parent.
    pub has_children: bool,
    /// The heaviest child that leads to a viable leaf.
    pub best_child: Option<usize>,
    /// The leaf reached by following best children; `None` when no viable leaf is below.
    pub best_descendant: Option<usize>,
}

/// Blocks of the fork choice, in insertion order, with their weights.
#[derive(Debug, Clone)]
pub struct ProtoArray {
    slots_per_epoch: u64,
    prune_threshold: usize,
    nodes: Vec<ProtoNode>,
    indices: HashMap<Root, usize>,
    /// The justified root of the last `apply_score_changes`, cleared when blocks are added.
    scored_for: Option<Root>,
}

impl ProtoArray {
    /// A proto-array holding only the anchor block (trusted; its checkpoints are the store's).
    ///
    /// `prune_threshold`: `maybe_prune` leaves the array alone while fewer nodes than this
    /// precede the finalized block, so that pruning (a full copy) stays rare.
    pub fn new(
        slots_per_epoch: u64,
        prune_threshold: usize,
        anchor_slot: Slot,
        anchor_root: Root,
        anchor_state_root: Root,
        anchor_checkpoint: Checkpoint,
    ) -> Self {
        let node = ProtoNode {
            slot: anchor_slot,
            root: anchor_root,
            state_root: anchor_state_root,
            parent: None,
            justified_checkpoint: anchor_checkpoint.clone(),
            finalized_checkpoint: anchor_checkpoint,
            weight: 0,
            has_children: false,
            best_child: None,
            best_descendant: None,
        };
        Self {
            slots_per_epoch,
            prune_threshold,
            nodes: vec![node],
            indices: HashMap::from([(anchor_root, 0)]),
            scored_for: None,
        }
    }

    /// The nodes, in insertion order.
    pub fn nodes(&self) -> &[ProtoNode] {
        &self.nodes
    }

    /// Index of every block by root.
    pub fn indices(&self) -> &HashMap<Root, usize> {
        &self.indices
    }

    /// The node of `root`, if known.
    pub fn node(&self, root: &Root) -> Option<&ProtoNode> {
        self.indices.get(root).and_then(|&i| self.nodes.get(i))
    }

    /// Whether `root` is in the array.
    pub fn contains_block(&self, root: &Root) -> bool {
        self.indices.contains_key(root)
    }

    /// Adds a block whose post-state has the given checkpoints. A known root is a no-op.
    pub fn on_block(
        &mut self,
        slot: Slot,
        root: Root,
        parent_root: Root,
        state_root: Root,
        justified_checkpoint: Checkpoint,
        finalized_checkpoint: Checkpoint,
    ) -> Result<(), ForkChoiceError> {
        if self.indices.contains_key(&root) {
            return Ok(());
        }
        let parent_index =
            *self
                .indices
                .get(&parent_root)
                .ok_or(ForkChoiceError::UnknownParent {
                    block_root: root,
                    parent_root,
                })?;
        let index = self.nodes.len();
        let parent = self.node_mut(parent_index)?;
        if slot <= parent.slot {
            return Err(ForkChoiceError::SlotNotAfterParent {
                slot,
                parent_slot: parent.slot,
            });
        }
        parent.has_children = true;
        self.nodes.push(ProtoNode {
            slot,
            root,
            state_root,
            parent: Some(parent_index),
            justified_checkpoint,
            finalized_checkpoint,
            weight: 0,
            has_children: false,
            best_child: None,
            best_descendant: None,
        });
        self.indices.insert(root, index);
        self.scored_for = None;
        Ok(())
    }

    /// Adds one delta per node to the weights (each also counts for every ancestor) and
    /// recomputes best children for the store's `justified` and `finalized` checkpoints.
    ///
    /// Atomic: on error the array is unchanged.
    pub fn apply_score_changes(
        &mut self,
        mut deltas: Vec<i64>,
        justified: &Checkpoint,
        finalized: &Checkpoint,
    ) -> Result<(), ForkChoiceError> {
        if deltas.len() != self.nodes.len() {
            return Err(ForkChoiceError::InvalidDeltaLength {
                deltas: deltas.len(),
                nodes: self.nodes.len(),
            });
        }
        let justified_index = *self
            .indices
            .get(&justified.root)
            .ok_or(ForkChoiceError::UnknownJustifiedRoot(justified.root))?;
        // `get_head` only descends into children after the justified epoch's start slot.
        let justified_slot =
            justified
                .epoch
                .checked_mul(self.slots_per_epoch)
                .ok_or(ForkChoiceError::Math(
                    primitives::math::MathError::Overflow {
                        what: "epoch * SLOTS_PER_EPOCH",
                    },
                ))?;

        let mut nodes = self.nodes.clone();
        for node in &mut nodes {
            node.best_child = None;
            node.best_descendant = None;
        }
        for index in (0..nodes.len()).rev() {
            let delta = *deltas
                .get(index)
                .ok_or(ForkChoiceError::InvalidNodeIndex { index })?;
            let node = nodes
                .get_mut(index)
                .ok_or(ForkChoiceError::InvalidNodeIndex { index })?;
            node.weight = apply_delta(node.weight, delta, index)?;
            let leads_to_viable_head = if node.has_children {
                node.best_child.is_some()
            } else {
                is_viable_leaf(node, justified, finalized)
            };
            let (parent, slot, weight, root) = (node.parent, node.slot, node.weight, node.root);
            let Some(parent_index) = parent else {
                continue;
            };
            let parent_delta =
                deltas
                    .get_mut(parent_index)
                    .ok_or(ForkChoiceError::InvalidNodeIndex {
                        index: parent_index,
                    })?;
            *parent_delta =
                parent_delta
                    .checked_add(delta)
                    .ok_or(ForkChoiceError::DeltaOverflow {
                        index: parent_index,
                    })?;
            if !leads_to_viable_head || (parent_index == justified_index && slot <= justified_slot)
            {
                continue;
            }
            let current_best = match nodes.get(parent_index).and_then(|p| p.best_child) {
                Some(best) => {
                    let best = nodes
                        .get(best)
                        .ok_or(ForkChoiceError::InvalidNodeIndex { index: best })?;
                    Some((best.weight, best.root))
                }
                None => None,
            };
            // Spec tie-break: the larger `(weight, root)` wins.
            if current_best.is_none_or(|best| (weight, root) > best) {
                let child_best_descendant = nodes
                    .get(index)
                    .and_then(|n| n.best_descendant)
                    .unwrap_or(index);
                let parent =
                    nodes
                        .get_mut(parent_index)
                        .ok_or(ForkChoiceError::InvalidNodeIndex {
                            index: parent_index,
                        })?;
                parent.best_child = Some(index);
                parent.best_descendant = Some(child_best_descendant);
            }
        }
        self.nodes = nodes;
        self.scored_for = Some(justified.root);
        Ok(())
    }

    /// The head: the justified block's best descendant, or the justified block itself when no
    /// viable child is below it (as the spec's `get_head` returns).
    pub fn find_head(&self, justified_root: &Root) -> Result<Root, ForkChoiceError> {
        let index = *self
            .indices
            .get(justified_root)
            .ok_or(ForkChoiceError::UnknownJustifiedRoot(*justified_root))?;
        if self.scored_for != Some(*justified_root) {
            return Err(ForkChoiceError::StaleScores {
                justified_root: *justified_root,
            });
        }
        let node = self.node_at(index)?;
        match node.best_descendant {
            Some(best) => Ok(self.node_at(best)?.root),
            None => Ok(node.root),
        }
    }

    /// `get_ancestor`: the block on `root`'s chain at `slot`, or the latest one before it
    /// (skipped slots). `None` when `root` is unknown or the ancestor was pruned.
    pub fn get_ancestor(&self, root: &Root, slot: Slot) -> Option<Root> {
        let mut node = self.node(root)?;
        while node.slot > slot {
            node = self.nodes.get(node.parent?)?;
        }
        Some(node.root)
    }

    /// Removes every block that is not the finalized block or one of its descendants, once at
    /// least `prune_threshold` nodes precede the finalized block.
    pub fn maybe_prune(&mut self, finalized_root: &Root) -> Result<(), ForkChoiceError> {
        let finalized_index = *self
            .indices
            .get(finalized_root)
            .ok_or(ForkChoiceError::UnknownFinalizedRoot(*finalized_root))?;
        if finalized_index < self.prune_threshold || finalized_index == 0 {
            return Ok(());
        }
        // Descendants come after the finalized block; a parent is always before its child.
        let mut new_index: Vec<Option<usize>> = vec![None; self.nodes.len()];
        let mut kept = 0usize;
        for (index, node) in self.nodes.iter().enumerate() {
            let keep = index == finalized_index
                || node
                    .parent
                    .is_some_and(|p| new_index.get(p).copied().flatten().is_some());
            if keep {
                if let Some(slot) = new_index.get_mut(index) {
                    *slot = Some(kept);
                }
                kept = kept.saturating_add(1);
            }
        }
        let remap = |index: Option<usize>| index.and_then(|i| new_index.get(i).copied().flatten());
        let mut nodes = Vec::with_capacity(kept);
        for (index, node) in self.nodes.iter().enumerate() {
            if new_index.get(index).copied().flatten().is_none() {
                continue;
            }
            nodes.push(ProtoNode {
                parent: remap(node.parent),
                best_child: remap(node.best_child),
                best_descendant: remap(node.best_descendant),
                ..node.clone()
            });
        }
        self.indices = nodes.iter().enumerate().map(|(i, n)| (n.root, i)).collect();
        self.nodes = nodes;
        Ok(())
    }

    fn node_at(&self, index: usize) -> Result<&ProtoNode, ForkChoiceError> {
        self.nodes
            .get(index)
            .ok_or(ForkChoiceError::InvalidNodeIndex { index })
    }

    fn node_mut(&mut self, index: usize) -> Result<&mut ProtoNode, ForkChoiceError> {
        self.nodes
            .get_mut(index)
            .ok_or(ForkChoiceError::InvalidNodeIndex { index })
    }
}

/// `filter_block_tree`'s leaf test: the leaf's post-state checkpoints agree with the store's,
/// or the store's are still at genesis.
fn is_viable_leaf(node: &ProtoNode, justified: &Checkpoint, finalized: &Checkpoint) -> bool {
    let correct_justified =
        justified.epoch == GENESIS_EPOCH || node.justified_checkpoint == *justified;
    let correct_finalized =
        finalized.epoch == GENESIS_EPOCH || node.finalized_checkpoint == *finalized;
    correct_justified && correct_finalized
}

fn apply_delta(weight: u64, delta: i64, index: usize) -> Result<u64, ForkChoiceError> {
    if delta >= 0 {
        weight
            .checked_add(delta.unsigned_abs())
            .ok_or(ForkChoiceError::WeightOverflow { index })
    } else {
        weight
            .checked_sub(delta.unsigned_abs())
            .ok_or(ForkChoiceError::WeightUnderflow { index })
    }
}
