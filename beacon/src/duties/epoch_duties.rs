//! Every duty of one epoch at once: attesters, beacon proposers, shard proposers and the light
//! client committee, each committee kind shuffled once, for nodes serving many validators.

use ethereum_hashing::hash_fixed;
use primitives::math::{bytes_to_uint64, compute_start_slot_at_epoch};
use primitives::shuffling::CommitteeShuffling;
use primitives::types::{BeaconState, DomainType, Epoch, Shard, Slot, ValidatorIndex};
use primitives::{ChainConfig, EthSpec};

use super::assignment::{check_lookahead, proposer_of_slot, seed_preimage};
use super::attester_duty::attester_duties;
use super::{AttesterDuty, CommitteeAssignment, DutyError};
use crate::BeaconStateError;
use crate::accessors::{
    CommitteeCache, compute_committee_source_epoch, get_active_shard_count,
    get_active_validator_indices, get_current_epoch, get_seed,
};

/// The duties of every validator in one epoch.
///
/// Built from a state of the epoch before or of the epoch itself: attester duties and shard
/// proposers are known one epoch ahead, beacon proposers only for the state's current epoch
/// (see [`get_beacon_proposer_index_at_slot`](super::get_beacon_proposer_index_at_slot)).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EpochDuties {
    epoch: Epoch,
    start_slot: Slot,
    slot_count: usize,
    committees: CommitteeCache,
    attesters: Vec<Option<AttesterDuty>>,
    beacon_proposers: Option<Vec<ValidatorIndex>>,
    shard_committees: Vec<Vec<ValidatorIndex>>,
    /// `[shard][slot - start_slot]`; `None` where the shard committee is empty, where the
    /// spec's `get_shard_proposer_index` fails.
    shard_proposers: Vec<Vec<Option<ValidatorIndex>>>,
    light_client_committee: Vec<ValidatorIndex>,
}

impl EpochDuties {
    /// Computes the duties of `epoch`, which is at most the state's next epoch.
    pub fn new<E: EthSpec>(
        state: &BeaconState<E>,
        epoch: Epoch,
        config: &ChainConfig,
    ) -> Result<Self, DutyError> {
        check_lookahead(state, epoch, config)?;
        let start_slot = compute_start_slot_at_epoch(epoch, config)?;
        let slots: Vec<Slot> = (0..config.slots_per_epoch)
            .map(|i| start_slot.checked_add(i))
            .collect::<Option<_>>()
            .ok_or(BeaconStateError::Overflow {
                what: "slot of the epoch",
            })?;
        let active_shards = get_active_shard_count(state, config);
        let committees = CommitteeCache::new(state, epoch, config)?;
        let attesters = attester_duties(state, &committees, &slots, active_shards, config)?;

        let beacon_proposers = beacon_proposers(state, epoch, &slots, config)?;
        let shard_shuffling = shuffle_source_epoch(
            state,
            epoch,
            config.shard_committee_period,
            config.domain_shard_committee,
            config,
        )?;
        let shard_committees: Vec<Vec<ValidatorIndex>> = (0..active_shards)
            .map(|shard| {
                shard_shuffling
                    .committee(shard, active_shards)
                    .map(<[_]>::to_vec)
            })
            .collect::<Result<_, _>>()
            .map_err(BeaconStateError::from)?;
        let shard_proposers = shard_proposers(state, epoch, &shard_committees, &slots, config)?;

        let light_client_shuffling = shuffle_source_epoch(
            state,
            epoch,
            config.light_client_committee_period,
            config.domain_light_client,
            config,
        )?;
        let mut light_client_committee = light_client_shuffling
            .committee(0, active_shards)
            .map_err(BeaconStateError::from)?
            .to_vec();
        light_client_committee
            .truncate(usize::try_from(config.light_client_committee_size).unwrap_or(usize::MAX));

        Ok(Self {
            epoch,
            start_slot,
            slot_count: slots.len(),
            committees,
            attesters,
            beacon_proposers,
            shard_committees,
            shard_proposers,
            light_client_committee,
        })
    }

    /// The epoch.
    pub fn epoch(&self) -> Epoch {
        self.epoch
    }

    /// The epoch's beacon committees.
    pub fn committees(&self) -> &CommitteeCache {
        &self.committees
    }

    /// The attestation duty of `validator_index`, if it is active in the epoch.
    pub fn attester_duty(&self, validator_index: ValidatorIndex) -> Option<&AttesterDuty> {
        usize::try_from(validator_index)
            .ok()
            .and_then(|i| self.attesters.get(i))
            .and_then(Option::as_ref)
    }

    /// Every attestation duty of the epoch, by validator index.
    pub fn attester_duties(&self) -> impl Iterator<Item = (ValidatorIndex, &AttesterDuty)> {
        (0u64..)
            .zip(&self.attesters)
            .filter_map(|(index, duty)| duty.as_ref().map(|duty| (index, duty)))
    }

    /// `get_committee_assignment(state, epoch, validator_index)`, from the epoch's shuffle.
    pub fn committee_assignment(
        &self,
        validator_index: ValidatorIndex,
    ) -> Result<Option<CommitteeAssignment>, DutyError> {
        let Some(duty) = self.attester_duty(validator_index) else {
            return Ok(None);
        };
        let committee = self
            .committees
            .get_beacon_committee(duty.slot, duty.committee_index)?;
        Ok(Some(CommitteeAssignment {
            committee: committee.to_vec(),
            committee_index: duty.committee_index,
            slot: duty.slot,
        }))
    }

