//! What a new network is made of ([`NetworkSpec`]), with the local-testnet defaults in one
//! place, and the shard genesis that `shards.yaml` records ([`ShardGenesis`]).

use std::time::{SystemTime, UNIX_EPOCH};

use alloy_primitives::U256;
use primitives::bls::keystore::KdfSettings;
use primitives::{ChainConfig, PresetName};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_yaml_ng::{Mapping, Value};
use shard::{GenesisAllocation, genesis_accounts};

use super::NetworkSpecError;

/// The default preset of a local testnet.
pub const DEFAULT_PRESET: PresetName = PresetName::Minimal;
/// The default validator count: the minimal preset's `MIN_GENESIS_ACTIVE_VALIDATOR_COUNT`.
pub const DEFAULT_VALIDATORS: u64 = 64;
/// The default `INITIAL_ACTIVE_SHARDS`. With 64 validators under the minimal preset an epoch
/// has 8 slots of 2 committees of 4 (`get_committee_count_per_slot` = min(shards, 64 / 8 / 4)),
/// 16 committees for 4 shards: every shard is crosslinked four times an epoch.
pub const DEFAULT_ACTIVE_SHARDS: u64 = 4;
/// The default `SECONDS_PER_SLOT`: short, so that a local chain finalizes within a minute.
pub const DEFAULT_SECONDS_PER_SLOT: u64 = 2;
/// The default delay from creating a network to its genesis, in seconds: time to start nodes.
pub const DEFAULT_GENESIS_DELAY_SECS: u64 = 30;
/// The mnemonic of the prefunded accounts: the well-known development mnemonic that Hardhat,
/// Foundry and Ganache use, so that every Ethereum tool can spend the genesis funds. Public:
/// never use it for anything of value.
pub const TEST_MNEMONIC: &str = "test test test test test test test test test test test junk";
/// The default number of prefunded accounts on each shard.
pub const DEFAULT_ACCOUNTS_PER_SHARD: usize = 100;
/// The default balance of each prefunded account, in ether.
pub const DEFAULT_BALANCE_ETH: u64 = 1_000_000;
/// Wei in one ether.
pub const WEI_PER_ETH: u64 = 1_000_000_000_000_000_000;

/// The KDF of the keystores written for a local testnet: scrypt with `n = 2^12, r = 8, p = 1`
/// (4 MiB, a few milliseconds a key) instead of EIP-2335's `n = 2^18` (256 MiB, about a
/// second), so that creating and opening a testnet of many validators is quick. Interop keys
/// are public anyway (`sk = sha256(le32(index)) mod r`); keys of value use the default
/// [`KdfSettings::SCRYPT`].
pub const LOCAL_TESTNET_KDF: KdfSettings = KdfSettings::Scrypt {
    n: 1 << 12,
    r: 8,
    p: 1,
};

/// The prefunded accounts of every shard: `accounts_per_shard` accounts of `balance_wei` each,
/// derived from `mnemonic` by [`shard::genesis_accounts`]. Written to `shards.yaml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShardGenesis {
    /// The BIP-39 mnemonic the accounts' keys derive from (BIP-44, `m/44'/60'/0'/0/i`).
    pub mnemonic: String,
    /// How many accounts each active shard holds at genesis.
    pub accounts_per_shard: usize,
    /// The genesis balance of each account, in wei (a decimal string in the file).
    #[serde(with = "decimal_wei")]
    pub balance_wei: U256,
}

impl Default for ShardGenesis {
    /// [`DEFAULT_ACCOUNTS_PER_SHARD`] accounts of [`DEFAULT_BALANCE_ETH`] from [`TEST_MNEMONIC`].
    fn default() -> Self {
        Self {
            mnemonic: TEST_MNEMONIC.to_owned(),
            accounts_per_shard: DEFAULT_ACCOUNTS_PER_SHARD,
            balance_wei: U256::from(DEFAULT_BALANCE_ETH).saturating_mul(U256::from(WEI_PER_ETH)),
        }
    }
}

impl ShardGenesis {
    /// The balance of each account in whole ether (rounded down).
    pub fn balance_eth(&self) -> U256 {
        self.balance_wei / U256::from(WEI_PER_ETH)
    }

    /// The accounts of each of `shard_count` shards.
    pub fn accounts(
        &self,
        shard_count: u64,
    ) -> Result<GenesisAllocation, shard::GenesisAllocError> {
        genesis_accounts(
            &self.mnemonic,
            self.accounts_per_shard,
            self.balance_wei,
            shard_count,
        )
    }
}

