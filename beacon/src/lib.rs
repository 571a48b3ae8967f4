//! The beacon chain of shardnet: consensus spec v0.12.3 phase 1 (which includes phase 0).
//!
//! - [`accessors`] and [`mutators`]: the spec's beacon state accessors (`get_*`) and mutators.
//! - [`state_transition()`]: the whole state transition of a block, on a copy of the state.
//! - [`per_slot`]: slot processing, with epoch processing ([`per_epoch`]) at epoch boundaries.
//! - [`per_block`]: block processing, one file per operation.
//! - [`custody`]: the custody game's helpers and block operations.
//! - [`shard_transition`]: the shard block state transition against its parent beacon state.
//! - [`signatures`]: how processing checks signatures (each at once, in one batch, or not at
//!   all) and the signature sets of every signed object.
//! - [`duties`]: validator duties (`validator.md`) and what each duty signs.
//! - [`production`]: honest beacon and shard block production, attestation aggregation.
//! - [`fork_choice`]: LMD-GHOST with FFG filtering on a proto-array.
//! - [`genesis`]: the genesis state from eth1 deposits, the upgrade to phase 1, interop genesis.
//!
//! This crate is pure: it takes a state and an input and returns a new state or a typed error.
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

pub mod accessors;
pub mod custody;
pub mod duties;
mod error;
pub mod fork_choice;
pub mod genesis;
pub mod mutators;
pub mod per_block;
pub mod per_epoch;
pub mod per_slot;
pub mod production;
pub mod shard_transition;
pub mod signatures;
mod state_transition;
#[cfg(test)]
mod state_transition_tests;
#[cfg(test)]
mod test_state;

pub use error::BeaconStateError;
pub use state_transition::{
    SignatureStrategy, StateTransitionError, Transition, state_transition,
    state_transition_counted, verify_block_signature,
};

use primitives::types::{Epoch, Slot};

/// `GENESIS_SLOT`.
pub const GENESIS_SLOT: Slot = 0;
/// `GENESIS_EPOCH`.
pub const GENESIS_EPOCH: Epoch = 0;
/// `FAR_FUTURE_EPOCH`: the epoch of an event that is not scheduled.
pub const FAR_FUTURE_EPOCH: Epoch = u64::MAX;
