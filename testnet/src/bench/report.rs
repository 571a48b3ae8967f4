//! The sweep's figures: one row per shard count, the scaling efficiency against one shard, a
//! one-line verdict naming where and why scaling stops, and the CSV, JSON and Markdown forms.

use std::fmt::Write as _;

use serde::Serialize;

/// Efficiency below which aggregate throughput no longer counts as growing linearly.
pub const LINEAR_EFFICIENCY: f64 = 0.8;
/// Machine CPU share from which the machine counts as saturated.
pub const SATURATED_CPU: f64 = 0.85;

/// Latency percentiles, seconds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Default)]
pub struct Percentiles {
    /// Samples.
    pub count: u64,
    /// Median.
    pub p50: f64,
    /// 90th percentile.
    pub p90: f64,
    /// 99th percentile.
    pub p99: f64,
}

impl Percentiles {
    /// Nearest-rank percentiles of `samples` (zeros when there is none).
    pub fn of(mut samples: Vec<f64>) -> Self {
        samples.retain(|s| s.is_finite());
        if samples.is_empty() {
            return Self::default();
        }
        samples.sort_by(f64::total_cmp);
        let rank = |p: f64| {
            let index = ((p * samples.len() as f64).ceil() as usize).clamp(1, samples.len());
            samples[index - 1]
        };
        Self {
            count: samples.len() as u64,
            p50: rank(0.50),
            p90: rank(0.90),
            p99: rank(0.99),
        }
    }
}

/// The figures of one shard count.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PointResult {
    /// Active shards.
    pub shards: u64,
    /// Node processes.
    pub nodes: usize,
    /// Validators.
    pub validators: u64,
    /// Slots measured.
    pub window_slots: u64,
    /// Transfers offered a second, all shards.
    pub offered_tps: f64,
    /// The share of offered transfers the nodes admitted.
    pub accepted_share: f64,
    /// The first refusal's reason, if any.
    pub first_refusal: Option<String>,
    /// Transfers a second in canonical blocks of the window's slots, all shards.
    pub included_tps: f64,
    /// The same, counting only blocks a finalized crosslink covers by the end of the wait.
    pub finalized_tps: f64,
    /// `included_tps` per shard.
    pub per_shard_included_tps: Vec<f64>,
    /// `finalized_tps` per shard.
    pub per_shard_finalized_tps: Vec<f64>,
    /// `TPS(S) / (S * TPS(1))` at inclusion, once the sweep has a one-shard point.
    pub efficiency: Option<f64>,
    /// Accepted transfers sent during the window.
    pub sent_in_window: u64,
    /// Of those, found in canonical blocks.
    pub included_of_sent: u64,
    /// Submission to the first listing of the block holding it, seconds.
    pub latency_inclusion: Percentiles,
    /// Submission to a head-state crosslink covering it.
    pub latency_crosslink: Percentiles,
    /// Submission to a finalized crosslink covering it.
    pub latency_finality: Percentiles,
    /// Accepted cross-shard transfers sent during the window.
    pub cross_shard_sent: u64,
    /// Submission of a cross-shard transfer to the destination block claiming its receipt.
    pub latency_receipt: Percentiles,
    /// Shard blocks in the window's slots.
    pub blocks_in_window: u64,
    /// Shard slots in the window (`shards * window_slots`): a block could be in each.
    pub shard_slots_in_window: u64,
    /// The most transfers a block of the window held.
    pub max_block_transactions: u64,
    /// The most transfers a block can hold (the block gas limit over 21,000).
    pub block_capacity: u64,
    /// Cores used by each node during the window.
    pub node_cores: Vec<f64>,
    /// Cores used by the load generator and observer (this process).
    pub generator_cores: f64,
    /// The share of the machine's CPU time that was busy during the window.
    pub machine_busy: f64,
    /// The machine's CPUs.
    pub cores: usize,
    /// CPU microseconds one node spends per included transfer (mean over nodes).
    pub node_cpu_us_per_tx: f64,
    /// Observer requests that failed (busy nodes); the observation went on.
    pub failed_requests: u64,
}

impl PointResult {
    /// Included transfers a second per shard, on average.
    pub fn per_shard_tps(&self) -> f64 {
        self.included_tps / self.shards.max(1) as f64
    }

    /// Shard slots of the window that got no canonical block.
    pub fn missed_share(&self) -> f64 {
        if self.shard_slots_in_window == 0 {
            return 0.0;
        }
        1.0 - self.blocks_in_window as f64 / self.shard_slots_in_window as f64
    }
}

