//! The run-time chain configuration: presets by name and per-testnet overrides.

use std::fmt;
use std::str::FromStr;

use alloy_primitives::{Address, U256};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_yaml_ng::{Mapping, Value};

use crate::types::{DomainType, Version};

/// Spec keys whose value fixes an SSZ type: only the preset sets them.
pub const TYPE_SHAPING_KEYS: &[&str] = &[
    "MAX_VALIDATORS_PER_COMMITTEE",
    "SLOTS_PER_HISTORICAL_ROOT",
    "HISTORICAL_ROOTS_LIMIT",
    "VALIDATOR_REGISTRY_LIMIT",
    "EPOCHS_PER_HISTORICAL_VECTOR",
    "EPOCHS_PER_SLASHINGS_VECTOR",
    "MAX_PROPOSER_SLASHINGS",
    "MAX_ATTESTER_SLASHINGS",
    "MAX_ATTESTATIONS",
    "MAX_DEPOSITS",
    "MAX_VOLUNTARY_EXITS",
    "MAX_SHARDS",
    "MAX_SHARD_BLOCKS_PER_ATTESTATION",
    "MAX_SHARD_BLOCK_SIZE",
    "LIGHT_CLIENT_COMMITTEE_SIZE",
    "MAX_CUSTODY_KEY_REVEALS",
    "MAX_EARLY_DERIVED_SECRET_REVEALS",
    "MAX_CUSTODY_CHUNK_CHALLENGES",
    "MAX_CUSTODY_SLASHINGS",
    "MAX_CUSTODY_CHUNK_CHALLENGE_RECORDS",
    "BYTES_PER_CUSTODY_CHUNK",
    "CUSTODY_RESPONSE_DEPTH",
    "EARLY_DERIVED_SECRET_PENALTY_MAX_FUTURE_EPOCHS",
];

/// Spec keys that enter a list limit through a product with a preset value: a testnet may lower
/// them, not raise them.
pub const BOUNDED_KEYS: &[&str] = &["SLOTS_PER_EPOCH", "EPOCHS_PER_ETH1_VOTING_PERIOD"];

const MINIMAL_YAML: &str = include_str!("../../presets/minimal.yaml");
const MAINNET_YAML: &str = include_str!("../../presets/mainnet.yaml");

/// Why a configuration was refused.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The text is not YAML of the expected shape.
    #[error("invalid configuration: {0}")]
    Yaml(#[from] serde_yaml_ng::Error),
    /// An override names a key the configuration does not have.
    #[error("unknown configuration key `{key}`")]
    UnknownKey {
        /// The key as written.
        key: String,
    },
    /// An override is not a mapping of keys to values.
    #[error("configuration overrides must be a mapping of KEY: value")]
    NotAMapping,
    /// An override tries to change a constant that shapes SSZ types.
    #[error(
        "`{key}` shapes SSZ types and is fixed by the preset ({preset} = {preset_value}); choose another preset instead"
    )]
    TypeShaping {
        /// The key.
        key: &'static str,
        /// The preset's value.
        preset_value: String,
        /// The preset.
        preset: PresetName,
    },
    /// A bounded constant was raised above the preset's value.
    #[error("`{key}` = {value} exceeds the preset's {preset_value}: it may only be lowered")]
    AbovePreset {
        /// The key.
        key: &'static str,
        /// The requested value.
        value: u64,
        /// The preset's value.
        preset_value: u64,
    },
    /// The values contradict each other or a rule of the spec.
    #[error("inconsistent configuration: {0}")]
    Inconsistent(String),
    /// An unknown preset name.
    #[error("unknown preset `{0}` (expected `minimal` or `mainnet`)")]
    UnknownPreset(String),
}

/// The presets this build knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PresetName {
    /// Small committees and short epochs, for tests and local testnets.
    Minimal,
    /// The spec's production values.
    Mainnet,
}

impl PresetName {
    /// The name as written in `CONFIG_NAME`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Minimal => "minimal",
            Self::Mainnet => "mainnet",
        }
    }
}

impl fmt::Display for PresetName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for PresetName {
    type Err = ConfigError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "minimal" => Ok(Self::Minimal),
            "mainnet" => Ok(Self::Mainnet),
            other => Err(ConfigError::UnknownPreset(other.to_owned())),
        }
    }
}

