//! `process_justification_and_finalization`, `process_rewards_and_penalties` and the whole
//! phase 1 `process_epoch` on a mainnet preset state at the last slot of epoch 10 (where
//! `process_slots` calls `process_epoch`), every validator having attested in the previous and
//! the current epoch (one aggregate per committee, built from the committees).
//!
//! The state is a phase 0 registry upgraded by `upgrade_to_phase1`, not an interop genesis:
//! interop genesis derives a BLS key, signs and verifies a proof of possession per validator,
//! some minutes for 100,000 of them. The validators carry distinct dummy public keys; epoch
//! processing verifies no signature and decodes no key.

use std::hint::black_box;

use beacon::accessors::{CommitteeCache, get_block_root, get_block_root_at_slot};
use beacon::genesis::upgrade_to_phase1;
use beacon::per_epoch::{
    process_epoch, process_justification_and_finalization, process_rewards_and_penalties,
};
use criterion::{BatchSize, BenchmarkId, Criterion, criterion_group, criterion_main};
use primitives::types::{
    BeaconState, Checkpoint, PendingAttestation, PublicKeyBytes, Root, phase0,
};
use primitives::{ChainConfig, MainnetEthSpec, PresetName};
use ssz_types::BitList;

type State = BeaconState<MainnetEthSpec>;

const EPOCH: u64 = 10;
const BALANCE: u64 = 32_000_000_000;

fn root(tag: u8, n: u64) -> Root {
    let mut bytes = [tag; 32];
    bytes[..8].copy_from_slice(&n.to_le_bytes());
    Root::from(bytes)
}

/// Full participation: one aggregate with every bit set per committee of each slot of the
/// previous epoch and of the current epoch before the state's slot.
fn add_attestations(state: &mut State, epoch: u64, config: &ChainConfig) {
    let cache = CommitteeCache::new(state, epoch, config).expect("committees");
    let start = epoch * config.slots_per_epoch;
    let target = get_block_root(state, epoch, config).expect("target root");
    for slot in (start..start + config.slots_per_epoch).filter(|s| *s < state.slot) {
        for index in 0..cache.committees_per_slot() {
            let committee = cache.get_beacon_committee(slot, index).expect("committee");
            let mut bits = BitList::with_capacity(committee.len()).expect("bits");
            for i in 0..committee.len() {
                bits.set(i, true).expect("bit");
            }
            let mut pending = PendingAttestation {
                aggregation_bits: bits,
                data: Default::default(),
                inclusion_delay: 1,
                proposer_index: slot % state.validators.len() as u64,
                crosslink_success: false,
            };
            pending.data.slot = slot;
            pending.data.index = index;
            pending.data.target = Checkpoint {
                epoch,
                root: target,
            };
            pending.data.beacon_block_root = get_block_root_at_slot(state, slot).expect("head");
            let list = if epoch == EPOCH {
                &mut state.current_epoch_attestations
            } else {
                &mut state.previous_epoch_attestations
            };
            list.push(pending).expect("room for the attestation");
        }
    }
}

fn build_state(validators: u64, config: &ChainConfig) -> State {
    let mut pre = phase0::BeaconState::<MainnetEthSpec> {
        slot: (EPOCH + 1) * config.slots_per_epoch - 1,
        ..Default::default()
    };
    for i in 0..validators {
        let mut pubkey = [0xa5; 48];
        pubkey[..8].copy_from_slice(&i.to_le_bytes());
        let validator = phase0::Validator {
            pubkey: PublicKeyBytes(pubkey),
            effective_balance: BALANCE,
            exit_epoch: u64::MAX,
            withdrawable_epoch: u64::MAX,
            ..Default::default()
        };
        pre.validators.push(validator).expect("registry room");
        pre.balances
            .push(BALANCE + i % 1000)
            .expect("registry room");
    }
    for (i, r) in (0u64..).zip(pre.block_roots.iter_mut()) {
        *r = root(0xb0, i);
    }
    for (i, r) in (0u64..).zip(pre.state_roots.iter_mut()) {
        *r = root(0x5e, i);
    }
    for (i, r) in (0u64..).zip(pre.randao_mixes.iter_mut()) {
        *r = root(0x3a, i);
    }
    pre.previous_justified_checkpoint = Checkpoint {
        epoch: EPOCH - 2,
        root: root(1, EPOCH - 2),
    };
    pre.current_justified_checkpoint = Checkpoint {
        epoch: EPOCH - 1,
        root: root(1, EPOCH - 1),
    };
    pre.finalized_checkpoint = pre.previous_justified_checkpoint.clone();
    pre.justification_bits.set(0, true).expect("bit");
    pre.justification_bits.set(1, true).expect("bit");
    // Shard states, online countdowns, custody periods and both light client committees.
    let mut state = upgrade_to_phase1(&pre, config).expect("phase 1 state");
    add_attestations(&mut state, EPOCH - 1, config);
    add_attestations(&mut state, EPOCH, config);
    state
}

