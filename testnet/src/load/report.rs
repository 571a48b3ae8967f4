//! The report of a load run: offered, accepted and included transfers per shard and in all,
//! and the throughput at inclusion, as text or JSON.

use std::fmt;

use serde::Serialize;

/// One shard's figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ShardReport {
    /// The shard.
    pub shard: u64,
    /// Transfers sent.
    pub offered: u64,
    /// Cross-shard transfers among them.
    pub offered_cross_shard: u64,
    /// Transfers the node admitted.
    pub accepted: u64,
    /// Transfers refused.
    pub refused: u64,
    /// The first refusal's reason.
    pub first_refusal: Option<String>,
    /// Accepted transfers found in canonical blocks.
    pub included: u64,
    /// Transfers offered a second over the submission window.
    pub offered_tps: f64,
    /// Transfers accepted a second over the submission window.
    pub accepted_tps: f64,
    /// Included transfers a second over the slots that hold them.
    pub included_tps: f64,
    /// The first and last slots holding an included transfer.
    pub inclusion_slots: Option<(u64, u64)>,
}

/// The whole run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LoadReport {
    /// `rate` or `saturate`.
    pub pacing: String,
    /// The target rate in all shards (transfers a second), when paced.
    pub target_tps: Option<f64>,
    /// The submission window, seconds.
    pub duration_secs: f64,
    /// Seconds per slot of the chain.
    pub seconds_per_slot: f64,
    /// Per shard.
    pub shards: Vec<ShardReport>,
    /// Sums over the shards.
    pub offered: u64,
    /// Sum of accepted.
    pub accepted: u64,
    /// Sum of included.
    pub included: u64,
    /// Sum of the shards' offered rates.
    pub offered_tps: f64,
    /// Sum of the shards' accepted rates.
    pub accepted_tps: f64,
    /// Included transfers a second over the slots from the first to the last inclusion on any
    /// shard.
    pub included_tps: f64,
}

impl LoadReport {
    /// Totals over `shards`.
    pub fn new(
        pacing: String,
        target_tps: Option<f64>,
        duration_secs: f64,
        seconds_per_slot: f64,
        shards: Vec<ShardReport>,
    ) -> Self {
        let included: u64 = shards.iter().map(|s| s.included).sum();
        let first = shards
            .iter()
            .filter_map(|s| s.inclusion_slots)
            .map(|s| s.0)
            .min();
        let last = shards
            .iter()
            .filter_map(|s| s.inclusion_slots)
            .map(|s| s.1)
            .max();
        let included_tps = inclusion_tps(included, first.zip(last), seconds_per_slot);
        Self {
            pacing,
            target_tps,
            duration_secs,
            seconds_per_slot,
            offered: shards.iter().map(|s| s.offered).sum(),
            accepted: shards.iter().map(|s| s.accepted).sum(),
            included,
            offered_tps: shards.iter().map(|s| s.offered_tps).sum(),
            accepted_tps: shards.iter().map(|s| s.accepted_tps).sum(),
            included_tps,
            shards,
        }
    }
}

/// Included transfers a second for `included` transfers over the slots `first..=last`.
pub fn inclusion_tps(included: u64, slots: Option<(u64, u64)>, seconds_per_slot: f64) -> f64 {
    match slots {
        Some((first, last)) if seconds_per_slot > 0.0 => {
            included as f64 / ((last.saturating_sub(first) + 1) as f64 * seconds_per_slot)
        }
        _ => 0.0,
    }
}

impl fmt::Display for LoadReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.target_tps {
            Some(target) => writeln!(
                f,
                "load: {target:.0} tx/s target over {:.1} s",
                self.duration_secs
            )?,
            None => writeln!(f, "load: saturating for {:.1} s", self.duration_secs)?,
        }
        writeln!(
            f,
            "{:>6} {:>9} {:>9} {:>9} {:>9} {:>11} {:>11} {:>11}",
            "shard",
            "offered",
            "accepted",
            "refused",
            "included",
            "offered/s",
            "accepted/s",
            "included/s"
        )?;
        for s in &self.shards {
            writeln!(
                f,
                "{:>6} {:>9} {:>9} {:>9} {:>9} {:>11.1} {:>11.1} {:>11.1}",
                s.shard,
                s.offered,
                s.accepted,
                s.refused,
                s.included,
                s.offered_tps,
                s.accepted_tps,
                s.included_tps
            )?;
        }
        writeln!(
            f,
            "{:>6} {:>9} {:>9} {:>9} {:>9} {:>11.1} {:>11.1} {:>11.1}",
            "all",
            self.offered,
            self.accepted,
            self.shards.iter().map(|s| s.refused).sum::<u64>(),
            self.included,
            self.offered_tps,
            self.accepted_tps,
            self.included_tps
        )?;
        for s in &self.shards {
            if let Some(reason) = &s.first_refusal {
                writeln!(f, "shard {} first refusal: {reason}", s.shard)?;
            }
        }
        Ok(())
    }
}
