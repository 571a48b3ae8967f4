//! `is_valid_indexed_attestation` (phase 1 form): sorted, unique, known attesters and a valid
//! aggregate signature.

use primitives::types::{BeaconState, IndexedAttestation, ValidatorIndex};
use primitives::{ChainConfig, EthSpec};

use crate::signatures::{SignatureInvalid, VerifySignatures, indexed_attestation_signature_set};

/// Why an indexed attestation is not valid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IndexedAttestationInvalid {
    /// It lists no attester.
    #[error("no attesting index")]
    NoIndices,
    /// Its attesters are not strictly increasing (unsorted or repeated).
    #[error("attesting indices are not sorted and unique at position {position}")]
    NotSortedAndUnique {
        /// The first position out of order.
        position: usize,
    },
    /// An attester is not in the registry.
    #[error("attester {index} is not in the registry")]
    UnknownValidator {
        /// The attester.
        index: ValidatorIndex,
    },
    /// The aggregate signature is refused.
    #[error("signature: {0}")]
    Signature(#[from] SignatureInvalid),
}

/// `is_valid_indexed_attestation`, saying why not, with signatures handled by `verify`.
///
/// The attesters are looked up in every mode, as the spec reads their keys even with BLS off.
pub fn validate_indexed_attestation<E: EthSpec>(
    state: &BeaconState<E>,
    indexed_attestation: &IndexedAttestation<E>,
    verify: &mut VerifySignatures<'_>,
    config: &ChainConfig,
) -> Result<(), IndexedAttestationInvalid> {
    let indices = &indexed_attestation.attesting_indices;
    if indices.is_empty() {
        return Err(IndexedAttestationInvalid::NoIndices);
    }
    if let Some(position) = indices.windows(2).position(|pair| match pair {
        [a, b] => a >= b,
        _ => false,
    }) {
        return Err(IndexedAttestationInvalid::NotSortedAndUnique {
            position: position.saturating_add(1),
        });
    }
    let count = state.validators.len() as u64;
    if let Some(index) = indices.iter().find(|index| **index >= count) {
        return Err(IndexedAttestationInvalid::UnknownValidator { index: *index });
    }
    verify.check(|| indexed_attestation_signature_set(state, indexed_attestation, config))?;
    Ok(())
}

/// `is_valid_indexed_attestation`: the spec's predicate, verifying the signature at once.
pub fn is_valid_indexed_attestation<E: EthSpec>(
    state: &BeaconState<E>,
    indexed_attestation: &IndexedAttestation<E>,
    config: &ChainConfig,
) -> bool {
    validate_indexed_attestation(
        state,
        indexed_attestation,
        &mut VerifySignatures::Individually,
        config,
    )
    .is_ok()
}
