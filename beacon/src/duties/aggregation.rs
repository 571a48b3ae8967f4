//! Attestation aggregation (`phase0/validator.md`, "Attestation aggregation"): aggregator
//! selection, the aggregate signature and the signed `AggregateAndProof`.

use ethereum_hashing::hash_fixed;
use primitives::bls::{AggregateSignature, SecretKey, Signature};
use primitives::math::{bytes_to_uint64, compute_epoch_at_slot};
use primitives::types::{
    AggregateAndProof, Attestation, BeaconState, CommitteeIndex, SignatureBytes, Slot,
    ValidatorIndex,
};
use primitives::{ChainConfig, EthSpec};

use super::{DutyError, SigningRoot};
use crate::BeaconStateError;
use crate::accessors::{get_beacon_committee, get_domain};

/// The message of `get_slot_signature`: `slot` under `DOMAIN_SELECTION_PROOF` at its epoch.
pub fn slot_signing_root<E: EthSpec>(
    state: &BeaconState<E>,
    slot: Slot,
    config: &ChainConfig,
) -> Result<SigningRoot, DutyError> {
    let epoch = compute_epoch_at_slot(slot, config)?;
    let domain = get_domain(state, config.domain_selection_proof, Some(epoch), config)?;
    Ok(SigningRoot::new(&slot, domain))
}

/// `get_slot_signature`: the selection proof of an aggregator at `slot`.
pub fn sign_slot<E: EthSpec>(
    state: &BeaconState<E>,
    slot: Slot,
    key: &SecretKey,
    config: &ChainConfig,
) -> Result<SignatureBytes, DutyError> {
    Ok(slot_signing_root(state, slot, config)?.sign(key))
}

/// `is_aggregator`: the holder of `slot_signature` aggregates for committee `index` of `slot`.
pub fn is_aggregator<E: EthSpec>(
    state: &BeaconState<E>,
    slot: Slot,
    index: CommitteeIndex,
    slot_signature: &SignatureBytes,
    config: &ChainConfig,
) -> Result<bool, DutyError> {
    let committee = get_beacon_committee(state, slot, index, config)?;
    is_aggregator_in_committee_of(
        committee.len(),
        slot_signature,
        config.target_aggregators_per_committee,
    )
}

/// `is_aggregator`'s selection for a committee of `committee_length` members (as an
/// [`AttesterDuty`](super::AttesterDuty) gives it), aiming at `target` aggregators:
/// `bytes_to_uint64(hash(slot_signature)[0:8]) % max(1, committee_length // target) == 0`.
/// Also serves `is_light_client_aggregator`.
pub fn is_aggregator_in_committee_of(
    committee_length: usize,
    slot_signature: &SignatureBytes,
    target: u64,
) -> Result<bool, DutyError> {
    let modulo = (committee_length as u64)
        .checked_div(target)
        .ok_or(BeaconStateError::Overflow {
            what: "committee length // a zero target of aggregators",
        })?
        .max(1);
    let hash = hash_fixed(slot_signature.as_bytes());
    let value = bytes_to_uint64(hash.get(..8).unwrap_or_default())?;
    Ok(value.checked_rem(modulo) == Some(0))
}

/// `get_aggregate_signature`: `bls.Aggregate` of the attestations' signatures; fails on none
/// or on a signature that is not a valid point.
pub fn get_aggregate_signature<E: EthSpec>(
    attestations: &[Attestation<E>],
) -> Result<SignatureBytes, DutyError> {
    aggregate(attestations.iter().map(|a| &a.signature))
}

/// `bls.Aggregate` of `signatures`.
pub(super) fn aggregate<'a>(
    signatures: impl Iterator<Item = &'a SignatureBytes>,
) -> Result<SignatureBytes, DutyError> {
    let decoded = signatures
        .map(Signature::from_bytes)
        .collect::<Result<Vec<_>, _>>()?;
    if decoded.is_empty() {
        return Err(DutyError::NothingToAggregate);
    }
    let refs: Vec<&Signature> = decoded.iter().collect();
    Ok(AggregateSignature::aggregate(&refs)?
        .to_signature()
        .to_bytes())
}

/// `get_aggregate_and_proof`: the aggregate with its aggregator and selection proof.
///
/// The spec signs the selection proof here; it is the caller's [`sign_slot`] of
/// `aggregate.data.slot`, so that this function holds no key.
pub fn get_aggregate_and_proof<E: EthSpec>(
    aggregator_index: ValidatorIndex,
    aggregate: Attestation<E>,
    selection_proof: SignatureBytes,
) -> AggregateAndProof<E> {
    AggregateAndProof {
        aggregator_index,
        aggregate,
        selection_proof,
    }
}

/// The message of `get_aggregate_and_proof_signature`: the `AggregateAndProof` under
/// `DOMAIN_AGGREGATE_AND_PROOF` at the aggregate's epoch.
pub fn aggregate_and_proof_signing_root<E: EthSpec>(
    state: &BeaconState<E>,
    aggregate_and_proof: &AggregateAndProof<E>,
    config: &ChainConfig,
) -> Result<SigningRoot, DutyError> {
    let epoch = compute_epoch_at_slot(aggregate_and_proof.aggregate.data.slot, config)?;
    let domain = get_domain(
        state,
        config.domain_aggregate_and_proof,
        Some(epoch),
        config,
    )?;
    Ok(SigningRoot::new(aggregate_and_proof, domain))
}

/// `get_aggregate_and_proof_signature`: the aggregator's signature of its
/// `AggregateAndProof`.
pub fn sign_aggregate_and_proof<E: EthSpec>(
    state: &BeaconState<E>,
    aggregate_and_proof: &AggregateAndProof<E>,
    key: &SecretKey,
    config: &ChainConfig,
) -> Result<SignatureBytes, DutyError> {
    Ok(aggregate_and_proof_signing_root(state, aggregate_and_proof, config)?.sign(key))
}
