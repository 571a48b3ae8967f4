//! The spec's `on_attestation` and its helpers, and the equivocation handling adopted from the
//! later spec (`on_attester_slashing`).

use primitives::EthSpec;
use primitives::types::{AttestationData, IndexedAttestation, ValidatorIndex};

use crate::fork_choice::error::{ForkChoiceError, InvalidAttestation};
use crate::fork_choice::store::{ForkChoiceStore, ShardLatestMessage};

impl ForkChoiceStore {
    /// `validate_on_attestation`: the rules that need no state.
    pub fn validate_on_attestation(&self, data: &AttestationData) -> Result<(), ForkChoiceError> {
        let target = &data.target;
        let current_slot = self.get_current_slot()?;
        let current_epoch = self.epoch_at(current_slot)?;
        let previous_epoch = current_epoch.saturating_sub(1);
        if target.epoch != current_epoch && target.epoch != previous_epoch {
            return Err(InvalidAttestation::TargetEpochNotCurrentOrPrevious {
                target_epoch: target.epoch,
                current_epoch,
            }
            .into());
        }
        let slot_epoch = self.epoch_at(data.slot)?;
        if target.epoch != slot_epoch {
            return Err(InvalidAttestation::TargetEpochMismatch {
                target_epoch: target.epoch,
                slot_epoch,
            }
            .into());
        }
        if !self.proto_array.contains_block(&target.root) {
            return Err(InvalidAttestation::UnknownTargetRoot(target.root).into());
        }
        let block = self
            .proto_array
            .node(&data.beacon_block_root)
            .ok_or(InvalidAttestation::UnknownHeadBlock(data.beacon_block_root))?;
        if block.slot > data.slot {
            return Err(InvalidAttestation::HeadBlockFromFuture {
                block_slot: block.slot,
                attestation_slot: data.slot,
            }
            .into());
        }
        let target_slot = self.start_slot(target.epoch)?;
        if self
            .proto_array
            .get_ancestor(&data.beacon_block_root, target_slot)
            != Some(target.root)
        {
            return Err(InvalidAttestation::TargetNotAncestorOfHead {
                target_root: target.root,
            }
            .into());
        }
        if current_slot <= data.slot {
            return Err(InvalidAttestation::NotYetAttestable {
                attestation_slot: data.slot,
                current_slot,
            }
            .into());
        }
        Ok(())
    }

    /// `on_attestation`, for an indexed attestation the caller verified against the target
    /// checkpoint state.
    pub fn on_attestation<E: EthSpec>(
        &mut self,
        attestation: &IndexedAttestation<E>,
    ) -> Result<(), ForkChoiceError> {
        self.validate_on_attestation(&attestation.data)?;
        self.update_latest_messages(&attestation.attesting_indices, &attestation.data)
    }

    /// `update_latest_messages` (phase 1): a newer target epoch replaces a validator's beacon
    /// and shard latest messages; equivocators are skipped.
    pub fn update_latest_messages(
        &mut self,
        attesting_indices: &[ValidatorIndex],
        data: &AttestationData,
    ) -> Result<(), ForkChoiceError> {
        let epoch = data.target.epoch;
        for &index in attesting_indices {
            if self
                .votes
                .process_attestation(index, data.beacon_block_root, epoch)?
            {
                self.shard_latest_messages
                    .entry(data.shard)
                    .or_default()
                    .insert(
                        index,
                        ShardLatestMessage {
                            epoch,
                            root: data.shard_head_root,
                        },
                    );
            }
        }
        Ok(())
    }

    /// `on_attester_slashing` (adopted from the later spec): validators in both attestations of
    /// a slashing the caller verified become equivocators.
    pub fn on_attester_slashing<E: EthSpec>(
        &mut self,
        attestation_1: &IndexedAttestation<E>,
        attestation_2: &IndexedAttestation<E>,
    ) -> Result<(), ForkChoiceError> {
        for index in attestation_1.attesting_indices.iter() {
            if attestation_2.attesting_indices.contains(index) {
                self.votes.mark_equivocating(*index)?;
            }
        }
        Ok(())
    }

    /// Marks one validator as equivocating (e.g. found slashed by other means).
    pub fn mark_equivocating(
        &mut self,
        validator_index: ValidatorIndex,
    ) -> Result<(), ForkChoiceError> {
        self.votes.mark_equivocating(validator_index)
    }
}
