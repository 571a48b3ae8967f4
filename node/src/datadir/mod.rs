//! The data directory of a node: the network's genesis and configuration, the validator keys
//! and the database, in files that [`AnyDataDir::create`] writes once and [`AnyDataDir::open`]
//! loads and checks at every start.
//!
//! ```text
//! <datadir>/
//!   config.yaml                  the chain configuration (ChainConfig::to_yaml, CONFIG_NAME first)
//!   genesis.ssz                  the genesis BeaconState (phase 1), SSZ
//!   genesis_deposits.ssz         the DepositData of every genesis deposit, in order, SSZ
//!   shards.yaml                  shard genesis: mnemonic, accounts_per_shard, balance_wei
//!   node.toml                    the NodeConfig (optional; defaults otherwise)
//!   keystores/<0xpubkey>.json    EIP-2335 keystores, one per validator
//!   secrets/<0xpubkey>           each keystore's password (UTF-8; one trailing newline stripped)
//!   db/shardnet.redb             the database, slashing protection included
//!   network/node.key             the node's peer-to-peer identity (ed25519, PKCS#8 DER)
//! ```
//!
//! Each shard's genesis `ExecutionState` is recomputed from `shards.yaml` with
//! [`shard::genesis_accounts`]; shard 0's deposit contract starts holding the genesis
//! deposits, so that its root and count equal the genesis state's `eth1_data` and the deposits
//! staked later extend the tree the beacon chain already counts. The deposits are kept in their
//! own file because a state keeps only part of each (no amount, no signature).
//!
//! The preset type is chosen at run time from `CONFIG_NAME`: [`AnyDataDir::open`] returns the
//! [`DataDir`] of the matching [`EthSpec`], for the caller to match on once.

mod create;
mod error;
mod keystores;
mod network;
#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

use beacon::GENESIS_EPOCH;
use beacon::accessors::is_active_validator;
use primitives::types::{BeaconState, DepositData, PublicKeyBytes, Root};
use primitives::{ChainConfig, EthSpec, MainnetEthSpec, MinimalEthSpec, PresetName};
use shard::{DEPOSIT_SHARD, DepositContract, ExecutionState};
use ssz::Decode;
use tree_hash::TreeHash;

use crate::config::NodeConfig;

pub use create::{CreateOptions, CreatedDataDir};
pub use error::{DataDirError, NetworkSpecError};
pub use keystores::{ValidatorKey, keystore_path, secret_path};
pub use network::{
    DEFAULT_ACCOUNTS_PER_SHARD, DEFAULT_ACTIVE_SHARDS, DEFAULT_BALANCE_ETH,
    DEFAULT_GENESIS_DELAY_SECS, DEFAULT_PRESET, DEFAULT_SECONDS_PER_SLOT, DEFAULT_VALIDATORS,
    LOCAL_TESTNET_KDF, NetworkSpec, ShardGenesis, TEST_MNEMONIC, WEI_PER_ETH, unix_now,
};

/// `config.yaml`.
pub const CONFIG_FILE: &str = "config.yaml";
/// `genesis.ssz`.
pub const GENESIS_FILE: &str = "genesis.ssz";
/// `genesis_deposits.ssz`.
pub const DEPOSITS_FILE: &str = "genesis_deposits.ssz";
/// `shards.yaml`.
pub const SHARDS_FILE: &str = "shards.yaml";
/// `node.toml`.
pub const NODE_CONFIG_FILE: &str = "node.toml";
/// `keystores/`.
pub const KEYSTORES_DIR: &str = "keystores";
/// `secrets/`.
pub const SECRETS_DIR: &str = "secrets";
/// `db/`.
pub const DB_DIR: &str = "db";
/// The database file in `db/`.
pub const DB_FILE: &str = "shardnet.redb";
/// The peer-to-peer identity key, relative to the data directory.
pub const NODE_KEY_FILE: &str = "network/node.key";

