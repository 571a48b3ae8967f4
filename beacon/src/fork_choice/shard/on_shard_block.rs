//! The spec's `on_shard_block`: a shard block joins its shard's store once it builds on known
//! shard and beacon blocks on the finalized chain and passes `shard_state_transition`.

use primitives::math::compute_start_slot_at_epoch;
use primitives::types::{BeaconState, Root, SignedShardBlock};
use primitives::{ChainConfig, EthSpec};
use tree_hash::TreeHash;

use crate::fork_choice::ForkChoiceStore;
use crate::fork_choice::shard::{ShardForkChoiceError, ShardStore, shard_state_of};
use crate::shard_transition::shard_state_transition;
use crate::signatures::VerifySignatures;

/// `on_shard_block`: checks `signed_shard_block` and adds it and its post-state to
/// `shard_store`; returns its root. On error the shard store is unchanged.
///
/// The caller supplies the states the spec reads from `store.block_states`:
/// `beacon_parent_state` is the post-state of `block.beacon_parent_root` (a different state is
/// refused by `verify_shard_block_message`, which checks the root), `finalized_state` that of
/// `store.finalized_checkpoint().root` (not checked: hashing it on every block is costly).
/// The proposer's signature is always checked (the spec's `validate_result=True`).
pub fn on_shard_block<E: EthSpec>(
    store: &ForkChoiceStore,
    shard_store: &mut ShardStore<E>,
    signed_shard_block: &SignedShardBlock<E>,
    beacon_parent_state: &BeaconState<E>,
    finalized_state: &BeaconState<E>,
    config: &ChainConfig,
) -> Result<Root, ShardForkChoiceError> {
    let block = &signed_shard_block.message;
    let block_root = block.tree_hash_root();
    if block.shard != shard_store.shard {
        return Err(ShardForkChoiceError::WrongShard {
            block_shard: block.shard,
            store_shard: shard_store.shard,
        });
    }
    let shard_parent_state = shard_store
        .block_states
        .get(&block.shard_parent_root)
        .ok_or(ShardForkChoiceError::UnknownShardParent {
            block_root,
            shard_parent_root: block.shard_parent_root,
        })?;
    if block.slot <= shard_parent_state.slot {
        return Err(ShardForkChoiceError::NotAfterShardParent {
            slot: block.slot,
            parent_slot: shard_parent_state.slot,
        });
    }
    if !store
        .proto_array()
        .contains_block(&block.beacon_parent_root)
    {
        return Err(ShardForkChoiceError::UnknownBeaconParent {
            block_root,
            beacon_parent_root: block.beacon_parent_root,
        });
    }

    // Cheaper than the ancestor walk, and refuses blocks the finalized chain has crosslinked
    // past.
    let finalized_slot = shard_state_of(finalized_state, block.shard)?.slot;
    if block.slot <= finalized_slot {
        return Err(ShardForkChoiceError::NotAfterFinalizedShardSlot {
            slot: block.slot,
            finalized_slot,
        });
    }
    let finalized = store.finalized_checkpoint();
    let finalized_start_slot = compute_start_slot_at_epoch(finalized.epoch, config)?;
    if store
        .proto_array()
        .get_ancestor(&block.beacon_parent_root, finalized_start_slot)
        != Some(finalized.root)
    {
        return Err(ShardForkChoiceError::NotDescendantOfFinalized { block_root });
    }

    let mut shard_state = shard_parent_state.clone();
    shard_state_transition(
        &mut shard_state,
        signed_shard_block,
        beacon_parent_state,
        &mut VerifySignatures::Individually,
        config,
    )
    .map_err(|reason| ShardForkChoiceError::InvalidBlock { block_root, reason })?;

    // The signed block is kept for `ShardTransition.proposer_signature_aggregate`.
    shard_store
        .signed_blocks
        .insert(block_root, signed_shard_block.clone());
    shard_store.block_states.insert(block_root, shard_state);
    Ok(block_root)
}
