//! Lookups and derived values shared by the handlers: states and blocks by their path ids,
//! block headers, dependent roots, and the JSON forms of values without a serde form.

use beacon::accessors::{get_block_root_at_slot, get_current_epoch};
use primitives::math::compute_start_slot_at_epoch;
use primitives::types::{
    BeaconBlockHeader, BeaconState, Epoch, Root, SignedBeaconBlock, SignedBeaconBlockHeader, Slot,
};
use primitives::{ChainConfig, EthSpec};
use tree_hash::TreeHash;

use super::BeaconNodeBackend;
use super::backend::{BlockAt, StateAt};
use crate::api::{ApiError, BlockId, StateId};

/// The state `text` names, or 400 (bad id) / 404 (unknown).
pub(super) fn state_by_id<B: BeaconNodeBackend>(
    backend: &B,
    text: &str,
) -> Result<StateAt<B::Spec>, ApiError> {
    let id: StateId = text.parse()?;
    backend
        .state(id)?
        .ok_or_else(|| ApiError::not_found(format!("state `{text}` not found")))
}

/// The block `text` names, or 400 (bad id) / 404 (unknown).
pub(super) fn block_by_id<B: BeaconNodeBackend>(
    backend: &B,
    text: &str,
) -> Result<BlockAt<B::Spec>, ApiError> {
    let id: BlockId = text.parse()?;
    backend
        .block(id)?
        .ok_or_else(|| ApiError::not_found(format!("block `{text}` not found")))
}

/// The signed header of a block.
pub(super) fn signed_header<E: EthSpec>(block: &SignedBeaconBlock<E>) -> SignedBeaconBlockHeader {
    let message = &block.message;
    SignedBeaconBlockHeader {
        message: BeaconBlockHeader {
            slot: message.slot,
            proposer_index: message.proposer_index,
            parent_root: message.parent_root,
            state_root: message.state_root,
            body_root: message.body.tree_hash_root(),
        },
        signature: block.signature,
    }
}

/// The root of the latest block a state has applied (its header with the state root filled
/// in, as `process_slot` does at the next slot).
pub(super) fn latest_block_root<E: EthSpec>(state: &BeaconState<E>, state_root: Root) -> Root {
    let mut header = state.latest_block_header.clone();
    if header.state_root == Root::ZERO {
        header.state_root = state_root;
    }
    header.tree_hash_root()
}

/// The current epoch of a state, as a 500 if the configuration cannot compute it.
pub(super) fn current_epoch<E: EthSpec>(
    state: &BeaconState<E>,
    config: &ChainConfig,
) -> Result<Epoch, ApiError> {
    get_current_epoch(state, config).map_err(|error| ApiError::internal(error.to_string()))
}

/// The first slot of `epoch`, or 400 when it overflows.
pub(super) fn epoch_start_slot(epoch: Epoch, config: &ChainConfig) -> Result<Slot, ApiError> {
    compute_start_slot_at_epoch(epoch, config)
        .map_err(|_| ApiError::bad_request(format!("epoch {epoch} is out of range")))
}

/// The dependent root of duties: `get_block_root_at_slot(state, compute_start_slot_at_epoch(
/// epoch) - 1)`, the genesis block root when that underflows, the state's latest block when the
/// slot is the state's own or later.
pub(super) fn dependent_root<E: EthSpec>(
    state: &StateAt<E>,
    epoch: Epoch,
    genesis_block_root: Root,
    config: &ChainConfig,
) -> Result<Root, ApiError> {
    let start = epoch_start_slot(epoch, config)?;
    let Some(slot) = start.checked_sub(1) else {
        return Ok(genesis_block_root);
    };
    if slot >= state.state.slot {
        return Ok(latest_block_root(&state.state, state.root));
    }
    get_block_root_at_slot(&state.state, slot).map_err(|error| {
        ApiError::not_found(format!(
            "the block root at slot {slot} is no longer in the state: {error}"
        ))
    })
}

/// `0x`-prefixed lower-case hex.
pub(super) fn hex0x(bytes: impl AsRef<[u8]>) -> String {
    format!("0x{}", hex::encode(bytes))
}

/// A `0x`-prefixed hex value of exactly `length` bytes, or 400 naming `what`.
pub(super) fn parse_hex(text: &str, length: usize, what: &str) -> Result<Vec<u8>, ApiError> {
    let digits = text.strip_prefix("0x").ok_or_else(|| {
        ApiError::bad_request(format!("invalid {what} `{text}`: expected 0x-prefixed hex"))
    })?;
    let bytes = hex::decode(digits)
        .map_err(|error| ApiError::bad_request(format!("invalid {what} `{text}`: {error}")))?;
    if bytes.len() != length {
        return Err(ApiError::bad_request(format!(
            "invalid {what} `{text}`: {} bytes, expected {length}",
            bytes.len()
        )));
    }
    Ok(bytes)
}
