//! Writing a new data directory: the interop genesis of a [`NetworkSpec`], its configuration,
//! shard genesis and keystores, built in a temporary sibling directory and renamed into place,
//! so that a crash or an error never leaves a half-written data directory behind.

use std::fs;
use std::ops::Range;
use std::path::{Path, PathBuf};

use alloy_primitives::B256;
use beacon::genesis::interop_genesis_with_deposits;
use primitives::bls::interop_secret_key;
use primitives::bls::keystore::KdfSettings;
use primitives::types::{DepositData, Root};
use primitives::{ChainConfig, EthSpec, MainnetEthSpec, MinimalEthSpec, PresetName};
use rayon::prelude::*;
use shard::{DEPOSIT_SHARD, ExecutionState};
use ssz::Encode;
use tree_hash::TreeHash;

use super::keystores::{write_file, write_keystore};
use super::{
    AnyDataDir, CONFIG_FILE, DB_DIR, DEPOSITS_FILE, DataDirError, GENESIS_FILE, KEYSTORES_DIR,
    LOCAL_TESTNET_KDF, NODE_CONFIG_FILE, NetworkSpec, NetworkSpecError, SECRETS_DIR, SHARDS_FILE,
    is_initialized,
};
use crate::config::NodeConfig;

/// How [`AnyDataDir::create`] writes a data directory.
pub struct CreateOptions<'a> {
    /// Replace a data directory already at the path (a directory holding anything else is
    /// never replaced).
    pub force: bool,
    /// The validators whose keystores are written (all of them when `None`): one node of a
    /// multi-node testnet holds a slice of the validators.
    pub keystores: Option<Range<u64>>,
    /// The keystores' KDF ([`LOCAL_TESTNET_KDF`] by default).
    pub kdf: KdfSettings,
    /// The `node.toml` written.
    pub node_config: NodeConfig,
    /// Called once after each keystore is written, from any thread (a progress bar).
    pub progress: Option<&'a (dyn Fn() + Sync)>,
}

impl Default for CreateOptions<'_> {
    fn default() -> Self {
        Self {
            force: false,
            keystores: None,
            kdf: LOCAL_TESTNET_KDF,
            node_config: NodeConfig::default(),
            progress: None,
        }
    }
}

impl std::fmt::Debug for CreateOptions<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CreateOptions")
            .field("force", &self.force)
            .field("keystores", &self.keystores)
            .field("kdf", &self.kdf)
            .field("node_config", &self.node_config)
            .finish_non_exhaustive()
    }
}

/// What [`AnyDataDir::create`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatedDataDir {
    /// The data directory.
    pub path: PathBuf,
    /// The chain configuration.
    pub preset: PresetName,
    /// `hash_tree_root` of the genesis state.
    pub genesis_state_root: Root,
    /// The genesis time, in seconds since the Unix epoch.
    pub genesis_time: u64,
    /// The number of genesis validators.
    pub validators: u64,
    /// The validators whose keystores were written.
    pub keystores: Range<u64>,
    /// The genesis execution state root of each active shard.
    pub shard_state_roots: Vec<B256>,
}

/// The genesis of a network, preset-independent: the state's SSZ and root, and its deposits.
struct Genesis {
    state_ssz: Vec<u8>,
    state_root: Root,
    deposits: Vec<DepositData>,
}

/// The interop genesis (`interop_genesis_state`) with the deposits it is made of, kept for
/// shard 0's deposit contract.
fn interop_genesis<E: EthSpec>(
    validators: u64,
    genesis_time: u64,
    config: &ChainConfig,
) -> Result<Genesis, DataDirError> {
    let (state, deposits) = interop_genesis_with_deposits::<E>(validators, genesis_time, config)?;
    Ok(Genesis {
        state_ssz: state.as_ssz_bytes(),
        state_root: state.tree_hash_root(),
        deposits: deposits.into_iter().map(|deposit| deposit.data).collect(),
    })
}

