//! Tests of the attestation steps: the one-pass participation against the spec's forms, the
//! inclusion delay's choice among equal delays, and justification.

use std::collections::BTreeSet;

use primitives::types::{BeaconState, Checkpoint, PendingAttestation, Root};
use primitives::{ChainConfig, MinimalEthSpec, PresetName};
use ssz_types::BitList;

use super::*;
use crate::accessors::committees::tests::state_with;
use crate::accessors::{
    CommitteeCache, get_attesting_indices, get_base_reward, get_block_root,
    get_total_active_balance,
};

type State = BeaconState<MinimalEthSpec>;

fn config() -> ChainConfig {
    ChainConfig::preset(PresetName::Minimal)
}

/// 100 validators at slot 19 (epoch 2), with distinct block roots and a few slashed.
fn state() -> State {
    let mut state = state_with(100);
    for (i, root) in state.block_roots.iter_mut().enumerate() {
        *root = Root::repeat_byte(i as u8 + 1);
    }
    for i in [3, 40, 77] {
        state.validators[i].slashed = true;
        state.validators[i].withdrawable_epoch = 10;
    }
    state
}

/// An attestation of committee `index` of `slot` signed by the members whose position `keep`
/// accepts.
fn attestation(
    state: &State,
    slot: u64,
    index: u64,
    keep: impl Fn(usize) -> bool,
) -> PendingAttestation<MinimalEthSpec> {
    let config = config();
    let epoch = slot / config.slots_per_epoch;
    let cache = CommitteeCache::new(state, epoch, &config).unwrap();
    let committee = cache.get_beacon_committee(slot, index).unwrap();
    let mut bits = BitList::with_capacity(committee.len()).unwrap();
    for i in (0..committee.len()).filter(|i| keep(*i)) {
        bits.set(i, true).unwrap();
    }
    let mut pending = PendingAttestation {
        aggregation_bits: bits,
        data: Default::default(),
        inclusion_delay: 1,
        proposer_index: slot,
        crosslink_success: false,
    };
    pending.data.slot = slot;
    pending.data.index = index;
    pending.data.target.epoch = epoch;
    pending.data.target.root = get_block_root(state, epoch, &config).unwrap();
    pending.data.beacon_block_root = state.block_roots[slot as usize];
    pending
}

/// Previous-epoch attestations with every kind of vote, some validators in several.
fn with_mixed_votes(mut state: State) -> State {
    let start = (state.slot / 8 - 1) * 8;
    for slot in start..start + 8 {
        for index in 0..2 {
            let mut a = attestation(&state, slot, index, |i| {
                !(i + slot as usize).is_multiple_of(3)
            });
            a.inclusion_delay = 1 + slot % 3;
            match slot % 4 {
                0 => a.data.beacon_block_root = Root::repeat_byte(0xee),
                1 => a.data.target.root = Root::repeat_byte(0xdd),
                _ => {}
            }
            state.previous_epoch_attestations.push(a).unwrap();
            // A later copy signed by others too, included sooner.
            let mut b = attestation(&state, slot, index, |i| i.is_multiple_of(2));
            b.inclusion_delay = 1 + (slot + 1) % 3;
            b.proposer_index = 50 + slot;
            state.previous_epoch_attestations.push(b).unwrap();
        }
    }
    state
}

#[test]
fn one_pass_agrees_with_the_spec_forms() {
    let config = config();
    // Finality delays of 0 and 1 at epoch 2, then of 5 (a leak) at epoch 6.
    for (slot, finalized) in [(19, 1), (19, 0), (51, 0)] {
        let mut fresh = state();
        fresh.slot = slot;
        let mut state = with_mixed_votes(fresh);
        state.finalized_checkpoint.epoch = finalized;
        let previous = slot / 8 - 1;
        let participation = PreviousEpochParticipation::new(&state, &config).unwrap();
        let basis = RewardBasis::new(&state, &config).unwrap();
        assert_eq!(basis.is_in_inactivity_leak(), slot == 51);
        let source = get_matching_source_attestations(&state, previous, &config).unwrap();
        let target = get_matching_target_attestations(&state, previous, &config).unwrap();
        let head = get_matching_head_attestations(&state, previous, &config).unwrap();
        assert!(head.len() < target.len() && target.len() < source.len());
        assert_eq!(
            get_source_deltas(&basis, &participation, &config).unwrap(),
            get_attestation_component_deltas(&state, source.iter(), &config).unwrap()
        );
        assert_eq!(
            get_target_deltas(&basis, &participation, &config).unwrap(),
            get_attestation_component_deltas(&state, target.iter().copied(), &config).unwrap()
        );
        assert_eq!(
            get_head_deltas(&basis, &participation, &config).unwrap(),
            get_attestation_component_deltas(&state, head.iter().copied(), &config).unwrap()
        );
        assert_eq!(
            participation.target_attesting_balance(),
            get_attesting_balance(&state, target.iter().copied(), &config).unwrap()
        );
        assert_eq!(
            get_inclusion_delay_deltas(&state, &basis, &participation, &config).unwrap(),
            spec_inclusion_delay_deltas(&state, &config)
        );
        let inactivity = get_inactivity_penalty_deltas(&state, &basis, &participation, &config);
        assert_eq!(
            inactivity.unwrap().penalties.iter().any(|p| *p > 0),
            slot == 51
        );
    }
}

