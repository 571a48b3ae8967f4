//! Shard execution throughput: a block of 1,000 pre-signed transfers between 10,000 funded
//! accounts, with sender recovery measured apart from the state update, on 1 and 2 threads.
//!
//! Criterion reports `elem/s`, which here is transactions per second.

use std::hint::black_box;
use std::num::NonZeroUsize;

use alloy_primitives::{Address, U256};
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use shard::{
    Account, AccountState, ExecutionContext, ExecutionState, SenderCache, ShardTransaction,
    TransferRequest, TransferSigner, execute_block, execute_transactions, recover_senders,
};

const ACCOUNTS: u64 = 10_000;
const BLOCK_TXS: u64 = 1_000;
const BASE_CHAIN_ID: u64 = 1;

struct Fixture {
    state: ExecutionState,
    txs: Vec<ShardTransaction>,
    context: ExecutionContext,
}

fn fixture() -> Fixture {
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
    // One shard, so every recipient is local and every transfer touches two accounts.
    let context = ExecutionContext {
        shard: 0,
        shard_count: 1,
        base_chain_id: BASE_CHAIN_ID,
        // MIN_GASPRICE: a base fee of 8 gwei.
        gasprice: 8,
        // No transaction of the block goes to it.
        deposit_contract_address: Address::repeat_byte(0xde),
        min_deposit_amount: 1_000_000_000,
    };
    let txs = (0..BLOCK_TXS)
        .map(|i| {
            // Senders spread over the accounts; recipients on a different stride.
            let sender = &signers[(i * 7 % ACCOUNTS) as usize];
            let recipient = signers[((i * 7919 + 13) % ACCOUNTS) as usize].address();
            let request = TransferRequest {
                chain_id: BASE_CHAIN_ID,
                nonce: 0,
                to: recipient,
                value: U256::from(1_000 + i),
                gas_limit: 21_000,
                max_fee_per_gas: 20_000_000_000,
                max_priority_fee_per_gas: 1_000_000_000,
            };
            let bytes = if i % 2 == 0 {
                sender.sign_eip1559(&request)
            } else {
                sender.sign_legacy(&request)
            };
            ShardTransaction::decode(&bytes, BASE_CHAIN_ID).expect("valid transfer")
        })
        .collect();
    Fixture {
        state,
        txs,
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

    let mut group = c.benchmark_group("shard_execution_1000_tx");
    group.throughput(Throughput::Elements(BLOCK_TXS));
    group.sample_size(20);

    for threads in [1usize, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("thread pool");
        group.bench_function(format!("recover_senders/threads={threads}"), |b| {
            b.iter_batched(
                cache,
                |cache| pool.install(|| recover_senders(black_box(&fixture.txs), &cache)),
                BatchSize::SmallInput,
            );
        });
        group.bench_function(format!("execute_block_uncached/threads={threads}"), |b| {
            b.iter_batched(
                || (fixture.state.clone(), cache()),
                |(mut state, cache)| {
                    pool.install(|| {
                        execute_block(&mut state, &fixture.txs, &cache, &fixture.context)
                    })
                },
                BatchSize::LargeInput,
            );
        });
    }
    group.bench_function("recover_senders_cached", |b| {
        b.iter(|| recover_senders(black_box(&fixture.txs), &warm));
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
