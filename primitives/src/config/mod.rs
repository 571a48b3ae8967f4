//! Chain configuration: presets chosen by name at run time, with per-testnet overrides.
//!
//! The spec's constants fall in two groups:
//!
//! * **Type-shaping** constants fix the length of an SSZ list or vector (and so the encoding and
//!   the `hash_tree_root` of the containers that hold it). They are carried by the preset type
//!   ([`EthSpec`]: [`MinimalEthSpec`], [`MainnetEthSpec`]) and cannot be overridden:
//!   [`ChainConfig::with_overrides`] refuses them. They are listed in [`TYPE_SHAPING_KEYS`].
//! * **Bounded** constants ([`BOUNDED_KEYS`]) enter a list limit only through a product with a
//!   type-shaping one (`SLOTS_PER_EPOCH` in `MAX_ATTESTATIONS * SLOTS_PER_EPOCH`,
//!   `EPOCHS_PER_ETH1_VOTING_PERIOD * SLOTS_PER_EPOCH`). The limit is computed from the preset's
//!   value, so a testnet may lower them, never raise them. A testnet that lowers
//!   `SLOTS_PER_EPOCH` keeps the preset's list limits.
//! * Every other constant (slot time, committee size, shuffle rounds, active shards, churn,
//!   delays, rewards, fork versions, domains...) is a plain run-time value in [`ChainConfig`].
//!
//! * **shardnet extension keys** are not in the spec; the spec's own files lack them, so each has
//!   a serde default and may be overridden per testnet like any run-time value:
//!   - `BASE_CHAIN_ID` ([`ChainConfig::base_chain_id`], default [`DEFAULT_BASE_CHAIN_ID`]):
//!     shard `s` uses the Ethereum chain id `BASE_CHAIN_ID + s`.
//!
//! `SECONDS_PER_SLOT` accepts a decimal (`0.5`) so that testnets can run sub-second slots; the
//! value is kept in milliseconds.

mod chain_config;
mod preset;

pub use chain_config::{
    BOUNDED_KEYS, ChainConfig, ConfigError, DEFAULT_BASE_CHAIN_ID, PresetName, SlotDuration,
    TYPE_SHAPING_KEYS,
};
pub use preset::{EthSpec, MainnetEthSpec, MinimalEthSpec};
