//! `process_voluntary_exit`: a validator's signed request to leave the validator set.

use primitives::types::{BeaconState, SignedVoluntaryExit};
use primitives::{ChainConfig, EthSpec};

use super::{ExitInvalid, OperationError};
use crate::FAR_FUTURE_EPOCH;
use crate::accessors::{get_current_epoch, is_active_validator, validator};
use crate::mutators::initiate_validator_exit;
use crate::signatures::{VerifySignatures, voluntary_exit_signature_set};

/// `process_voluntary_exit`: an active validator, not exiting yet, active for at least
/// `SHARD_COMMITTEE_PERIOD` epochs, signs an exit whose epoch has come; its exit is initiated.
pub fn process_voluntary_exit<E: EthSpec>(
    state: &mut BeaconState<E>,
    signed_voluntary_exit: &SignedVoluntaryExit,
    verify: &mut VerifySignatures<'_>,
    config: &ChainConfig,
) -> Result<(), OperationError<ExitInvalid>> {
    let invalid = OperationError::Invalid;
    let exit = &signed_voluntary_exit.message;
    let index = exit.validator_index;
    let exiting =
        validator(state, index).map_err(|_| invalid(ExitInvalid::UnknownValidator { index }))?;
    let current_epoch = get_current_epoch(state, config)?;
    if !is_active_validator(exiting, current_epoch) {
        return Err(invalid(ExitInvalid::NotActive { index }));
    }
    if exiting.exit_epoch != FAR_FUTURE_EPOCH {
        return Err(invalid(ExitInvalid::AlreadyExited {
            index,
            exit_epoch: exiting.exit_epoch,
        }));
    }
    if current_epoch < exit.epoch {
        return Err(invalid(ExitInvalid::FutureEpoch {
            exit_epoch: exit.epoch,
            current_epoch,
        }));
    }
    // Saturating: past uint64 no current epoch can reach it, as with the spec's integers.
    let earliest_exit_epoch = exiting
        .activation_epoch
        .saturating_add(config.shard_committee_period);
    if current_epoch < earliest_exit_epoch {
        return Err(invalid(ExitInvalid::TooYoungToExit {
            index,
            earliest_exit_epoch,
        }));
    }
    verify
        .check(|| voluntary_exit_signature_set(state, signed_voluntary_exit, config))
        .map_err(|reason| invalid(ExitInvalid::BadSignature(reason)))?;
    initiate_validator_exit(state, index, config)?;
    Ok(())
}
