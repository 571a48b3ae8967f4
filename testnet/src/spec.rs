//! The description of a testnet: how many nodes, validators and shards, the preset, the slot
//! time, constant overrides, the shards each node tracks and the ports. Read from a TOML file
//! (unknown keys refused by name) and/or set from command-line flags.
//!
//! ```toml
//! nodes = 4
//! validators = 64
//! shards = 4
//! preset = "minimal"
//! slot_ms = 2000
//! genesis_delay_secs = 5
//! base_http_port = 5052      # node i serves HTTP on base + i; free ports when absent
//! base_p2p_port = 9000       # node i listens (UDP) on base + i; free ports when absent
//! track_shards = ["all", [0, 1], "all", [2, 3]]   # per node, "all" for the rest
//!
//! [overrides]
//! SLOTS_PER_EPOCH = 8
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use node::config::TrackShards;
use node::datadir::{NetworkSpec, unix_now};
use primitives::PresetName;
use serde::{Deserialize, Serialize};

/// Why a testnet description was refused.
#[derive(Debug, thiserror::Error)]
pub enum SpecError {
    /// The file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The TOML is malformed or has an unknown key (named in the message).
    #[error("invalid testnet description{}: {message}", origin.as_ref().map(|p| format!(" {}", p.display())).unwrap_or_default())]
    Parse {
        /// The file, when read from one.
        origin: Option<PathBuf>,
        /// What is wrong, and where.
        message: String,
    },
    /// A value is well formed but not usable.
    #[error("invalid testnet description: `{key}` {reason}")]
    Invalid {
        /// The key.
        key: &'static str,
        /// Why.
        reason: String,
    },
    /// The chain this description makes is refused (committees, overrides).
    #[error("invalid network: {0}")]
    Network(#[from] node::datadir::NetworkSpecError),
}

impl SpecError {
    /// Whether the description itself is at fault (always: it is user input).
    pub fn is_bad_data(&self) -> bool {
        !matches!(self, Self::Read { .. })
    }
}

/// Default number of nodes.
pub const DEFAULT_NODES: usize = 4;
/// Default slot time in milliseconds.
pub const DEFAULT_SLOT_MS: u64 = 2000;
/// Default delay from `testnet up` to genesis, enough to start every node.
pub const DEFAULT_GENESIS_DELAY_SECS: u64 = 5;
/// The most nodes a local testnet runs.
pub const MAX_NODES: usize = 64;

/// A testnet description.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TestnetSpec {
    /// Node processes (or containers).
    pub nodes: usize,
    /// Interop validators, split evenly over the nodes.
    pub validators: u64,
    /// Active shards (`INITIAL_ACTIVE_SHARDS`).
    pub shards: u64,
    /// `minimal` or `mainnet`.
    pub preset: String,
    /// The slot time in milliseconds (`SECONDS_PER_SLOT`).
    pub slot_ms: u64,
    /// Seconds from `up` to genesis.
    pub genesis_delay_secs: u64,
    /// Constants replaced in the preset, after `shards` and `slot_ms`.
    pub overrides: BTreeMap<String, toml::Value>,
    /// The shards each node follows, by node index; nodes past the list track all.
    pub track_shards: Vec<TrackShards>,
    /// Node `i` serves HTTP on `base_http_port + i`; free ports are chosen when absent.
    pub base_http_port: Option<u16>,
    /// Node `i` listens for QUIC on `base_p2p_port + i`; free ports are chosen when absent.
    pub base_p2p_port: Option<u16>,
}

impl Default for TestnetSpec {
    fn default() -> Self {
        Self {
            nodes: DEFAULT_NODES,
            validators: node::datadir::DEFAULT_VALIDATORS,
            shards: node::datadir::DEFAULT_ACTIVE_SHARDS,
            preset: String::from("minimal"),
            slot_ms: DEFAULT_SLOT_MS,
            genesis_delay_secs: DEFAULT_GENESIS_DELAY_SECS,
            overrides: BTreeMap::new(),
            track_shards: Vec::new(),
            base_http_port: None,
            base_p2p_port: None,
        }
    }
}

impl TestnetSpec {
    /// Parses a description from TOML text (absent keys take the defaults).
    pub fn from_toml(text: &str) -> Result<Self, SpecError> {
        Self::parse(text, None)
    }