/// Everything a new network is made of: the preset and its overrides, the interop validators,
/// the genesis time and the prefunded accounts.
#[derive(Debug, Clone, PartialEq)]
pub struct NetworkSpec {
    /// The preset the configuration starts from.
    pub preset: PresetName,
    /// Constants replaced in the preset (`KEY: value`, see [`ChainConfig::with_overrides`]).
    pub overrides: Mapping,
    /// The number of interop validators, all active at genesis.
    pub validators: u64,
    /// The genesis time, in seconds since the Unix epoch.
    pub genesis_time: u64,
    /// The prefunded accounts of every shard.
    pub shards: ShardGenesis,
}

impl Default for NetworkSpec {
    /// The default local testnet: the minimal preset with [`DEFAULT_ACTIVE_SHARDS`] active
    /// shards and slots of [`DEFAULT_SECONDS_PER_SLOT`], [`DEFAULT_VALIDATORS`] interop
    /// validators, genesis [`DEFAULT_GENESIS_DELAY_SECS`] from now, and
    /// [`ShardGenesis::default`] accounts on every shard.
    fn default() -> Self {
        let mut overrides = Mapping::new();
        overrides.insert(
            Value::from("INITIAL_ACTIVE_SHARDS"),
            Value::from(DEFAULT_ACTIVE_SHARDS),
        );
        overrides.insert(
            Value::from("SECONDS_PER_SLOT"),
            Value::from(DEFAULT_SECONDS_PER_SLOT),
        );
        Self {
            preset: DEFAULT_PRESET,
            overrides,
            validators: DEFAULT_VALIDATORS,
            genesis_time: unix_now().saturating_add(DEFAULT_GENESIS_DELAY_SECS),
            shards: ShardGenesis::default(),
        }
    }
}

impl NetworkSpec {
    /// Sets the override `key` to `value`, replacing an earlier one.
    pub fn set_override(&mut self, key: &str, value: Value) {
        self.overrides.insert(Value::from(key), value);
    }

    /// Sets the override `key` to `value` read as YAML (`8`, `0.5`, `0x01000000`, `[1, 2]`).
    /// Whether the key exists is checked by [`Self::chain_config`].
    pub fn set_override_text(&mut self, key: &str, value: &str) -> Result<(), NetworkSpecError> {
        let parsed: Value =
            serde_yaml_ng::from_str(value).map_err(|e| NetworkSpecError::OverrideValue {
                key: key.to_owned(),
                value: value.to_owned(),
                reason: e.to_string(),
            })?;
        self.set_override(key, parsed);
        Ok(())
    }

    /// The chain configuration of the network: the preset with the overrides, checked for this
    /// genesis.
    ///
    /// When the validator count is below the preset's `MIN_GENESIS_ACTIVE_VALIDATOR_COUNT` and
    /// no override sets it, it is lowered to the count, so that the configuration describes
    /// the genesis truthfully (a small local testnet is a valid genesis of its own network).
    /// Refused: no validators, a genesis before `MIN_GENESIS_TIME`, fewer committees an epoch
    /// than active shards (a shard that can never be crosslinked), committees above
    /// `MAX_VALIDATORS_PER_COMMITTEE`.
    pub fn chain_config(&self) -> Result<ChainConfig, NetworkSpecError> {
        if self.validators == 0 {
            return Err(NetworkSpecError::NoValidators);
        }
        let mut config = ChainConfig::preset(self.preset)
            .with_overrides(&Value::Mapping(self.overrides.clone()))?;
        if self.validators < config.min_genesis_active_validator_count
            && !self
                .overrides
                .contains_key(Value::from("MIN_GENESIS_ACTIVE_VALIDATOR_COUNT"))
        {
            config.min_genesis_active_validator_count = self.validators;
        }
        if self.genesis_time < config.min_genesis_time {
            return Err(NetworkSpecError::GenesisTimeTooEarly {
                genesis_time: self.genesis_time,
                min_genesis_time: config.min_genesis_time,
            });
        }
        check_committees(self.validators, &config)?;
        Ok(config)
    }
}

/// `get_committee_count_per_slot` at genesis (all validators active) must give every active
/// shard a committee each epoch, and committees must fit `MAX_VALIDATORS_PER_COMMITTEE`.
fn check_committees(validators: u64, config: &ChainConfig) -> Result<(), NetworkSpecError> {
    let shards = config.initial_active_shards;
    let per_slot = validators
        .checked_div(config.slots_per_epoch)
        .and_then(|n| n.checked_div(config.target_committee_size))
        .unwrap_or(0)
        .min(shards)
        .max(1);
    let committees_per_epoch = per_slot.saturating_mul(config.slots_per_epoch);
    if committees_per_epoch < shards {
        return Err(NetworkSpecError::TooFewCommittees {
            validators,
            committees_per_epoch,
            shards,
        });
    }
    let committee_size = validators.div_ceil(committees_per_epoch.max(1));
    if committee_size > config.max_validators_per_committee {
        return Err(NetworkSpecError::CommitteesTooLarge {
            validators,
            committee_size,
            max: config.max_validators_per_committee,
        });
    }
    Ok(())
}

