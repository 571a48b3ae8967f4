//! Tests of shard transition and light client processing on a small signed state: shard blocks
//! turned into a `ShardTransition` by the attester's helper must be accepted by
//! `apply_shard_transition` and crosslinked by `process_shard_transitions`.

use primitives::bls::{AggregateSignature, SecretKey, interop_secret_key};
use primitives::math::compute_epoch_at_slot;
use primitives::signing::compute_signing_root;
use primitives::types::{
    Attestation, AttestationData, BeaconBlockBody, BeaconState, PendingAttestation, Root, Shard,
    ShardBlock, ShardState, ShardTransition, SignedShardBlock, Slot,
};
use primitives::{ChainConfig, MinimalEthSpec, PresetName};
use ssz_types::{BitList, VariableList};
use tree_hash::TreeHash;

use super::*;
use crate::accessors::{
    CommitteeCaches, compute_shard_from_committee_index, get_beacon_committee,
    get_beacon_proposer_index, get_block_root_at_slot, get_domain, get_light_client_committee,
    get_shard_proposer_index,
};
use crate::shard_transition::get_shard_transition;
use crate::signatures::{SignatureBatch, VerifySignatures};

type E = MinimalEthSpec;

const VALIDATORS: u64 = 64;

fn config() -> ChainConfig {
    ChainConfig::preset(PresetName::Minimal)
}

fn key(index: u64) -> SecretKey {
    interop_secret_key(index).unwrap()
}

/// 64 active, online validators with interop keys, at `slot`, every shard last crosslinked at 0.
fn state(slot: Slot, config: &ChainConfig) -> BeaconState<E> {
    let keys = crate::test_state::interop_keys(VALIDATORS);
    BeaconState {
        slot,
        ..crate::test_state::interop_test_state(&keys, true, config)
    }
}

/// A shard block at `slot` on `parent_root`, signed by its shard proposer; `state` is past
/// `slot`, so that it knows the slot's beacon block root.
fn shard_block(
    state: &BeaconState<E>,
    shard: Shard,
    slot: Slot,
    parent_root: Root,
    config: &ChainConfig,
) -> SignedShardBlock<E> {
    let proposer_index = get_shard_proposer_index(state, slot, shard, config).unwrap();
    let message = ShardBlock {
        shard_parent_root: parent_root,
        beacon_parent_root: get_block_root_at_slot(state, slot).unwrap(),
        slot,
        shard,
        proposer_index,
        body: VariableList::new(vec![slot as u8; 1000 * slot as usize]).unwrap(),
    };
    let epoch = compute_epoch_at_slot(slot, config).unwrap();
    let domain = get_domain(state, config.domain_shard_proposal, Some(epoch), config).unwrap();
    let signature = key(proposer_index)
        .sign(compute_signing_root(&message, domain))
        .to_bytes();
    SignedShardBlock { message, signature }
}

/// Blocks at slots 1 and 2 of `shard`, and the transition an attester at slot 2 builds.
fn blocks_and_transition(
    shard: Shard,
    config: &ChainConfig,
) -> (Vec<SignedShardBlock<E>>, ShardTransition<E>) {
    let head = state(2, config);
    // The block root of slot 2 is known from slot 3 on.
    let next = state(3, config);
    let first = shard_block(&next, shard, 1, Root::ZERO, config);
    let second = shard_block(&next, shard, 2, first.message.tree_hash_root(), config);
    let blocks = vec![first, second];
    let transition = get_shard_transition(&head, shard, &blocks, config).unwrap();
    (blocks, transition)
}

