//! The light client committee at work on one node holding every validator: from the second
//! slot on, each block carries the aggregate of the previous slot's light client votes, the
//! state transition (signatures verified one by one) accepts it, and the signers are rewarded.
//! The node's count of verified signature sets follows the chain along, and its crosslink
//! counters give each shard one outcome per slot.

mod common;

use std::sync::Arc;
use std::time::Duration;

use beacon::accessors::get_light_client_committee;
use beacon::per_slot::process_slots;
use beacon::{SignatureStrategy, state_transition};
use common::{genesis, run_slot, start};
use node::clock::ManualClock;
use node::http::NodeBackend;
use node::metrics::NodeMetrics;
use primitives::math::compute_epoch_at_slot;
use storage::MemoryStore;
use tree_hash::TreeHash;

/// Three epochs of the minimal preset.
const SLOTS: u64 = 24;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn blocks_carry_light_client_aggregates_that_processing_accepts() {
    let genesis = genesis();
    let config = genesis.config.clone();
    let store = MemoryStore::new();
    let slashing = store.slashing_protection();
    let clock = ManualClock::new(Duration::from_secs(common::GENESIS_TIME));
    let node = start(&genesis, store, slashing, &clock);
    let handle = node.handle();
    let metrics = Arc::new(NodeMetrics::new());
    let backend = NodeBackend::new(handle.clone(), "127.0.0.1:5052", Arc::clone(&metrics));
    backend.update_metrics();
    let mut verified = vec![handle.with_beacon(|chain| chain.signature_sets_verified())];
    for slot in 1..=SLOTS {
        run_slot(&handle, &clock, slot).await;
        verified.push(handle.with_beacon(|chain| chain.signature_sets_verified()));
        backend.update_metrics();
    }
    // Slots 1 to SLOTS - 1 are judged (the last one waits for the next block); each of the
    // two shards has one committee per slot.
    let text = metrics.render();
    let figure = |name: &str, shard: u64| -> u64 {
        let prefix = format!("{name}{{shard=\"{shard}\"}} ");
        text.lines()
            .find_map(|line| line.strip_prefix(&prefix))
            .and_then(|value| value.parse().ok())
            .unwrap_or(0)
    };
    for shard in 0..config.initial_active_shards {
        let made = figure("shardnet_crosslinks_total", shard);
        let missed = figure("shardnet_crosslinks_missed_total", shard);
        assert_eq!(made + missed, SLOTS - 1, "shard {shard}: {text}");
        assert!(made > missed, "shard {shard}: {text}");
    }
    let bls = text
        .lines()
        .find_map(|line| line.strip_prefix("shardnet_bls_signature_sets_verified_total "))
        .and_then(|value| value.parse::<u64>().ok())
        .expect("the BLS counter is exported");
    assert_eq!(bls, *verified.last().unwrap());
    // Each slot at least verifies its block's batch (proposer, RANDAO reveal, light client
    // aggregate) and a shard block or an aggregate attestation.
    for (slot, pair) in verified.windows(2).enumerate().skip(1) {
        assert!(pair[1] >= pair[0] + 4, "slot {}: {pair:?}", slot + 1);
    }

    let mut with_aggregate = 0;
    for slot in 2..=SLOTS {
        let root = handle
            .block_root_at_slot(slot)
            .unwrap()
            .expect("block root");
        let block = handle.block_by_root(&root).unwrap().expect("block");
        assert_eq!(block.message.slot, slot, "every slot has its block");
        let parent = handle
            .state_by_block_root(&block.message.parent_root)
            .unwrap()
            .expect("parent state");
        let signers = block
            .message
            .body
            .light_client_bits
            .iter()
            .filter(|bit| *bit)
            .count();
        // The node holds every key, so each member of the committee signed.
        let mut at_slot = (*parent).clone();
        process_slots(&mut at_slot, slot, &config).unwrap();
        let epoch = compute_epoch_at_slot(slot, &config).unwrap();
        let committee = get_light_client_committee(&at_slot, epoch, &config).unwrap();
        assert!(!committee.is_empty());
        assert_eq!(signers, committee.len(), "slot {slot}");
        with_aggregate += 1;

        let post = state_transition(
            &parent,
            &block,
            SignatureStrategy::Individually,
            true,
            &config,
        )
        .unwrap_or_else(|e| panic!("block of slot {slot} refused: {e}"));
        assert_eq!(post.tree_hash_root(), block.message.state_root);
        // Processing the block without its aggregate leaves the signers poorer.
        let mut stripped = (*block).clone();
        stripped.message.body.light_client_bits = Default::default();
        stripped.message.body.light_client_signature = Default::default();
        let without =
            state_transition(&parent, &stripped, SignatureStrategy::Skip, false, &config).unwrap();
        let member = committee[0] as usize;
        assert!(
            post.balances[member] > without.balances[member],
            "slot {slot}"
        );
    }
    assert_eq!(with_aggregate, SLOTS - 1);
    node.abort();
}
