//! Shard transition processing (phase 1 `process_shard_transitions`): each committee of the
//! previous slot that gathered 2/3 of its online balance crosslinks its shard's transition, and
//! every other shard's transition must be empty.
//!
//! The vote counting, the transition's internal checks and the header chain are the
//! `crosslink` crate's; this file reads the beacon state for them (committees, online
//! validators, proposers, block roots, domains) and writes the result. Every check of the whole
//! step runs before the first write, so a refused block leaves the state as it was.

use std::collections::BTreeSet;

use crosslink::{ArithmeticError, ShardTally, ShardTransitionInvalid};
use primitives::math::compute_epoch_at_slot;
use primitives::types::{
    Attestation, AttestationData, BeaconState, CommitteeIndex, PendingAttestation, Root, Shard,
    ShardState, ShardTransition, Slot, ValidatorIndex,
};
use primitives::{ChainConfig, EthSpec};
use tree_hash::TreeHash;

use super::OperationError;
use super::apply_shard_transition::check_shard_transition;
use crate::accessors::{
    CommitteeCaches, compute_offset_slots, compute_previous_slot,
    compute_shard_from_committee_index, get_active_shard_count, get_base_reward,
    get_beacon_proposer_index, get_committee_count_per_slot, get_online_validator_indices,
    get_shard_proposer_index, get_total_active_balance, validator,
};
use crate::mutators::StagedBalances;
use crate::signatures::{SignatureInvalid, VerifySignatures};
use crate::{BeaconStateError, GENESIS_SLOT};

/// Why a block's shard transitions are invalid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShardTransitionsInvalid {
    /// A transition applied before phase 1 (`state.slot <= PHASE_1_FORK_SLOT`).
    #[error("shard transition at slot {slot}, not after the phase 1 fork slot")]
    BeforePhase1 {
        /// The state's slot.
        slot: Slot,
    },
    /// The block has no transition for a shard.
    #[error("no shard transition for shard {shard}")]
    MissingTransition {
        /// The shard.
        shard: Shard,
    },
    /// The winning root is not the root of the block's transition for the shard.
    #[error("shard {shard}: the attested root {attested} is not the transition's {transition}")]
    TransitionRootMismatch {
        /// The shard.
        shard: Shard,
        /// The winning shard transition root.
        attested: Root,
        /// The root of the block's transition.
        transition: Root,
    },
    /// A winning attestation's shard head is not the transition's last block.
    #[error("shard {shard}: attested shard head {attested} is not the transition's {expected}")]
    ShardHeadRootMismatch {
        /// The shard.
        shard: Shard,
        /// The attestation's `shard_head_root`.
        attested: Root,
        /// The last state's `latest_block_root`.
        expected: Root,
    },
    /// The transition is inconsistent with itself or its offset slots.
    #[error("shard {shard}: {reason}")]
    Transition {
        /// The shard.
        shard: Shard,
        /// Why.
        reason: ShardTransitionInvalid,
    },
    /// The proposers' aggregate signature is refused.
    #[error("shard {shard}: proposer signature aggregate: {reason}")]
    ProposerSignature {
        /// The shard.
        shard: Shard,
        /// Why.
        reason: SignatureInvalid,
    },
    /// No root won the shard's vote, yet its transition is not empty.
    #[error("shard {shard}: no winning root, yet a non-empty transition")]
    TransitionWithoutWinner {
        /// The shard.
        shard: Shard,
    },
    /// A shard that was not crosslinked this slot has a non-empty transition
    /// (`verify_empty_shard_transition`).
    #[error("shard {shard} was not crosslinked, yet has a non-empty transition")]
    UnexpectedTransition {
        /// The shard.
        shard: Shard,
    },
    /// A balance total of the vote overflows.
    #[error(transparent)]
    Arithmetic(#[from] ArithmeticError),
}

/// The error of shard transition processing.
pub(super) type Error = OperationError<ShardTransitionsInvalid>;

/// An overflow of the vote count: the spec's transition fails, so the block is invalid.
fn arithmetic(error: ArithmeticError) -> Error {
    OperationError::Invalid(ShardTransitionsInvalid::Arithmetic(error))
}

