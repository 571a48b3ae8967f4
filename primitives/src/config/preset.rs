//! The preset as a type: every constant that fixes an SSZ list limit or vector length.

use std::fmt::Debug;
use std::hash::Hash;

use typenum::{
    U1, U2, U4, U8, U9, U12, U15, U16, U32, U64, U128, U256, U1024, U2048, U4096, U8192, U32768,
    U65536, U1048576, U16777216, U1099511627776, Unsigned,
};

use super::PresetName;

/// A type-level list length, as `ssz_types` needs it.
pub trait Length:
    Unsigned + Clone + Copy + Debug + PartialEq + Eq + Hash + Send + Sync + Default
{
}
impl<T: Unsigned + Clone + Copy + Debug + PartialEq + Eq + Hash + Send + Sync + Default> Length
    for T
{
}

/// The type-shaping constants of a preset (see the [module docs](super)).
///
/// Generic code takes `E: EthSpec`; a node picks the preset by name at start-up and dispatches
/// once to the matching type.
pub trait EthSpec:
    'static + Clone + Copy + Debug + PartialEq + Eq + Hash + Default + Send + Sync
{
    /// The preset's name, as in `CONFIG_NAME`.
    const NAME: PresetName;

    // phase 0
    /// `MAX_VALIDATORS_PER_COMMITTEE`.
    type MaxValidatorsPerCommittee: Length;
    /// `SLOTS_PER_HISTORICAL_ROOT`.
    type SlotsPerHistoricalRoot: Length;
    /// `HISTORICAL_ROOTS_LIMIT`.
    type HistoricalRootsLimit: Length;
    /// `VALIDATOR_REGISTRY_LIMIT`.
    type ValidatorRegistryLimit: Length;
    /// `EPOCHS_PER_HISTORICAL_VECTOR`.
    type EpochsPerHistoricalVector: Length;
    /// `EPOCHS_PER_SLASHINGS_VECTOR`.
    type EpochsPerSlashingsVector: Length;
    /// `MAX_PROPOSER_SLASHINGS`.
    type MaxProposerSlashings: Length;
    /// `MAX_ATTESTER_SLASHINGS`.
    type MaxAttesterSlashings: Length;
    /// `MAX_ATTESTATIONS`.
    type MaxAttestations: Length;
    /// `MAX_DEPOSITS`.
    type MaxDeposits: Length;
    /// `MAX_VOLUNTARY_EXITS`.
    type MaxVoluntaryExits: Length;
    /// The preset's `SLOTS_PER_EPOCH`: the upper bound of the run-time value.
    type SlotsPerEpoch: Length;
    /// `MAX_ATTESTATIONS * SLOTS_PER_EPOCH` (pending attestations per epoch).
    type MaxPendingAttestations: Length;
    /// `EPOCHS_PER_ETH1_VOTING_PERIOD * SLOTS_PER_EPOCH` (eth1 data votes).
    type SlotsPerEth1VotingPeriod: Length;

    // phase 1
    /// `MAX_SHARDS`.
    type MaxShards: Length;
    /// `MAX_SHARD_BLOCKS_PER_ATTESTATION` (`len(SHARD_BLOCK_OFFSETS)`).
    type MaxShardBlocksPerAttestation: Length;
    /// `MAX_SHARD_BLOCK_SIZE`.
    type MaxShardBlockSize: Length;
    /// `LIGHT_CLIENT_COMMITTEE_SIZE`.
    type LightClientCommitteeSize: Length;
    /// `MAX_CUSTODY_KEY_REVEALS`.
    type MaxCustodyKeyReveals: Length;
    /// `MAX_EARLY_DERIVED_SECRET_REVEALS`.
    type MaxEarlyDerivedSecretReveals: Length;
    /// `MAX_CUSTODY_CHUNK_CHALLENGES`.
    type MaxCustodyChunkChallenges: Length;
    /// `MAX_CUSTODY_SLASHINGS`.
    type MaxCustodySlashings: Length;
    /// `MAX_CUSTODY_CHUNK_CHALLENGE_RECORDS`.
    type MaxCustodyChunkChallengeRecords: Length;
    /// `BYTES_PER_CUSTODY_CHUNK`.
    type BytesPerCustodyChunk: Length;
    /// `CUSTODY_RESPONSE_DEPTH + 1` (branch length of a chunk response).
    type CustodyResponseDepthPlusOne: Length;
    /// `EARLY_DERIVED_SECRET_PENALTY_MAX_FUTURE_EPOCHS`.
    type EarlyDerivedSecretPenaltyMaxFutureEpochs: Length;
    /// `MAX_EARLY_DERIVED_SECRET_REVEALS * SLOTS_PER_EPOCH`.
    type MaxExposedDerivedSecretsPerEpoch: Length;
    /// `PERIOD_COMMITTEE_ROOT_IN_BEACON_STATE_DEPTH + log_2(MAX_SHARDS)`: the length of
    /// `LightClientUpdate.committee_branch` (the light client spec writes `SHARD_COUNT`, the
    /// name phase 1 replaced with `MAX_SHARDS`).
    type LightClientCommitteeBranchLength: Length;

    /// The preset's `SLOTS_PER_EPOCH` as a number.
    fn preset_slots_per_epoch() -> u64 {
        Self::SlotsPerEpoch::to_u64()
    }
}

