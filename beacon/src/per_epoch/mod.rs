//! Epoch processing, one file per step of the spec's phase 1 `process_epoch`:
//! justification and finalization, rewards and penalties, registry updates, the custody game's
//! reveal and challenge deadlines, slashings, the phase 0 final updates and the phase 1 final
//! updates (custody final updates, online tracking, light-client committee updates, the
//! current epoch's start shard).
//!
//! The accessors of the attestation steps are in `attestation_accessors`, the previous epoch's
//! per-validator participation in `participation` and the reward components in
//! `attestation_deltas`.

mod attestation_accessors;
mod attestation_deltas;
mod challenge_deadlines;
mod current_epoch_start_shard;
mod custody_final_updates;
mod errors;
mod final_updates;
mod justification_and_finalization;
mod light_client_committee_updates;
mod online_tracking;
mod participation;
mod process_epoch;
mod registry_updates;
mod reveal_deadlines;
mod rewards_and_penalties;
mod slashings;

pub use attestation_accessors::{
    get_attesting_balance, get_eligible_validator_indices, get_finality_delay,
    get_matching_head_attestations, get_matching_source_attestations,
    get_matching_target_attestations, get_proposer_reward, get_unslashed_attesting_indices,
    is_in_inactivity_leak,
};
pub use attestation_deltas::{
    Deltas, RewardBasis, get_attestation_component_deltas, get_attestation_deltas, get_head_deltas,
    get_inactivity_penalty_deltas, get_inclusion_delay_deltas, get_source_deltas,
    get_target_deltas,
};
pub use challenge_deadlines::process_challenge_deadlines;
pub use current_epoch_start_shard::update_current_epoch_start_shard;
pub use custody_final_updates::process_custody_final_updates;
pub use errors::EpochProcessingError;
pub use final_updates::process_final_updates;
pub use justification_and_finalization::{
    process_justification_and_finalization, weigh_justification_and_finalization,
};
pub use light_client_committee_updates::process_light_client_committee_updates;
pub use online_tracking::process_online_tracking;
pub use participation::{Inclusion, PreviousEpochParticipation};
pub use process_epoch::{process_epoch, process_phase_1_final_updates};
pub use registry_updates::process_registry_updates;
pub use reveal_deadlines::process_reveal_deadlines;
pub use rewards_and_penalties::process_rewards_and_penalties;
pub use slashings::process_slashings;

#[cfg(test)]
mod rewards_tests;
