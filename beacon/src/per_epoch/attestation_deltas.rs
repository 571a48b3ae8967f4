//! The components of the attestation rewards and penalties (`get_source_deltas`,
//! `get_target_deltas`, `get_head_deltas`, `get_inclusion_delay_deltas`,
//! `get_inactivity_penalty_deltas`) and their sum, `get_attestation_deltas`.
//!
//! Each component adds into a [`Deltas`] from a [`RewardBasis`] (what every component reads:
//! the eligible validators, their base rewards, the leak) and a
//! [`PreviousEpochParticipation`], both computed once per epoch.

use primitives::types::{BeaconState, Gwei, PendingAttestation};
use primitives::{ChainConfig, EthSpec};

use super::attestation_accessors::{
    get_finality_delay, get_unslashed_attesting_indices, is_eligible_validator, position,
    proposer_reward,
};
use super::participation::PreviousEpochParticipation;
use crate::BeaconStateError;
use crate::accessors::validators::base_reward_from_root;
use crate::accessors::{
    BASE_REWARDS_PER_EPOCH, get_previous_epoch, get_total_active_balance, get_total_balance,
};

/// Per-validator rewards and penalties, indexed like the registry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deltas {
    /// Gwei to add to each balance.
    pub rewards: Vec<Gwei>,
    /// Gwei to take from each balance (stopping at zero).
    pub penalties: Vec<Gwei>,
}

impl Deltas {
    /// No reward and no penalty for each of `count` validators.
    pub fn zeroed(count: usize) -> Self {
        Self {
            rewards: vec![0; count],
            penalties: vec![0; count],
        }
    }

    fn add(list: &mut [Gwei], index: usize, delta: Gwei) -> Result<(), BeaconStateError> {
        let count = list.len();
        let entry = list
            .get_mut(index)
            .ok_or(BeaconStateError::UnknownValidator {
                index: index as u64,
                count,
            })?;
        *entry = entry.checked_add(delta).ok_or(BeaconStateError::Overflow {
            what: "attestation deltas",
        })?;
        Ok(())
    }

    fn reward(&mut self, index: usize, delta: Gwei) -> Result<(), BeaconStateError> {
        Self::add(&mut self.rewards, index, delta)
    }

    fn penalize(&mut self, index: usize, delta: Gwei) -> Result<(), BeaconStateError> {
        Self::add(&mut self.penalties, index, delta)
    }
}

/// What every component of the attestation deltas reads, computed once per epoch: the
/// eligible validators, their base rewards, the total active balance and the finality delay.
///
/// It depends on the finalized checkpoint, so it is built after justification and
/// finalization.
#[derive(Debug, Clone)]
pub struct RewardBasis {
    /// Per validator: whether it is in `get_eligible_validator_indices`.
    eligible: Vec<bool>,
    /// Per validator: `get_base_reward` (zero for those not eligible).
    base_rewards: Vec<Gwei>,
    /// `integer_squareroot(get_total_active_balance(state))`.
    sqrt_total_active_balance: u64,
    total_active_balance: Gwei,
    finality_delay: u64,
    in_inactivity_leak: bool,
}

impl RewardBasis {
    /// Reads the registry once.
    pub fn new<E: EthSpec>(
        state: &BeaconState<E>,
        config: &ChainConfig,
    ) -> Result<Self, BeaconStateError> {
        let previous_epoch = get_previous_epoch(state, config)?;
        let total_active_balance = get_total_active_balance(state, config)?;
        let sqrt_total_active_balance = primitives::math::integer_squareroot(total_active_balance);
        let count = state.validators.len();
        let mut eligible = Vec::with_capacity(count);
        let mut base_rewards = Vec::with_capacity(count);
        for validator in state.validators.iter() {
            let is_eligible = is_eligible_validator(validator, previous_epoch)?;
            eligible.push(is_eligible);
            base_rewards.push(if is_eligible {
                base_reward_from_root(
                    validator.effective_balance,
                    sqrt_total_active_balance,
                    config,
                )?
            } else {
                0
            });
        }
        let finality_delay = get_finality_delay(state, config)?;
        Ok(Self {
            eligible,
            base_rewards,
            sqrt_total_active_balance,
            total_active_balance,
            finality_delay,
            in_inactivity_leak: finality_delay > config.min_epochs_to_inactivity_penalty,
        })
    }

