//! The state file of a running testnet (`<dir>/testnet.json`): which backend runs it, and per
//! node its data directory, endpoints, peer id and (for processes) its pid. Written by `up`,
//! read by `status`, `logs`, `start`, `stop` and `down`.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// The state file's name inside a testnet directory.
pub const STATE_FILE: &str = "testnet.json";

/// Why a state file could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    /// There is no testnet in the directory.
    #[error("no testnet in {dir} (no {STATE_FILE}): run `shardnet testnet up` first")]
    Missing {
        /// The testnet directory.
        dir: PathBuf,
    },
    /// Reading or writing failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is not a state file.
    #[error("{path} is not a testnet state file: {reason}")]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// What did not decode.
        reason: String,
    },
}

impl StateError {
    /// Whether the file's content is at fault.
    pub fn is_bad_data(&self) -> bool {
        matches!(self, Self::Corrupt { .. })
    }
}

/// What runs the nodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    /// One `shardnet node` process per node on this host.
    Process,
    /// One container per node under Docker Compose.
    Docker,
}

/// One node of a testnet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeState {
    /// The node's index (0-based).
    pub index: usize,
    /// Its data directory.
    pub datadir: PathBuf,
    /// Its log file.
    pub log: PathBuf,
    /// The base URL of its HTTP API as reached from this host.
    pub http_url: String,
    /// Its QUIC address as its peers dial it.
    pub p2p_addr: String,
    /// Its peer id (hex).
    pub peer_id: String,
    /// The validators whose keystores it holds, `[start, end)`.
    pub validators: (u64, u64),
    /// The pid of its process (process backend), when started.
    pub pid: Option<u32>,
    /// Its container's name (docker backend).
    pub container: Option<String>,
}

/// A testnet as `up` left it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestnetState {
    /// The testnet directory.
    pub dir: PathBuf,
    /// What runs the nodes.
    pub backend: Backend,
    /// Genesis time, seconds since the Unix epoch.
    pub genesis_time: u64,
    /// The slot time in milliseconds.
    pub slot_ms: u64,
    /// Active shards.
    pub shards: u64,
    /// Slots an epoch.
    pub slots_per_epoch: u64,
    /// The nodes.
    pub nodes: Vec<NodeState>,
    /// The compose file (docker backend).
    pub compose_file: Option<PathBuf>,
}

impl TestnetState {
    /// The state file of the testnet directory `dir`.
    pub fn path(dir: &Path) -> PathBuf {
        dir.join(STATE_FILE)
    }

    /// Reads the state file of `dir`.
    pub fn load(dir: &Path) -> Result<Self, StateError> {
        let path = Self::path(dir);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                return Err(StateError::Missing {
                    dir: dir.to_path_buf(),
                });
            }
            Err(source) => return Err(StateError::Io { path, source }),
        };
        serde_json::from_str(&text).map_err(|error| StateError::Corrupt {
            path,
            reason: error.to_string(),
        })
    }

    /// Writes the state file (to a temporary file renamed into place).
    pub fn save(&self) -> Result<(), StateError> {
        let path = Self::path(&self.dir);
        let temporary = path.with_extension("json.tmp");
        let text = serde_json::to_string_pretty(self).map_err(|error| StateError::Corrupt {
            path: path.clone(),
            reason: error.to_string(),
        })?;
        std::fs::write(&temporary, text)
            .and_then(|()| std::fs::rename(&temporary, &path))
            .map_err(|source| StateError::Io { path, source })
    }

    /// The node `index`, if the testnet has it.
    pub fn node(&self, index: usize) -> Option<&NodeState> {
        self.nodes.get(index)
    }
}
