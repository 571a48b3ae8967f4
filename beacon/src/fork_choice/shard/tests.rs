//! Tests of the shard fork choice on a beacon state with real interop keys: shard blocks are
//! checked by `shard_state_transition`, votes come through the beacon store's
//! `update_latest_messages`.

use primitives::bls::{SecretKey, interop_secret_key};
use primitives::math::compute_epoch_at_slot;
use primitives::signing::compute_signing_root;
use primitives::types::{
    AttestationData, BeaconBlock, BeaconState, Checkpoint, Gwei, Root, Shard, ShardBlock,
    ShardState, SignedShardBlock, Slot, ValidatorIndex,
};
use primitives::{ChainConfig, MinimalEthSpec, PresetName};
use ssz_types::VariableList;
use tree_hash::TreeHash;

use super::*;
use crate::accessors::{get_domain, get_shard_proposer_index};
use crate::fork_choice::shard::head::{candidate_weights, candidates};
use crate::fork_choice::{ForkChoiceStore, PostStateCheckpoints};
use crate::per_slot::process_slots;
use crate::shard_transition::ShardBlockError;
use crosslink::ShardBlockInvalid;

type E = MinimalEthSpec;

const VALIDATORS: u64 = 64;
const SHARD: Shard = 1;
const GENESIS_TIME: u64 = 1_000;

fn config() -> ChainConfig {
    ChainConfig::preset(PresetName::Minimal)
}

fn key(index: u64) -> SecretKey {
    interop_secret_key(index).unwrap()
}

/// 64 active validators with interop keys at slot 0, no shard crosslinked yet.
fn genesis_state(config: &ChainConfig) -> BeaconState<E> {
    let keys = crate::test_state::interop_keys(VALIDATORS);
    crate::test_state::interop_test_state(&keys, false, config)
}

/// The root of the block whose post-state is `state` (as `verify_shard_block_message` finds it).
fn beacon_block_root(state: &BeaconState<E>) -> Root {
    let mut header = state.latest_block_header.clone();
    header.state_root = state.tree_hash_root();
    header.tree_hash_root()
}

/// The beacon genesis state, a beacon store anchored at its block, and the shard's store.
struct Chain {
    config: ChainConfig,
    beacon_state: BeaconState<E>,
    beacon_root: Root,
    store: ForkChoiceStore,
    shard_store: ShardStore<E>,
}

fn chain() -> Chain {
    let config = config();
    let beacon_state = genesis_state(&config);
    let beacon_root = beacon_block_root(&beacon_state);
    let store = ForkChoiceStore::from_anchor(
        &config,
        GENESIS_TIME,
        0,
        0,
        beacon_root,
        beacon_state.tree_hash_root(),
    )
    .unwrap();
    let shard_store = get_forkchoice_shard_store(&beacon_state, SHARD).unwrap();
    Chain {
        config,
        beacon_state,
        beacon_root,
        store,
        shard_store,
    }
}

impl Chain {
    /// A shard block at `slot` on `parent`, by the slot's shard proposer, with a body of `byte`s.
    fn block(&self, slot: Slot, parent: Root, byte: u8) -> ShardBlock<E> {
        ShardBlock {
            shard_parent_root: parent,
            beacon_parent_root: self.beacon_root,
            slot,
            shard: SHARD,
            proposer_index: get_shard_proposer_index(&self.beacon_state, slot, SHARD, &self.config)
                .unwrap(),
            body: VariableList::new(vec![byte; 16]).unwrap(),
        }
    }

    fn sign(&self, message: ShardBlock<E>, signer: ValidatorIndex) -> SignedShardBlock<E> {
        let epoch = compute_epoch_at_slot(message.slot, &self.config).unwrap();
        let domain = get_domain(
            &self.beacon_state,
            self.config.domain_shard_proposal,
            Some(epoch),
            &self.config,
        )
        .unwrap();
        let signature = key(signer)
            .sign(compute_signing_root(&message, domain))
            .to_bytes();
        SignedShardBlock { message, signature }
    }

