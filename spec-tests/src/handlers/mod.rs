//! The registered handlers, one module per runner.

pub mod bls;
pub mod custody;
pub mod epoch_processing;
pub mod epoch_rewards;
pub mod genesis;
pub mod operations;
pub mod rewards;
pub mod sanity;
pub mod sanity_blocks;
pub mod shuffling;
pub mod ssz_generic;
pub mod ssz_static;

use crate::Handler;

/// Every handler this runner knows.
pub fn all() -> impl Iterator<Item = &'static Handler> {
    [
        bls::HANDLERS,
        custody::HANDLERS,
        epoch_processing::HANDLERS,
        genesis::HANDLERS,
        operations::HANDLERS,
        sanity::HANDLERS,
        sanity_blocks::HANDLERS,
        rewards::HANDLERS,
        epoch_rewards::HANDLERS,
        ssz_generic::HANDLERS,
        shuffling::HANDLERS,
        ssz_static::HANDLERS,
    ]
    .into_iter()
    .flatten()
}

/// The runners (`<preset>/<fork>/<runner>`) that have a test function in `tests/vectors.rs`.
pub const RUNNERS: &[(&str, &str, &str)] = &[
    ("general", "phase0", "bls"),
    ("general", "phase0", "ssz_generic"),
    ("minimal", "phase0", "genesis"),
    ("minimal", "phase0", "shuffling"),
    ("minimal", "phase1", "epoch_processing"),
    ("minimal", "phase1", "finality"),
    ("minimal", "phase1", "genesis"),
    ("minimal", "phase1", "operations"),
    ("minimal", "phase1", "sanity"),
    ("minimal", "phase1", "rewards"),
    ("minimal", "phase1", "ssz_static"),
];

/// Runner directories whose consensus code does not exist yet. Their cases are counted and
/// reported as skipped with this reason; they are not silently passed over.
pub const PENDING: &[(&str, &str, &str, &str)] = &[];
