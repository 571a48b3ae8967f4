//! A `ShardTransition` checked against itself: one entry per offset slot, gas prices that
//! follow `compute_updated_gasprice`, stub data roots for empty slots, and the shard block
//! headers its non-empty slots stand for (`apply_shard_transition` without the beacon state).

use primitives::types::{
    Root, Shard, ShardBlockHeader, ShardState, ShardTransition, SignedShardBlock, Slot,
    ValidatorIndex,
};
use primitives::{ChainConfig, EthSpec};
use tree_hash::TreeHash;

use crate::{ShardTransitionInvalid, compute_updated_gasprice};

/// A non-empty offset slot of a transition: a shard block was proposed there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Proposal {
    /// The position in the transition.
    pub index: usize,
    /// The offset slot.
    pub slot: Slot,
    /// The block's body root (`shard_data_roots[index]`).
    pub body_root: Root,
}

/// The checks of `apply_shard_transition` that need no beacon state: one length, data root and
/// state per offset slot, the start slot, each state's gas price and slot, and a zero data root
/// for each empty slot. Returns the non-empty proposals, whose headers and signatures the
/// caller checks against the beacon state.
///
/// `offset_slots` is `get_offset_slots(state, shard)`; `pre` the shard's crosslinked state.
pub fn verify_shard_transition<E: EthSpec>(
    transition: &ShardTransition<E>,
    offset_slots: &[Slot],
    pre: &ShardState,
    config: &ChainConfig,
) -> Result<Vec<Proposal>, ShardTransitionInvalid> {
    let count = offset_slots.len();
    if transition.shard_data_roots.len() != count
        || transition.shard_states.len() != count
        || transition.shard_block_lengths.len() != count
    {
        return Err(ShardTransitionInvalid::LengthMismatch {
            lengths: transition.shard_block_lengths.len(),
            data_roots: transition.shard_data_roots.len(),
            states: transition.shard_states.len(),
            offset_slots: count,
        });
    }
    let first = *offset_slots
        .first()
        .ok_or(ShardTransitionInvalid::NoOffsetSlots)?;
    if transition.start_slot != first {
        return Err(ShardTransitionInvalid::WrongStartSlot {
            start_slot: transition.start_slot,
            expected: first,
        });
    }
    let mut proposals = Vec::new();
    let mut prev_gasprice = pre.gasprice;
    let entries = offset_slots
        .iter()
        .zip(transition.shard_block_lengths.iter())
        .zip(transition.shard_states.iter())
        .zip(transition.shard_data_roots.iter())
        .enumerate();
    for (index, (((offset_slot, length), state), data_root)) in entries {
        let expected = compute_updated_gasprice(prev_gasprice, *length, config)?;
        if state.gasprice != expected {
            return Err(ShardTransitionInvalid::WrongGasprice {
                index,
                gasprice: state.gasprice,
                expected,
            });
        }
        if state.slot != *offset_slot {
            return Err(ShardTransitionInvalid::WrongSlot {
                index,
                slot: state.slot,
                expected: *offset_slot,
            });
        }
        if *length != 0 {
            proposals.push(Proposal {
                index,
                slot: *offset_slot,
                body_root: *data_root,
            });
        } else if *data_root != Root::ZERO {
            return Err(ShardTransitionInvalid::EmptyProposalWithDataRoot {
                index,
                root: *data_root,
            });
        }
        prev_gasprice = state.gasprice;
    }
    Ok(proposals)
}

/// The headers `apply_shard_transition` reconstructs: each proposal with its proposer and the
/// beacon block root at its slot, chained from the shard's latest block root.
pub fn chain_shard_block_headers<'a>(
    shard: Shard,
    shard_parent_root: Root,
    proposals: impl IntoIterator<Item = (&'a Proposal, ValidatorIndex, Root)>,
) -> Vec<ShardBlockHeader> {
    let mut parent = shard_parent_root;
    proposals
        .into_iter()
        .map(|(proposal, proposer_index, beacon_parent_root)| {
            let header = ShardBlockHeader {
                shard_parent_root: parent,
                beacon_parent_root,
                slot: proposal.slot,
                shard,
                proposer_index,
                body_root: proposal.body_root,
            };
            parent = header.tree_hash_root();
            header
        })
        .collect()
}

/// The shard state a transition leaves: its last state, dated `compute_previous_slot(state.slot)`.
pub fn post_shard_state<E: EthSpec>(
    transition: &ShardTransition<E>,
    previous_slot: Slot,
) -> Result<ShardState, ShardTransitionInvalid> {
    let last = transition
        .shard_states
        .last()
        .ok_or(ShardTransitionInvalid::NoOffsetSlots)?;
    Ok(ShardState {
        slot: previous_slot,
        ..last.clone()
    })
}