/// A data directory, loaded and checked, for the preset `E`.
#[derive(Debug)]
pub struct DataDir<E: EthSpec> {
    /// The directory.
    pub path: PathBuf,
    /// The chain configuration (`config.yaml`).
    pub chain_config: ChainConfig,
    /// The genesis state (`genesis.ssz`).
    pub genesis_state: BeaconState<E>,
    /// `hash_tree_root` of the genesis state.
    pub genesis_state_root: Root,
    /// The genesis deposits (`genesis_deposits.ssz`), in order.
    pub genesis_deposits: Vec<DepositData>,
    /// The shard genesis (`shards.yaml`).
    pub shard_genesis: ShardGenesis,
    /// The genesis execution state of each active shard, in shard order.
    pub shard_states: Vec<ExecutionState>,
    /// The decrypted validator keys, genesis validators first by index.
    pub validator_keys: Vec<ValidatorKey>,
    /// The node configuration (`node.toml`, or the defaults without one).
    pub node_config: NodeConfig,
}

/// A data directory of either preset, as [`AnyDataDir::open`] finds it.
#[derive(Debug)]
pub enum AnyDataDir {
    /// `CONFIG_NAME: minimal`.
    Minimal(DataDir<MinimalEthSpec>),
    /// `CONFIG_NAME: mainnet`.
    Mainnet(DataDir<MainnetEthSpec>),
}

impl AnyDataDir {
    /// Loads and checks the data directory at `path`, for the preset its `config.yaml` names.
    pub fn open(path: &Path) -> Result<Self, DataDirError> {
        let config = read_chain_config(path)?;
        Ok(match config.config_name {
            PresetName::Minimal => Self::Minimal(DataDir::load(path, config)?),
            PresetName::Mainnet => Self::Mainnet(DataDir::load(path, config)?),
        })
    }

    /// The preset.
    pub fn preset(&self) -> PresetName {
        self.chain_config().config_name
    }

    /// The chain configuration.
    pub fn chain_config(&self) -> &ChainConfig {
        match self {
            Self::Minimal(dir) => &dir.chain_config,
            Self::Mainnet(dir) => &dir.chain_config,
        }
    }
}

impl<E: EthSpec> DataDir<E> {
    /// Loads and checks the data directory at `path`, whose `config.yaml` must name `E`'s
    /// preset (see [`AnyDataDir::open`] to take whichever it names).
    pub fn open(path: &Path) -> Result<Self, DataDirError> {
        let config = read_chain_config(path)?;
        if config.config_name != E::NAME {
            return Err(DataDirError::WrongPreset {
                path: path.join(CONFIG_FILE),
                expected: E::NAME,
                found: config.config_name,
            });
        }
        Self::load(path, config)
    }

    fn load(path: &Path, chain_config: ChainConfig) -> Result<Self, DataDirError> {
        let genesis_state = read_genesis_state::<E>(path, &chain_config)?;
        let genesis_deposits = read_genesis_deposits(path, &genesis_state)?;
        let shard_genesis = read_shard_genesis(path)?;
        let shard_states =
            shard_genesis_states(path, &shard_genesis, &genesis_deposits, &chain_config)?;
        let indices: HashMap<PublicKeyBytes, u64> = genesis_state
            .validators
            .iter()
            .zip(0u64..)
            .map(|(validator, index)| (validator.pubkey, index))
            .collect();
        let validator_keys = keystores::load_keystores(path, &indices)?;
        let node_config = read_node_config(path)?;
        Ok(Self {
            path: path.to_path_buf(),
            genesis_state_root: genesis_state.tree_hash_root(),
            chain_config,
            genesis_state,
            genesis_deposits,
            shard_genesis,
            shard_states,
            validator_keys,
            node_config,
        })
    }

    /// The database file, `db/shardnet.redb`.
    pub fn database_path(&self) -> PathBuf {
        database_path(&self.path)
    }

    /// The keys that are not validators of the genesis: deposits that may still be pending.
    pub fn keys_outside_genesis(&self) -> impl Iterator<Item = &ValidatorKey> {
        self.validator_keys
            .iter()
            .filter(|key| key.validator_index.is_none())
    }
}

/// The database file of the data directory at `root`.
pub fn database_path(root: &Path) -> PathBuf {
    root.join(DB_DIR).join(DB_FILE)
}