/// `get_inclusion_delay_deltas` as the spec writes it, scanning every attestation for every
/// attester.
fn spec_inclusion_delay_deltas(state: &State, config: &ChainConfig) -> Deltas {
    let total = get_total_active_balance(state, config).unwrap();
    let previous = state.slot / 8 - 1;
    let source = get_matching_source_attestations(state, previous, config).unwrap();
    let mut deltas = Deltas::zeroed(state.validators.len());
    for index in get_unslashed_attesting_indices(state, source.iter(), config).unwrap() {
        let attestation = source
            .iter()
            .filter(|a| {
                get_attesting_indices(state, &a.data, &a.aggregation_bits, config)
                    .unwrap()
                    .contains(&index)
            })
            .min_by_key(|a| a.inclusion_delay)
            .unwrap();
        let proposer_reward = get_proposer_reward(state, index, total, config).unwrap();
        deltas.rewards[attestation.proposer_index as usize] += proposer_reward;
        let base = get_base_reward(state, index, total, config).unwrap();
        deltas.rewards[index as usize] += (base - proposer_reward) / attestation.inclusion_delay;
    }
    deltas
}

#[test]
fn inclusion_goes_to_the_first_of_the_least_delays() {
    let config = config();
    let mut state = state();
    let everyone = |_| true;
    let mut first = attestation(&state, 9, 0, everyone);
    first.inclusion_delay = 2;
    first.proposer_index = 10;
    let mut second = attestation(&state, 9, 0, everyone);
    second.inclusion_delay = 2;
    second.proposer_index = 11;
    let mut late = attestation(&state, 9, 0, everyone);
    late.inclusion_delay = 3;
    late.proposer_index = 12;
    for a in [late, first, second] {
        state.previous_epoch_attestations.push(a).unwrap();
    }
    let participation = PreviousEpochParticipation::new(&state, &config).unwrap();
    let member = CommitteeCache::new(&state, 1, &config)
        .unwrap()
        .get_beacon_committee(9, 0)
        .unwrap()[0];
    assert_eq!(
        participation.inclusion(member as usize),
        Some(Inclusion {
            delay: 2,
            proposer_index: 10
        })
    );
    let basis = RewardBasis::new(&state, &config).unwrap();
    let deltas = get_inclusion_delay_deltas(&state, &basis, &participation, &config).unwrap();
    assert!(deltas.rewards[10] > 0);
    assert_eq!((deltas.rewards[11], deltas.rewards[12]), (0, 0));
    assert_eq!(deltas, spec_inclusion_delay_deltas(&state, &config));
}

#[test]
fn zero_inclusion_delay_fails_and_leaves_balances() {
    let config = config();
    let mut state = state();
    let mut a = attestation(&state, 9, 0, |_| true);
    a.inclusion_delay = 0;
    state.previous_epoch_attestations.push(a).unwrap();
    let before = state.clone();
    assert_eq!(
        process_rewards_and_penalties(&mut state, &config),
        Err(crate::BeaconStateError::ZeroInclusionDelay)
    );
    assert_eq!(state, before);
}

#[test]
fn full_participation_justifies_and_finalizes() {
    let config = config();
    let mut state = state();
    state.slot = 4 * config.slots_per_epoch - 1;
    for (i, root) in state.block_roots.iter_mut().enumerate() {
        *root = Root::repeat_byte(i as u8 + 1);
    }
    for slot in 16..state.slot {
        for index in 0..2 {
            let a = attestation(&state, slot, index, |_| true);
            if slot < 24 {
                state.previous_epoch_attestations.push(a).unwrap();
            } else {
                state.current_epoch_attestations.push(a).unwrap();
            }
        }
    }
    let checkpoint = |epoch: u64| Checkpoint {
        epoch,
        root: Root::repeat_byte(epoch as u8 + 0x40),
    };
    // Epochs 1 and 2 were justified, 2 with 1 as source.
    state.previous_justified_checkpoint = checkpoint(1);
    state.current_justified_checkpoint = checkpoint(2);
    state.justification_bits.set(0, true).unwrap();
    state.justification_bits.set(1, true).unwrap();
    process_justification_and_finalization(&mut state, &config).unwrap();
    assert_eq!(
        state.justification_bits.iter().collect::<Vec<_>>(),
        [true, true, true, false]
    );
    assert_eq!(state.previous_justified_checkpoint, checkpoint(2));
    // The second rule finalizes epoch 1, then the fourth (epochs 2 and 3, 3 with 2 as
    // source) epoch 2.
    assert_eq!(state.finalized_checkpoint, checkpoint(2));
    assert_eq!(state.current_justified_checkpoint.epoch, 3);
    assert_eq!(
        state.current_justified_checkpoint.root,
        get_block_root(&state, 3, &config).unwrap()
    );
}

#[test]
fn accessors_check_their_epoch_and_attesters() {
    let config = config();
    let state = with_mixed_votes(state());
    assert_eq!(
        get_matching_source_attestations(&state, 0, &config),
        Err(crate::BeaconStateError::EpochNotPreviousOrCurrent {
            epoch: 0,
            current: 2
        })
    );
    let source = get_matching_source_attestations(&state, 1, &config).unwrap();
    let unslashed = get_unslashed_attesting_indices(&state, source.iter(), &config).unwrap();
    assert!(!unslashed.is_empty() && !unslashed.contains(&3) && !unslashed.contains(&40));
    let eligible: BTreeSet<_> = get_eligible_validator_indices(&state, &config)
        .unwrap()
        .into_iter()
        .collect();
    assert!(unslashed.is_subset(&eligible));
    let participation = PreviousEpochParticipation::new(&state, &config).unwrap();
    for i in 0..100u64 {
        assert_eq!(
            participation.is_source_attester(i as usize),
            unslashed.contains(&i)
        );
    }
}
