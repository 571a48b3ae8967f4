//! The process backend: one `shardnet node --datadir DIR` process per node, detached from the
//! terminal's process group, its output appended to `<datadir>/node.log`; stopped with SIGTERM
//! and, after a grace period, SIGKILL.

use std::fs::OpenOptions;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use rustix::process::{Pid, Signal, kill_process, test_kill_process};

use crate::state::NodeState;

/// How long a node gets to stop after SIGTERM before SIGKILL.
pub const STOP_GRACE: Duration = Duration::from_secs(10);

/// Why a node process could not be started or stopped.
#[derive(Debug, thiserror::Error)]
pub enum ProcessError {
    /// The log file could not be opened.
    #[error("node {node}: cannot open its log {path}: {source}")]
    Log {
        /// The node.
        node: usize,
        /// The log file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The process could not be spawned.
    #[error("node {node}: cannot start {exe}: {source}")]
    Spawn {
        /// The node.
        node: usize,
        /// The binary.
        exe: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A signal could not be sent.
    #[error("node {node}: cannot signal pid {pid}: {source}")]
    Signal {
        /// The node.
        node: usize,
        /// The process.
        pid: u32,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The process is already running.
    #[error("node {node} is already running (pid {pid})")]
    Running {
        /// The node.
        node: usize,
        /// The process.
        pid: u32,
    },
}

impl ProcessError {
    /// Never: these are failures of the host, not of input.
    pub fn is_bad_data(&self) -> bool {
        false
    }
}

/// How a stop ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stopped {
    /// It was not running.
    NotRunning,
    /// It exited after SIGTERM.
    Terminated,
    /// It had to be killed after the grace period.
    Killed,
}

/// Starts node `node` with the binary `exe`, its output appended to its log; returns the pid.
/// A node whose recorded process still runs is refused.
pub fn start(exe: &Path, node: &NodeState) -> Result<u32, ProcessError> {
    if let Some(pid) = node.pid.filter(|&pid| is_running(pid, &node.datadir)) {
        return Err(ProcessError::Running {
            node: node.index,
            pid,
        });
    }
    let log = OpenOptions::new()
        .create(true)
        .append(true)
        .open(&node.log)
        .map_err(|source| ProcessError::Log {
            node: node.index,
            path: node.log.clone(),
            source,
        })?;
    let log_err = log.try_clone().map_err(|source| ProcessError::Log {
        node: node.index,
        path: node.log.clone(),
        source,
    })?;
    let child = Command::new(exe)
        .arg("node")
        .arg("--datadir")
        .arg(&node.datadir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(log)
        .stderr(log_err)
        // Its own process group: Ctrl-C in the terminal reaches `testnet up`, which stops the
        // nodes in order, not every node at once.
        .process_group(0)
        .spawn()
        .map_err(|source| ProcessError::Spawn {
            node: node.index,
            exe: exe.to_path_buf(),
            source,
        })?;
    Ok(child.id())
}

/// Whether `pid` is alive and is the node of `datadir` (not a later process that reused the
/// pid): its command line names the data directory, where `/proc` tells.
pub fn is_running(pid: u32, datadir: &Path) -> bool {
    let Some(process) = pid_of(pid) else {
        return false;
    };
    if test_kill_process(process).is_err() {
        return false;
    }
    let proc_dir = PathBuf::from(format!("/proc/{pid}"));
    if let Ok(status) = std::fs::read_to_string(proc_dir.join("status"))
        && status
            .lines()
            .any(|line| line.starts_with("State:") && line.contains('Z'))
    {
        return false;
    }
    match std::fs::read(proc_dir.join("cmdline")) {
        Ok(cmdline) => {
            let wanted = datadir.as_os_str().as_encoded_bytes();
            cmdline
                .split(|&byte| byte == 0)
                .any(|argument| argument == wanted)
        }
        // No /proc: trust the pid.
        Err(_) => !Path::new("/proc/self").exists(),
    }
}

fn pid_of(pid: u32) -> Option<Pid> {
    Pid::from_raw(i32::try_from(pid).ok()?)
}

/// Sends `signal` to node `node`'s process `pid`.
fn send(node: usize, pid: u32, signal: Signal) -> Result<(), ProcessError> {
    let Some(process) = pid_of(pid) else {
        return Ok(());
    };
    match kill_process(process, signal) {
        Ok(()) => Ok(()),
        Err(rustix::io::Errno::SRCH) => Ok(()),
        Err(error) => Err(ProcessError::Signal {
            node,
            pid,
            source: error.into(),
        }),
    }
}

/// Kills node `node` at once (SIGKILL), as a crash would.
pub fn kill(node: &NodeState) -> Result<Stopped, ProcessError> {
    let Some(pid) = node.pid.filter(|&pid| is_running(pid, &node.datadir)) else {
        return Ok(Stopped::NotRunning);
    };
    send(node.index, pid, Signal::KILL)?;
    wait_gone(pid, &node.datadir, STOP_GRACE);
    Ok(Stopped::Killed)
}

/// Stops node `node` cleanly: SIGTERM, then SIGKILL if it still runs after `grace`.
pub fn stop(node: &NodeState, grace: Duration) -> Result<Stopped, ProcessError> {
    let Some(pid) = node.pid.filter(|&pid| is_running(pid, &node.datadir)) else {
        return Ok(Stopped::NotRunning);
    };
    send(node.index, pid, Signal::TERM)?;
    if wait_gone(pid, &node.datadir, grace) {
        return Ok(Stopped::Terminated);
    }
    send(node.index, pid, Signal::KILL)?;
    wait_gone(pid, &node.datadir, grace);
    Ok(Stopped::Killed)
}

/// Stops every node of `nodes` cleanly at once: SIGTERM to all, then SIGKILL to those still
/// running after `grace`. Returns each node's outcome in order.
pub fn stop_all(nodes: &[NodeState], grace: Duration) -> Vec<Result<Stopped, ProcessError>> {
    let mut outcomes: Vec<Result<Stopped, ProcessError>> = nodes
        .iter()
        .map(
            |node| match node.pid.filter(|&pid| is_running(pid, &node.datadir)) {
                None => Ok(Stopped::NotRunning),
                Some(pid) => send(node.index, pid, Signal::TERM).map(|()| Stopped::Terminated),
            },
        )
        .collect();
    let deadline = Instant::now() + grace;
    for (node, outcome) in nodes.iter().zip(&mut outcomes) {
        if !matches!(outcome, Ok(Stopped::Terminated)) {
            continue;
        }
        let Some(pid) = node.pid else { continue };
        let left = deadline.saturating_duration_since(Instant::now());
        if !wait_gone(pid, &node.datadir, left) {
            *outcome = send(node.index, pid, Signal::KILL).map(|()| {
                wait_gone(pid, &node.datadir, grace);
                Stopped::Killed
            });
        }
    }
    outcomes
}

/// Waits up to `limit` for `pid` to be gone; whether it is.
fn wait_gone(pid: u32, datadir: &Path, limit: Duration) -> bool {
    let deadline = Instant::now() + limit;
    loop {
        if !is_running(pid, datadir) {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}