/// The peer-to-peer identity of the node at `root`, generated and written on first use: its
/// [`PeerId`](::network::PeerId) is what other nodes pin in their bootnode lists.
pub fn load_or_create_node_key(root: &Path) -> Result<::network::transport::NodeKey, DataDirError> {
    let path = root.join(NODE_KEY_FILE);
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(|source| DataDirError::Io {
            path: parent.to_path_buf(),
            source,
        })?;
    }
    ::network::transport::NodeKey::load_or_generate(&path).map_err(|source| DataDirError::NodeKey {
        path,
        reason: source.to_string(),
    })
}

/// Whether `root` holds a data directory (its `config.yaml` exists).
pub fn is_initialized(root: &Path) -> bool {
    root.join(CONFIG_FILE).exists()
}

/// Reads and checks `config.yaml` of the data directory at `root`.
pub fn read_chain_config(root: &Path) -> Result<ChainConfig, DataDirError> {
    let path = root.join(CONFIG_FILE);
    let text = match fs::read_to_string(&path) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            return Err(DataDirError::NotInitialized {
                path: root.to_path_buf(),
            });
        }
        Err(error) => return Err(DataDirError::io(path)(error)),
    };
    ChainConfig::from_yaml(&text).map_err(|source| DataDirError::ChainConfig { path, source })
}

/// Reads `node.toml` of the data directory at `root`, or the defaults when there is none.
pub fn read_node_config(root: &Path) -> Result<NodeConfig, DataDirError> {
    let path = root.join(NODE_CONFIG_FILE);
    if !path.exists() {
        return Ok(NodeConfig::default());
    }
    Ok(NodeConfig::load(&path)?)
}

/// Reads `shards.yaml` of the data directory at `root`.
pub fn read_shard_genesis(root: &Path) -> Result<ShardGenesis, DataDirError> {
    let path = root.join(SHARDS_FILE);
    let text = fs::read_to_string(&path).map_err(DataDirError::io(&path))?;
    serde_yaml_ng::from_str(&text).map_err(|e| DataDirError::ShardGenesisYaml {
        path,
        reason: e.to_string(),
    })
}

/// Decodes `genesis.ssz` and checks it against the configuration: the preset, a phase 1 state
/// at `PHASE_1_FORK_SLOT`, the fork versions, and enough active validators.
fn read_genesis_state<E: EthSpec>(
    root: &Path,
    config: &ChainConfig,
) -> Result<BeaconState<E>, DataDirError> {
    let path = root.join(GENESIS_FILE);
    let bytes = fs::read(&path).map_err(DataDirError::io(&path))?;
    let state = match BeaconState::<E>::from_ssz_bytes(&bytes) {
        Ok(state) => state,
        Err(error) => {
            let other = match E::NAME {
                PresetName::Minimal => BeaconState::<MainnetEthSpec>::from_ssz_bytes(&bytes)
                    .ok()
                    .map(|_| PresetName::Mainnet),
                PresetName::Mainnet => BeaconState::<MinimalEthSpec>::from_ssz_bytes(&bytes)
                    .ok()
                    .map(|_| PresetName::Minimal),
            };
            return Err(match other {
                Some(state) => DataDirError::PresetMismatch {
                    path,
                    config: E::NAME,
                    state,
                },
                None => DataDirError::GenesisDecode {
                    path,
                    preset: E::NAME,
                    reason: format!("{error:?}"),
                },
            });
        }
    };
    let mismatch = |reason: String| DataDirError::GenesisMismatch {
        path: path.clone(),
        reason,
    };
    if state.slot != config.phase_1_fork_slot {
        return Err(mismatch(format!(
            "slot {} is not PHASE_1_FORK_SLOT {}",
            state.slot, config.phase_1_fork_slot
        )));
    }
    if state.fork.current_version != config.phase_1_fork_version
        || state.fork.previous_version != config.genesis_fork_version
    {
        return Err(mismatch(format!(
            "fork versions 0x{} -> 0x{} are not GENESIS_FORK_VERSION 0x{} -> PHASE_1_FORK_VERSION 0x{}",
            hex::encode(state.fork.previous_version),
            hex::encode(state.fork.current_version),
            hex::encode(config.genesis_fork_version),
            hex::encode(config.phase_1_fork_version),
        )));
    }
    let active = state
        .validators
        .iter()
        .filter(|validator| is_active_validator(validator, GENESIS_EPOCH))
        .count() as u64;
    if active == 0 || active < config.min_genesis_active_validator_count {
        return Err(mismatch(format!(
            "{active} validators active at genesis, MIN_GENESIS_ACTIVE_VALIDATOR_COUNT is {}",
            config.min_genesis_active_validator_count
        )));
    }
    if state.genesis_time < config.min_genesis_time {
        return Err(mismatch(format!(
            "genesis time {} is before MIN_GENESIS_TIME {}",
            state.genesis_time, config.min_genesis_time
        )));
    }
    Ok(state)
}

