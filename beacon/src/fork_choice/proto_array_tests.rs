//! Tests of the proto-array and vote deltas: pruning, and a property test against the spec's
//! `get_head` transcribed naively.

use std::collections::HashMap;

use primitives::types::{Checkpoint, Root};
use proptest::prelude::*;

use crate::fork_choice::naive::{NaiveBlock, NaiveStore};
use crate::fork_choice::{ForkChoiceError, ProtoArray, Votes, compute_deltas};

fn root(n: u8) -> Root {
    Root::repeat_byte(n)
}

fn genesis_checkpoint() -> Checkpoint {
    Checkpoint {
        epoch: 0,
        root: root(0),
    }
}

/// Adds `(slot, root, parent)` blocks with genesis checkpoints.
fn add_blocks(array: &mut ProtoArray, blocks: &[(u64, u8, u8)]) {
    for &(slot, block, parent) in blocks {
        let cp = genesis_checkpoint();
        array
            .on_block(slot, root(block), root(parent), Root::ZERO, cp.clone(), cp)
            .unwrap();
    }
}

fn head(array: &mut ProtoArray, votes: &mut Votes, old: &[u64], new: &[u64]) -> Root {
    let (deltas, recount) = compute_deltas(array.indices(), votes, old, new).unwrap();
    let cp = genesis_checkpoint();
    array.apply_score_changes(deltas, &cp, &cp).unwrap();
    recount.apply(votes);
    array.find_head(&cp.root).unwrap()
}

#[test]
fn prune_keeps_finalized_descendants_and_head() {
    // 0 - 1 - 2 - 3 - 4
    //      \       \
    //       5       6
    let mut array = ProtoArray::new(8, 1, 0, root(0), Root::ZERO, genesis_checkpoint());
    add_blocks(
        &mut array,
        &[
            (1, 1, 0),
            (2, 2, 1),
            (3, 5, 1),
            (3, 3, 2),
            (4, 4, 3),
            (5, 6, 3),
        ],
    );
    let mut votes = Votes::new();
    let balances = [10, 10, 10, 10];
    votes.process_attestation(0, root(4), 1).unwrap();
    votes.process_attestation(1, root(4), 1).unwrap();
    votes.process_attestation(2, root(6), 1).unwrap();
    votes.process_attestation(3, root(5), 1).unwrap();
    assert_eq!(head(&mut array, &mut votes, &[], &balances), root(4));

    array.maybe_prune(&root(2)).unwrap();
    let kept: Vec<Root> = array.nodes().iter().map(|n| n.root).collect();
    assert_eq!(kept, vec![root(2), root(3), root(4), root(6)]);
    assert_eq!(array.nodes()[0].parent, None);
    for (index, node) in array.nodes().iter().enumerate() {
        assert_eq!(array.indices()[&node.root], index);
    }
    assert_eq!(array.get_ancestor(&root(6), 3), Some(root(3)));
    assert_eq!(array.get_ancestor(&root(6), 1), None, "pruned ancestor");
    assert!(!array.contains_block(&root(5)));
    // Weights survive; the head is still found from the finalized block.
    assert_eq!(array.node(&root(3)).unwrap().weight, 30);
    // Every node here carries genesis checkpoints: an epoch-0 checkpoint on the new anchor
    // keeps them all viable.
    let cp = Checkpoint {
        epoch: 0,
        root: root(2),
    };
    let (deltas, recount) = compute_deltas(array.indices(), &votes, &balances, &balances).unwrap();
    array.apply_score_changes(deltas, &cp, &cp).unwrap();
    recount.apply(&mut votes);
    assert_eq!(array.find_head(&cp.root).unwrap(), root(4));
    // A vote for a pruned block moves its weight away cleanly.
    votes.process_attestation(3, root(6), 2).unwrap();
    let (deltas, recount) = compute_deltas(array.indices(), &votes, &balances, &balances).unwrap();
    array.apply_score_changes(deltas, &cp, &cp).unwrap();
    recount.apply(&mut votes);
    assert_eq!(array.node(&root(6)).unwrap().weight, 20);
    assert_eq!(array.node(&root(4)).unwrap().weight, 20);
    // Ties are broken by the larger root.
    assert_eq!(array.find_head(&root(2)).unwrap(), root(6));
}