impl Serialize for PresetName {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for PresetName {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// The slot duration. Written as `SECONDS_PER_SLOT`, an integer or a decimal number of seconds
/// (`0.5`); kept in whole milliseconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SlotDuration {
    millis: u64,
}

impl SlotDuration {
    /// A duration of `millis` milliseconds.
    pub const fn from_millis(millis: u64) -> Self {
        Self { millis }
    }
    /// The duration in milliseconds.
    pub const fn as_millis(self) -> u64 {
        self.millis
    }
    /// The duration as a [`std::time::Duration`].
    pub const fn as_duration(self) -> std::time::Duration {
        std::time::Duration::from_millis(self.millis)
    }
}

impl Serialize for SlotDuration {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.millis.is_multiple_of(1000) {
            s.serialize_u64(self.millis.div_euclid(1000))
        } else {
            s.serialize_f64(self.millis as f64 / 1000.0)
        }
    }
}

impl<'de> Deserialize<'de> for SlotDuration {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let seconds = f64::deserialize(d)?;
        let millis = (seconds * 1000.0).round();
        if !(1.0..=86_400_000.0).contains(&millis) {
            return Err(serde::de::Error::custom(format!(
                "SECONDS_PER_SLOT must be between 0.001 and 86400, got {seconds}"
            )));
        }
        // In range and rounded: the cast is exact.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        Ok(Self {
            millis: millis as u64,
        })
    }
}

