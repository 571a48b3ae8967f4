//! CPU time of the node processes, of this process and of the whole machine, read from
//! `/proc` at the two ends of a measured window.

use std::time::Instant;

use procfs::process::Process;
use procfs::{CurrentSI, KernelStats};

use super::BenchError;

/// CPU counters at one moment.
#[derive(Debug, Clone, PartialEq)]
pub struct CpuSample {
    /// When it was read.
    pub at: Instant,
    /// User plus system seconds of each watched process, in the order given.
    pub processes: Vec<f64>,
    /// User plus system seconds of this process (the load generator and the observer).
    pub own: f64,
    /// Seconds the machine's CPUs were busy (all but idle and I/O wait), summed over CPUs.
    pub machine_busy: f64,
    /// Seconds of every state, summed over CPUs.
    pub machine_total: f64,
}

/// CPU use between two samples.
#[derive(Debug, Clone, PartialEq)]
pub struct CpuUse {
    /// Cores used by each watched process (CPU seconds per second).
    pub processes: Vec<f64>,
    /// Cores used by this process.
    pub own: f64,
    /// The share of the machine's CPU time that was busy, `0..=1`.
    pub machine_busy: f64,
    /// The machine's CPUs.
    pub cores: usize,
}

/// Reads the counters of `pids`, of this process and of the machine.
pub fn sample(pids: &[u32]) -> Result<CpuSample, BenchError> {
    let ticks = procfs::ticks_per_second() as f64;
    let seconds_of = |pid: i32| -> Result<f64, BenchError> {
        let stat = Process::new(pid)
            .and_then(|process| process.stat())
            .map_err(|error| BenchError::Cpu(format!("process {pid}: {error}")))?;
        Ok((stat.utime + stat.stime) as f64 / ticks)
    };
    let processes = pids
        .iter()
        .map(|pid| seconds_of(i32::try_from(*pid).unwrap_or(i32::MAX)))
        .collect::<Result<Vec<_>, _>>()?;
    let own = seconds_of(i32::try_from(std::process::id()).unwrap_or(i32::MAX))?;
    let kernel =
        KernelStats::current().map_err(|error| BenchError::Cpu(format!("/proc/stat: {error}")))?;
    let total = &kernel.total;
    let idle = total.idle + total.iowait.unwrap_or(0);
    let all = total.user
        + total.nice
        + total.system
        + total.idle
        + total.iowait.unwrap_or(0)
        + total.irq.unwrap_or(0)
        + total.softirq.unwrap_or(0)
        + total.steal.unwrap_or(0);
    Ok(CpuSample {
        at: Instant::now(),
        processes,
        own,
        machine_busy: all.saturating_sub(idle) as f64 / ticks,
        machine_total: all as f64 / ticks,
    })
}

/// The machine's CPU count, from `/proc/stat`.
pub fn cores() -> usize {
    KernelStats::current().map_or(1, |kernel| kernel.cpu_time.len().max(1))
}

impl CpuUse {
    /// CPU use from `start` to `end` (samples of the same processes).
    pub fn between(start: &CpuSample, end: &CpuSample) -> Self {
        let wall = end
            .at
            .duration_since(start.at)
            .as_secs_f64()
            .max(f64::MIN_POSITIVE);
        let total = (end.machine_total - start.machine_total).max(f64::MIN_POSITIVE);
        Self {
            processes: start
                .processes
                .iter()
                .zip(&end.processes)
                .map(|(a, b)| (b - a).max(0.0) / wall)
                .collect(),
            own: (end.own - start.own).max(0.0) / wall,
            machine_busy: ((end.machine_busy - start.machine_busy) / total).clamp(0.0, 1.0),
            cores: cores(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_process_is_sampled_and_use_is_a_share() {
        let pid = std::process::id();
        let start = sample(&[pid]).unwrap();
        // Some work of our own between the samples.
        let mut x = 0u64;
        for i in 0..5_000_000u64 {
            x = x.wrapping_mul(31).wrapping_add(i);
        }
        std::hint::black_box(x);
        let end = sample(&[pid]).unwrap();
        let used = CpuUse::between(&start, &end);
        assert_eq!(used.processes.len(), 1);
        assert!(used.processes[0] >= 0.0);
        assert!((0.0..=1.0).contains(&used.machine_busy));
        assert!(used.cores >= 1);
    }

    #[test]
    fn a_missing_process_is_an_error() {
        assert!(matches!(sample(&[u32::MAX - 1]), Err(BenchError::Cpu(_))));
    }
}
