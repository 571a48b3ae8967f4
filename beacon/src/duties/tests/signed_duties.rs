//! Messages signed with the duty helpers pass the chain's own checks: attestations through
//! `process_attestation`, RANDAO reveals, blocks and shard blocks through their signature
//! sets; selection proofs follow the spec's formula.

use ethereum_hashing::hash;
use primitives::bls::{PublicKey, SecretKey, Signature, interop_secret_key};
use primitives::signing::compute_signing_root;
use primitives::types::{
    BeaconBlock, BeaconState, Bytes32, Eth1Block, Eth1Data, Root, ShardBlock, ShardState,
    ShardTransition, SignatureBytes, SignedBeaconBlock, SignedShardBlock, Slot, Validator,
};
use primitives::{ChainConfig, MinimalEthSpec, PresetName};
use ssz_types::VariableList;
use tree_hash::TreeHash;

use crate::FAR_FUTURE_EPOCH;
use crate::accessors::{
    CommitteeCaches, get_block_root_at_slot, get_domain, get_light_client_committee,
};
use crate::duties::*;
use crate::per_block::process_attestation;
use crate::shard_transition::verify_shard_block_signature;
use crate::signatures::{VerifySignatures, block_proposal_signature_set, randao_signature_set};

type E = MinimalEthSpec;

const VALIDATORS: u64 = 64;

fn config() -> ChainConfig {
    ChainConfig::preset(PresetName::Minimal)
}

fn keys() -> Vec<SecretKey> {
    (0..VALIDATORS)
        .map(|i| interop_secret_key(i).unwrap())
        .collect()
}

/// 64 active validators with interop keys at slot 0, every shard last crosslinked at 0.
fn genesis(keys: &[SecretKey], config: &ChainConfig) -> BeaconState<E> {
    let mut state = BeaconState::<E> {
        genesis_validators_root: Root::repeat_byte(0x42),
        ..Default::default()
    };
    for key in keys {
        let validator = Validator {
            pubkey: key.public_key().to_bytes(),
            effective_balance: config.max_effective_balance,
            exit_epoch: FAR_FUTURE_EPOCH,
            withdrawable_epoch: FAR_FUTURE_EPOCH,
            ..Default::default()
        };
        state.validators.push(validator).unwrap();
        state.balances.push(config.max_effective_balance).unwrap();
        state.online_countdown.push(1).unwrap();
    }
    for _ in 0..config.max_shards {
        let shard_state = ShardState {
            gasprice: config.min_gasprice,
            ..Default::default()
        };
        state.shard_states.push(shard_state).unwrap();
    }
    for (i, mix) in state.randao_mixes.iter_mut().enumerate() {
        *mix = Bytes32::repeat_byte(i as u8 ^ 0x33);
    }
    for (i, root) in state.block_roots.iter_mut().enumerate() {
        *root = Root::repeat_byte(i as u8 + 1);
    }
    state
}

fn at(state: &BeaconState<E>, slot: Slot) -> BeaconState<E> {
    BeaconState {
        slot,
        ..state.clone()
    }
}

fn public(key: &SecretKey) -> PublicKey {
    key.public_key()
}

fn verifies(signature: &SignatureBytes, key: &SecretKey, root: Root) -> bool {
    Signature::from_bytes(signature)
        .unwrap()
        .verify(&public(key), root)
}