/// `is_on_time_attestation`: the attestation is of the slot before the state's.
pub fn is_on_time_attestation<E: EthSpec>(
    state: &BeaconState<E>,
    attestation_data: &AttestationData,
) -> bool {
    attestation_data.slot == compute_previous_slot(state.slot)
}

/// `is_winning_attestation`: an on-time attestation of committee `committee_index` that voted
/// for `winning_root`.
pub fn is_winning_attestation<E: EthSpec>(
    state: &BeaconState<E>,
    attestation: &PendingAttestation<E>,
    committee_index: CommitteeIndex,
    winning_root: Root,
) -> bool {
    is_on_time_attestation(state, &attestation.data)
        && attestation.data.index == committee_index
        && attestation.data.shard_transition_root == winning_root
}

/// What a crosslinked shard changes: its new state, and the committee and root whose pending
/// attestations become successful.
#[derive(Debug)]
struct Crosslink {
    shard: Shard,
    committee_index: CommitteeIndex,
    root: Root,
    shard_state: ShardState,
}

/// `process_crosslink_for_shard` without its writes: the balance changes go to `balances`,
/// the crosslink (if a root wins) is returned.
#[allow(clippy::too_many_arguments)]
fn check_crosslink_for_shard<E: EthSpec>(
    state: &BeaconState<E>,
    committee_index: CommitteeIndex,
    shard_transition: &ShardTransition<E>,
    attestations: &[&Attestation<E>],
    committees: &mut CommitteeCaches,
    balances: &mut StagedBalances,
    verify: &mut VerifySignatures<'_>,
    config: &ChainConfig,
) -> Result<Option<Crosslink>, Error> {
    let on_time_attestation_slot = compute_previous_slot(state.slot);
    let shard = compute_shard_from_committee_index(
        state,
        committee_index,
        on_time_attestation_slot,
        config,
    )?;
    let tally = shard_tally(state, committee_index, attestations, committees, config)?;
    let winner = tally
        .winning_root(config.effective_balance_increment)
        .map_err(arithmetic)?;
    let Some((root, votes)) = winner else {
        if *shard_transition != ShardTransition::default() {
            return Err(OperationError::Invalid(
                ShardTransitionsInvalid::TransitionWithoutWinner { shard },
            ));
        }
        return Ok(None);
    };

    let transition_root = shard_transition.tree_hash_root();
    if root != transition_root {
        return Err(OperationError::Invalid(
            ShardTransitionsInvalid::TransitionRootMismatch {
                shard,
                attested: root,
                transition: transition_root,
            },
        ));
    }
    let shard_head_root = shard_transition
        .shard_states
        .last()
        .map(|s| s.latest_block_root)
        .ok_or(OperationError::Invalid(
            ShardTransitionsInvalid::Transition {
                shard,
                reason: ShardTransitionInvalid::NoOffsetSlots,
            },
        ))?;
    for attestation in attestations
        .iter()
        .filter(|a| a.data.shard_transition_root == root)
    {
        if attestation.data.shard_head_root != shard_head_root {
            return Err(OperationError::Invalid(
                ShardTransitionsInvalid::ShardHeadRootMismatch {
                    shard,
                    attested: attestation.data.shard_head_root,
                    expected: shard_head_root,
                },
            ));
        }
    }

    let post = check_shard_transition(state, shard, shard_transition, verify, config)?;

    let proposer = get_beacon_proposer_index(state, config)?;
    let total_active_balance = get_total_active_balance(state, config)?;
    let mut estimated_attester_reward: u64 = 0;
    for attester in votes.participants() {
        let reward = get_base_reward(state, *attester, total_active_balance, config)?;
        estimated_attester_reward =
            estimated_attester_reward
                .checked_add(reward)
                .ok_or(BeaconStateError::Overflow {
                    what: "estimated attester reward",
                })?;
    }
    let proposer_reward = estimated_attester_reward
        .checked_div(config.proposer_reward_quotient)
        .ok_or(BeaconStateError::Overflow {
            what: "reward // PROPOSER_REWARD_QUOTIENT",
        })?;
    balances.increase(state, proposer, proposer_reward)?;
    // The spec reads `get_offset_slots` after `apply_shard_transition` dated the shard's state
    // `compute_previous_slot(state.slot)`, so no offset slot is left and no shard proposer is
    // charged for gas in v0.12.3. The vectors are built that way; the loop keeps the spec's
    // form so that a later version's fix is a one-line change.
    let charged_slots = compute_offset_slots(post.slot, state.slot, config);
    let charges = shard_transition
        .shard_states
        .iter()
        .zip(charged_slots)
        .zip(shard_transition.shard_block_lengths.iter());
    for ((shard_state, slot), length) in charges {
        let shard_proposer = get_shard_proposer_index(state, slot, shard, config)?;
        let fee = shard_state
            .gasprice
            .checked_mul(*length)
            .ok_or(ArithmeticError {
                what: "gasprice * shard block length",
            })
            .map_err(arithmetic)?;
        balances.decrease(state, shard_proposer, fee)?;
    }
    Ok(Some(Crosslink {
        shard,
        committee_index,
        root,
        shard_state: post,
    }))
}