    fn signed(&self, slot: Slot, parent: Root, byte: u8) -> SignedShardBlock<E> {
        let block = self.block(slot, parent, byte);
        let proposer = block.proposer_index;
        self.sign(block, proposer)
    }

    fn on_shard_block(
        &mut self,
        block: &SignedShardBlock<E>,
    ) -> Result<Root, ShardForkChoiceError> {
        on_shard_block(
            &self.store,
            &mut self.shard_store,
            block,
            &self.beacon_state,
            &self.beacon_state,
            &self.config,
        )
    }

    fn add(&mut self, slot: Slot, parent: Root, byte: u8) -> Root {
        let block = self.signed(slot, parent, byte);
        self.on_shard_block(&block).unwrap()
    }

    /// Shard votes of `validators` for `root`, with target `epoch` (newer epochs replace).
    fn vote(&mut self, validators: &[ValidatorIndex], root: Root, epoch: u64) {
        let data = AttestationData {
            beacon_block_root: self.beacon_root,
            target: Checkpoint {
                epoch,
                root: self.beacon_root,
            },
            shard: SHARD,
            shard_head_root: root,
            ..Default::default()
        };
        self.store
            .update_latest_messages(validators, &data)
            .unwrap();
    }

    fn head(&self, beacon_head_state: &BeaconState<E>, balances: &[Gwei]) -> Root {
        get_shard_head(&self.store, &self.shard_store, beacon_head_state, balances).unwrap()
    }

    /// The one-pass weights equal the spec's `get_shard_latest_attesting_balance`.
    fn assert_weights_match_spec(&self, after_slot: Slot, balances: &[Gwei]) {
        let candidates = candidates(&self.shard_store, after_slot);
        let weights =
            candidate_weights(&self.store, &self.shard_store, &candidates, balances).unwrap();
        for root in candidates.keys() {
            let spec =
                get_shard_latest_attesting_balance(&self.store, &self.shard_store, root, balances)
                    .unwrap();
            assert_eq!(weights.get(root).copied().unwrap_or(0), spec, "{root}");
        }
    }
}

fn balances(config: &ChainConfig) -> Vec<Gwei> {
    vec![config.max_effective_balance; VALIDATORS as usize]
}

#[test]
fn head_follows_shard_attestation_weight() {
    let mut chain = chain();
    let balances = balances(&chain.config);
    let genesis = chain.beacon_state.clone();
    // ZERO <- a1 <- b2 <- d3, a1 <- c2, ZERO <- x2.
    let a1 = chain.add(1, Root::ZERO, 1);
    let b2 = chain.add(2, a1, 2);
    let c2 = chain.add(2, a1, 3);
    let d3 = chain.add(3, b2, 4);
    let x2 = chain.add(2, Root::ZERO, 5);
    assert_eq!(chain.shard_store.len(), 6);

    // No votes: ties all the way down, broken by the greater root.
    let top = a1.max(x2);
    let expected = if top == x2 {
        x2
    } else if b2 > c2 {
        d3
    } else {
        c2
    };
    assert_eq!(chain.head(&genesis, &balances), expected);

    chain.vote(&[0], x2, 0);
    assert_eq!(chain.head(&genesis, &balances), x2);
    // Votes for d3 count for a1 and b2.
    chain.vote(&[1, 2], d3, 0);
    assert_eq!(chain.head(&genesis, &balances), d3);
    chain.vote(&[3, 4, 5], c2, 0);
    assert_eq!(chain.head(&genesis, &balances), c2);
    chain.assert_weights_match_spec(0, &balances);

    // A validator without balance in the justified state does not count.
    let mut unfunded = balances.clone();
    for i in [3, 4] {
        unfunded[i] = 0;
    }
    assert_eq!(chain.head(&genesis, &unfunded), d3);
    chain.assert_weights_match_spec(0, &unfunded);

    // A newer vote replaces an older one; an older one is ignored.
    chain.vote(&[3, 4, 5], b2, 1);
    chain.vote(&[3, 4, 5], c2, 0);
    assert_eq!(chain.head(&genesis, &balances), d3);
    // Six new votes turn the head to c2; three of them equivocate and it turns back.
    chain.vote(&[6, 7, 8, 9, 10, 11], c2, 1);
    assert_eq!(chain.head(&genesis, &balances), c2);
    for i in 6..9 {
        chain.store.mark_equivocating(i).unwrap();
    }
    chain.assert_weights_match_spec(0, &balances);
    // c2: 9, 10, 11; b2: 1, 2, 3, 4, 5.
    assert_eq!(chain.head(&genesis, &balances), d3);
}

