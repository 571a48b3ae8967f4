//! Committees: the spec's `compute_committee`, and every committee of an epoch cut from one
//! whole-list shuffle.

use super::{ShuffleError, compute_shuffled_index, shuffle_list};
use crate::config::ChainConfig;
use crate::types::{Bytes32, CommitteeIndex, Epoch, Slot, ValidatorIndex};

/// The bounds `[start, end)` of committee `index` of `count` over a list of `len`, as
/// `compute_committee` sets them: `len * index // count` and `len * (index + 1) // count`.
fn committee_bounds(len: u64, index: u64, count: u64) -> Result<(u64, u64), ShuffleError> {
    if count == 0 {
        return Err(ShuffleError::ZeroCommitteeCount);
    }
    if index >= count {
        return Err(ShuffleError::CommitteeIndexOutOfRange { index, count });
    }
    let bound = |i: u64| {
        len.checked_mul(i)
            .and_then(|product| product.checked_div(count))
            .ok_or(ShuffleError::Overflow {
                what: "len(indices) * committee index",
            })
    };
    // index < count, so index + 1 does not saturate.
    Ok((bound(index)?, bound(index.saturating_add(1))?))
}

fn list_len(len: usize) -> Result<u64, ShuffleError> {
    u64::try_from(len).map_err(|_| ShuffleError::ListTooLong { len: u64::MAX })
}

/// `compute_committee`: committee `index` of `count` over `indices` shuffled with `seed`.
///
/// Shuffles one index at a time, as the spec does; [`CommitteeShuffling`] gives the same
/// committees from one shuffle of the whole list.
pub fn compute_committee(
    indices: &[ValidatorIndex],
    seed: &Bytes32,
    index: u64,
    count: u64,
    shuffle_round_count: u64,
) -> Result<Vec<ValidatorIndex>, ShuffleError> {
    let len = list_len(indices.len())?;
    let (start, end) = committee_bounds(len, index, count)?;
    (start..end)
        .map(|i| {
            let shuffled = compute_shuffled_index(i, len, seed, shuffle_round_count)?;
            usize::try_from(shuffled)
                .ok()
                .and_then(|at| indices.get(at))
                .copied()
                .ok_or(ShuffleError::IndexOutOfRange {
                    index: shuffled,
                    index_count: len,
                })
        })
        .collect()
}

/// The beacon committees of one epoch, from one backwards shuffle of its active validators.
///
/// Holds `[indices[compute_shuffled_index(i)] for i in 0..n]`; every `compute_committee` of the
/// epoch is a contiguous slice of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitteeShuffling {
    epoch: Epoch,
    seed: Bytes32,
    committees_per_slot: u64,
    slots_per_epoch: u64,
    committee_count: u64,
    shuffled: Vec<ValidatorIndex>,
}

impl CommitteeShuffling {
    /// Shuffles the epoch's active validators.
    ///
    /// `active_indices` is `get_active_validator_indices(state, epoch)`, `seed` is
    /// `get_seed(state, epoch, DOMAIN_BEACON_ATTESTER)` and `committees_per_slot` is
    /// `get_committee_count_per_slot(state, epoch)`.
    pub fn new(
        epoch: Epoch,
        mut active_indices: Vec<ValidatorIndex>,
        seed: Bytes32,
        committees_per_slot: u64,
        config: &ChainConfig,
    ) -> Result<Self, ShuffleError> {
        let slots_per_epoch = config.slots_per_epoch;
        if slots_per_epoch == 0 {
            return Err(ShuffleError::ZeroSlotsPerEpoch);
        }
        if committees_per_slot == 0 {
            return Err(ShuffleError::ZeroCommitteeCount);
        }
        let committee_count =
            committees_per_slot
                .checked_mul(slots_per_epoch)
                .ok_or(ShuffleError::Overflow {
                    what: "committees_per_slot * SLOTS_PER_EPOCH",
                })?;
        shuffle_list(
            &mut active_indices,
            config.shuffle_round_count,
            &seed,
            false,
        )?;
        Ok(Self {
            epoch,
            seed,
            committees_per_slot,
            slots_per_epoch,
            committee_count,
            shuffled: active_indices,
        })
    }

    /// The epoch.
    pub fn epoch(&self) -> Epoch {
        self.epoch
    }

    /// The seed the validators were shuffled with.
    pub fn seed(&self) -> &Bytes32 {
        &self.seed
    }

    /// Committees per slot.
    pub fn committees_per_slot(&self) -> u64 {
        self.committees_per_slot
    }

    /// Committees in the epoch: `committees_per_slot * SLOTS_PER_EPOCH`.
    pub fn committee_count(&self) -> u64 {
        self.committee_count
    }

    /// The shuffled active validators, committee after committee.
    pub fn shuffled_indices(&self) -> &[ValidatorIndex] {
        &self.shuffled
    }

    /// `compute_committee(indices, seed, index, count)` over this epoch's indices and seed.
    pub fn committee(&self, index: u64, count: u64) -> Result<&[ValidatorIndex], ShuffleError> {
        let len = list_len(self.shuffled.len())?;
        let (start, end) = committee_bounds(len, index, count)?;
        // Both bounds are at most len, which came from a usize.
        let range = usize::try_from(start).unwrap_or(usize::MAX)
            ..usize::try_from(end).unwrap_or(usize::MAX);
        self.shuffled
            .get(range)
            .ok_or(ShuffleError::CommitteeIndexOutOfRange { index, count })
    }