/// The vote of committee `committee_index` of the previous slot: its online members' balances,
/// and each attestation's attesters by shard transition root.
fn shard_tally<E: EthSpec>(
    state: &BeaconState<E>,
    committee_index: CommitteeIndex,
    attestations: &[&Attestation<E>],
    committees: &mut CommitteeCaches,
    config: &ChainConfig,
) -> Result<ShardTally, Error> {
    let slot = compute_previous_slot(state.slot);
    let epoch = compute_epoch_at_slot(slot, config).map_err(BeaconStateError::from)?;
    let online: BTreeSet<ValidatorIndex> = get_online_validator_indices(state, config)?
        .into_iter()
        .collect();
    let cache = committees.get(state, epoch, config)?;
    let committee = cache.get_beacon_committee(slot, committee_index)?;
    let mut members = Vec::new();
    for index in committee.iter().filter(|i| online.contains(i)) {
        members.push((*index, validator(state, *index)?.effective_balance));
    }
    let mut tally = ShardTally::new(members).map_err(arithmetic)?;
    for attestation in attestations {
        let attesters =
            cache.get_attesting_indices::<E>(&attestation.data, &attestation.aggregation_bits)?;
        tally
            .add_vote(attestation.data.shard_transition_root, attesters)
            .map_err(arithmetic)?;
    }
    Ok(tally)
}

/// The on-time attestations of committee `committee_index`.
fn committee_attestations<'a, E: EthSpec>(
    state: &BeaconState<E>,
    attestations: &'a [Attestation<E>],
    committee_index: CommitteeIndex,
) -> Vec<&'a Attestation<E>> {
    attestations
        .iter()
        .filter(|a| is_on_time_attestation(state, &a.data) && a.data.index == committee_index)
        .collect()
}

/// `process_crosslink_for_shard`: tallies the committee's on-time attestations by shard
/// transition root; the smallest root with 2/3 of the online committee balance must be the
/// transition's, which is applied, its proposer rewarded. Returns the winning root, or zero
/// when none wins (the transition must then be empty).
pub fn process_crosslink_for_shard<E: EthSpec>(
    state: &mut BeaconState<E>,
    committee_index: CommitteeIndex,
    shard_transition: &ShardTransition<E>,
    attestations: &[Attestation<E>],
    committees: &mut CommitteeCaches,
    verify: &mut VerifySignatures<'_>,
    config: &ChainConfig,
) -> Result<Root, Error> {
    let attestations: Vec<&Attestation<E>> = attestations.iter().collect();
    let mut balances = StagedBalances::default();
    let crosslink = check_crosslink_for_shard(
        state,
        committee_index,
        shard_transition,
        &attestations,
        committees,
        &mut balances,
        verify,
        config,
    )?;
    let mut shard_states = state.shard_states.to_vec();
    let root = crosslink.as_ref().map_or(Root::ZERO, |c| c.root);
    let crosslinks: Vec<Crosslink> = crosslink.into_iter().collect();
    set_shard_states(&mut shard_states, &crosslinks)?;
    commit(state, shard_states, balances, &crosslinks)?;
    Ok(root)
}

/// The crosslinks of a block, computed but not written.
struct CrosslinksPlan {
    crosslinks: Vec<Crosslink>,
    balances: StagedBalances,
}

