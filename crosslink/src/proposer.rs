//! How an honest attester builds the `ShardTransition` of its shard (phase 1 `validator.md`,
//! `get_shard_transition_fields` and `get_shard_transition`): the shard blocks since the last
//! crosslink, run through `process_shard_block` slot by slot, with their signatures aggregated.

use primitives::bls::{AggregateSignature, Signature};
use primitives::types::Shard;
use primitives::types::{Bytes32, ShardBlock, ShardState, ShardTransition, SignedShardBlock, Slot};
use primitives::{ChainConfig, EthSpec};
use ssz_types::VariableList;
use tree_hash::TreeHash;

use crate::{NO_SIGNATURE, ShardTransitionInvalid, process_shard_block};

/// The lists of a `ShardTransition`, one entry per offset slot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShardTransitionFields<E: EthSpec> {
    /// Each slot's block length (0 where no block was proposed).
    pub shard_block_lengths: VariableList<u64, E::MaxShardBlocksPerAttestation>,
    /// Each slot's body root (zero where no block was proposed).
    pub shard_data_roots: VariableList<Bytes32, E::MaxShardBlocksPerAttestation>,
    /// The shard state after each slot.
    pub shard_states: VariableList<ShardState, E::MaxShardBlocksPerAttestation>,
}

/// `get_shard_transition_fields`: the shard state after each offset slot, from `pre` (the
/// shard's crosslinked state), taking at each slot the block of `shard_blocks` proposed there
/// or an empty stub.
///
/// `offset_slots` is `compute_offset_slots(get_latest_slot_for_shard(state, shard), state.slot
/// + 1)`, computed by the caller from the beacon state.
pub fn get_shard_transition_fields<E: EthSpec>(
    pre: &ShardState,
    shard: Shard,
    offset_slots: &[Slot],
    shard_blocks: &[SignedShardBlock<E>],
    config: &ChainConfig,
) -> Result<ShardTransitionFields<E>, ShardTransitionInvalid> {
    let mut lengths = Vec::with_capacity(offset_slots.len());
    let mut data_roots = Vec::with_capacity(offset_slots.len());
    let mut states = Vec::with_capacity(offset_slots.len());
    let mut shard_state = pre.clone();
    for slot in offset_slots {
        let stub;
        let block = match shard_blocks.iter().find(|b| b.message.slot == *slot) {
            Some(signed) => {
                data_roots.push(signed.message.body.tree_hash_root());
                &signed.message
            }
            None => {
                stub = ShardBlock::<E> {
                    slot: *slot,
                    shard,
                    ..Default::default()
                };
                data_roots.push(Bytes32::ZERO);
                &stub
            }
        };
        process_shard_block(&mut shard_state, block, config)?;
        states.push(shard_state.clone());
        lengths.push(block.body.len() as u64);
    }
    let too_many = ShardTransitionInvalid::TooManyOffsetSlots {
        count: offset_slots.len(),
    };
    Ok(ShardTransitionFields {
        shard_block_lengths: VariableList::new(lengths).map_err(|_| too_many.clone())?,
        shard_data_roots: VariableList::new(data_roots).map_err(|_| too_many.clone())?,
        shard_states: VariableList::new(states).map_err(|_| too_many)?,
    })
}

/// `get_shard_transition` after its genesis check (the caller returns `ShardTransition()` at
/// `GENESIS_SLOT`): the fields of [`get_shard_transition_fields`], starting at the first offset
/// slot, signed by the aggregate of every block's signature (`NO_SIGNATURE` for no block).
pub fn get_shard_transition<E: EthSpec>(
    pre: &ShardState,
    shard: Shard,
    offset_slots: &[Slot],
    shard_blocks: &[SignedShardBlock<E>],
    config: &ChainConfig,
) -> Result<ShardTransition<E>, ShardTransitionInvalid> {
    let start_slot = *offset_slots
        .first()
        .ok_or(ShardTransitionInvalid::NoOffsetSlots)?;
    let fields = get_shard_transition_fields(pre, shard, offset_slots, shard_blocks, config)?;
    let proposer_signature_aggregate = if shard_blocks.is_empty() {
        NO_SIGNATURE
    } else {
        let signatures = shard_blocks
            .iter()
            .map(|b| Signature::from_bytes(&b.signature))
            .collect::<Result<Vec<_>, _>>()
            .map_err(ShardTransitionInvalid::BadBlockSignature)?;
        let refs: Vec<&Signature> = signatures.iter().collect();
        AggregateSignature::aggregate(&refs)
            .map_err(ShardTransitionInvalid::BadBlockSignature)?
            .to_signature()
            .to_bytes()
    };
    Ok(ShardTransition {
        start_slot,
        shard_block_lengths: fields.shard_block_lengths,
        shard_data_roots: fields.shard_data_roots,
        shard_states: fields.shard_states,
        proposer_signature_aggregate,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use primitives::bls::interop_secret_key;
    use primitives::types::Root;
    use primitives::{MinimalEthSpec, PresetName};

    type E = MinimalEthSpec;

    #[test]
    fn signatures_are_aggregated_and_empty_slots_stubbed() {
        let config = ChainConfig::preset(PresetName::Minimal);
        let pre = ShardState {
            slot: 0,
            gasprice: 8,
            latest_block_root: Root::ZERO,
        };
        let mut blocks = Vec::new();
        let keys = [
            interop_secret_key(1).unwrap(),
            interop_secret_key(2).unwrap(),
        ];
        for (slot, key) in [1, 3].into_iter().zip(&keys) {
            let message = ShardBlock::<E> {
                slot,
                shard: 0,
                body: VariableList::new(vec![0xaa; 1 << 20]).unwrap(),
                ..Default::default()
            };
            let signature = key.sign(message.tree_hash_root()).to_bytes();
            blocks.push(SignedShardBlock { message, signature });
        }
        let t = get_shard_transition(&pre, 0, &[1, 2, 3], &blocks, &config).unwrap();
        assert_eq!(t.start_slot, 1);
        assert_eq!(&t.shard_block_lengths[..], &[1 << 20, 0, 1 << 20]);
        assert_eq!(t.shard_data_roots[1], Root::ZERO);
        // 8 -> 11 (full block) -> 10 (empty) -> 13 (full block).
        let prices: Vec<u64> = t.shard_states.iter().map(|s| s.gasprice).collect();
        assert_eq!(prices, vec![11, 10, 13]);
        assert_eq!(
            t.shard_states[1].latest_block_root,
            blocks[0].message.tree_hash_root()
        );
        let aggregate = Signature::from_bytes(&t.proposer_signature_aggregate).unwrap();
        let pks = [keys[0].public_key(), keys[1].public_key()];
        let messages: Vec<Root> = blocks.iter().map(|b| b.message.tree_hash_root()).collect();
        assert!(aggregate.aggregate_verify(&[&pks[0], &pks[1]], &messages));

        let empty = get_shard_transition::<E>(&pre, 0, &[1], &[], &config).unwrap();
        assert_eq!(empty.proposer_signature_aggregate, NO_SIGNATURE);
        let mut bad = blocks.clone();
        bad[0].signature = primitives::types::SignatureBytes([0xff; 96]);
        assert!(matches!(
            get_shard_transition(&pre, 0, &[1, 2, 3], &bad, &config),
            Err(ShardTransitionInvalid::BadBlockSignature(_))
        ));
    }
}
