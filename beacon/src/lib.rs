//! The beacon chain of shardnet: consensus spec v0.12.3 phase 1 (which includes phase 0).
//!
//! - [`accessors`] and [`mutators`]: the spec's beacon state accessors (`get_*`) and mutators.
//! - [`per_block`]: block processing, one file per operation.
//! - [`fork_choice`]: LMD-GHOST with FFG filtering on a proto-array.
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
pub mod fork_choice;
pub mod mutators;
pub mod per_block;