/// Decodes `genesis_deposits.ssz` and checks that the deposits give the state's `eth1_data`
/// and, in order of first appearance, its validators.
fn read_genesis_deposits<E: EthSpec>(
    root: &Path,
    state: &BeaconState<E>,
) -> Result<Vec<DepositData>, DataDirError> {
    let path = root.join(DEPOSITS_FILE);
    let bytes = fs::read(&path).map_err(DataDirError::io(&path))?;
    let deposits =
        Vec::<DepositData>::from_ssz_bytes(&bytes).map_err(|e| DataDirError::DepositsDecode {
            path: path.clone(),
            reason: format!("{e:?}"),
        })?;
    let mismatch = |reason: String| DataDirError::DepositsMismatch {
        path: path.clone(),
        reason,
    };
    let mut contract = DepositContract::new();
    for data in &deposits {
        contract
            .deposit(data.clone())
            .map_err(|e| mismatch(e.to_string()))?;
    }
    let eth1 = &state.eth1_data;
    if contract.deposit_count() != eth1.deposit_count
        || contract.get_deposit_root() != eth1.deposit_root
    {
        return Err(mismatch(format!(
            "{} deposits with root {}, the state's eth1_data has {} with root {}",
            contract.deposit_count(),
            contract.get_deposit_root(),
            eth1.deposit_count,
            eth1.deposit_root
        )));
    }
    let mut seen = std::collections::HashSet::new();
    let depositors: Vec<PublicKeyBytes> = deposits
        .iter()
        .map(|data| data.pubkey)
        .filter(|pubkey| seen.insert(*pubkey))
        .collect();
    let validators: Vec<PublicKeyBytes> = state.validators.iter().map(|v| v.pubkey).collect();
    if depositors != validators {
        return Err(mismatch(format!(
            "{} distinct depositors do not match the state's {} validators in order",
            depositors.len(),
            validators.len()
        )));
    }
    Ok(deposits)
}

/// The genesis execution state of every active shard: the accounts of `shards.yaml`, and on
/// shard 0 the genesis deposits.
fn shard_genesis_states(
    root: &Path,
    genesis: &ShardGenesis,
    deposits: &[DepositData],
    config: &ChainConfig,
) -> Result<Vec<ExecutionState>, DataDirError> {
    let path = root.join(SHARDS_FILE);
    let allocation = genesis
        .accounts(config.initial_active_shards)
        .map_err(|source| DataDirError::ShardAccounts {
            path: path.clone(),
            source,
        })?;
    let mut states = Vec::with_capacity(allocation.shards.len());
    for (shard, accounts) in (0u64..).zip(&allocation.shards) {
        let accounts =
            shard::initial_account_state(accounts).map_err(|e| DataDirError::ShardAccounts {
                path: path.clone(),
                source: e.into(),
            })?;
        let genesis_deposits = if shard == DEPOSIT_SHARD {
            deposits
        } else {
            &[]
        };
        let state = ExecutionState::genesis(accounts, genesis_deposits.iter().cloned()).map_err(
            |source| DataDirError::ShardDeposits {
                path: root.join(DEPOSITS_FILE),
                source,
            },
        )?;
        states.push(state);
    }
    Ok(states)
}
