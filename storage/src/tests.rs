//! One test suite run against both stores: every operation, atomic batches, pruning, corrupted
//! bytes; and, for redb, persistence across a reopen.

use std::collections::HashSet;

use primitives::MinimalEthSpec;
use primitives::types::{BeaconState, Checkpoint, Root, SignedBeaconBlock, SignedShardBlock};

use crate::{
    Column, ForkChoiceAnchor, MemoryStore, PruneSummary, RedbStore, StateSummary, Store,
    StoreBatch, StoreError, metadata,
};

type E = MinimalEthSpec;

fn root(byte: u8) -> Root {
    Root::repeat_byte(byte)
}

fn beacon_block(slot: u64, proposer_index: u64) -> SignedBeaconBlock<E> {
    let mut block = SignedBeaconBlock::<E>::default();
    block.message.slot = slot;
    block.message.proposer_index = proposer_index;
    block
}

fn beacon_state(slot: u64) -> BeaconState<E> {
    BeaconState {
        slot,
        genesis_time: 1_600_000_000,
        ..BeaconState::default()
    }
}

fn shard_block(shard: u64, slot: u64, proposer_index: u64) -> SignedShardBlock<E> {
    let mut block = SignedShardBlock::<E>::default();
    block.message.shard = shard;
    block.message.slot = slot;
    block.message.proposer_index = proposer_index;
    block
}

fn write(store: &impl Store, f: impl FnOnce(&mut StoreBatch)) {
    let mut batch = StoreBatch::new();
    f(&mut batch);
    store.write(batch).unwrap();
}

fn beacon_blocks_round_trip(store: &impl Store) {
    let block = beacon_block(3, 7);
    write(store, |batch| {
        batch.put_beacon_block(root(1), &block);
    });
    assert_eq!(
        store.beacon_block::<E>(&root(1)).unwrap(),
        Some(block.clone())
    );
    assert!(store.has_beacon_block(&root(1)).unwrap());
    assert!(!store.has_beacon_block(&root(2)).unwrap());
    assert_eq!(store.beacon_block::<E>(&root(2)).unwrap(), None);
    let bytes = store.beacon_block_bytes(&root(1)).unwrap().unwrap();
    assert_eq!(bytes, ssz::Encode::as_ssz_bytes(&block));
}

fn beacon_blocks_by_slot(store: &impl Store) {
    write(store, |batch| {
        batch
            .put_beacon_block(root(1), &beacon_block(1, 0))
            .put_beacon_block(root(3), &beacon_block(2, 1))
            .put_beacon_block(root(2), &beacon_block(2, 2))
            .put_beacon_block(root(4), &beacon_block(5, 3));
    });
    assert_eq!(
        store.beacon_block_roots_by_slot(2, 5).unwrap(),
        vec![(2, root(2)), (2, root(3))],
        "both forks of slot 2, ordered by root; slot 5 excluded"
    );
    assert_eq!(
        store.beacon_block_roots_by_slot(0, u64::MAX).unwrap().len(),
        4
    );
    assert!(store.beacon_block_roots_by_slot(6, 100).unwrap().is_empty());
    assert!(
        store.beacon_block_roots_by_slot(5, 2).unwrap().is_empty(),
        "reversed range"
    );
}

fn beacon_states(store: &impl Store) {
    let state = beacon_state(8);
    write(store, |batch| {
        batch.put_beacon_state(root(0xa), root(1), &state);
    });
    assert_eq!(
        store.beacon_state::<E>(&root(0xa)).unwrap(),
        Some(state.clone())
    );
    assert_eq!(
        store.state_root_of_block(&root(1)).unwrap(),
        Some(root(0xa))
    );
    assert_eq!(
        store.beacon_state_by_block_root::<E>(&root(1)).unwrap(),
        Some(state)
    );
    assert_eq!(
        store.beacon_state_by_block_root::<E>(&root(2)).unwrap(),
        None
    );
    assert_eq!(
        store.beacon_states_by_slot(0, 9).unwrap(),
        vec![StateSummary {
            slot: 8,
            state_root: root(0xa),
            block_root: root(1)
        }]
    );
    assert!(store.beacon_states_by_slot(0, 8).unwrap().is_empty());
}

