//! `hash_tree_root` of a mainnet-preset phase 1 `BeaconState` with 16,384 validators.
//!
//! The state is hashed from scratch each time (no tree cache): this is the cost a node pays for
//! every state root it computes without one.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use primitives::MainnetEthSpec;
use primitives::types::{BeaconState, Hash256, PublicKeyBytes, Validator};
use ssz_types::VariableList;
use tree_hash::TreeHash;

const VALIDATORS: u64 = 16_384;
const FAR_FUTURE_EPOCH: u64 = u64::MAX;

fn pubkey(index: u64) -> PublicKeyBytes {
    let mut bytes = [0u8; 48];
    bytes[0] = 0x80;
    bytes[8..16].copy_from_slice(&index.to_le_bytes());
    bytes[40..48].copy_from_slice(&index.wrapping_mul(0x9e37_79b9_7f4a_7c15).to_le_bytes());
    PublicKeyBytes(bytes)
}

fn root(seed: u64) -> Hash256 {
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&seed.to_le_bytes());
    bytes[24..].copy_from_slice(&seed.wrapping_mul(0x2545_f491_4f6c_dd1d).to_le_bytes());
    Hash256::from(bytes)
}

fn state() -> BeaconState<MainnetEthSpec> {
    let validators: Vec<Validator> = (0..VALIDATORS)
        .map(|i| Validator {
            pubkey: pubkey(i),
            withdrawal_credentials: root(i | 1 << 40),
            effective_balance: 32_000_000_000 - (i % 4) * 1_000_000_000,
            slashed: i % 97 == 0,
            activation_eligibility_epoch: 0,
            activation_epoch: 0,
            exit_epoch: FAR_FUTURE_EPOCH,
            withdrawable_epoch: FAR_FUTURE_EPOCH,
            next_custody_secret_to_reveal: i % 8,
            all_custody_secrets_revealed_epoch: FAR_FUTURE_EPOCH,
        })
        .collect();
    let balances: Vec<u64> = (0..VALIDATORS)
        .map(|i| 32_000_000_000 + i * 1_234)
        .collect();
    let mut state = BeaconState::<MainnetEthSpec> {
        genesis_time: 1_606_824_023,
        slot: 8_191,
        validators: VariableList::new(validators).expect("under the registry limit"),
        balances: VariableList::new(balances).expect("under the registry limit"),
        online_countdown: VariableList::new(vec![8; VALIDATORS as usize])
            .expect("under the registry limit"),
        ..Default::default()
    };
    for (i, mix) in state.randao_mixes.iter_mut().enumerate() {
        *mix = root(i as u64);
    }
    for (i, root_) in state.block_roots.iter_mut().enumerate() {
        *root_ = root(1 << 20 | i as u64);
    }
    for (i, root_) in state.state_roots.iter_mut().enumerate() {
        *root_ = root(1 << 21 | i as u64);
    }
    state
}

fn bench_tree_hash(c: &mut Criterion) {
    let state = state();
    let mut group = c.benchmark_group("tree_hash");
    group.sample_size(10);
    group.bench_function("beacon_state_mainnet_16384_validators", |b| {
        b.iter(|| black_box(&state).tree_hash_root());
    });
    group.bench_function("validators_16384", |b| {
        b.iter(|| black_box(&state.validators).tree_hash_root());
    });
    group.finish();
}

criterion_group!(benches, bench_tree_hash);
criterion_main!(benches);