/// The whole sweep.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BenchReport {
    /// The command line or description of the run.
    pub command: String,
    /// Transfers offered a second to each shard.
    pub rate_per_shard: f64,
    /// Slot time, milliseconds.
    pub slot_ms: u64,
    /// CPU microseconds to recover one transfer's sender on one core of this machine, measured
    /// before the sweep.
    pub sender_recovery_us: f64,
    /// One row per shard count.
    pub points: Vec<PointResult>,
    /// Where aggregate throughput stops growing linearly, and why.
    pub verdict: String,
}

impl BenchReport {
    /// Fills in the efficiencies and the verdict.
    pub fn new(
        command: String,
        rate_per_shard: f64,
        slot_ms: u64,
        sender_recovery_us: f64,
        mut points: Vec<PointResult>,
    ) -> Self {
        let base = points
            .iter()
            .find(|p| p.shards == 1)
            .map(|p| p.included_tps);
        for point in &mut points {
            point.efficiency = base
                .filter(|tps| *tps > 0.0)
                .map(|tps| point.included_tps / (point.shards as f64 * tps));
        }
        let verdict = verdict(&points, sender_recovery_us);
        Self {
            command,
            rate_per_shard,
            slot_ms,
            sender_recovery_us,
            points,
            verdict,
        }
    }

    /// One CSV row per shard count (latencies in seconds).
    pub fn to_csv(&self) -> Result<String, csv::Error> {
        #[derive(Serialize)]
        struct Row {
            shards: u64,
            nodes: usize,
            validators: u64,
            offered_tps: f64,
            accepted_share: f64,
            included_tps: f64,
            finalized_tps: f64,
            per_shard_tps: f64,
            efficiency: Option<f64>,
            inclusion_p50_s: f64,
            inclusion_p90_s: f64,
            inclusion_p99_s: f64,
            crosslink_p50_s: f64,
            crosslink_p90_s: f64,
            crosslink_p99_s: f64,
            finality_p50_s: f64,
            finality_p90_s: f64,
            finality_p99_s: f64,
            receipt_p50_s: f64,
            receipt_p90_s: f64,
            receipt_p99_s: f64,
            missed_shard_slots: f64,
            max_block_transactions: u64,
            block_capacity: u64,
            node_cores_mean: f64,
            generator_cores: f64,
            machine_busy: f64,
            node_cpu_us_per_tx: f64,
        }
        let mut writer = csv::Writer::from_writer(Vec::new());
        for p in &self.points {
            writer.serialize(Row {
                shards: p.shards,
                nodes: p.nodes,
                validators: p.validators,
                offered_tps: round(p.offered_tps, 1),
                accepted_share: round(p.accepted_share, 4),
                included_tps: round(p.included_tps, 1),
                finalized_tps: round(p.finalized_tps, 1),
                per_shard_tps: round(p.per_shard_tps(), 1),
                efficiency: p.efficiency.map(|e| round(e, 3)),
                inclusion_p50_s: round(p.latency_inclusion.p50, 3),
                inclusion_p90_s: round(p.latency_inclusion.p90, 3),
                inclusion_p99_s: round(p.latency_inclusion.p99, 3),
                crosslink_p50_s: round(p.latency_crosslink.p50, 3),
                crosslink_p90_s: round(p.latency_crosslink.p90, 3),
                crosslink_p99_s: round(p.latency_crosslink.p99, 3),
                finality_p50_s: round(p.latency_finality.p50, 3),
                finality_p90_s: round(p.latency_finality.p90, 3),
                finality_p99_s: round(p.latency_finality.p99, 3),
                receipt_p50_s: round(p.latency_receipt.p50, 3),
                receipt_p90_s: round(p.latency_receipt.p90, 3),
                receipt_p99_s: round(p.latency_receipt.p99, 3),
                missed_shard_slots: round(p.missed_share(), 4),
                max_block_transactions: p.max_block_transactions,
                block_capacity: p.block_capacity,
                node_cores_mean: round(mean(&p.node_cores), 3),
                generator_cores: round(p.generator_cores, 3),
                machine_busy: round(p.machine_busy, 3),
                node_cpu_us_per_tx: round(p.node_cpu_us_per_tx, 1),
            })?;
        }
        let bytes = writer
            .into_inner()
            .map_err(|error| csv::Error::from(error.into_error()))?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }

    /// One CSV row per shard of every shard count: its own throughput at inclusion and at
    /// finality.
    pub fn to_shard_csv(&self) -> Result<String, csv::Error> {
        #[derive(Serialize)]
        struct Row {
            shards: u64,
            shard: u64,
            included_tps: f64,
            finalized_tps: f64,
        }
        let mut writer = csv::Writer::from_writer(Vec::new());
        for p in &self.points {
            for (shard, (included, finalized)) in p
                .per_shard_included_tps
                .iter()
                .zip(&p.per_shard_finalized_tps)
                .enumerate()
            {
                writer.serialize(Row {
                    shards: p.shards,
                    shard: shard as u64,
                    included_tps: round(*included, 1),
                    finalized_tps: round(*finalized, 1),
                })?;
            }
        }
        let bytes = writer
            .into_inner()
            .map_err(|error| csv::Error::from(error.into_error()))?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }

