//! A small state whose validators hold interop keys, for signing duties in tests.

use primitives::bls::{PublicKey, SecretKey, Signature, interop_secret_key};
use primitives::types::{BeaconState, Bytes32, Root, ShardState, SignatureBytes, Slot, Validator};
use primitives::{ChainConfig, MinimalEthSpec, PresetName};

use crate::FAR_FUTURE_EPOCH;

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
    let mut state = BeaconState::<E> {
        genesis_validators_root: Root::repeat_byte(0x42),
        ..Default::default()
    };
    for key in keys {
        let validator = Validator {
            pubkey: key.public_key().to_bytes(),
            effective_balance: config.max_effective_balance,
            exit_epoch: FAR_FUTURE_EPOCH,
            withdrawable_epoch: FAR_FUTURE_EPOCH,
            ..Default::default()
        };
        state.validators.push(validator).unwrap();
        state.balances.push(config.max_effective_balance).unwrap();
        state.online_countdown.push(1).unwrap();
    }
    for _ in 0..config.max_shards {
        let shard_state = ShardState {
            gasprice: config.min_gasprice,
            ..Default::default()
        };
        state.shard_states.push(shard_state).unwrap();
    }
    for (i, mix) in state.randao_mixes.iter_mut().enumerate() {
        *mix = Bytes32::repeat_byte(i as u8 ^ 0x33);
    }
    for (i, root) in state.block_roots.iter_mut().enumerate() {
        *root = Root::repeat_byte(i as u8 + 1);
    }
    state
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
