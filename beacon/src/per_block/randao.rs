//! `process_randao`: checks the proposer's RANDAO reveal and mixes it into the current epoch's
//! RANDAO mix.

use ethereum_hashing::hash_fixed;
use primitives::types::{BeaconBlockBody, BeaconState, Bytes32};
use primitives::{ChainConfig, EthSpec};

use super::OperationError;
use crate::BeaconStateError;
use crate::accessors::{get_beacon_proposer_index, get_current_epoch, get_randao_mix};
use crate::signatures::{SignatureInvalid, VerifySignatures, randao_signature_set};

/// `process_randao`: the reveal is the current epoch signed by the slot's proposer under
/// `DOMAIN_RANDAO`; the epoch's mix becomes `mix xor hash(reveal)`.
pub fn process_randao<E: EthSpec>(
    state: &mut BeaconState<E>,
    body: &BeaconBlockBody<E>,
    verify: &mut VerifySignatures<'_>,
    config: &ChainConfig,
) -> Result<(), OperationError<SignatureInvalid>> {
    let epoch = get_current_epoch(state, config)?;
    let proposer_index = get_beacon_proposer_index(state, config)?;
    verify
        .check(|| randao_signature_set(state, proposer_index, &body.randao_reveal, config))
        .map_err(OperationError::Invalid)?;
    let mix =
        get_randao_mix(state, epoch)? ^ Bytes32::from(hash_fixed(body.randao_reveal.as_bytes()));
    let len = state.randao_mixes.len() as u64;
    let entry = epoch
        .checked_rem(len)
        .and_then(|i| usize::try_from(i).ok())
        .and_then(|i| state.randao_mixes.get_mut(i))
        .ok_or(BeaconStateError::MissingEntry {
            what: "randao_mixes",
            index: epoch,
        })?;
    *entry = mix;
    Ok(())
}