    /// `get_total_active_balance` of the state.
    pub fn total_active_balance(&self) -> Gwei {
        self.total_active_balance
    }

    /// `is_in_inactivity_leak` of the state.
    pub fn is_in_inactivity_leak(&self) -> bool {
        self.in_inactivity_leak
    }

    /// The eligible validators' positions with their base rewards.
    fn eligible(&self) -> impl Iterator<Item = (usize, Gwei)> + '_ {
        self.eligible
            .iter()
            .zip(&self.base_rewards)
            .enumerate()
            .filter(|(_, (eligible, _))| **eligible)
            .map(|(i, (_, base_reward))| (i, *base_reward))
    }

    /// `get_base_reward` of validator `i`: the stored one if eligible, else computed, for an
    /// attester outside the eligible set (which a valid state does not have).
    fn base_reward<E: EthSpec>(
        &self,
        state: &BeaconState<E>,
        i: usize,
        config: &ChainConfig,
    ) -> Result<Gwei, BeaconStateError> {
        if let (Some(true), Some(base_reward)) = (self.eligible.get(i), self.base_rewards.get(i)) {
            return Ok(*base_reward);
        }
        let count = state.validators.len();
        let validator = state
            .validators
            .get(i)
            .ok_or(BeaconStateError::UnknownValidator {
                index: i as u64,
                count,
            })?;
        base_reward_from_root(
            validator.effective_balance,
            self.sqrt_total_active_balance,
            config,
        )
    }
}

/// `get_attestation_component_deltas` over a membership test: attesters are rewarded in
/// proportion to `attesting_balance` (fully during a leak), the other eligible validators lose
/// their base reward.
fn add_component_deltas(
    basis: &RewardBasis,
    is_attester: impl Fn(usize) -> bool,
    attesting_balance: Gwei,
    deltas: &mut Deltas,
    config: &ChainConfig,
) -> Result<(), BeaconStateError> {
    // Factored out from balance totals to avoid uint64 overflow, as in the spec.
    let increment = config.effective_balance_increment;
    let division = BeaconStateError::Overflow {
        what: "balance // EFFECTIVE_BALANCE_INCREMENT",
    };
    let attesting_increments = attesting_balance
        .checked_div(increment)
        .ok_or(division.clone())?;
    let total_increments = basis
        .total_active_balance
        .checked_div(increment)
        .ok_or(division)?;
    for (i, base_reward) in basis.eligible() {
        if !is_attester(i) {
            deltas.penalize(i, base_reward)?;
        } else if basis.in_inactivity_leak {
            // The inactivity penalty cancels the full base reward given here.
            deltas.reward(i, base_reward)?;
        } else {
            let reward = base_reward
                .checked_mul(attesting_increments)
                .and_then(|numerator| numerator.checked_div(total_increments))
                .ok_or(BeaconStateError::Overflow {
                    what: "base reward * attesting increments // total increments",
                })?;
            deltas.reward(i, reward)?;
        }
    }
    Ok(())
}

/// `get_attestation_component_deltas`: the rewards and penalties of one vote over
/// `attestations`, in the spec's form (it builds its own [`RewardBasis`]).
pub fn get_attestation_component_deltas<'a, E: EthSpec>(
    state: &BeaconState<E>,
    attestations: impl IntoIterator<Item = &'a PendingAttestation<E>>,
    config: &ChainConfig,
) -> Result<Deltas, BeaconStateError> {
    let basis = RewardBasis::new(state, config)?;
    let count = state.validators.len();
    let attesters = get_unslashed_attesting_indices(state, attestations, config)?;
    let attesting_balance = get_total_balance(state, attesters.iter().copied(), config)?;
    let mut is_attester = vec![false; count];
    for index in &attesters {
        if let Some(flag) = is_attester.get_mut(position(*index, count)?) {
            *flag = true;
        }
    }
    let mut deltas = Deltas::zeroed(count);
    let member = |i: usize| is_attester.get(i).copied().unwrap_or(false);
    add_component_deltas(&basis, member, attesting_balance, &mut deltas, config)?;
    Ok(deltas)
}