    /// Reads a description from the TOML file at `path`.
    pub fn load(path: &Path) -> Result<Self, SpecError> {
        let text = std::fs::read_to_string(path).map_err(|source| SpecError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Self::parse(&text, Some(path))
    }

    fn parse(text: &str, origin: Option<&Path>) -> Result<Self, SpecError> {
        let spec: Self = toml::from_str(text).map_err(|error| SpecError::Parse {
            origin: origin.map(Path::to_path_buf),
            message: error.to_string().trim_end().to_owned(),
        })?;
        spec.check()?;
        Ok(spec)
    }

    /// The preset named by `preset`.
    pub fn preset_name(&self) -> Result<PresetName, SpecError> {
        match self.preset.as_str() {
            "minimal" => Ok(PresetName::Minimal),
            "mainnet" => Ok(PresetName::Mainnet),
            other => Err(SpecError::Invalid {
                key: "preset",
                reason: format!("`{other}` is not `minimal` or `mainnet`"),
            }),
        }
    }

    /// Checks the values that need no chain configuration.
    pub fn check(&self) -> Result<(), SpecError> {
        let invalid = |key, reason: String| Err(SpecError::Invalid { key, reason });
        if self.nodes == 0 || self.nodes > MAX_NODES {
            return invalid("nodes", format!("{} is not in 1..={MAX_NODES}", self.nodes));
        }
        if self.validators < self.nodes as u64 {
            return invalid(
                "validators",
                format!(
                    "{} is fewer than the {} nodes: each node holds at least one",
                    self.validators, self.nodes
                ),
            );
        }
        if self.shards == 0 {
            return invalid("shards", String::from("must be at least 1"));
        }
        if self.slot_ms == 0 {
            return invalid("slot_ms", String::from("must be at least 1"));
        }
        if self.track_shards.len() > self.nodes {
            return invalid(
                "track_shards",
                format!(
                    "lists {} nodes, the testnet has {}",
                    self.track_shards.len(),
                    self.nodes
                ),
            );
        }
        for (key, base) in [
            ("base_http_port", self.base_http_port),
            ("base_p2p_port", self.base_p2p_port),
        ] {
            if let Some(base) = base
                && (base == 0 || usize::from(base) + self.nodes > usize::from(u16::MAX) + 1)
            {
                return invalid(
                    key,
                    format!("{base} leaves no room for {} ports", self.nodes),
                );
            }
        }
        self.preset_name()?;
        Ok(())
    }

    /// The shards node `index` tracks.
    pub fn track_shards_of(&self, index: usize) -> TrackShards {
        self.track_shards.get(index).cloned().unwrap_or_default()
    }

    /// The validators whose keystores node `index` holds: an even split, the first nodes
    /// taking one more when it does not divide.
    pub fn keystores_of(&self, index: usize) -> std::ops::Range<u64> {
        let nodes = self.nodes as u64;
        let index = index as u64;
        let base = self.validators / nodes;
        let extra = self.validators % nodes;
        let start = index * base + index.min(extra);
        let len = base + u64::from(index < extra);
        start..start + len
    }

    /// The network (chain configuration and genesis) of this testnet, genesis at
    /// `genesis_time`, checked.
    pub fn network_spec(&self, genesis_time: u64) -> Result<NetworkSpec, SpecError> {
        self.check()?;
        let mut spec = NetworkSpec {
            preset: self.preset_name()?,
            validators: self.validators,
            genesis_time,
            ..NetworkSpec::default()
        };
        spec.set_override_text("INITIAL_ACTIVE_SHARDS", &self.shards.to_string())?;
        let seconds = self.slot_ms as f64 / 1000.0;
        spec.set_override_text("SECONDS_PER_SLOT", &seconds.to_string())?;
        for (key, value) in &self.overrides {
            let text = match value {
                toml::Value::String(text) => text.clone(),
                other => other.to_string(),
            };
            spec.set_override_text(key, &text)?;
        }
        spec.chain_config()?;
        Ok(spec)
    }

    /// The genesis time of a testnet brought up now.
    pub fn genesis_time_from_now(&self) -> u64 {
        unix_now().saturating_add(self.genesis_delay_secs)
    }
}

#[cfg(test)]
mod tests;
