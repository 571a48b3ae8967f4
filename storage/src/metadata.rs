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
