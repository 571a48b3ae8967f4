//! How long until a deposited validator is active: the stages of `process_deposit` and
//! `process_registry_updates`, and the activation churn that drains the queue.
//!
//! A deposit on shard 0 reaches the beacon state once the shard block holding it is finalized
//! and an eth1 vote period has agreed on it; the validator is then `pending_initialized`, is
//! made eligible at the next epoch's end (`pending_queued`), waits until its eligibility epoch
//! is finalized and the churn of `max(MIN_PER_EPOCH_CHURN_LIMIT, active / CHURN_LIMIT_QUOTIENT)`
//! validators an epoch reaches it, and activates `1 + MAX_SEED_LOOKAHEAD` epochs after being
//! dequeued. The estimate assumes finality two epochs behind the head, as on a healthy chain.

use primitives::types::Epoch;

/// Epochs between an epoch and its finalization on a healthy chain.
const FINALITY_LAG: u64 = 2;

/// The constants the activation queue depends on, as the network reports them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChurnParams {
    /// `MIN_PER_EPOCH_CHURN_LIMIT`.
    pub min_per_epoch_churn_limit: u64,
    /// `CHURN_LIMIT_QUOTIENT`.
    pub churn_limit_quotient: u64,
    /// `MAX_SEED_LOOKAHEAD`.
    pub max_seed_lookahead: u64,
    /// `EPOCHS_PER_ETH1_VOTING_PERIOD`.
    pub epochs_per_eth1_voting_period: u64,
}

/// Where a validator stands on its way in (and out).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Its deposit is on shard 0 but not yet in the beacon state.
    Deposited,
    /// In the registry, not yet eligible (`pending_initialized`).
    PendingInitialized,
    /// In the activation queue (`pending_queued`) behind `ahead` validators, with its
    /// activation epoch once it is dequeued.
    PendingQueued {
        /// Queued validators before it (by eligibility epoch, then index).
        ahead: u64,
        /// Its eligibility epoch.
        eligibility_epoch: Epoch,
        /// Its activation epoch, if already scheduled.
        activation_epoch: Option<Epoch>,
    },
    /// Active.
    Active,
}

/// `get_validator_churn_limit` for `active` validators.
pub fn churn_limit(active: u64, params: &ChurnParams) -> u64 {
    let by_quotient = active.checked_div(params.churn_limit_quotient).unwrap_or(0);
    by_quotient.max(params.min_per_epoch_churn_limit).max(1)
}

/// Epochs from `current` until a validator at `stage` is active, with `active` validators in
/// the registry, `queued` in the activation queue, and `finalized` the finalized epoch.
pub fn activation_eta_epochs(
    stage: Stage,
    current: Epoch,
    finalized: Epoch,
    active: u64,
    queued: u64,
    params: &ChurnParams,
) -> u64 {
    let churn = churn_limit(active, params);
    let delay = 1 + params.max_seed_lookahead;
    let queue_epochs = |ahead: u64| ahead / churn;
    match stage {
        Stage::Active => 0,
        Stage::PendingQueued {
            activation_epoch: Some(epoch),
            ..
        } => epoch.saturating_sub(current),
        Stage::PendingQueued {
            ahead,
            eligibility_epoch,
            activation_epoch: None,
        } => {
            // Dequeued once its eligibility epoch is finalized and the churn reaches it.
            let until_final = if eligibility_epoch > finalized {
                (eligibility_epoch + FINALITY_LAG).saturating_sub(current)
            } else {
                0
            };
            until_final.max(queue_epochs(ahead)) + delay
        }
        Stage::PendingInitialized => 1 + FINALITY_LAG + queue_epochs(queued) + delay,
        Stage::Deposited => {
            FINALITY_LAG
                + params.epochs_per_eth1_voting_period
                + 1
                + FINALITY_LAG
                + queue_epochs(queued)
                + delay
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PARAMS: ChurnParams = ChurnParams {
        min_per_epoch_churn_limit: 4,
        churn_limit_quotient: 65_536,
        max_seed_lookahead: 4,
        epochs_per_eth1_voting_period: 32,
    };

    #[test]
    fn the_churn_limit_has_a_floor() {
        assert_eq!(churn_limit(64, &PARAMS), 4);
        assert_eq!(churn_limit(65_536 * 10, &PARAMS), 10);
    }

    #[test]
    fn the_queue_drains_at_the_churn() {
        let queued = |ahead| Stage::PendingQueued {
            ahead,
            eligibility_epoch: 3,
            activation_epoch: None,
        };
        // Eligible and finalized: the queue alone, then the activation delay.
        assert_eq!(activation_eta_epochs(queued(0), 10, 8, 64, 0, &PARAMS), 5);
        assert_eq!(activation_eta_epochs(queued(40), 10, 8, 64, 0, &PARAMS), 15);
        // Scheduled: exactly the epochs left.
        let scheduled = Stage::PendingQueued {
            ahead: 0,
            eligibility_epoch: 3,
            activation_epoch: Some(14),
        };
        assert_eq!(activation_eta_epochs(scheduled, 10, 8, 64, 0, &PARAMS), 4);
        assert_eq!(
            activation_eta_epochs(Stage::Active, 10, 8, 64, 0, &PARAMS),
            0
        );
        // Earlier stages take longer.
        let initialized = activation_eta_epochs(Stage::PendingInitialized, 10, 8, 64, 8, &PARAMS);
        let deposited = activation_eta_epochs(Stage::Deposited, 10, 8, 64, 8, &PARAMS);
        assert!(initialized > 5 && deposited > initialized);
    }
}
