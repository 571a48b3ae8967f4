//! shardnet primitives: what every other crate shares.
//!
//! - [`config`]: the chain configuration. Presets (`minimal`, `mainnet`) are chosen at run time by
//!   name; constants that shape SSZ types live in an [`EthSpec`] type, the rest in a
//!   [`ChainConfig`] value that a testnet may override.
//! - [`types`]: every phase 0 and phase 1 container of consensus spec v0.12.3.
//! - [`bls`]: BLS12-381 signatures over `blst` (min-pk, proof-of-possession ciphersuite), key
//!   derivation (EIP-2333/2334) and password-encrypted keystores ([`bls::keystore`], EIP-2335).
//! - [`shuffling`]: the swap-or-not shuffle, committees and proposer selection.
//! - [`math`] and [`signing`]: the spec's integer helpers, domains and signing roots.
//! - [`deposit_tree`]: the deposit contract's incremental Merkle tree.
//!
//! This crate is pure: no I/O beyond parsing what it is given, no clock, no async.
#![cfg_attr(
    not(test),
    deny(
        clippy::arithmetic_side_effects,
        clippy::indexing_slicing,
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic
    )
)]

pub mod bls;
pub mod config;
pub mod deposit_tree;
pub mod math;
pub mod shuffling;
pub mod signing;
pub mod types;

pub use config::{
    ChainConfig, ConfigError, DEFAULT_BASE_CHAIN_ID, EthSpec, MainnetEthSpec, MinimalEthSpec,
    PresetName,
};
