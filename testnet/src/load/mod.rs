//! Load generation: transfers signed ahead of time per shard ([`presign`]), submitted to the
//! nodes at a target rate or as fast as they take them (`submit`), then found in the shards'
//! blocks (`inclusion`) to report offered, accepted and included load (`report`).
//!
//! Signing stays out of the measured window: a run signs everything first, so what is timed is
//! the nodes' admission and inclusion, not the generator's secp256k1.

mod error;
mod inclusion;
mod plan;
mod presign;
mod report;
mod run;
mod submit;

pub use error::LoadError;
pub use inclusion::{Inclusion, count_included};
pub use plan::{LoadPlan, Pacing, is_cross_shard};
pub use presign::{FeeParams, PresignedShard, PresignedTransfer, load_senders, presign};
pub use report::{LoadReport, ShardReport, inclusion_tps};
pub use run::{RunOptions, run};
pub use submit::{ShardSubmission, submit_all};