#[test]
fn blocks_on_another_beacon_block_than_the_head_chains_are_left_out() {
    let mut chain = chain();
    let balances = balances(&chain.config);
    // Both on the genesis beacon block, which the head chain holds at slots 1 and 2 while no
    // block follows it.
    let a1 = chain.add(1, Root::ZERO, 1);
    let b2 = chain.add(2, a1, 2);
    chain.vote(&[0], b2, 0);
    let mut head_state = chain.beacon_state.clone();
    process_slots(&mut head_state, 3, &chain.config).unwrap();
    assert_eq!(chain.head(&head_state, &balances), b2);

    // A beacon block at slot 2 on the head chain: b2 names the genesis block, so no crosslink
    // on that chain can carry it, whatever its votes; a1 still can.
    *head_state.block_roots.get_mut(2).unwrap() = Root::repeat_byte(7);
    assert_eq!(chain.head(&head_state, &balances), a1);
    // One at slot 1 as well: nothing after the crosslink is left.
    *head_state.block_roots.get_mut(1).unwrap() = Root::repeat_byte(7);
    assert_eq!(chain.head(&head_state, &balances), Root::ZERO);
}

#[test]
fn equal_weights_break_ties_by_root() {
    let mut chain = chain();
    let balances = balances(&chain.config);
    let genesis = chain.beacon_state.clone();
    let a1 = chain.add(1, Root::ZERO, 1);
    let b2 = chain.add(2, a1, 2);
    let c2 = chain.add(2, a1, 3);
    chain.vote(&[0], b2, 0);
    chain.vote(&[1], c2, 0);
    assert_eq!(chain.head(&genesis, &balances), b2.max(c2));
    assert_eq!(
        get_shard_latest_attesting_balance(&chain.store, &chain.shard_store, &a1, &balances)
            .unwrap(),
        2 * chain.config.max_effective_balance
    );
}

#[test]
fn blocks_before_the_latest_crosslink_are_not_pending() {
    let mut chain = chain();
    let balances = balances(&chain.config);
    let a1 = chain.add(1, Root::ZERO, 1);
    let b2 = chain.add(2, a1, 2);
    let d3 = chain.add(3, b2, 3);
    // A heavier rival to a1 from the anchor.
    let x2 = chain.add(2, Root::ZERO, 4);
    chain.vote(&[0, 1], x2, 0);
    chain.vote(&[2], d3, 0);

    let genesis = chain.beacon_state.clone();
    let pending =
        get_pending_shard_blocks(&chain.store, &chain.shard_store, &genesis, &balances).unwrap();
    let roots: Vec<Root> = pending.iter().map(|b| b.message.tree_hash_root()).collect();
    assert_eq!(roots, vec![x2]);

    // Once the beacon head has crosslinked a1, only what follows it is pending, and the rival
    // that does not descend from the crosslink is out of the race.
    let mut crosslinked = genesis.clone();
    crosslinked.slot = 2;
    crosslinked.shard_states[SHARD as usize] = ShardState {
        slot: 1,
        latest_block_root: a1,
        ..chain.shard_store.block_state(&a1).unwrap().clone()
    };
    assert_eq!(chain.head(&crosslinked, &balances), d3);
    let pending =
        get_pending_shard_blocks(&chain.store, &chain.shard_store, &crosslinked, &balances)
            .unwrap();
    let roots: Vec<Root> = pending.iter().map(|b| b.message.tree_hash_root()).collect();
    assert_eq!(roots, vec![b2, d3]);
    chain.assert_weights_match_spec(1, &balances);

    // Crosslinked up to the head: nothing pending.
    crosslinked.shard_states[SHARD as usize] = ShardState {
        slot: 3,
        ..chain.shard_store.block_state(&d3).unwrap().clone()
    };
    assert_eq!(chain.head(&crosslinked, &balances), d3);
    assert!(
        get_pending_shard_blocks(&chain.store, &chain.shard_store, &crosslinked, &balances)
            .unwrap()
            .is_empty()
    );
}

