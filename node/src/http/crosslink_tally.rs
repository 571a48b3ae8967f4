//! The crosslink counters of the metrics, slot by slot: each slot gives every shard with a
//! committee at it one crosslink chance, taken when the next slot's canonical block carries
//! the shard's successful transition (its shard state then has the slot as its `slot`) and
//! missed otherwise (no block at the next slot, or no transition reaching two thirds).

use beacon::BeaconStateError;
use beacon::accessors::{compute_shard_from_committee_index, get_committee_count_per_slot};
use primitives::math::compute_epoch_at_slot;
use primitives::types::{BeaconState, Shard, Slot};
use primitives::{ChainConfig, EthSpec};
use storage::Store;

use crate::metrics::NodeMetrics;
use crate::runtime::NodeHandle;

/// The crosslink outcome of `slot` per shard with a committee at it: `true` when the state
/// after the block of the next slot (`including`, `None` when that slot has no canonical
/// block) crosslinked it. `assigner` is a state that knows the slot's committees (the
/// including state, or the head state).
pub(super) fn slot_crosslinks<E: EthSpec>(
    assigner: &BeaconState<E>,
    including: Option<&BeaconState<E>>,
    slot: Slot,
    config: &ChainConfig,
) -> Result<Vec<(Shard, bool)>, BeaconStateError> {
    let epoch = compute_epoch_at_slot(slot, config)?;
    let committees = get_committee_count_per_slot(assigner, epoch, config)?;
    let mut outcomes = Vec::new();
    for index in 0..committees {
        let shard = compute_shard_from_committee_index(assigner, index, slot, config)?;
        let crosslinked = including.is_some_and(|state| {
            usize::try_from(shard)
                .ok()
                .and_then(|i| state.shard_states.get(i))
                .is_some_and(|shard_state| shard_state.slot == slot)
        });
        if !outcomes.iter().any(|(s, _)| *s == shard) {
            outcomes.push((shard, crosslinked));
        }
    }
    Ok(outcomes)
}

/// The next slot whose crosslinks are to be counted.
#[derive(Debug, Default)]
pub(super) struct CrosslinkTally {
    next: Option<Slot>,
}

impl CrosslinkTally {
    /// Counts the crosslinks of the slots whose next slot the head has reached since the last
    /// call (none the first time: the counters start at the head the node is first seen at)
    /// into the shards' `crosslinks` and `crosslinks_missed` counters.
    pub(super) fn advance<E: EthSpec, S: Store + 'static>(
        &mut self,
        node: &NodeHandle<E, S>,
        metrics: &NodeMetrics,
    ) {
        let head = node.head();
        let next = *self.next.get_or_insert(head.slot.max(1));
        let Ok(head_state) = node.head_state() else {
            return;
        };
        let config = node.config();
        let mut slot = next;
        while slot < head.slot {
            let including = match node.block_root_at_slot(slot.saturating_add(1)) {
                Ok(Some(root)) => match node.block_by_root(&root) {
                    Ok(Some(block)) if block.message.slot == slot.saturating_add(1) => {
                        match node.state_by_block_root(&root) {
                            Ok(state) => state,
                            Err(_) => return,
                        }
                    }
                    Ok(_) => None,
                    Err(_) => return,
                },
                Ok(None) => None,
                Err(_) => return,
            };
            let assigner = including.as_deref().unwrap_or(&head_state);
            let Ok(outcomes) = slot_crosslinks(assigner, including.as_deref(), slot, config) else {
                return;
            };
            for (shard, crosslinked) in outcomes {
                let shard_metrics = metrics.shard(shard);
                if crosslinked {
                    shard_metrics.crosslinks.increment(1);
                } else {
                    shard_metrics.crosslinks_missed.increment(1);
                }
            }
            slot = slot.saturating_add(1);
            self.next = Some(slot);
        }
    }
}

#[cfg(test)]
mod tests {
    use beacon::genesis::interop_genesis_state;
    use beacon::production::{BlockInputs, produce_block};
    use primitives::{MinimalEthSpec, PresetName};

    use super::*;

    #[test]
    fn a_slot_is_crosslinked_only_when_the_next_block_moved_the_shard_state_to_it() {
        let config = ChainConfig::preset(PresetName::Minimal)
            .with_overrides_yaml("INITIAL_ACTIVE_SHARDS: 2\n")
            .unwrap();
        let genesis = interop_genesis_state::<MinimalEthSpec>(64, 1_600_000_000, &config).unwrap();
        // An empty block at slot 3 crosslinks nothing of slot 2.
        let produced =
            produce_block(&genesis, 3, &BlockInputs::new(Default::default()), &config).unwrap();
        let post = produced.post_state;
        let outcomes = slot_crosslinks(&post, Some(&post), 2, &config).unwrap();
        let mut shards: Vec<Shard> = outcomes.iter().map(|(shard, _)| *shard).collect();
        shards.sort_unstable();
        assert_eq!(shards, vec![0, 1]);
        assert!(outcomes.iter().all(|(_, crosslinked)| !crosslinked));
        // Without a block at the next slot, every chance is missed.
        let outcomes = slot_crosslinks(&post, None, 2, &config).unwrap();
        assert!(outcomes.iter().all(|(_, crosslinked)| !crosslinked));
        // A shard whose state the block moved to the slot was crosslinked; the other was not.
        let mut crosslinked = post.clone();
        crosslinked.shard_states[1].slot = 2;
        let outcomes = slot_crosslinks(&crosslinked, Some(&crosslinked), 2, &config).unwrap();
        for (shard, ok) in outcomes {
            assert_eq!(ok, shard == 1, "shard {shard}");
        }
    }
}