#[test]
fn shard_blocks_round_trip_through_the_proposer_helper() {
    let config = config();
    let shard = 1;
    let (blocks, transition) = blocks_and_transition(shard, &config);
    assert_eq!(transition.start_slot, 1);
    assert_eq!(transition.shard_block_lengths.len(), 2);
    crosslink::verify_data_against_blocks(&transition, &[1, 2], &blocks).unwrap();

    // Two proposers over distinct headers: AggregateVerify, checked at once in both modes.
    let mut applied = state(3, &config);
    apply_shard_transition(
        &mut applied,
        shard,
        &transition,
        &mut VerifySignatures::Individually,
        &config,
    )
    .unwrap();
    let post = &applied.shard_states[shard as usize];
    assert_eq!(post.slot, 2);
    assert_eq!(post.latest_block_root, blocks[1].message.tree_hash_root());
    assert_eq!(post.gasprice, transition.shard_states[1].gasprice);

    let mut batch = SignatureBatch::new();
    let mut batched = state(3, &config);
    apply_shard_transition(
        &mut batched,
        shard,
        &transition,
        &mut VerifySignatures::Batch(&mut batch),
        &config,
    )
    .unwrap();
    assert_eq!(batched, applied);

    // The same transition with one block's signature left out fails and writes nothing.
    let mut forged = transition.clone();
    forged.proposer_signature_aggregate = blocks[0].signature;
    let pre = state(3, &config);
    let mut refused = pre.clone();
    let error = apply_shard_transition(
        &mut refused,
        shard,
        &forged,
        &mut VerifySignatures::Individually,
        &config,
    )
    .unwrap_err();
    assert!(matches!(
        error,
        OperationError::Invalid(ShardTransitionsInvalid::ProposerSignature { shard: 1, .. })
    ));
    assert_eq!(refused, pre);
}

#[test]
fn one_proposal_joins_the_batch() {
    let config = config();
    let shard = 0;
    let head = state(1, &config);
    let block = shard_block(&state(2, &config), shard, 1, Root::ZERO, &config);
    let transition = get_shard_transition(&head, shard, &[block], &config).unwrap();
    let mut batch = SignatureBatch::new();
    let mut applied = state(2, &config);
    apply_shard_transition(
        &mut applied,
        shard,
        &transition,
        &mut VerifySignatures::Batch(&mut batch),
        &config,
    )
    .unwrap();
    assert_eq!(batch.len(), 1);
    assert!(batch.verify());

    // An empty transition needs the stub signature, whatever the signature mode.
    let head = state(1, &config);
    let mut empty = get_shard_transition::<E>(&head, shard, &[], &config).unwrap();
    assert_eq!(empty.proposer_signature_aggregate, crosslink::NO_SIGNATURE);
    apply_shard_transition(
        &mut state(2, &config),
        shard,
        &empty,
        &mut VerifySignatures::Skip,
        &config,
    )
    .unwrap();
    empty.proposer_signature_aggregate = primitives::types::SignatureBytes::infinity();
    assert!(
        apply_shard_transition(
            &mut state(2, &config),
            shard,
            &empty,
            &mut VerifySignatures::Skip,
            &config,
        )
        .is_err()
    );
}

/// An on-time attestation at slot 2 of committee 0 by the committee members `voters`, for
/// `transition`, recorded as pending in `state` as `process_attestation` would.
fn attest(
    state: &mut BeaconState<E>,
    transition: &ShardTransition<E>,
    voters: usize,
    config: &ChainConfig,
) -> Attestation<E> {
    let committee = get_beacon_committee(state, 2, 0, config).unwrap();
    let mut bits = BitList::with_capacity(committee.len()).unwrap();
    for i in 0..voters {
        bits.set(i, true).unwrap();
    }
    let data = AttestationData {
        slot: 2,
        index: 0,
        shard: compute_shard_from_committee_index(state, 0, 2, config).unwrap(),
        shard_head_root: transition.shard_states.last().unwrap().latest_block_root,
        shard_transition_root: transition.tree_hash_root(),
        ..Default::default()
    };
    let pending = PendingAttestation {
        aggregation_bits: bits.clone(),
        data: data.clone(),
        inclusion_delay: 1,
        proposer_index: 0,
        crosslink_success: false,
    };
    state.current_epoch_attestations.push(pending).unwrap();
    Attestation {
        aggregation_bits: bits,
        data,
        signature: Default::default(),
    }
}

