//! Block production on an interop genesis: the errors of each producer, attestations left out
//! of a block, and the bookkeeping of pending shard blocks.

use primitives::bls::{SecretKey, interop_secret_key};
use primitives::types::{Attestation, BeaconState, Root, SignatureBytes, SignedShardBlock};
use primitives::{ChainConfig, MinimalEthSpec, PresetName};
use tree_hash::TreeHash;

use super::*;
use crate::accessors::{
    compute_shard_from_committee_index, get_beacon_committee, get_beacon_proposer_index,
};
use crate::duties::{
    DutyError, get_attestation_data, get_unaggregated_attestation, sign_attestation,
};
use crate::genesis::interop_genesis_state;
use crate::per_slot::process_slots;
use crate::{SignatureStrategy, state_transition};

type E = MinimalEthSpec;
type State = BeaconState<E>;

fn config() -> ChainConfig {
    ChainConfig::preset(PresetName::Minimal)
}

fn key(index: u64) -> SecretKey {
    interop_secret_key(index).unwrap()
}

fn genesis(config: &ChainConfig) -> State {
    interop_genesis_state::<E>(64, 1_600_000_000, config).unwrap()
}

/// The state of `state` advanced to `slot`.
fn advanced(state: &State, slot: u64, config: &ChainConfig) -> State {
    let mut state = state.clone();
    process_slots(&mut state, slot, config).unwrap();
    state
}

/// The signed honest block at `slot` on `state` with `inputs`, and its post-state.
fn propose(
    state: &State,
    slot: u64,
    inputs: &BlockInputs<'_, E>,
    config: &ChainConfig,
) -> (primitives::types::SignedBeaconBlock<E>, State) {
    let at_slot = advanced(state, slot, config);
    let proposer = get_beacon_proposer_index(&at_slot, config).unwrap();
    propose_block(&at_slot, slot, &key(proposer), inputs, config).unwrap()
}

/// The unaggregated attestations of committee 0 of the state's slot for the head `head_root`,
/// with the shard transition they vote for.
fn committee_votes(
    state: &State,
    head_root: Root,
    pending: &PendingShardBlocks<E>,
    config: &ChainConfig,
) -> (Vec<Attestation<E>>, primitives::types::ShardTransition<E>) {
    let committee = get_beacon_committee(state, state.slot, 0, config).unwrap();
    let shard = compute_shard_from_committee_index(state, 0, state.slot, config).unwrap();
    let blocks = pending.get_pending_shard_blocks(state, shard).unwrap();
    let head = pending.shard_head_root(state, shard).unwrap();
    let vote = get_attestation_data(state, head_root, 0, head, &blocks, config).unwrap();
    let attestations = committee
        .iter()
        .map(|member| {
            let signature = sign_attestation(state, &vote.data, &key(*member), config).unwrap();
            get_unaggregated_attestation(vote.data.clone(), &committee, *member, signature).unwrap()
        })
        .collect();
    (attestations, vote.shard_transition)
}

#[test]
fn an_empty_block_is_accepted_by_state_transition() {
    let config = config();
    let state = genesis(&config);
    let (block, post) = propose(&state, 3, &BlockInputs::new(Default::default()), &config);
    let applied = state_transition(&state, &block, SignatureStrategy::Batch, true, &config);
    assert_eq!(applied, Ok(post));
}

#[test]
fn attestations_are_aggregated_only_when_disjoint_and_alike() {
    let config = config();
    let state = advanced(&genesis(&config), 1, &config);
    let (votes, _) = committee_votes(
        &state,
        Root::repeat_byte(1),
        &PendingShardBlocks::new(),
        &config,
    );
    let aggregate = aggregate_attestations(&votes).unwrap();
    assert!(aggregate.aggregation_bits.iter().all(|bit| bit));
    assert_eq!(aggregate.data, votes[0].data);

    assert_eq!(
        aggregate_attestations::<E>(&[]),
        Err(ProductionError::Duty(DutyError::NothingToAggregate))
    );
    let twice = [votes[0].clone(), votes[0].clone()];
    assert_eq!(
        aggregate_attestations(&twice),
        Err(ProductionError::OverlappingBits { position: 0 })
    );
    let mut other = votes[1].clone();
    other.data.beacon_block_root = Root::repeat_byte(2);
    assert_eq!(
        aggregate_attestations(&[votes[0].clone(), other]),
        Err(ProductionError::DataMismatch)
    );
}

