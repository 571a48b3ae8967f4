//! What each validator did in the previous epoch's attestations (source, target and head votes,
//! earliest inclusion), from one pass over the pending attestations into per-validator vectors.
//!
//! The spec recomputes `get_unslashed_attesting_indices` for every component of the rewards
//! and, for the inclusion delay, scans every attestation for every attester. Here each pending
//! attestation's committee is read once from a [`CommitteeCache`](crate::accessors::CommitteeCache)
//! and its attesters are recorded in flat vectors, so the whole pass is linear in the total
//! size of the committees plus the registry.

use primitives::types::{BeaconState, Gwei, Slot, ValidatorIndex};
use primitives::{ChainConfig, EthSpec};

use super::attestation_accessors::{
    EpochCommittees, for_each_attester, get_matching_source_attestations, is_matching_head,
    position,
};
use crate::BeaconStateError;
use crate::accessors::{get_block_root, get_previous_epoch};

const SOURCE: u8 = 1;
const TARGET: u8 = 1 << 1;
const HEAD: u8 = 1 << 2;

/// The attestation that counts for a validator's inclusion delay reward: the first of least
/// delay among the previous epoch's attestations it signed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Inclusion {
    /// `inclusion_delay` of that attestation.
    pub delay: Slot,
    /// `proposer_index` of that attestation.
    pub proposer_index: ValidatorIndex,
}

/// The previous epoch's attesters, by validator, with the attesting balances the spec derives
/// from them.
#[derive(Debug, Clone)]
pub struct PreviousEpochParticipation {
    /// Per validator: which of the source, target and head sets of
    /// `get_unslashed_attesting_indices` it is in (slashed validators are in none).
    flags: Vec<u8>,
    /// Per validator: its earliest inclusion, for any attester, slashed or not.
    inclusions: Vec<Option<Inclusion>>,
    source_balance: Gwei,
    target_balance: Gwei,
    head_balance: Gwei,
}

impl PreviousEpochParticipation {
    /// Reads the state's previous epoch attestations once.
    pub fn new<E: EthSpec>(
        state: &BeaconState<E>,
        config: &ChainConfig,
    ) -> Result<Self, BeaconStateError> {
        let previous_epoch = get_previous_epoch(state, config)?;
        let attestations = get_matching_source_attestations(state, previous_epoch, config)?;
        let count = state.validators.len();
        let mut flags = vec![0u8; count];
        let mut inclusions: Vec<Option<Inclusion>> = vec![None; count];
        let mut committees = EpochCommittees::default();
        // As in the spec, the epoch's root is read only if some attestation is compared to it.
        let mut target_root = None;
        for attestation in attestations {
            let root = match target_root {
                Some(root) => root,
                None => *target_root.insert(get_block_root(state, previous_epoch, config)?),
            };
            let mut flag = SOURCE;
            if attestation.data.target.root == root {
                flag |= TARGET;
                if is_matching_head(state, attestation)? {
                    flag |= HEAD;
                }
            }
            let committee = committees.committee(state, &attestation.data, config)?;
            let candidate = Inclusion {
                delay: attestation.inclusion_delay,
                proposer_index: attestation.proposer_index,
            };
            for_each_attester::<E>(committee, &attestation.aggregation_bits, |index| {
                let i = position(index, count)?;
                let (Some(flags), Some(inclusion)) = (flags.get_mut(i), inclusions.get_mut(i))
                else {
                    return Err(BeaconStateError::UnknownValidator { index, count });
                };
                *flags |= flag;
                // Strictly less: the spec's `min` keeps the first attestation among equals.
                if inclusion.is_none_or(|best| candidate.delay < best.delay) {
                    *inclusion = Some(candidate);
                }
                Ok(())
            })?;
        }

        let overflow = |what| move || BeaconStateError::Overflow { what };
        let (mut source_balance, mut target_balance, mut head_balance): (Gwei, Gwei, Gwei) =
            (0, 0, 0);
        for (flag, validator) in flags.iter_mut().zip(state.validators.iter()) {
            if validator.slashed {
                *flag = 0;
                continue;
            }
            let balance = validator.effective_balance;
            if *flag & SOURCE != 0 {
                source_balance = source_balance
                    .checked_add(balance)
                    .ok_or_else(overflow("source attesting balance"))?;
            }
            if *flag & TARGET != 0 {
                target_balance = target_balance
                    .checked_add(balance)
                    .ok_or_else(overflow("target attesting balance"))?;
            }
            if *flag & HEAD != 0 {
                head_balance = head_balance
                    .checked_add(balance)
                    .ok_or_else(overflow("head attesting balance"))?;
            }
        }
        // `get_total_balance`'s floor, which keeps the reward fractions' divisors non-zero.
        let floor = config.effective_balance_increment;
        Ok(Self {
            flags,
            inclusions,
            source_balance: source_balance.max(floor),
            target_balance: target_balance.max(floor),
            head_balance: head_balance.max(floor),
        })
    }

    /// The number of validators covered: the registry's length.
    pub fn len(&self) -> usize {
        self.flags.len()
    }

    /// Whether the registry is empty.
    pub fn is_empty(&self) -> bool {
        self.flags.is_empty()
    }

    fn has(&self, index: usize, flag: u8) -> bool {
        self.flags.get(index).is_some_and(|f| f & flag != 0)
    }

    /// Whether validator `index` is an unslashed attester of the previous epoch.
    pub fn is_source_attester(&self, index: usize) -> bool {
        self.has(index, SOURCE)
    }

    /// Whether validator `index` is an unslashed attester to the previous epoch's target.
    pub fn is_target_attester(&self, index: usize) -> bool {
        self.has(index, TARGET)
    }

    /// Whether validator `index` is an unslashed attester to the previous epoch's target and
    /// the head of its slot.
    pub fn is_head_attester(&self, index: usize) -> bool {
        self.has(index, HEAD)
    }

    /// The attestation that counts for validator `index`'s inclusion delay, if it attested.
    pub fn inclusion(&self, index: usize) -> Option<Inclusion> {
        self.inclusions.get(index).copied().flatten()
    }

    /// `get_attesting_balance` of the matching source attestations.
    pub fn source_attesting_balance(&self) -> Gwei {
        self.source_balance
    }

    /// `get_attesting_balance` of the matching target attestations.
    pub fn target_attesting_balance(&self) -> Gwei {
        self.target_balance
    }

    /// `get_attesting_balance` of the matching head attestations.
    pub fn head_attesting_balance(&self) -> Gwei {
        self.head_balance
    }
}
