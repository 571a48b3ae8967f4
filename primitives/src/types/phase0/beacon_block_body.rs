//! `BeaconBlockBody` (phase 0 beacon chain).

use serde::{Deserialize, Serialize};
use ssz_derive::{Decode, Encode};
use ssz_types::VariableList;
use tree_hash_derive::TreeHash;

use super::{Attestation, AttesterSlashing};
use crate::EthSpec;
use crate::types::{
    Bytes32, Deposit, Eth1Data, ProposerSlashing, SignatureBytes, SignedVoluntaryExit,
};

/// `BeaconBlockBody` (phase 0 form): the operations of a phase 0 beacon block.
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
}