fn shard_blocks_and_states(store: &impl Store) {
    write(store, |batch| {
        batch
            .put_shard_block(root(1), &shard_block(0, 1, 0))
            .put_shard_block(root(2), &shard_block(0, 2, 0))
            .put_shard_block(root(3), &shard_block(1, 1, 0))
            .put_shard_state(0, root(1), vec![1, 2, 3])
            .put_shard_state(1, root(3), Vec::new());
    });
    assert_eq!(
        store.shard_block::<E>(&root(2)).unwrap(),
        Some(shard_block(0, 2, 0))
    );
    assert_eq!(
        store.shard_block_roots_by_slot(0, 0, 10).unwrap(),
        vec![(1, root(1)), (2, root(2))]
    );
    assert_eq!(
        store.shard_block_roots_by_slot(0, 2, 10).unwrap(),
        vec![(2, root(2))]
    );
    assert_eq!(
        store.shard_block_roots_by_slot(1, 0, u64::MAX).unwrap(),
        vec![(1, root(3))]
    );
    assert!(
        store
            .shard_block_roots_by_slot(2, 0, u64::MAX)
            .unwrap()
            .is_empty()
    );
    assert_eq!(store.shard_state(0, &root(1)).unwrap(), Some(vec![1, 2, 3]));
    assert_eq!(
        store.shard_state(1, &root(3)).unwrap(),
        Some(Vec::new()),
        "empty is not absent"
    );
    assert_eq!(
        store.shard_state(1, &root(1)).unwrap(),
        None,
        "keyed by shard too"
    );
    assert!(store.shard_block_bytes(&root(3)).unwrap().is_some());
}

fn anchor_head_and_metadata(store: &impl Store) {
    assert_eq!(store.fork_choice_anchor().unwrap(), None);
    assert_eq!(store.head().unwrap(), None);
    let anchor = ForkChoiceAnchor {
        finalized_checkpoint: Checkpoint {
            epoch: 3,
            root: root(3),
        },
        justified_checkpoint: Checkpoint {
            epoch: 4,
            root: root(4),
        },
        anchor_block_root: root(3),
        anchor_state_root: root(0x33),
    };
    write(store, |batch| {
        batch
            .put_fork_choice_anchor(&anchor)
            .put_head(root(9))
            .put_metadata(metadata::GENESIS_STATE_ROOT, root(0x66).to_vec())
            .put_metadata("custom", b"value".to_vec());
    });
    assert_eq!(store.fork_choice_anchor().unwrap(), Some(anchor));
    assert_eq!(store.head().unwrap(), Some(root(9)));
    assert_eq!(
        store.metadata_root(metadata::GENESIS_STATE_ROOT).unwrap(),
        Some(root(0x66))
    );
    assert_eq!(store.metadata("custom").unwrap(), Some(b"value".to_vec()));
    write(store, |batch| {
        batch.put_head(root(10)).delete_metadata("custom");
    });
    assert_eq!(store.head().unwrap(), Some(root(10)));
    assert_eq!(store.metadata("custom").unwrap(), None);
}

fn failed_batch_leaves_nothing(store: &impl Store) {
    write(store, |batch| {
        batch
            .put_beacon_block(root(1), &beacon_block(1, 0))
            .put_head(root(1));
    });
    let mut batch = StoreBatch::new();
    batch
        .put_beacon_block(root(2), &beacon_block(2, 0))
        .delete_beacon_block(root(1), 1)
        .put_head(root(2))
        // A key of the wrong length: refused mid-batch, after the ops above were applied.
        .put_raw(Column::BeaconBlocks, vec![0; 5], vec![1])
        .put_shard_state(0, root(2), vec![9]);
    let error = store.write(batch).unwrap_err();
    assert!(
        matches!(
            error,
            StoreError::InvalidKey {
                len: 5,
                expected: 32,
                ..
            }
        ),
        "{error}"
    );
    assert!(!store.has_beacon_block(&root(2)).unwrap());
    assert!(
        store.has_beacon_block(&root(1)).unwrap(),
        "the delete was rolled back"
    );
    assert_eq!(
        store.beacon_block_roots_by_slot(0, 10).unwrap(),
        vec![(1, root(1))]
    );
    assert_eq!(store.head().unwrap(), Some(root(1)));
    assert_eq!(store.shard_state(0, &root(2)).unwrap(), None);
    // The store still takes writes afterwards.
    write(store, |batch| {
        batch.put_head(root(3));
    });
    assert_eq!(store.head().unwrap(), Some(root(3)));
    store.write(StoreBatch::new()).unwrap();
}