fn check_crosslinks<E: EthSpec>(
    state: &BeaconState<E>,
    shard_transitions: &[ShardTransition<E>],
    attestations: &[Attestation<E>],
    committees: &mut CommitteeCaches,
    verify: &mut VerifySignatures<'_>,
    config: &ChainConfig,
) -> Result<CrosslinksPlan, Error> {
    let on_time_attestation_slot = compute_previous_slot(state.slot);
    let epoch =
        compute_epoch_at_slot(on_time_attestation_slot, config).map_err(BeaconStateError::from)?;
    let committee_count = get_committee_count_per_slot(state, epoch, config)?;
    let mut plan = CrosslinksPlan {
        crosslinks: Vec::new(),
        balances: StagedBalances::default(),
    };
    for committee_index in 0..committee_count {
        let shard = compute_shard_from_committee_index(
            state,
            committee_index,
            on_time_attestation_slot,
            config,
        )?;
        let transition = transition_of(shard_transitions, shard)?;
        let shard_attestations = committee_attestations(state, attestations, committee_index);
        if let Some(crosslink) = check_crosslink_for_shard(
            state,
            committee_index,
            transition,
            &shard_attestations,
            committees,
            &mut plan.balances,
            verify,
            config,
        )? {
            plan.crosslinks.push(crosslink);
        }
    }
    Ok(plan)
}

fn transition_of<E: EthSpec>(
    shard_transitions: &[ShardTransition<E>],
    shard: Shard,
) -> Result<&ShardTransition<E>, Error> {
    usize::try_from(shard)
        .ok()
        .and_then(|i| shard_transitions.get(i))
        .ok_or(OperationError::Invalid(
            ShardTransitionsInvalid::MissingTransition { shard },
        ))
}

/// `process_crosslinks`: `process_crosslink_for_shard` for each committee of the previous
/// slot, then each pending attestation that voted for a winning root is marked successful.
pub fn process_crosslinks<E: EthSpec>(
    state: &mut BeaconState<E>,
    shard_transitions: &[ShardTransition<E>],
    attestations: &[Attestation<E>],
    committees: &mut CommitteeCaches,
    verify: &mut VerifySignatures<'_>,
    config: &ChainConfig,
) -> Result<(), Error> {
    let plan = check_crosslinks(
        state,
        shard_transitions,
        attestations,
        committees,
        verify,
        config,
    )?;
    let mut shard_states = state.shard_states.to_vec();
    set_shard_states(&mut shard_states, &plan.crosslinks)?;
    commit(state, shard_states, plan.balances, &plan.crosslinks)
}

/// `verify_empty_shard_transition`: every active shard not crosslinked at the previous slot
/// has an empty transition.
pub fn verify_empty_shard_transition<E: EthSpec>(
    state: &BeaconState<E>,
    shard_transitions: &[ShardTransition<E>],
    config: &ChainConfig,
) -> Result<bool, Error> {
    Ok(
        first_unexpected_transition(state, &state.shard_states, shard_transitions, config)?
            .is_none(),
    )
}

/// The first active shard whose state (in `shard_states`) is older than the previous slot but
/// whose transition is not empty.
fn first_unexpected_transition<E: EthSpec>(
    state: &BeaconState<E>,
    shard_states: &[ShardState],
    shard_transitions: &[ShardTransition<E>],
    config: &ChainConfig,
) -> Result<Option<Shard>, Error> {
    let previous_slot = compute_previous_slot(state.slot);
    let empty = ShardTransition::<E>::default();
    for shard in 0..get_active_shard_count(state, config) {
        let slot = usize::try_from(shard)
            .ok()
            .and_then(|i| shard_states.get(i))
            .map(|s| s.slot)
            .ok_or(BeaconStateError::UnknownShard {
                shard,
                count: shard_states.len() as u64,
            })?;
        if slot != previous_slot && *transition_of(shard_transitions, shard)? != empty {
            return Ok(Some(shard));
        }
    }
    Ok(None)
}

