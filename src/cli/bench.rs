//! `shardnet bench`: the throughput sweep. For each shard count, a fresh local testnet (node
//! processes on this machine) under the same per-shard load, measured after a warm-up; the
//! report (CSV, JSON, Markdown, SVG) goes to `--out`, the table and the verdict to the
//! terminal.

use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;

use anyhow::{Context, bail};
use clap::Args;
use indicatif::{MultiProgress, ProgressBar, ProgressStyle};
use testnet::bench::{BenchPlan, BenchReport, Event, run_point, sender_recovery_us, write_report};

use super::load::parse_duration;

/// `shardnet bench`.
#[derive(Debug, Args)]
pub struct BenchArgs {
    /// The shard counts to measure, one testnet each.
    #[arg(
        long,
        value_name = "S,S,...",
        value_delimiter = ',',
        default_value = "1,2,4,8"
    )]
    shards: Vec<u64>,
    /// Where the report is written (bench.csv, bench.json, bench.md, bench.svg).
    #[arg(long, value_name = "DIR", default_value = ".shardnet/bench")]
    out: PathBuf,
    /// Where the testnets are made, one directory per shard count.
    #[arg(long, value_name = "DIR", default_value = ".shardnet/bench-testnets")]
    dir: PathBuf,
    /// Nodes of every testnet (each tracks every shard).
    #[arg(long, value_name = "N", default_value_t = 4)]
    nodes: usize,
    /// Validators per shard: a testnet of S shards has S times as many.
    #[arg(long, value_name = "N", default_value_t = 32)]
    validators_per_shard: u64,
    /// Transfers offered a second to each shard.
    #[arg(long, value_name = "TPS", default_value_t = 400.0)]
    rate_per_shard: f64,
    /// The share of transfers to an account of another shard, 0 to 1 (none with one shard).
    #[arg(long, value_name = "SHARE", default_value_t = 0.1)]
    cross_shard: f64,
    /// Sending accounts per shard.
    #[arg(long, value_name = "N", default_value_t = 100)]
    accounts: usize,
    /// Slot time in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 2000)]
    slot_ms: u64,
    /// Slots per epoch.
    #[arg(long, value_name = "N", default_value_t = 4)]
    slots_per_epoch: u64,
    /// Load before the measured window: `16s`, `1m` (rounded up to whole slots).
    #[arg(long, value_name = "TIME", default_value = "16s", value_parser = parse_duration)]
    warmup: Duration,
    /// The measured window (rounded up to whole slots).
    #[arg(long, value_name = "TIME", default_value = "32s", value_parser = parse_duration)]
    duration: Duration,
    /// Keep each testnet's directory (data directories and logs) after its point; they are
    /// removed once measured without it (kept when a point fails).
    #[arg(long)]
    keep_testnets: bool,
    /// The longest wait after the window for its blocks to be finalized.
    #[arg(long, value_name = "TIME", default_value = "48s", value_parser = parse_duration)]
    finality_wait: Duration,
}

fn slots(duration: Duration, slot_ms: u64) -> u64 {
    let ms = u64::try_from(duration.as_millis()).unwrap_or(u64::MAX);
    ms.div_ceil(slot_ms.max(1))
}

impl BenchArgs {
    fn plan(&self) -> BenchPlan {
        BenchPlan {
            shard_counts: self.shards.clone(),
            nodes: self.nodes,
            validators_per_shard: self.validators_per_shard,
            slot_ms: self.slot_ms,
            slots_per_epoch: self.slots_per_epoch,
            rate_per_shard: self.rate_per_shard,
            cross_shard: self.cross_shard,
            accounts: self.accounts,
            warmup_slots: slots(self.warmup, self.slot_ms),
            window_slots: slots(self.duration, self.slot_ms),
            finality_wait_slots: slots(self.finality_wait, self.slot_ms),
            ..BenchPlan::default()
        }
    }
}

/// Runs `shardnet bench`.
pub fn run(args: &BenchArgs) -> anyhow::Result<()> {
    let plan = args.plan();
    plan.validate()?;
    let exe = std::env::current_exe().context("finding the shardnet binary")?;
    let work = &args.dir;
    let command = std::env::args().collect::<Vec<_>>().join(" ");

    let bars = MultiProgress::new();
    let overall = bars.add(
        ProgressBar::new(plan.shard_counts.len() as u64).with_style(
            ProgressStyle::with_template(
                "{prefix:>8} {bar:30} {pos}/{len} shard counts ({elapsed})",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        ),
    );
    overall.set_prefix("sweep");
    let phase = bars.add(
        ProgressBar::new(0).with_style(
            ProgressStyle::with_template("{prefix:>8} {bar:30} {pos}/{len} {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        ),
    );
    let recovery = sender_recovery_us(2000);
    let phase_bar = Mutex::new(phase);
    let events = |event: Event| {
        let Ok(bar) = phase_bar.lock() else {
            return;
        };
        match event {
            Event::Phase { shards, phase, len } => {
                bar.set_prefix(format!("S={shards}"));
                bar.set_message(phase);
                bar.set_length(len);
                bar.set_position(0);
            }
            Event::Advance(n) => bar.inc(n),
        }
    };
    let mut points = Vec::with_capacity(plan.shard_counts.len());
    for &shards in &plan.shard_counts {
        let dir = work.join(format!("shards-{shards}"));
        let point = run_point(&plan, shards, &exe, &dir, &events)
            .with_context(|| format!("the {shards}-shard testnet in {}", dir.display()))?;
        let line = format!(
            "{shards} shards: {:.0} tx/s included, {:.0} tx/s finalized (offered {:.0}), machine {:.0}% busy",
            point.included_tps,
            point.finalized_tps,
            point.offered_tps,
            point.machine_busy * 100.0
        );
        // Without a terminal the bars draw nothing, and neither would their println.
        if bars.is_hidden() {
            println!("{line}");
        } else {
            bars.println(line)?;
        }
        points.push(point);
        overall.inc(1);
        if !args.keep_testnets {
            std::fs::remove_dir_all(&dir).with_context(|| format!("removing {}", dir.display()))?;
        }
    }
    if let Ok(bar) = phase_bar.lock() {
        bar.finish_and_clear();
    }
    overall.finish_and_clear();
    let report = BenchReport::new(command, plan.rate_per_shard, plan.slot_ms, recovery, points);
    let files = write_report(&report, &args.out)?;
    print!("{}", report.to_markdown());
    println!(
        "\nreport: {}, {}, {}, {}, {}",
        files.markdown.display(),
        files.csv.display(),
        files.shard_csv.display(),
        files.json.display(),
        files.svg.display()
    );
    if report.points.iter().all(|p| p.included_tps == 0.0) {
        bail!("no transfer was included at any shard count");
    }
    Ok(())
}
