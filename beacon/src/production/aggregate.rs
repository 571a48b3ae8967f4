//! Aggregation of one committee's attestations (`phase0/validator.md`, "Aggregate
//! signature"): the union of the signers' bits and the aggregate of their signatures.

use primitives::EthSpec;
use primitives::types::Attestation;

use super::ProductionError;
use crate::duties::{DutyError, get_aggregate_signature};

/// The aggregate of `attestations`: one `Attestation` of their common data whose bits are the
/// union of theirs and whose signature is `bls.Aggregate` of theirs.
///
/// The attestations must share their data and bit length and have disjoint signers (an
/// aggregator combines unaggregated attestations, one per committee member). None is an error.
pub fn aggregate_attestations<E: EthSpec>(
    attestations: &[Attestation<E>],
) -> Result<Attestation<E>, ProductionError> {
    let (first, rest) = attestations
        .split_first()
        .ok_or(DutyError::NothingToAggregate)?;
    let mut aggregation_bits = first.aggregation_bits.clone();
    for attestation in rest {
        if attestation.data != first.data {
            return Err(ProductionError::DataMismatch);
        }
        if attestation.aggregation_bits.len() != aggregation_bits.len() {
            return Err(ProductionError::BitsLengthMismatch {
                expected: aggregation_bits.len(),
                found: attestation.aggregation_bits.len(),
            });
        }
        if let Some(position) = aggregation_bits
            .intersection(&attestation.aggregation_bits)
            .iter()
            .position(|bit| bit)
        {
            return Err(ProductionError::OverlappingBits { position });
        }
        aggregation_bits = aggregation_bits.union(&attestation.aggregation_bits);
    }
    Ok(Attestation {
        aggregation_bits,
        data: first.data.clone(),
        signature: get_aggregate_signature(attestations)?,
    })
}