/// Every constant of the spec's configuration (phase 0 and phase 1), with its spec name in
/// `SCREAMING_SNAKE_CASE` when (de)serialized.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE", deny_unknown_fields)]
pub struct ChainConfig {
    /// `CONFIG_NAME`.
    pub config_name: PresetName,
    /// `MAX_COMMITTEES_PER_SLOT`.
    pub max_committees_per_slot: u64,
    /// `TARGET_COMMITTEE_SIZE`.
    pub target_committee_size: u64,
    /// `MAX_VALIDATORS_PER_COMMITTEE`.
    pub max_validators_per_committee: u64,
    /// `MIN_PER_EPOCH_CHURN_LIMIT`.
    pub min_per_epoch_churn_limit: u64,
    /// `CHURN_LIMIT_QUOTIENT`.
    pub churn_limit_quotient: u64,
    /// `SHUFFLE_ROUND_COUNT`.
    pub shuffle_round_count: u64,
    /// `MIN_GENESIS_ACTIVE_VALIDATOR_COUNT`.
    pub min_genesis_active_validator_count: u64,
    /// `MIN_GENESIS_TIME`.
    pub min_genesis_time: u64,
    /// `HYSTERESIS_QUOTIENT`.
    pub hysteresis_quotient: u64,
    /// `HYSTERESIS_DOWNWARD_MULTIPLIER`.
    pub hysteresis_downward_multiplier: u64,
    /// `HYSTERESIS_UPWARD_MULTIPLIER`.
    pub hysteresis_upward_multiplier: u64,
    /// `PROPORTIONAL_SLASHING_MULTIPLIER`.
    pub proportional_slashing_multiplier: u64,
    /// `SAFE_SLOTS_TO_UPDATE_JUSTIFIED`.
    pub safe_slots_to_update_justified: u64,
    /// `ETH1_FOLLOW_DISTANCE`.
    pub eth1_follow_distance: u64,
    /// `TARGET_AGGREGATORS_PER_COMMITTEE`.
    pub target_aggregators_per_committee: u64,
    /// `RANDOM_SUBNETS_PER_VALIDATOR`.
    pub random_subnets_per_validator: u64,
    /// `EPOCHS_PER_RANDOM_SUBNET_SUBSCRIPTION`.
    pub epochs_per_random_subnet_subscription: u64,
    /// `SECONDS_PER_ETH1_BLOCK`.
    pub seconds_per_eth1_block: u64,
    /// `DEPOSIT_CHAIN_ID`.
    pub deposit_chain_id: u64,
    /// `DEPOSIT_NETWORK_ID`.
    pub deposit_network_id: u64,
    /// `DEPOSIT_CONTRACT_ADDRESS`.
    pub deposit_contract_address: Address,
    /// `MIN_DEPOSIT_AMOUNT`.
    pub min_deposit_amount: u64,
    /// `MAX_EFFECTIVE_BALANCE`.
    pub max_effective_balance: u64,
    /// `EJECTION_BALANCE`.
    pub ejection_balance: u64,
    /// `EFFECTIVE_BALANCE_INCREMENT`.
    pub effective_balance_increment: u64,
    /// `GENESIS_FORK_VERSION`.
    #[serde(with = "hex_version")]
    pub genesis_fork_version: Version,
    /// `BLS_WITHDRAWAL_PREFIX`.
    #[serde(with = "hex_byte")]
    pub bls_withdrawal_prefix: u8,
    /// `GENESIS_DELAY`.
    pub genesis_delay: u64,
    /// `SECONDS_PER_SLOT`.
    pub seconds_per_slot: SlotDuration,
    /// `MIN_ATTESTATION_INCLUSION_DELAY`.
    pub min_attestation_inclusion_delay: u64,
    /// `SLOTS_PER_EPOCH`.
    pub slots_per_epoch: u64,
    /// `MIN_SEED_LOOKAHEAD`.
    pub min_seed_lookahead: u64,
    /// `MAX_SEED_LOOKAHEAD`.
    pub max_seed_lookahead: u64,
    /// `EPOCHS_PER_ETH1_VOTING_PERIOD`.
    pub epochs_per_eth1_voting_period: u64,
    /// `SLOTS_PER_HISTORICAL_ROOT`.
    pub slots_per_historical_root: u64,
    /// `MIN_VALIDATOR_WITHDRAWABILITY_DELAY`.
    pub min_validator_withdrawability_delay: u64,
    /// `SHARD_COMMITTEE_PERIOD`.
    pub shard_committee_period: u64,
    /// `MIN_EPOCHS_TO_INACTIVITY_PENALTY`.
    pub min_epochs_to_inactivity_penalty: u64,
    /// `EPOCHS_PER_HISTORICAL_VECTOR`.
    pub epochs_per_historical_vector: u64,
    /// `EPOCHS_PER_SLASHINGS_VECTOR`.
    pub epochs_per_slashings_vector: u64,
    /// `HISTORICAL_ROOTS_LIMIT`.
    pub historical_roots_limit: u64,
    /// `VALIDATOR_REGISTRY_LIMIT`.
    pub validator_registry_limit: u64,
    /// `BASE_REWARD_FACTOR`.
    pub base_reward_factor: u64,
    /// `WHISTLEBLOWER_REWARD_QUOTIENT`.
    pub whistleblower_reward_quotient: u64,
    /// `PROPOSER_REWARD_QUOTIENT`.
    pub proposer_reward_quotient: u64,
    /// `INACTIVITY_PENALTY_QUOTIENT`.
    pub inactivity_penalty_quotient: u64,
    /// `MIN_SLASHING_PENALTY_QUOTIENT`.
    pub min_slashing_penalty_quotient: u64,
    /// `MAX_PROPOSER_SLASHINGS`.
    pub max_proposer_slashings: u64,
    /// `MAX_ATTESTER_SLASHINGS`.
    pub max_attester_slashings: u64,
    /// `MAX_ATTESTATIONS`.
    pub max_attestations: u64,
    /// `MAX_DEPOSITS`.
    pub max_deposits: u64,
    /// `MAX_VOLUNTARY_EXITS`.
    pub max_voluntary_exits: u64,
    /// `DOMAIN_BEACON_PROPOSER`.
    #[serde(with = "hex_version")]
    pub domain_beacon_proposer: DomainType,
    /// `DOMAIN_BEACON_ATTESTER`.
    #[serde(with = "hex_version")]
    pub domain_beacon_attester: DomainType,
    /// `DOMAIN_RANDAO`.
    #[serde(with = "hex_version")]
    pub domain_randao: DomainType,
    /// `DOMAIN_DEPOSIT`.
    #[serde(with = "hex_version")]
    pub domain_deposit: DomainType,
    /// `DOMAIN_VOLUNTARY_EXIT`.
    #[serde(with = "hex_version")]
    pub domain_voluntary_exit: DomainType,
    /// `DOMAIN_SELECTION_PROOF`.
    #[serde(with = "hex_version")]
    pub domain_selection_proof: DomainType,
    /// `DOMAIN_AGGREGATE_AND_PROOF`.
    #[serde(with = "hex_version")]
    pub domain_aggregate_and_proof: DomainType,
    /// `PHASE_1_FORK_VERSION`.
    #[serde(with = "hex_version")]
    pub phase_1_fork_version: Version,
    /// `PHASE_1_FORK_SLOT`.
    pub phase_1_fork_slot: u64,
    /// `INITIAL_ACTIVE_SHARDS`.
    pub initial_active_shards: u64,
    /// `MAX_SHARDS`.
    pub max_shards: u64,
    /// `LIGHT_CLIENT_COMMITTEE_SIZE`.
    pub light_client_committee_size: u64,
    /// `GASPRICE_ADJUSTMENT_COEFFICIENT`.
    pub gasprice_adjustment_coefficient: u64,
    /// `MAX_SHARD_BLOCK_SIZE`.
    pub max_shard_block_size: u64,
    /// `TARGET_SHARD_BLOCK_SIZE`.
    pub target_shard_block_size: u64,
    /// `SHARD_BLOCK_OFFSETS`.
    pub shard_block_offsets: Vec<u64>,
    /// `MAX_SHARD_BLOCKS_PER_ATTESTATION`.
    pub max_shard_blocks_per_attestation: u64,
    /// `BYTES_PER_CUSTODY_CHUNK`.
    pub bytes_per_custody_chunk: u64,
    /// `CUSTODY_RESPONSE_DEPTH`.
    pub custody_response_depth: u64,
    /// `MAX_GASPRICE`.
    pub max_gasprice: u64,
    /// `MIN_GASPRICE`.
    pub min_gasprice: u64,
    /// `ONLINE_PERIOD`.
    pub online_period: u64,
    /// `LIGHT_CLIENT_COMMITTEE_PERIOD`.
    pub light_client_committee_period: u64,
    /// `MAX_CUSTODY_CHUNK_CHALLENGE_RECORDS`.
    pub max_custody_chunk_challenge_records: u64,
    /// `DOMAIN_SHARD_PROPOSAL`.
    #[serde(with = "hex_version")]
    pub domain_shard_proposal: DomainType,
    /// `DOMAIN_SHARD_COMMITTEE`.
    #[serde(with = "hex_version")]
    pub domain_shard_committee: DomainType,
    /// `DOMAIN_LIGHT_CLIENT`.
    #[serde(with = "hex_version")]
    pub domain_light_client: DomainType,
    /// `DOMAIN_CUSTODY_BIT_SLASHING`.
    #[serde(with = "hex_version")]
    pub domain_custody_bit_slashing: DomainType,
    /// `DOMAIN_LIGHT_SELECTION_PROOF`.
    #[serde(with = "hex_version")]
    pub domain_light_selection_proof: DomainType,
    /// `DOMAIN_LIGHT_AGGREGATE_AND_PROOF`.
    #[serde(with = "hex_version")]
    pub domain_light_aggregate_and_proof: DomainType,
    /// `RANDAO_PENALTY_EPOCHS`.
    pub randao_penalty_epochs: u64,
    /// `EARLY_DERIVED_SECRET_PENALTY_MAX_FUTURE_EPOCHS`.
    pub early_derived_secret_penalty_max_future_epochs: u64,
    /// `EPOCHS_PER_CUSTODY_PERIOD`.
    pub epochs_per_custody_period: u64,
    /// `CUSTODY_PERIOD_TO_RANDAO_PADDING`.
    pub custody_period_to_randao_padding: u64,
    /// `MAX_CHUNK_CHALLENGE_DELAY`.
    pub max_chunk_challenge_delay: u64,
    /// `CUSTODY_PRIME`.
    #[serde(with = "decimal_u256")]
    pub custody_prime: U256,
    /// `CUSTODY_SECRETS`.
    pub custody_secrets: u64,
    /// `BYTES_PER_CUSTODY_ATOM`.
    pub bytes_per_custody_atom: u64,
    /// `CUSTODY_PROBABILITY_EXPONENT`.
    pub custody_probability_exponent: u64,
    /// `MAX_CUSTODY_KEY_REVEALS`.
    pub max_custody_key_reveals: u64,
    /// `MAX_EARLY_DERIVED_SECRET_REVEALS`.
    pub max_early_derived_secret_reveals: u64,
    /// `MAX_CUSTODY_CHUNK_CHALLENGES`.
    pub max_custody_chunk_challenges: u64,
    /// `MAX_CUSTODY_CHUNK_CHALLENGE_RESP`.
    pub max_custody_chunk_challenge_resp: u64,
    /// `MAX_CUSTODY_SLASHINGS`.
    pub max_custody_slashings: u64,
    /// `EARLY_DERIVED_SECRET_REVEAL_SLOT_REWARD_MULTIPLE`.
    pub early_derived_secret_reveal_slot_reward_multiple: u64,
    /// `MINOR_REWARD_QUOTIENT`.
    pub minor_reward_quotient: u64,
    /// `BASE_CHAIN_ID` (shardnet): shard `s` signs and accepts Ethereum transactions with
    /// chain id `BASE_CHAIN_ID + s`. Absent from the spec's files, so it defaults to
    /// [`DEFAULT_BASE_CHAIN_ID`].
    #[serde(default = "default_base_chain_id")]
    pub base_chain_id: u64,
}