#[test]
fn a_signed_aggregate_attestation_passes_process_attestation() {
    let config = config();
    let keys = keys();
    let base = genesis(&keys, &config);
    let head_state = at(&base, 2);
    let inclusion = at(&base, 3);
    let duties = EpochDuties::new(&head_state, 0, &config).unwrap();
    let committee = duties
        .committees()
        .get_beacon_committee(2, 0)
        .unwrap()
        .to_vec();
    let duty = *duties.attester_duty(committee[0]).unwrap();
    assert_eq!((duty.slot, duty.committee_index), (2, 0));

    // The shard proposer of slot 1 signs its block with the helper; the chain accepts it.
    let shard = duty.shard;
    let proposer = duties.shard_proposer(1, shard).unwrap();
    let message = ShardBlock {
        shard_parent_root: Root::ZERO,
        beacon_parent_root: get_block_root_at_slot(&head_state, 1).unwrap(),
        slot: 1,
        shard,
        proposer_index: proposer,
        body: VariableList::new(vec![7; 100]).unwrap(),
    };
    let signature =
        sign_shard_block(&head_state, &message, &keys[proposer as usize], &config).unwrap();
    let shard_block = SignedShardBlock { message, signature };
    verify_shard_block_signature(
        &head_state,
        &shard_block,
        &mut VerifySignatures::Individually,
        &config,
    )
    .unwrap();

    // The head block of slot 2 is the root the inclusion state keeps for it.
    let head_block_root = base.block_roots[2];
    let shard_head_root = shard_block.message.tree_hash_root();
    let vote = get_attestation_data(
        &head_state,
        head_block_root,
        0,
        shard_head_root,
        std::slice::from_ref(&shard_block),
        &config,
    )
    .unwrap();
    assert_eq!(vote.data.shard, shard);
    assert_eq!(vote.data.shard_head_root, shard_head_root);
    assert_eq!(vote.data.target.root, base.block_roots[0]);
    assert_eq!(vote.shard_transition.start_slot, 1);
    assert_eq!(vote.shard_transition.shard_data_roots.len(), 2);
    assert_eq!(
        vote.data.shard_transition_root,
        vote.shard_transition.tree_hash_root()
    );
    assert_ne!(
        vote.data.shard_transition_root,
        ShardTransition::<E>::default().tree_hash_root()
    );

    let to_sign = attestation_signing_root(&head_state, &vote.data, &config).unwrap();
    let domain = get_domain(&head_state, config.domain_beacon_attester, Some(0), &config);
    assert_eq!(Ok(to_sign.domain), domain);
    let singles: Vec<_> = committee
        .iter()
        .map(|member| {
            let signature =
                sign_attestation(&head_state, &vote.data, &keys[*member as usize], &config)
                    .unwrap();
            assert!(verifies(
                &signature,
                &keys[*member as usize],
                to_sign.signing_root
            ));
            get_unaggregated_attestation::<E>(vote.data.clone(), &committee, *member, signature)
                .unwrap()
        })
        .collect();

    // One member's own attestation is accepted.
    let mut post = inclusion.clone();
    process_attestation(
        &mut post,
        &singles[1],
        &mut CommitteeCaches::new(),
        &mut VerifySignatures::Individually,
        &config,
    )
    .unwrap();
    assert_eq!(post.current_epoch_attestations.len(), 1);

    // So is the aggregate of all of them.
    let mut aggregate = singles[0].clone();
    for single in &singles[1..] {
        for (i, bit) in single.aggregation_bits.iter().enumerate() {
            if bit {
                aggregate.aggregation_bits.set(i, true).unwrap();
            }
        }
    }
    aggregate.signature = get_aggregate_signature(&singles).unwrap();
    let mut post = inclusion.clone();
    process_attestation(
        &mut post,
        &aggregate,
        &mut CommitteeCaches::new(),
        &mut VerifySignatures::Individually,
        &config,
    )
    .unwrap();
    let pending = &post.current_epoch_attestations[0];
    assert_eq!(pending.aggregation_bits.num_set_bits(), committee.len());
    assert_eq!(pending.data, vote.data);

    // A signature by a validator outside the committee is refused.
    let outsider = (0..VALIDATORS).find(|i| !committee.contains(i)).unwrap();
    let mut forged = singles[0].clone();
    forged.signature =
        sign_attestation(&head_state, &vote.data, &keys[outsider as usize], &config).unwrap();
    let mut refused = inclusion.clone();
    assert!(
        process_attestation(
            &mut refused,
            &forged,
            &mut CommitteeCaches::new(),
            &mut VerifySignatures::Individually,
            &config,
        )
        .is_err()
    );
    assert_eq!(refused, inclusion);
    assert_eq!(
        get_unaggregated_attestation::<E>(
            vote.data.clone(),
            &committee,
            outsider,
            forged.signature
        )
        .unwrap_err(),
        DutyError::NotInCommittee {
            validator_index: outsider
        }
    );
    assert_eq!(
        get_aggregate_signature::<E>(&[]),
        Err(DutyError::NothingToAggregate)
    );

    // The aggregator's selection proof and signed AggregateAndProof, as the spec builds them.
    let aggregator = committee[0];
    let key = &keys[aggregator as usize];
    let selection_proof = sign_slot(&head_state, 2, key, &config).unwrap();
    let selection_domain =
        get_domain(&head_state, config.domain_selection_proof, Some(0), &config).unwrap();
    assert!(verifies(
        &selection_proof,
        key,
        compute_signing_root(&2u64, selection_domain)
    ));
    // A committee of 4 under a target of 16 aggregators: everyone aggregates.
    assert!(is_aggregator(&head_state, 2, 0, &selection_proof, &config).unwrap());
    let aggregate_and_proof = get_aggregate_and_proof(aggregator, aggregate, selection_proof);
    let signature =
        sign_aggregate_and_proof(&head_state, &aggregate_and_proof, key, &config).unwrap();
    let domain = get_domain(
        &head_state,
        config.domain_aggregate_and_proof,
        Some(0),
        &config,
    )
    .unwrap();
    assert!(verifies(
        &signature,
        key,
        compute_signing_root(&aggregate_and_proof, domain)
    ));
}

