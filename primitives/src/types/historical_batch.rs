//! `HistoricalBatch` (phase 0 beacon chain).

use serde::{Deserialize, Serialize};
use ssz_derive::{Decode, Encode};
use ssz_types::FixedVector;
use tree_hash_derive::TreeHash;

use crate::EthSpec;
use crate::types::Root;

/// `HistoricalBatch`: one `SLOTS_PER_HISTORICAL_ROOT` window of block and state roots.
#[derive(
    Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, Encode, Decode, TreeHash,
)]
#[serde(bound = "E: EthSpec")]
pub struct HistoricalBatch<E: EthSpec> {
    /// Block roots of the window.
    pub block_roots: FixedVector<Root, E::SlotsPerHistoricalRoot>,
    /// State roots of the window.
    pub state_roots: FixedVector<Root, E::SlotsPerHistoricalRoot>,
}