/// The default `BASE_CHAIN_ID`: `0x5AD0_0000` (1,523,580,928).
///
/// Chosen away from the small and round ids that public networks and development tools use
/// (1, 5, 1337, 31337, 11155111, ...) so that a wallet never confuses a shard with another chain.
/// It is below `2**31`, so `2 * chain_id + 36` (a legacy EIP-155 `v`) fits the 32-bit field that
/// hardware wallets use, and a multiple of `2**20`, so the ids of all `MAX_SHARDS` shards
/// (`base + 0 ..= base + 1023`) share its leading digits. A public deployment should still check
/// a chain registry and override it per testnet.
pub const DEFAULT_BASE_CHAIN_ID: u64 = 0x5AD0_0000;

fn default_base_chain_id() -> u64 {
    DEFAULT_BASE_CHAIN_ID
}

impl ChainConfig {
    /// The configuration of a preset, as the spec defines it.
    pub fn preset(name: PresetName) -> Self {
        let text = match name {
            PresetName::Minimal => MINIMAL_YAML,
            PresetName::Mainnet => MAINNET_YAML,
        };
        // The embedded presets are checked by this crate's tests; failing here is a build defect.
        #[allow(clippy::expect_used)]
        serde_yaml_ng::from_str(text).expect("embedded preset parses")
    }

