//! Tests of the fork-choice store: reorgs, justified-checkpoint switching, timing rules,
//! finality and equivocation.

use primitives::types::{
    AttestationData, BeaconBlock, BeaconState, Checkpoint, IndexedAttestation, Root, Slot,
    ValidatorIndex,
};
use primitives::{ChainConfig, MinimalEthSpec, PresetName};
use ssz_types::VariableList;
use tree_hash::TreeHash;

use crate::fork_choice::{
    ForkChoiceError, ForkChoiceStore, InvalidAttestation, LatestMessage, PostStateCheckpoints,
    ShardLatestMessage,
};

type E = MinimalEthSpec;

const GENESIS_TIME: u64 = 1_000;
const G: u8 = 0x01;

fn root(n: u8) -> Root {
    Root::repeat_byte(n)
}

fn cp(epoch: u64, n: u8) -> Checkpoint {
    Checkpoint {
        epoch,
        root: root(n),
    }
}

fn config() -> ChainConfig {
    // Minimal: 8 slots an epoch, SAFE_SLOTS_TO_UPDATE_JUSTIFIED = 2, 6 s slots.
    ChainConfig::preset(PresetName::Minimal)
}

fn genesis_store(config: &ChainConfig) -> ForkChoiceStore {
    ForkChoiceStore::from_anchor(config, GENESIS_TIME, 0, 0, root(G), Root::ZERO).unwrap()
}

fn tick_to_slot(store: &mut ForkChoiceStore, config: &ChainConfig, slot: Slot) {
    let ms = GENESIS_TIME * 1000 + slot * config.seconds_per_slot.as_millis();
    store.on_tick(ms).unwrap();
    assert_eq!(store.get_current_slot().unwrap(), slot);
}

fn block(slot: Slot, parent: u8) -> BeaconBlock<E> {
    BeaconBlock {
        slot,
        parent_root: root(parent),
        ..BeaconBlock::default()
    }
}

fn checkpoints(justified: Checkpoint, finalized: Checkpoint) -> PostStateCheckpoints {
    PostStateCheckpoints {
        current_justified_checkpoint: justified,
        finalized_checkpoint: finalized,
    }
}

/// Adds a block whose post-state still has genesis checkpoints.
fn add(store: &mut ForkChoiceStore, slot: Slot, n: u8, parent: u8) {
    let genesis = checkpoints(cp(0, G), cp(0, G));
    store
        .on_block(&block(slot, parent), root(n), &genesis)
        .unwrap();
}

fn attestation(
    validators: &[ValidatorIndex],
    slot: Slot,
    head: u8,
    target: Checkpoint,
) -> IndexedAttestation<E> {
    IndexedAttestation {
        attesting_indices: VariableList::new(validators.to_vec()).unwrap(),
        data: AttestationData {
            slot,
            beacon_block_root: root(head),
            target,
            shard: 3,
            shard_head_root: root(0xee),
            ..AttestationData::default()
        },
        signature: Default::default(),
    }
}

#[test]
fn reorg_by_attestation_weight() {
    let config = config();
    let mut store = genesis_store(&config);
    let balances = [10; 4];
    tick_to_slot(&mut store, &config, 4);
    // G - A - B
    //       \
    //        C
    add(&mut store, 1, 0xa, G);
    add(&mut store, 2, 0xb, 0xa);
    add(&mut store, 3, 0xc, 0xa);
    store
        .on_attestation(&attestation(&[0, 1], 2, 0xb, cp(0, G)))
        .unwrap();
    store
        .on_attestation(&attestation(&[2], 3, 0xc, cp(0, G)))
        .unwrap();
    assert_eq!(store.get_head(&balances).unwrap(), root(0xb));
    // New justified balances alone move the head, and back.
    assert_eq!(store.get_head(&[1, 1, 5, 1]).unwrap(), root(0xc));
    assert_eq!(store.get_head(&balances).unwrap(), root(0xb));

    // Next epoch: three validators move to C; an old-epoch vote for B is not newer.
    tick_to_slot(&mut store, &config, 9);
    store
        .on_attestation(&attestation(&[0, 1, 3], 8, 0xc, cp(1, 0xc)))
        .unwrap();
    store
        .on_attestation(&attestation(&[2], 2, 0xb, cp(0, G)))
        .unwrap();
    assert_eq!(
        store.votes().latest_message(2),
        Some(LatestMessage {
            epoch: 0,
            root: root(0xc)
        })
    );
    assert_eq!(store.get_head(&balances).unwrap(), root(0xc));
    assert_eq!(store.proto_array().node(&root(0xc)).unwrap().weight, 40);
    assert_eq!(store.proto_array().node(&root(0xb)).unwrap().weight, 0);
    // Phase 1: the shard vote travels with the beacon vote.
    assert_eq!(
        store.shard_latest_message(3, 0),
        Some(ShardLatestMessage {
            epoch: 1,
            root: root(0xee)
        })
    );
}

