//! The attester's vote and its signature (`phase0/validator.md` "Attesting", with the phase 1
//! shard fields of `phase1/validator.md`).

use primitives::bls::SecretKey;
use primitives::math::compute_start_slot_at_epoch;
use primitives::types::{
    Attestation, AttestationData, AttestationSubnetCount, BeaconState, Checkpoint, CommitteeIndex,
    Root, ShardTransition, SignatureBytes, SignedShardBlock, Slot, ValidatorIndex,
};
use primitives::{ChainConfig, EthSpec};
use ssz_types::BitList;
use tree_hash::TreeHash;
use typenum::Unsigned;

use super::{DutyError, SigningRoot};
use crate::accessors::{
    compute_shard_from_committee_index, get_block_root, get_current_epoch, get_domain,
};
use crate::shard_transition::get_shard_transition;
use crate::{BeaconStateError, GENESIS_SLOT};

/// An honest attester's vote: the `AttestationData` it signs, and the full `ShardTransition`
/// whose root it holds, which the `FullAttestation` sent on the network carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttesterVote<E: EthSpec> {
    /// The data to sign.
    pub data: AttestationData,
    /// The transition of `data.shard` whose root is `data.shard_transition_root`.
    pub shard_transition: ShardTransition<E>,
}

/// The attestation data of committee `index` at the slot of `head_state`, the honest attester's
/// choice in `phase1/validator.md` ("Attestation data").
///
/// `head_state` is the state of the fork choice's head block (whose root is `head_block_root`)
/// advanced through empty slots to the assigned slot. `shard_head_root` is the root of the
/// shard fork choice's head of the committee's shard, and `shard_blocks` are the shard blocks
/// after the shard's latest crosslink up to it (`get_pending_shard_blocks`). The target is the
/// block at the current epoch's start, or the head when the head is at that slot.
pub fn get_attestation_data<E: EthSpec>(
    head_state: &BeaconState<E>,
    head_block_root: Root,
    index: CommitteeIndex,
    shard_head_root: Root,
    shard_blocks: &[SignedShardBlock<E>],
    config: &ChainConfig,
) -> Result<AttesterVote<E>, DutyError> {
    let slot = head_state.slot;
    let epoch = get_current_epoch(head_state, config)?;
    let start_slot = compute_start_slot_at_epoch(epoch, config)?;
    let epoch_boundary_block_root = if start_slot == slot {
        head_block_root
    } else {
        get_block_root(head_state, epoch, config)?
    };
    let shard = compute_shard_from_committee_index(head_state, index, slot, config)?;
    let shard_transition = get_shard_transition(head_state, shard, shard_blocks, config)?;
    let data = AttestationData {
        slot,
        index,
        beacon_block_root: head_block_root,
        source: head_state.current_justified_checkpoint.clone(),
        target: Checkpoint {
            epoch,
            root: epoch_boundary_block_root,
        },
        shard,
        shard_head_root: if slot == GENESIS_SLOT {
            Root::ZERO
        } else {
            shard_head_root
        },
        shard_transition_root: shard_transition.tree_hash_root(),
    };
    Ok(AttesterVote {
        data,
        shard_transition,
    })
}

/// The message of `get_attestation_signature`: the data under `DOMAIN_BEACON_ATTESTER` at
/// the target epoch.
pub fn attestation_signing_root<E: EthSpec>(
    state: &BeaconState<E>,
    data: &AttestationData,
    config: &ChainConfig,
) -> Result<SigningRoot, DutyError> {
    let domain = get_domain(
        state,
        config.domain_beacon_attester,
        Some(data.target.epoch),
        config,
    )?;
    Ok(SigningRoot::new(data, domain))
}

/// `get_attestation_signature`: the attester's signature of `data`.
pub fn sign_attestation<E: EthSpec>(
    state: &BeaconState<E>,
    data: &AttestationData,
    key: &SecretKey,
    config: &ChainConfig,
) -> Result<SignatureBytes, DutyError> {
    Ok(attestation_signing_root(state, data, config)?.sign(key))
}

/// The single attester's `Attestation` ("Construct attestation"): bits of the committee's
/// length with only the validator's own set, and its signature.
pub fn get_unaggregated_attestation<E: EthSpec>(
    data: AttestationData,
    committee: &[ValidatorIndex],
    validator_index: ValidatorIndex,
    signature: SignatureBytes,
) -> Result<Attestation<E>, DutyError> {
    let position = committee
        .iter()
        .position(|member| *member == validator_index)
        .ok_or(DutyError::NotInCommittee { validator_index })?;
    let too_long = BeaconStateError::ListFull {
        what: "Attestation.aggregation_bits",
    };
    let mut aggregation_bits =
        BitList::with_capacity(committee.len()).map_err(|_| too_long.clone())?;
    aggregation_bits.set(position, true).map_err(|_| too_long)?;
    Ok(Attestation {
        aggregation_bits,
        data,
        signature,
    })
}

/// `compute_subnet_for_attestation`: the attestation subnet of committee `committee_index` at
/// `slot`, with `committees_per_slot` committees in each slot of its epoch.
pub fn compute_subnet_for_attestation(
    committees_per_slot: u64,
    slot: Slot,
    committee_index: CommitteeIndex,
    config: &ChainConfig,
) -> Result<u64, DutyError> {
    slot.checked_rem(config.slots_per_epoch)
        .and_then(|slots_since_epoch_start| {
            committees_per_slot.checked_mul(slots_since_epoch_start)
        })
        .and_then(|c| c.checked_add(committee_index))
        .and_then(|c| c.checked_rem(AttestationSubnetCount::to_u64()))
        .ok_or(
            BeaconStateError::Overflow {
                what: "subnet of an attestation (or a zero SLOTS_PER_EPOCH)",
            }
            .into(),
        )
}
