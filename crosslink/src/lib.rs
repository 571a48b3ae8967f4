//! shardnet crosslinks: what a beacon block's shard transitions mean, without a beacon state.
//!
//! - [`gasprice`]: `compute_updated_gasprice`, the per-shard gas price rule.
//! - [`tally`]: the 2/3 rule of a crosslink, per shard and per shard transition root.
//! - [`transition`]: a `ShardTransition`'s internal consistency (lengths, offset slots, gas
//!   prices, data roots) and the shard block headers it stands for.
//! - [`proposer`]: how an honest attester builds a `ShardTransition` from shard blocks.
//! - [`shard_block`]: the shard block state transition of `shard-transition.md`, with its
//!   beacon inputs (proposer, parent beacon root, offset slots) passed in.
//! - [`receipt_proof`]: proofs that a crosslinked shard block emitted a cross-shard receipt,
//!   built from a beacon block and checked against a beacon state's block roots.
//!
//! Whatever reads a `BeaconState` (committees, proposers, balances) lives in the `beacon` crate,
//! which computes those inputs and calls in here; the one exception is the block-root lookup of
//! receipt proofs, which reads `block_roots` and `historical_roots` directly. This crate is
//! pure: no I/O, no clock.
#![cfg_attr(
    not(test),
    deny(
        clippy::arithmetic_side_effects,
        clippy::indexing_slicing,
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic
    )
)]

mod error;
pub mod gasprice;
pub mod proposer;
pub mod receipt_proof;
pub mod shard_block;
pub mod tally;
pub mod transition;

pub use error::{ArithmeticError, ShardBlockInvalid, ShardTransitionInvalid};
pub use gasprice::compute_updated_gasprice;
pub use proposer::{ShardTransitionFields, get_shard_transition, get_shard_transition_fields};
pub use receipt_proof::{
    BeaconReceiptVerifier, BlockRootLookup, ReceiptProofError, ReceiptProofs, build_receipt_proof,
    verify_receipt_proof, with_historical_branch,
};
pub use shard::payload::CrossShardReceiptProof;
pub use shard_block::process_shard_block;
pub use tally::{CrosslinkTally, RootVotes, ShardTally, is_enough_online_stake};
pub use transition::{
    Proposal, chain_shard_block_headers, post_shard_state, verify_data_against_blocks,
    verify_shard_transition,
};

use primitives::types::SignatureBytes;

/// `NO_SIGNATURE`: the stub signature of a transition or aggregate nobody signed.
pub const NO_SIGNATURE: SignatureBytes = SignatureBytes([0; 96]);
