//! The store's tables ("columns") and how their keys are laid out.
//!
//! Integers in keys are big-endian so that key order is numeric order, which is what makes the
//! slot indexes answer range queries.

use primitives::types::{Root, Shard, Slot};

use crate::StoreError;

/// A table of the block store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Column {
    /// Block root -> SSZ `SignedBeaconBlock`.
    BeaconBlocks,
    /// Slot ++ block root -> nothing: the beacon blocks of each slot.
    BeaconBlockSlots,
    /// State root -> SSZ `BeaconState`.
    BeaconStates,
    /// Slot ++ state root -> block root: the stored states of each slot and their blocks.
    BeaconStateSlots,
    /// Block root -> state root: the post-state of a block, where it was stored.
    BeaconStateRootsByBlock,
    /// Block root -> SSZ `SignedShardBlock`.
    ShardBlocks,
    /// Shard ++ slot ++ block root -> nothing: the shard blocks of each (shard, slot).
    ShardBlockSlots,
    /// Shard ++ block root -> opaque bytes: what the node keeps of a finalized shard block's
    /// execution (its execution state and receipts), so that a restart need not re-execute it.
    ShardStates,
    /// UTF-8 name -> bytes: the head, the fork-choice anchor, genesis and other singletons.
    Metadata,
}

impl Column {
    /// Every column.
    pub const ALL: [Self; 9] = [
        Self::BeaconBlocks,
        Self::BeaconBlockSlots,
        Self::BeaconStates,
        Self::BeaconStateSlots,
        Self::BeaconStateRootsByBlock,
        Self::ShardBlocks,
        Self::ShardBlockSlots,
        Self::ShardStates,
        Self::Metadata,
    ];

    /// The table's name in the database.
    pub fn name(self) -> &'static str {
        match self {
            Self::BeaconBlocks => "beacon_blocks",
            Self::BeaconBlockSlots => "beacon_block_slots",
            Self::BeaconStates => "beacon_states",
            Self::BeaconStateSlots => "beacon_state_slots",
            Self::BeaconStateRootsByBlock => "beacon_state_roots_by_block",
            Self::ShardBlocks => "shard_blocks",
            Self::ShardBlockSlots => "shard_block_slots",
            Self::ShardStates => "shard_states",
            Self::Metadata => "metadata",
        }
    }

    /// The length every key of the column has; `None` for metadata names.
    pub fn key_len(self) -> Option<usize> {
        match self {
            Self::BeaconBlocks
            | Self::BeaconStates
            | Self::BeaconStateRootsByBlock
            | Self::ShardBlocks => Some(ROOT_LEN),
            Self::BeaconBlockSlots | Self::BeaconStateSlots | Self::ShardStates => {
                Some(U64_LEN + ROOT_LEN)
            }
            Self::ShardBlockSlots => Some(U64_LEN + U64_LEN + ROOT_LEN),
            Self::Metadata => None,
        }
    }

    /// Refuses a key of the wrong length (or an empty or overlong metadata name).
    pub(crate) fn check_key(self, key: &[u8]) -> Result<(), StoreError> {
        let expected = self.key_len().unwrap_or(MAX_METADATA_KEY_LEN);
        let valid = match self.key_len() {
            Some(len) => key.len() == len,
            None => !key.is_empty() && key.len() <= MAX_METADATA_KEY_LEN,
        };
        if valid {
            Ok(())
        } else {
            Err(StoreError::InvalidKey {
                column: self.name(),
                len: key.len(),
                expected,
            })
        }
    }
}

/// Bytes of a root.
pub(crate) const ROOT_LEN: usize = 32;
/// Bytes of a big-endian `u64`.
pub(crate) const U64_LEN: usize = 8;
/// The longest metadata name.
pub const MAX_METADATA_KEY_LEN: usize = 128;

/// `slot ++ root`.
pub(crate) fn slot_root_key(slot: Slot, root: &Root) -> Vec<u8> {
    [&slot.to_be_bytes()[..], root.as_slice()].concat()
}

/// `shard ++ slot ++ root`.
pub(crate) fn shard_slot_root_key(shard: Shard, slot: Slot, root: &Root) -> Vec<u8> {
    [
        &shard.to_be_bytes()[..],
        &slot.to_be_bytes()[..],
        root.as_slice(),
    ]
    .concat()
}

/// `shard ++ slot`, the prefix that starts the range of a shard's slot.
pub(crate) fn shard_slot_prefix(shard: Shard, slot: Slot) -> Vec<u8> {
    [&shard.to_be_bytes()[..], &slot.to_be_bytes()[..]].concat()
}

/// `shard ++ root`.
pub(crate) fn shard_root_key(shard: Shard, root: &Root) -> Vec<u8> {
    [&shard.to_be_bytes()[..], root.as_slice()].concat()
}

/// Reads a big-endian `u64` at `offset` of `key`.
pub(crate) fn read_u64(key: &[u8], offset: usize, what: &'static str) -> Result<u64, StoreError> {
    offset
        .checked_add(U64_LEN)
        .and_then(|end| key.get(offset..end))
        .and_then(|bytes| <[u8; U64_LEN]>::try_from(bytes).ok())
        .map(u64::from_be_bytes)
        .ok_or_else(|| StoreError::decode(what, key, "key too short for a u64"))
}

/// Reads a root at `offset` of `bytes`.
pub(crate) fn read_root(
    bytes: &[u8],
    offset: usize,
    what: &'static str,
) -> Result<Root, StoreError> {
    offset
        .checked_add(ROOT_LEN)
        .and_then(|end| bytes.get(offset..end))
        .and_then(|bytes| <[u8; ROOT_LEN]>::try_from(bytes).ok())
        .map(Root::from)
        .ok_or_else(|| StoreError::decode(what, bytes, "too short for a root"))
}