fn deletes(store: &impl Store) {
    write(store, |batch| {
        batch
            .put_beacon_block(root(1), &beacon_block(4, 0))
            .put_beacon_state(root(0xa), root(1), &beacon_state(4))
            .put_shard_block(root(2), &shard_block(3, 4, 0))
            .put_shard_state(3, root(2), vec![7]);
    });
    write(store, |batch| {
        batch
            .delete_beacon_block(root(1), 4)
            .delete_beacon_state(root(0xa), 4)
            .delete_shard_block(root(2), 3, 4)
            .delete_shard_state(3, root(2))
            .delete_beacon_block(root(0x77), 1);
    });
    assert!(!store.has_beacon_block(&root(1)).unwrap());
    assert!(store.beacon_block_roots_by_slot(0, 10).unwrap().is_empty());
    assert_eq!(store.state_root_of_block(&root(1)).unwrap(), None);
    assert_eq!(store.beacon_state::<E>(&root(0xa)).unwrap(), None);
    assert!(store.beacon_states_by_slot(0, 10).unwrap().is_empty());
    assert_eq!(store.shard_block::<E>(&root(2)).unwrap(), None);
    assert!(
        store
            .shard_block_roots_by_slot(3, 0, 10)
            .unwrap()
            .is_empty()
    );
    assert_eq!(store.shard_state(3, &root(2)).unwrap(), None);
}

fn pruning(store: &impl Store) {
    // Canonical chain 1 -> 2 -> 4 (slots 1, 2, 4), a fork block 3 at slot 3, and block 5 at
    // slot 5 above the pruning point.
    write(store, |batch| {
        for (byte, slot) in [(1, 1), (2, 2), (3, 3), (4, 4), (5, 5)] {
            batch
                .put_beacon_block(root(byte), &beacon_block(slot, 0))
                .put_beacon_state(root(byte + 0x10), root(byte), &beacon_state(slot))
                .put_shard_block(root(byte + 0x20), &shard_block(0, slot, 0))
                .put_shard_state(0, root(byte + 0x20), vec![byte]);
        }
    });
    let keep: HashSet<Root> = [root(1), root(2), root(4)].into();
    let summary = store.prune_beacon_chain(5, &keep).unwrap();
    assert_eq!(
        summary,
        PruneSummary {
            blocks: 1,
            states: 1
        }
    );
    let roots: Vec<Root> = store
        .beacon_block_roots_by_slot(0, 10)
        .unwrap()
        .into_iter()
        .map(|(_, r)| r)
        .collect();
    assert_eq!(roots, vec![root(1), root(2), root(4), root(5)]);
    assert_eq!(store.beacon_state::<E>(&root(0x13)).unwrap(), None);
    assert!(store.beacon_state::<E>(&root(0x14)).unwrap().is_some());

    let keep: HashSet<Root> = [root(0x22)].into();
    let summary = store.prune_shard_chain(0, 4, &keep).unwrap();
    assert_eq!(
        summary,
        PruneSummary {
            blocks: 2,
            states: 2
        }
    );
    let roots: Vec<Root> = store
        .shard_block_roots_by_slot(0, 0, 10)
        .unwrap()
        .into_iter()
        .map(|(_, r)| r)
        .collect();
    assert_eq!(roots, vec![root(0x22), root(0x24), root(0x25)]);
    assert_eq!(store.shard_state(0, &root(0x21)).unwrap(), None);
    assert_eq!(store.shard_state(0, &root(0x22)).unwrap(), Some(vec![2]));

    // Pruning is incremental: the next pass starts where the last one stopped, so a block
    // written below that point since is not looked at, and a pass below it does nothing.
    write(store, |batch| {
        batch.put_beacon_block(root(0x33), &beacon_block(3, 1));
        batch.put_shard_block(root(0x43), &shard_block(0, 2, 1));
    });
    let keep: HashSet<Root> = [root(1), root(2), root(4)].into();
    assert_eq!(
        store.prune_beacon_chain(4, &keep).unwrap(),
        PruneSummary::default()
    );
    let summary = store.prune_beacon_chain(6, &keep).unwrap();
    assert_eq!(
        summary,
        PruneSummary {
            blocks: 1,
            states: 1
        }
    );
    let roots: Vec<Root> = store
        .beacon_block_roots_by_slot(0, 10)
        .unwrap()
        .into_iter()
        .map(|(_, r)| r)
        .collect();
    assert_eq!(roots, vec![root(1), root(2), root(0x33), root(4)]);
    assert_eq!(
        store.metadata(metadata::BEACON_PRUNED_BELOW).unwrap(),
        Some(6u64.to_le_bytes().to_vec())
    );
    let summary = store.prune_shard_chain(0, 6, &HashSet::new()).unwrap();
    assert_eq!(summary.blocks, 2);
    let roots: Vec<Root> = store
        .shard_block_roots_by_slot(0, 0, 10)
        .unwrap()
        .into_iter()
        .map(|(_, r)| r)
        .collect();
    assert_eq!(roots, vec![root(0x22), root(0x43)]);

    // A batch given to the pruning pass lands with it, and also when there is nothing left
    // to prune below the mark.
    let mut batch = StoreBatch::new();
    batch.put_shard_state(0, root(0x22), vec![0xaa]);
    let keep: HashSet<Root> = [root(0x22)].into();
    let summary = store.prune_shard_chain_with(0, 7, &keep, batch).unwrap();
    assert_eq!(summary.blocks, 0);
    assert_eq!(store.shard_state(0, &root(0x22)).unwrap(), Some(vec![0xaa]));
    assert_eq!(
        store.metadata(&metadata::shard_pruned_below(0)).unwrap(),
        Some(7u64.to_le_bytes().to_vec())
    );
    let mut batch = StoreBatch::new();
    batch.delete_shard_state(0, root(0x22));
    assert_eq!(
        store.prune_shard_chain_with(0, 3, &keep, batch).unwrap(),
        PruneSummary::default()
    );
    assert_eq!(store.shard_state(0, &root(0x22)).unwrap(), None);
}

