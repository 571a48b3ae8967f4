//! The `Store` trait: what a node keeps on disk, by key, with typed accessors over SSZ bytes.

use std::collections::HashSet;

use primitives::EthSpec;
use primitives::types::{BeaconState, Root, Shard, SignedBeaconBlock, SignedShardBlock, Slot};
use ssz::Decode;

use crate::anchor::ForkChoiceAnchor;
use crate::batch::StoreBatch;
use crate::column::{
    Column, ROOT_LEN, U64_LEN, read_root, read_u64, shard_root_key, shard_slot_prefix,
};
use crate::{StoreError, metadata};

/// A raw key and its value, as range queries return them.
pub type KeyValue = (Vec<u8>, Vec<u8>);

/// A stored beacon state, as the slot index lists it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StateSummary {
    /// The state's slot.
    pub slot: Slot,
    /// The state's root.
    pub state_root: Root,
    /// The block whose post-state (possibly advanced through empty slots) it is.
    pub block_root: Root,
}

/// What a pruning pass removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PruneSummary {
    /// Blocks removed.
    pub blocks: usize,
    /// States removed.
    pub states: usize,
}

/// Decodes the SSZ value stored under `key`, if any.
fn decode<T: Decode>(
    what: &'static str,
    key: &[u8],
    bytes: Option<Vec<u8>>,
) -> Result<Option<T>, StoreError> {
    bytes
        .map(|bytes| {
            T::from_ssz_bytes(&bytes).map_err(|error| StoreError::decode(what, key, error))
        })
        .transpose()
}

