//! RANDAO reveals and block signatures made with the duty helpers pass the chain's
//! signature sets; eth1 votes follow the spec's choice.

use primitives::types::{
    BeaconBlock, BeaconState, Bytes32, Eth1Block, Eth1Data, Root, SignedBeaconBlock,
};

use super::fixtures::{E, at, config, genesis, keys};
use crate::duties::*;
use crate::signatures::{block_proposal_signature_set, randao_signature_set};

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
    for vote in [data(8), data(6), data(7), data(6), data(8), data(7)] {
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