#[test]
fn beacon_parent_must_be_known_and_descend_from_finality() {
    let mut chain = chain();
    let before = chain.shard_store.clone();

    let mut block = chain.block(1, Root::ZERO, 1);
    block.beacon_parent_root = Root::repeat_byte(0xee);
    let proposer = block.proposer_index;
    let unknown = chain.sign(block, proposer);
    let error = chain.on_shard_block(&unknown).unwrap_err();
    assert!(matches!(
        error,
        ShardForkChoiceError::UnknownBeaconParent { .. }
    ));
    assert!(!error.is_bad_data());
    assert_eq!(chain.shard_store, before);

    // Beacon blocks: genesis <- a (slot 8) <- c (slot 16), genesis <- b (slot 9); c's
    // post-state finalizes a, which leaves genesis and b off the finalized chain.
    let (a, b, c) = (
        Root::repeat_byte(0xa0),
        Root::repeat_byte(0xb0),
        Root::repeat_byte(0xc0),
    );
    let config = chain.config.clone();
    chain
        .store
        .on_tick(GENESIS_TIME * 1000 + 16 * config.seconds_per_slot.as_millis())
        .unwrap();
    let genesis_checkpoint = Checkpoint {
        epoch: 0,
        root: chain.beacon_root,
    };
    let beacon_block = |slot, parent_root| BeaconBlock::<E> {
        slot,
        parent_root,
        ..Default::default()
    };
    let unchanged = PostStateCheckpoints {
        current_justified_checkpoint: genesis_checkpoint.clone(),
        finalized_checkpoint: genesis_checkpoint,
    };
    chain
        .store
        .on_block(&beacon_block(8, chain.beacon_root), a, &unchanged)
        .unwrap();
    chain
        .store
        .on_block(&beacon_block(9, chain.beacon_root), b, &unchanged)
        .unwrap();
    let a_finalized = Checkpoint { epoch: 1, root: a };
    let finalizing = PostStateCheckpoints {
        current_justified_checkpoint: a_finalized.clone(),
        finalized_checkpoint: a_finalized.clone(),
    };
    chain
        .store
        .on_block(&beacon_block(16, a), c, &finalizing)
        .unwrap();
    assert_eq!(chain.store.finalized_checkpoint(), &a_finalized);

    for parent in [b, chain.beacon_root] {
        let mut block = chain.block(1, Root::ZERO, 1);
        block.beacon_parent_root = parent;
        let proposer = block.proposer_index;
        let off_chain = chain.sign(block, proposer);
        let error = chain.on_shard_block(&off_chain).unwrap_err();
        assert!(
            matches!(error, ShardForkChoiceError::NotDescendantOfFinalized { .. }),
            "{error}"
        );
        assert!(error.is_bad_data());
        assert_eq!(chain.shard_store, before);
    }
}

