//! The generated round-trip tests: every container, SSZ and JSON, on a value with every field set.

use serde::Serialize;
use serde::de::DeserializeOwned;
use ssz::{Decode, Encode};
use ssz_types::{BitList, BitVector, FixedVector, VariableList};
use tree_hash::TreeHash;
use typenum::Unsigned;

use super::*;
use crate::{EthSpec, MinimalEthSpec};

/// A deterministic value with every field non-zero and every list non-empty, varied by `seed`.
trait Sample {
    fn sample(seed: u64) -> Self;
}

fn mix(seed: u64, n: u64) -> u64 {
    seed.wrapping_mul(0x9e37_79b9_7f4a_7c15)
        .wrapping_add(n.wrapping_mul(0x2545_f491))
        | 1
}

impl Sample for u64 {
    fn sample(seed: u64) -> Self {
        mix(seed, 7)
    }
}

impl Sample for u8 {
    fn sample(seed: u64) -> Self {
        (mix(seed, 3) % 255 + 1) as u8
    }
}

impl Sample for bool {
    fn sample(_: u64) -> Self {
        true
    }
}

impl Sample for [u8; 4] {
    fn sample(seed: u64) -> Self {
        let b = mix(seed, 4).to_le_bytes();
        [b[0], b[1], b[2], 0x5a]
    }
}

fn sample_bytes<const N: usize>(seed: u64) -> [u8; N] {
    let mut out = [0u8; N];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = mix(seed, i as u64) as u8 | 1;
    }
    out
}

impl Sample for Hash256 {
    fn sample(seed: u64) -> Self {
        Hash256::from(sample_bytes::<32>(seed))
    }
}

impl Sample for PublicKeyBytes {
    fn sample(seed: u64) -> Self {
        Self(sample_bytes(seed))
    }
}

impl Sample for SignatureBytes {
    fn sample(seed: u64) -> Self {
        Self(sample_bytes(seed))
    }
}

impl<T: Sample, N: Unsigned> Sample for VariableList<T, N> {
    fn sample(seed: u64) -> Self {
        let len = N::to_usize().min(2) as u64;
        VariableList::new((0..len).map(|i| T::sample(mix(seed, i))).collect()).unwrap()
    }
}

impl<T: Sample, N: Unsigned> Sample for FixedVector<T, N> {
    fn sample(seed: u64) -> Self {
        let len = N::to_u64();
        FixedVector::new((0..len).map(|i| T::sample(mix(seed, i))).collect()).unwrap()
    }
}

impl<N: Unsigned + Clone> Sample for BitList<N> {
    fn sample(seed: u64) -> Self {
        let len = N::to_usize().min(11);
        let mut bits = BitList::with_capacity(len).unwrap();
        bits.set(0, true).unwrap();
        bits.set((seed as usize) % len, true).unwrap();
        bits
    }
}

impl<N: Unsigned + Clone> Sample for BitVector<N> {
    fn sample(seed: u64) -> Self {
        let mut bits = BitVector::new();
        bits.set(0, true).unwrap();
        bits.set((seed as usize) % N::to_usize(), true).unwrap();
        bits
    }
}

macro_rules! sample_containers {
    ($($t:ty { $($field:ident),* $(,)? })*) => {
        $(impl Sample for $t {
            fn sample(seed: u64) -> Self {
                let mut n = 0u64;
                Self {
                    $($field: {
                        n += 1;
                        Sample::sample(mix(seed, n))
                    }),*
                }
            }
        })*
    };
}

macro_rules! sample_generic_containers {
    ($($t:ty { $($field:ident),* $(,)? })*) => {
        $(impl<E: EthSpec> Sample for $t {
            fn sample(seed: u64) -> Self {
                let mut n = 0u64;
                Self {
                    $($field: {
                        n += 1;
                        Sample::sample(mix(seed, n))
                    }),*
                }
            }
        })*
    };
}

/// Every integer in the Beacon API's JSON is a string: a bare number means a missing
/// `quoted_u64` (or similar) on some field.
fn assert_no_bare_numbers(value: &serde_json::Value, path: &str) {
    match value {
        serde_json::Value::Number(n) => panic!("bare number {n} at {path}"),
        serde_json::Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                assert_no_bare_numbers(item, &format!("{path}[{i}]"));
            }
        }
        serde_json::Value::Object(fields) => {
            for (name, item) in fields {
                assert_no_bare_numbers(item, &format!("{path}.{name}"));
            }
        }
        _ => {}
    }
}