fn corrupted_bytes_are_errors(store: &impl Store) {
    write(store, |batch| {
        batch
            .put_raw(Column::BeaconBlocks, root(1).to_vec(), vec![1, 2, 3])
            .put_raw(Column::BeaconStates, root(2).to_vec(), vec![0xff; 40])
            .put_raw(Column::ShardBlocks, root(3).to_vec(), Vec::new())
            .put_raw(
                Column::BeaconStateRootsByBlock,
                root(4).to_vec(),
                vec![1; 31],
            )
            .put_metadata(metadata::HEAD, vec![1; 5])
            .put_metadata(metadata::FORK_CHOICE_ANCHOR, vec![0; 10]);
    });
    assert!(matches!(
        store.beacon_block::<E>(&root(1)),
        Err(StoreError::Decode {
            what: "beacon block",
            ..
        })
    ));
    assert!(matches!(
        store.beacon_state::<E>(&root(2)),
        Err(StoreError::Decode { .. })
    ));
    assert!(matches!(
        store.shard_block::<E>(&root(3)),
        Err(StoreError::Decode { .. })
    ));
    assert!(matches!(
        store.state_root_of_block(&root(4)),
        Err(StoreError::Decode { .. })
    ));
    assert!(matches!(store.head(), Err(StoreError::Decode { .. })));
    assert!(matches!(
        store.fork_choice_anchor(),
        Err(StoreError::Decode { .. })
    ));
    // A metadata name must be non-empty and short.
    let mut batch = StoreBatch::new();
    batch.put_metadata("", vec![1]);
    assert!(matches!(
        store.write(batch),
        Err(StoreError::InvalidKey { .. })
    ));
}

fn size_grows(store: &impl Store) {
    let before = store.size_on_disk().unwrap();
    write(store, |batch| {
        for byte in 0..32u8 {
            batch.put_beacon_state(root(byte), root(byte), &beacon_state(u64::from(byte)));
        }
    });
    let after = store.size_on_disk().unwrap();
    assert!(after > before, "{before} -> {after}");
}