    /// Parses a whole configuration in the spec's YAML format (every key present).
    pub fn from_yaml(text: &str) -> Result<Self, ConfigError> {
        let config: Self = serde_yaml_ng::from_str(text)?;
        config.validate()?;
        Ok(config)
    }

    /// This configuration with the keys of `overrides` (a YAML mapping `KEY: value`) replaced.
    ///
    /// Unknown keys, type-shaping keys that differ from the preset and bounded keys above the
    /// preset are refused with the key named; nothing is changed on error.
    pub fn with_overrides(&self, overrides: &Value) -> Result<Self, ConfigError> {
        let Value::Mapping(overrides) = overrides else {
            return Err(ConfigError::NotAMapping);
        };
        let Value::Mapping(mut merged) = serde_yaml_ng::to_value(self)? else {
            return Err(ConfigError::NotAMapping);
        };
        for (key, value) in overrides {
            let Some(name) = key.as_str() else {
                return Err(ConfigError::UnknownKey {
                    key: format!("{key:?}"),
                });
            };
            if !merged.contains_key(name) {
                return Err(ConfigError::UnknownKey {
                    key: name.to_owned(),
                });
            }
            merged.insert(Value::String(name.to_owned()), value.clone());
        }
        let config: Self = serde_yaml_ng::from_value(Value::Mapping(merged))?;
        config.validate()?;
        Ok(config)
    }

    /// Parses overrides from YAML text and applies them (see [`Self::with_overrides`]).
    pub fn with_overrides_yaml(&self, text: &str) -> Result<Self, ConfigError> {
        let value: Value = serde_yaml_ng::from_str(text)?;
        if value.is_null() {
            return Ok(self.clone());
        }
        self.with_overrides(&value)
    }