fn round_trip<T>()
where
    T: Sample
        + Encode
        + Decode
        + TreeHash
        + Serialize
        + DeserializeOwned
        + PartialEq
        + std::fmt::Debug,
{
    let value = T::sample(1);
    let other = T::sample(2);
    assert_ne!(value, other, "samples with different seeds must differ");
    assert_ne!(value.tree_hash_root(), other.tree_hash_root());

    let bytes = value.as_ssz_bytes();
    assert_eq!(bytes.len(), value.ssz_bytes_len());
    let decoded = T::from_ssz_bytes(&bytes).unwrap();
    assert_eq!(decoded, value);
    assert_eq!(decoded.tree_hash_root(), value.tree_hash_root());
    if <T as Decode>::is_ssz_fixed_len() {
        assert_eq!(bytes.len(), <T as Decode>::ssz_fixed_len());
        assert!(T::from_ssz_bytes(&bytes[..bytes.len() - 1]).is_err());
    }

    let json = serde_json::to_value(&value).unwrap();
    assert_no_bare_numbers(&json, "$");
    let back: T = serde_json::from_value(json).unwrap();
    assert_eq!(back, value);
}

macro_rules! round_trip_tests {
    ($($name:ident: $t:ty),* $(,)?) => {
        $(#[test]
        fn $name() {
            round_trip::<$t>();
        })*
    };
}

sample_containers! {
    Fork { previous_version, current_version, epoch }
    ForkData { current_version, genesis_validators_root }
    Checkpoint { epoch, root }
    Eth1Data { deposit_root, deposit_count, block_hash }
    DepositMessage { pubkey, withdrawal_credentials, amount }
    DepositData { pubkey, withdrawal_credentials, amount, signature }
    BeaconBlockHeader { slot, proposer_index, parent_root, state_root, body_root }
    SigningData { object_root, domain }
    SignedBeaconBlockHeader { message, signature }
    ProposerSlashing { signed_header_1, signed_header_2 }
    Deposit { proof, data }
    VoluntaryExit { epoch, validator_index }
    SignedVoluntaryExit { message, signature }
    Eth1Block { timestamp, deposit_root, deposit_count }
    Status { fork_digest, finalized_root, finalized_epoch, head_root, head_slot }
    BeaconBlocksByRangeRequest { start_slot, count, step }
    MetaData { seq_number, attnets }
    EnrForkId { fork_digest, next_fork_version, next_fork_epoch }
    AttestationData { slot, index, beacon_block_root, source, target, shard, shard_head_root, shard_transition_root }
    Validator { pubkey, withdrawal_credentials, effective_balance, slashed, activation_eligibility_epoch, activation_epoch, exit_epoch, withdrawable_epoch, next_custody_secret_to_reveal, all_custody_secrets_revealed_epoch }
    ShardBlockHeader { shard_parent_root, beacon_parent_root, slot, shard, proposer_index, body_root }
    ShardState { slot, gasprice, latest_block_root }
    CustodyChunkChallengeRecord { challenge_index, challenger_index, responder_index, inclusion_epoch, data_root, chunk_index }
    CustodyKeyReveal { revealer_index, reveal }
    EarlyDerivedSecretReveal { revealed_index, epoch, reveal, masker_index, mask }
    LightClientVoteData { slot, beacon_block_root }
    phase0::AttestationData { slot, index, beacon_block_root, source, target }
    phase0::Validator { pubkey, withdrawal_credentials, effective_balance, slashed, activation_eligibility_epoch, activation_epoch, exit_epoch, withdrawable_epoch }
}

