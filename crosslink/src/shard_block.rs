//! The shard block state transition of `shard-transition.md`: `process_shard_block`, and the
//! checks of `verify_shard_block_message` once the caller has read its beacon inputs (the
//! beacon parent root, the offset slots, the slot's shard proposer) from the beacon state.

use primitives::types::{Root, ShardBlock, ShardState, Slot, ValidatorIndex};
use primitives::{ChainConfig, EthSpec};
use tree_hash::TreeHash;

use crate::{ArithmeticError, ShardBlockInvalid, compute_updated_gasprice};

/// `process_shard_block`: the block's slot, the gas price its length gives, and its root
/// unless its body is empty. On error the state is unchanged.
pub fn process_shard_block<E: EthSpec>(
    shard_state: &mut ShardState,
    block: &ShardBlock<E>,
    config: &ChainConfig,
) -> Result<(), ArithmeticError> {
    let length = block.body.len() as u64;
    let gasprice = compute_updated_gasprice(shard_state.gasprice, length, config)?;
    shard_state.slot = block.slot;
    shard_state.gasprice = gasprice;
    if length != 0 {
        shard_state.latest_block_root = block.tree_hash_root();
    }
    Ok(())
}

/// `verify_shard_block_message`, first checks: the block builds on the shard's latest block
/// and on the beacon parent block, whose root the caller computed.
pub fn verify_shard_block_parents<E: EthSpec>(
    block: &ShardBlock<E>,
    shard_parent_state: &ShardState,
    beacon_parent_root: Root,
) -> Result<(), ShardBlockInvalid> {
    if block.shard_parent_root != shard_parent_state.latest_block_root {
        return Err(ShardBlockInvalid::ShardParentRootMismatch {
            block: block.shard_parent_root,
            expected: shard_parent_state.latest_block_root,
        });
    }
    if block.beacon_parent_root != beacon_parent_root {
        return Err(ShardBlockInvalid::BeaconParentRootMismatch {
            block: block.beacon_parent_root,
            expected: beacon_parent_root,
        });
    }
    Ok(())
}

/// `verify_shard_block_message`, slot check: the block's slot is one of `offset_slots`
/// (`compute_offset_slots(latest slot for the shard, block.slot + 1)`).
pub fn verify_shard_block_slot<E: EthSpec>(
    block: &ShardBlock<E>,
    offset_slots: &[Slot],
) -> Result<(), ShardBlockInvalid> {
    if offset_slots.contains(&block.slot) {
        Ok(())
    } else {
        Err(ShardBlockInvalid::NotAnOffsetSlot { slot: block.slot })
    }
}

/// `verify_shard_block_message`, proposer check: the block names the slot's shard proposer.
pub fn verify_shard_block_proposer<E: EthSpec>(
    block: &ShardBlock<E>,
    expected: ValidatorIndex,
) -> Result<(), ShardBlockInvalid> {
    if block.proposer_index == expected {
        Ok(())
    } else {
        Err(ShardBlockInvalid::WrongProposer {
            block: block.proposer_index,
            expected,
        })
    }
}

/// `verify_shard_block_message`, body check: `0 < len(body) <= MAX_SHARD_BLOCK_SIZE`.
pub fn verify_shard_block_body<E: EthSpec>(
    block: &ShardBlock<E>,
    config: &ChainConfig,
) -> Result<(), ShardBlockInvalid> {
    let length = block.body.len();
    if length == 0 || length as u64 > config.max_shard_block_size {
        return Err(ShardBlockInvalid::BadBodyLength {
            length,
            max: config.max_shard_block_size,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use primitives::{MinimalEthSpec, PresetName};
    use ssz_types::VariableList;

    type E = MinimalEthSpec;

    #[test]
    fn process_shard_block_keeps_the_root_of_empty_blocks() {
        let config = ChainConfig::preset(PresetName::Minimal);
        let mut state = ShardState {
            slot: 3,
            gasprice: 100,
            latest_block_root: Root::repeat_byte(4),
        };
        let mut block = ShardBlock::<E> {
            slot: 5,
            ..Default::default()
        };
        process_shard_block(&mut state, &block, &config).unwrap();
        assert_eq!(state.slot, 5);
        assert_eq!(state.gasprice, 88);
        assert_eq!(state.latest_block_root, Root::repeat_byte(4));
        block.body = VariableList::new(vec![1, 2, 3]).unwrap();
        block.slot = 6;
        process_shard_block(&mut state, &block, &config).unwrap();
        assert_eq!(state.latest_block_root, block.tree_hash_root());

        let mut broken = config.clone();
        broken.target_shard_block_size = 0;
        let before = state.clone();
        assert!(process_shard_block(&mut state, &block, &broken).is_err());
        assert_eq!(state, before);
    }

    #[test]
    fn message_checks() {
        let config = ChainConfig::preset(PresetName::Minimal);
        let parent = ShardState {
            latest_block_root: Root::repeat_byte(1),
            ..Default::default()
        };
        let block = ShardBlock::<E> {
            shard_parent_root: Root::repeat_byte(1),
            beacon_parent_root: Root::repeat_byte(2),
            slot: 4,
            proposer_index: 9,
            ..Default::default()
        };
        verify_shard_block_parents(&block, &parent, Root::repeat_byte(2)).unwrap();
        assert!(verify_shard_block_parents(&block, &parent, Root::repeat_byte(3)).is_err());
        assert!(
            verify_shard_block_parents(&block, &ShardState::default(), Root::repeat_byte(2))
                .is_err()
        );
        verify_shard_block_slot(&block, &[1, 2, 4]).unwrap();
        assert!(verify_shard_block_slot(&block, &[1, 2, 3]).is_err());
        verify_shard_block_proposer(&block, 9).unwrap();
        assert!(verify_shard_block_proposer(&block, 8).is_err());
        assert!(verify_shard_block_body(&block, &config).is_err());
    }
}