#[test]
fn attestation_rules() {
    let config = config();
    let mut store = genesis_store(&config);
    tick_to_slot(&mut store, &config, 2);
    add(&mut store, 1, 0xa, G);
    add(&mut store, 2, 0xb, 0xa);
    let reject =
        |store: &mut ForkChoiceStore, a: IndexedAttestation<E>| match store.on_attestation(&a) {
            Err(ForkChoiceError::InvalidAttestation(reason)) => reason,
            other => panic!("expected a refusal, got {other:?}"),
        };
    assert!(matches!(
        reject(&mut store, attestation(&[0], 2, 0xb, cp(0, G))),
        InvalidAttestation::NotYetAttestable { .. }
    ));
    assert!(matches!(
        reject(&mut store, attestation(&[0], 1, 0xb, cp(0, G))),
        InvalidAttestation::HeadBlockFromFuture { .. }
    ));
    assert!(matches!(
        reject(&mut store, attestation(&[0], 1, 0x77, cp(0, G))),
        InvalidAttestation::UnknownHeadBlock(_)
    ));
    assert!(matches!(
        reject(&mut store, attestation(&[0], 1, 0xa, cp(0, 0xb))),
        InvalidAttestation::TargetNotAncestorOfHead { .. }
    ));
    assert!(matches!(
        reject(&mut store, attestation(&[0], 9, 0xa, cp(1, G))),
        InvalidAttestation::TargetEpochNotCurrentOrPrevious { .. }
    ));
    tick_to_slot(&mut store, &config, 9);
    assert!(matches!(
        reject(&mut store, attestation(&[0], 1, 0xa, cp(1, 0xa))),
        InvalidAttestation::TargetEpochMismatch { .. }
    ));
    assert!(store.votes().latest_message(0).is_none());
    store
        .on_attestation(&attestation(&[0], 1, 0xa, cp(0, G)))
        .unwrap();
}

#[test]
fn blocks_from_the_future_are_rejected_with_sub_second_slots() {
    let config = config()
        .with_overrides_yaml("SECONDS_PER_SLOT: 0.5")
        .unwrap();
    let mut store = genesis_store(&config);
    store.on_tick(GENESIS_TIME * 1000 + 1_999).unwrap();
    assert_eq!(store.get_current_slot().unwrap(), 3);
    let genesis = checkpoints(cp(0, G), cp(0, G));
    assert_eq!(
        store.on_block(&block(4, G), root(0xa), &genesis),
        Err(ForkChoiceError::FutureBlock {
            slot: 4,
            current_slot: 3
        })
    );
    assert!(!store.proto_array().contains_block(&root(0xa)));
    store.on_tick(GENESIS_TIME * 1000 + 2_000).unwrap();
    store.on_block(&block(4, G), root(0xa), &genesis).unwrap();
    assert!(matches!(
        store.on_block(&block(4, 0x55), root(0xb), &genesis),
        Err(ForkChoiceError::UnknownParent { .. })
    ));
    // Time never goes back.
    store.on_tick(GENESIS_TIME * 1000).unwrap();
    assert_eq!(store.get_current_slot().unwrap(), 4);
}

#[test]
fn head_follows_justified_checkpoint_and_late_conflicts_wait() {
    let config = config();
    let mut store = genesis_store(&config);
    let balances = [10; 4];
    tick_to_slot(&mut store, &config, 9);
    // G - X1 - X2        X2 justifies (1, X1)
    //  \
    //   Y1 - Y2          Y2 justifies (2, Y1)
    add(&mut store, 1, 0x11, G);
    add(&mut store, 2, 0x21, G);
    store
        .on_attestation(&attestation(&[0, 1, 2], 2, 0x21, cp(0, G)))
        .unwrap();
    assert_eq!(store.get_head(&balances).unwrap(), root(0x21));

    // Early in epoch 1 a new justified checkpoint is adopted at once; the heavier Y branch
    // is no longer below it.
    store
        .on_block(
            &block(9, 0x11),
            root(0x12),
            &checkpoints(cp(1, 0x11), cp(0, G)),
        )
        .unwrap();
    assert_eq!(store.justified_checkpoint(), &cp(1, 0x11));
    assert_eq!(store.get_head(&balances).unwrap(), root(0x12));

    // Late in epoch 2 a conflicting justified checkpoint only becomes the best one.
    tick_to_slot(&mut store, &config, 22);
    assert!(
        !store
            .should_update_justified_checkpoint(&cp(2, 0x21))
            .unwrap()
    );
    assert!(
        store
            .should_update_justified_checkpoint(&cp(2, 0x12))
            .unwrap()
    );
    store
        .on_block(
            &block(22, 0x21),
            root(0x22),
            &checkpoints(cp(2, 0x21), cp(0, G)),
        )
        .unwrap();
    assert_eq!(store.justified_checkpoint(), &cp(1, 0x11));
    assert_eq!(store.best_justified_checkpoint(), &cp(2, 0x21));
    assert_eq!(store.get_head(&balances).unwrap(), root(0x12));

    // At the next epoch boundary the best justified checkpoint takes over.
    tick_to_slot(&mut store, &config, 23);
    assert_eq!(store.justified_checkpoint(), &cp(1, 0x11));
    tick_to_slot(&mut store, &config, 24);
    assert_eq!(store.justified_checkpoint(), &cp(2, 0x21));
    assert_eq!(store.get_head(&balances).unwrap(), root(0x22));
}

