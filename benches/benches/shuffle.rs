//! The swap-or-not shuffle with the mainnet round count: a whole list at once, against one index.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use primitives::shuffling::{compute_shuffled_index, shuffle_list};
use primitives::types::Bytes32;
use primitives::{ChainConfig, PresetName};

fn mainnet_rounds() -> u64 {
    ChainConfig::preset(PresetName::Mainnet).shuffle_round_count
}

fn whole_list(c: &mut Criterion) {
    let rounds = mainnet_rounds();
    let seed = Bytes32::repeat_byte(0x42);
    let mut group = c.benchmark_group("shuffle_list");
    for count in [16_384u64, 1_000_000] {
        if count >= 1_000_000 {
            // About 0.1 s per shuffle: fewer samples keep the run short.
            group.sample_size(10);
        }
        group.throughput(Throughput::Elements(count));
        // The list is shuffled in place again and again; every permutation costs the same.
        let mut list: Vec<u64> = (0..count).collect();
        shuffle_list(&mut list, rounds, &seed, false).expect("mainnet parameters are valid");
        group.bench_function(BenchmarkId::from_parameter(count), |b| {
            b.iter(|| shuffle_list(black_box(&mut list), rounds, &seed, false));
        });
    }
    group.finish();
}

fn one_index(c: &mut Criterion) {
    let rounds = mainnet_rounds();
    let seed = Bytes32::repeat_byte(0x42);
    compute_shuffled_index(1_234, 16_384, &seed, rounds).expect("mainnet parameters are valid");
    c.bench_function("compute_shuffled_index/one_of_16384", |b| {
        b.iter(|| compute_shuffled_index(black_box(1_234), 16_384, &seed, rounds));
    });
}

criterion_group!(benches, whole_list, one_index);
criterion_main!(benches);
