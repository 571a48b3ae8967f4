//! Watching a node's shard chains while load runs: when each shard block first appears in the
//! canonical chain, when a crosslink in the head state first covers it and when a finalized
//! one does, and which transfers and receipt claims it carries. The latencies of the sweep are
//! differences between these moments and the submissions, at the resolution of the poll.

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use alloy_primitives::B256;
use primitives::types::Root;
use serde_json::Value;

use crate::client::{ClientError, NodeClient, ShardBlockSummary};

/// Block summaries per listing request (the node's limit).
const PAGE: u64 = 64;

/// One shard block as observed.
#[derive(Debug, Clone, PartialEq)]
pub struct BlockRecord {
    /// The shard.
    pub shard: u64,
    /// The slot.
    pub slot: u64,
    /// When it was first listed as canonical.
    pub seen_at: Instant,
    /// When a crosslink of the head state was first seen to cover it.
    pub crosslinked_at: Option<Instant>,
    /// When a finalized crosslink was first seen to cover it.
    pub finalized_at: Option<Instant>,
    /// The hashes of its transfers.
    pub transactions: Vec<B256>,
    /// The source transaction hashes of the cross-shard receipts it claims.
    pub claims: Vec<B256>,
}

/// What an observer saw.
#[derive(Debug, Clone, Default)]
pub struct Observation {
    /// Every block seen, by root.
    pub blocks: HashMap<Root, BlockRecord>,
    /// The canonical block of each `(shard, slot)` at the last look.
    pub canonical: BTreeMap<(u64, u64), Root>,
    /// Requests that failed (the node busy or slow); the poll went on.
    pub failed_requests: u64,
}

impl Observation {
    /// The canonical blocks, in shard and slot order.
    pub fn canonical_blocks(&self) -> impl Iterator<Item = &BlockRecord> {
        self.canonical
            .values()
            .filter_map(|root| self.blocks.get(root))
    }
}

/// A thread polling one node's shard chains until finished.
#[derive(Debug)]
pub struct Observer {
    stop: Arc<AtomicBool>,
    handle: JoinHandle<Observation>,
    latest: Arc<std::sync::Mutex<Progress>>,
}

/// The latest state of the chains as observed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Progress {
    /// The lowest slot, over shards, up to which every block is covered by a finalized
    /// crosslink (each shard's first block not so covered, minimum over shards).
    pub finalized_through: u64,
    /// The highest head slot over shards.
    pub head: u64,
}

impl Observer {
    /// Starts polling `shards` shards of `client`'s node every `poll`.
    pub fn start(client: NodeClient, shards: u64, poll: Duration) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let latest = Arc::new(std::sync::Mutex::new(Progress::default()));
        let handle = {
            let stop = stop.clone();
            let latest = latest.clone();
            thread::spawn(move || {
                let mut state = Watch::new(shards);
                while !stop.load(Ordering::SeqCst) {
                    let started = Instant::now();
                    for shard in 0..shards {
                        if let Err(_error) = state.poll_shard(&client, shard) {
                            state.observation.failed_requests += 1;
                        }
                    }
                    if let Ok(mut progress) = latest.lock() {
                        *progress = state.progress();
                    }
                    thread::sleep(poll.saturating_sub(started.elapsed()));
                }
                state.observation
            })
        };
        Self {
            stop,
            handle,
            latest,
        }
    }

    /// How far the chains are, as last observed.
    pub fn progress(&self) -> Progress {
        self.latest.lock().map_or_else(|e| *e.into_inner(), |p| *p)
    }

    /// Stops polling and returns what was seen.
    pub fn finish(self) -> Observation {
        self.stop.store(true, Ordering::SeqCst);
        self.handle
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    }
}

struct Watch {
    observation: Observation,
    /// Per shard, the first slot not yet known to be finalized.
    from_slot: Vec<u64>,
    head: Vec<u64>,
}

impl Watch {
    fn new(shards: u64) -> Self {
        Self {
            observation: Observation::default(),
            from_slot: vec![0; shards as usize],
            head: vec![0; shards as usize],
        }
    }

