//! A small phase 1 state whose validators hold interop keys, shared by the unit tests that sign.

use primitives::bls::{SecretKey, interop_secret_key};
use primitives::types::{BeaconState, Bytes32, Root, ShardState, Validator};
use primitives::{ChainConfig, MinimalEthSpec};

use crate::FAR_FUTURE_EPOCH;

/// The interop secret keys of validators `0..count`.
pub(crate) fn interop_keys(count: u64) -> Vec<SecretKey> {
    (0..count).map(|i| interop_secret_key(i).unwrap()).collect()
}

/// A state at slot 0 with one active, online validator at the maximum effective balance per key,
/// every shard at `MIN_GASPRICE` and never crosslinked, distinct RANDAO mixes and, when
/// `with_block_roots`, distinct block roots (so that every slot has a beacon block root).
pub(crate) fn interop_test_state(
    keys: &[SecretKey],
    with_block_roots: bool,
    config: &ChainConfig,
) -> BeaconState<MinimalEthSpec> {
    let mut state = BeaconState::<MinimalEthSpec> {
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
    if with_block_roots {
        for (i, root) in state.block_roots.iter_mut().enumerate() {
            *root = Root::repeat_byte(i as u8 + 1);
        }
    }
    state
}