    /// Checks the rules that tie constants to the preset and to each other.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let preset = Self::preset(self.config_name);
        let mine = Self::as_mapping(self)?;
        let theirs = Self::as_mapping(&preset)?;
        for &key in TYPE_SHAPING_KEYS {
            let ours = mine.get(key);
            let base = theirs.get(key);
            if ours != base {
                return Err(ConfigError::TypeShaping {
                    key,
                    preset_value: base.map(|v| format!("{v:?}")).unwrap_or_default(),
                    preset: self.config_name,
                });
            }
        }
        for &key in BOUNDED_KEYS {
            let value = mine.get(key).and_then(Value::as_u64).unwrap_or(0);
            let preset_value = theirs.get(key).and_then(Value::as_u64).unwrap_or(0);
            if value > preset_value {
                return Err(ConfigError::AbovePreset {
                    key,
                    value,
                    preset_value,
                });
            }
        }
        let inconsistent = |what: &str| Err(ConfigError::Inconsistent(what.to_owned()));
        if self.slots_per_epoch == 0 {
            return inconsistent("SLOTS_PER_EPOCH must be at least 1");
        }
        if self.epochs_per_eth1_voting_period == 0 {
            return inconsistent("EPOCHS_PER_ETH1_VOTING_PERIOD must be at least 1");
        }
        if !self
            .slots_per_historical_root
            .is_multiple_of(self.slots_per_epoch)
        {
            return inconsistent("SLOTS_PER_HISTORICAL_ROOT must be a multiple of SLOTS_PER_EPOCH");
        }
        if self.initial_active_shards == 0 || self.initial_active_shards > self.max_shards {
            return inconsistent("INITIAL_ACTIVE_SHARDS must be between 1 and MAX_SHARDS");
        }
        if self.shard_block_offsets.len() as u64 != self.max_shard_blocks_per_attestation {
            return inconsistent(
                "SHARD_BLOCK_OFFSETS must have MAX_SHARD_BLOCKS_PER_ATTESTATION entries",
            );
        }
        if !self
            .shard_block_offsets
            .windows(2)
            .all(|w| matches!(w, [a, b] if a < b))
        {
            return inconsistent("SHARD_BLOCK_OFFSETS must be strictly increasing");
        }
        if self.target_committee_size == 0 || self.max_committees_per_slot == 0 {
            return inconsistent(
                "TARGET_COMMITTEE_SIZE and MAX_COMMITTEES_PER_SLOT must be at least 1",
            );
        }
        if self.min_seed_lookahead > self.max_seed_lookahead {
            return inconsistent("MIN_SEED_LOOKAHEAD must not exceed MAX_SEED_LOOKAHEAD");
        }
        if self.effective_balance_increment == 0
            || !self
                .max_effective_balance
                .is_multiple_of(self.effective_balance_increment)
        {
            return inconsistent(
                "MAX_EFFECTIVE_BALANCE must be a positive multiple of EFFECTIVE_BALANCE_INCREMENT",
            );
        }
        if self.min_gasprice == 0 || self.min_gasprice > self.max_gasprice {
            return inconsistent("MIN_GASPRICE must be positive and at most MAX_GASPRICE");
        }
        for (key, value) in [
            ("CHURN_LIMIT_QUOTIENT", self.churn_limit_quotient),
            ("HYSTERESIS_QUOTIENT", self.hysteresis_quotient),
            ("BASE_REWARD_FACTOR", self.base_reward_factor),
            (
                "WHISTLEBLOWER_REWARD_QUOTIENT",
                self.whistleblower_reward_quotient,
            ),
            ("PROPOSER_REWARD_QUOTIENT", self.proposer_reward_quotient),
            (
                "INACTIVITY_PENALTY_QUOTIENT",
                self.inactivity_penalty_quotient,
            ),
            (
                "MIN_SLASHING_PENALTY_QUOTIENT",
                self.min_slashing_penalty_quotient,
            ),
            (
                "TARGET_AGGREGATORS_PER_COMMITTEE",
                self.target_aggregators_per_committee,
            ),
            (
                "GASPRICE_ADJUSTMENT_COEFFICIENT",
                self.gasprice_adjustment_coefficient,
            ),
            ("TARGET_SHARD_BLOCK_SIZE", self.target_shard_block_size),
            ("EPOCHS_PER_CUSTODY_PERIOD", self.epochs_per_custody_period),
            ("MINOR_REWARD_QUOTIENT", self.minor_reward_quotient),
            ("ONLINE_PERIOD", self.online_period),
            (
                "LIGHT_CLIENT_COMMITTEE_PERIOD",
                self.light_client_committee_period,
            ),
        ] {
            if value == 0 {
                return Err(ConfigError::Inconsistent(format!(
                    "{key} must not be zero (it divides)"
                )));
            }
        }
        Ok(())
    }

    /// The configuration as YAML text in the spec's format.
    pub fn to_yaml(&self) -> Result<String, ConfigError> {
        Ok(serde_yaml_ng::to_string(self)?)
    }

    fn as_mapping(config: &Self) -> Result<Mapping, ConfigError> {
        match serde_yaml_ng::to_value(config)? {
            Value::Mapping(m) => Ok(m),
            _ => Err(ConfigError::NotAMapping),
        }
    }
}

/// Reads a YAML scalar that the spec writes as `0x`-hex bytes. Text keeps its width; a value
/// that already went through a YAML `Value` arrives as an integer (YAML reads `0x..` as one),
/// taken big-endian.
fn hex_bytes<'de, D: Deserializer<'de>, const N: usize>(d: D) -> Result<[u8; N], D::Error> {
    let mut out = [0u8; N];
    match Value::deserialize(d)? {
        Value::String(text) => {
            let digits = text.strip_prefix("0x").unwrap_or(&text);
            hex::decode_to_slice(digits, &mut out).map_err(|e| {
                serde::de::Error::custom(format!("expected {N} hex bytes, got {text}: {e}"))
            })?;
        }
        Value::Number(n) => {
            let wide = n
                .as_u64()
                .ok_or_else(|| serde::de::Error::custom(format!("expected {N} bytes, got {n}")))?
                .to_be_bytes();
            let (high, low) = wide.split_at(wide.len().saturating_sub(N));
            if high.iter().any(|b| *b != 0) || low.len() != N {
                return Err(serde::de::Error::custom(format!(
                    "{n} does not fit in {N} bytes"
                )));
            }
            out.copy_from_slice(low);
        }
        other => {
            return Err(serde::de::Error::custom(format!(
                "expected hex bytes, got {other:?}"
            )));
        }
    }
    Ok(out)
}