/// The beacon chain, shard chains and fork-choice anchor of one node, keyed by root.
///
/// The store holds what it is given and decides nothing: which states to keep (epoch
/// boundaries, the finalized one) and what to prune is the caller's policy. Writes go through a
/// [`StoreBatch`], applied in one transaction. The API is synchronous; an async caller runs it on
/// a blocking task. [`RedbStore`](crate::RedbStore) keeps it in one database file,
/// [`MemoryStore`](crate::MemoryStore) in memory, with the same behaviour. The typed accessors
/// are generic over the preset, so callers hold a concrete store or are generic over `S: Store`.
pub trait Store: Send + Sync {
    /// The raw value under `key` in `column`.
    fn get_bytes(&self, column: Column, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError>;

    /// The raw entries of `column` with `start <= key < end` (to the end without `end`), in key
    /// order.
    fn range_bytes(
        &self,
        column: Column,
        start: &[u8],
        end: Option<&[u8]>,
    ) -> Result<Vec<KeyValue>, StoreError>;

    /// Applies every op of `batch` in one durable transaction, or none of them: an invalid op
    /// (a key of the wrong length) or a database failure leaves the store as it was.
    fn write(&self, batch: StoreBatch) -> Result<(), StoreError>;

    /// The space the store takes: the database file's size, or the bytes held in memory.
    fn size_on_disk(&self) -> Result<u64, StoreError>;

    /// The beacon block with root `root`.
    fn beacon_block<E: EthSpec>(
        &self,
        root: &Root,
    ) -> Result<Option<SignedBeaconBlock<E>>, StoreError> {
        decode(
            "beacon block",
            root.as_slice(),
            self.get_bytes(Column::BeaconBlocks, root.as_slice())?,
        )
    }

    /// The SSZ bytes of the beacon block with root `root` (to serve peers without decoding).
    fn beacon_block_bytes(&self, root: &Root) -> Result<Option<Vec<u8>>, StoreError> {
        self.get_bytes(Column::BeaconBlocks, root.as_slice())
    }

    /// Whether the beacon block with root `root` is stored.
    fn has_beacon_block(&self, root: &Root) -> Result<bool, StoreError> {
        Ok(self.beacon_block_bytes(root)?.is_some())
    }

    /// The stored beacon blocks with `start <= slot < end`, as (slot, root), by slot (forks
    /// included: a slot may list several blocks).
    fn beacon_block_roots_by_slot(
        &self,
        start: Slot,
        end: Slot,
    ) -> Result<Vec<(Slot, Root)>, StoreError> {
        self.range_bytes(
            Column::BeaconBlockSlots,
            &start.to_be_bytes(),
            Some(&end.to_be_bytes()),
        )?
        .iter()
        .map(|(key, _)| {
            let what = "beacon block slot index";
            Ok((read_u64(key, 0, what)?, read_root(key, U64_LEN, what)?))
        })
        .collect()
    }

    /// The beacon state with root `state_root`.
    fn beacon_state<E: EthSpec>(
        &self,
        state_root: &Root,
    ) -> Result<Option<BeaconState<E>>, StoreError> {
        let key = state_root.as_slice();
        decode(
            "beacon state",
            key,
            self.get_bytes(Column::BeaconStates, key)?,
        )
    }

    /// The root of the stored post-state of block `block_root`.
    fn state_root_of_block(&self, block_root: &Root) -> Result<Option<Root>, StoreError> {
        self.get_bytes(Column::BeaconStateRootsByBlock, block_root.as_slice())?
            .map(|bytes| exact_root(block_root.as_slice(), &bytes, "state root of block"))
            .transpose()
    }

    /// The stored post-state of block `block_root`.
    fn beacon_state_by_block_root<E: EthSpec>(
        &self,
        block_root: &Root,
    ) -> Result<Option<BeaconState<E>>, StoreError> {
        match self.state_root_of_block(block_root)? {
            Some(state_root) => self.beacon_state(&state_root),
            None => Ok(None),
        }
    }

    /// The stored beacon states with `start <= slot < end`, by slot.
    fn beacon_states_by_slot(
        &self,
        start: Slot,
        end: Slot,
    ) -> Result<Vec<StateSummary>, StoreError> {
        self.range_bytes(
            Column::BeaconStateSlots,
            &start.to_be_bytes(),
            Some(&end.to_be_bytes()),
        )?
        .iter()
        .map(|(key, value)| {
            let what = "beacon state slot index";
            Ok(StateSummary {
                slot: read_u64(key, 0, what)?,
                state_root: read_root(key, U64_LEN, what)?,
                block_root: exact_root(key, value, what)?,
            })
        })
        .collect()
    }

    /// The shard block with root `root`.
    fn shard_block<E: EthSpec>(
        &self,
        root: &Root,
    ) -> Result<Option<SignedShardBlock<E>>, StoreError> {
        decode(
            "shard block",
            root.as_slice(),
            self.get_bytes(Column::ShardBlocks, root.as_slice())?,
        )
    }

    /// The SSZ bytes of the shard block with root `root`.
    fn shard_block_bytes(&self, root: &Root) -> Result<Option<Vec<u8>>, StoreError> {
        self.get_bytes(Column::ShardBlocks, root.as_slice())
    }

    /// The stored blocks of `shard` with `start <= slot < end`, as (slot, root), by slot.
    fn shard_block_roots_by_slot(
        &self,
        shard: Shard,
        start: Slot,
        end: Slot,
    ) -> Result<Vec<(Slot, Root)>, StoreError> {
        let (start, end) = (
            shard_slot_prefix(shard, start),
            shard_slot_prefix(shard, end),
        );
        self.range_bytes(Column::ShardBlockSlots, &start, Some(&end))?
            .iter()
            .map(|(key, _)| {
                let what = "shard block slot index";
                Ok((
                    read_u64(key, U64_LEN, what)?,
                    read_root(key, U64_LEN + U64_LEN, what)?,
                ))
            })
            .collect()
    }

    /// The execution state of `shard` after block `block_root`, as stored.
    fn shard_state(&self, shard: Shard, block_root: &Root) -> Result<Option<Vec<u8>>, StoreError> {
        self.get_bytes(Column::ShardStates, &shard_root_key(shard, block_root))
    }

    /// The fork-choice anchor.
    fn fork_choice_anchor(&self) -> Result<Option<ForkChoiceAnchor>, StoreError> {
        let key = metadata::FORK_CHOICE_ANCHOR.as_bytes();
        decode(
            "fork-choice anchor",
            key,
            self.get_bytes(Column::Metadata, key)?,
        )
    }

    /// The head pointer.
    fn head(&self) -> Result<Option<Root>, StoreError> {
        self.metadata_root(metadata::HEAD)
    }

    /// The metadata value under `name`.
    fn metadata(&self, name: &str) -> Result<Option<Vec<u8>>, StoreError> {
        self.get_bytes(Column::Metadata, name.as_bytes())
    }

    /// The metadata value under `name`, which must be a 32-byte root.
    fn metadata_root(&self, name: &str) -> Result<Option<Root>, StoreError> {
        self.metadata(name)?
            .map(|bytes| exact_root(name.as_bytes(), &bytes, "metadata root"))
            .transpose()
    }

    /// Removes the beacon blocks and states of slots below `below_slot` except those of the
    /// blocks in `keep` (the finalized chain), in one batch. Each pass records `below_slot`
    /// in the same batch and the next one starts there: slots below it are not looked at
    /// again.
    fn prune_beacon_chain(
        &self,
        below_slot: Slot,
        keep: &HashSet<Root>,
    ) -> Result<PruneSummary, StoreError> {
        let from_slot = self.pruning_mark(metadata::BEACON_PRUNED_BELOW)?;
        let mut batch = StoreBatch::new();
        let mut summary = PruneSummary::default();
        if below_slot <= from_slot {
            return Ok(summary);
        }
        for (slot, root) in self.beacon_block_roots_by_slot(from_slot, below_slot)? {
            if !keep.contains(&root) {
                batch.delete_beacon_block(root, slot);
                summary.blocks = summary.blocks.saturating_add(1);
            }
        }
        for state in self.beacon_states_by_slot(from_slot, below_slot)? {
            if !keep.contains(&state.block_root) {
                batch.delete_beacon_state(state.state_root, state.slot);
                summary.states = summary.states.saturating_add(1);
            }
        }
        batch.put_metadata(
            metadata::BEACON_PRUNED_BELOW,
            below_slot.to_le_bytes().to_vec(),
        );
        self.write(batch)?;
        Ok(summary)
    }

    /// Removes the blocks of `shard` at slots below `below_slot`, with their execution states,
    /// except the blocks in `keep`, in one batch. Incremental as
    /// [`Self::prune_beacon_chain`], with a mark per shard.
    fn prune_shard_chain(
        &self,
        shard: Shard,
        below_slot: Slot,
        keep: &HashSet<Root>,
    ) -> Result<PruneSummary, StoreError> {
        self.prune_shard_chain_with(shard, below_slot, keep, StoreBatch::new())
    }

    /// [`Self::prune_shard_chain`] written in one transaction with `batch` (what finality
    /// stores along with the pruning, such as the finalized execution states), which is
    /// written even when there is nothing to prune.
    fn prune_shard_chain_with(
        &self,
        shard: Shard,
        below_slot: Slot,
        keep: &HashSet<Root>,
        mut batch: StoreBatch,
    ) -> Result<PruneSummary, StoreError> {
        let mark = metadata::shard_pruned_below(shard);
        let from_slot = self.pruning_mark(&mark)?;
        let mut summary = PruneSummary::default();
        if below_slot <= from_slot {
            self.write(batch)?;
            return Ok(summary);
        }
        for (slot, root) in self.shard_block_roots_by_slot(shard, from_slot, below_slot)? {
            if !keep.contains(&root) {
                batch.delete_shard_block(root, shard, slot);
                summary.blocks = summary.blocks.saturating_add(1);
                if self.shard_state(shard, &root)?.is_some() {
                    batch.delete_shard_state(shard, root);
                    summary.states = summary.states.saturating_add(1);
                }
            }
        }
        batch.put_metadata(&mark, below_slot.to_le_bytes().to_vec());
        self.write(batch)?;
        Ok(summary)
    }

    /// The slot a pruning pass recorded under `name` (0 before the first pass):
    /// [`metadata::BEACON_PRUNED_BELOW`] or [`metadata::shard_pruned_below`].
    fn pruning_mark(&self, name: &str) -> Result<Slot, StoreError> {
        match self.metadata(name)? {
            None => Ok(0),
            Some(bytes) => bytes
                .as_slice()
                .try_into()
                .map(u64::from_le_bytes)
                .map_err(|_| {
                    StoreError::decode(
                        "pruning mark",
                        name.as_bytes(),
                        format!("{} bytes, not 8", bytes.len()),
                    )
                }),
        }
    }
}

/// A value stored under `key` that must be exactly one root.
fn exact_root(key: &[u8], bytes: &[u8], what: &'static str) -> Result<Root, StoreError> {
    if bytes.len() != ROOT_LEN {
        let reason = format!("{} bytes, not 32", bytes.len());
        return Err(StoreError::decode(what, key, reason));
    }
    read_root(bytes, 0, what).map_err(|_| StoreError::decode(what, key, "not a root"))
}