sample_generic_containers! {
    HistoricalBatch<E> { block_roots, state_roots }
    Attestation<E> { aggregation_bits, data, signature }
    PendingAttestation<E> { aggregation_bits, data, inclusion_delay, proposer_index, crosslink_success }
    IndexedAttestation<E> { attesting_indices, data, signature }
    AttesterSlashing<E> { attestation_1, attestation_2 }
    BeaconBlockBody<E> { randao_reveal, eth1_data, graffiti, proposer_slashings, attester_slashings, attestations, deposits, voluntary_exits, chunk_challenges, chunk_challenge_responses, custody_key_reveals, early_derived_secret_reveals, custody_slashings, shard_transitions, light_client_bits, light_client_signature }
    BeaconBlock<E> { slot, proposer_index, parent_root, state_root, body }
    SignedBeaconBlock<E> { message, signature }
    BeaconState<E> { genesis_time, genesis_validators_root, slot, fork, latest_block_header, block_roots, state_roots, historical_roots, eth1_data, eth1_data_votes, eth1_deposit_index, validators, balances, randao_mixes, slashings, previous_epoch_attestations, current_epoch_attestations, justification_bits, previous_justified_checkpoint, current_justified_checkpoint, finalized_checkpoint, current_epoch_start_shard, shard_states, online_countdown, current_light_committee, next_light_committee, exposed_derived_secrets, custody_chunk_challenge_records, custody_chunk_challenge_index }
    ShardBlock<E> { shard_parent_root, beacon_parent_root, slot, shard, proposer_index, body }
    SignedShardBlock<E> { message, signature }
    ShardTransition<E> { start_slot, shard_block_lengths, shard_data_roots, shard_states, proposer_signature_aggregate }
    CompactCommittee<E> { pubkeys, compact_validators }
    CustodyChunkChallenge<E> { responder_index, shard_transition, attestation, data_index, chunk_index }
    CustodyChunkResponse<E> { challenge_index, chunk_index, chunk, branch }
    CustodySlashing<E> { data_index, malefactor_index, malefactor_secret, whistleblower_index, shard_transition, attestation, data }
    SignedCustodySlashing<E> { message, signature }
    FullAttestationData<E> { slot, index, beacon_block_root, source, target, shard_head_root, shard_transition }
    FullAttestation<E> { aggregation_bits, data, signature }
    AggregateAndProof<E> { aggregator_index, aggregate, selection_proof }
    SignedAggregateAndProof<E> { message, signature }
    LightClientVote<E> { data, aggregation_bits, signature }
    LightAggregateAndProof<E> { aggregator_index, aggregate, selection_proof }
    SignedLightAggregateAndProof<E> { message, signature }
    LightClientUpdate<E> { shard_block_root, fork_version, aggregation_bits, signature, header, header_branch, committee, committee_branch }
    phase0::Attestation<E> { aggregation_bits, data, signature }
    phase0::PendingAttestation<E> { aggregation_bits, data, inclusion_delay, proposer_index }
    phase0::IndexedAttestation<E> { attesting_indices, data, signature }
    phase0::AttesterSlashing<E> { attestation_1, attestation_2 }
    phase0::BeaconBlockBody<E> { randao_reveal, eth1_data, graffiti, proposer_slashings, attester_slashings, attestations, deposits, voluntary_exits }
    phase0::BeaconBlock<E> { slot, proposer_index, parent_root, state_root, body }
    phase0::SignedBeaconBlock<E> { message, signature }
    phase0::BeaconState<E> { genesis_time, genesis_validators_root, slot, fork, latest_block_header, block_roots, state_roots, historical_roots, eth1_data, eth1_data_votes, eth1_deposit_index, validators, balances, randao_mixes, slashings, previous_epoch_attestations, current_epoch_attestations, justification_bits, previous_justified_checkpoint, current_justified_checkpoint, finalized_checkpoint }
    phase0::AggregateAndProof<E> { aggregator_index, aggregate, selection_proof }
    phase0::SignedAggregateAndProof<E> { message, signature }
}

