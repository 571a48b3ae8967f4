//! One node holding all 64 validators runs the whole sharded chain by itself: it finalizes,
//! crosslinks both shards, includes and finalizes intra- and cross-shard transfers sent
//! through each shard's JSON-RPC, credits the cross-shard ones on their destination shard, and
//! conserves value. Everything is asserted through the node's handle and `EthApi`; the clock
//! is a manual one the test moves phase by phase.

mod common;

use std::time::{Duration, Instant};

use alloy_primitives::{Address, B256, U256};
use alloy_rpc_types_eth::BlockNumberOrTag;
use common::{E, config, genesis, run_slot, start};
use node::clock::ManualClock;
use node::rpc::{EthApi, ShardEthApi};
use node::{ChainEvent, ShardBlockQuery};
use primitives::types::SignedVoluntaryExit;
use shard::{TransferRequest, TransferSigner, home_shard};
use storage::{MemoryStore, Store};

/// The most slots the test runs before it gives up.
const MAX_SLOTS: u64 = 12 * 8;

/// A transfer the test sent.
struct Sent {
    shard: u64,
    dest_shard: u64,
    hash: B256,
    to: Address,
    value: U256,
}

fn transfer(
    api: &ShardEthApi<E, MemoryStore>,
    signer: &TransferSigner,
    nonce: u64,
    to: Address,
    value: U256,
) -> B256 {
    let max_fee = config().max_gasprice as u128 * 1_000_000_000;
    let raw = signer.sign_eip1559(&TransferRequest {
        chain_id: api.chain_id(),
        nonce,
        to,
        value,
        gas_limit: 21_000,
        max_fee_per_gas: max_fee,
        max_priority_fee_per_gas: 1_000_000_000,
    });
    api.send_raw_transaction(raw)
        .unwrap_or_else(|e| panic!("transfer refused: {e}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_node_finalizes_crosslinks_and_moves_value_across_shards() {
    let started = Instant::now();
    let genesis = genesis();
    let store = MemoryStore::new();
    let slashing = store.slashing_protection();
    let clock = ManualClock::new(Duration::from_secs(common::GENESIS_TIME));
    let node = start(&genesis, store, slashing, &clock);
    let handle = node.handle();
    let mut events = handle.events();
    let shards = genesis.config.initial_active_shards;
    let apis: Vec<ShardEthApi<E, MemoryStore>> = (0..shards)
        .map(|shard| ShardEthApi::new(handle.clone(), shard))
        .collect();
    for (shard, api) in apis.iter().enumerate() {
        assert_eq!(api.chain_id(), genesis.config.base_chain_id + shard as u64);
    }

    run_slot(&handle, &clock, 1).await;
    run_slot(&handle, &clock, 2).await;

    // From each shard: one transfer within the shard, one to the other shard.
    let mut sent = Vec::new();
    let value = U256::from(1_234_567u64) * U256::from(10u64).pow(U256::from(12u64));
    for shard in 0..shards {
        let accounts = &genesis.accounts.shards[shard as usize];
        let sender = &accounts[0];
        let local = accounts[1].address();
        let other = (shard + 1) % shards;
        let remote = genesis.accounts.shards[other as usize][2].address();
        assert_eq!(home_shard(&remote, shards).unwrap(), other);
        let api = &apis[shard as usize];
        let nonce = api
            .transaction_count(sender.address(), BlockNumberOrTag::Pending)
            .unwrap();
        for (i, (to, dest)) in [(local, shard), (remote, other)].into_iter().enumerate() {
            let hash = transfer(api, &sender.signer, nonce + i as u64, to, value);
            sent.push(Sent {
                shard,
                dest_shard: dest,
                hash,
                to,
                value,
            });
        }
        // The two transfers wait in the mempool: `pending` counts them, `latest` does not.
        let latest = api
            .transaction_count(sender.address(), BlockNumberOrTag::Latest)
            .unwrap();
        assert_eq!(latest, nonce);
        let pending = api
            .transaction_count(sender.address(), BlockNumberOrTag::Pending)
            .unwrap();
        assert_eq!(pending, nonce + 2);
    }
    let balance_before: Vec<U256> = sent
        .iter()
        .map(|s| {
            apis[s.dest_shard as usize]
                .balance(s.to, BlockNumberOrTag::Latest)
                .unwrap()
        })
        .collect();

    let mut slot = 3;
    let done = loop {
        run_slot(&handle, &clock, slot).await;
        let finalized = handle.finalized_checkpoint();
        let all_final = sent.iter().all(|s| {
            handle
                .transaction(s.shard, &s.hash)
                .unwrap()
                .is_some_and(|location| location.finalized)
        });
        let all_claimed = (0..shards).all(|shard| handle.pending_claims(shard).unwrap() == 0);
        let credited = sent.iter().zip(&balance_before).all(|(s, before)| {
            handle
                .account(s.dest_shard, s.to, ShardBlockQuery::Finalized)
                .unwrap()
                .is_some_and(|account| account.balance >= *before + s.value)
        });
        if finalized.epoch >= 2 && all_final && all_claimed && credited {
            break true;
        }
        if slot >= MAX_SLOTS {
            break false;
        }
        slot += 1;
    };
    let finalized = handle.finalized_checkpoint();
    assert!(
        done,
        "after {slot} slots: finalized {finalized:?}, heads {:?}",
        (0..shards)
            .map(|s| handle.shard_block(s, ShardBlockQuery::Head).unwrap())
            .collect::<Vec<_>>()
    );
    assert!(finalized.epoch >= 2);

    // Every active shard is crosslinked in the finalized state.
    let finalized_state = handle
        .state_by_block_root(&finalized.root)
        .unwrap()
        .expect("finalized state");
    for shard in 0..shards {
        let crosslink = &finalized_state.shard_states[shard as usize];
        assert!(crosslink.slot > 0, "shard {shard} never crosslinked");
        let final_block = handle
            .shard_block(shard, ShardBlockQuery::Finalized)
            .unwrap()
            .unwrap();
        assert_eq!(final_block.root, crosslink.latest_block_root);
        assert!(final_block.number > 0);
    }

    // Finality bounds the shard fork choice: it holds the finalized shard block and its
    // descendants only (one node makes no forks), and the store's pruning went as far as the
    // finalized slot.
    for shard in 0..shards {
        let head = handle
            .shard_block(shard, ShardBlockQuery::Head)
            .unwrap()
            .unwrap();
        let finalized = handle
            .shard_block(shard, ShardBlockQuery::Finalized)
            .unwrap()
            .unwrap();
        assert!(finalized.number > 0);
        let in_fork_choice = handle
            .with_shard_chain(shard, |chain| chain.fork_choice().len())
            .unwrap();
        assert_eq!(
            in_fork_choice as u64,
            head.number - finalized.number + 1,
            "shard {shard}"
        );
    }
    let pruned_below = handle
        .with_beacon(|chain| {
            chain
                .store()
                .metadata(storage::metadata::BEACON_PRUNED_BELOW)
        })
        .unwrap()
        .expect("a pruning pass ran");
    assert!(u64::from_le_bytes(pruned_below.try_into().unwrap()) > 0);

    // Every transfer has a receipt on its source shard, in a canonical block.
    for s in &sent {
        let receipt = apis[s.shard as usize]
            .transaction_receipt(s.hash)
            .unwrap()
            .expect("receipt");
        assert!(receipt.inner.status());
        let number = receipt.block_number.unwrap();
        let block = apis[s.shard as usize]
            .block_by_number(BlockNumberOrTag::Number(number), false)
            .unwrap()
            .unwrap();
        assert_eq!(Some(block.header.hash), receipt.block_hash);
    }
    // Each recipient got its value (cross-shard ones on their destination shard).
    for (s, before) in sent.iter().zip(&balance_before) {
        let after = apis[s.dest_shard as usize]
            .balance(s.to, BlockNumberOrTag::Latest)
            .unwrap();
        assert_eq!(after, *before + s.value, "recipient {} of {}", s.to, s.hash);
    }

    // Value is conserved: per shard, balances = genesis - burned - sent out + claimed in;
    // over all shards, nothing is left in flight.
    let mut genesis_total = U256::ZERO;
    let mut total = U256::ZERO;
    let mut burned = U256::ZERO;
    let mut in_flight = U256::ZERO;
    for shard in 0..shards {
        let supply = handle.shard_supply(shard).unwrap();
        let balance = handle.shard_total_balance(shard).unwrap();
        assert_eq!(
            balance + supply.burned + supply.sent_out,
            supply.genesis_balance + supply.claimed_in,
            "shard {shard}"
        );
        assert!(supply.burned > U256::ZERO);
        genesis_total += supply.genesis_balance;
        total += balance;
        burned += supply.burned;
        in_flight += supply.sent_out;
        in_flight -= supply.claimed_in;
    }
    assert_eq!(total + burned + in_flight, genesis_total);
    assert_eq!(in_flight, U256::ZERO);

    // An exit too early in the validator's life (and unsigned) stays out of the pool.
    let refused = handle.submit_voluntary_exit(SignedVoluntaryExit::default());
    assert!(refused.is_err_and(|error| error.is_bad_data()));

    // The event stream told of heads on every chain and of finality, in order.
    let mut finalized_epochs = Vec::new();
    let mut shard_heads = vec![0u64; shards as usize];
    let mut head_slots = Vec::new();
    while let Ok(event) = events.try_recv() {
        match event {
            ChainEvent::Head { slot, .. } => head_slots.push(slot),
            ChainEvent::FinalizedCheckpoint(checkpoint) => finalized_epochs.push(checkpoint.epoch),
            ChainEvent::ShardHead(block) => shard_heads[block.shard as usize] = block.number,
        }
    }
    assert!(head_slots.windows(2).all(|w| w[0] < w[1]));
    assert_eq!(head_slots.last(), Some(&handle.head().slot));
    assert_eq!(finalized_epochs.last(), Some(&finalized.epoch));
    for shard in 0..shards {
        let head = handle
            .shard_block(shard, ShardBlockQuery::Head)
            .unwrap()
            .unwrap();
        assert_eq!(shard_heads[shard as usize], head.number);
    }

    node.abort();
    eprintln!(
        "single node: {slot} slots, finalized epoch {}, in {:?}",
        finalized.epoch,
        started.elapsed()
    );
}
