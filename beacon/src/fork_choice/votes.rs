//! Validators' latest messages (`Store.latest_messages`) and their conversion into per-block
//! weight deltas for the proto-array.
//!
//! Equivocation: v0.12.3 has no rule for it; shardnet adopts the later spec's
//! `store.equivocating_indices` (consensus-specs v1.1 `on_attester_slashing`): a validator
//! caught equivocating loses the weight of its latest message at the next `compute_deltas`, and
//! its attestations are ignored from then on.

use std::collections::HashMap;

use primitives::types::{Epoch, Gwei, Root, ValidatorIndex};

use crate::fork_choice::error::ForkChoiceError;

/// `LatestMessage`: a validator's latest LMD vote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LatestMessage {
    /// The attestation's target epoch.
    pub epoch: Epoch,
    /// The block voted for.
    pub root: Root,
}

/// One validator's vote as the proto-array last counted it, and its latest message.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct VoteTracker {
    /// The block whose weight holds this validator's balance since the last `compute_deltas`.
    counted_root: Option<Root>,
    latest: Option<LatestMessage>,
    equivocating: bool,
}

/// Every validator's latest message, indexed by validator index.
#[derive(Debug, Clone, Default)]
pub struct Votes {
    trackers: Vec<VoteTracker>,
}

impl Votes {
    /// No votes.
    pub fn new() -> Self {
        Self::default()
    }

    /// The latest message of `validator_index`, if any (none once it equivocated).
    pub fn latest_message(&self, validator_index: ValidatorIndex) -> Option<LatestMessage> {
        let tracker = self.tracker(validator_index)?;
        if tracker.equivocating {
            return None;
        }
        tracker.latest
    }

    /// Whether `validator_index` was marked as equivocating.
    pub fn is_equivocating(&self, validator_index: ValidatorIndex) -> bool {
        self.tracker(validator_index)
            .is_some_and(|tracker| tracker.equivocating)
    }

    /// `update_latest_messages` for one validator: the vote replaces the latest message only
    /// when none is known or its target epoch is newer. Returns whether it replaced it.
    ///
    /// Storage grows to the largest index seen: indices must come from verified attestations,
    /// which bounds them by the validator registry.
    pub fn process_attestation(
        &mut self,
        validator_index: ValidatorIndex,
        root: Root,
        target_epoch: Epoch,
    ) -> Result<bool, ForkChoiceError> {
        if self.is_equivocating(validator_index) {
            return Ok(false);
        }
        let tracker = self.tracker_mut(validator_index)?;
        if tracker
            .latest
            .is_some_and(|latest| target_epoch <= latest.epoch)
        {
            return Ok(false);
        }
        tracker.latest = Some(LatestMessage {
            epoch: target_epoch,
            root,
        });
        Ok(true)
    }

    /// Marks `validator_index` as equivocating: its weight goes at the next `compute_deltas`
    /// and its later attestations are ignored.
    pub fn mark_equivocating(
        &mut self,
        validator_index: ValidatorIndex,
    ) -> Result<(), ForkChoiceError> {
        self.tracker_mut(validator_index)?.equivocating = true;
        Ok(())
    }

    fn tracker(&self, validator_index: ValidatorIndex) -> Option<&VoteTracker> {
        self.trackers.get(usize::try_from(validator_index).ok()?)
    }

    fn tracker_mut(
        &mut self,
        validator_index: ValidatorIndex,
    ) -> Result<&mut VoteTracker, ForkChoiceError> {
        let out_of_range = ForkChoiceError::ValidatorIndexOutOfRange(validator_index);
        let index = usize::try_from(validator_index).map_err(|_| out_of_range.clone())?;
        if index >= self.trackers.len() {
            let len = index.checked_add(1).ok_or(out_of_range.clone())?;
            self.trackers.resize_with(len, VoteTracker::default);
        }
        self.trackers.get_mut(index).ok_or(out_of_range)
    }
}

/// The weight change of each proto-array node (by index in `indices`) since the last call:
/// votes that moved, balances that changed (`old_balances` were counted last time,
/// `new_balances` are the justified state's now), equivocators removed.
///
/// A vote for a block not in `indices` (unknown or pruned) counts nowhere until the block is
/// known. `votes` is not changed: once the deltas are applied, [`Recount::apply`] records where
/// each vote now counts, so a failed application leaves votes and weights in agreement.
pub fn compute_deltas(
    indices: &HashMap<Root, usize>,
    votes: &Votes,
    old_balances: &[Gwei],
    new_balances: &[Gwei],
) -> Result<(Vec<i64>, Recount), ForkChoiceError> {
    let mut deltas = vec![0i64; indices.len()];
    let mut recounted: Vec<(usize, Option<Root>)> = Vec::new();
    for (validator, tracker) in votes.trackers.iter().enumerate() {
        let latest_root = if tracker.equivocating {
            None
        } else {
            tracker.latest.map(|latest| latest.root)
        };
        let old_balance = old_balances.get(validator).copied().unwrap_or(0);
        let new_balance = new_balances.get(validator).copied().unwrap_or(0);
        // Most votes do not move between calls: skip them before any hash lookup.
        if tracker.counted_root == latest_root && old_balance == new_balance {
            continue;
        }
        let next_root = latest_root.filter(|root| indices.contains_key(root));
        if tracker.counted_root == next_root && old_balance == new_balance {
            continue;
        }
        if let Some(index) = tracker.counted_root.and_then(|root| indices.get(&root)) {
            let amount = signed_balance(validator, old_balance)?;
            add_delta(&mut deltas, *index, amount.checked_neg())?;
        }
        if let Some(index) = next_root.and_then(|root| indices.get(&root)) {
            let amount = signed_balance(validator, new_balance)?;
            add_delta(&mut deltas, *index, Some(amount))?;
        }
        if tracker.counted_root != next_root {
            recounted.push((validator, next_root));
        }
    }
    Ok((deltas, Recount { recounted }))
}

/// The votes whose counted block changed in a [`compute_deltas`].
#[derive(Debug, Clone, Default)]
#[must_use = "votes and weights disagree until the recount is applied"]
pub struct Recount {
    recounted: Vec<(usize, Option<Root>)>,
}

impl Recount {
    /// Records that the deltas were applied: each vote now counts for its new block.
    pub fn apply(self, votes: &mut Votes) {
        for (validator, root) in self.recounted {
            if let Some(tracker) = votes.trackers.get_mut(validator) {
                tracker.counted_root = root;
            }
        }
    }
}

fn signed_balance(validator: usize, balance: Gwei) -> Result<i64, ForkChoiceError> {
    i64::try_from(balance).map_err(|_| ForkChoiceError::BalanceTooLarge {
        validator_index: u64::try_from(validator).unwrap_or(u64::MAX),
        balance,
    })
}

fn add_delta(deltas: &mut [i64], index: usize, amount: Option<i64>) -> Result<(), ForkChoiceError> {
    let delta = deltas
        .get_mut(index)
        .ok_or(ForkChoiceError::InvalidNodeIndex { index })?;
    *delta = amount
        .and_then(|amount| delta.checked_add(amount))
        .ok_or(ForkChoiceError::DeltaOverflow { index })?;
    Ok(())
}
