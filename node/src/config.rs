//! The node's configuration: one TOML file, every key optional, unknown keys refused by name.
//!
//! ```toml
//! data_dir = "/var/lib/shardnet"
//! track_shards = [0, 1]          # or "all" (the default)
//!
//! [http]
//! listen = "127.0.0.1:5052"      # Beacon, Keymanager and shard APIs, JSON-RPC, /metrics
//! max_body_bytes = 10485760
//! # the Keymanager API's bearer token, the file's first line (relative to this file);
//! # without it the Keymanager API is open to anyone who reaches the port
//! keymanager_token_file = "keymanager.token"
//!
//! [network]
//! listen = "127.0.0.1:9000"
//! # PEER_ID@IP:PORT: the peer id (64 hex digits) the connection is pinned to, and its address
//! bootnodes = ["abababababababababababababababababababababababababababababababab@127.0.0.1:9001"]
//! max_peers = 50
//!
//! [validator]
//! enabled = true
//! graffiti = "shardnet"
//!
//! [mempool]
//! max_transactions = 100000
//! ```
//!
//! The chain's own parameters (preset, overrides, genesis) are not here: they are in the data
//! directory, written once when the network is created, so that no node of a network can run
//! with other consensus constants than its peers.

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use network::Bootnode;
use primitives::types::Shard;
use serde::{Deserialize, Serialize};

/// The most bytes of a graffiti: the block field is 32 bytes.
pub const GRAFFITI_BYTES: usize = 32;

/// Why a configuration was refused.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read configuration {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The TOML is malformed, has an unknown key or a value of the wrong type; the message
    /// names the key and the line.
    #[error("invalid configuration{}: {message}", origin.as_ref().map(|p| format!(" {}", p.display())).unwrap_or_default())]
    Parse {
        /// The file, when read from one.
        origin: Option<PathBuf>,
        /// What is wrong, and where.
        message: String,
    },
    /// A value is well formed but not usable.
    #[error("invalid configuration: `{key}` {reason}")]
    Invalid {
        /// The key, dotted (`http.listen`).
        key: &'static str,
        /// Why.
        reason: String,
    },
}

/// Which shards a node follows.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(untagged)]
pub enum TrackShards {
    /// Every active shard.
    #[default]
    #[serde(with = "all_shards")]
    All,
    /// Only these shards (a validator's own shards are always added).
    Some(BTreeSet<Shard>),
}

impl TrackShards {
    /// Whether `shard` is followed.
    pub fn tracks(&self, shard: Shard) -> bool {
        match self {
            Self::All => true,
            Self::Some(shards) => shards.contains(&shard),
        }
    }
}

/// `"all"`, the one string [`TrackShards::All`] is written as.
mod all_shards {
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    pub(super) fn serialize<S: Serializer>(s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str("all")
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<(), D::Error> {
        let value = String::deserialize(d)?;
        if value == "all" {
            Ok(())
        } else {
            Err(D::Error::custom(format!(
                "expected \"all\" or a list of shards, got \"{value}\""
            )))
        }
    }
}

/// The HTTP server: every API and the metrics on one port.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HttpConfig {
    /// Address and port to listen on.
    pub listen: SocketAddr,
    /// The largest request body accepted; larger ones get 413.
    pub max_body_bytes: usize,
    /// The file holding the Keymanager API's bearer token (its content, surrounding
    /// whitespace trimmed); `None` leaves the Keymanager API without a token.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub keymanager_token_file: Option<PathBuf>,
}

impl Default for HttpConfig {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 5052)),
            max_body_bytes: 10 * 1024 * 1024,
            keymanager_token_file: None,
        }
    }
}

impl HttpConfig {
    /// The Keymanager API's bearer token, read from [`Self::keymanager_token_file`]; `None`
    /// when no file is set. An unreadable file or one holding only whitespace is refused.
    pub fn keymanager_token(&self) -> Result<Option<String>, ConfigError> {
        let Some(path) = &self.keymanager_token_file else {
            return Ok(None);
        };
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.clone(),
            source,
        })?;
        let token = text.trim();
        if token.is_empty() {
            return Err(ConfigError::Invalid {
                key: "http.keymanager_token_file",
                reason: format!("names {}, which holds no token", path.display()),
            });
        }
        if token.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(ConfigError::Invalid {
                key: "http.keymanager_token_file",
                reason: format!(
                    "names {}, whose token has whitespace inside (a bearer token is one word)",
                    path.display()
                ),
            });
        }
        Ok(Some(token.to_owned()))
    }
}

