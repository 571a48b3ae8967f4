//! `EpochDuties` and `get_committee_assignment` agree with the spec's accessors, one validator,
//! one slot and one shard at a time.

use primitives::types::{BeaconState, CommitteeIndex, Slot, ValidatorIndex};
use primitives::{ChainConfig, MinimalEthSpec, PresetName};

use crate::accessors::committees::tests::state_with;
use crate::accessors::{
    compute_shard_from_committee_index, get_beacon_committee, get_beacon_proposer_index,
    get_committee_count_per_slot, get_light_client_committee, get_shard_committee,
    get_shard_proposer_index,
};
use crate::duties::*;

type State = BeaconState<MinimalEthSpec>;

/// Minimal, with committee periods of one epoch so that shard and light client committees
/// are drawn from the epoch before, whose active set differs.
fn config() -> ChainConfig {
    let mut config = ChainConfig::preset(PresetName::Minimal);
    config.shard_committee_period = 1;
    config.light_client_committee_period = 1;
    config
}

/// 200 validators at slot 19 (epoch 2): 10 activate at epoch 3, validator 5 exits at 3 and
/// validator 7 left at 1.
fn state() -> State {
    let mut state = state_with(200);
    for v in state.validators.iter_mut().skip(190) {
        v.activation_epoch = 3;
    }
    state.validators[5].exit_epoch = 3;
    state.validators[7].exit_epoch = 1;
    state.current_epoch_start_shard = 1;
    state
}

/// The spec's `get_committee_assignment` loop over committees computed one at a time with
/// `get_beacon_committee`.
fn spec_assignments(
    state: &State,
    epoch: u64,
    config: &ChainConfig,
) -> Vec<(Slot, CommitteeIndex, Vec<ValidatorIndex>)> {
    let count = get_committee_count_per_slot(state, epoch, config).unwrap();
    let start = epoch * config.slots_per_epoch;
    let mut committees = Vec::new();
    for slot in start..start + config.slots_per_epoch {
        for index in 0..count {
            let committee = get_beacon_committee(state, slot, index, config).unwrap();
            committees.push((slot, index, committee));
        }
    }
    committees
}

#[test]
fn epoch_duties_agree_with_the_spec_functions() {
    let config = config();
    let state = state();
    for epoch in [2, 3] {
        let duties = EpochDuties::new(&state, epoch, &config).unwrap();
        let committees = spec_assignments(&state, epoch, &config);
        let per_slot = get_committee_count_per_slot(&state, epoch, &config).unwrap();
        let mut attesters = 0;
        for validator in 0..200 {
            let spec = committees
                .iter()
                .find(|(_, _, committee)| committee.contains(&validator));
            let from_duties = duties.committee_assignment(validator).unwrap();
            assert_eq!(
                get_committee_assignment(&state, epoch, validator, &config).unwrap(),
                from_duties,
                "validator {validator} epoch {epoch}"
            );
            let Some((slot, index, committee)) = spec else {
                assert_eq!(from_duties, None, "validator {validator} epoch {epoch}");
                assert_eq!(duties.attester_duty(validator), None);
                continue;
            };
            attesters += 1;
            let expected = CommitteeAssignment {
                committee: committee.clone(),
                committee_index: *index,
                slot: *slot,
            };
            assert_eq!(from_duties, Some(expected));
            let duty = duties.attester_duty(validator).unwrap();
            assert_eq!(
                committee[duty.committee_position], validator,
                "validator {validator}"
            );
            assert_eq!(duty.committee_length, committee.len());
            assert_eq!(duty.committees_at_slot, per_slot);
            assert_eq!(
                duty.shard,
                compute_shard_from_committee_index(&state, *index, *slot, &config).unwrap()
            );
        }
        // Epoch 2: all but 7 and the 10 not yet active; epoch 3: all but 5 and 7.
        assert_eq!(attesters, if epoch == 2 { 189 } else { 198 });
        assert_eq!(duties.attester_duties().count(), attesters);

        let start = epoch * config.slots_per_epoch;
        for slot in start..start + config.slots_per_epoch {
            for shard in 0..config.initial_active_shards {
                assert_eq!(
                    duties.shard_proposer(slot, shard),
                    Some(get_shard_proposer_index(&state, slot, shard, &config).unwrap()),
                    "slot {slot} shard {shard}"
                );
            }
            assert_eq!(
                duties.shard_proposer(slot, config.initial_active_shards),
                None
            );
        }
        for shard in 0..config.initial_active_shards {
            assert_eq!(
                duties.shard_committee(shard).unwrap(),
                get_shard_committee(&state, epoch, shard, &config).unwrap()
            );
        }
        assert_eq!(
            duties.shard_proposer(start + config.slots_per_epoch, 0),
            None
        );
        assert_eq!(duties.shard_proposer(start.wrapping_sub(1), 0), None);
        let light_client = get_light_client_committee(&state, epoch, &config).unwrap();
        assert!(!light_client.is_empty());
        assert_eq!(duties.light_client_committee(), light_client);
        assert_eq!(duties.light_client_position(light_client[3]), Some(3));
    }
}