#[test]
fn a_crosslink_is_made_only_when_its_full_transition_is_known() {
    let config = config();
    let genesis = genesis(&config);
    let (block, state) = propose(&genesis, 1, &BlockInputs::new(Default::default()), &config);
    let head_root = block.message.tree_hash_root();

    // The shard proposer of committee 0's shard proposes at slot 1.
    let shard = compute_shard_from_committee_index(&state, 0, 1, &config).unwrap();
    let mut pending = PendingShardBlocks::new();
    let proposer = get_shard_block_proposer(&state, shard, &config).unwrap();
    let shard_block = propose_shard_block(
        &state,
        head_root,
        shard,
        &[],
        vec![7; 100],
        &key(proposer),
        &config,
    )
    .unwrap();
    assert_eq!(get_beacon_parent_root(&state), head_root);
    pending.insert(shard_block.clone());
    assert_eq!(
        pending.shard_head_root(&state, shard),
        Ok(shard_block.message.tree_hash_root())
    );

    let (votes, transition) = committee_votes(&state, head_root, &pending, &config);
    let aggregate = aggregate_attestations(&votes).unwrap();
    let mut bad_signature = votes[0].clone();
    bad_signature.signature = votes[1].signature;
    let attestations = [bad_signature, aggregate.clone()];

    // Without the full transition the on-time aggregate cannot be included.
    let inputs = BlockInputs {
        attestations: &attestations,
        ..BlockInputs::new(Default::default())
    };
    let (without, _) = propose(&state, 2, &inputs, &config);
    assert!(without.message.body.attestations.is_empty());

    // With it, the badly signed attestation is left out and the shard crosslinked.
    let transitions = [transition.clone()];
    let inputs = BlockInputs {
        attestations: &attestations,
        shard_transitions: &transitions,
        ..BlockInputs::new(Default::default())
    };
    let (with, post) = propose(&state, 2, &inputs, &config);
    assert_eq!(&with.message.body.attestations[..], &[aggregate]);
    assert_eq!(
        with.message.body.shard_transitions[shard as usize],
        transition
    );
    let applied = state_transition(&state, &with, SignatureStrategy::Batch, true, &config);
    assert_eq!(applied.as_ref(), Ok(&post));
    let crosslinked = &post.shard_states[shard as usize];
    assert_eq!(crosslinked.slot, 1);
    assert_eq!(
        crosslinked.latest_block_root,
        shard_block.message.tree_hash_root()
    );

    // Once crosslinked, the block is no longer pending and is pruned.
    assert_eq!(pending.get_pending_shard_blocks(&post, shard), Ok(vec![]));
    pending.prune(&post);
    assert_eq!(pending, PendingShardBlocks::new());
}

#[test]
fn a_crosslink_the_chain_cannot_take_is_left_out() {
    let config = config();
    let genesis = genesis(&config);
    let (block, state) = propose(&genesis, 1, &BlockInputs::new(Default::default()), &config);
    let head_root = block.message.tree_hash_root();

    // The shard block of slot 1 built before the slot's beacon block arrived names the
    // genesis block as its beacon parent; the committee reaches 2/3 for it all the same.
    let shard = compute_shard_from_committee_index(&state, 0, 1, &config).unwrap();
    let proposer = get_shard_block_proposer(&state, shard, &config).unwrap();
    let stale = propose_shard_block(
        &state,
        block.message.parent_root,
        shard,
        &[],
        vec![7; 100],
        &key(proposer),
        &config,
    )
    .unwrap();
    let mut pending = PendingShardBlocks::new();
    pending.insert(stale.clone());
    let (votes, transition) = committee_votes(&state, head_root, &pending, &config);
    let attestations = [aggregate_attestations(&votes).unwrap()];
    let transitions = [transition];
    let inputs = BlockInputs {
        attestations: &attestations,
        shard_transitions: &transitions,
        ..BlockInputs::new(Default::default())
    };

    // `apply_shard_transition` checks the proposer's signature over a header naming the
    // chain's block at slot 1: the block leaves the transition and its votes out, and stays
    // valid.
    let (produced, post) = propose(&state, 2, &inputs, &config);
    assert!(produced.message.body.attestations.is_empty());
    assert_eq!(
        produced.message.body.shard_transitions[shard as usize],
        primitives::types::ShardTransition::default()
    );
    let applied = state_transition(&state, &produced, SignatureStrategy::Batch, true, &config);
    assert_eq!(applied.as_ref(), Ok(&post));
    assert_ne!(
        post.shard_states[shard as usize].latest_block_root,
        stale.message.tree_hash_root()
    );
}

