//! Names of the well-known values of [`Column::Metadata`](crate::Column::Metadata).

/// The SSZ [`ForkChoiceAnchor`](crate::ForkChoiceAnchor).
pub const FORK_CHOICE_ANCHOR: &str = "fork_choice_anchor";
/// The head beacon block root (32 bytes).
pub const HEAD: &str = "head";
/// The genesis beacon block root (32 bytes).
pub const GENESIS_BLOCK_ROOT: &str = "genesis_block_root";
/// The genesis beacon state root (32 bytes).
pub const GENESIS_STATE_ROOT: &str = "genesis_state_root";
/// The chain's `genesis_validators_root` (32 bytes), which signatures and slashing protection
/// interchange files are bound to.
pub const GENESIS_VALIDATORS_ROOT: &str = "genesis_validators_root";
/// The slot (8 bytes, little-endian) below which the beacon chain is pruned: the next pruning
/// pass starts there instead of at slot 0.
pub const BEACON_PRUNED_BELOW: &str = "beacon_pruned_below";
/// The prefix of the slot (8 bytes, little-endian) below which a shard chain is pruned; the
/// shard number in decimal follows (`shard_pruned_below/3`).
pub const SHARD_PRUNED_BELOW: &str = "shard_pruned_below/";

/// The name of the pruning mark of `shard`.
pub fn shard_pruned_below(shard: primitives::types::Shard) -> String {
    format!("{SHARD_PRUNED_BELOW}{shard}")
}
