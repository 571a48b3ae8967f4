//! Validator duties of a whole epoch on a mainnet preset state: `EpochDuties::new` (one shuffle
//! per committee kind, every validator's attester duty, every slot's beacon and shard
//! proposers, the light client committee) against the per-validator `get_committee_assignment`
//! it replaces.

use std::hint::black_box;

use beacon::duties::{EpochDuties, get_committee_assignment};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use primitives::types::{BeaconState, Root, Validator};
use primitives::{ChainConfig, MainnetEthSpec, PresetName};

type State = BeaconState<MainnetEthSpec>;

/// The current epoch of the benchmarked state.
const EPOCH: u64 = 10;

fn build_state(validators: u64, config: &ChainConfig) -> State {
    let mut state = State {
        slot: EPOCH * config.slots_per_epoch + 3,
        ..State::default()
    };
    for _ in 0..validators {
        let validator = Validator {
            effective_balance: config.max_effective_balance,
            exit_epoch: u64::MAX,
            withdrawable_epoch: u64::MAX,
            ..Validator::default()
        };
        state.validators.push(validator).expect("registry room");
        state
            .balances
            .push(config.max_effective_balance)
            .expect("registry room");
    }
    for (i, r) in (0u64..).zip(state.randao_mixes.iter_mut()) {
        let mut bytes = [0x3a; 32];
        bytes[..8].copy_from_slice(&i.to_le_bytes());
        *r = Root::from(bytes);
    }
    state
}

fn duties(c: &mut Criterion) {
    let config = ChainConfig::preset(PresetName::Mainnet);
    let mut group = c.benchmark_group("duties");
    group.sample_size(10);
    for validators in [16_384u64, 100_000] {
        let state = build_state(validators, &config);
        let built = EpochDuties::new(&state, EPOCH, &config).expect("duties");
        assert_eq!(built.attester_duties().count() as u64, validators);
        assert_eq!(
            built.committee_assignment(17).expect("assignment"),
            get_committee_assignment(&state, EPOCH, 17, &config).expect("assignment")
        );
        group.bench_with_input(
            BenchmarkId::new("epoch_duties", validators),
            &state,
            |b, state| {
                b.iter(|| black_box(EpochDuties::new(state, EPOCH, &config).expect("duties")));
            },
        );
        group.bench_with_input(
            BenchmarkId::new("one_committee_assignment", validators),
            &state,
            |b, state| {
                b.iter(|| {
                    black_box(
                        get_committee_assignment(state, EPOCH, 17, &config).expect("assignment"),
                    )
                });
            },
        );
    }
    group.finish();
}

criterion_group!(benches, duties);
criterion_main!(benches);