    /// The beacon proposers of the epoch's slots, in slot order, if the epoch is the state's
    /// current one.
    pub fn beacon_proposers(&self) -> Option<&[ValidatorIndex]> {
        self.beacon_proposers.as_deref()
    }

    /// `get_beacon_proposer_index` at `slot`, if the epoch is the state's current one.
    pub fn beacon_proposer(&self, slot: Slot) -> Option<ValidatorIndex> {
        let proposers = self.beacon_proposers.as_ref()?;
        proposers.get(self.slot_offset(slot)?).copied()
    }

    /// `get_shard_committee(state, epoch, shard)`.
    pub fn shard_committee(&self, shard: Shard) -> Option<&[ValidatorIndex]> {
        usize::try_from(shard)
            .ok()
            .and_then(|i| self.shard_committees.get(i))
            .map(Vec::as_slice)
    }

    /// `get_shard_proposer_index(state, slot, shard)`; `None` for a slot outside the epoch, an
    /// inactive shard or an empty shard committee.
    pub fn shard_proposer(&self, slot: Slot, shard: Shard) -> Option<ValidatorIndex> {
        let offset = self.slot_offset(slot)?;
        usize::try_from(shard)
            .ok()
            .and_then(|i| self.shard_proposers.get(i))
            .and_then(|slots| slots.get(offset))
            .copied()
            .flatten()
    }

    /// `get_light_client_committee(state, epoch)`.
    pub fn light_client_committee(&self) -> &[ValidatorIndex] {
        &self.light_client_committee
    }

    /// The validator's position in the light client committee: its bit in a
    /// `LightClientVote`'s `aggregation_bits`.
    pub fn light_client_position(&self, validator_index: ValidatorIndex) -> Option<usize> {
        self.light_client_committee
            .iter()
            .position(|member| *member == validator_index)
    }

    /// `slot - start_slot` for a slot of the epoch.
    fn slot_offset(&self, slot: Slot) -> Option<usize> {
        let offset = slot.checked_sub(self.start_slot)?;
        usize::try_from(offset)
            .ok()
            .filter(|o| *o < self.slot_count)
    }
}

/// `get_beacon_proposer_index` at each of `slots` if `epoch` is the state's current epoch.
fn beacon_proposers<E: EthSpec>(
    state: &BeaconState<E>,
    epoch: Epoch,
    slots: &[Slot],
    config: &ChainConfig,
) -> Result<Option<Vec<ValidatorIndex>>, DutyError> {
    if epoch != get_current_epoch(state, config)? {
        return Ok(None);
    }
    let indices = get_active_validator_indices(state, epoch);
    let seed = get_seed(state, epoch, config.domain_beacon_proposer, config)?;
    slots
        .iter()
        .map(|slot| proposer_of_slot(state, &indices, &seed, *slot, config))
        .collect::<Result<_, _>>()
        .map(Some)
}

/// `get_shard_proposer_index` of each shard (by its committee) at each of `slots`: the member
/// at `bytes_to_uint64(hash(epoch_seed + slot)[0:8]) % len(committee)`.
fn shard_proposers<E: EthSpec>(
    state: &BeaconState<E>,
    epoch: Epoch,
    shard_committees: &[Vec<ValidatorIndex>],
    slots: &[Slot],
    config: &ChainConfig,
) -> Result<Vec<Vec<Option<ValidatorIndex>>>, DutyError> {
    let epoch_seed = get_seed(state, epoch, config.domain_shard_committee, config)?;
    let draws = slots
        .iter()
        .map(|slot| {
            let seed = hash_fixed(&seed_preimage(&epoch_seed, *slot));
            bytes_to_uint64(seed.get(..8).unwrap_or_default())
        })
        .collect::<Result<Vec<u64>, _>>()?;
    Ok(shard_committees
        .iter()
        .map(|committee| {
            draws
                .iter()
                .map(|r| {
                    r.checked_rem(committee.len() as u64)
                        .and_then(|i| usize::try_from(i).ok())
                        .and_then(|i| committee.get(i))
                        .copied()
                })
                .collect()
        })
        .collect())
}

/// The active validators of `epoch`'s committee source epoch for `period`, shuffled once with
/// that epoch's seed of `domain_type` (as `get_shard_committee` and
/// `get_light_client_committee` draw them).
fn shuffle_source_epoch<E: EthSpec>(
    state: &BeaconState<E>,
    epoch: Epoch,
    period: u64,
    domain_type: DomainType,
    config: &ChainConfig,
) -> Result<CommitteeShuffling, DutyError> {
    let source_epoch = compute_committee_source_epoch(epoch, period)?;
    let indices = get_active_validator_indices(state, source_epoch);
    let seed = get_seed(state, source_epoch, domain_type, config)?;
    // The committees are picked with `committee(index, count)`, so the per-slot count is
    // unused; one keeps the constructor's checks satisfied.
    Ok(
        CommitteeShuffling::new(source_epoch, indices, seed, 1, config)
            .map_err(BeaconStateError::from)?,
    )
}
