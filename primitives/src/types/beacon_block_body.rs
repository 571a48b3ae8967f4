//! `BeaconBlockBody` (phase 1 beacon chain).

use serde::{Deserialize, Serialize};
use ssz_derive::{Decode, Encode};
use ssz_types::{BitVector, FixedVector, VariableList};
use tree_hash_derive::TreeHash;

use crate::EthSpec;
use crate::types::{
    Attestation, AttesterSlashing, Bytes32, CustodyChunkChallenge, CustodyChunkResponse,
    CustodyKeyReveal, Deposit, EarlyDerivedSecretReveal, Eth1Data,
    MaxCustodyChunkChallengeResponses, ProposerSlashing, ShardTransition, SignatureBytes,
    SignedCustodySlashing, SignedVoluntaryExit,
};

/// `BeaconBlockBody`: the operations of a beacon block, with phase 1's custody, shard and light client parts.
#[derive(
    Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, Encode, Decode, TreeHash,
)]
#[serde(bound = "E: EthSpec")]
pub struct BeaconBlockBody<E: EthSpec> {
    /// The proposer's RANDAO reveal.
    pub randao_reveal: SignatureBytes,
    /// Eth1 data vote.
    pub eth1_data: Eth1Data,
    /// Arbitrary data.
    pub graffiti: Bytes32,
    /// Proposer slashings.
    pub proposer_slashings: VariableList<ProposerSlashing, E::MaxProposerSlashings>,
    /// Attester slashings.
    pub attester_slashings: VariableList<AttesterSlashing<E>, E::MaxAttesterSlashings>,
    /// Attestations.
    pub attestations: VariableList<Attestation<E>, E::MaxAttestations>,
    /// Deposits.
    pub deposits: VariableList<Deposit, E::MaxDeposits>,
    /// Voluntary exits.
    pub voluntary_exits: VariableList<SignedVoluntaryExit, E::MaxVoluntaryExits>,
    /// Custody chunk challenges.
    pub chunk_challenges: VariableList<CustodyChunkChallenge<E>, E::MaxCustodyChunkChallenges>,
    /// Responses to custody chunk challenges.
    pub chunk_challenge_responses:
        VariableList<CustodyChunkResponse<E>, MaxCustodyChunkChallengeResponses>,
    /// Custody key reveals.
    pub custody_key_reveals: VariableList<CustodyKeyReveal, E::MaxCustodyKeyReveals>,
    /// Early derived secret reveals.
    pub early_derived_secret_reveals:
        VariableList<EarlyDerivedSecretReveal, E::MaxEarlyDerivedSecretReveals>,
    /// Custody slashings.
    pub custody_slashings: VariableList<SignedCustodySlashing<E>, E::MaxCustodySlashings>,
    /// One shard transition per shard.
    pub shard_transitions: FixedVector<ShardTransition<E>, E::MaxShards>,
    /// Which light client committee members signed.
    pub light_client_bits: BitVector<E::LightClientCommitteeSize>,
    /// Their aggregate signature.
    pub light_client_signature: SignatureBytes,
}
