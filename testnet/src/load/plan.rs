//! What a load run sends: which shards, from how many accounts each, at what pace, and which
//! share of the transfers cross to another shard.

use std::time::Duration;

use super::LoadError;

/// How fast transfers are offered.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Pacing {
    /// This many transfers a second in all, spread evenly over the shards.
    Rate(f64),
    /// As fast as the nodes answer, each shard's submitter sending its next batch as soon as
    /// the last one is answered.
    Saturate,
}

/// A load run.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadPlan {
    /// The shards sent from.
    pub shards: Vec<u64>,
    /// The chain's active shard count (home shards of recipients).
    pub active_shards: u64,
    /// Sending accounts per shard.
    pub accounts: usize,
    /// The pace.
    pub pacing: Pacing,
    /// How long transfers are offered.
    pub duration: Duration,
    /// The share of transfers sent to an account of another shard, in `[0, 1]`.
    pub cross_shard: f64,
    /// Transfers signed per shard when saturating (with a rate, the rate and duration decide).
    pub saturate_budget: u64,
}

impl LoadPlan {
    /// Checks the plan's fields against each other.
    pub fn validate(&self) -> Result<(), LoadError> {
        if self.shards.is_empty() {
            return Err(LoadError::Plan(String::from("no shard to send from")));
        }
        if let Some(shard) = self.shards.iter().find(|s| **s >= self.active_shards) {
            return Err(LoadError::Plan(format!(
                "shard {shard} is not active: the chain has {} active shards",
                self.active_shards
            )));
        }
        if self.accounts == 0 {
            return Err(LoadError::Plan(String::from("no sending account")));
        }
        if !(0.0..=1.0).contains(&self.cross_shard) {
            return Err(LoadError::Plan(format!(
                "cross-shard share {} is not between 0 and 1",
                self.cross_shard
            )));
        }
        if self.cross_shard > 0.0 && self.active_shards < 2 {
            return Err(LoadError::Plan(String::from(
                "cross-shard transfers need at least two active shards",
            )));
        }
        if self.duration.is_zero() {
            return Err(LoadError::Plan(String::from("the duration is zero")));
        }
        match self.pacing {
            Pacing::Rate(rate) if !(rate.is_finite() && rate > 0.0) => Err(LoadError::Plan(
                format!("rate {rate} is not a positive number of transfers a second"),
            )),
            Pacing::Saturate if self.saturate_budget == 0 => Err(LoadError::Plan(String::from(
                "no transfer to saturate with",
            ))),
            _ => Ok(()),
        }
    }

    /// Transfers offered per second by each shard's submitter (`None` when saturating).
    pub fn rate_per_shard(&self) -> Option<f64> {
        match self.pacing {
            Pacing::Rate(rate) => Some(rate / self.shards.len().max(1) as f64),
            Pacing::Saturate => None,
        }
    }

    /// Transfers to sign for each shard.
    pub fn transfers_per_shard(&self) -> u64 {
        match self.rate_per_shard() {
            // At least one, so that a low rate over a short run still sends something.
            Some(rate) => ((rate * self.duration.as_secs_f64()).ceil() as u64).max(1),
            None => self.saturate_budget,
        }
    }
}

/// Whether transfer `i` of a shard's sequence crosses shards, with `share` of them crossing:
/// exactly `floor(n * share)` of the first `n` do, spread evenly.
pub fn is_cross_shard(i: u64, share: f64) -> bool {
    let before = (i as f64 * share).floor();
    let after = ((i + 1) as f64 * share).floor();
    after > before
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan() -> LoadPlan {
        LoadPlan {
            shards: vec![0, 1],
            active_shards: 4,
            accounts: 8,
            pacing: Pacing::Rate(100.0),
            duration: Duration::from_secs(3),
            cross_shard: 0.1,
            saturate_budget: 1000,
        }
    }

    #[test]
    fn the_cross_shard_share_is_exact() {
        for share in [0.0, 0.1, 0.25, 0.5, 1.0] {
            let crossing = (0..1000).filter(|i| is_cross_shard(*i, share)).count();
            assert_eq!(crossing, (1000.0 * share) as usize, "share {share}");
        }
    }

    #[test]
    fn the_rate_is_split_over_the_shards() {
        let plan = plan();
        plan.validate().unwrap();
        assert_eq!(plan.rate_per_shard(), Some(50.0));
        assert_eq!(plan.transfers_per_shard(), 150);
        let saturate = LoadPlan {
            pacing: Pacing::Saturate,
            ..plan
        };
        assert_eq!(saturate.transfers_per_shard(), 1000);
    }

    #[test]
    fn bad_plans_are_refused() {
        let bad = [
            LoadPlan {
                shards: vec![],
                ..plan()
            },
            LoadPlan {
                shards: vec![4],
                ..plan()
            },
            LoadPlan {
                accounts: 0,
                ..plan()
            },
            LoadPlan {
                cross_shard: 1.5,
                ..plan()
            },
            LoadPlan {
                active_shards: 1,
                shards: vec![0],
                ..plan()
            },
            LoadPlan {
                pacing: Pacing::Rate(0.0),
                ..plan()
            },
            LoadPlan {
                pacing: Pacing::Rate(f64::NAN),
                ..plan()
            },
            LoadPlan {
                duration: Duration::ZERO,
                ..plan()
            },
        ];
        for plan in bad {
            assert!(
                matches!(plan.validate(), Err(LoadError::Plan(_))),
                "{plan:?}"
            );
        }
    }
}
