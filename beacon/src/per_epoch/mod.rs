//! Epoch processing, one file per step of the spec's phase 1 `process_epoch`:
//! justification and finalization, rewards and penalties, registry updates, the custody game's
//! reveal and challenge deadlines, slashings, the phase 0 final updates and the phase 1 final
//! updates (custody final updates, online tracking, light-client committee updates).

mod challenge_deadlines;
mod custody_final_updates;
mod final_updates;
mod justification_and_finalization;
mod light_client_committee_updates;
mod online_tracking;
mod registry_updates;
mod reveal_deadlines;
mod rewards_and_penalties;
mod slashings;

pub use challenge_deadlines::process_challenge_deadlines;
pub use custody_final_updates::process_custody_final_updates;
pub use reveal_deadlines::process_reveal_deadlines;
