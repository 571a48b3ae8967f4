//! Shard execution throughput: a payload of 1,000 pre-signed transfers between 10,000 funded
//! accounts (about half of them to the other of two shards), checked as a validator checks a
//! shard block body: decode, recover senders, execute, compare the roots. On 1 and 2 threads.
//!
//! `execute_payload/uncached` is the whole check with senders recovered in it;
//! `recover_senders` is that recovery alone (its share of the whole), and
//! `execute_payload/cached_senders` the rest, as when the transactions were seen in the mempool.
//! Criterion reports `elem/s`, which here is transactions per second.

use std::hint::black_box;
use std::num::NonZeroUsize;

use alloy_primitives::U256;
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use primitives::{ChainConfig, PresetName};
use shard::{
    Account, AccountState, ExecutionContext, ExecutionState, SenderCache, ShardTransaction,
    TransferRequest, TransferSigner, build_payload, execute_payload, execute_transactions,
    recover_senders,
};
use ssz::Encode;

const ACCOUNTS: u64 = 10_000;
const BLOCK_TXS: u64 = 1_000;
const GWEI: u128 = 1_000_000_000;

struct Fixture {
    config: ChainConfig,
    state: ExecutionState,
    txs: Vec<ShardTransaction>,
    payload: Vec<u8>,
    context: ExecutionContext,
}

fn fixture() -> Fixture {
    let config = ChainConfig::preset(PresetName::Minimal);
    let signers: Vec<TransferSigner> = (0..ACCOUNTS)
        .map(|seed| TransferSigner::from_seed(seed).expect("seeded key"))
        .collect();
    let state = AccountState::from_accounts(signers.iter().map(|signer| {
        let account = Account {
            balance: U256::from(10u64).pow(U256::from(21u64)),
            nonce: 0,
        };
        (signer.address(), account)
    }))
    .expect("genesis state");
    let state = ExecutionState::new(state);
    let context = ExecutionContext {
        shard: 0,
        shard_count: 2,
        base_chain_id: config.base_chain_id,
        gasprice: config.min_gasprice,
        deposit_contract_address: config.deposit_contract_address,
        min_deposit_amount: config.min_deposit_amount,
    };
    let candidates: Vec<_> = (0..BLOCK_TXS)
        .map(|i| {
            // Senders spread over the accounts; recipients on a different stride.
            let sender = &signers[(i * 7 % ACCOUNTS) as usize];
            let recipient = signers[((i * 7919 + 13) % ACCOUNTS) as usize].address();
            let request = TransferRequest {
                chain_id: config.base_chain_id,
                nonce: 0,
                to: recipient,
                value: U256::from(1_000 + i),
                gas_limit: 21_000,
                max_fee_per_gas: 20 * GWEI,
                max_priority_fee_per_gas: GWEI,
            };
            let bytes = if i % 2 == 0 {
                sender.sign_eip1559(&request)
            } else {
                sender.sign_legacy(&request)
            };
            let tx = ShardTransaction::decode(&bytes, config.base_chain_id).expect("valid");
            (tx, sender.address())
        })
        .collect();
    let built =
        build_payload(&mut state.clone(), &candidates, &context, &config).expect("payload builds");
    assert_eq!(built.payload.transactions.len() as u64, BLOCK_TXS);
    Fixture {
        payload: built.payload.as_ssz_bytes(),
        txs: candidates.into_iter().map(|(tx, _)| tx).collect(),
        config,
        state,
        context,
    }
}

fn cache() -> SenderCache {
    SenderCache::new(NonZeroUsize::new(4 * BLOCK_TXS as usize).expect("non-zero"))
}

fn shard_execution(c: &mut Criterion) {
    let fixture = fixture();
    let warm = cache();
    let senders = recover_senders(&fixture.txs, &warm).expect("recoverable");
    let check = |state: &mut ExecutionState, cache: &SenderCache| {
        execute_payload(
            state,
            black_box(&fixture.payload),
            cache,
            &fixture.context,
            &fixture.config,
        )
        .expect("valid payload")
    };

    let mut group = c.benchmark_group("shard_payload_1000_tx");
    group.throughput(Throughput::Elements(BLOCK_TXS));
    group.sample_size(20);

    for threads in [1usize, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("thread pool");
        group.bench_function(format!("execute_payload/uncached/threads={threads}"), |b| {
            b.iter_batched(
                || (fixture.state.clone(), cache()),
                |(mut state, cache)| pool.install(|| check(&mut state, &cache)),
                BatchSize::LargeInput,
            );
        });
        group.bench_function(format!("recover_senders/threads={threads}"), |b| {
            b.iter_batched(
                cache,
                |cache| pool.install(|| recover_senders(black_box(&fixture.txs), &cache)),
                BatchSize::SmallInput,
            );
        });
    }
    group.bench_function("execute_payload/cached_senders", |b| {
        b.iter_batched(
            || fixture.state.clone(),
            |mut state| check(&mut state, &warm),
            BatchSize::LargeInput,
        );
    });
    group.bench_function("state_update", |b| {
        b.iter_batched(
            || fixture.state.clone(),
            |mut state| {
                execute_transactions(&mut state, &fixture.txs, &senders, &fixture.context)
                    .expect("valid block")
            },
            BatchSize::LargeInput,
        );
    });
    group.finish();
}

criterion_group!(benches, shard_execution);
criterion_main!(benches);
