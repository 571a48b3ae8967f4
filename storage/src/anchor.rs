//! `ForkChoiceAnchor`: where fork choice restarts from after a restart.

use primitives::types::{Checkpoint, Root};
use ssz_derive::{Decode, Encode};

/// The finalized and justified checkpoints and the block and state fork choice is rebuilt from
/// on restart. The node writes it, with the states it names, in the same batch whenever finality
/// advances, so the anchor never names a state the store does not hold.
#[derive(Debug, Clone, PartialEq, Eq, Default, Encode, Decode)]
pub struct ForkChoiceAnchor {
    /// The finalized checkpoint.
    pub finalized_checkpoint: Checkpoint,
    /// The justified checkpoint.
    pub justified_checkpoint: Checkpoint,
    /// Root of the anchor block (the finalized block, or genesis).
    pub anchor_block_root: Root,
    /// Root of the anchor block's post-state.
    pub anchor_state_root: Root,
}
