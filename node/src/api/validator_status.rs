//! The validator status of the Beacon API, from a registry entry, its balance and an epoch.

use std::fmt;
use std::str::FromStr;

use primitives::types::{Epoch, Gwei, Validator};
use serde::{Deserialize, Serialize};

use super::ApiError;

/// `FAR_FUTURE_EPOCH`: the epoch of an event not scheduled.
const FAR_FUTURE_EPOCH: Epoch = u64::MAX;

/// A validator's status: the lifecycle of the Beacon API's `ValidatorStatus`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ValidatorStatus {
    /// Deposited, not yet eligible for the activation queue.
    PendingInitialized,
    /// In the activation queue.
    PendingQueued,
    /// Active, no exit scheduled.
    ActiveOngoing,
    /// Active, a voluntary exit scheduled.
    ActiveExiting,
    /// Active, slashed and scheduled to exit.
    ActiveSlashed,
    /// Exited, not slashed, not yet withdrawable.
    ExitedUnslashed,
    /// Exited after a slashing, not yet withdrawable.
    ExitedSlashed,
    /// Withdrawable, funds still in the registry.
    WithdrawalPossible,
    /// Withdrawable and nothing left.
    WithdrawalDone,
}

impl ValidatorStatus {
    /// Every status, in lifecycle order.
    pub const ALL: [Self; 9] = [
        Self::PendingInitialized,
        Self::PendingQueued,
        Self::ActiveOngoing,
        Self::ActiveExiting,
        Self::ActiveSlashed,
        Self::ExitedUnslashed,
        Self::ExitedSlashed,
        Self::WithdrawalPossible,
        Self::WithdrawalDone,
    ];

    /// The status of `validator` with `balance` at `epoch`.
    pub fn of(validator: &Validator, balance: Gwei, epoch: Epoch) -> Self {
        if epoch < validator.activation_epoch {
            if validator.activation_eligibility_epoch == FAR_FUTURE_EPOCH {
                Self::PendingInitialized
            } else {
                Self::PendingQueued
            }
        } else if epoch < validator.exit_epoch {
            if validator.exit_epoch == FAR_FUTURE_EPOCH {
                Self::ActiveOngoing
            } else if validator.slashed {
                Self::ActiveSlashed
            } else {
                Self::ActiveExiting
            }
        } else if epoch < validator.withdrawable_epoch {
            if validator.slashed {
                Self::ExitedSlashed
            } else {
                Self::ExitedUnslashed
            }
        } else if balance == 0 {
            Self::WithdrawalDone
        } else {
            Self::WithdrawalPossible
        }
    }

    /// The name the API uses.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::PendingInitialized => "pending_initialized",
            Self::PendingQueued => "pending_queued",
            Self::ActiveOngoing => "active_ongoing",
            Self::ActiveExiting => "active_exiting",
            Self::ActiveSlashed => "active_slashed",
            Self::ExitedUnslashed => "exited_unslashed",
            Self::ExitedSlashed => "exited_slashed",
            Self::WithdrawalPossible => "withdrawal_possible",
            Self::WithdrawalDone => "withdrawal_done",
        }
    }

    /// The general class: `pending`, `active`, `exited` or `withdrawal`.
    pub fn class(self) -> &'static str {
        match self {
            Self::PendingInitialized | Self::PendingQueued => "pending",
            Self::ActiveOngoing | Self::ActiveExiting | Self::ActiveSlashed => "active",
            Self::ExitedUnslashed | Self::ExitedSlashed => "exited",
            Self::WithdrawalPossible | Self::WithdrawalDone => "withdrawal",
        }
    }

    /// Whether a `status` query filter (a status or a class name) selects this status.
    pub fn matches(self, filter: &str) -> bool {
        filter == self.as_str() || filter == self.class()
    }

    /// Checks a `status` query filter: a status or a class name.
    pub fn parse_filter(filter: &str) -> Result<&str, ApiError> {
        if Self::ALL.iter().any(|status| status.matches(filter)) {
            Ok(filter)
        } else {
            Err(ApiError::bad_request(format!(
                "unknown validator status `{filter}`"
            )))
        }
    }
}

impl fmt::Display for ValidatorStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ValidatorStatus {
    type Err = ApiError;

    fn from_str(text: &str) -> Result<Self, ApiError> {
        Self::ALL
            .into_iter()
            .find(|status| status.as_str() == text)
            .ok_or_else(|| ApiError::bad_request(format!("unknown validator status `{text}`")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn validator(eligible: Epoch, active: Epoch, exit: Epoch, withdrawable: Epoch) -> Validator {
        Validator {
            activation_eligibility_epoch: eligible,
            activation_epoch: active,
            exit_epoch: exit,
            withdrawable_epoch: withdrawable,
            ..Validator::default()
        }
    }

    #[test]
    fn follows_the_lifecycle() {
        use ValidatorStatus::*;
        let far = FAR_FUTURE_EPOCH;
        let deposited = validator(far, far, far, far);
        assert_eq!(ValidatorStatus::of(&deposited, 32, 5), PendingInitialized);
        let queued = validator(3, far, far, far);
        assert_eq!(ValidatorStatus::of(&queued, 32, 5), PendingQueued);
        let active = validator(0, 2, far, far);
        assert_eq!(ValidatorStatus::of(&active, 32, 1), PendingQueued);
        assert_eq!(ValidatorStatus::of(&active, 32, 2), ActiveOngoing);
        let exiting = validator(0, 2, 10, 20);
        assert_eq!(ValidatorStatus::of(&exiting, 32, 9), ActiveExiting);
        assert_eq!(ValidatorStatus::of(&exiting, 32, 10), ExitedUnslashed);
        assert_eq!(ValidatorStatus::of(&exiting, 32, 20), WithdrawalPossible);
        assert_eq!(ValidatorStatus::of(&exiting, 0, 20), WithdrawalDone);
        let slashed = Validator {
            slashed: true,
            ..exiting
        };
        assert_eq!(ValidatorStatus::of(&slashed, 32, 9), ActiveSlashed);
        assert_eq!(ValidatorStatus::of(&slashed, 32, 10), ExitedSlashed);
    }

    #[test]
    fn names_and_filters() {
        for status in ValidatorStatus::ALL {
            assert_eq!(status.as_str().parse::<ValidatorStatus>().unwrap(), status);
            assert_eq!(
                serde_json::to_string(&status).unwrap(),
                format!("\"{status}\"")
            );
            assert!(status.matches(status.class()));
        }
        assert!(ValidatorStatus::ActiveExiting.matches("active"));
        assert!(!ValidatorStatus::ActiveExiting.matches("exited"));
        assert!(ValidatorStatus::parse_filter("withdrawal").is_ok());
        assert_eq!(
            ValidatorStatus::parse_filter("asleep").unwrap_err().code,
            400
        );
    }
}
