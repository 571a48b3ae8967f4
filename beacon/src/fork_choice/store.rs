//! The spec's fork-choice `Store` and its handlers (`on_tick`, `on_block`, `on_attestation`,
//! `get_head`) on top of the proto-array.
//!
//! Differences from the spec:
//! - No states are kept. `on_block` takes the post-state's checkpoints from the caller, which
//!   ran `state_transition`; `on_attestation` takes an attestation whose indexed form the caller
//!   already checked against the target checkpoint state (`is_valid_indexed_attestation`);
//!   `get_head` takes the justified state's balances (effective balance of each validator
//!   active in its current epoch, zero otherwise).
//! - Time is in milliseconds, so `SECONDS_PER_SLOT` may be fractional.
//! - Blocks that do not descend from the finalized block are pruned (see [`ProtoArray`]). If a
//!   best-justified checkpoint off the finalized chain is later adopted by `on_tick`, `get_head`
//!   reports `UnknownJustifiedRoot` where the spec would still walk the pruned branch.
//! - Phase 1: `update_latest_messages` also records a [`ShardLatestMessage`] per shard, as the
//!   phase 1 `Store.shard_stores[shard].latest_messages`; shard blocks and states belong to
//!   the shard fork choice, not here.
//! - Equivocators (see [`votes`](crate::fork_choice::votes)) are ignored, as in the later spec.

use std::collections::{BTreeMap, HashMap};

use primitives::math::{compute_epoch_at_slot, compute_start_slot_at_epoch};
use primitives::types::{
    BeaconBlock, BeaconState, Checkpoint, Epoch, Gwei, Root, Shard, Slot, ValidatorIndex,
};
use primitives::{ChainConfig, EthSpec};
use tree_hash::TreeHash;

use crate::fork_choice::error::ForkChoiceError;
use crate::fork_choice::proto_array::ProtoArray;
use crate::fork_choice::votes::{Votes, compute_deltas};

mod on_attestation;

/// `GENESIS_SLOT`.
const GENESIS_SLOT: Slot = 0;
/// Nodes before the finalized block that trigger pruning (as Lighthouse's default).
const DEFAULT_PRUNE_THRESHOLD: usize = 256;

/// `ShardLatestMessage` (phase 1): a validator's latest shard head vote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ShardLatestMessage {
    /// The attestation's target epoch.
    pub epoch: Epoch,
    /// `attestation.data.shard_head_root`.
    pub root: Root,
}

/// The checkpoints of a block's post-state, computed by the caller's state transition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostStateCheckpoints {
    /// `state.current_justified_checkpoint`.
    pub current_justified_checkpoint: Checkpoint,
    /// `state.finalized_checkpoint`.
    pub finalized_checkpoint: Checkpoint,
}

/// `Store`: the fork choice's view of time, checkpoints, blocks and latest messages.
#[derive(Debug, Clone)]
pub struct ForkChoiceStore {
    config: ChainConfig,
    /// `store.time`, in milliseconds since the Unix epoch.
    time_ms: u64,
    /// `store.genesis_time`, in seconds.
    genesis_time: u64,
    justified_checkpoint: Checkpoint,
    finalized_checkpoint: Checkpoint,
    best_justified_checkpoint: Checkpoint,
    proto_array: ProtoArray,
    votes: Votes,
    /// The balances counted in the proto-array's weights since the last `get_head`.
    balances: Vec<Gwei>,
    shard_latest_messages: BTreeMap<Shard, HashMap<ValidatorIndex, ShardLatestMessage>>,
}

impl ForkChoiceStore {
    /// `get_forkchoice_store`: a store anchored at a trusted state and its block.
    pub fn get_forkchoice_store<E: EthSpec>(
        config: &ChainConfig,
        anchor_state: &BeaconState<E>,
        anchor_block: &BeaconBlock<E>,
    ) -> Result<Self, ForkChoiceError> {
        let state_root = anchor_state.tree_hash_root();
        if anchor_block.state_root != state_root {
            return Err(ForkChoiceError::AnchorStateMismatch {
                block_state_root: anchor_block.state_root,
                state_root,
            });
        }
        Self::from_anchor(
            config,
            anchor_state.genesis_time,
            anchor_state.slot,
            anchor_block.slot,
            anchor_block.tree_hash_root(),
            state_root,
        )
    }