#[test]
fn beacon_proposers_are_known_for_the_current_epoch_only() {
    let config = config();
    let state = state();
    let duties = EpochDuties::new(&state, 2, &config).unwrap();
    let proposers = duties.beacon_proposers().unwrap();
    assert_eq!(proposers.len(), 8);
    for slot in 16..24 {
        let mut at_slot = state.clone();
        at_slot.slot = slot;
        let spec = get_beacon_proposer_index(&at_slot, &config).unwrap();
        assert_eq!(duties.beacon_proposer(slot), Some(spec), "slot {slot}");
        assert_eq!(
            get_beacon_proposer_index_at_slot(&state, slot, &config),
            Ok(spec)
        );
        assert!(is_proposer(&at_slot, spec, &config).unwrap());
        assert!(!is_proposer(&at_slot, (spec + 1) % 200, &config).unwrap());
    }
    assert_eq!(duties.beacon_proposer(24), None);
    assert_eq!(
        get_beacon_proposer_index_at_slot(&state, 24, &config),
        Err(DutyError::SlotNotInCurrentEpoch {
            slot: 24,
            current: 2
        })
    );
    let next = EpochDuties::new(&state, 3, &config).unwrap();
    assert_eq!(next.beacon_proposers(), None);
    assert_eq!(next.beacon_proposer(24), None);
}

#[test]
fn assignments_look_one_epoch_ahead_at_most() {
    let config = config();
    let state = state();
    let too_far = DutyError::EpochTooFarAhead {
        epoch: 4,
        next_epoch: 3,
    };
    assert_eq!(EpochDuties::new(&state, 4, &config), Err(too_far.clone()));
    assert_eq!(
        get_committee_assignment(&state, 4, 0, &config),
        Err(too_far)
    );
    // A validator outside the registry has no duty rather than an error.
    let duties = EpochDuties::new(&state, 2, &config).unwrap();
    assert_eq!(duties.attester_duty(10_000), None);
    assert_eq!(duties.committee_assignment(10_000), Ok(None));
}

#[test]
fn subnets_follow_the_spec_formula() {
    let config = config();
    // (committees_per_slot * (slot % SLOTS_PER_EPOCH) + index) % ATTESTATION_SUBNET_COUNT.
    assert_eq!(compute_subnet_for_attestation(2, 19, 1, &config), Ok(7));
    assert_eq!(
        compute_subnet_for_attestation(64, 23, 5, &config),
        Ok((64 * 7 + 5) % 64)
    );
    assert_eq!(compute_subnet_for_attestation(10, 7, 9, &config), Ok(15));
    assert!(compute_subnet_for_attestation(u64::MAX, 7, 0, &config).is_err());
    let mut zero = config.clone();
    zero.slots_per_epoch = 0;
    assert!(compute_subnet_for_attestation(1, 7, 0, &zero).is_err());
}