/// Seconds since the Unix epoch by the system clock (0 if the clock is before it).
pub fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// A wei amount as a decimal string: YAML numbers are 64-bit at most.
mod decimal_wei {
    use super::{Deserialize, Deserializer, Serializer, U256};

    pub(super) fn serialize<S: Serializer>(value: &U256, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&value.to_string())
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<U256, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Wei {
            Text(String),
            Number(u64),
        }
        match Wei::deserialize(d)? {
            Wei::Number(n) => Ok(U256::from(n)),
            Wei::Text(text) => U256::from_str_radix(text.trim(), 10).map_err(|e| {
                serde::de::Error::custom(format!(
                    "balance_wei `{text}` is not a decimal integer: {e}"
                ))
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_network_crosslinks_every_shard() {
        let spec = NetworkSpec::default();
        let config = spec.chain_config().unwrap();
        assert_eq!(config.config_name, PresetName::Minimal);
        assert_eq!(config.initial_active_shards, 4);
        assert_eq!(config.seconds_per_slot.as_millis(), 2000);
        assert_eq!(config.min_genesis_active_validator_count, 64);
        assert_eq!(
            spec.shards.balance_wei,
            U256::from(10u64).pow(U256::from(24u64))
        );
    }

    #[test]
    fn small_networks_lower_the_genesis_validator_minimum() {
        let spec = NetworkSpec {
            validators: 16,
            genesis_time: 1_700_000_000,
            overrides: Mapping::new(),
            ..NetworkSpec::default()
        };
        assert_eq!(
            spec.chain_config()
                .unwrap()
                .min_genesis_active_validator_count,
            16
        );
    }

    #[test]
    fn refused_networks_name_the_reason() {
        let base = NetworkSpec {
            genesis_time: 1_700_000_000,
            ..NetworkSpec::default()
        };
        let zero = NetworkSpec {
            validators: 0,
            ..base.clone()
        };
        assert!(matches!(
            zero.chain_config(),
            Err(NetworkSpecError::NoValidators)
        ));
        // 16 validators of minimal: one committee a slot, 8 an epoch, for 16 shards.
        let mut sparse = NetworkSpec {
            validators: 16,
            ..base.clone()
        };
        sparse.set_override("INITIAL_ACTIVE_SHARDS", Value::from(8));
        assert!(sparse.chain_config().is_ok());
        sparse.validators = 4;
        sparse.set_override("SLOTS_PER_EPOCH", Value::from(4));
        let error = sparse.chain_config().unwrap_err();
        assert!(
            matches!(error, NetworkSpecError::TooFewCommittees { shards: 8, .. }),
            "{error}"
        );
        let mut unknown = base.clone();
        unknown.set_override_text("NOT_A_KEY", "1").unwrap();
        assert!(
            unknown
                .chain_config()
                .unwrap_err()
                .to_string()
                .contains("NOT_A_KEY")
        );
        let early = NetworkSpec {
            genesis_time: 5,
            ..base.clone()
        };
        assert!(matches!(
            early.chain_config(),
            Err(NetworkSpecError::GenesisTimeTooEarly { .. })
        ));
        let mut bad_value = base;
        assert!(
            bad_value
                .set_override_text("SLOTS_PER_EPOCH", "[1")
                .is_err()
        );
    }

    #[test]
    fn shard_genesis_round_trips_through_yaml() {
        let genesis = ShardGenesis::default();
        let text = serde_yaml_ng::to_string(&genesis).unwrap();
        assert!(
            text.contains("balance_wei: '1000000000000000000000000'"),
            "{text}"
        );
        assert_eq!(
            serde_yaml_ng::from_str::<ShardGenesis>(&text).unwrap(),
            genesis
        );
        let small: ShardGenesis =
            serde_yaml_ng::from_str("mnemonic: x\naccounts_per_shard: 1\nbalance_wei: 7\n")
                .unwrap();
        assert_eq!(small.balance_wei, U256::from(7u64));
        assert!(
            serde_yaml_ng::from_str::<ShardGenesis>(
                "mnemonic: x\naccounts_per_shard: 1\nbalance_wei: ten\n"
            )
            .is_err()
        );
    }
}