/// Checks that the transition's lengths and data roots are those of `blocks`: at each offset
/// slot the block of that slot, or length 0 and a zero root where there is none. Lengths must
/// match the offset slots already ([`verify_shard_transition`]).
pub fn verify_data_against_blocks<E: EthSpec>(
    transition: &ShardTransition<E>,
    offset_slots: &[Slot],
    blocks: &[SignedShardBlock<E>],
) -> Result<(), ShardTransitionInvalid> {
    let entries = offset_slots
        .iter()
        .zip(transition.shard_block_lengths.iter())
        .zip(transition.shard_data_roots.iter());
    for ((slot, length), root) in entries {
        let matches = match blocks.iter().find(|b| b.message.slot == *slot) {
            Some(block) => {
                block.message.body.len() as u64 == *length
                    && block.message.body.tree_hash_root() == *root
            }
            None => *length == 0 && *root == Root::ZERO,
        };
        if !matches {
            return Err(ShardTransitionInvalid::DataMismatch { slot: *slot });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proposer::get_shard_transition;
    use primitives::types::ShardBlock;
    use primitives::{MinimalEthSpec, PresetName};
    use ssz_types::VariableList;

    type E = MinimalEthSpec;

    fn block(slot: Slot, body: &[u8]) -> SignedShardBlock<E> {
        SignedShardBlock {
            message: ShardBlock {
                slot,
                shard: 1,
                body: VariableList::new(body.to_vec()).unwrap(),
                ..Default::default()
            },
            signature: Default::default(),
        }
    }

    fn pre() -> ShardState {
        ShardState {
            slot: 10,
            gasprice: 100,
            latest_block_root: Root::repeat_byte(7),
        }
    }

    #[test]
    fn a_built_transition_passes_and_tampering_fails() {
        let config = ChainConfig::preset(PresetName::Minimal);
        let offsets = [11, 12, 13];
        let blocks = [block(11, &[1; 300]), block(13, &[2; 5])];
        // Zero signatures: the proposer helper is exercised with real ones in `proposer`.
        let fields =
            crate::get_shard_transition_fields(&pre(), 1, &offsets, &blocks, &config).unwrap();
        let transition = ShardTransition::<E> {
            start_slot: 11,
            shard_block_lengths: fields.shard_block_lengths,
            shard_data_roots: fields.shard_data_roots,
            shard_states: fields.shard_states,
            proposer_signature_aggregate: Default::default(),
        };
        let proposals = verify_shard_transition(&transition, &offsets, &pre(), &config).unwrap();
        assert_eq!(
            proposals
                .iter()
                .map(|p| (p.index, p.slot))
                .collect::<Vec<_>>(),
            vec![(0, 11), (2, 13)]
        );
        verify_data_against_blocks(&transition, &offsets, &blocks).unwrap();
        assert!(verify_data_against_blocks(&transition, &offsets, &blocks[..1]).is_err());

        let headers = chain_shard_block_headers(
            1,
            pre().latest_block_root,
            proposals
                .iter()
                .map(|p| (p, 3, Root::repeat_byte(p.slot as u8))),
        );
        assert_eq!(headers[0].shard_parent_root, pre().latest_block_root);
        assert_eq!(headers[1].shard_parent_root, headers[0].tree_hash_root());
        // A header is the block with its body hashed: same root as the block.
        let mut as_block = blocks[0].message.clone();
        as_block.shard_parent_root = pre().latest_block_root;
        as_block.beacon_parent_root = Root::repeat_byte(11);
        as_block.proposer_index = 3;
        assert_eq!(headers[0].tree_hash_root(), as_block.tree_hash_root());

        let post = post_shard_state(&transition, 13).unwrap();
        assert_eq!(post.slot, 13);
        assert_eq!(post.gasprice, transition.shard_states[2].gasprice);

        let mut t = transition.clone();
        t.start_slot = 12;
        assert!(matches!(
            verify_shard_transition(&t, &offsets, &pre(), &config),
            Err(ShardTransitionInvalid::WrongStartSlot { .. })
        ));
        let mut t = transition.clone();
        t.shard_states[1].gasprice += 1;
        assert!(matches!(
            verify_shard_transition(&t, &offsets, &pre(), &config),
            Err(ShardTransitionInvalid::WrongGasprice { index: 1, .. })
        ));
        let mut t = transition.clone();
        t.shard_states[2].slot = 14;
        assert!(matches!(
            verify_shard_transition(&t, &offsets, &pre(), &config),
            Err(ShardTransitionInvalid::WrongSlot { index: 2, .. })
        ));
        let mut t = transition.clone();
        t.shard_data_roots[1] = Root::repeat_byte(1);
        assert!(matches!(
            verify_shard_transition(&t, &offsets, &pre(), &config),
            Err(ShardTransitionInvalid::EmptyProposalWithDataRoot { index: 1, .. })
        ));
        assert!(matches!(
            verify_shard_transition(&transition, &offsets[..2], &pre(), &config),
            Err(ShardTransitionInvalid::LengthMismatch { .. })
        ));
        assert_eq!(
            verify_shard_transition(&ShardTransition::<E>::default(), &[], &pre(), &config),
            Err(ShardTransitionInvalid::NoOffsetSlots)
        );
        assert!(get_shard_transition(&pre(), 1, &[], &blocks, &config).is_err());
    }
}