#[test]
fn invalid_shard_blocks_are_refused() {
    let mut chain = chain();
    let a1 = chain.add(1, Root::ZERO, 1);
    let before = chain.shard_store.clone();
    let refuse = |chain: &mut Chain, block: &SignedShardBlock<E>| {
        let error = chain.on_shard_block(block).unwrap_err();
        assert!(error.is_bad_data(), "{error}");
        assert_eq!(chain.shard_store, before);
        error
    };

    // Names another proposer, and is signed by it.
    let mut block = chain.block(2, a1, 2);
    let proposer = block.proposer_index;
    let other = (proposer + 1) % VALIDATORS;
    block.proposer_index = other;
    let wrong_proposer = chain.sign(block, other);
    let error = refuse(&mut chain, &wrong_proposer);
    assert!(matches!(
        error,
        ShardForkChoiceError::InvalidBlock {
            reason: ShardBlockError::Invalid(ShardBlockInvalid::WrongProposer { .. }),
            ..
        }
    ));

    // Signed by someone else than the proposer.
    let block = chain.block(2, a1, 2);
    let forged = chain.sign(block, other);
    let error = refuse(&mut chain, &forged);
    assert!(matches!(
        error,
        ShardForkChoiceError::InvalidBlock {
            reason: ShardBlockError::BadSignature(_),
            ..
        }
    ));

    // Not after its shard parent (slot 1 is an offset slot: only this check refuses it).
    let b3 = chain.add(3, a1, 3);
    let before_b3 = chain.shard_store.clone();
    let error = chain.on_shard_block(&chain.signed(2, b3, 4)).unwrap_err();
    assert_eq!(
        error,
        ShardForkChoiceError::NotAfterShardParent {
            slot: 2,
            parent_slot: 3
        }
    );
    assert_eq!(chain.shard_store, before_b3);

    // Not after the finalized state's shard slot.
    let mut finalized = chain.beacon_state.clone();
    finalized.shard_states[SHARD as usize].slot = 2;
    let block = chain.signed(2, a1, 5);
    let error = on_shard_block(
        &chain.store,
        &mut chain.shard_store,
        &block,
        &chain.beacon_state,
        &finalized,
        &chain.config,
    )
    .unwrap_err();
    assert_eq!(
        error,
        ShardForkChoiceError::NotAfterFinalizedShardSlot {
            slot: 2,
            finalized_slot: 2
        }
    );

    // Unknown shard parent (not bad data: it may come later), another shard's block.
    let orphan = chain.signed(2, Root::repeat_byte(7), 6);
    let error = chain.on_shard_block(&orphan).unwrap_err();
    assert!(matches!(
        error,
        ShardForkChoiceError::UnknownShardParent { .. }
    ));
    assert!(!error.is_bad_data());
    let mut block = chain.block(2, a1, 6);
    block.shard = SHARD + 1;
    let proposer = block.proposer_index;
    let error = chain
        .on_shard_block(&chain.sign(block, proposer))
        .unwrap_err();
    assert!(matches!(error, ShardForkChoiceError::WrongShard { .. }));
    assert_eq!(chain.shard_store, before_b3);

    // The valid block at the same place is accepted.
    let b2 = chain.add(2, a1, 2);
    assert!(chain.shard_store.contains_block(&b2));
}

#[test]
fn pruning_keeps_only_the_new_anchor_and_its_descendants() {
    let mut chain = chain();
    let a1 = chain.add(1, Root::ZERO, 1);
    let b2 = chain.add(2, a1, 2);
    let c2 = chain.add(2, a1, 3);
    let d3 = chain.add(3, b2, 4);
    let e3 = chain.add(3, c2, 5);
    assert_eq!(chain.shard_store.len(), 6);
    assert_eq!(chain.shard_store.prune(Root::repeat_byte(0x77)), 0);
    assert_eq!(chain.shard_store.prune(b2), 4);
    assert_eq!(chain.shard_store.len(), 2);
    assert_eq!(chain.shard_store.anchor_root(), b2);
    assert!(chain.shard_store.contains_block(&d3));
    for gone in [Root::ZERO, a1, c2, e3] {
        assert!(!chain.shard_store.contains_block(&gone), "{gone}");
        assert!(chain.shard_store.signed_block(&gone).is_none(), "{gone}");
    }
    // A block on a pruned fork has no parent any more; the kept branch grows on.
    let orphan = chain.signed(5, e3, 6);
    assert!(chain.on_shard_block(&orphan).is_err());
    let f4 = chain.add(5, d3, 7);
    assert!(chain.shard_store.contains_block(&f4));
    assert_eq!(chain.shard_store.prune(b2), 0);
}