mod hex_version {
    use serde::{Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(v: &[u8; 4], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format!("0x{}", hex::encode(v)))
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<[u8; 4], D::Error> {
        super::hex_bytes::<D, 4>(d)
    }
}

mod hex_byte {
    use serde::{Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(v: &u8, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format!("0x{v:02x}"))
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u8, D::Error> {
        let [byte] = super::hex_bytes::<D, 1>(d)?;
        Ok(byte)
    }
}

mod decimal_u256 {
    use alloy_primitives::U256;
    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(v: &U256, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&v.to_string())
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<U256, D::Error> {
        // Read as text: a YAML number this large would otherwise be taken as a float.
        let text = String::deserialize(d)?;
        text.parse()
            .map_err(|e| serde::de::Error::custom(format!("invalid 256-bit integer {text}: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{EthSpec, MainnetEthSpec, MinimalEthSpec};
    use typenum::Unsigned;

    fn check_preset_matches_type<E: EthSpec>() {
        let c = ChainConfig::preset(E::NAME);
        c.validate().unwrap();
        assert_eq!(c.config_name, E::NAME);
        assert_eq!(
            c.max_validators_per_committee,
            E::MaxValidatorsPerCommittee::to_u64()
        );
        assert_eq!(
            c.slots_per_historical_root,
            E::SlotsPerHistoricalRoot::to_u64()
        );
        assert_eq!(c.historical_roots_limit, E::HistoricalRootsLimit::to_u64());
        assert_eq!(
            c.validator_registry_limit,
            E::ValidatorRegistryLimit::to_u64()
        );
        assert_eq!(
            c.epochs_per_historical_vector,
            E::EpochsPerHistoricalVector::to_u64()
        );
        assert_eq!(
            c.epochs_per_slashings_vector,
            E::EpochsPerSlashingsVector::to_u64()
        );
        assert_eq!(c.max_proposer_slashings, E::MaxProposerSlashings::to_u64());
        assert_eq!(c.max_attester_slashings, E::MaxAttesterSlashings::to_u64());
        assert_eq!(c.max_attestations, E::MaxAttestations::to_u64());
        assert_eq!(c.max_deposits, E::MaxDeposits::to_u64());
        assert_eq!(c.max_voluntary_exits, E::MaxVoluntaryExits::to_u64());
        assert_eq!(c.slots_per_epoch, E::SlotsPerEpoch::to_u64());
        assert_eq!(
            c.max_attestations * c.slots_per_epoch,
            E::MaxPendingAttestations::to_u64()
        );
        assert_eq!(
            c.epochs_per_eth1_voting_period * c.slots_per_epoch,
            E::SlotsPerEth1VotingPeriod::to_u64()
        );
        assert_eq!(c.max_shards, E::MaxShards::to_u64());
        assert_eq!(
            c.max_shard_blocks_per_attestation,
            E::MaxShardBlocksPerAttestation::to_u64()
        );
        assert_eq!(c.max_shard_block_size, E::MaxShardBlockSize::to_u64());
        assert_eq!(
            c.light_client_committee_size,
            E::LightClientCommitteeSize::to_u64()
        );
        assert_eq!(c.max_custody_key_reveals, E::MaxCustodyKeyReveals::to_u64());
        assert_eq!(
            c.max_early_derived_secret_reveals,
            E::MaxEarlyDerivedSecretReveals::to_u64()
        );
        assert_eq!(
            c.max_custody_chunk_challenges,
            E::MaxCustodyChunkChallenges::to_u64()
        );
        assert_eq!(c.max_custody_slashings, E::MaxCustodySlashings::to_u64());
        assert_eq!(
            c.max_custody_chunk_challenge_records,
            E::MaxCustodyChunkChallengeRecords::to_u64()
        );
        assert_eq!(c.bytes_per_custody_chunk, E::BytesPerCustodyChunk::to_u64());
        assert_eq!(
            c.custody_response_depth + 1,
            E::CustodyResponseDepthPlusOne::to_u64()
        );
        assert_eq!(
            c.early_derived_secret_penalty_max_future_epochs,
            E::EarlyDerivedSecretPenaltyMaxFutureEpochs::to_u64()
        );
        assert_eq!(
            c.max_early_derived_secret_reveals * c.slots_per_epoch,
            E::MaxExposedDerivedSecretsPerEpoch::to_u64()
        );
        // PERIOD_COMMITTEE_ROOT_IN_BEACON_STATE_DEPTH (5) + log_2(MAX_SHARDS).
        assert!(c.max_shards.is_power_of_two());
        assert_eq!(
            5 + u64::from(c.max_shards.trailing_zeros()),
            E::LightClientCommitteeBranchLength::to_u64()
        );
    }

    #[test]
    fn presets_match_their_types() {
        check_preset_matches_type::<MinimalEthSpec>();
        check_preset_matches_type::<MainnetEthSpec>();
    }

    #[test]
    fn yaml_round_trip() {
        for name in [PresetName::Minimal, PresetName::Mainnet] {
            let c = ChainConfig::preset(name);
            let text = c.to_yaml().unwrap();
            assert_eq!(ChainConfig::from_yaml(&text).unwrap(), c);
        }
    }

    #[test]
    fn overrides_apply_and_are_checked() {
        let base = ChainConfig::preset(PresetName::Minimal);
        let c = base
            .with_overrides_yaml("SECONDS_PER_SLOT: 0.5\nSHUFFLE_ROUND_COUNT: 20\nINITIAL_ACTIVE_SHARDS: 4\nSLOTS_PER_EPOCH: 4\nGENESIS_FORK_VERSION: 0x0000abcd")
            .unwrap();
        assert_eq!(c.seconds_per_slot.as_millis(), 500);
        assert_eq!(c.shuffle_round_count, 20);
        assert_eq!(c.initial_active_shards, 4);
        assert_eq!(c.slots_per_epoch, 4);
        assert_eq!(c.genesis_fork_version, [0, 0, 0xab, 0xcd]);

        let err = base.with_overrides_yaml("NOT_A_KEY: 1").unwrap_err();
        assert!(
            matches!(err, ConfigError::UnknownKey { ref key } if key == "NOT_A_KEY"),
            "{err}"
        );
        let err = base.with_overrides_yaml("MAX_SHARDS: 64").unwrap_err();
        assert!(
            matches!(
                err,
                ConfigError::TypeShaping {
                    key: "MAX_SHARDS",
                    ..
                }
            ),
            "{err}"
        );
        let err = base.with_overrides_yaml("SLOTS_PER_EPOCH: 16").unwrap_err();
        assert!(
            matches!(
                err,
                ConfigError::AbovePreset {
                    key: "SLOTS_PER_EPOCH",
                    ..
                }
            ),
            "{err}"
        );
        let err = base
            .with_overrides_yaml("INITIAL_ACTIVE_SHARDS: 9")
            .unwrap_err();
        assert!(matches!(err, ConfigError::Inconsistent(_)), "{err}");
        let err = base.with_overrides_yaml("SLOTS_PER_EPOCH: 3").unwrap_err();
        assert!(matches!(err, ConfigError::Inconsistent(_)), "{err}");
        let err = base
            .with_overrides_yaml("SECONDS_PER_SLOT: -1")
            .unwrap_err();
        assert!(matches!(err, ConfigError::Yaml(_)), "{err}");
        let err = base
            .with_overrides_yaml("GENESIS_FORK_VERSION: \"0x01\"")
            .unwrap_err();
        assert!(matches!(err, ConfigError::Yaml(_)), "{err}");
        let err = base
            .with_overrides_yaml("GENESIS_FORK_VERSION: 0x100000000")
            .unwrap_err();
        assert!(matches!(err, ConfigError::Yaml(_)), "{err}");
        let err = base.with_overrides_yaml("- 1").unwrap_err();
        assert!(matches!(err, ConfigError::NotAMapping), "{err}");
    }

    #[test]
    fn base_chain_id_defaults_when_absent_and_can_be_overridden() {
        let preset = ChainConfig::preset(PresetName::Minimal);
        assert_eq!(preset.base_chain_id, DEFAULT_BASE_CHAIN_ID);
        let text = preset.to_yaml().unwrap();
        assert!(text.contains("BASE_CHAIN_ID: 1523580928"), "{text}");
        let without: String = text
            .lines()
            .filter(|line| !line.starts_with("BASE_CHAIN_ID"))
            .map(|line| format!("{line}\n"))
            .collect();
        assert_eq!(ChainConfig::from_yaml(&without).unwrap(), preset);
        let custom = preset.with_overrides_yaml("BASE_CHAIN_ID: 900000").unwrap();
        assert_eq!(custom.base_chain_id, 900_000);
        let err = preset.with_overrides_yaml("BASE_CHAIN_ID: -1").unwrap_err();
        assert!(matches!(err, ConfigError::Yaml(_)), "{err}");
    }

    #[test]
    fn custody_prime_parses() {
        let c = ChainConfig::preset(PresetName::Mainnet);
        assert_eq!(c.custody_prime, U256::MAX - U256::from(188u64));
    }
}
