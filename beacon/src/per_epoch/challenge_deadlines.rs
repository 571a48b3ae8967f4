//! `process_challenge_deadlines`: slashes the responders that let a custody chunk challenge
//! expire.

use primitives::types::{BeaconState, CustodyChunkChallengeRecord};
use primitives::{ChainConfig, EthSpec};

use crate::BeaconStateError;
use crate::accessors::get_current_epoch;
use crate::mutators::slash_validator;

/// `process_challenge_deadlines`: each challenge record included more than
/// `EPOCHS_PER_CUSTODY_PERIOD` epochs ago slashes its responder (the challenger blowing the
/// whistle) and is emptied.
///
/// As in the spec, empty records are records too: an empty record (responder and challenger 0,
/// included at epoch 0) slashes validator 0 once the current epoch is past
/// `EPOCHS_PER_CUSTODY_PERIOD`.
pub fn process_challenge_deadlines<E: EthSpec>(
    state: &mut BeaconState<E>,
    config: &ChainConfig,
) -> Result<(), BeaconStateError> {
    let current_epoch = get_current_epoch(state, config)?;
    for position in 0..state.custody_chunk_challenge_records.len() {
        let Some(record) = state.custody_chunk_challenge_records.get(position).cloned() else {
            continue;
        };
        let deadline = record
            .inclusion_epoch
            .checked_add(config.epochs_per_custody_period)
            .ok_or(BeaconStateError::Overflow {
                what: "inclusion_epoch + EPOCHS_PER_CUSTODY_PERIOD",
            })?;
        if current_epoch <= deadline {
            continue;
        }
        slash_validator(
            state,
            record.responder_index,
            Some(record.challenger_index),
            config,
        )?;
        // The spec empties the first record equal to this one, which is this one unless an
        // identical record came earlier.
        if let Some(first_equal) = state
            .custody_chunk_challenge_records
            .iter_mut()
            .find(|r| **r == record)
        {
            *first_equal = CustodyChunkChallengeRecord::default();
        }
    }
    Ok(())
}
