//! Committee caches: one epoch's beacon committees from a single whole-list shuffle, and the
//! caches of the epochs a block's attestations may target.

use std::collections::BTreeSet;

use primitives::shuffling::CommitteeShuffling;
use primitives::types::{
    Attestation, AttestationData, BeaconState, Bytes32, CommitteeIndex, Epoch, IndexedAttestation,
    Slot, ValidatorIndex,
};
use primitives::{ChainConfig, EthSpec};
use ssz_types::BitList;

use super::committees::{attesting_members, committee_count_per_slot, indexed_attestation};
use super::{get_active_validator_indices, get_seed};
use crate::BeaconStateError;

/// One epoch's beacon committees from a single shuffle of its active validators.
///
/// Gives the same committees as [`get_beacon_committee`](super::get_beacon_committee) for every slot of its epoch, at the
/// cost of one whole-list shuffle instead of one shuffle per member. It depends on which
/// validators are active in its epoch and on the RANDAO mix of the seed. Block operations
/// change neither for the previous, current or next epoch (exits take effect later than that,
/// deposited validators are not active, and the seed's mix is older than the one a block
/// updates), so a cache built before a block serves all of the block's operations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitteeCache {
    shuffling: CommitteeShuffling,
}

impl CommitteeCache {
    /// Shuffles the validators active at `epoch`.
    pub fn new<E: EthSpec>(
        state: &BeaconState<E>,
        epoch: Epoch,
        config: &ChainConfig,
    ) -> Result<Self, BeaconStateError> {
        let indices = get_active_validator_indices(state, epoch);
        let committees_per_slot = committee_count_per_slot(indices.len() as u64, state, config)?;
        let seed = get_seed(state, epoch, config.domain_beacon_attester, config)?;
        let shuffling = CommitteeShuffling::new(epoch, indices, seed, committees_per_slot, config)?;
        Ok(Self { shuffling })
    }

    /// The seed the epoch was shuffled with.
    pub fn seed(&self) -> &Bytes32 {
        self.shuffling.seed()
    }

    /// The epoch.
    pub fn epoch(&self) -> Epoch {
        self.shuffling.epoch()
    }

    /// `get_committee_count_per_slot` of the epoch.
    pub fn committees_per_slot(&self) -> u64 {
        self.shuffling.committees_per_slot()
    }

    /// `get_beacon_committee(state, slot, index)` for a slot of this epoch.
    pub fn get_beacon_committee(
        &self,
        slot: Slot,
        index: CommitteeIndex,
    ) -> Result<&[ValidatorIndex], BeaconStateError> {
        Ok(self.shuffling.beacon_committee(slot, index)?)
    }

    /// `get_attesting_indices(state, data, bits)` for an attestation of this epoch.
    pub fn get_attesting_indices<E: EthSpec>(
        &self,
        data: &AttestationData,
        bits: &BitList<E::MaxValidatorsPerCommittee>,
    ) -> Result<BTreeSet<ValidatorIndex>, BeaconStateError> {
        attesting_members::<E>(self.get_beacon_committee(data.slot, data.index)?, bits)
    }

    /// `get_indexed_attestation(state, attestation)` for an attestation of this epoch.
    pub fn get_indexed_attestation<E: EthSpec>(
        &self,
        attestation: &Attestation<E>,
    ) -> Result<IndexedAttestation<E>, BeaconStateError> {
        let indices =
            self.get_attesting_indices::<E>(&attestation.data, &attestation.aggregation_bits)?;
        indexed_attestation(indices, attestation)
    }
}

/// The committee caches of a block: one per epoch asked for, each built on first use.
///
/// A block's attestations target the previous or the current epoch, so a block builds at most
/// two shuffles however many attestations it holds. A cache found for an epoch is used only if
/// the state still gives the seed it was shuffled with; the caller keeps one `CommitteeCaches`
/// for the operations of one block (see [`CommitteeCache`] for why they cannot change the
/// committees) and starts afresh for the next.
#[derive(Debug, Clone, Default)]
pub struct CommitteeCaches {
    caches: Vec<CommitteeCache>,
}

impl CommitteeCaches {
    /// No cache yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// The cache of `epoch`, built now if there is none with the state's seed.
    pub fn get<E: EthSpec>(
        &mut self,
        state: &BeaconState<E>,
        epoch: Epoch,
        config: &ChainConfig,
    ) -> Result<&CommitteeCache, BeaconStateError> {
        let seed = get_seed(state, epoch, config.domain_beacon_attester, config)?;
        let found = self
            .caches
            .iter()
            .position(|c| c.epoch() == epoch && *c.seed() == seed);
        let position = match found {
            Some(position) => position,
            None => {
                self.caches.retain(|c| c.epoch() != epoch);
                self.caches.push(CommitteeCache::new(state, epoch, config)?);
                self.caches.len().saturating_sub(1)
            }
        };
        self.caches
            .get(position)
            .ok_or(BeaconStateError::MissingEntry {
                what: "committee caches",
                index: epoch,
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accessors::committees::tests::state_with;
    use crate::accessors::{get_beacon_committee, get_committee_count_per_slot};
    use primitives::PresetName;

    #[test]
    fn cache_agrees_with_the_spec_form() {
        let config = ChainConfig::preset(PresetName::Minimal);
        let state = state_with(200);
        // 200 // 8 // 4 = 6 committees per slot, capped by the 2 active shards of minimal.
        assert_eq!(get_committee_count_per_slot(&state, 2, &config), Ok(2));
        let cache = CommitteeCache::new(&state, 2, &config).unwrap();
        let mut members = Vec::new();
        for slot in 16..24 {
            for index in 0..cache.committees_per_slot() {
                let spec = get_beacon_committee(&state, slot, index, &config).unwrap();
                assert_eq!(
                    cache.get_beacon_committee(slot, index).unwrap(),
                    spec.as_slice()
                );
                members.extend(spec);
            }
            assert!(get_beacon_committee(&state, slot, 2, &config).is_err());
            assert!(cache.get_beacon_committee(slot, 2).is_err());
        }
        members.sort_unstable();
        assert_eq!(members, (0..200).collect::<Vec<_>>());
        assert!(cache.get_beacon_committee(24, 0).is_err());
    }

    #[test]
    fn caches_are_rebuilt_when_the_seed_changes() {
        let config = ChainConfig::preset(PresetName::Minimal);
        let mut state = state_with(100);
        let mut caches = CommitteeCaches::new();
        let first = caches.get(&state, 2, &config).unwrap().clone();
        assert_eq!(caches.get(&state, 2, &config).unwrap(), &first);
        caches.get(&state, 1, &config).unwrap();
        assert_eq!(caches.caches.len(), 2);
        // The seed of epoch 2 reads the mix of epoch 2 + 64 - 1 - 1 = 64, slot 0 of the vector.
        state.randao_mixes[0] = Bytes32::repeat_byte(0xee);
        let rebuilt = caches.get(&state, 2, &config).unwrap().clone();
        assert_ne!(rebuilt.seed(), first.seed());
        assert_eq!(rebuilt, CommitteeCache::new(&state, 2, &config).unwrap());
        assert_eq!(caches.caches.len(), 2);
    }
}
