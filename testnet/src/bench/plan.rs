//! What a throughput sweep runs: the shard counts, and what is held fixed from one count to the
//! next (nodes, validators per shard, offered load per shard, slot time, block capacity, the
//! warm-up and the measured window).

use std::collections::BTreeMap;
use std::time::Duration;

use crate::load::{LoadPlan, Pacing};
use crate::spec::TestnetSpec;

use super::BenchError;

/// A sweep over shard counts.
#[derive(Debug, Clone, PartialEq)]
pub struct BenchPlan {
    /// The shard counts, one testnet each, in this order.
    pub shard_counts: Vec<u64>,
    /// Node processes of every testnet; each tracks every shard.
    pub nodes: usize,
    /// Validators per active shard: a testnet of `S` shards has `S` times as many.
    pub validators_per_shard: u64,
    /// The slot time, milliseconds.
    pub slot_ms: u64,
    /// `SLOTS_PER_EPOCH` of every testnet.
    pub slots_per_epoch: u64,
    /// Transfers offered a second to each shard.
    pub rate_per_shard: f64,
    /// The share of transfers paying an account of another shard (none with one shard).
    pub cross_shard: f64,
    /// Sending accounts per shard (prefunded at genesis).
    pub accounts: usize,
    /// Slots of load before the measured window.
    pub warmup_slots: u64,
    /// Slots measured.
    pub window_slots: u64,
    /// The longest wait, in slots after the window, for its blocks to be finalized.
    pub finality_wait_slots: u64,
    /// Seconds from a testnet's creation to its genesis.
    pub genesis_delay_secs: u64,
    /// How often the chain is looked at, for the latencies.
    pub poll: Duration,
}

impl Default for BenchPlan {
    fn default() -> Self {
        Self {
            shard_counts: vec![1, 2, 4, 8],
            nodes: 4,
            validators_per_shard: 32,
            slot_ms: 2000,
            slots_per_epoch: 4,
            rate_per_shard: 400.0,
            cross_shard: 0.1,
            accounts: 100,
            warmup_slots: 8,
            window_slots: 16,
            finality_wait_slots: 24,
            genesis_delay_secs: 6,
            poll: Duration::from_millis(200),
        }
    }
}

impl BenchPlan {
    /// Checks the plan's values against each other.
    pub fn validate(&self) -> Result<(), BenchError> {
        let bad = |reason: String| Err(BenchError::Plan(reason));
        if self.shard_counts.is_empty() {
            return bad(String::from("no shard count to run"));
        }
        if self.shard_counts.contains(&0) {
            return bad(String::from("a shard count of 0"));
        }
        if self.nodes == 0 {
            return bad(String::from("no node"));
        }
        if self.validators_per_shard == 0 {
            return bad(String::from("no validator per shard"));
        }
        if self.slot_ms == 0 || self.slots_per_epoch == 0 {
            return bad(String::from(
                "the slot time and the epoch length must be positive",
            ));
        }
        if !(self.rate_per_shard.is_finite() && self.rate_per_shard > 0.0) {
            return bad(format!(
                "rate {} is not a positive number of transfers a second",
                self.rate_per_shard
            ));
        }
        if !(0.0..=1.0).contains(&self.cross_shard) {
            return bad(format!(
                "cross-shard share {} is not between 0 and 1",
                self.cross_shard
            ));
        }
        if self.accounts == 0 || self.accounts > node::datadir::DEFAULT_ACCOUNTS_PER_SHARD {
            return bad(format!(
                "{} sending accounts: a shard has 1 to {} prefunded accounts",
                self.accounts,
                node::datadir::DEFAULT_ACCOUNTS_PER_SHARD
            ));
        }
        if self.window_slots == 0 {
            return bad(String::from("the measured window is empty"));
        }
        for shards in &self.shard_counts {
            self.testnet_spec(*shards).check()?;
            self.testnet_spec(*shards)
                .network_spec(node::datadir::unix_now())?;
        }
        Ok(())
    }

    /// Seconds per slot.
    pub fn seconds_per_slot(&self) -> f64 {
        self.slot_ms as f64 / 1000.0
    }

    /// The testnet of `shards` shards.
    pub fn testnet_spec(&self, shards: u64) -> TestnetSpec {
        let mut overrides = BTreeMap::new();
        overrides.insert(
            String::from("SLOTS_PER_EPOCH"),
            toml::Value::Integer(i64::try_from(self.slots_per_epoch).unwrap_or(i64::MAX)),
        );
        TestnetSpec {
            nodes: self.nodes,
            validators: self.validators_per_shard.saturating_mul(shards),
            shards,
            slot_ms: self.slot_ms,
            genesis_delay_secs: self.genesis_delay_secs,
            overrides,
            ..TestnetSpec::default()
        }
    }

    /// The load offered to a testnet of `shards` shards: every shard at `rate_per_shard`
    /// through the warm-up, the window and one slot more.
    pub fn load_plan(&self, shards: u64) -> LoadPlan {
        let slots = self.warmup_slots + self.window_slots + 1;
        LoadPlan {
            shards: (0..shards).collect(),
            active_shards: shards,
            accounts: self.accounts,
            pacing: Pacing::Rate(self.rate_per_shard * shards as f64),
            duration: Duration::from_millis(self.slot_ms.saturating_mul(slots)),
            cross_shard: if shards > 1 { self.cross_shard } else { 0.0 },
            saturate_budget: 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validators_grow_with_shards_and_load_is_per_shard() {
        let plan = BenchPlan::default();
        plan.validate().unwrap();
        for shards in [1, 2, 4, 8] {
            let spec = plan.testnet_spec(shards);
            assert_eq!(spec.validators, 32 * shards);
            assert_eq!(spec.shards, shards);
            let load = plan.load_plan(shards);
            load.validate().unwrap();
            assert_eq!(load.rate_per_shard(), Some(400.0));
            assert_eq!(load.shards.len() as u64, shards);
        }
        assert_eq!(plan.load_plan(1).cross_shard, 0.0);
        assert_eq!(plan.load_plan(2).cross_shard, 0.1);
    }

    #[test]
    fn bad_plans_are_refused() {
        let bad = [
            BenchPlan {
                shard_counts: vec![],
                ..BenchPlan::default()
            },
            BenchPlan {
                shard_counts: vec![1, 0],
                ..BenchPlan::default()
            },
            BenchPlan {
                rate_per_shard: -1.0,
                ..BenchPlan::default()
            },
            BenchPlan {
                accounts: 1000,
                ..BenchPlan::default()
            },
            BenchPlan {
                window_slots: 0,
                ..BenchPlan::default()
            },
            BenchPlan {
                validators_per_shard: 1,
                ..BenchPlan::default()
            },
        ];
        for plan in bad {
            assert!(plan.validate().is_err(), "{plan:?}");
        }
    }
}
