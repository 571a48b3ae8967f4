//! A signed attestation built with the duty helpers passes `process_attestation`, and its
//! aggregate and `AggregateAndProof` are signed as the spec says.

use primitives::signing::compute_signing_root;
use primitives::types::{Root, ShardBlock, ShardTransition, SignedShardBlock};
use ssz_types::VariableList;
use tree_hash::TreeHash;

use super::fixtures::{E, VALIDATORS, at, config, genesis, keys, verifies};
use crate::accessors::{CommitteeCaches, get_block_root_at_slot, get_domain};
use crate::duties::*;
use crate::per_block::process_attestation;
use crate::shard_transition::verify_shard_block_signature;
use crate::signatures::VerifySignatures;

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