    /// A store anchored at a block already known to commit to a state at `anchor_state_slot`.
    pub fn from_anchor(
        config: &ChainConfig,
        genesis_time: u64,
        anchor_state_slot: Slot,
        anchor_block_slot: Slot,
        anchor_root: Root,
        anchor_state_root: Root,
    ) -> Result<Self, ForkChoiceError> {
        let slot_duration_ms = config.seconds_per_slot.as_millis();
        let anchor_checkpoint = Checkpoint {
            epoch: compute_epoch_at_slot(anchor_state_slot, config)?,
            root: anchor_root,
        };
        let time_ms = anchor_state_slot
            .checked_mul(slot_duration_ms)
            .and_then(|since| genesis_time.checked_mul(1000)?.checked_add(since))
            .ok_or(ForkChoiceError::TimeOverflow)?;
        Ok(Self {
            config: config.clone(),
            time_ms,
            genesis_time,
            justified_checkpoint: anchor_checkpoint.clone(),
            finalized_checkpoint: anchor_checkpoint.clone(),
            best_justified_checkpoint: anchor_checkpoint.clone(),
            proto_array: ProtoArray::new(
                config.slots_per_epoch,
                DEFAULT_PRUNE_THRESHOLD,
                anchor_block_slot,
                anchor_root,
                anchor_state_root,
                anchor_checkpoint,
            ),
            votes: Votes::new(),
            balances: Vec::new(),
            shard_latest_messages: BTreeMap::new(),
        })
    }

    /// `store.time` in milliseconds.
    pub fn time_ms(&self) -> u64 {
        self.time_ms
    }

    /// `store.justified_checkpoint`.
    pub fn justified_checkpoint(&self) -> &Checkpoint {
        &self.justified_checkpoint
    }

    /// `store.finalized_checkpoint`.
    pub fn finalized_checkpoint(&self) -> &Checkpoint {
        &self.finalized_checkpoint
    }

    /// `store.best_justified_checkpoint`.
    pub fn best_justified_checkpoint(&self) -> &Checkpoint {
        &self.best_justified_checkpoint
    }

    /// The blocks and their weights.
    pub fn proto_array(&self) -> &ProtoArray {
        &self.proto_array
    }

    /// `store.latest_messages`, with equivocators removed.
    pub fn votes(&self) -> &Votes {
        &self.votes
    }

    /// `store.shard_stores[shard].latest_messages[validator_index]` (phase 1).
    pub fn shard_latest_message(
        &self,
        shard: Shard,
        validator_index: ValidatorIndex,
    ) -> Option<ShardLatestMessage> {
        self.shard_latest_messages
            .get(&shard)?
            .get(&validator_index)
            .copied()
    }

    /// `get_current_slot` (with `get_slots_since_genesis`).
    pub fn get_current_slot(&self) -> Result<Slot, ForkChoiceError> {
        self.slot_at(self.time_ms)
    }

    fn slot_at(&self, time_ms: u64) -> Result<Slot, ForkChoiceError> {
        let genesis_time_ms = self
            .genesis_time
            .checked_mul(1000)
            .ok_or(ForkChoiceError::TimeOverflow)?;
        let since_genesis =
            time_ms
                .checked_sub(genesis_time_ms)
                .ok_or(ForkChoiceError::TimeBeforeGenesis {
                    time_ms,
                    genesis_time_ms,
                })?;
        let slots = since_genesis
            .checked_div(self.config.seconds_per_slot.as_millis())
            .ok_or(ForkChoiceError::ZeroSlotDuration)?;
        Ok(GENESIS_SLOT.saturating_add(slots))
    }

    pub(super) fn epoch_at(&self, slot: Slot) -> Result<Epoch, ForkChoiceError> {
        Ok(compute_epoch_at_slot(slot, &self.config)?)
    }

    pub(super) fn start_slot(&self, epoch: Epoch) -> Result<Slot, ForkChoiceError> {
        Ok(compute_start_slot_at_epoch(epoch, &self.config)?)
    }

    /// `compute_slots_since_epoch_start`.
    fn slots_since_epoch_start(&self, slot: Slot) -> Result<u64, ForkChoiceError> {
        let start = self.start_slot(self.epoch_at(slot)?)?;
        Ok(slot.saturating_sub(start))
    }

    /// `on_tick`, with `time_ms` in milliseconds since the Unix epoch. A time not after
    /// `store.time` changes nothing (the spec calls `on_tick` only when time advances).
    ///
    /// Crossing several epoch boundaries at once acts as ticking through each slot would: the
    /// spec's update is idempotent, so it runs once.
    pub fn on_tick(&mut self, time_ms: u64) -> Result<(), ForkChoiceError> {
        if time_ms <= self.time_ms {
            return Ok(());
        }
        let previous_epoch = self.epoch_at(self.get_current_slot()?)?;
        let current_epoch = self.epoch_at(self.slot_at(time_ms)?)?;
        self.time_ms = time_ms;
        if current_epoch > previous_epoch
            && self.best_justified_checkpoint.epoch > self.justified_checkpoint.epoch
        {
            self.justified_checkpoint = self.best_justified_checkpoint.clone();
        }
        Ok(())
    }