round_trip_tests! {
    fork: Fork,
    fork_data: ForkData,
    checkpoint: Checkpoint,
    eth1_data: Eth1Data,
    historical_batch: HistoricalBatch<MinimalEthSpec>,
    deposit_message: DepositMessage,
    deposit_data: DepositData,
    beacon_block_header: BeaconBlockHeader,
    signing_data: SigningData,
    signed_beacon_block_header: SignedBeaconBlockHeader,
    proposer_slashing: ProposerSlashing,
    deposit: Deposit,
    voluntary_exit: VoluntaryExit,
    signed_voluntary_exit: SignedVoluntaryExit,
    eth1_block: Eth1Block,
    status: Status,
    beacon_blocks_by_range_request: BeaconBlocksByRangeRequest,
    meta_data: MetaData,
    enr_fork_id: EnrForkId,
    attestation_data: AttestationData,
    attestation: Attestation<MinimalEthSpec>,
    pending_attestation: PendingAttestation<MinimalEthSpec>,
    indexed_attestation: IndexedAttestation<MinimalEthSpec>,
    attester_slashing: AttesterSlashing<MinimalEthSpec>,
    validator: Validator,
    beacon_block_body: BeaconBlockBody<MinimalEthSpec>,
    beacon_block: BeaconBlock<MinimalEthSpec>,
    signed_beacon_block: SignedBeaconBlock<MinimalEthSpec>,
    beacon_state: BeaconState<MinimalEthSpec>,
    shard_block: ShardBlock<MinimalEthSpec>,
    signed_shard_block: SignedShardBlock<MinimalEthSpec>,
    shard_block_header: ShardBlockHeader,
    shard_state: ShardState,
    shard_transition: ShardTransition<MinimalEthSpec>,
    compact_committee: CompactCommittee<MinimalEthSpec>,
    custody_chunk_challenge: CustodyChunkChallenge<MinimalEthSpec>,
    custody_chunk_challenge_record: CustodyChunkChallengeRecord,
    custody_chunk_response: CustodyChunkResponse<MinimalEthSpec>,
    custody_slashing: CustodySlashing<MinimalEthSpec>,
    signed_custody_slashing: SignedCustodySlashing<MinimalEthSpec>,
    custody_key_reveal: CustodyKeyReveal,
    early_derived_secret_reveal: EarlyDerivedSecretReveal,
    full_attestation_data: FullAttestationData<MinimalEthSpec>,
    full_attestation: FullAttestation<MinimalEthSpec>,
    aggregate_and_proof: AggregateAndProof<MinimalEthSpec>,
    signed_aggregate_and_proof: SignedAggregateAndProof<MinimalEthSpec>,
    light_client_vote_data: LightClientVoteData,
    light_client_vote: LightClientVote<MinimalEthSpec>,
    light_aggregate_and_proof: LightAggregateAndProof<MinimalEthSpec>,
    signed_light_aggregate_and_proof: SignedLightAggregateAndProof<MinimalEthSpec>,
    light_client_update: LightClientUpdate<MinimalEthSpec>,
    phase0_attestation_data: phase0::AttestationData,
    phase0_attestation: phase0::Attestation<MinimalEthSpec>,
    phase0_pending_attestation: phase0::PendingAttestation<MinimalEthSpec>,
    phase0_indexed_attestation: phase0::IndexedAttestation<MinimalEthSpec>,
    phase0_attester_slashing: phase0::AttesterSlashing<MinimalEthSpec>,
    phase0_validator: phase0::Validator,
    phase0_beacon_block_body: phase0::BeaconBlockBody<MinimalEthSpec>,
    phase0_beacon_block: phase0::BeaconBlock<MinimalEthSpec>,
    phase0_signed_beacon_block: phase0::SignedBeaconBlock<MinimalEthSpec>,
    phase0_beacon_state: phase0::BeaconState<MinimalEthSpec>,
    phase0_aggregate_and_proof: phase0::AggregateAndProof<MinimalEthSpec>,
    phase0_signed_aggregate_and_proof: phase0::SignedAggregateAndProof<MinimalEthSpec>,
}

#[test]
fn json_follows_the_beacon_api() {
    let fork = Fork {
        previous_version: [0, 0, 0, 1],
        current_version: [0, 0, 0, 2],
        epoch: 18_446_744_073_709_551_615,
    };
    assert_eq!(
        serde_json::to_string(&fork).unwrap(),
        r#"{"previous_version":"0x00000001","current_version":"0x00000002","epoch":"18446744073709551615"}"#
    );
    let mut attestation = Attestation::<MinimalEthSpec>::sample(3);
    attestation.aggregation_bits = BitList::with_capacity(3).unwrap();
    attestation.aggregation_bits.set(1, true).unwrap();
    let json = serde_json::to_value(&attestation).unwrap();
    // Bitlist: the SSZ bytes, with the length bit, in hex.
    assert_eq!(json["aggregation_bits"], "0x0a");
    assert_eq!(json["data"]["slot"], attestation.data.slot.to_string());
    assert_eq!(
        json["signature"],
        format!("0x{}", hex::encode(attestation.signature.0))
    );
}