#[test]
fn proposer_signatures_pass_the_block_signature_sets() {
    let config = config();
    let keys = keys();
    let state = at(&genesis(&keys, &config), 11);
    let duties = EpochDuties::new(&state, 1, &config).unwrap();
    let proposer = duties.beacon_proposer(11).unwrap();
    assert!(is_proposer(&state, proposer, &config).unwrap());
    let key = &keys[proposer as usize];

    let reveal = sign_epoch(&state, 11, key, &config).unwrap();
    assert!(
        randao_signature_set(&state, proposer, &reveal, &config)
            .unwrap()
            .verify()
    );
    let wrong_epoch = sign_epoch(&state, 3, key, &config).unwrap();
    assert!(
        !randao_signature_set(&state, proposer, &wrong_epoch, &config)
            .unwrap()
            .verify()
    );

    let message = BeaconBlock::<E> {
        slot: 11,
        proposer_index: proposer,
        ..Default::default()
    };
    let signature = sign_block(&state, &message, key, &config).unwrap();
    let signed = SignedBeaconBlock { message, signature };
    assert!(
        block_proposal_signature_set(&state, &signed, &config)
            .unwrap()
            .verify()
    );
}

/// The spec's `bytes_to_uint64(hash(slot_signature)[0:8]) % modulo == 0`.
fn spec_selection(signature: &SignatureBytes, committee_length: u64, target: u64) -> bool {
    let digest = hash(signature.as_bytes());
    let value = u64::from_le_bytes(digest[..8].try_into().unwrap());
    value % std::cmp::max(1, committee_length / target) == 0
}

#[test]
fn aggregator_selection_follows_the_spec_formula() {
    let config = config();
    let keys = keys();
    let state = at(&genesis(&keys, &config), 5);
    let light_client = get_light_client_committee(&state, 0, &config).unwrap();
    assert_eq!(light_client.len(), 32);
    let mut selected = [0usize; 3];
    let mut light_selected = 0;
    for slot in 0..8 {
        for (validator, key) in keys.iter().enumerate().take(16) {
            let proof = sign_slot(&state, slot, key, &config).unwrap();
            for (n, length) in [4usize, 64, 160].into_iter().enumerate() {
                let expected = spec_selection(&proof, length as u64, 16);
                assert_eq!(
                    is_aggregator_in_committee_of(length, &proof, 16),
                    Ok(expected),
                    "slot {slot} validator {validator} length {length}"
                );
                selected[n] += usize::from(expected);
            }
            let committee_length = crate::accessors::get_beacon_committee(&state, slot, 0, &config)
                .unwrap()
                .len() as u64;
            assert_eq!(
                is_aggregator(&state, slot, 0, &proof, &config),
                Ok(spec_selection(&proof, committee_length, 16))
            );

            let light_proof = sign_light_client_slot(&state, slot, key, &config).unwrap();
            assert_ne!(light_proof, proof);
            let expected = spec_selection(&light_proof, 32, 8);
            assert_eq!(
                is_light_client_aggregator(&state, slot, &light_proof, &config),
                Ok(expected)
            );
            light_selected += usize::from(expected);
        }
    }
    // 128 proofs: everyone under modulo 1, about a quarter under 4, a tenth under 10.
    assert_eq!(selected[0], 128);
    assert!((10..70).contains(&selected[1]), "{selected:?}");
    assert!((2..40).contains(&selected[2]), "{selected:?}");
    assert!((10..70).contains(&light_selected), "{light_selected}");
}