/// `process_shard_transitions`: the crosslinks of the previous slot (after genesis), then the
/// check that every other shard's transition is empty. Nothing is written unless both pass.
pub fn process_shard_transitions<E: EthSpec>(
    state: &mut BeaconState<E>,
    shard_transitions: &[ShardTransition<E>],
    attestations: &[Attestation<E>],
    committees: &mut CommitteeCaches,
    verify: &mut VerifySignatures<'_>,
    config: &ChainConfig,
) -> Result<(), Error> {
    // PHASE_1_FORK_SLOT is GENESIS_SLOT here, as in the spec's vectors.
    let plan = if compute_previous_slot(state.slot) > GENESIS_SLOT {
        check_crosslinks(
            state,
            shard_transitions,
            attestations,
            committees,
            verify,
            config,
        )?
    } else {
        CrosslinksPlan {
            crosslinks: Vec::new(),
            balances: StagedBalances::default(),
        }
    };
    let mut shard_states = state.shard_states.to_vec();
    set_shard_states(&mut shard_states, &plan.crosslinks)?;
    if let Some(shard) =
        first_unexpected_transition(state, &shard_states, shard_transitions, config)?
    {
        return Err(OperationError::Invalid(
            ShardTransitionsInvalid::UnexpectedTransition { shard },
        ));
    }
    commit(state, shard_states, plan.balances, &plan.crosslinks)
}

fn set_shard_states(
    shard_states: &mut [ShardState],
    crosslinks: &[Crosslink],
) -> Result<(), BeaconStateError> {
    let count = shard_states.len() as u64;
    for crosslink in crosslinks {
        let entry = usize::try_from(crosslink.shard)
            .ok()
            .and_then(|i| shard_states.get_mut(i))
            .ok_or(BeaconStateError::UnknownShard {
                shard: crosslink.shard,
                count,
            })?;
        *entry = crosslink.shard_state.clone();
    }
    Ok(())
}

/// Writes the checked step: balances first (the only write that can fail, and it fails before
/// writing anything), then the shard states and the successful pending attestations.
fn commit<E: EthSpec>(
    state: &mut BeaconState<E>,
    shard_states: Vec<ShardState>,
    balances: StagedBalances,
    crosslinks: &[Crosslink],
) -> Result<(), Error> {
    balances.commit(state)?;
    for (entry, new) in state.shard_states.iter_mut().zip(shard_states) {
        *entry = new;
    }
    let winning: Vec<usize> = state
        .current_epoch_attestations
        .iter()
        .enumerate()
        .filter(|(_, pending)| {
            crosslinks
                .iter()
                .any(|c| is_winning_attestation(state, pending, c.committee_index, c.root))
        })
        .map(|(i, _)| i)
        .collect();
    for i in winning {
        if let Some(pending) = state.current_epoch_attestations.get_mut(i) {
            pending.crosslink_success = true;
        }
    }
    Ok(())
}

/// `get_shard_winning_roots` (phase 1 `validator.md`): the shards whose committees of the
/// previous slot reach 2/3 of their online balance in `attestations`, with the winning roots.
/// A proposer calls it to choose the block's shard transitions.
pub fn get_shard_winning_roots<E: EthSpec>(
    state: &BeaconState<E>,
    attestations: &[Attestation<E>],
    committees: &mut CommitteeCaches,
    config: &ChainConfig,
) -> Result<(Vec<Shard>, Vec<Root>), Error> {
    let on_time_attestation_slot = compute_previous_slot(state.slot);
    let epoch =
        compute_epoch_at_slot(on_time_attestation_slot, config).map_err(BeaconStateError::from)?;
    let mut shards = Vec::new();
    let mut roots = Vec::new();
    for committee_index in 0..get_committee_count_per_slot(state, epoch, config)? {
        let shard = compute_shard_from_committee_index(
            state,
            committee_index,
            on_time_attestation_slot,
            config,
        )?;
        let shard_attestations = committee_attestations(state, attestations, committee_index);
        let tally = shard_tally(
            state,
            committee_index,
            &shard_attestations,
            committees,
            config,
        )?;
        let winner = tally
            .winning_root(config.effective_balance_increment)
            .map_err(arithmetic)?;
        if let Some((root, _)) = winner {
            shards.push(shard);
            roots.push(root);
        }
    }
    Ok((shards, roots))
}
