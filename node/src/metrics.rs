//! The node's Prometheus metrics, served on `/metrics` of the HTTP port.
//!
//! Each node owns its recorder instead of installing a process-wide one, so that several nodes
//! in one process (the simulator, tests) keep separate figures. Metrics are registered once as
//! handles, which cost an atomic operation to update.

use std::collections::BTreeMap;

use metrics::{Counter, Gauge, Key, KeyName, Label, Level, Metadata, Recorder, SharedString, Unit};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle, PrometheusRecorder};
use parking_lot::Mutex;
use primitives::types::Shard;

const METADATA: Metadata<'static> =
    Metadata::new(module_path!(), Level::INFO, Some(module_path!()));

/// Per-shard metrics of one shard.
#[derive(Clone)]
pub struct ShardMetrics {
    /// `shardnet_shard_head_slot{shard}`: the slot of the shard's head block.
    pub head_slot: Gauge,
    /// `shardnet_shard_crosslinked_slot{shard}`: the shard slot of its latest crosslink.
    pub crosslinked_slot: Gauge,
    /// `shardnet_crosslinks_total{shard}`: slots with a committee of the shard that the next
    /// slot's canonical block crosslinked.
    pub crosslinks: Counter,
    /// `shardnet_crosslinks_missed_total{shard}`: slots with a committee of the shard whose
    /// crosslink the next slot's canonical block did not make (no block, or no transition
    /// reaching two thirds).
    pub crosslinks_missed: Counter,
    /// `shardnet_transactions_included_total{shard}`: transactions in imported blocks.
    pub transactions_included: Counter,
    /// `shardnet_transactions_finalized_total{shard}`: transactions in finalized blocks.
    pub transactions_finalized: Counter,
    /// `shardnet_mempool_transactions{shard}`: pending transactions.
    pub mempool_transactions: Gauge,
}

/// Every metric of a node, and the handle that renders them.
pub struct NodeMetrics {
    recorder: PrometheusRecorder,
    handle: PrometheusHandle,
    shards: Mutex<BTreeMap<Shard, ShardMetrics>>,
    /// `shardnet_head_slot`: the slot of the beacon head.
    pub head_slot: Gauge,
    /// `shardnet_justified_epoch`: the current justified epoch.
    pub justified_epoch: Gauge,
    /// `shardnet_finalized_epoch`: the finalized epoch.
    pub finalized_epoch: Gauge,
    /// `shardnet_attestation_participation_ratio`: the share of active balance that attested
    /// to the correct target in the previous epoch.
    pub attestation_participation: Gauge,
    /// `shardnet_beacon_blocks_imported_total`.
    pub beacon_blocks_imported: Counter,
    /// `shardnet_bls_signature_sets_verified_total`: signature sets checked, batched or not.
    pub bls_verifications: Counter,
    /// `shardnet_peers`: connected peers.
    pub peers: Gauge,
    /// `shardnet_database_size_bytes`: the size of the database file.
    pub database_size: Gauge,
}

impl NodeMetrics {
    /// A fresh set of metrics with its own recorder.
    pub fn new() -> Self {
        let recorder = PrometheusBuilder::new().build_recorder();
        let handle = recorder.handle();
        let gauge = |name: &'static str, unit: Option<Unit>, help: &'static str| {
            recorder.describe_gauge(KeyName::from(name), unit, SharedString::from(help));
            recorder.register_gauge(&Key::from_static_name(name), &METADATA)
        };
        let head_slot = gauge("shardnet_head_slot", None, "Slot of the beacon chain head");
        let justified_epoch = gauge("shardnet_justified_epoch", None, "Current justified epoch");
        let finalized_epoch = gauge("shardnet_finalized_epoch", None, "Finalized epoch");
        let attestation_participation = gauge(
            "shardnet_attestation_participation_ratio",
            None,
            "Share of active balance attesting to the correct target in the previous epoch",
        );
        let peers = gauge("shardnet_peers", None, "Connected peers");
        let database_size = gauge(
            "shardnet_database_size_bytes",
            Some(Unit::Bytes),
            "Size of the database file",
        );
        let counter = |name: &'static str, help: &'static str| {
            recorder.describe_counter(KeyName::from(name), None, SharedString::from(help));
            recorder.register_counter(&Key::from_static_name(name), &METADATA)
        };
        let beacon_blocks_imported = counter(
            "shardnet_beacon_blocks_imported_total",
            "Beacon blocks imported",
        );
        let bls_verifications = counter(
            "shardnet_bls_signature_sets_verified_total",
            "BLS signature sets verified, batched or one by one",
        );
        for (name, help) in SHARD_GAUGES.iter().chain(SHARD_COUNTERS) {
            let name = KeyName::from(*name);
            let help = SharedString::from(*help);
            if name.as_str().ends_with("_total") {
                recorder.describe_counter(name, None, help);
            } else {
                recorder.describe_gauge(name, None, help);
            }
        }
        Self {
            recorder,
            handle,
            shards: Mutex::new(BTreeMap::new()),
            head_slot,
            justified_epoch,
            finalized_epoch,
            attestation_participation,
            beacon_blocks_imported,
            bls_verifications,
            peers,
            database_size,
        }
    }