/// The spec's `minimal` preset.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct MinimalEthSpec;

impl EthSpec for MinimalEthSpec {
    const NAME: PresetName = PresetName::Minimal;
    type MaxValidatorsPerCommittee = U2048;
    type SlotsPerHistoricalRoot = U64;
    type HistoricalRootsLimit = U16777216;
    type ValidatorRegistryLimit = U1099511627776;
    type EpochsPerHistoricalVector = U64;
    type EpochsPerSlashingsVector = U64;
    type MaxProposerSlashings = U16;
    type MaxAttesterSlashings = U2;
    type MaxAttestations = U128;
    type MaxDeposits = U16;
    type MaxVoluntaryExits = U16;
    type SlotsPerEpoch = U8;
    type MaxPendingAttestations = U1024;
    type SlotsPerEth1VotingPeriod = U32;
    type MaxShards = U8;
    type MaxShardBlocksPerAttestation = U12;
    type MaxShardBlockSize = U1048576;
    type LightClientCommitteeSize = U128;
    type MaxCustodyKeyReveals = U256;
    type MaxEarlyDerivedSecretReveals = U1;
    type MaxCustodyChunkChallenges = U2;
    type MaxCustodySlashings = U1;
    type MaxCustodyChunkChallengeRecords = U1048576;
    type BytesPerCustodyChunk = U4096;
    type CustodyResponseDepthPlusOne = U9;
    type EarlyDerivedSecretPenaltyMaxFutureEpochs = U64;
    type MaxExposedDerivedSecretsPerEpoch = U8;
    type LightClientCommitteeBranchLength = U8;
}

/// The spec's `mainnet` preset.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct MainnetEthSpec;

impl EthSpec for MainnetEthSpec {
    const NAME: PresetName = PresetName::Mainnet;
    type MaxValidatorsPerCommittee = U2048;
    type SlotsPerHistoricalRoot = U8192;
    type HistoricalRootsLimit = U16777216;
    type ValidatorRegistryLimit = U1099511627776;
    type EpochsPerHistoricalVector = U65536;
    type EpochsPerSlashingsVector = U8192;
    type MaxProposerSlashings = U16;
    type MaxAttesterSlashings = U2;
    type MaxAttestations = U128;
    type MaxDeposits = U16;
    type MaxVoluntaryExits = U16;
    type SlotsPerEpoch = U32;
    type MaxPendingAttestations = U4096;
    type SlotsPerEth1VotingPeriod = U1024;
    type MaxShards = U1024;
    type MaxShardBlocksPerAttestation = U12;
    type MaxShardBlockSize = U1048576;
    type LightClientCommitteeSize = U128;
    type MaxCustodyKeyReveals = U256;
    type MaxEarlyDerivedSecretReveals = U1;
    type MaxCustodyChunkChallenges = U4;
    type MaxCustodySlashings = U1;
    type MaxCustodyChunkChallengeRecords = U1048576;
    type BytesPerCustodyChunk = U4096;
    type CustodyResponseDepthPlusOne = U9;
    type EarlyDerivedSecretPenaltyMaxFutureEpochs = U32768;
    type MaxExposedDerivedSecretsPerEpoch = U32;
    type LightClientCommitteeBranchLength = U15;
}
