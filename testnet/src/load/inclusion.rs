//! Finding submitted transfers in the shards' canonical blocks: which were included, and over
//! which slots, for the throughput at inclusion.

use std::collections::HashSet;
use std::thread;
use std::time::{Duration, Instant};

use alloy_primitives::B256;
use serde_json::Value;

use super::LoadError;
use crate::client::NodeClient;

/// Block summaries per listing request (the node's limit).
const PAGE: u64 = 64;

/// What one shard's blocks hold of the accepted transfers.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Inclusion {
    /// Accepted transfers found in canonical blocks.
    pub included: u64,
    /// The first slot holding one.
    pub first_slot: Option<u64>,
    /// The last slot holding one.
    pub last_slot: Option<u64>,
}

/// Scans `shard`'s canonical blocks from `from_slot` for the `accepted` hashes, again every
/// `poll` until all are found or `wait` has passed with none newly found.
pub fn count_included(
    client: &NodeClient,
    shard: u64,
    from_slot: u64,
    accepted: &[B256],
    poll: Duration,
    wait: Duration,
) -> Result<Inclusion, LoadError> {
    let mut pending: HashSet<B256> = accepted.iter().copied().collect();
    let mut found = Inclusion::default();
    let mut next_slot = from_slot;
    let mut last_progress = Instant::now();
    loop {
        let head = client.shard_head(shard)?.slot;
        while next_slot <= head && !pending.is_empty() {
            let count = (head + 1 - next_slot).min(PAGE);
            let blocks = client.shard_blocks(shard, Some(next_slot), count)?;
            for block in blocks.iter().filter(|block| block.transaction_count() > 0) {
                let full = client.shard_block(shard, &format!("{}", block.root))?;
                let hashes = full
                    .get("payload")
                    .and_then(|payload| payload.get("transactions"))
                    .and_then(Value::as_array)
                    .map_or(&[][..], Vec::as_slice);
                for hash in hashes.iter().filter_map(Value::as_str) {
                    let Ok(hash) = hash.parse::<B256>() else {
                        continue;
                    };
                    if pending.remove(&hash) {
                        found.included += 1;
                        found.first_slot =
                            Some(found.first_slot.map_or(block.slot, |s| s.min(block.slot)));
                        found.last_slot =
                            Some(found.last_slot.map_or(block.slot, |s| s.max(block.slot)));
                        last_progress = Instant::now();
                    }
                }
            }
            next_slot += count;
        }
        if pending.is_empty() || last_progress.elapsed() >= wait {
            return Ok(found);
        }
        thread::sleep(poll);
    }
}