/// Runs each case on a fresh store of each kind.
macro_rules! store_suite {
    ($($case:ident),* $(,)?) => {
        mod memory {
            $(#[test] fn $case() { super::$case(&crate::MemoryStore::new()); })*
        }
        mod redb {
            $(#[test] fn $case() {
                let dir = tempfile::tempdir().unwrap();
                super::$case(&crate::RedbStore::open(dir.path().join("chain.redb")).unwrap());
            })*
        }
    };
}

store_suite!(
    beacon_blocks_round_trip,
    beacon_blocks_by_slot,
    beacon_states,
    shard_blocks_and_states,
    anchor_head_and_metadata,
    failed_batch_leaves_nothing,
    deletes,
    pruning,
    corrupted_bytes_are_errors,
    size_grows,
);

#[test]
fn memory_clones_share_data() {
    let store = MemoryStore::new();
    let clone = store.clone();
    write(&store, |batch| {
        batch.put_head(root(1));
    });
    assert_eq!(clone.head().unwrap(), Some(root(1)));
}

#[test]
fn redb_persists_across_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("chain.redb");
    let block = beacon_block(6, 1);
    let state = beacon_state(8);
    {
        let store = RedbStore::open(&path).unwrap();
        write(&store, |batch| {
            batch
                .put_beacon_block(root(1), &block)
                .put_beacon_state(root(2), root(1), &state)
                .put_shard_block(root(3), &shard_block(1, 6, 0))
                .put_shard_state(1, root(3), vec![4, 2])
                .put_head(root(1));
        });
        let mut failed = StoreBatch::new();
        failed
            .put_head(root(9))
            .put_raw(Column::ShardStates, vec![1], vec![]);
        assert!(store.write(failed).is_err());
        assert!(store.size_on_disk().unwrap() > 0);
    }
    let store = RedbStore::open(&path).unwrap();
    assert_eq!(store.path(), path);
    assert_eq!(store.beacon_block::<E>(&root(1)).unwrap(), Some(block));
    assert_eq!(
        store.beacon_state_by_block_root::<E>(&root(1)).unwrap(),
        Some(state)
    );
    assert_eq!(
        store.shard_block_roots_by_slot(1, 0, 10).unwrap(),
        vec![(6, root(3))]
    );
    assert_eq!(store.shard_state(1, &root(3)).unwrap(), Some(vec![4, 2]));
    assert_eq!(
        store.head().unwrap(),
        Some(root(1)),
        "the failed batch never landed"
    );
}

#[test]
fn redb_refuses_a_second_open_of_the_same_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("chain.redb");
    let _store = RedbStore::open(&path).unwrap();
    assert!(matches!(
        RedbStore::open(&path),
        Err(StoreError::Database(_))
    ));
}

#[test]
fn redb_store_and_slashing_protection_share_one_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("node.redb");
    let pubkey = primitives::types::PublicKeyBytes([7; 48]);
    {
        let store = RedbStore::open(&path).unwrap();
        let slashing = store.slashing_protection();
        slashing.register_validator(&pubkey).unwrap();
        slashing
            .check_and_insert_block_proposal(&pubkey, 5, root(1))
            .unwrap();
        write(&store, |batch| {
            batch.put_head(root(1));
        });
    }
    let store = RedbStore::open(&path).unwrap();
    assert_eq!(store.head().unwrap(), Some(root(1)));
    let refused = store
        .slashing_protection()
        .check_and_insert_block_proposal(&pubkey, 5, root(2));
    assert!(matches!(
        refused,
        Err(crate::slashing_protection::NotSafe::DoubleBlockProposal { slot: 5, .. })
    ));
}

#[test]
fn memory_store_survives_a_panic_inside_a_write() {
    let store = MemoryStore::new();
    write(&store, |batch| {
        batch.put_head(root(1));
    });
    let engine = store.engine_for_tests();
    let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let _: Result<(), StoreError> = engine.write(|txn| {
            txn.put(Column::Metadata.name(), metadata::HEAD.as_bytes(), &[2; 32])?;
            panic!("mid-transaction");
        });
    }));
    assert!(panicked.is_err());
    assert_eq!(
        store.head().unwrap(),
        Some(root(1)),
        "the panicking write was rolled back"
    );
    write(&store, |batch| {
        batch.put_head(root(3));
    });
    assert_eq!(store.head().unwrap(), Some(root(3)));
}
