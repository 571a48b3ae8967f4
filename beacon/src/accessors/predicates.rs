//! The spec's predicates on validators, attestation data and Merkle branches.

use ethereum_hashing::hash32_concat;
use primitives::types::{AttestationData, BeaconState, Bytes32, Epoch, Root, Validator};
use primitives::{ChainConfig, EthSpec};

use crate::FAR_FUTURE_EPOCH;

/// `is_active_validator`: `activation_epoch <= epoch < exit_epoch`.
pub fn is_active_validator(validator: &Validator, epoch: Epoch) -> bool {
    validator.activation_epoch <= epoch && epoch < validator.exit_epoch
}

/// `is_eligible_for_activation_queue`: never queued, and at the maximum effective balance.
pub fn is_eligible_for_activation_queue(validator: &Validator, config: &ChainConfig) -> bool {
    validator.activation_eligibility_epoch == FAR_FUTURE_EPOCH
        && validator.effective_balance == config.max_effective_balance
}

/// `is_eligible_for_activation`: queued no later than the finalized epoch, and not yet
/// activated.
pub fn is_eligible_for_activation<E: EthSpec>(
    state: &BeaconState<E>,
    validator: &Validator,
) -> bool {
    validator.activation_eligibility_epoch <= state.finalized_checkpoint.epoch
        && validator.activation_epoch == FAR_FUTURE_EPOCH
}

/// `is_slashable_validator`: not slashed, and `activation_epoch <= epoch < withdrawable_epoch`.
pub fn is_slashable_validator(validator: &Validator, epoch: Epoch) -> bool {
    !validator.slashed
        && validator.activation_epoch <= epoch
        && epoch < validator.withdrawable_epoch
}

/// `is_slashable_attestation_data`: a double vote or a surround vote under Casper FFG.
pub fn is_slashable_attestation_data(data_1: &AttestationData, data_2: &AttestationData) -> bool {
    let double_vote = data_1 != data_2 && data_1.target.epoch == data_2.target.epoch;
    let surround_vote =
        data_1.source.epoch < data_2.source.epoch && data_2.target.epoch < data_1.target.epoch;
    double_vote || surround_vote
}

/// `is_valid_merkle_branch`: whether `leaf` at `index` hashes up to `root` through `branch`.
///
/// A branch shorter than `depth` is invalid (the spec would index past its end).
pub fn is_valid_merkle_branch(
    leaf: &Bytes32,
    branch: &[Bytes32],
    depth: u64,
    index: u64,
    root: &Root,
) -> bool {
    let Ok(depth) = usize::try_from(depth) else {
        return false;
    };
    if branch.len() < depth {
        return false;
    }
    let mut value = leaf.0;
    for (i, sibling) in branch.iter().take(depth).enumerate() {
        // Bit i of the index says whether the node is a right child; past bit 63 it is 0.
        let is_right = u32::try_from(i)
            .ok()
            .and_then(|shift| index.checked_shr(shift))
            .is_some_and(|shifted| shifted & 1 == 1);
        value = if is_right {
            hash32_concat(&sibling.0, &value)
        } else {
            hash32_concat(&value, &sibling.0)
        };
    }
    value == root.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use primitives::types::Checkpoint;

    #[test]
    fn merkle_branch_of_a_four_leaf_tree() {
        let leaves: Vec<Bytes32> = (0..4u8).map(Bytes32::repeat_byte).collect();
        let h = |a: &Bytes32, b: &Bytes32| Bytes32::from(hash32_concat(&a.0, &b.0));
        let left = h(&leaves[0], &leaves[1]);
        let right = h(&leaves[2], &leaves[3]);
        let root = h(&left, &right);
        assert!(is_valid_merkle_branch(
            &leaves[2],
            &[leaves[3], left],
            2,
            2,
            &root
        ));
        assert!(is_valid_merkle_branch(
            &leaves[1],
            &[leaves[0], right],
            2,
            1,
            &root
        ));
        assert!(!is_valid_merkle_branch(
            &leaves[1],
            &[leaves[0], right],
            2,
            0,
            &root
        ));
        assert!(!is_valid_merkle_branch(
            &leaves[2],
            &[leaves[3]],
            2,
            2,
            &root
        ));
    }

    #[test]
    fn slashable_attestation_data() {
        let data = |source: Epoch, target: Epoch, root: u8| AttestationData {
            source: Checkpoint {
                epoch: source,
                root: Root::ZERO,
            },
            target: Checkpoint {
                epoch: target,
                root: Root::ZERO,
            },
            beacon_block_root: Root::repeat_byte(root),
            ..Default::default()
        };
        assert!(is_slashable_attestation_data(
            &data(1, 2, 0),
            &data(1, 2, 1)
        ));
        assert!(!is_slashable_attestation_data(
            &data(1, 2, 0),
            &data(1, 2, 0)
        ));
        assert!(is_slashable_attestation_data(
            &data(1, 5, 0),
            &data(2, 4, 0)
        ));
        assert!(!is_slashable_attestation_data(
            &data(2, 4, 0),
            &data(1, 5, 0)
        ));
    }

    #[test]
    fn validator_status() {
        let validator = Validator {
            activation_epoch: 2,
            exit_epoch: 5,
            withdrawable_epoch: 9,
            ..Default::default()
        };
        assert!(!is_active_validator(&validator, 1));
        assert!(is_active_validator(&validator, 4));
        assert!(!is_active_validator(&validator, 5));
        assert!(is_slashable_validator(&validator, 8));
        assert!(!is_slashable_validator(&validator, 9));
        let slashed = Validator {
            slashed: true,
            ..validator
        };
        assert!(!is_slashable_validator(&slashed, 4));
    }
}
