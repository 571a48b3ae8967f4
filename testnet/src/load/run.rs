//! A whole measured run over pre-signed transfers: submission, then inclusion, then the report.

use std::time::Duration;

use super::{
    LoadError, LoadPlan, LoadReport, Pacing, PresignedShard, ShardReport, count_included,
    inclusion_tps, submit_all,
};
use crate::client::NodeClient;

/// How a run observes the chain.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RunOptions {
    /// Seconds per slot of the chain.
    pub seconds_per_slot: f64,
    /// How long inclusion is waited for after the last newly included transfer.
    pub inclusion_wait: Duration,
}

/// Sends `shards` as `plan` says, finds the accepted transfers in blocks, and reports.
/// `progress` is called with each answered batch's size.
pub fn run(
    clients: &[NodeClient],
    plan: &LoadPlan,
    shards: &[PresignedShard],
    options: &RunOptions,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<LoadReport, LoadError> {
    plan.validate()?;
    if clients.is_empty() {
        return Err(LoadError::Plan(String::from("no node to send to")));
    }
    let client_of = |i: usize| &clients[i % clients.len()];
    let start_slots = shards
        .iter()
        .enumerate()
        .map(|(i, batch)| Ok(client_of(i).shard_head(batch.shard)?.slot))
        .collect::<Result<Vec<u64>, LoadError>>()?;
    let submissions = submit_all(clients, plan, shards, progress)?;
    let poll = Duration::from_secs_f64((options.seconds_per_slot / 2.0).max(0.05));
    let mut reports = Vec::with_capacity(submissions.len());
    for (i, submission) in submissions.into_iter().enumerate() {
        let found = count_included(
            client_of(i),
            submission.shard,
            start_slots[i],
            &submission.accepted,
            poll,
            options.inclusion_wait,
        )?;
        let window = submission.elapsed.as_secs_f64().max(f64::MIN_POSITIVE);
        let slots = found.first_slot.zip(found.last_slot);
        reports.push(ShardReport {
            shard: submission.shard,
            offered: submission.offered,
            offered_cross_shard: submission.offered_cross_shard,
            accepted: submission.accepted.len() as u64,
            refused: submission.refused,
            first_refusal: submission.first_refusal,
            included: found.included,
            offered_tps: submission.offered as f64 / window,
            accepted_tps: submission.accepted.len() as f64 / window,
            included_tps: inclusion_tps(found.included, slots, options.seconds_per_slot),
            inclusion_slots: slots,
        });
    }
    let (pacing, target) = match plan.pacing {
        Pacing::Rate(rate) => ("rate", Some(rate)),
        Pacing::Saturate => ("saturate", None),
    };
    Ok(LoadReport::new(
        pacing.to_owned(),
        target,
        plan.duration.as_secs_f64(),
        options.seconds_per_slot,
        reports,
    ))
}
