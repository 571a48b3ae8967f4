//! Submission of pre-signed transfers: one thread per shard, JSON-RPC batches of
//! `eth_sendRawTransaction` to the shard's node, paced to the plan's rate or sent back to back.

use std::thread;
use std::time::{Duration, Instant};

use alloy_primitives::B256;
use serde_json::{Value, json};

use super::{LoadError, LoadPlan, PresignedShard};
use crate::client::{ClientError, NodeClient};

/// Transfers per JSON-RPC batch (the node's batch limit is 100).
const BATCH: usize = 100;
/// The longest a paced submitter sleeps before looking at the clock again.
const MAX_NAP: Duration = Duration::from_millis(20);

/// What one shard's submitter did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShardSubmission {
    /// The shard.
    pub shard: u64,
    /// Transfers sent.
    pub offered: u64,
    /// Cross-shard transfers among them.
    pub offered_cross_shard: u64,
    /// Hashes of the transfers the node admitted to its pool.
    pub accepted: Vec<B256>,
    /// When each of `accepted` was sent (the send of the batch carrying it), index for index.
    pub accepted_sent_at: Vec<Instant>,
    /// Transfers refused (or lost with a failed request).
    pub refused: u64,
    /// The first refusal's reason.
    pub first_refusal: Option<String>,
    /// From the first send to the last answer.
    pub elapsed: Duration,
    /// Whether every pre-signed transfer was sent before the duration ended.
    pub exhausted: bool,
}

/// Sends each shard's transfers to `clients[i % clients.len()]` (the `i`-th of the plan's
/// shards), all shards at once, until the plan's duration ends or the transfers run out.
/// `progress` is called with the count of each answered batch.
pub fn submit_all(
    clients: &[NodeClient],
    plan: &LoadPlan,
    shards: &[PresignedShard],
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Vec<ShardSubmission>, LoadError> {
    if clients.is_empty() {
        return Err(LoadError::Plan(String::from("no node to send to")));
    }
    let rate = plan.rate_per_shard();
    let results = thread::scope(|scope| {
        let workers: Vec<_> = shards
            .iter()
            .enumerate()
            .map(|(i, batch)| {
                let client = &clients[i % clients.len()];
                scope.spawn(move || submit_shard(client, batch, rate, plan.duration, progress))
            })
            .collect();
        workers
            .into_iter()
            .map(|worker| {
                worker
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect::<Vec<_>>()
    });
    Ok(results)
}

fn submit_shard(
    client: &NodeClient,
    batch: &PresignedShard,
    rate: Option<f64>,
    duration: Duration,
    progress: &(dyn Fn(u64) + Sync),
) -> ShardSubmission {
    let transfers = &batch.transfers;
    let mut out = ShardSubmission {
        shard: batch.shard,
        offered: 0,
        offered_cross_shard: 0,
        accepted: Vec::new(),
        accepted_sent_at: Vec::new(),
        refused: 0,
        first_refusal: None,
        elapsed: Duration::ZERO,
        exhausted: false,
    };
    let start = Instant::now();
    let mut next = 0usize;
    while next < transfers.len() {
        let elapsed = start.elapsed();
        if elapsed >= duration {
            break;
        }
        let due = match rate {
            Some(rate) => ((rate * elapsed.as_secs_f64()) as usize + 1).min(transfers.len()),
            None => transfers.len(),
        };
        if due <= next {
            let rate = rate.unwrap_or(f64::INFINITY);
            let until_next =
                Duration::from_secs_f64((next as f64 + 1.0) / rate).saturating_sub(elapsed);
            thread::sleep(until_next.min(MAX_NAP));
            continue;
        }
        let end = due.min(next + BATCH);
        let chunk = &transfers[next..end];
        out.offered += chunk.len() as u64;
        out.offered_cross_shard += chunk.iter().filter(|t| t.cross_shard).count() as u64;
        let sent_at = Instant::now();
        match send_batch(
            client,
            batch.shard,
            chunk.iter().map(|t| t.raw_hex.as_str()),
        ) {
            Ok(answers) => {
                for (transfer, answer) in chunk.iter().zip(answers) {
                    match answer {
                        Ok(()) => {
                            out.accepted.push(transfer.hash);
                            out.accepted_sent_at.push(sent_at);
                        }
                        Err(reason) => {
                            out.refused += 1;
                            out.first_refusal.get_or_insert(reason);
                        }
                    }
                }
            }
            Err(error) => {
                out.refused += chunk.len() as u64;
                out.first_refusal.get_or_insert(error.to_string());
            }
        }
        progress(chunk.len() as u64);
        next = end;
    }
    out.exhausted = next == transfers.len();
    out.elapsed = start.elapsed();
    out
}

/// One JSON-RPC batch of `eth_sendRawTransaction`: per transfer, admitted or the refusal.
fn send_batch<'a>(
    client: &NodeClient,
    shard: u64,
    raws: impl Iterator<Item = &'a str>,
) -> Result<Vec<Result<(), String>>, ClientError> {
    let requests: Vec<Value> = raws
        .enumerate()
        .map(|(id, raw)| {
            json!({"jsonrpc": "2.0", "id": id, "method": "eth_sendRawTransaction", "params": [raw]})
        })
        .collect();
    let count = requests.len();
    let answer = client.post_json(&format!("/rpc/{shard}"), &Value::Array(requests))?;
    let mut results = vec![Err(String::from("no answer in the batch")); count];
    let answers = match answer {
        Value::Array(answers) => answers,
        // A batch refused whole comes back as one error object.
        single => {
            let reason = single
                .get("error")
                .map_or_else(|| single.to_string(), error_text);
            return Ok(vec![Err(reason); count]);
        }
    };
    for answer in answers {
        let Some(id) = answer.get("id").and_then(Value::as_u64) else {
            continue;
        };
        let Some(slot) = results.get_mut(id as usize) else {
            continue;
        };
        *slot = match answer.get("error") {
            Some(error) => Err(error_text(error)),
            None => Ok(()),
        };
    }
    Ok(results)
}

fn error_text(error: &Value) -> String {
    error
        .get("message")
        .and_then(Value::as_str)
        .map_or_else(|| error.to_string(), str::to_owned)
}
