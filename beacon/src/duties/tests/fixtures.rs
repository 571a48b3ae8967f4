//! A small state whose validators hold interop keys, for signing duties in tests.

use primitives::bls::{PublicKey, SecretKey, Signature, interop_secret_key};
use primitives::types::{BeaconState, Root, SignatureBytes, Slot};
use primitives::{ChainConfig, MinimalEthSpec, PresetName};

pub(super) type E = MinimalEthSpec;

pub(super) const VALIDATORS: u64 = 64;

pub(super) fn config() -> ChainConfig {
    ChainConfig::preset(PresetName::Minimal)
}

pub(super) fn keys() -> Vec<SecretKey> {
    (0..VALIDATORS)
        .map(|i| interop_secret_key(i).unwrap())
        .collect()
}

/// 64 active validators with interop keys at slot 0, every shard last crosslinked at 0.
pub(super) fn genesis(keys: &[SecretKey], config: &ChainConfig) -> BeaconState<E> {
    crate::test_state::interop_test_state(keys, true, config)
}

pub(super) fn at(state: &BeaconState<E>, slot: Slot) -> BeaconState<E> {
    BeaconState {
        slot,
        ..state.clone()
    }
}

pub(super) fn public(key: &SecretKey) -> PublicKey {
    key.public_key()
}

pub(super) fn verifies(signature: &SignatureBytes, key: &SecretKey, root: Root) -> bool {
    Signature::from_bytes(signature)
        .unwrap()
        .verify(&public(key), root)
}