    /// A Markdown table of the main figures, with the verdict under it.
    pub fn to_markdown(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "| shards | validators | offered tx/s | included tx/s | finalized tx/s | per shard | efficiency | inclusion p50 / p99 | finality p50 / p99 | receipt p50 | missed slots | node CPU (cores) | machine busy | node CPU µs/tx |"
        );
        let _ = writeln!(
            out,
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
        );
        for p in &self.points {
            let _ = writeln!(
                out,
                "| {} | {} | {:.0} | {:.0} | {:.0} | {:.0} | {} | {:.1} s / {:.1} s | {:.1} s / {:.1} s | {} | {:.0}% | {:.2} | {:.0}% | {:.0} |",
                p.shards,
                p.validators,
                p.offered_tps,
                p.included_tps,
                p.finalized_tps,
                p.per_shard_tps(),
                p.efficiency
                    .map_or(String::from("-"), |e| format!("{e:.2}")),
                p.latency_inclusion.p50,
                p.latency_inclusion.p99,
                p.latency_finality.p50,
                p.latency_finality.p99,
                if p.latency_receipt.count > 0 {
                    format!("{:.1} s", p.latency_receipt.p50)
                } else {
                    String::from("-")
                },
                p.missed_share() * 100.0,
                mean(&p.node_cores),
                p.machine_busy * 100.0,
                p.node_cpu_us_per_tx,
            );
        }
        let _ = writeln!(out, "\n{}", self.verdict);
        out
    }
}

fn mean(values: &[f64]) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    values.iter().sum::<f64>() / values.len() as f64
}

fn round(value: f64, digits: i32) -> f64 {
    let scale = 10f64.powi(digits);
    (value * scale).round() / scale
}

