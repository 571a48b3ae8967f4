//! Aggregator selection against the spec's formula, and the light client committee's signed
//! messages.

use ethereum_hashing::hash;
use primitives::bls::{PublicKey, Signature};
use primitives::signing::compute_signing_root;
use primitives::types::{LightClientVote, Root, SignatureBytes};

use super::fixtures::{E, VALIDATORS, at, config, genesis, keys, public, verifies};
use crate::accessors::{get_beacon_committee, get_domain, get_light_client_committee};
use crate::duties::*;

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
            let committee_length = get_beacon_committee(&state, slot, 0, &config)
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
    // The spec divides by the target: a zero target is an error, not everyone.
    let proof = SignatureBytes::infinity();
    assert!(is_aggregator_in_committee_of(64, &proof, 0).is_err());
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
            let mut vote = LightClientVote::<E> {
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