/// The peer-to-peer endpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NetworkConfig {
    /// Address and UDP port of the QUIC endpoint.
    pub listen: SocketAddr,
    /// Peers to dial at start and to redial when they drop, each pinned to its identity
    /// (`PEER_ID@IP:PORT`).
    #[serde(with = "bootnode_strings")]
    pub bootnodes: Vec<Bootnode>,
    /// The most connected peers.
    pub max_peers: usize,
}

impl Default for NetworkConfig {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 9000)),
            bootnodes: Vec::new(),
            max_peers: 50,
        }
    }
}

/// Bootnodes written as `PEER_ID@IP:PORT` strings.
mod bootnode_strings {
    use network::Bootnode;
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    pub(super) fn serialize<S: Serializer>(nodes: &[Bootnode], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(nodes.iter().map(ToString::to_string))
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Bootnode>, D::Error> {
        Vec::<String>::deserialize(d)?
            .iter()
            .map(|text| {
                text.parse()
                    .map_err(|e| D::Error::custom(format!("bootnode \"{text}\": {e}")))
            })
            .collect()
    }
}

/// The validator client inside the node.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ValidatorConfig {
    /// Whether the node performs the duties of the keystores in its data directory.
    pub enabled: bool,
    /// Written into proposed blocks, at most [`GRAFFITI_BYTES`] bytes of UTF-8.
    pub graffiti: String,
}

impl Default for ValidatorConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            graffiti: String::from("shardnet"),
        }
    }
}

/// The transaction pool of each tracked shard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MempoolSettings {
    /// The most pending transactions per shard; the lowest-fee ones are evicted past it.
    pub max_transactions: usize,
}

impl Default for MempoolSettings {
    fn default() -> Self {
        Self {
            max_transactions: 100_000,
        }
    }
}

/// The whole node configuration, as the TOML file holds it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NodeConfig {
    /// The data directory: genesis, chain configuration, keystores, database. Relative paths
    /// are taken from the directory of the file that names them.
    pub data_dir: Option<PathBuf>,
    /// Which shards the node follows.
    pub track_shards: TrackShards,
    /// The HTTP server.
    pub http: HttpConfig,
    /// The peer-to-peer endpoint.
    pub network: NetworkConfig,
    /// The validator client.
    pub validator: ValidatorConfig,
    /// The transaction pools.
    pub mempool: MempoolSettings,
}

impl NodeConfig {
    /// Parses and checks a configuration from TOML text.
    pub fn from_toml(text: &str) -> Result<Self, ConfigError> {
        Self::parse(text, None)
    }