#[test]
fn prune_waits_for_threshold() {
    let mut array = ProtoArray::new(8, 3, 0, root(0), Root::ZERO, genesis_checkpoint());
    add_blocks(&mut array, &[(1, 1, 0), (2, 2, 1)]);
    array.maybe_prune(&root(2)).unwrap();
    assert_eq!(array.nodes().len(), 3);
    assert_eq!(
        array.maybe_prune(&root(9)),
        Err(ForkChoiceError::UnknownFinalizedRoot(root(9)))
    );
}

#[test]
fn structural_errors_are_typed() {
    let mut array = ProtoArray::new(8, 0, 5, root(0), Root::ZERO, genesis_checkpoint());
    let cp = genesis_checkpoint();
    assert!(matches!(
        array.on_block(6, root(1), root(7), Root::ZERO, cp.clone(), cp.clone()),
        Err(ForkChoiceError::UnknownParent { .. })
    ));
    assert!(matches!(
        array.on_block(5, root(1), root(0), Root::ZERO, cp.clone(), cp.clone()),
        Err(ForkChoiceError::SlotNotAfterParent { .. })
    ));
    assert_eq!(
        array.find_head(&root(0)),
        Err(ForkChoiceError::StaleScores {
            justified_root: root(0)
        })
    );
    assert!(matches!(
        array.apply_score_changes(vec![0, 0], &cp, &cp),
        Err(ForkChoiceError::InvalidDeltaLength { .. })
    ));
    assert_eq!(
        array.apply_score_changes(vec![-1], &cp, &cp),
        Err(ForkChoiceError::WeightUnderflow { index: 0 })
    );
    // The failed pass left nothing behind.
    assert_eq!(array.nodes()[0].weight, 0);
}

const VALIDATORS: usize = 24;
const SLOTS_PER_EPOCH: u64 = 2;

#[derive(Debug, Clone)]
struct BlockGen {
    parent: usize,
    gap: u64,
    tag: u8,
    justified: u8,
    finalized: u8,
}

fn block_gen() -> impl Strategy<Value = BlockGen> {
    (any::<usize>(), 1u64..=3, 0u8..4, 0u8..3, 0u8..2).prop_map(
        |(parent, gap, tag, justified, finalized)| BlockGen {
            parent,
            gap,
            tag,
            justified,
            finalized,
        },
    )
}

fn node_root(index: usize, tag: u8) -> Root {
    let mut bytes = [0u8; 32];
    bytes[0] = tag;
    bytes[31] = index as u8;
    bytes[30] = (index >> 8) as u8;
    Root::from(bytes)
}

