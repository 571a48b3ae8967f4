//! Every validator's attestation duty in an epoch, from the epoch's committee cache.

use primitives::types::{BeaconState, CommitteeIndex, Shard, Slot};
use primitives::{ChainConfig, EthSpec};

use super::DutyError;
use crate::BeaconStateError;
use crate::accessors::{CommitteeCache, get_start_shard};

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

/// The attestation duty of every validator, indexed by validator index.
pub(super) fn attester_duties<E: EthSpec>(
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