#[test]
fn blocks_not_descending_from_finality_are_rejected() {
    let config = config();
    let mut store = genesis_store(&config);
    tick_to_slot(&mut store, &config, 17);
    add(&mut store, 1, 0x11, G);
    add(&mut store, 2, 0x21, G);
    store
        .on_block(
            &block(16, 0x11),
            root(0x12),
            &checkpoints(cp(1, 0x11), cp(1, 0x11)),
        )
        .unwrap();
    assert_eq!(store.finalized_checkpoint(), &cp(1, 0x11));
    assert_eq!(store.justified_checkpoint(), &cp(1, 0x11));
    let genesis = checkpoints(cp(0, G), cp(0, G));
    let refused = store.on_block(&block(17, 0x21), root(0x22), &genesis);
    assert_eq!(
        refused,
        Err(ForkChoiceError::NotDescendantOfFinalized {
            block_root: root(0x22)
        })
    );
    assert!(refused.unwrap_err().is_bad_data());
    assert_eq!(
        store.on_block(&block(8, 0x11), root(0x13), &genesis),
        Err(ForkChoiceError::NotAfterFinalized {
            slot: 8,
            finalized_slot: 8
        })
    );
    assert_eq!(store.get_head(&[10]).unwrap(), root(0x12));
}

#[test]
fn equivocating_votes_are_removed() {
    let config = config();
    let mut store = genesis_store(&config);
    let balances = [10; 4];
    tick_to_slot(&mut store, &config, 4);
    add(&mut store, 1, 0xa, G);
    add(&mut store, 2, 0xb, 0xa);
    add(&mut store, 3, 0xc, 0xa);
    store
        .on_attestation(&attestation(&[0, 1], 2, 0xb, cp(0, G)))
        .unwrap();
    store
        .on_attestation(&attestation(&[2], 3, 0xc, cp(0, G)))
        .unwrap();
    assert_eq!(store.get_head(&balances).unwrap(), root(0xb));

    // Validators 0 and 1 signed both attestations of a slashing; 3 signed only one.
    let first = attestation(&[0, 1, 3], 2, 0xb, cp(0, G));
    let second = attestation(&[0, 1], 3, 0xc, cp(0, G));
    store.on_attester_slashing(&first, &second).unwrap();
    assert!(store.votes().is_equivocating(1));
    assert!(!store.votes().is_equivocating(3));
    assert_eq!(store.get_head(&balances).unwrap(), root(0xc));
    assert_eq!(store.proto_array().node(&root(0xb)).unwrap().weight, 0);

    // Their later votes are ignored.
    tick_to_slot(&mut store, &config, 9);
    store
        .on_attestation(&attestation(&[0, 1], 8, 0xb, cp(1, 0xb)))
        .unwrap();
    assert_eq!(store.votes().latest_message(0), None);
    assert_eq!(store.get_head(&balances).unwrap(), root(0xc));
    assert_eq!(store.proto_array().node(&root(0xa)).unwrap().weight, 10);
}

#[test]
fn get_forkchoice_store_checks_the_anchor() {
    let config = config();
    let state = BeaconState::<E> {
        genesis_time: GENESIS_TIME,
        slot: 10,
        ..BeaconState::default()
    };
    let mut anchor = BeaconBlock::<E> {
        slot: 10,
        ..BeaconBlock::default()
    };
    assert!(matches!(
        ForkChoiceStore::get_forkchoice_store(&config, &state, &anchor),
        Err(ForkChoiceError::AnchorStateMismatch { .. })
    ));
    anchor.state_root = state.tree_hash_root();
    let store = ForkChoiceStore::get_forkchoice_store(&config, &state, &anchor).unwrap();
    let anchor_checkpoint = Checkpoint {
        epoch: 1,
        root: anchor.tree_hash_root(),
    };
    assert_eq!(store.justified_checkpoint(), &anchor_checkpoint);
    assert_eq!(store.finalized_checkpoint(), &anchor_checkpoint);
    assert_eq!(store.time_ms(), (GENESIS_TIME + 6 * 10) * 1000);
    assert_eq!(store.get_current_slot().unwrap(), 10);
}
