//! Why a data directory could not be created or opened: every variant names the file at fault.

use std::path::PathBuf;

use primitives::bls::KeystoreError;
use primitives::types::PublicKeyBytes;
use primitives::{ConfigError, PresetName};
use shard::{DepositRevert, GenesisAllocError};

use crate::config::ConfigError as NodeConfigError;

/// Why a network description cannot be turned into a genesis.
#[derive(Debug, thiserror::Error)]
pub enum NetworkSpecError {
    /// The chain configuration (preset plus overrides) was refused.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// An override value is not a YAML scalar, list or mapping.
    #[error("override `{key}`: `{value}` is not a YAML value: {reason}")]
    OverrideValue {
        /// The key.
        key: String,
        /// The value as written.
        value: String,
        /// What the YAML parser said.
        reason: String,
    },
    /// A genesis needs at least one validator.
    #[error("the validator count must be at least 1")]
    NoValidators,
    /// Genesis is earlier than `MIN_GENESIS_TIME`.
    #[error("genesis time {genesis_time} is before MIN_GENESIS_TIME {min_genesis_time}")]
    GenesisTimeTooEarly {
        /// The genesis time asked for.
        genesis_time: u64,
        /// `MIN_GENESIS_TIME`.
        min_genesis_time: u64,
    },
    /// An epoch has fewer committees than active shards, so some shard could never be
    /// crosslinked.
    #[error(
        "{validators} validators make {committees_per_epoch} committees per epoch, fewer than the \
         {shards} active shards: lower the shard count, add validators, or lower \
         TARGET_COMMITTEE_SIZE"
    )]
    TooFewCommittees {
        /// The validator count.
        validators: u64,
        /// `SLOTS_PER_EPOCH * get_committee_count_per_slot` at genesis.
        committees_per_epoch: u64,
        /// `INITIAL_ACTIVE_SHARDS`.
        shards: u64,
    },
    /// Committees would be larger than `MAX_VALIDATORS_PER_COMMITTEE`.
    #[error(
        "{validators} validators make committees of {committee_size}, more than \
         MAX_VALIDATORS_PER_COMMITTEE {max}: use fewer validators or the mainnet preset"
    )]
    CommitteesTooLarge {
        /// The validator count.
        validators: u64,
        /// The largest committee.
        committee_size: u64,
        /// `MAX_VALIDATORS_PER_COMMITTEE`.
        max: u64,
    },
    /// The keystores asked for are not all validators of the genesis.
    #[error("keystores {start}..{end} asked for, but the genesis has validators 0..{validators}")]
    KeystoreRange {
        /// First validator index asked for.
        start: u64,
        /// One past the last.
        end: u64,
        /// The validator count.
        validators: u64,
    },
    /// The prefunded accounts cannot be derived (bad mnemonic, too many accounts).
    #[error("shard genesis accounts: {0}")]
    ShardAccounts(#[from] GenesisAllocError),
}

