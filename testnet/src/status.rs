//! What each node of a running testnet reports through its HTTP API, as one row per node:
//! head slot, finalized epoch, peers, sync state, and transactions per second measured from
//! the node's included-transactions counter between two samples.

use std::time::Instant;

use crate::client::{ClientError, NodeClient, metric_sum};
use crate::state::{NodeState, TestnetState};

/// One node's view of the chain at one moment.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeStatus {
    /// The node.
    pub index: usize,
    /// The head block's slot.
    pub head_slot: u64,
    /// The head block's root (`0x` hex).
    pub head_root: String,
    /// The finalized epoch.
    pub finalized_epoch: u64,
    /// The finalized checkpoint's root (`0x` hex).
    pub finalized_root: String,
    /// The justified epoch.
    pub justified_epoch: u64,
    /// Connected peers.
    pub peers: u64,
    /// Whether the node says it is syncing.
    pub syncing: bool,
    /// Transactions included in shard blocks since the node started, over all shards
    /// (`shardnet_transactions_included_total`).
    pub transactions_included: f64,
}

/// Queries node `node`'s status.
pub fn query(node: &NodeState) -> Result<NodeStatus, ClientError> {
    let client = NodeClient::new(node.http_url.clone());
    let head = client.head()?;
    let finality = client.finality_checkpoints("head")?;
    let peers = client.peer_count()?.connected;
    let syncing = client.syncing()?.is_syncing;
    let metrics = client.metrics()?;
    let transactions_included =
        metric_sum(&metrics, "shardnet_transactions_included_total").unwrap_or(0.0);
    Ok(NodeStatus {
        index: node.index,
        head_slot: head.slot(),
        head_root: head.root.to_string(),
        finalized_epoch: finality.finalized.epoch,
        finalized_root: finality.finalized.root.to_string(),
        justified_epoch: finality.current_justified.epoch,
        peers,
        syncing,
        transactions_included,
    })
}

/// The wall-clock slot of a testnet now (0 before genesis).
pub fn current_slot(state: &TestnetState) -> u64 {
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis());
    let genesis_ms = u128::from(state.genesis_time) * 1000;
    let slot = now_ms.saturating_sub(genesis_ms) / u128::from(state.slot_ms.max(1));
    u64::try_from(slot).unwrap_or(u64::MAX)
}

/// Transactions per second of one node, from the growth of its included-transactions
/// counter between two samples.
#[derive(Debug, Clone, Default)]
pub struct ThroughputMeter {
    last: Option<(Instant, f64)>,
    rate: f64,
}

impl ThroughputMeter {
    /// Records a sample; returns the transactions per second since the previous one.
    pub fn sample(&mut self, status: &NodeStatus) -> f64 {
        let now = Instant::now();
        if let Some((then, count)) = self.last {
            let elapsed = now.duration_since(then).as_secs_f64();
            if elapsed > 0.0 && status.transactions_included >= count {
                self.rate = (status.transactions_included - count) / elapsed;
            }
        }
        self.last = Some((now, status.transactions_included));
        self.rate
    }
}

/// One line of the status table for `status` (or why the node did not answer).
pub fn line(
    index: usize,
    current_slot: u64,
    status: &Result<NodeStatus, ClientError>,
    tps: f64,
) -> String {
    match status {
        Ok(status) => format!(
            "node{index}  slot {current_slot:>5}  head {:>5}  finalized epoch {:>3}  justified {:>3}  peers {:>2}  {}  tps {tps:>7.1}",
            status.head_slot,
            status.finalized_epoch,
            status.justified_epoch,
            status.peers,
            if status.syncing { "syncing" } else { "synced " },
        ),
        Err(error) if error.is_unreachable() => {
            format!("node{index}  not answering (stopped or starting)")
        }
        Err(error) => format!("node{index}  {error}"),
    }
}