    /// `get_beacon_committee(state, slot, index)`.
    pub fn beacon_committee(
        &self,
        slot: Slot,
        index: CommitteeIndex,
    ) -> Result<&[ValidatorIndex], ShuffleError> {
        let slot_in_epoch = self.slot_in_epoch(slot)?;
        if index >= self.committees_per_slot {
            return Err(ShuffleError::CommitteeIndexOutOfRange {
                index,
                count: self.committees_per_slot,
            });
        }
        // slot_in_epoch < SLOTS_PER_EPOCH and index < committees_per_slot, so the position is
        // below committee_count, whose product was checked in `new`.
        let position = slot_in_epoch
            .saturating_mul(self.committees_per_slot)
            .saturating_add(index);
        self.committee(position, self.committee_count)
    }

    /// The beacon committees of `slot`, in committee index order.
    pub fn beacon_committees_at_slot(
        &self,
        slot: Slot,
    ) -> Result<Vec<&[ValidatorIndex]>, ShuffleError> {
        (0..self.committees_per_slot)
            .map(|index| self.beacon_committee(slot, index))
            .collect()
    }

    /// `slot % SLOTS_PER_EPOCH`, once `slot` is known to be in this epoch.
    fn slot_in_epoch(&self, slot: Slot) -> Result<u64, ShuffleError> {
        let not_in_epoch = ShuffleError::SlotNotInEpoch {
            slot,
            epoch: self.epoch,
        };
        let epoch = slot
            .checked_div(self.slots_per_epoch)
            .ok_or(ShuffleError::ZeroSlotsPerEpoch)?;
        if epoch != self.epoch {
            return Err(not_in_epoch);
        }
        slot.checked_rem(self.slots_per_epoch)
            .ok_or(ShuffleError::ZeroSlotsPerEpoch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::PresetName;

    fn minimal() -> ChainConfig {
        ChainConfig::preset(PresetName::Minimal)
    }

    #[test]
    fn committees_match_compute_committee_and_partition_the_validators() {
        let config = minimal();
        let seed = Bytes32::repeat_byte(0x42);
        // Active indices need not be contiguous.
        let active: Vec<u64> = (0..203).map(|i| i * 3 + 1).collect();
        let epoch = 5;
        let per_slot = 3;
        let shuffling =
            CommitteeShuffling::new(epoch, active.clone(), seed, per_slot, &config).unwrap();
        assert_eq!(shuffling.committee_count(), 24);

        let mut members = Vec::new();
        for slot in 40..48 {
            let at_slot = shuffling.beacon_committees_at_slot(slot).unwrap();
            assert_eq!(at_slot.len(), 3);
            for (index, committee) in at_slot.into_iter().enumerate() {
                let position = (slot % 8) * per_slot + index as u64;
                let expected =
                    compute_committee(&active, &seed, position, 24, config.shuffle_round_count)
                        .unwrap();
                assert_eq!(committee, expected.as_slice(), "slot {slot} index {index}");
                // 203 / 24 rounds to committees of 8 or 9.
                assert!((8..=9).contains(&committee.len()));
                members.extend_from_slice(committee);
            }
        }
        assert_eq!(members, shuffling.shuffled_indices());
        members.sort_unstable();
        assert_eq!(members, active);
    }

    #[test]
    fn refuses_slots_and_indices_outside_the_epoch() {
        let config = minimal();
        let shuffling =
            CommitteeShuffling::new(2, (0..64).collect(), Bytes32::ZERO, 2, &config).unwrap();
        assert_eq!(
            shuffling.beacon_committee(15, 0),
            Err(ShuffleError::SlotNotInEpoch { slot: 15, epoch: 2 })
        );
        assert_eq!(
            shuffling.beacon_committee(24, 0),
            Err(ShuffleError::SlotNotInEpoch { slot: 24, epoch: 2 })
        );
        assert_eq!(
            shuffling.beacon_committee(16, 2),
            Err(ShuffleError::CommitteeIndexOutOfRange { index: 2, count: 2 })
        );
        assert_eq!(shuffling.beacon_committee(23, 1).unwrap().len(), 4);
        assert_eq!(
            shuffling.committee(16, 16),
            Err(ShuffleError::CommitteeIndexOutOfRange {
                index: 16,
                count: 16
            })
        );
        assert_eq!(
            shuffling.committee(0, 0),
            Err(ShuffleError::ZeroCommitteeCount)
        );
    }

    #[test]
    fn refuses_bad_parameters() {
        let mut config = minimal();
        assert_eq!(
            CommitteeShuffling::new(0, vec![1, 2], Bytes32::ZERO, 0, &config),
            Err(ShuffleError::ZeroCommitteeCount)
        );
        assert_eq!(
            CommitteeShuffling::new(0, vec![1, 2], Bytes32::ZERO, u64::MAX, &config),
            Err(ShuffleError::Overflow {
                what: "committees_per_slot * SLOTS_PER_EPOCH"
            })
        );
        config.slots_per_epoch = 0;
        assert_eq!(
            CommitteeShuffling::new(0, vec![1, 2], Bytes32::ZERO, 1, &config),
            Err(ShuffleError::ZeroSlotsPerEpoch)
        );
    }

    #[test]
    fn empty_validator_set_gives_empty_committees() {
        let shuffling =
            CommitteeShuffling::new(0, Vec::new(), Bytes32::ZERO, 1, &minimal()).unwrap();
        assert_eq!(shuffling.beacon_committee(3, 0), Ok(&[][..]));
        assert_eq!(
            compute_committee(&[], &Bytes32::ZERO, 0, 8, 10),
            Ok(Vec::new())
        );
    }

    #[test]
    fn compute_committee_reports_overflow() {
        let indices: Vec<u64> = (0..10).collect();
        assert_eq!(
            compute_committee(&indices, &Bytes32::ZERO, u64::MAX - 1, u64::MAX, 10),
            Err(ShuffleError::Overflow {
                what: "len(indices) * committee index"
            })
        );
    }
}
