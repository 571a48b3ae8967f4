//! Every duty of one epoch at once: attesters, beacon proposers, shard proposers and the light
//! client committee, each committee kind shuffled once, for nodes serving many validators.

use ethereum_hashing::hash_fixed;
use primitives::math::{bytes_to_uint64, compute_start_slot_at_epoch};
use primitives::shuffling::CommitteeShuffling;
use primitives::types::{BeaconState, CommitteeIndex, Epoch, Shard, Slot, ValidatorIndex};
use primitives::{ChainConfig, EthSpec};

use super::assignment::{check_lookahead, proposer_of_slot, seed_preimage};
use super::{CommitteeAssignment, DutyError};
use crate::BeaconStateError;
use crate::accessors::{
    CommitteeCache, compute_committee_source_epoch, get_active_shard_count,
    get_active_validator_indices, get_current_epoch, get_seed, get_start_shard,
};

/// A validator's attestation duty in the epoch, as the Beacon API's attester duties give it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttesterDuty {
    /// The slot to attest to.
    pub slot: Slot,
    /// The committee's index in the slot.
    pub committee_index: CommitteeIndex,
    /// The validator's position in the committee: its bit in `aggregation_bits`.
    pub committee_position: usize,
    /// The committee's size: the length of `aggregation_bits`.
    pub committee_length: usize,
    /// `get_committee_count_per_slot` of the epoch, for `compute_subnet_for_attestation`.
    pub committees_at_slot: u64,
    /// `compute_shard_from_committee_index`: the shard the committee votes on.
    pub shard: Shard,
}

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

        let beacon_proposers = if epoch == get_current_epoch(state, config)? {
            let indices = get_active_validator_indices(state, epoch);
            let seed = get_seed(state, epoch, config.domain_beacon_proposer, config)?;
            let proposers = slots
                .iter()
                .map(|slot| proposer_of_slot(state, &indices, &seed, *slot, config))
                .collect::<Result<_, _>>()?;
            Some(proposers)
        } else {
            None
        };

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
        let proposer_seed = get_seed(state, epoch, config.domain_shard_committee, config)?;
        let shard_proposers = shard_committees
            .iter()
            .map(|committee| {
                slots
                    .iter()
                    .map(|slot| {
                        let seed = hash_fixed(&seed_preimage(&proposer_seed, *slot));
                        let r = bytes_to_uint64(seed.get(..8).unwrap_or_default())?;
                        Ok(r.checked_rem(committee.len() as u64)
                            .and_then(|i| usize::try_from(i).ok())
                            .and_then(|i| committee.get(i))
                            .copied())
                    })
                    .collect::<Result<Vec<_>, DutyError>>()
            })
            .collect::<Result<_, _>>()?;

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

/// The attestation duty of every validator, indexed by validator index.
fn attester_duties<E: EthSpec>(
    state: &BeaconState<E>,
    committees: &CommitteeCache,
    slots: &[Slot],
    active_shards: u64,
    config: &ChainConfig,
) -> Result<Vec<Option<AttesterDuty>>, DutyError> {
    let mut attesters = vec![None; state.validators.len()];
    let committees_at_slot = committees.committees_per_slot();
    for slot in slots {
        let start_shard = get_start_shard(state, *slot, config)?;
        for committee_index in 0..committees_at_slot {
            let committee = committees.get_beacon_committee(*slot, committee_index)?;
            let shard = committee_index
                .checked_add(start_shard)
                .and_then(|s| s.checked_rem(active_shards))
                .ok_or(BeaconStateError::Overflow {
                    what: "(index + start shard) % active shards",
                })?;
            for (committee_position, member) in committee.iter().enumerate() {
                let entry = usize::try_from(*member)
                    .ok()
                    .and_then(|i| attesters.get_mut(i))
                    .ok_or(BeaconStateError::UnknownValidator {
                        index: *member,
                        count: state.validators.len(),
                    })?;
                *entry = Some(AttesterDuty {
                    slot: *slot,
                    committee_index,
                    committee_position,
                    committee_length: committee.len(),
                    committees_at_slot,
                    shard,
                });
            }
        }
    }
    Ok(attesters)
}

/// The active validators of `epoch`'s committee source epoch for `period`, shuffled once with
/// that epoch's seed of `domain_type` (as `get_shard_committee` and
/// `get_light_client_committee` draw them).
fn shuffle_source_epoch<E: EthSpec>(
    state: &BeaconState<E>,
    epoch: Epoch,
    period: u64,
    domain_type: primitives::types::DomainType,
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
