//! `BeaconState` (phase 1 beacon chain).

use serde::{Deserialize, Serialize};
use ssz_derive::{Decode, Encode};
use ssz_types::{BitVector, FixedVector, VariableList};
use tree_hash_derive::TreeHash;

use crate::EthSpec;
use crate::types::{
    BeaconBlockHeader, Checkpoint, CompactCommittee, CustodyChunkChallengeRecord, Eth1Data, Fork,
    Gwei, JustificationBitsLength, OnlineEpochs, PendingAttestation, Root, Shard, ShardState, Slot,
    Validator, ValidatorIndex,
};

/// `BeaconState`: the beacon chain state, with phase 1's shard, light client and custody fields.
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
    pub randao_mixes: FixedVector<Root, E::EpochsPerHistoricalVector>,
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
    /// The first shard of the current epoch's committees.
    #[serde(with = "serde_utils::quoted_u64")]
    pub current_epoch_start_shard: Shard,
    /// The latest crosslinked state of each shard.
    pub shard_states: VariableList<ShardState, E::MaxShards>,
    /// Per validator, epochs left before it counts as offline.
    #[serde(with = "crate::types::quoted_lists::quoted_u8_var_list")]
    pub online_countdown: VariableList<OnlineEpochs, E::ValidatorRegistryLimit>,
    /// The current light client committee.
    pub current_light_committee: CompactCommittee<E>,
    /// The next light client committee.
    pub next_light_committee: CompactCommittee<E>,
    /// Per RANDAO reveal period, the validators whose future derived secrets were exposed.
    #[serde(with = "crate::types::quoted_lists::quoted_u64_var_list_vector")]
    pub exposed_derived_secrets: FixedVector<
        VariableList<ValidatorIndex, E::MaxExposedDerivedSecretsPerEpoch>,
        E::EarlyDerivedSecretPenaltyMaxFutureEpochs,
    >,
    /// Open custody chunk challenges.
    pub custody_chunk_challenge_records:
        VariableList<CustodyChunkChallengeRecord, E::MaxCustodyChunkChallengeRecords>,
    /// Index of the next custody chunk challenge.
    #[serde(with = "serde_utils::quoted_u64")]
    pub custody_chunk_challenge_index: u64,
}