#[test]
fn a_shard_block_is_refused_off_its_offset_slots_or_shards() {
    let config = config();
    // No crosslink since genesis: the offset slots are 1, 2, 3, 5, 8, ...
    let state = advanced(&genesis(&config), 4, &config);
    let produce = |shard, body: Vec<u8>| {
        produce_shard_block::<E>(&state, Root::ZERO, shard, &[], body, &config)
    };
    assert_eq!(
        produce(0, vec![1]),
        Err(ProductionError::NotAnOffsetSlot { shard: 0, slot: 4 })
    );
    assert_eq!(
        produce(config.initial_active_shards, vec![1]),
        Err(ProductionError::InactiveShard {
            shard: config.initial_active_shards,
            active: config.initial_active_shards,
        })
    );
    let state = advanced(&state, 5, &config);
    assert!(matches!(
        produce_shard_block::<E>(&state, Root::ZERO, 0, &[], vec![], &config),
        Err(ProductionError::InvalidShardBlock(_))
    ));
    let block = produce_shard_block::<E>(&state, Root::ZERO, 0, &[], vec![1], &config).unwrap();
    assert_eq!(block.slot, 5);
    // An unrelated block does not extend the crosslinked chain: nothing is pending.
    let mut pending = PendingShardBlocks::<E>::new();
    let mut stray = block.clone();
    stray.shard_parent_root = Root::repeat_byte(9);
    pending.insert(SignedShardBlock {
        message: stray,
        signature: SignatureBytes::default(),
    });
    assert_eq!(pending.get_pending_shard_blocks(&state, 0), Ok(vec![]));
}

#[test]
fn a_light_client_aggregate_that_processing_refuses_is_left_out() {
    let config = config();
    let genesis = genesis(&config);
    let (block, state) = propose(&genesis, 1, &BlockInputs::new(Default::default()), &config);
    let mut vote = primitives::types::LightClientVote::<E> {
        data: primitives::types::LightClientVoteData {
            slot: 1,
            beacon_block_root: block.message.tree_hash_root(),
        },
        ..Default::default()
    };
    vote.aggregation_bits.set(0, true).unwrap();
    // A valid point, but not the committee's signature of the previous block root.
    vote.signature = key(0).sign(Root::repeat_byte(3)).to_bytes();
    let votes = [vote.clone()];
    let inputs = BlockInputs {
        light_client_aggregates: &votes,
        ..BlockInputs::new(Default::default())
    };
    let produced = produce_block(&advanced(&state, 2, &config), 2, &inputs, &config).unwrap();
    assert_eq!(
        get_best_light_client_aggregate(&produced.block, &votes),
        vote
    );
    assert!(!produced.block.body.light_client_bits.iter().any(|bit| bit));
    assert_eq!(
        produced.block.body.light_client_signature,
        SignatureBytes::default()
    );
}

#[test]
fn a_light_client_aggregate_of_the_block_root_is_included_and_rewarded() {
    let config = config();
    let genesis = genesis(&config);
    let (block, state) = propose(&genesis, 1, &BlockInputs::new(Default::default()), &config);
    let at_two = advanced(&state, 2, &config);
    let data = crate::duties::get_light_client_vote_data(1, block.message.tree_hash_root());
    let committee = crate::accessors::get_light_client_committee(&at_two, 0, &config).unwrap();
    assert!(committee.len() > 1);
    let mut votes = Vec::new();
    for (bit, member) in committee.iter().enumerate().take(3) {
        let mut vote = primitives::types::LightClientVote::<E> {
            data: data.clone(),
            ..Default::default()
        };
        vote.aggregation_bits.set(bit, true).unwrap();
        vote.signature =
            crate::duties::sign_light_client_block_root(&state, &data, &key(*member), &config)
                .unwrap();
        votes.push(vote);
    }
    let mut aggregate = votes[0].clone();
    for vote in &votes[1..] {
        aggregate.aggregation_bits = aggregate.aggregation_bits.union(&vote.aggregation_bits);
    }
    aggregate.signature = crate::duties::get_aggregate_light_client_signature(&votes).unwrap();
    let aggregates = [aggregate.clone()];
    let inputs = BlockInputs {
        light_client_aggregates: &aggregates,
        ..BlockInputs::new(Default::default())
    };
    let (signed, post) = propose(&state, 2, &inputs, &config);
    assert_eq!(
        signed.message.body.light_client_bits,
        aggregate.aggregation_bits
    );
    assert_eq!(
        signed.message.body.light_client_signature,
        aggregate.signature
    );
    let applied =
        state_transition(&state, &signed, SignatureStrategy::Batch, true, &config).unwrap();
    assert_eq!(applied, post);
    let rewarded = committee.first().copied().unwrap() as usize;
    assert!(post.balances[rewarded] > at_two.balances[rewarded]);
}