/// Checks weights of every node and the head against the naive spec model.
fn check(array: &ProtoArray, naive: &NaiveStore) -> Result<(), TestCaseError> {
    for node in array.nodes() {
        prop_assert_eq!(node.weight, naive.get_latest_attesting_balance(node.root));
    }
    let head = array.find_head(&naive.justified_checkpoint.root).unwrap();
    prop_assert_eq!(head, naive.get_head());
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]
    #[test]
    fn find_head_matches_spec_get_head(
        gens in prop::collection::vec(block_gen(), 1..40),
        justified_pick in any::<usize>(),
        justified_epoch in 0u64..3,
        finalized_epoch in 0u64..2,
        votes_1 in prop::collection::vec(prop::option::of(any::<usize>()), VALIDATORS),
        balances_1 in prop::collection::vec(0u64..50, VALIDATORS),
        votes_2 in prop::collection::vec(
            prop::option::of((any::<usize>(), any::<bool>())), VALIDATORS),
        balances_2 in prop::collection::vec(0u64..50, VALIDATORS),
        equivocators in prop::collection::vec(prop::bool::weighted(0.15), VALIDATORS),
    ) {
        let total = gens.len() + 1;
        let first_round = total.div_ceil(2);
        let mut roots = vec![node_root(0, 0)];
        roots.extend(gens.iter().enumerate().map(|(i, g)| node_root(i + 1, g.tag)));
        let mut slots = vec![0u64];
        let anchor = Checkpoint { epoch: 0, root: roots[0] };
        let justified = Checkpoint {
            epoch: justified_epoch,
            root: roots[justified_pick % first_round],
        };
        let finalized = Checkpoint { epoch: finalized_epoch, root: roots[0] };
        let mut naive = NaiveStore {
            slots_per_epoch: SLOTS_PER_EPOCH,
            justified_checkpoint: justified.clone(),
            finalized_checkpoint: finalized.clone(),
            ..NaiveStore::default()
        };
        naive.blocks.insert(roots[0], NaiveBlock {
            slot: 0,
            parent_root: None,
            justified_checkpoint: anchor.clone(),
            finalized_checkpoint: anchor.clone(),
        });
        let mut array = ProtoArray::new(SLOTS_PER_EPOCH, 0, 0, roots[0], Root::ZERO, anchor.clone());
        let mut blocks = Vec::new();
        for (i, g) in gens.iter().enumerate() {
            let index = i + 1;
            let parent = g.parent % index;
            let slot = slots[parent] + g.gap;
            let root = roots[index];
            slots.push(slot);
            let justified_checkpoint = match g.justified {
                0 => justified.clone(),
                1 => Checkpoint { epoch: justified.epoch + 1, root: justified.root },
                _ => anchor.clone(),
            };
            let finalized_checkpoint = match g.finalized {
                0 => finalized.clone(),
                _ => Checkpoint { epoch: finalized.epoch + 1, root: finalized.root },
            };
            blocks.push((slot, root, roots[parent], justified_checkpoint, finalized_checkpoint));
        }
        // The justified block is among the first round's, so add those before scoring.
        let add = |array: &mut ProtoArray, naive: &mut NaiveStore, range: std::ops::Range<usize>| {
            for (slot, root, parent, j, f) in blocks[range].iter().cloned() {
                array.on_block(slot, root, parent, Root::ZERO, j.clone(), f.clone()).unwrap();
                naive.blocks.insert(root, NaiveBlock {
                    slot,
                    parent_root: Some(parent),
                    justified_checkpoint: j,
                    finalized_checkpoint: f,
                });
            }
        };
        add(&mut array, &mut naive, 0..first_round - 1);

        let mut votes = Votes::new();
        let mut latest: HashMap<u64, (u64, Root)> = HashMap::new();
        for (v, pick) in votes_1.iter().enumerate() {
            if let Some(pick) = pick {
                let root = roots[pick % first_round];
                votes.process_attestation(v as u64, root, 1).unwrap();
                latest.insert(v as u64, (1, root));
            }
        }
        naive.latest_messages = latest.iter().map(|(v, (_, r))| (*v, *r)).collect();
        naive.balances = balances_1.clone();
        let (deltas, recount) = compute_deltas(array.indices(), &votes, &[], &balances_1).unwrap();
        array.apply_score_changes(deltas, &justified, &finalized).unwrap();
        recount.apply(&mut votes);
        check(&array, &naive)?;

        add(&mut array, &mut naive, first_round - 1..blocks.len());
        for (v, equivocating) in equivocators.iter().enumerate() {
            if *equivocating {
                votes.mark_equivocating(v as u64).unwrap();
                latest.remove(&(v as u64));
            }
        }
        for (v, vote) in votes_2.iter().enumerate() {
            let v = v as u64;
            if let Some((pick, newer)) = vote {
                let epoch = if *newer { 2 } else { 1 };
                let root = roots[pick % total];
                votes.process_attestation(v, root, epoch).unwrap();
                let replaces = latest.get(&v).is_none_or(|(e, _)| epoch > *e);
                if replaces && !equivocators[v as usize] {
                    latest.insert(v, (epoch, root));
                }
            }
        }
        naive.latest_messages = latest.iter().map(|(v, (_, r))| (*v, *r)).collect();
        naive.balances = balances_2.clone();
        let (deltas, recount) =
            compute_deltas(array.indices(), &votes, &balances_1, &balances_2).unwrap();
        array.apply_score_changes(deltas, &justified, &finalized).unwrap();
        recount.apply(&mut votes);
        check(&array, &naive)?;
    }
}
