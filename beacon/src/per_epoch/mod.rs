//! Epoch processing, one file per step of the spec's phase 1 `process_epoch`:
//! justification and finalization, rewards and penalties, registry updates, the custody game's
//! reveal and challenge deadlines, slashings, the phase 0 final updates and the phase 1 final
//! updates (custody final updates, online tracking, light-client committee updates, the
//! current epoch's start shard).

mod challenge_deadlines;
mod current_epoch_start_shard;
mod custody_final_updates;
mod errors;
mod final_updates;
mod justification_and_finalization;
mod light_client_committee_updates;
mod online_tracking;
mod registry_updates;
mod reveal_deadlines;
mod rewards_and_penalties;
mod slashings;

pub use challenge_deadlines::process_challenge_deadlines;
pub use current_epoch_start_shard::update_current_epoch_start_shard;
pub use custody_final_updates::process_custody_final_updates;
pub use errors::EpochProcessingError;
pub use final_updates::process_final_updates;
pub use light_client_committee_updates::process_light_client_committee_updates;
pub use online_tracking::process_online_tracking;
pub use registry_updates::process_registry_updates;
pub use reveal_deadlines::process_reveal_deadlines;
pub use slashings::process_slashings;