/// `get_source_deltas`: rewards and penalties of the previous epoch's source votes.
pub fn get_source_deltas(
    basis: &RewardBasis,
    participation: &PreviousEpochParticipation,
    config: &ChainConfig,
) -> Result<Deltas, BeaconStateError> {
    let mut deltas = Deltas::zeroed(participation.len());
    add_source_deltas(basis, participation, &mut deltas, config)?;
    Ok(deltas)
}

fn add_source_deltas(
    basis: &RewardBasis,
    participation: &PreviousEpochParticipation,
    deltas: &mut Deltas,
    config: &ChainConfig,
) -> Result<(), BeaconStateError> {
    let is_attester = |i| participation.is_source_attester(i);
    let balance = participation.source_attesting_balance();
    add_component_deltas(basis, is_attester, balance, deltas, config)
}

/// `get_target_deltas`: rewards and penalties of the previous epoch's target votes.
pub fn get_target_deltas(
    basis: &RewardBasis,
    participation: &PreviousEpochParticipation,
    config: &ChainConfig,
) -> Result<Deltas, BeaconStateError> {
    let mut deltas = Deltas::zeroed(participation.len());
    add_target_deltas(basis, participation, &mut deltas, config)?;
    Ok(deltas)
}

fn add_target_deltas(
    basis: &RewardBasis,
    participation: &PreviousEpochParticipation,
    deltas: &mut Deltas,
    config: &ChainConfig,
) -> Result<(), BeaconStateError> {
    let is_attester = |i| participation.is_target_attester(i);
    let balance = participation.target_attesting_balance();
    add_component_deltas(basis, is_attester, balance, deltas, config)
}

/// `get_head_deltas`: rewards and penalties of the previous epoch's head votes.
pub fn get_head_deltas(
    basis: &RewardBasis,
    participation: &PreviousEpochParticipation,
    config: &ChainConfig,
) -> Result<Deltas, BeaconStateError> {
    let mut deltas = Deltas::zeroed(participation.len());
    add_head_deltas(basis, participation, &mut deltas, config)?;
    Ok(deltas)
}

fn add_head_deltas(
    basis: &RewardBasis,
    participation: &PreviousEpochParticipation,
    deltas: &mut Deltas,
    config: &ChainConfig,
) -> Result<(), BeaconStateError> {
    let is_attester = |i| participation.is_head_attester(i);
    let balance = participation.head_attesting_balance();
    add_component_deltas(basis, is_attester, balance, deltas, config)
}

/// `get_inclusion_delay_deltas`: each unslashed attester of the previous epoch earns its base
/// reward less the proposer's share, divided by the delay of its earliest included
/// attestation; that attestation's proposer earns the share. No penalties.
pub fn get_inclusion_delay_deltas<E: EthSpec>(
    state: &BeaconState<E>,
    basis: &RewardBasis,
    participation: &PreviousEpochParticipation,
    config: &ChainConfig,
) -> Result<Deltas, BeaconStateError> {
    let mut deltas = Deltas::zeroed(participation.len());
    add_inclusion_delay_deltas(state, basis, participation, &mut deltas, config)?;
    Ok(deltas)
}

