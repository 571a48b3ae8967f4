//! A node on a redb store is stopped dead in the middle of an epoch (its runtime dropped with
//! its tasks, no shutdown path: what `kill -9` leaves on disk), then started again on the same
//! directory. The chain must continue from the stored anchor and head, lose no finalized
//! block, and sign nothing slashable: slashing protection lives in the same file.

mod common;

use std::collections::BTreeMap;
use std::time::Duration;

use alloy_primitives::{Address, B256, U256};
use alloy_rpc_types_eth::BlockNumberOrTag;
use common::{E, genesis, run_slot, start};
use node::clock::ManualClock;
use node::rpc::{EthApi, ShardEthApi};
use node::{NodeHandle, Phase};
use primitives::types::Checkpoint;
use shard::TransferRequest;
use storage::{RedbStore, Store};

/// The slot at which the test sends a cross-shard transfer, before the kill; it is finalized
/// and claimed after the restart.
const TRANSFER_SLOT: u64 = 20;

/// What a node holds of one shard chain: head root, head number, head state root, and the
/// balances of the shard's genesis accounts at the head.
type ShardView = (primitives::types::Root, u64, B256, Vec<U256>);

fn shard_views<S: Store>(
    genesis: &common::Genesis,
    handle: &NodeHandle<E, S>,
) -> BTreeMap<u64, ShardView> {
    handle
        .shards()
        .into_iter()
        .map(|shard| {
            let accounts = genesis
                .accounts
                .shards
                .get(shard as usize)
                .map(|accounts| accounts.iter().map(|a| a.address()).collect::<Vec<_>>())
                .unwrap_or_default();
            let view = handle
                .with_shard_chain(shard, |chain| {
                    let head = chain.head();
                    let balances = accounts
                        .iter()
                        .map(|a| head.execution_state.accounts().get_or_default(a).balance)
                        .collect();
                    (
                        head.root,
                        head.number,
                        head.execution_state.root(),
                        balances,
                    )
                })
                .expect("tracked shard");
            (shard, view)
        })
        .collect()
}

/// For each shard: (blocks rebuilt from their stored execution, blocks executed again,
/// stored blocks, finalized height).
fn load_counts<S: Store>(handle: &NodeHandle<E, S>) -> BTreeMap<u64, (u64, u64, u64, u64)> {
    handle
        .shards()
        .into_iter()
        .map(|shard| {
            let stored = handle
                .with_beacon(|chain| chain.store().shard_block_roots_by_slot(shard, 0, u64::MAX))
                .unwrap()
                .len() as u64;
            let counts = handle
                .with_shard_chain(shard, |chain| {
                    (
                        chain.restored_blocks(),
                        chain.replayed_blocks(),
                        stored,
                        chain.finalized().number,
                    )
                })
                .expect("tracked shard");
            (shard, counts)
        })
        .collect()
}

/// The cross-shard transfer the test sends: from shard 0's first genesis account to shard 1's
/// third.
struct Transfer {
    hash: B256,
    to: Address,
    value: U256,
    balance_before: U256,
}

/// Runs `slots` on a fresh runtime, sending the cross-shard transfer at [`TRANSFER_SLOT`], and
/// stops it after the attestations of the last slot. Returns the finalized checkpoint and head
/// slot seen last, and the transfer.
fn run_then_kill(
    genesis: &common::Genesis,
    path: &std::path::Path,
    clock: &ManualClock,
    slots: std::ops::RangeInclusive<u64>,
) -> (Checkpoint, u64, Transfer, BTreeMap<u64, ShardView>) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_time()
        .build()
        .expect("runtime");
    let store = RedbStore::open(path).expect("store opens");
    let slashing = store.slashing_protection();
    let (finalized, head, transfer, views) = runtime.block_on(async {
        let node = start(genesis, store, slashing, clock);
        let handle = node.handle();
        let last = *slots.end();
        let mut transfer = None;
        for slot in *slots.start()..last {
            run_slot(&handle, clock, slot).await;
            if slot == TRANSFER_SLOT {
                transfer = Some(send_cross_shard(genesis, &handle));
            }
        }
        // The last slot only up to its attestations: the kill lands mid-slot.
        for phase in [Phase::Propose, Phase::Attest] {
            clock.set(common::phase_time(handle.config(), last, phase));
            tokio::time::timeout(Duration::from_secs(60), handle.wait_for(last, phase))
                .await
                .expect("phase done");
        }
        let transfer = transfer.expect("transfer sent");
        assert!(
            handle.transaction(0, &transfer.hash).unwrap().is_some(),
            "the transfer is included before the kill"
        );
        let seen = (
            handle.finalized_checkpoint(),
            handle.head().slot,
            transfer,
            shard_views(genesis, &handle),
        );
        node.abort();
        seen
    });
    // Every task is dropped where it stands; blocking work in flight may finish first.
    runtime.shutdown_timeout(Duration::from_secs(30));
    (finalized, head, transfer, views)
}