    fn progress(&self) -> Progress {
        Progress {
            finalized_through: self.from_slot.iter().copied().min().unwrap_or(0),
            head: self.head.iter().copied().max().unwrap_or(0),
        }
    }

    fn poll_shard(&mut self, client: &NodeClient, shard: u64) -> Result<(), ClientError> {
        let index = shard as usize;
        let mut start = self.from_slot[index];
        let mut listed: Vec<ShardBlockSummary> = Vec::new();
        loop {
            let page = client.shard_blocks(shard, Some(start), PAGE)?;
            let full = page.len() as u64 == PAGE;
            let last = page.last().map(|block| block.slot);
            listed.extend(page);
            match last {
                Some(slot) if full => start = slot + 1,
                _ => break,
            }
        }
        let now = Instant::now();
        let first = self.from_slot[index];
        // What the listing no longer holds was reorganised away.
        let kept: HashSet<u64> = listed.iter().map(|b| b.slot).collect();
        self.observation
            .canonical
            .retain(|(s, slot), _| *s != shard || *slot < first || kept.contains(slot));
        let mut finalized_prefix = true;
        for summary in &listed {
            if let Entry::Vacant(entry) = self.observation.blocks.entry(summary.root) {
                let (transactions, claims) = if carries_anything(summary) {
                    let full = client.shard_block(shard, &summary.root.to_string())?;
                    contents(&full)
                } else {
                    (Vec::new(), Vec::new())
                };
                entry.insert(BlockRecord {
                    shard,
                    slot: summary.slot,
                    seen_at: now,
                    crosslinked_at: None,
                    finalized_at: None,
                    transactions,
                    claims,
                });
            }
            if let Some(record) = self.observation.blocks.get_mut(&summary.root) {
                if (summary.crosslinked || summary.finalized) && record.crosslinked_at.is_none() {
                    record.crosslinked_at = Some(now);
                }
                if summary.finalized && record.finalized_at.is_none() {
                    record.finalized_at = Some(now);
                }
            }
            self.observation
                .canonical
                .insert((shard, summary.slot), summary.root);
            finalized_prefix &= summary.finalized;
            if finalized_prefix {
                self.from_slot[index] = summary.slot + 1;
            }
            self.head[index] = self.head[index].max(summary.slot);
        }
        Ok(())
    }
}

fn carries_anything(summary: &ShardBlockSummary) -> bool {
    let count = |key: &str| {
        summary
            .payload
            .as_ref()
            .and_then(|payload| payload.get(key))
            .and_then(Value::as_str)
            .and_then(|text| text.parse::<u64>().ok())
            .unwrap_or(0)
    };
    count("transaction_count") > 0 || count("receipt_claim_count") > 0
}

/// The transfer hashes and claimed receipts' transaction hashes of a full block's JSON.
fn contents(block: &Value) -> (Vec<B256>, Vec<B256>) {
    let payload = block.get("payload");
    let list = |key: &str| {
        payload
            .and_then(|payload| payload.get(key))
            .and_then(Value::as_array)
            .map_or(&[][..], Vec::as_slice)
    };
    let transactions = list("transactions")
        .iter()
        .filter_map(Value::as_str)
        .filter_map(|hash| hash.parse().ok())
        .collect();
    let claims = list("receipt_claims")
        .iter()
        .filter_map(|claim| claim.get("tx_hash").and_then(Value::as_str))
        .filter_map(|hash| hash.parse().ok())
        .collect();
    (transactions, claims)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_full_block_gives_its_transfers_and_claims() {
        let a = B256::repeat_byte(1);
        let b = B256::repeat_byte(2);
        let c = B256::repeat_byte(3);
        let block = json!({
            "payload": {
                "transactions": [a, b],
                "receipt_claims": [{"tx_hash": c, "value": "1"}],
            }
        });
        assert_eq!(contents(&block), (vec![a, b], vec![c]));
        assert_eq!(contents(&json!({})), (vec![], vec![]));
    }
}
