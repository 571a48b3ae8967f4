//! Fork choice `get_head` with 100,000 validators' latest messages over a tree of a few hundred
//! blocks, with none or a fraction of the votes moving between calls.

use std::hint::black_box;
use std::time::{Duration, Instant};

use beacon::fork_choice::ForkChoiceStore;
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use primitives::types::{AttestationData, BeaconBlock, Checkpoint, Root};
use primitives::{ChainConfig, MinimalEthSpec, PresetName};

const VALIDATORS: u64 = 100_000;
const CHAIN_LENGTH: u64 = 256;
const BALANCE: u64 = 32_000_000_000;

/// xorshift64*: a fixed, dependency-free stream of votes.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) % n
    }
}

fn block_root(index: u64) -> Root {
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&(index + 1).to_be_bytes());
    Root::from(bytes)
}

/// A main chain of 256 blocks with a one-block fork every fourth slot: 320 blocks.
fn build_store() -> (ForkChoiceStore, Vec<Root>) {
    let config = ChainConfig::preset(PresetName::Minimal);
    let genesis = block_root(u64::MAX - 1);
    let mut store =
        ForkChoiceStore::from_anchor(&config, 0, 0, 0, genesis, Root::ZERO).expect("valid anchor");
    store
        .on_tick((CHAIN_LENGTH + 1) * config.seconds_per_slot.as_millis())
        .expect("tick");
    let checkpoints = beacon::fork_choice::PostStateCheckpoints {
        current_justified_checkpoint: Checkpoint {
            epoch: 0,
            root: genesis,
        },
        finalized_checkpoint: Checkpoint {
            epoch: 0,
            root: genesis,
        },
    };
    let mut main = vec![genesis];
    let mut all = Vec::new();
    for slot in 1..=CHAIN_LENGTH {
        let parent = main[(slot - 1) as usize];
        let block = BeaconBlock::<MinimalEthSpec> {
            slot,
            parent_root: parent,
            ..BeaconBlock::default()
        };
        let root = block_root(slot);
        store
            .on_block(&block, root, &checkpoints)
            .expect("main block");
        main.push(root);
        all.push(root);
        if slot % 4 == 0 && slot >= 2 {
            let side = BeaconBlock::<MinimalEthSpec> {
                slot,
                parent_root: main[(slot - 2) as usize],
                ..BeaconBlock::default()
            };
            let root = block_root(1_000_000 + slot);
            store
                .on_block(&side, root, &checkpoints)
                .expect("side block");
            all.push(root);
        }
    }
    (store, all)
}

fn vote(store: &mut ForkChoiceStore, validator: u64, root: Root, epoch: u64) {
    let data = AttestationData {
        beacon_block_root: root,
        target: Checkpoint { epoch, root },
        ..AttestationData::default()
    };
    store
        .update_latest_messages(&[validator], &data)
        .expect("vote");
}

fn get_head(c: &mut Criterion) {
    let balances = vec![BALANCE; VALIDATORS as usize];
    let mut group = c.benchmark_group("fork_choice_get_head");
    for percent_moving in [0u64, 1, 10] {
        let (mut store, blocks) = build_store();
        let recent = &blocks[blocks.len() - 64..];
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        for validator in 0..VALIDATORS {
            let root = recent[rng.below(recent.len() as u64) as usize];
            vote(&mut store, validator, root, 1);
        }
        store.get_head(&balances).expect("first head");
        let moving = VALIDATORS * percent_moving / 100;
        let mut epoch = 1;
        group.bench_function(
            BenchmarkId::new(
                "100k_validators_320_blocks",
                format!("{percent_moving}pct_votes_move"),
            ),
            |b| {
                b.iter_custom(|iterations| {
                    let mut total = Duration::ZERO;
                    for _ in 0..iterations {
                        epoch += 1;
                        for _ in 0..moving {
                            let validator = rng.below(VALIDATORS);
                            let root = recent[rng.below(recent.len() as u64) as usize];
                            vote(&mut store, validator, root, epoch);
                        }
                        let start = Instant::now();
                        black_box(store.get_head(black_box(&balances)).expect("head"));
                        total += start.elapsed();
                    }
                    total
                });
            },
        );
    }
    group.finish();
}

criterion_group!(benches, get_head);
criterion_main!(benches);