    /// Reads, parses and checks the configuration file at `path`.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let mut config = Self::parse(&text, Some(path))?;
        if let (Some(dir), Some(base)) = (&config.data_dir, path.parent())
            && dir.is_relative()
        {
            config.data_dir = Some(base.join(dir));
        }
        if let (Some(file), Some(base)) = (&config.http.keymanager_token_file, path.parent())
            && file.is_relative()
        {
            config.http.keymanager_token_file = Some(base.join(file));
        }
        Ok(config)
    }

    /// The configuration as TOML text, which [`Self::from_toml`] reads back unchanged.
    pub fn to_toml(&self) -> String {
        // Every field is a plain value, list or table of them: serialization cannot fail.
        toml::to_string_pretty(self).unwrap_or_default()
    }

    fn parse(text: &str, origin: Option<&Path>) -> Result<Self, ConfigError> {
        let config: Self = toml::from_str(text).map_err(|error| ConfigError::Parse {
            origin: origin.map(Path::to_path_buf),
            message: error.to_string().trim_end().to_owned(),
        })?;
        config.validate()?;
        Ok(config)
    }

    /// Checks what the types alone do not.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.validator.graffiti.len() > GRAFFITI_BYTES {
            return Err(ConfigError::Invalid {
                key: "validator.graffiti",
                reason: format!(
                    "is {} bytes, the most is {GRAFFITI_BYTES}",
                    self.validator.graffiti.len()
                ),
            });
        }
        if self.http.max_body_bytes == 0 {
            return Err(ConfigError::Invalid {
                key: "http.max_body_bytes",
                reason: String::from("must be positive"),
            });
        }
        if self.network.max_peers == 0 {
            return Err(ConfigError::Invalid {
                key: "network.max_peers",
                reason: String::from("must be positive"),
            });
        }
        if self.mempool.max_transactions == 0 {
            return Err(ConfigError::Invalid {
                key: "mempool.max_transactions",
                reason: String::from("must be positive"),
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_file_is_the_default() {
        assert_eq!(NodeConfig::from_toml("").unwrap(), NodeConfig::default());
        assert!(NodeConfig::default().track_shards.tracks(17));
    }

    #[test]
    fn the_documented_example_parses() {
        let text = r#"
            data_dir = "/var/lib/shardnet"
            track_shards = [0, 1]

            [http]
            listen = "127.0.0.1:5052"
            max_body_bytes = 10485760
            keymanager_token_file = "keymanager.token"

            [network]
            listen = "127.0.0.1:9000"
            bootnodes = ["abababababababababababababababababababababababababababababababab@127.0.0.1:9001"]
            max_peers = 50

            [validator]
            enabled = true
            graffiti = "shardnet"

            [mempool]
            max_transactions = 100000
        "#;
        let config = NodeConfig::from_toml(text).unwrap();
        assert_eq!(
            config.track_shards,
            TrackShards::Some(BTreeSet::from([0, 1]))
        );
        assert!(config.track_shards.tracks(1) && !config.track_shards.tracks(2));
        assert_eq!(
            config.network.bootnodes,
            [
                "abababababababababababababababababababababababababababababababab@127.0.0.1:9001"
                    .parse::<Bootnode>()
                    .unwrap()
            ]
        );
    }

    #[test]
    fn round_trips_through_toml() {
        let mut config = NodeConfig {
            data_dir: Some(PathBuf::from("/tmp/node")),
            track_shards: TrackShards::Some(BTreeSet::from([3])),
            ..NodeConfig::default()
        };
        config.http.listen = SocketAddr::from(([0, 0, 0, 0], 6000));
        assert_eq!(NodeConfig::from_toml(&config.to_toml()).unwrap(), config);
        let all = NodeConfig::default();
        assert_eq!(NodeConfig::from_toml(&all.to_toml()).unwrap(), all);
    }

    #[test]
    fn unknown_keys_are_refused_by_name() {
        for (text, key) in [
            ("datadir = \"x\"", "datadir"),
            ("[http]\nport = 1", "port"),
            ("[validators]\nenabled = true", "validators"),
        ] {
            let error = NodeConfig::from_toml(text).unwrap_err().to_string();
            assert!(error.contains(key), "{error}");
        }
    }

    #[test]
    fn wrong_values_are_refused_with_the_reason() {
        for (text, needle) in [
            ("track_shards = \"some\"", "track_shards"),
            ("[http]\nlisten = \"localhost\"", "listen"),
            ("[network]\nmax_peers = -1", "max_peers"),
            ("[network]\nmax_peers = 0", "network.max_peers"),
            (
                "[validator]\ngraffiti = \"0123456789012345678901234567890123\"",
                "graffiti",
            ),
            ("track_shards = [", "line"),
        ] {
            let error = NodeConfig::from_toml(text).unwrap_err().to_string();
            assert!(error.contains(needle), "{needle}: {error}");
        }
    }

    #[test]
    fn a_relative_data_dir_is_taken_from_the_file_directory() {
        let dir = std::env::temp_dir().join(format!("shardnet-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("node.toml");
        std::fs::write(&file, "data_dir = \"data\"\n").unwrap();
        let config = NodeConfig::load(&file).unwrap();
        assert_eq!(config.data_dir, Some(dir.join("data")));
        std::fs::remove_dir_all(&dir).unwrap();
        let missing = NodeConfig::load(&file).unwrap_err();
        assert!(matches!(missing, ConfigError::Read { .. }), "{missing}");
    }

    #[test]
    fn the_keymanager_token_is_read_from_its_file_next_to_the_configuration() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("node.toml");
        std::fs::write(&file, "[http]\nkeymanager_token_file = \"km.token\"\n").unwrap();
        let config = NodeConfig::load(&file).unwrap();
        assert_eq!(
            config.http.keymanager_token_file,
            Some(dir.path().join("km.token"))
        );
        let missing = config.http.keymanager_token().unwrap_err();
        assert!(matches!(missing, ConfigError::Read { .. }), "{missing}");
        std::fs::write(dir.path().join("km.token"), "  \n").unwrap();
        let empty = config.http.keymanager_token().unwrap_err().to_string();
        assert!(empty.contains("http.keymanager_token_file"), "{empty}");
        std::fs::write(dir.path().join("km.token"), "two words\n").unwrap();
        assert!(config.http.keymanager_token().is_err());
        std::fs::write(dir.path().join("km.token"), "s3cret-token\n").unwrap();
        assert_eq!(
            config.http.keymanager_token().unwrap().as_deref(),
            Some("s3cret-token")
        );
        assert_eq!(NodeConfig::default().http.keymanager_token().unwrap(), None);
        assert_eq!(NodeConfig::from_toml(&config.to_toml()).unwrap(), config);
    }
}