/// The benchmarked path is the intended one: both epochs justify, the previous one finalizes
/// and every validator gains.
fn check_full_participation(state: &State, config: &ChainConfig) {
    let mut s = state.clone();
    process_justification_and_finalization(&mut s, config).expect("valid");
    assert_eq!(s.current_justified_checkpoint.epoch, EPOCH);
    assert_eq!(s.finalized_checkpoint.epoch, EPOCH - 1);
    process_rewards_and_penalties(&mut s, config).expect("valid");
    assert!(
        s.balances
            .iter()
            .zip(state.balances.iter())
            .all(|(after, before)| after > before)
    );
}

/// The whole epoch takes the same path: both epochs justify, the previous one finalizes, no
/// validator is slashed for a missed custody reveal, every validator gains, and the
/// attestations rotate.
fn check_whole_epoch(state: &State, config: &ChainConfig) {
    let mut s = state.clone();
    process_epoch(&mut s, config).expect("valid");
    assert_eq!(s.current_justified_checkpoint.epoch, EPOCH);
    assert_eq!(s.finalized_checkpoint.epoch, EPOCH - 1);
    assert!(s.validators.iter().all(|v| !v.slashed));
    assert!(
        s.balances
            .iter()
            .zip(state.balances.iter())
            .all(|(after, before)| after > before)
    );
    assert_eq!(
        s.previous_epoch_attestations,
        state.current_epoch_attestations
    );
    assert!(s.current_epoch_attestations.is_empty());
}

fn epoch_processing(c: &mut Criterion) {
    let config = ChainConfig::preset(PresetName::Mainnet);
    let mut group = c.benchmark_group("epoch_processing");
    group.sample_size(20);
    for validators in [16_384u64, 100_000] {
        let state = build_state(validators, &config);
        check_full_participation(&state, &config);
        check_whole_epoch(&state, &config);
        group.bench_with_input(
            BenchmarkId::new("justification_and_finalization", validators),
            &state,
            |b, state| {
                b.iter_batched(
                    || state.clone(),
                    |mut s| {
                        process_justification_and_finalization(&mut s, &config).expect("valid");
                        black_box(s)
                    },
                    BatchSize::LargeInput,
                );
            },
        );
        group.bench_with_input(
            BenchmarkId::new("rewards_and_penalties", validators),
            &state,
            |b, state| {
                b.iter_batched(
                    || state.clone(),
                    |mut s| {
                        process_rewards_and_penalties(&mut s, &config).expect("valid");
                        black_box(s)
                    },
                    BatchSize::LargeInput,
                );
            },
        );
        group.bench_with_input(BenchmarkId::new("both", validators), &state, |b, state| {
            b.iter_batched(
                || state.clone(),
                |mut s| {
                    process_justification_and_finalization(&mut s, &config).expect("valid");
                    process_rewards_and_penalties(&mut s, &config).expect("valid");
                    black_box(s)
                },
                BatchSize::LargeInput,
            );
        });
        group.bench_with_input(
            BenchmarkId::new("process_epoch", validators),
            &state,
            |b, state| {
                b.iter_batched(
                    || state.clone(),
                    |mut s| {
                        process_epoch(&mut s, &config).expect("valid");
                        black_box(s)
                    },
                    BatchSize::LargeInput,
                );
            },
        );
    }
    group.finish();
}

criterion_group!(benches, epoch_processing);
criterion_main!(benches);