/// Why a data directory could not be created or opened.
#[derive(Debug, thiserror::Error)]
pub enum DataDirError {
    /// The directory holds no `config.yaml`.
    #[error("{}: not a shardnet data directory (no config.yaml)", path.display())]
    NotInitialized {
        /// The directory.
        path: PathBuf,
    },
    /// The directory already holds a data directory and replacing it was not asked for.
    #[error("{}: already holds a shardnet data directory; refusing to overwrite it", path.display())]
    AlreadyInitialized {
        /// The directory.
        path: PathBuf,
    },
    /// The directory exists with other files in it.
    #[error("{}: exists and is not empty; refusing to write a data directory into it", path.display())]
    NotEmpty {
        /// The directory.
        path: PathBuf,
    },
    /// A file or directory could not be read, written or renamed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The peer-to-peer identity key could not be read, generated or written.
    #[error("{}: node key: {reason}", path.display())]
    NodeKey {
        /// The key file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// The network description was refused.
    #[error(transparent)]
    Network(#[from] NetworkSpecError),
    /// `config.yaml` is not a valid chain configuration.
    #[error("{}: {source}", path.display())]
    ChainConfig {
        /// The file.
        path: PathBuf,
        /// Why it was refused.
        source: ConfigError,
    },
    /// The data directory was opened for one preset and holds another.
    #[error("{}: CONFIG_NAME is {found}, but the directory was opened as {expected}", path.display())]
    WrongPreset {
        /// `config.yaml`.
        path: PathBuf,
        /// The preset asked for.
        expected: PresetName,
        /// The preset of the file.
        found: PresetName,
    },
    /// `genesis.ssz` is not the SSZ of a phase 1 `BeaconState` of the configured preset.
    #[error("{}: not an SSZ phase 1 BeaconState of the {preset} preset: {reason}", path.display())]
    GenesisDecode {
        /// The file.
        path: PathBuf,
        /// The preset of `config.yaml`.
        preset: PresetName,
        /// What the SSZ decoder said.
        reason: String,
    },
    /// `genesis.ssz` is a state of another preset than `config.yaml` names.
    #[error("{}: a {state} preset state, but config.yaml is the {config} preset", path.display())]
    PresetMismatch {
        /// The file.
        path: PathBuf,
        /// The preset of `config.yaml`.
        config: PresetName,
        /// The preset the state decodes as.
        state: PresetName,
    },
    /// `genesis.ssz` decodes but does not fit `config.yaml`.
    #[error("{}: inconsistent with config.yaml: {reason}", path.display())]
    GenesisMismatch {
        /// The file.
        path: PathBuf,
        /// What differs.
        reason: String,
    },
    /// `genesis_deposits.ssz` is not an SSZ list of `DepositData`.
    #[error("{}: not an SSZ list of DepositData: {reason}", path.display())]
    DepositsDecode {
        /// The file.
        path: PathBuf,
        /// What the SSZ decoder said.
        reason: String,
    },
    /// The genesis deposits do not produce the genesis state's `eth1_data` or validators.
    #[error("{}: the deposits do not match genesis.ssz: {reason}", path.display())]
    DepositsMismatch {
        /// The file.
        path: PathBuf,
        /// What differs.
        reason: String,
    },
    /// `shards.yaml` is malformed.
    #[error("{}: {reason}", path.display())]
    ShardGenesisYaml {
        /// The file.
        path: PathBuf,
        /// What the YAML parser said.
        reason: String,
    },
    /// The accounts of `shards.yaml` cannot be derived.
    #[error("{}: {source}", path.display())]
    ShardAccounts {
        /// The file.
        path: PathBuf,
        /// Why.
        source: GenesisAllocError,
    },
    /// Shard 0's deposit contract cannot take the genesis deposits.
    #[error("{}: {source}", path.display())]
    ShardDeposits {
        /// `genesis_deposits.ssz`.
        path: PathBuf,
        /// Why.
        source: DepositRevert,
    },
    /// The genesis state could not be built.
    #[error("genesis: {0}")]
    Genesis(#[from] beacon::genesis::GenesisError),
    /// A keystore file is not a valid EIP-2335 keystore.
    #[error("{}: {source}", path.display())]
    Keystore {
        /// The keystore file.
        path: PathBuf,
        /// Why it was refused.
        source: Box<KeystoreError>,
    },
    /// A keystore has no password file.
    #[error("{}: no password file {}", keystore.display(), secret.display())]
    MissingSecret {
        /// The keystore file.
        keystore: PathBuf,
        /// The password file it needs.
        secret: PathBuf,
    },
    /// A keystore did not open with its password (wrong password or damaged file).
    #[error("{}: cannot decrypt with the password in {}: {source}", keystore.display(), secret.display())]
    KeystoreDecrypt {
        /// The keystore file.
        keystore: PathBuf,
        /// The password file.
        secret: PathBuf,
        /// Why.
        source: Box<KeystoreError>,
    },
    /// Two keystores hold the same key.
    #[error("{} and {} both hold the key {pubkey}", first.display(), second.display())]
    DuplicateKeystore {
        /// The public key.
        pubkey: PublicKeyBytes,
        /// One keystore.
        first: PathBuf,
        /// The other.
        second: PathBuf,
    },
    /// A keystore could not be made.
    #[error("validator {index}: {source}")]
    KeystoreEncrypt {
        /// The validator index.
        index: u64,
        /// Why.
        source: Box<KeystoreError>,
    },
    /// `node.toml` was refused (the error names the file).
    #[error(transparent)]
    NodeConfig(#[from] NodeConfigError),
}

impl DataDirError {
    /// Wraps an I/O error with the path it concerns.
    pub(crate) fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> Self {
        let path = path.into();
        move |source| Self::Io { path, source }
    }
}
