//! The spec's beacon state accessors (`get_*`) and predicates (`is_*`), phase 0 and phase 1.
//!
//! Run-time constants come from a [`ChainConfig`](primitives::ChainConfig) argument. Each
//! function is the spec's, with its `assert`s and out-of-range indices turned into
//! [`BeaconStateError`](crate::BeaconStateError)s. Committees are computed with
//! [`primitives::shuffling`]; a [`CommitteeCache`] holds one epoch's shuffle for callers that
//! ask for many committees, and [`CommitteeCaches`] those of a block.

mod committee_cache;
pub(crate) mod committees;
mod compact_committee;
mod custody;
mod epochs;
mod indexed_attestation;
mod predicates;
mod shards;
pub(crate) mod validators;

pub use committee_cache::{CommitteeCache, CommitteeCaches};
pub use committees::{
    get_attesting_indices, get_beacon_committee, get_beacon_proposer_index,
    get_committee_count_per_slot, get_indexed_attestation,
};
pub use compact_committee::{
    committee_to_compact_committee, pack_compact_validator, unpack_compact_validator,
};
pub use custody::get_custody_period_for_validator;
pub use epochs::{
    get_block_root, get_block_root_at_slot, get_current_epoch, get_domain, get_previous_epoch,
    get_randao_mix, get_seed,
};
pub use indexed_attestation::{
    IndexedAttestationInvalid, is_valid_indexed_attestation, validate_indexed_attestation,
};
pub use predicates::{
    is_active_validator, is_eligible_for_activation, is_eligible_for_activation_queue,
    is_slashable_attestation_data, is_slashable_validator, is_valid_merkle_branch,
};
pub use shards::{
    compute_committee_source_epoch, compute_offset_slots, compute_previous_slot,
    compute_shard_from_committee_index, get_active_shard_count, get_committee_count_delta,
    get_latest_slot_for_shard, get_light_client_committee, get_offset_slots, get_shard_committee,
    get_shard_proposer_index, get_start_shard, shard_state,
};
pub use validators::{
    BASE_REWARDS_PER_EPOCH, balance, get_active_validator_indices, get_base_reward,
    get_online_validator_indices, get_total_active_balance, get_total_balance,
    get_validator_churn_limit, validator,
};
