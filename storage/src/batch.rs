//! `StoreBatch`: writes that land together or not at all.

use primitives::EthSpec;
use primitives::types::{BeaconState, Root, Shard, SignedBeaconBlock, SignedShardBlock, Slot};
use ssz::Encode;

use crate::anchor::ForkChoiceAnchor;
use crate::column::{Column, shard_root_key, shard_slot_root_key, slot_root_key};
use crate::engine::{Engine, KvWrite};
use crate::{StoreError, metadata};

/// One raw write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreOp {
    /// Store `value` under `key` in `column`, replacing any previous value.
    Put {
        /// The column.
        column: Column,
        /// The key (its length is checked against the column's).
        key: Vec<u8>,
        /// The value.
        value: Vec<u8>,
    },
    /// Remove `key` from `column`.
    Delete {
        /// The column.
        column: Column,
        /// The key.
        key: Vec<u8>,
    },
}

impl StoreOp {
    /// Applies the op inside a write transaction, after checking its key.
    pub(crate) fn apply(&self, txn: &mut dyn KvWrite) -> Result<(), StoreError> {
        match self {
            Self::Put { column, key, value } => {
                column.check_key(key)?;
                txn.put(column.name(), key, value)
            }
            Self::Delete { column, key } => {
                column.check_key(key)?;
                txn.delete(column.name(), key)
            }
        }
    }
}

/// Writes applied by [`Store::write`](crate::Store::write) in one transaction: either all of
/// them are visible afterwards or none is, even across a crash.
///
/// The typed methods keep the indexes consistent with the items (a beacon block and its slot
/// index entry, a shard block and its (shard, slot) entry) because they always go together.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StoreBatch {
    ops: Vec<StoreOp>,
}

impl StoreBatch {
    /// An empty batch.
    pub fn new() -> Self {
        Self::default()
    }

    /// The ops, in order.
    pub fn ops(&self) -> &[StoreOp] {
        &self.ops
    }

    /// Whether the batch holds no op.
    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }

    /// Applies the batch in one write transaction of `engine`.
    pub(crate) fn write_to(&self, engine: &Engine) -> Result<(), StoreError> {
        if self.ops.is_empty() {
            return Ok(());
        }
        engine.write(|txn| self.ops.iter().try_for_each(|op| op.apply(txn)))
    }

    /// Adds a raw op.
    pub fn push(&mut self, op: StoreOp) -> &mut Self {
        self.ops.push(op);
        self
    }

    /// Adds a raw put.
    pub fn put_raw(&mut self, column: Column, key: Vec<u8>, value: Vec<u8>) -> &mut Self {
        self.push(StoreOp::Put { column, key, value })
    }

    /// Adds a raw delete.
    pub fn delete_raw(&mut self, column: Column, key: Vec<u8>) -> &mut Self {
        self.push(StoreOp::Delete { column, key })
    }

    /// Stores a beacon block under its root, indexed by its slot.
    pub fn put_beacon_block<E: EthSpec>(
        &mut self,
        root: Root,
        block: &SignedBeaconBlock<E>,
    ) -> &mut Self {
        self.put_raw(Column::BeaconBlocks, root.to_vec(), block.as_ssz_bytes());
        self.put_raw(
            Column::BeaconBlockSlots,
            slot_root_key(block.message.slot, &root),
            Vec::new(),
        )
    }

    /// Removes a beacon block stored at `slot`, its slot index entry and its post-state root
    /// link (the state itself goes with [`Self::delete_beacon_state`]).
    pub fn delete_beacon_block(&mut self, root: Root, slot: Slot) -> &mut Self {
        self.delete_raw(Column::BeaconBlocks, root.to_vec());
        self.delete_raw(Column::BeaconBlockSlots, slot_root_key(slot, &root));
        self.delete_raw(Column::BeaconStateRootsByBlock, root.to_vec())
    }

    /// Stores a beacon state under its root, as the post-state of `block_root`, indexed by its
    /// slot.
    pub fn put_beacon_state<E: EthSpec>(
        &mut self,
        state_root: Root,
        block_root: Root,
        state: &BeaconState<E>,
    ) -> &mut Self {
        self.put_raw(
            Column::BeaconStates,
            state_root.to_vec(),
            state.as_ssz_bytes(),
        );
        self.put_raw(
            Column::BeaconStateSlots,
            slot_root_key(state.slot, &state_root),
            block_root.to_vec(),
        );
        self.put_raw(
            Column::BeaconStateRootsByBlock,
            block_root.to_vec(),
            state_root.to_vec(),
        )
    }

    /// Removes a beacon state stored at `slot` and its slot index entry.
    pub fn delete_beacon_state(&mut self, state_root: Root, slot: Slot) -> &mut Self {
        self.delete_raw(Column::BeaconStates, state_root.to_vec());
        self.delete_raw(Column::BeaconStateSlots, slot_root_key(slot, &state_root))
    }

    /// Stores a shard block under its root, indexed by (shard, slot).
    pub fn put_shard_block<E: EthSpec>(
        &mut self,
        root: Root,
        block: &SignedShardBlock<E>,
    ) -> &mut Self {
        let message = &block.message;
        self.put_raw(Column::ShardBlocks, root.to_vec(), block.as_ssz_bytes());
        self.put_raw(
            Column::ShardBlockSlots,
            shard_slot_root_key(message.shard, message.slot, &root),
            Vec::new(),
        )
    }

    /// Removes a shard block of `shard` at `slot` and its index entry.
    pub fn delete_shard_block(&mut self, root: Root, shard: Shard, slot: Slot) -> &mut Self {
        self.delete_raw(Column::ShardBlocks, root.to_vec());
        self.delete_raw(
            Column::ShardBlockSlots,
            shard_slot_root_key(shard, slot, &root),
        )
    }

    /// Stores the execution state of `shard` after block `block_root` (opaque bytes: the store
    /// does not read them).
    pub fn put_shard_state(&mut self, shard: Shard, block_root: Root, state: Vec<u8>) -> &mut Self {
        self.put_raw(
            Column::ShardStates,
            shard_root_key(shard, &block_root),
            state,
        )
    }

    /// Removes the execution state of `shard` after `block_root`.
    pub fn delete_shard_state(&mut self, shard: Shard, block_root: Root) -> &mut Self {
        self.delete_raw(Column::ShardStates, shard_root_key(shard, &block_root))
    }

    /// Replaces the fork-choice anchor.
    pub fn put_fork_choice_anchor(&mut self, anchor: &ForkChoiceAnchor) -> &mut Self {
        self.put_metadata(metadata::FORK_CHOICE_ANCHOR, anchor.as_ssz_bytes())
    }

    /// Replaces the head pointer (the beacon block root fork choice last chose).
    pub fn put_head(&mut self, head_block_root: Root) -> &mut Self {
        self.put_metadata(metadata::HEAD, head_block_root.to_vec())
    }

    /// Stores a metadata value under `name`.
    pub fn put_metadata(&mut self, name: &str, value: Vec<u8>) -> &mut Self {
        self.put_raw(Column::Metadata, name.as_bytes().to_vec(), value)
    }

    /// Removes the metadata value under `name`.
    pub fn delete_metadata(&mut self, name: &str) -> &mut Self {
        self.delete_raw(Column::Metadata, name.as_bytes().to_vec())
    }
}