fn add_inclusion_delay_deltas<E: EthSpec>(
    state: &BeaconState<E>,
    basis: &RewardBasis,
    participation: &PreviousEpochParticipation,
    deltas: &mut Deltas,
    config: &ChainConfig,
) -> Result<(), BeaconStateError> {
    let count = participation.len();
    for i in (0..count).filter(|i| participation.is_source_attester(*i)) {
        let inclusion = participation
            .inclusion(i)
            .ok_or(BeaconStateError::MissingEntry {
                what: "inclusion of an attester",
                index: i as u64,
            })?;
        let base_reward = basis.base_reward(state, i, config)?;
        let proposer_reward = proposer_reward(base_reward, config)?;
        deltas.reward(position(inclusion.proposer_index, count)?, proposer_reward)?;
        // A proposer's share is a fraction of the base reward, so this does not underflow.
        let max_attester_reward = base_reward.saturating_sub(proposer_reward);
        let reward = max_attester_reward
            .checked_div(inclusion.delay)
            .ok_or(BeaconStateError::ZeroInclusionDelay)?;
        deltas.reward(i, reward)?;
    }
    Ok(())
}

/// `get_inactivity_penalty_deltas`: during an inactivity leak, every eligible validator loses
/// what optimal participation earns, and those that missed the target also lose in proportion
/// to their effective balance and the finality delay. No rewards.
pub fn get_inactivity_penalty_deltas<E: EthSpec>(
    state: &BeaconState<E>,
    basis: &RewardBasis,
    participation: &PreviousEpochParticipation,
    config: &ChainConfig,
) -> Result<Deltas, BeaconStateError> {
    let mut deltas = Deltas::zeroed(participation.len());
    add_inactivity_penalty_deltas(state, basis, participation, &mut deltas, config)?;
    Ok(deltas)
}

fn add_inactivity_penalty_deltas<E: EthSpec>(
    state: &BeaconState<E>,
    basis: &RewardBasis,
    participation: &PreviousEpochParticipation,
    deltas: &mut Deltas,
    config: &ChainConfig,
) -> Result<(), BeaconStateError> {
    if !basis.in_inactivity_leak {
        return Ok(());
    }
    for (i, base_reward) in basis.eligible() {
        let optimal = base_reward
            .checked_mul(BASE_REWARDS_PER_EPOCH)
            .and_then(|full| full.checked_sub(proposer_reward(base_reward, config).ok()?))
            .ok_or(BeaconStateError::Overflow {
                what: "BASE_REWARDS_PER_EPOCH * base reward - proposer reward",
            })?;
        deltas.penalize(i, optimal)?;
        if !participation.is_target_attester(i) {
            let count = state.validators.len();
            let effective_balance = state
                .validators
                .get(i)
                .ok_or(BeaconStateError::UnknownValidator {
                    index: i as u64,
                    count,
                })?
                .effective_balance;
            let penalty = effective_balance
                .checked_mul(basis.finality_delay)
                .and_then(|scaled| scaled.checked_div(config.inactivity_penalty_quotient))
                .ok_or(BeaconStateError::Overflow {
                    what: "effective balance * finality delay // INACTIVITY_PENALTY_QUOTIENT",
                })?;
            deltas.penalize(i, penalty)?;
        }
    }
    Ok(())
}

/// `get_attestation_deltas`: the sum of the five components.
///
/// The components add into one [`Deltas`]; a sum overflows here exactly when the spec's sums of
/// the separate lists do, since every term is non-negative.
pub fn get_attestation_deltas<E: EthSpec>(
    state: &BeaconState<E>,
    basis: &RewardBasis,
    participation: &PreviousEpochParticipation,
    config: &ChainConfig,
) -> Result<Deltas, BeaconStateError> {
    let mut deltas = Deltas::zeroed(participation.len());
    add_source_deltas(basis, participation, &mut deltas, config)?;
    add_target_deltas(basis, participation, &mut deltas, config)?;
    add_head_deltas(basis, participation, &mut deltas, config)?;
    add_inclusion_delay_deltas(state, basis, participation, &mut deltas, config)?;
    add_inactivity_penalty_deltas(state, basis, participation, &mut deltas, config)?;
    Ok(deltas)
}
