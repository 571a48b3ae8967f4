//! The throughput sweep (`shardnet bench`): for each shard count, a fresh local testnet with
//! what should not change held fixed (nodes, validators per shard, load offered per shard, slot
//! time, block capacity), load through a warm-up and a measured window, and the figures that
//! tell whether aggregate throughput grows with the shards and, where it stops, why.
//!
//! Every figure comes from outside the nodes, as a user would measure them: transfers are
//! pre-signed ([`crate::load`]) and submitted over JSON-RPC; an observer polls one node's
//! shard chains and notes when each block is first listed, first covered by a crosslink and
//! first covered by a finalized one ([`observe`]); CPU time of each node, of this process and
//! of the machine is read from `/proc` at both ends of the window ([`cpu`]). Throughput counts
//! the transfers in the canonical blocks of the window's slots, latencies the transfers
//! submitted during the window. The report is written as CSV, JSON, Markdown and SVG.

pub mod cpu;
pub mod observe;
pub mod plan;
pub mod plot;
pub mod point;
pub mod report;

use std::path::{Path, PathBuf};
use std::time::Instant;

use alloy_primitives::U256;
use shard::{ShardTransaction, TransferRequest, recover_sender};

pub use plan::BenchPlan;
pub use point::run_point;
pub use report::{BenchReport, Percentiles, PointResult};

use crate::layout::LayoutError;
use crate::load::LoadError;
use crate::process::ProcessError;
use crate::spec::SpecError;
use crate::state::StateError;

/// Why a sweep could not run or be written.
#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    /// The plan is inconsistent.
    #[error("invalid bench plan: {0}")]
    Plan(String),
    /// A testnet of the sweep is refused.
    #[error(transparent)]
    Spec(#[from] SpecError),
    /// A testnet's chain configuration is refused.
    #[error("invalid network: {0}")]
    Network(#[from] node::datadir::NetworkSpecError),
    /// A testnet could not be written.
    #[error(transparent)]
    Layout(#[from] LayoutError),
    /// A testnet's state file could not be written.
    #[error(transparent)]
    State(#[from] StateError),
    /// A node could not be started or stopped.
    #[error(transparent)]
    Process(#[from] ProcessError),
    /// The load could not be signed or sent.
    #[error(transparent)]
    Load(#[from] LoadError),
    /// CPU counters could not be read.
    #[error("reading CPU time: {0}")]
    Cpu(String),
    /// A node exited while the sweep needed it.
    #[error("node {node} exited; see its log {}", log.display())]
    NodeExited {
        /// The node.
        node: usize,
        /// Its log.
        log: PathBuf,
    },
    /// A node did not become ready (answering, past genesis, connected) in time.
    #[error("node {node} at {url} did not produce blocks with its peers connected in time")]
    NotReady {
        /// The node.
        node: usize,
        /// Its HTTP URL.
        url: String,
    },
    /// A report file could not be written.
    #[error("writing {}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The CSV could not be formed.
    #[error("writing the CSV: {0}")]
    Csv(#[from] csv::Error),
    /// The JSON could not be formed.
    #[error("writing the JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// The plot could not be drawn.
    #[error(transparent)]
    Plot(#[from] plot::PlotError),
}

impl BenchError {
    /// Whether the input (plan, description) is at fault rather than the host.
    pub fn is_bad_data(&self) -> bool {
        match self {
            Self::Plan(_) | Self::Network(_) => true,
            Self::Spec(error) => error.is_bad_data(),
            Self::Load(error) => error.is_bad_data(),
            _ => false,
        }
    }
}

/// What a running sweep reports, for progress bars.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// A phase of the point of `shards` shards begins, with `len` steps.
    Phase {
        /// The point's shard count.
        shards: u64,
        /// What is being done.
        phase: &'static str,
        /// How many steps it has.
        len: u64,
    },
    /// `n` steps of the current phase are done.
    Advance(u64),
}

/// CPU microseconds to recover one transfer's sender on one core, over `count` signed
/// transfers (the work every node does for every transfer it admits or executes).
pub fn sender_recovery_us(count: usize) -> f64 {
    let Ok(signer) = shard::TransferSigner::from_seed(0) else {
        return 0.0;
    };
    let transactions: Vec<ShardTransaction> = (0..count.max(1) as u64)
        .filter_map(|nonce| {
            let raw = signer.sign_eip1559(&TransferRequest {
                chain_id: 1,
                nonce,
                to: signer.address(),
                value: U256::from(1u64),
                gas_limit: 21_000,
                max_fee_per_gas: 2_000_000_000,
                max_priority_fee_per_gas: 1_000_000_000,
            });
            ShardTransaction::decode(&raw, 1).ok()
        })
        .collect();
    let start = Instant::now();
    let recovered = transactions
        .iter()
        .filter(|tx| recover_sender(tx).is_ok())
        .count();
    start.elapsed().as_secs_f64() * 1e6 / recovered.max(1) as f64
}

/// The files a report is written to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportFiles {
    /// `bench.csv`: one row per shard count.
    pub csv: PathBuf,
    /// `bench-shards.csv`: one row per shard of every shard count.
    pub shard_csv: PathBuf,
    /// `bench.json`.
    pub json: PathBuf,
    /// `bench.md`.
    pub markdown: PathBuf,
    /// `bench.svg`.
    pub svg: PathBuf,
}

/// Writes `report` into `dir` as CSV, JSON, Markdown and SVG.
pub fn write_report(report: &BenchReport, dir: &Path) -> Result<ReportFiles, BenchError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| BenchError::Io { path, source }
    };
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    let files = ReportFiles {
        csv: dir.join("bench.csv"),
        shard_csv: dir.join("bench-shards.csv"),
        json: dir.join("bench.json"),
        markdown: dir.join("bench.md"),
        svg: dir.join("bench.svg"),
    };
    std::fs::write(&files.csv, report.to_csv()?).map_err(io(&files.csv))?;
    std::fs::write(&files.shard_csv, report.to_shard_csv()?).map_err(io(&files.shard_csv))?;
    std::fs::write(&files.json, serde_json::to_string_pretty(report)?).map_err(io(&files.json))?;
    std::fs::write(&files.markdown, report.to_markdown()).map_err(io(&files.markdown))?;
    std::fs::write(&files.svg, plot::svg(report)?).map_err(io(&files.svg))?;
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sender_recovery_is_measured() {
        let us = sender_recovery_us(20);
        assert!(us > 0.0 && us.is_finite());
    }
}