fn send_cross_shard<S: Store>(genesis: &common::Genesis, handle: &NodeHandle<E, S>) -> Transfer {
    let sender = &genesis.accounts.shards[0][0];
    let to = genesis.accounts.shards[1][2].address();
    let value = U256::from(7u64) * U256::from(10u64).pow(U256::from(15u64));
    let source = ShardEthApi::new(handle.clone(), 0);
    let dest = ShardEthApi::new(handle.clone(), 1);
    let nonce = source
        .transaction_count(sender.address(), BlockNumberOrTag::Latest)
        .unwrap();
    let raw = sender.signer.sign_eip1559(&TransferRequest {
        chain_id: source.chain_id(),
        nonce,
        to,
        value,
        gas_limit: 21_000,
        max_fee_per_gas: u128::from(genesis.config.max_gasprice) * 1_000_000_000,
        max_priority_fee_per_gas: 1_000_000_000,
    });
    Transfer {
        hash: source.send_raw_transaction(raw).expect("transfer admitted"),
        to,
        value,
        balance_before: dest.balance(to, BlockNumberOrTag::Latest).unwrap(),
    }
}

#[test]
fn a_killed_node_resumes_from_its_store_without_losing_finality_or_equivocating() {
    let genesis = genesis();
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("shardnet.redb");
    let clock = ManualClock::new(Duration::from_secs(common::GENESIS_TIME));

    // Four epochs and a half: finality reached, the kill in the middle of epoch 4.
    let (finalized_before, head_before, transfer, views_before) =
        run_then_kill(&genesis, &path, &clock, 1..=36);
    assert!(
        finalized_before.epoch >= 2,
        "finalized {finalized_before:?}"
    );
    assert_eq!(head_before, 36);

    // Restart on the same file, at the time of the kill.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_time()
        .build()
        .expect("runtime");
    let store = RedbStore::open(&path).expect("store reopens");
    let slashing = store.slashing_protection();
    let views_after = runtime.block_on(async {
        let node = start(&genesis, store, slashing, &clock);
        let handle = node.handle();
        let resumed = handle.finalized_checkpoint();
        assert!(
            resumed.epoch >= finalized_before.epoch,
            "resumed at {resumed:?}, finalized before {finalized_before:?}"
        );
        assert_eq!(
            handle.head().slot,
            head_before,
            "the stored head is resumed"
        );
        // The finalized shard blocks are rebuilt from their stored executions; only the
        // blocks after them are executed again, and the chains are the same as before.
        for (shard, (restored, replayed, stored, finalized)) in load_counts(&handle) {
            assert!(
                finalized > 0,
                "shard {shard}: no finalized block to restore"
            );
            assert_eq!(
                restored, finalized,
                "shard {shard}: every finalized block is rebuilt from the store"
            );
            assert_eq!(
                replayed,
                stored - restored,
                "shard {shard}: only the blocks after the finalized one are executed again"
            );
        }
        assert_eq!(shard_views(&genesis, &handle), views_before);
        assert!(
            handle
                .block_by_root(&finalized_before.root)
                .unwrap()
                .is_some(),
            "the finalized block survives"
        );
        // The rest of the interrupted slot, then four and a half epochs.
        clock.set(common::phase_time(handle.config(), 36, Phase::Aggregate));
        tokio::time::timeout(
            Duration::from_secs(60),
            handle.wait_for(36, Phase::Aggregate),
        )
        .await
        .expect("resumed slot done");
        for slot in 37..=72 {
            run_slot(&handle, &clock, slot).await;
        }
        let finalized = handle.finalized_checkpoint();
        assert!(
            finalized.epoch >= finalized_before.epoch + 2,
            "finality did not advance after the restart: {finalized:?}"
        );
        // The finalized chain still holds the block finalized before the kill.
        let state = handle.head_state().unwrap();
        let start_slot = finalized_before.epoch * handle.config().slots_per_epoch;
        assert_eq!(
            handle.block_root_at_slot(start_slot).unwrap(),
            Some(finalized_before.root)
        );
        // Nothing slashable: no validator slashed, no slot with two blocks in the store.
        assert!(state.validators.iter().all(|v| !v.slashed));
        let blocks = handle
            .with_beacon(|chain| chain.store().beacon_block_roots_by_slot(0, u64::MAX))
            .unwrap();
        let mut per_slot: BTreeMap<u64, usize> = BTreeMap::new();
        for (slot, _) in &blocks {
            *per_slot.entry(*slot).or_default() += 1;
        }
        assert!(
            per_slot.values().all(|count| *count == 1),
            "two blocks at one slot: {per_slot:?}"
        );
        for shard in handle.shards() {
            let roots = handle
                .with_beacon(|chain| chain.store().shard_block_roots_by_slot(shard, 0, u64::MAX))
                .unwrap();
            let mut slots: Vec<u64> = roots.iter().map(|(slot, _)| *slot).collect();
            slots.dedup();
            assert_eq!(
                slots.len(),
                roots.len(),
                "shard {shard}: two blocks at one slot"
            );
        }
        // The transfer sent before the kill: its receipt survives (the shard blocks are
        // replayed), it is final, and the destination shard credited it.
        let source = ShardEthApi::new(handle.clone(), 0);
        let receipt = source
            .transaction_receipt(transfer.hash)
            .unwrap()
            .expect("receipt after the restart");
        assert!(receipt.inner.status());
        assert!(
            handle
                .transaction(0, &transfer.hash)
                .unwrap()
                .unwrap()
                .finalized
        );
        let dest = ShardEthApi::new(handle.clone(), 1);
        assert_eq!(
            dest.balance(transfer.to, BlockNumberOrTag::Finalized)
                .unwrap(),
            transfer.balance_before + transfer.value
        );
        assert_eq!(handle.pending_claims(1).unwrap(), 0);

        // Corrupt the stored execution of the block that included the transfer: the next
        // start must notice it and execute shard 0 again from genesis.
        let block = handle
            .transaction(0, &transfer.hash)
            .unwrap()
            .unwrap()
            .block
            .root;
        let mut bytes = handle
            .with_beacon(|chain| chain.store().shard_state(0, &block))
            .unwrap()
            .expect("the finalized transfer block's execution is stored");
        *bytes.last_mut().unwrap() ^= 0xff;
        let mut batch = storage::StoreBatch::new();
        batch.put_shard_state(0, block, bytes);
        handle
            .with_beacon(|chain| chain.store().write(batch))
            .unwrap();
        let views = shard_views(&genesis, &handle);
        node.abort();
        views
    });
    runtime.shutdown_timeout(Duration::from_secs(30));

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_time()
        .build()
        .expect("runtime");
    let store = RedbStore::open(&path).expect("store reopens");
    let slashing = store.slashing_protection();
    runtime.block_on(async {
        let node = start(&genesis, store, slashing, &clock);
        let handle = node.handle();
        let counts = load_counts(&handle);
        let (restored, replayed, stored, _) = counts[&0];
        assert_eq!(restored, 0, "the corrupted store is not used for shard 0");
        assert_eq!(replayed, stored, "shard 0 is executed again from genesis");
        let (restored, _, _, _) = counts[&1];
        assert!(restored > 0, "shard 1's stored executions are still used");
        assert_eq!(shard_views(&genesis, &handle), views_after);
        let receipt = ShardEthApi::new(handle.clone(), 0)
            .transaction_receipt(transfer.hash)
            .unwrap()
            .expect("receipt after executing again");
        assert!(receipt.inner.status());
        node.abort();
    });
    runtime.shutdown_timeout(Duration::from_secs(30));
}