impl AnyDataDir {
    /// Writes a new data directory at `path` for the network `spec`: its chain configuration,
    /// interop genesis state and deposits, shard genesis, `node.toml`, the keystores of
    /// `options.keystores` with a random password each, and an empty `db/`.
    ///
    /// The directory is built under a temporary name beside `path` and renamed into place.
    /// A `path` that already holds a data directory is refused unless `options.force`; then
    /// it is replaced whole, its database included. A `path` holding anything else is refused.
    pub fn create(
        path: &Path,
        spec: &NetworkSpec,
        options: &CreateOptions<'_>,
    ) -> Result<CreatedDataDir, DataDirError> {
        let config = spec.chain_config()?;
        let keystores = options.keystores.clone().unwrap_or(0..spec.validators);
        if keystores.start > keystores.end || keystores.end > spec.validators {
            return Err(NetworkSpecError::KeystoreRange {
                start: keystores.start,
                end: keystores.end,
                validators: spec.validators,
            }
            .into());
        }
        check_target(path, options.force)?;

        let genesis = match spec.preset {
            PresetName::Minimal => {
                interop_genesis::<MinimalEthSpec>(spec.validators, spec.genesis_time, &config)?
            }
            PresetName::Mainnet => {
                interop_genesis::<MainnetEthSpec>(spec.validators, spec.genesis_time, &config)?
            }
        };
        let allocation = spec
            .shards
            .accounts(config.initial_active_shards)
            .map_err(NetworkSpecError::from)?;
        let mut shard_state_roots = Vec::with_capacity(allocation.shards.len());
        for (shard, accounts) in (0u64..).zip(&allocation.shards) {
            let accounts = shard::initial_account_state(accounts)
                .map_err(|e| NetworkSpecError::ShardAccounts(e.into()))?;
            let deposits = if shard == DEPOSIT_SHARD {
                genesis.deposits.as_slice()
            } else {
                &[]
            };
            let state =
                ExecutionState::genesis(accounts, deposits.iter().cloned()).map_err(|source| {
                    DataDirError::ShardDeposits {
                        path: path.join(DEPOSITS_FILE),
                        source,
                    }
                })?;
            shard_state_roots.push(state.root());
        }

        let staging = Staging::new(path)?;
        let root = staging.path.as_path();
        let config_yaml = config
            .to_yaml()
            .map_err(|source| DataDirError::ChainConfig {
                path: path.join(CONFIG_FILE),
                source,
            })?;
        let shards_yaml =
            serde_yaml_ng::to_string(&spec.shards).map_err(|e| DataDirError::ShardGenesisYaml {
                path: path.join(SHARDS_FILE),
                reason: e.to_string(),
            })?;
        write_file(&root.join(GENESIS_FILE), &genesis.state_ssz)?;
        write_file(&root.join(DEPOSITS_FILE), &genesis.deposits.as_ssz_bytes())?;
        write_file(&root.join(SHARDS_FILE), shards_yaml.as_bytes())?;
        write_file(
            &root.join(NODE_CONFIG_FILE),
            options.node_config.to_toml().as_bytes(),
        )?;
        create_dir(&root.join(DB_DIR), false)?;
        create_dir(&root.join(KEYSTORES_DIR), false)?;
        create_dir(&root.join(SECRETS_DIR), true)?;
        keystores.clone().into_par_iter().try_for_each(|index| {
            let secret_key = interop_secret_key(index)
                .map_err(|source| beacon::genesis::GenesisError::InteropKey { index, source })?;
            write_keystore(root, index, &secret_key, options.kdf)?;
            if let Some(progress) = options.progress {
                progress();
            }
            Ok::<(), DataDirError>(())
        })?;
        // config.yaml last: it is what marks a directory as initialized.
        write_file(&root.join(CONFIG_FILE), config_yaml.as_bytes())?;
        staging.install(path, options.force)?;

        Ok(CreatedDataDir {
            path: path.to_path_buf(),
            preset: spec.preset,
            genesis_state_root: genesis.state_root,
            genesis_time: spec.genesis_time,
            validators: spec.validators,
            keystores,
            shard_state_roots,
        })
    }
}

/// Refuses a target that holds a data directory (unless `force`) or other files (always: a
/// mistyped path must not cost a directory of someone's files).
fn check_target(path: &Path, force: bool) -> Result<(), DataDirError> {
    if !path.exists() {
        return Ok(());
    }
    if is_initialized(path) {
        return if force {
            Ok(())
        } else {
            Err(DataDirError::AlreadyInitialized {
                path: path.to_path_buf(),
            })
        };
    }
    let empty = path.is_dir()
        && fs::read_dir(path)
            .map_err(DataDirError::io(path))?
            .next()
            .is_none();
    if empty {
        Ok(())
    } else {
        Err(DataDirError::NotEmpty {
            path: path.to_path_buf(),
        })
    }
}

/// Creates a directory, readable by the owner only when `private` (on Unix).
fn create_dir(path: &Path, private: bool) -> Result<(), DataDirError> {
    let mut builder = fs::DirBuilder::new();
    #[cfg(unix)]
    if private {
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    }
    #[cfg(not(unix))]
    let _ = private;
    builder.create(path).map_err(DataDirError::io(path))
}

/// The temporary directory a data directory is built in; removed when dropped unless it was
/// installed.
struct Staging {
    path: PathBuf,
    installed: bool,
}

impl Staging {
    /// A fresh directory `.<name>.partial-<pid>` beside `target`.
    fn new(target: &Path) -> Result<Self, DataDirError> {
        let path = sibling(target, "partial")?;
        if path.exists() {
            fs::remove_dir_all(&path).map_err(DataDirError::io(&path))?;
        }
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(DataDirError::io(parent))?;
        }
        create_dir(&path, true)?;
        Ok(Self {
            path,
            installed: false,
        })
    }

    /// Renames the staged directory to `target`, replacing a data directory there when `force`.
    fn install(mut self, target: &Path, force: bool) -> Result<(), DataDirError> {
        check_target(target, force)?;
        let replaced = if target.exists() {
            if is_initialized(target) {
                let old = sibling(target, "replaced")?;
                if old.exists() {
                    fs::remove_dir_all(&old).map_err(DataDirError::io(&old))?;
                }
                fs::rename(target, &old).map_err(DataDirError::io(target))?;
                Some(old)
            } else {
                // Checked above: an empty directory.
                fs::remove_dir(target).map_err(DataDirError::io(target))?;
                None
            }
        } else {
            None
        };
        fs::rename(&self.path, target).map_err(DataDirError::io(target))?;
        self.installed = true;
        if let Some(parent) = target.parent().filter(|p| !p.as_os_str().is_empty())
            && let Ok(dir) = fs::File::open(parent)
        {
            // Best effort: makes the rename durable on file systems that support it.
            let _ = dir.sync_all();
        }
        if let Some(old) = replaced {
            fs::remove_dir_all(&old).map_err(DataDirError::io(&old))?;
        }
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.installed {
            // Best effort: an error already being returned matters more than this cleanup.
            let _ = fs::remove_dir_all(&self.path);
        }
    }
}

/// `.<name>.<what>-<pid>` in the directory of `target`.
fn sibling(target: &Path, what: &str) -> Result<PathBuf, DataDirError> {
    let name = target.file_name().ok_or_else(|| DataDirError::Io {
        path: target.to_path_buf(),
        source: std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "a data directory path must end in a directory name",
        ),
    })?;
    let file = format!(".{}.{what}-{}", name.to_string_lossy(), std::process::id());
    Ok(target.with_file_name(file))
}
