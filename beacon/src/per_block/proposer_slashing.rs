//! `process_proposer_slashing`: slashes a proposer that signed two different headers for one
//! slot.

use primitives::types::{BeaconState, ProposerSlashing};
use primitives::{ChainConfig, EthSpec};

use super::{OperationError, ProposerSlashingInvalid};
use crate::accessors::{get_current_epoch, is_slashable_validator, validator};
use crate::mutators::slash_validator;
use crate::signatures::{VerifySignatures, block_header_signature_set};

/// `process_proposer_slashing`: two different headers of one slot by one slashable proposer,
/// both signed by it; the proposer is slashed.
pub fn process_proposer_slashing<E: EthSpec>(
    state: &mut BeaconState<E>,
    proposer_slashing: &ProposerSlashing,
    verify: &mut VerifySignatures<'_>,
    config: &ChainConfig,
) -> Result<(), OperationError<ProposerSlashingInvalid>> {
    let invalid = OperationError::Invalid;
    let header_1 = &proposer_slashing.signed_header_1.message;
    let header_2 = &proposer_slashing.signed_header_2.message;
    if header_1.slot != header_2.slot {
        return Err(invalid(ProposerSlashingInvalid::SlotMismatch(
            header_1.slot,
            header_2.slot,
        )));
    }
    if header_1.proposer_index != header_2.proposer_index {
        return Err(invalid(ProposerSlashingInvalid::ProposerMismatch(
            header_1.proposer_index,
            header_2.proposer_index,
        )));
    }
    if header_1 == header_2 {
        return Err(invalid(ProposerSlashingInvalid::HeadersIdentical));
    }
    let index = header_1.proposer_index;
    let proposer = validator(state, index)
        .map_err(|_| invalid(ProposerSlashingInvalid::UnknownProposer { index }))?;
    if !is_slashable_validator(proposer, get_current_epoch(state, config)?) {
        return Err(invalid(ProposerSlashingInvalid::ProposerNotSlashable {
            index,
        }));
    }
    for (header, signed_header) in [
        (1, &proposer_slashing.signed_header_1),
        (2, &proposer_slashing.signed_header_2),
    ] {
        verify
            .check(|| block_header_signature_set(state, signed_header, config))
            .map_err(|reason| invalid(ProposerSlashingInvalid::BadSignature { header, reason }))?;
    }
    slash_validator(state, index, None, config)?;
    Ok(())
}
