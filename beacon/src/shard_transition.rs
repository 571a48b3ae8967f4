//! The shard block state transition of phase 1 `shard-transition.md`: a shard block checked
//! against its parent beacon state and parent shard state, then applied to the shard state.
//!
//! The checks that need no beacon state and `process_shard_block` are the `crosslink` crate's;
//! this module reads their beacon inputs (the beacon parent root, the offset slots, the shard
//! proposer, the signing domain).

use crosslink::shard_block::{
    verify_shard_block_body, verify_shard_block_parents, verify_shard_block_proposer,
    verify_shard_block_slot,
};
use crosslink::{ShardBlockInvalid, ShardTransitionInvalid, process_shard_block};
use primitives::bls::{Signature, SignatureSet};
use primitives::math::compute_epoch_at_slot;
use primitives::signing::compute_signing_root;
use primitives::types::{
    BeaconState, Shard, ShardBlock, ShardState, ShardTransition, SignedShardBlock,
};
use primitives::{ChainConfig, EthSpec};
use tree_hash::TreeHash;

use crate::accessors::{
    compute_offset_slots, get_domain, get_latest_slot_for_shard, get_shard_proposer_index,
    shard_state,
};
use crate::signatures::{SignatureInvalid, VerifySignatures, validator_pubkey};
use crate::{BeaconStateError, GENESIS_SLOT};

/// Why a shard block was not applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShardBlockError {
    /// The block breaks a rule of `verify_shard_block_message` or overflows the gas price.
    #[error("{0}")]
    Invalid(#[from] ShardBlockInvalid),
    /// The proposer's signature is refused.
    #[error("signature: {0}")]
    BadSignature(SignatureInvalid),
    /// The beacon parent state could not answer.
    #[error(transparent)]
    State(#[from] BeaconStateError),
}

impl ShardBlockError {
    /// Whether the fault lies with whoever sent the block.
    pub fn is_bad_data(&self) -> bool {
        !matches!(self, Self::State(_))
    }
}

/// `verify_shard_block_message`: the block builds on the shard's latest block and on the
/// beacon parent block, sits at an offset slot of its shard, names the slot's shard proposer
/// and has a body of 1 to `MAX_SHARD_BLOCK_SIZE` bytes.
pub fn verify_shard_block_message<E: EthSpec>(
    beacon_parent_state: &BeaconState<E>,
    shard_parent_state: &ShardState,
    block: &ShardBlock<E>,
    config: &ChainConfig,
) -> Result<(), ShardBlockError> {
    let mut beacon_parent_header = beacon_parent_state.latest_block_header.clone();
    // The header of the state's own block has its state root filled in by the next slot.
    if beacon_parent_header.state_root.is_zero() {
        beacon_parent_header.state_root = beacon_parent_state.tree_hash_root();
    }
    verify_shard_block_parents(
        block,
        shard_parent_state,
        beacon_parent_header.tree_hash_root(),
    )?;
    let shard = block.shard;
    let latest_slot = get_latest_slot_for_shard(beacon_parent_state, shard)
        .map_err(|_| ShardBlockInvalid::UnknownShard { shard })?;
    let next_slot = block
        .slot
        .checked_add(1)
        .ok_or(ShardBlockInvalid::NotAnOffsetSlot { slot: block.slot })?;
    verify_shard_block_slot(block, &compute_offset_slots(latest_slot, next_slot, config))?;
    let proposer = get_shard_proposer_index(beacon_parent_state, block.slot, shard, config)?;
    verify_shard_block_proposer(block, proposer)?;
    verify_shard_block_body(block, config)?;
    Ok(())
}

/// `verify_shard_block_signature`: the proposer signed the block under `DOMAIN_SHARD_PROPOSAL`
/// at the block's epoch, checked as `verify` says.
pub fn verify_shard_block_signature<E: EthSpec>(
    beacon_parent_state: &BeaconState<E>,
    signed_block: &SignedShardBlock<E>,
    verify: &mut VerifySignatures<'_>,
    config: &ChainConfig,
) -> Result<(), ShardBlockError> {
    let block = &signed_block.message;
    verify
        .check(|| {
            let epoch = compute_epoch_at_slot(block.slot, config)
                .map_err(|e| SignatureInvalid::NoDomain(e.into()))?;
            let domain = get_domain(
                beacon_parent_state,
                config.domain_shard_proposal,
                Some(epoch),
                config,
            )
            .map_err(SignatureInvalid::NoDomain)?;
            Ok(SignatureSet::single_pubkey(
                Signature::from_bytes(&signed_block.signature)
                    .map_err(SignatureInvalid::Malformed)?,
                validator_pubkey(beacon_parent_state, block.proposer_index)?,
                compute_signing_root(block, domain),
            ))
        })
        .map_err(ShardBlockError::BadSignature)
}

/// `shard_state_transition`: verifies the block's message and (unless `verify` skips
/// signatures, the spec's `validate_result=False`) its signature, then applies
/// `process_shard_block`. On error `shard_state` is unchanged.
pub fn shard_state_transition<E: EthSpec>(
    shard_state: &mut ShardState,
    signed_block: &SignedShardBlock<E>,
    beacon_parent_state: &BeaconState<E>,
    verify: &mut VerifySignatures<'_>,
    config: &ChainConfig,
) -> Result<(), ShardBlockError> {
    verify_shard_block_message(
        beacon_parent_state,
        shard_state,
        &signed_block.message,
        config,
    )?;
    verify_shard_block_signature(beacon_parent_state, signed_block, verify, config)?;
    process_shard_block(shard_state, &signed_block.message, config)
        .map_err(ShardBlockInvalid::from)?;
    Ok(())
}

/// `get_shard_transition` (phase 1 `validator.md`): the transition an attester of `shard`
/// votes for, from the shard blocks since the shard's last crosslink, for inclusion at the
/// slot after `beacon_state`'s. Empty at `GENESIS_SLOT`.
pub fn get_shard_transition<E: EthSpec>(
    beacon_state: &BeaconState<E>,
    shard: Shard,
    shard_blocks: &[SignedShardBlock<E>],
    config: &ChainConfig,
) -> Result<ShardTransition<E>, ShardTransitionError> {
    // PHASE_1_FORK_SLOT is GENESIS_SLOT here, as in the spec's vectors.
    if beacon_state.slot == GENESIS_SLOT {
        return Ok(ShardTransition::default());
    }
    let latest_slot = get_latest_slot_for_shard(beacon_state, shard)?;
    let end = beacon_state
        .slot
        .checked_add(1)
        .ok_or(BeaconStateError::Overflow { what: "slot + 1" })?;
    let offset_slots = compute_offset_slots(latest_slot, end, config);
    let pre = shard_state(beacon_state, shard)?;
    Ok(crosslink::get_shard_transition(
        pre,
        shard,
        &offset_slots,
        shard_blocks,
        config,
    )?)
}

/// Why an attester could not build a shard transition.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShardTransitionError {
    /// The blocks do not make a transition (a bad signature, an overflow, no offset slot).
    #[error("{0}")]
    Invalid(#[from] ShardTransitionInvalid),
    /// The beacon state could not answer.
    #[error(transparent)]
    State(#[from] BeaconStateError),
}