#[test]
fn light_client_votes_sign_the_vote_data() {
    let config = config();
    let keys = keys();
    let state = at(&genesis(&keys, &config), 5);
    let committee = get_light_client_committee(&state, 0, &config).unwrap();
    let data = get_light_client_vote_data(5, Root::repeat_byte(9));
    let domain = get_domain(&state, config.domain_light_client, Some(0), &config).unwrap();
    let root = compute_signing_root(&data, domain);
    assert_eq!(
        light_client_vote_signing_root(&state, &data, &config).unwrap(),
        SigningRoot {
            domain,
            signing_root: root
        }
    );
    let votes: Vec<_> = committee[..3]
        .iter()
        .enumerate()
        .map(|(position, member)| {
            let mut vote = primitives::types::LightClientVote::<E> {
                data: data.clone(),
                ..Default::default()
            };
            vote.aggregation_bits.set(position, true).unwrap();
            vote.signature =
                sign_light_client_vote(&state, &data, &keys[*member as usize], &config).unwrap();
            vote
        })
        .collect();
    let aggregate = get_aggregate_light_client_signature(&votes).unwrap();
    let signers: Vec<PublicKey> = committee[..3]
        .iter()
        .map(|m| public(&keys[*m as usize]))
        .collect();
    let refs: Vec<&PublicKey> = signers.iter().collect();
    assert!(
        Signature::from_bytes(&aggregate)
            .unwrap()
            .fast_aggregate_verify(&refs, root)
    );

    let aggregator = committee[0];
    let key = &keys[aggregator as usize];
    let proof = sign_light_client_slot(&state, 5, key, &config).unwrap();
    let proof_domain = get_domain(
        &state,
        config.domain_light_selection_proof,
        Some(0),
        &config,
    )
    .unwrap();
    assert!(verifies(
        &proof,
        key,
        compute_signing_root(&5u64, proof_domain)
    ));
    let mut aggregate_vote = votes[0].clone();
    aggregate_vote.signature = aggregate;
    let message = get_light_aggregate_and_proof(aggregator, aggregate_vote, proof);
    let signature = sign_light_aggregate_and_proof(&state, &message, key, &config).unwrap();
    let domain = get_domain(
        &state,
        config.domain_light_aggregate_and_proof,
        Some(0),
        &config,
    )
    .unwrap();
    assert!(verifies(
        &signature,
        key,
        compute_signing_root(&message, domain)
    ));

    // Epoch 0 with a period of 256: the next period's committee is drawn from epoch 0 too.
    let next: Vec<_> = (0..VALIDATORS)
        .filter(|i| is_in_next_light_client_committee(&state, *i, &config).unwrap())
        .collect();
    let mut expected = get_light_client_committee(&state, 256, &config).unwrap();
    expected.sort_unstable();
    assert_eq!(next, expected);
}

#[test]
fn eth1_vote_prefers_the_most_cast_candidate() {
    let config = config();
    let data = |count: u64| Eth1Data {
        deposit_root: Root::repeat_byte(count as u8),
        deposit_count: count,
        block_hash: Bytes32::repeat_byte(0x10 + count as u8),
    };
    let mut state = BeaconState::<E> {
        eth1_data: data(5),
        genesis_time: 1_000,
        slot: 70,
        ..Default::default()
    };
    let candidates = [data(4), data(5), data(6), data(7)];
    assert_eq!(get_eth1_vote(&state, &candidates), data(7));
    assert_eq!(get_eth1_vote(&state, &[]), data(5));
    assert_eq!(get_eth1_vote(&state, &[data(4)]), data(5));
    // 6 and 7 tie at two votes each; 6 was cast first. 8 is no candidate.
    for vote in [
        data(8),
        data(6),
        data(7),
        data(8),
        data(8),
        data(7),
        data(6),
    ] {
        state.eth1_data_votes.push(vote).unwrap();
    }
    assert_eq!(get_eth1_vote(&state, &candidates), data(6));
    state.eth1_data_votes.push(data(7)).unwrap();
    assert_eq!(get_eth1_vote(&state, &candidates), data(7));
    // Votes for a deposit count below the state's are ignored however many.
    state.eth1_data_votes = Default::default();
    for _ in 0..3 {
        state.eth1_data_votes.push(data(4)).unwrap();
    }
    state.eth1_data_votes.push(data(6)).unwrap();
    assert_eq!(get_eth1_vote(&state, &candidates), data(6));

    // Minimal: 6 s slots, voting periods of 4 * 8 = 32 slots.
    let seconds_per_slot = config.seconds_per_slot.as_millis() / 1000;
    assert_eq!(
        compute_time_at_slot(&state, 3, &config),
        Ok(1_000 + 3 * seconds_per_slot)
    );
    let period_start = voting_period_start_time(&state, &config).unwrap();
    let period_slots = config.epochs_per_eth1_voting_period * config.slots_per_epoch;
    assert_eq!(
        period_start,
        1_000 + (70 - 70 % period_slots) * seconds_per_slot
    );
    let distance = config.seconds_per_eth1_block * config.eth1_follow_distance;
    let block = |timestamp: u64| Eth1Block {
        timestamp,
        ..Default::default()
    };
    let now = 1_000_000;
    assert!(is_candidate_block(&block(now - distance), now, &config));
    assert!(is_candidate_block(&block(now - 2 * distance), now, &config));
    assert!(!is_candidate_block(
        &block(now - distance + 1),
        now,
        &config
    ));
    assert!(!is_candidate_block(
        &block(now - 2 * distance - 1),
        now,
        &config
    ));
}
