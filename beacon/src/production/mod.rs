//! Honest block production (`phase0/validator.md` and `phase1/validator.md`): the beacon
//! block of a proposer, the shard block of a shard proposer, the aggregate of a committee's
//! attestations, and the shard blocks an attester's shard transition is built from.
//!
//! Like [`duties`](crate::duties), everything here is a pure function of a state and the
//! inputs a node gathered from the network; keys are passed only to the `propose_*` helpers
//! that sign.

mod aggregate;
mod beacon_block;
mod error;
mod shard_block;

pub use aggregate::aggregate_attestations;
pub use beacon_block::{
    BlockInputs, ProducedBlock, get_best_light_client_aggregate, produce_block, propose_block,
    sign_beacon_block,
};
pub use error::ProductionError;
pub use shard_block::{
    PendingShardBlocks, get_beacon_parent_root, get_shard_block_proposer, produce_shard_block,
    propose_shard_block,
};

#[cfg(test)]
mod tests;