/// Where scaling stops and the most likely reason, from the figures alone.
pub fn verdict(points: &[PointResult], sender_recovery_us: f64) -> String {
    let Some(last) = points.last() else {
        return String::from("no point was measured");
    };
    let linear: Vec<&PointResult> = points
        .iter()
        .take_while(|p| p.efficiency.is_some_and(|e| e >= LINEAR_EFFICIENCY))
        .collect();
    let Some(first_bad) = points
        .iter()
        .find(|p| p.efficiency.is_none_or(|e| e < LINEAR_EFFICIENCY))
    else {
        return format!(
            "Aggregate TPS grows linearly through {} shards (efficiency {:.2} at {} shards, {:.0} tx/s); the machine was {:.0}% busy there, so more shards would still scale.",
            last.shards,
            last.efficiency.unwrap_or(0.0),
            last.shards,
            last.included_tps,
            last.machine_busy * 100.0
        );
    };
    if first_bad.efficiency.is_none() {
        return String::from(
            "No efficiency: the sweep has no one-shard point with transfers included.",
        );
    }
    let linear_part = match linear.last() {
        Some(p) => format!(
            "Aggregate TPS grows linearly up to {} shards ({:.0} tx/s) and stops at {} shards (efficiency {:.2}, {:.0} tx/s)",
            p.shards,
            p.included_tps,
            first_bad.shards,
            first_bad.efficiency.unwrap_or(0.0),
            first_bad.included_tps
        ),
        None => format!(
            "Aggregate TPS does not grow linearly past 1 shard (efficiency {:.2} at {} shards)",
            first_bad.efficiency.unwrap_or(0.0),
            first_bad.shards
        ),
    };
    let reason = if first_bad.machine_busy >= SATURATED_CPU {
        // The cost per transfer is read where the chain still kept up: past the knee the
        // nodes spend their time falling behind, not executing.
        let measured = linear.last().copied().unwrap_or(first_bad);
        let needed =
            first_bad.nodes as f64 * first_bad.offered_tps * measured.node_cpu_us_per_tx / 1e6;
        let recovery = if sender_recovery_us > 0.0 {
            format!(" (one sender recovery: {sender_recovery_us:.0} µs)")
        } else {
            String::new()
        };
        format!(
            "bottleneck: CPU — at {} shards each of the {} nodes spent {:.0} µs per transfer{recovery}, so {:.0} tx/s offered to {} nodes needs {:.1} cores, and the {}-core machine was {:.0}% busy",
            measured.shards,
            first_bad.nodes,
            measured.node_cpu_us_per_tx,
            first_bad.offered_tps,
            first_bad.nodes,
            needed,
            first_bad.cores,
            first_bad.machine_busy * 100.0
        )
    } else if first_bad.accepted_share < 0.95 {
        format!(
            "bottleneck: admission — the nodes refused {:.0}% of the offered transfers ({})",
            (1.0 - first_bad.accepted_share) * 100.0,
            first_bad
                .first_refusal
                .as_deref()
                .unwrap_or("no reason given")
        )
    } else if first_bad.block_capacity > 0
        && first_bad.max_block_transactions * 20 >= first_bad.block_capacity * 19
    {
        format!(
            "bottleneck: block capacity — blocks hold up to {} of {} transfers",
            first_bad.max_block_transactions, first_bad.block_capacity
        )
    } else {
        format!(
            "bottleneck: network and proposals — {:.0}% of shard slots got no block while the machine was {:.0}% busy",
            first_bad.missed_share() * 100.0,
            first_bad.machine_busy * 100.0
        )
    };
    format!("{linear_part}; {reason}.")
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// A point of 4 nodes, 400 tx/s offered per shard, `tps` included and finalized.
    pub(in crate::bench) fn point(shards: u64, tps: f64, busy: f64) -> PointResult {
        PointResult {
            shards,
            nodes: 4,
            validators: 32 * shards,
            window_slots: 16,
            offered_tps: 400.0 * shards as f64,
            accepted_share: 1.0,
            first_refusal: None,
            included_tps: tps,
            finalized_tps: tps,
            per_shard_included_tps: vec![tps / shards as f64; shards as usize],
            per_shard_finalized_tps: vec![tps / shards as f64; shards as usize],
            efficiency: None,
            sent_in_window: 100,
            included_of_sent: 100,
            latency_inclusion: Percentiles::of(vec![1.0, 2.0, 3.0]),
            latency_crosslink: Percentiles::default(),
            latency_finality: Percentiles::default(),
            cross_shard_sent: 0,
            latency_receipt: Percentiles::default(),
            blocks_in_window: 16 * shards,
            shard_slots_in_window: 16 * shards,
            max_block_transactions: 800,
            block_capacity: 9000,
            node_cores: vec![0.4; 4],
            generator_cores: 0.2,
            machine_busy: busy,
            cores: 2,
            node_cpu_us_per_tx: 150.0,
            failed_requests: 0,
        }
    }

    #[test]
    fn percentiles_are_nearest_rank() {
        let p = Percentiles::of((1..=100).map(f64::from).collect());
        assert_eq!((p.count, p.p50, p.p90, p.p99), (100, 50.0, 90.0, 99.0));
        assert_eq!(Percentiles::of(vec![]), Percentiles::default());
        assert_eq!(Percentiles::of(vec![f64::NAN, 2.0]).p99, 2.0);
    }

    #[test]
    fn efficiency_and_a_cpu_verdict() {
        let report = BenchReport::new(
            String::from("shardnet bench"),
            400.0,
            2000,
            45.0,
            vec![
                point(1, 400.0, 0.3),
                point(2, 790.0, 0.5),
                point(4, 1000.0, 0.97),
            ],
        );
        let e: Vec<f64> = report.points.iter().filter_map(|p| p.efficiency).collect();
        assert_eq!(e.len(), 3);
        assert!((e[1] - 790.0 / 800.0).abs() < 1e-9);
        assert!(
            report.verdict.contains("up to 2 shards"),
            "{}",
            report.verdict
        );
        assert!(report.verdict.contains("CPU"), "{}", report.verdict);
        let csv = report.to_csv().unwrap();
        assert_eq!(csv.lines().count(), 4);
        // A header and one row per shard of every point: 1 + 2 + 4.
        assert_eq!(report.to_shard_csv().unwrap().lines().count(), 8);
        assert!(csv.starts_with("shards,nodes,validators,offered_tps"));
        let table = report.to_markdown();
        assert_eq!(table.lines().filter(|l| l.starts_with("| ")).count(), 4);
    }

    #[test]
    fn linear_all_the_way_says_so() {
        let report = BenchReport::new(
            String::new(),
            400.0,
            2000,
            45.0,
            vec![point(1, 400.0, 0.2), point(2, 800.0, 0.4)],
        );
        assert!(
            report
                .verdict
                .starts_with("Aggregate TPS grows linearly through 2 shards")
        );
    }

    #[test]
    fn refusals_are_named_when_the_cpu_is_not_full() {
        let mut refused = point(2, 500.0, 0.5);
        refused.accepted_share = 0.6;
        refused.first_refusal = Some(String::from("pool full"));
        let report = BenchReport::new(
            String::new(),
            400.0,
            2000,
            45.0,
            vec![point(1, 400.0, 0.2), refused],
        );
        assert!(report.verdict.contains("admission"), "{}", report.verdict);
        assert!(report.verdict.contains("pool full"), "{}", report.verdict);
    }
}