#[test]
fn process_shard_transitions_crosslinks_with_two_thirds_only() {
    let config = config();
    let mut pre = state(3, &config);
    let shard = compute_shard_from_committee_index(&pre, 0, 2, &config).unwrap();
    let (_, transition) = blocks_and_transition(shard, &config);
    let mut transitions = vec![ShardTransition::<E>::default(); config.max_shards as usize];
    transitions[shard as usize] = transition.clone();
    // Committees of 64 / 8 slots / 2 committees = 4: 3 voters pass 2/3, 2 do not.
    assert_eq!(get_beacon_committee(&pre, 2, 0, &config).unwrap().len(), 4);

    let attestation = attest(&mut pre, &transition, 3, &config);
    let mut post = pre.clone();
    process_shard_transitions(
        &mut post,
        &transitions,
        &[attestation],
        &mut CommitteeCaches::new(),
        &mut VerifySignatures::Individually,
        &config,
    )
    .unwrap();
    assert_eq!(
        post.shard_states[shard as usize],
        ShardState {
            slot: 2,
            ..transition.shard_states[1].clone()
        }
    );
    assert!(post.current_epoch_attestations[0].crosslink_success);
    let proposer = get_beacon_proposer_index(&pre, &config).unwrap() as usize;
    assert!(post.balances[proposer] > pre.balances[proposer]);

    let mut pre = state(3, &config);
    let attestation = attest(&mut pre, &transition, 2, &config);
    let mut refused = pre.clone();
    let error = process_shard_transitions(
        &mut refused,
        &transitions,
        std::slice::from_ref(&attestation),
        &mut CommitteeCaches::new(),
        &mut VerifySignatures::Individually,
        &config,
    )
    .unwrap_err();
    assert_eq!(
        error,
        OperationError::Invalid(ShardTransitionsInvalid::TransitionWithoutWinner { shard })
    );
    assert_eq!(refused, pre);

    // Without a winner the transitions must all be empty, and then nothing changes.
    let empty = vec![ShardTransition::<E>::default(); config.max_shards as usize];
    process_shard_transitions(
        &mut refused,
        &empty,
        &[attestation],
        &mut CommitteeCaches::new(),
        &mut VerifySignatures::Individually,
        &config,
    )
    .unwrap();
    assert_eq!(refused, pre);

    // A transition for an active shard not crosslinked at the previous slot is refused by the
    // empty check; the spec leaves the inactive shards' entries unchecked.
    let other = compute_shard_from_committee_index(&pre, 1, 2, &config).unwrap();
    assert_ne!(other, shard);
    let mut stray = empty.clone();
    stray[other as usize] = transition.clone();
    assert!(!verify_empty_shard_transition(&pre, &stray, &config).unwrap());
    let mut inactive = empty.clone();
    inactive[config.initial_active_shards as usize] = transition;
    assert!(verify_empty_shard_transition(&pre, &inactive, &config).unwrap());
}

#[test]
fn light_client_aggregate_rewards_signers_after_checking_them() {
    let config = config();
    let pre = state(3, &config);
    let committee = get_light_client_committee(&pre, 0, &config).unwrap();
    let signers = &committee[..3];
    let previous_block_root = get_block_root_at_slot(&pre, 2).unwrap();
    let domain = get_domain(&pre, config.domain_light_client, Some(0), &config).unwrap();
    let message = compute_signing_root(&previous_block_root, domain);
    let signatures: Vec<_> = signers.iter().map(|i| key(*i).sign(message)).collect();
    let refs: Vec<_> = signatures.iter().collect();
    let mut body = BeaconBlockBody::<E>::default();
    for i in 0..3 {
        body.light_client_bits.set(i, true).unwrap();
    }
    body.light_client_signature = AggregateSignature::aggregate(&refs)
        .unwrap()
        .to_signature()
        .to_bytes();

    let mut batch = SignatureBatch::new();
    let mut post = pre.clone();
    process_light_client_aggregate(
        &mut post,
        &body,
        &mut VerifySignatures::Batch(&mut batch),
        &config,
    )
    .unwrap();
    assert!(batch.verify());
    for signer in signers {
        assert!(post.balances[*signer as usize] > pre.balances[*signer as usize]);
    }
    let proposer = get_beacon_proposer_index(&pre, &config).unwrap();
    if !signers.contains(&proposer) {
        assert!(post.balances[proposer as usize] > pre.balances[proposer as usize]);
    }

    // One signer too many: refused, nothing rewarded.
    body.light_client_bits.set(3, true).unwrap();
    let mut refused = pre.clone();
    assert!(
        process_light_client_aggregate(
            &mut refused,
            &body,
            &mut VerifySignatures::Individually,
            &config,
        )
        .is_err()
    );
    assert_eq!(refused, pre);

    // No signer: the stub signature, and no reward.
    let mut unsigned = pre.clone();
    process_light_client_aggregate(
        &mut unsigned,
        &BeaconBlockBody::<E>::default(),
        &mut VerifySignatures::Individually,
        &config,
    )
    .unwrap();
    assert_eq!(unsigned, pre);
}
