//! What beacon and shard block proposers sign (`phase0/validator.md`, "Block proposal"; the
//! shard proposer's signature that `shard-transition.md` verifies).

use primitives::bls::SecretKey;
use primitives::math::compute_epoch_at_slot;
use primitives::types::{BeaconBlock, BeaconState, ShardBlock, SignatureBytes, Slot};
use primitives::{ChainConfig, EthSpec};

use super::{DutyError, SigningRoot};
use crate::accessors::get_domain;

/// The message of `get_epoch_signature`: the epoch of `slot` under `DOMAIN_RANDAO`, the
/// RANDAO reveal of a block at `slot`.
pub fn epoch_signing_root<E: EthSpec>(
    state: &BeaconState<E>,
    slot: Slot,
    config: &ChainConfig,
) -> Result<SigningRoot, DutyError> {
    let epoch = compute_epoch_at_slot(slot, config)?;
    let domain = get_domain(state, config.domain_randao, Some(epoch), config)?;
    Ok(SigningRoot::new(&epoch, domain))
}

/// `get_epoch_signature`: the RANDAO reveal of a block at `slot`.
pub fn sign_epoch<E: EthSpec>(
    state: &BeaconState<E>,
    slot: Slot,
    key: &SecretKey,
    config: &ChainConfig,
) -> Result<SignatureBytes, DutyError> {
    Ok(epoch_signing_root(state, slot, config)?.sign(key))
}

/// The message of `get_block_signature`: the block under `DOMAIN_BEACON_PROPOSER` at its
/// epoch.
pub fn block_signing_root<E: EthSpec>(
    state: &BeaconState<E>,
    block: &BeaconBlock<E>,
    config: &ChainConfig,
) -> Result<SigningRoot, DutyError> {
    let epoch = compute_epoch_at_slot(block.slot, config)?;
    let domain = get_domain(state, config.domain_beacon_proposer, Some(epoch), config)?;
    Ok(SigningRoot::new(block, domain))
}

/// `get_block_signature`: the proposer's signature of `block`.
pub fn sign_block<E: EthSpec>(
    state: &BeaconState<E>,
    block: &BeaconBlock<E>,
    key: &SecretKey,
    config: &ChainConfig,
) -> Result<SignatureBytes, DutyError> {
    Ok(block_signing_root(state, block, config)?.sign(key))
}

/// The message of a shard proposer's signature: the shard block under
/// `DOMAIN_SHARD_PROPOSAL` at its epoch, as `verify_shard_block_signature` checks it against
/// `beacon_parent_state`.
pub fn shard_block_signing_root<E: EthSpec>(
    beacon_parent_state: &BeaconState<E>,
    block: &ShardBlock<E>,
    config: &ChainConfig,
) -> Result<SigningRoot, DutyError> {
    let epoch = compute_epoch_at_slot(block.slot, config)?;
    let domain = get_domain(
        beacon_parent_state,
        config.domain_shard_proposal,
        Some(epoch),
        config,
    )?;
    Ok(SigningRoot::new(block, domain))
}

/// `get_shard_block_signature`: the shard proposer's signature of `block`.
pub fn sign_shard_block<E: EthSpec>(
    beacon_parent_state: &BeaconState<E>,
    block: &ShardBlock<E>,
    key: &SecretKey,
    config: &ChainConfig,
) -> Result<SignatureBytes, DutyError> {
    Ok(shard_block_signing_root(beacon_parent_state, block, config)?.sign(key))
}
