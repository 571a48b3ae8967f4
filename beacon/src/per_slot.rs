//! Slot processing: `process_slot` caches the roots of the slot that ends, `process_slots`
//! advances the state through empty slots and runs epoch processing at each epoch's last slot.

use primitives::types::{BeaconState, Root, Slot};
use primitives::{ChainConfig, EthSpec};
use tree_hash::TreeHash;

use crate::BeaconStateError;
use crate::per_epoch::{EpochProcessingError, process_epoch};

/// Why the state could not be advanced to a slot.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SlotProcessingError {
    /// The target slot is not after the state's (`assert state.slot < slot`).
    #[error("slot {slot} is not after the state's slot {state_slot}")]
    SlotNotAfterState {
        /// The slot asked for.
        slot: Slot,
        /// The state's slot.
        state_slot: Slot,
    },
    /// A root history of the state is empty, or the slot counter overflows.
    #[error(transparent)]
    State(#[from] BeaconStateError),
    /// Epoch processing failed.
    #[error("epoch processing: {0}")]
    Epoch(#[from] EpochProcessingError),
}

impl SlotProcessingError {
    /// Whether whoever asked for the slot is at fault: only a slot that is not in the future of
    /// the state is; the other errors are the state's.
    pub fn is_bad_data(&self) -> bool {
        matches!(self, Self::SlotNotAfterState { .. })
    }
}

/// Writes `root` at `slot % len` of a root history.
fn set_history_entry(
    history: &mut [Root],
    slot: Slot,
    root: Root,
    what: &'static str,
) -> Result<(), BeaconStateError> {
    let len = history.len() as u64;
    let entry = slot
        .checked_rem(len)
        .and_then(|i| usize::try_from(i).ok())
        .and_then(|i| history.get_mut(i))
        .ok_or(BeaconStateError::MissingEntry { what, index: slot })?;
    *entry = root;
    Ok(())
}

/// `process_slot`: records the root of the state as it ends its slot, fills in the latest
/// header's state root if the slot had a block, and records that header's root.
pub fn process_slot<E: EthSpec>(state: &mut BeaconState<E>) -> Result<(), BeaconStateError> {
    let previous_state_root = state.tree_hash_root();
    let slot = state.slot;
    set_history_entry(
        &mut state.state_roots,
        slot,
        previous_state_root,
        "state_roots",
    )?;
    if state.latest_block_header.state_root == Root::ZERO {
        state.latest_block_header.state_root = previous_state_root;
    }
    let previous_block_root = state.latest_block_header.tree_hash_root();
    set_history_entry(
        &mut state.block_roots,
        slot,
        previous_block_root,
        "block_roots",
    )
}

/// `process_slots` (phase 1): runs `process_slot` for each slot from the state's up to `slot`
/// (excluded), and `process_epoch` after the last slot of each epoch, before the slot advances.
///
/// The state is changed in place and may be left part-way on error; callers that must keep
/// the state on failure work on a copy (as [`crate::state_transition`] does).
pub fn process_slots<E: EthSpec>(
    state: &mut BeaconState<E>,
    slot: Slot,
    config: &ChainConfig,
) -> Result<(), SlotProcessingError> {
    if state.slot >= slot {
        return Err(SlotProcessingError::SlotNotAfterState {
            slot,
            state_slot: state.slot,
        });
    }
    while state.slot < slot {
        process_slot(state)?;
        let next_slot = state
            .slot
            .checked_add(1)
            .ok_or(BeaconStateError::Overflow {
                what: "state.slot + 1",
            })?;
        let epoch_ends = next_slot.checked_rem(config.slots_per_epoch).ok_or(
            EpochProcessingError::BadConfig {
                name: "SLOTS_PER_EPOCH",
                value: config.slots_per_epoch,
            },
        )? == 0;
        if epoch_ends {
            process_epoch(state, config)?;
        }
        state.slot = next_slot;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use primitives::{MinimalEthSpec, PresetName};

    type State = BeaconState<MinimalEthSpec>;

    #[test]
    fn process_slot_caches_the_state_and_header_roots() {
        let mut state = State {
            slot: 3,
            ..State::default()
        };
        let state_root = state.tree_hash_root();
        process_slot(&mut state).unwrap();
        assert_eq!(state.state_roots[3], state_root);
        assert_eq!(state.latest_block_header.state_root, state_root);
        assert_eq!(
            state.block_roots[3],
            state.latest_block_header.tree_hash_root()
        );

        // A header whose state root is set already keeps it.
        let mut state = State {
            slot: 4,
            ..State::default()
        };
        state.latest_block_header.state_root = Root::repeat_byte(7);
        process_slot(&mut state).unwrap();
        assert_eq!(state.latest_block_header.state_root, Root::repeat_byte(7));
        assert_ne!(state.state_roots[4], Root::repeat_byte(7));
    }

    #[test]
    fn process_slots_refuses_a_slot_not_after_the_state() {
        let config = ChainConfig::preset(PresetName::Minimal);
        let mut state = State {
            slot: 5,
            ..State::default()
        };
        for slot in [0, 5] {
            let error = process_slots(&mut state, slot, &config).unwrap_err();
            assert_eq!(
                error,
                SlotProcessingError::SlotNotAfterState {
                    slot,
                    state_slot: 5
                }
            );
            assert!(error.is_bad_data());
        }
        assert_eq!(
            state,
            State {
                slot: 5,
                ..State::default()
            }
        );
    }

    #[test]
    fn process_slots_advances_within_an_epoch() {
        let config = ChainConfig::preset(PresetName::Minimal);
        let mut state = State {
            slot: 1,
            ..State::default()
        };
        process_slots(&mut state, 4, &config).unwrap();
        assert_eq!(state.slot, 4);
        // Slots 1, 2 and 3 were cached; the header root of each is the same empty header's.
        for slot in 1..4 {
            assert_ne!(state.state_roots[slot], Root::ZERO);
        }
        assert_eq!(state.state_roots[4], Root::ZERO);
        assert_eq!(state.block_roots[1], state.block_roots[3]);
    }
}
