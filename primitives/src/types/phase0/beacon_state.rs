//! `BeaconState` (phase 0 beacon chain).

use serde::{Deserialize, Serialize};
use ssz_derive::{Decode, Encode};
use ssz_types::{BitVector, FixedVector, VariableList};
use tree_hash_derive::TreeHash;

use super::{PendingAttestation, Validator};
use crate::EthSpec;
use crate::types::{
    BeaconBlockHeader, Bytes32, Checkpoint, Eth1Data, Fork, Gwei, JustificationBitsLength, Root,
    Slot,
};

/// `BeaconState` (phase 0 form): the phase 0 beacon chain state.
#[derive(
    Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, Encode, Decode, TreeHash,
)]
#[serde(bound = "E: EthSpec")]
pub struct BeaconState<E: EthSpec> {
    /// Genesis time, in seconds since the Unix epoch.
    #[serde(with = "serde_utils::quoted_u64")]
    pub genesis_time: u64,
    /// Root of the genesis validator registry.
    pub genesis_validators_root: Root,
    /// The current slot.
    #[serde(with = "serde_utils::quoted_u64")]
    pub slot: Slot,
    /// The fork in force.
    pub fork: Fork,
    /// Header of the latest block.
    pub latest_block_header: BeaconBlockHeader,
    /// Recent block roots.
    pub block_roots: FixedVector<Root, E::SlotsPerHistoricalRoot>,
    /// Recent state roots.
    pub state_roots: FixedVector<Root, E::SlotsPerHistoricalRoot>,
    /// Roots of past `HistoricalBatch`es.
    pub historical_roots: VariableList<Root, E::HistoricalRootsLimit>,
    /// The eth1 data agreed on.
    pub eth1_data: Eth1Data,
    /// Eth1 data votes of the current period.
    pub eth1_data_votes: VariableList<Eth1Data, E::SlotsPerEth1VotingPeriod>,
    /// Index of the next deposit to process.
    #[serde(with = "serde_utils::quoted_u64")]
    pub eth1_deposit_index: u64,
    /// The validator registry.
    pub validators: VariableList<Validator, E::ValidatorRegistryLimit>,
    /// The validators' balances.
    #[serde(with = "ssz_types::serde_utils::quoted_u64_var_list")]
    pub balances: VariableList<Gwei, E::ValidatorRegistryLimit>,
    /// Recent RANDAO mixes.
    pub randao_mixes: FixedVector<Bytes32, E::EpochsPerHistoricalVector>,
    /// Per-epoch sums of slashed effective balances.
    #[serde(with = "ssz_types::serde_utils::quoted_u64_fixed_vec")]
    pub slashings: FixedVector<Gwei, E::EpochsPerSlashingsVector>,
    /// Attestations of the previous epoch.
    pub previous_epoch_attestations: VariableList<PendingAttestation<E>, E::MaxPendingAttestations>,
    /// Attestations of the current epoch.
    pub current_epoch_attestations: VariableList<PendingAttestation<E>, E::MaxPendingAttestations>,
    /// A bit set for every recent justified epoch.
    pub justification_bits: BitVector<JustificationBitsLength>,
    /// Previous epoch snapshot.
    pub previous_justified_checkpoint: Checkpoint,
    /// The current justified checkpoint.
    pub current_justified_checkpoint: Checkpoint,
    /// The finalized checkpoint.
    pub finalized_checkpoint: Checkpoint,
}