    /// The metrics of `shard`, registered on first use.
    pub fn shard(&self, shard: Shard) -> ShardMetrics {
        self.shards
            .lock()
            .entry(shard)
            .or_insert_with(|| {
                let labels = || vec![Label::new("shard", shard.to_string())];
                let gauge = |name: &'static str| {
                    self.recorder
                        .register_gauge(&Key::from_parts(name, labels()), &METADATA)
                };
                let counter = |name: &'static str| {
                    self.recorder
                        .register_counter(&Key::from_parts(name, labels()), &METADATA)
                };
                ShardMetrics {
                    head_slot: gauge(SHARD_GAUGES[0].0),
                    crosslinked_slot: gauge(SHARD_GAUGES[1].0),
                    mempool_transactions: gauge(SHARD_GAUGES[2].0),
                    crosslinks: counter(SHARD_COUNTERS[0].0),
                    crosslinks_missed: counter(SHARD_COUNTERS[1].0),
                    transactions_included: counter(SHARD_COUNTERS[2].0),
                    transactions_finalized: counter(SHARD_COUNTERS[3].0),
                }
            })
            .clone()
    }

    /// The metrics in the Prometheus text exposition format.
    pub fn render(&self) -> String {
        self.handle.render()
    }
}

impl Default for NodeMetrics {
    fn default() -> Self {
        Self::new()
    }
}

const SHARD_GAUGES: &[(&str, &str)] = &[
    ("shardnet_shard_head_slot", "Slot of the shard's head block"),
    (
        "shardnet_shard_crosslinked_slot",
        "Shard slot of the shard's latest crosslink",
    ),
    (
        "shardnet_mempool_transactions",
        "Pending transactions of the shard",
    ),
];

const SHARD_COUNTERS: &[(&str, &str)] = &[
    ("shardnet_crosslinks_total", "Crosslinks that succeeded"),
    (
        "shardnet_crosslinks_missed_total",
        "Slots with a committee of the shard that the next slot's block did not crosslink",
    ),
    (
        "shardnet_transactions_included_total",
        "Transactions in imported shard blocks",
    ),
    (
        "shardnet_transactions_finalized_total",
        "Transactions in finalized shard blocks",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_node_and_shard_metrics() {
        let metrics = NodeMetrics::new();
        metrics.head_slot.set(42.0);
        metrics.finalized_epoch.set(3.0);
        metrics.shard(1).crosslinks.increment(2);
        metrics.shard(1).crosslinks.increment(1);
        metrics.shard(0).transactions_included.increment(500);
        let text = metrics.render();
        assert!(text.contains("shardnet_head_slot 42"), "{text}");
        assert!(text.contains("shardnet_finalized_epoch 3"), "{text}");
        assert!(
            text.contains("shardnet_crosslinks_total{shard=\"1\"} 3"),
            "{text}"
        );
        assert!(
            text.contains("shardnet_transactions_included_total{shard=\"0\"} 500"),
            "{text}"
        );
        assert!(text.contains("# HELP shardnet_head_slot"), "{text}");
    }

    #[test]
    fn two_nodes_keep_separate_figures() {
        let (a, b) = (NodeMetrics::new(), NodeMetrics::new());
        a.head_slot.set(1.0);
        b.head_slot.set(2.0);
        assert!(a.render().contains("shardnet_head_slot 1"));
        assert!(b.render().contains("shardnet_head_slot 2"));
    }
}