    /// `should_update_justified_checkpoint`: a conflicting justified checkpoint is adopted only
    /// in the first `SAFE_SLOTS_TO_UPDATE_JUSTIFIED` slots of an epoch (bouncing attack).
    pub fn should_update_justified_checkpoint(
        &self,
        new_justified_checkpoint: &Checkpoint,
    ) -> Result<bool, ForkChoiceError> {
        if self.slots_since_epoch_start(self.get_current_slot()?)?
            < self.config.safe_slots_to_update_justified
        {
            return Ok(true);
        }
        let justified_slot = self.start_slot(self.justified_checkpoint.epoch)?;
        let ancestor = self
            .proto_array
            .get_ancestor(&new_justified_checkpoint.root, justified_slot);
        Ok(ancestor == Some(self.justified_checkpoint.root))
    }

    /// `on_block`, for a block whose state transition the caller ran: `block_root` is
    /// `hash_tree_root(block)` and `post_state` holds the post-state's checkpoints.
    ///
    /// On error the store is unchanged.
    pub fn on_block<E: EthSpec>(
        &mut self,
        block: &BeaconBlock<E>,
        block_root: Root,
        post_state: &PostStateCheckpoints,
    ) -> Result<(), ForkChoiceError> {
        if !self.proto_array.contains_block(&block.parent_root) {
            return Err(ForkChoiceError::UnknownParent {
                block_root,
                parent_root: block.parent_root,
            });
        }
        let current_slot = self.get_current_slot()?;
        if block.slot > current_slot {
            return Err(ForkChoiceError::FutureBlock {
                slot: block.slot,
                current_slot,
            });
        }
        let finalized_slot = self.start_slot(self.finalized_checkpoint.epoch)?;
        if block.slot <= finalized_slot {
            return Err(ForkChoiceError::NotAfterFinalized {
                slot: block.slot,
                finalized_slot,
            });
        }
        if self
            .proto_array
            .get_ancestor(&block.parent_root, finalized_slot)
            != Some(self.finalized_checkpoint.root)
        {
            return Err(ForkChoiceError::NotDescendantOfFinalized { block_root });
        }

        // Decide every checkpoint update before changing anything, so that errors leave the
        // store as it was.
        let state_justified = &post_state.current_justified_checkpoint;
        let state_finalized = &post_state.finalized_checkpoint;
        let mut justified = self.justified_checkpoint.clone();
        let mut best_justified = self.best_justified_checkpoint.clone();
        let mut finalized = self.finalized_checkpoint.clone();
        if state_justified.epoch > justified.epoch {
            if state_justified.epoch > best_justified.epoch {
                best_justified = state_justified.clone();
            }
            if self.should_update_justified_checkpoint(state_justified)? {
                justified = state_justified.clone();
            }
        }
        if state_finalized.epoch > finalized.epoch {
            finalized = state_finalized.clone();
            if justified != *state_justified {
                if state_justified.epoch > justified.epoch {
                    justified = state_justified.clone();
                } else {
                    let new_finalized_slot = self.start_slot(finalized.epoch)?;
                    let ancestor = self
                        .proto_array
                        .get_ancestor(&justified.root, new_finalized_slot);
                    if ancestor != Some(finalized.root) {
                        justified = state_justified.clone();
                    }
                }
            }
        }

        self.proto_array.on_block(
            block.slot,
            block_root,
            block.parent_root,
            block.state_root,
            state_justified.clone(),
            state_finalized.clone(),
        )?;
        self.justified_checkpoint = justified;
        self.best_justified_checkpoint = best_justified;
        self.finalized_checkpoint = finalized;
        Ok(())
    }

    /// `get_head`, with the justified checkpoint state's balances (zero for validators not
    /// active in its current epoch). Prunes below finality afterwards.
    pub fn get_head(&mut self, justified_balances: &[Gwei]) -> Result<Root, ForkChoiceError> {
        let (deltas, recount) = compute_deltas(
            self.proto_array.indices(),
            &self.votes,
            &self.balances,
            justified_balances,
        )?;
        self.proto_array.apply_score_changes(
            deltas,
            &self.justified_checkpoint,
            &self.finalized_checkpoint,
        )?;
        recount.apply(&mut self.votes);
        justified_balances.clone_into(&mut self.balances);
        let head = self
            .proto_array
            .find_head(&self.justified_checkpoint.root)?;
        self.proto_array
            .maybe_prune(&self.finalized_checkpoint.root)?;
        Ok(head)
    }
}
