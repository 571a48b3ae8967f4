//! The `epoch_processing` runner (`minimal`, phase 1), for the steps registry updates,
//! slashings and final updates: one step of `process_epoch` applied to `pre.ssz`.
//!
//! A case's `pre.ssz` is the state after every earlier step of `process_epoch` ran; `post.ssz`
//! is the state after this step, and is absent when the step must fail. The runner's other
//! directories (`justification_and_finalization`, `rewards_and_penalties`, `reveal_deadlines`,
//! `challenge_deadlines`, `custody_final_updates`) have their handlers in other modules.

use beacon::per_epoch::{
    EpochProcessingError, process_final_updates, process_registry_updates, process_slashings,
};
use primitives::types::BeaconState;
use primitives::{ChainConfig, MinimalEthSpec, PresetName};

use super::operations::state_diff;
use crate::{Case, CaseError, Handler, Outcome};

type State = BeaconState<MinimalEthSpec>;

/// One epoch processing step.
type Step = fn(&mut State, &ChainConfig) -> Result<(), EpochProcessingError>;

fn run_step(case: &Case, step: Step) -> Result<Outcome, CaseError> {
    let config = ChainConfig::preset(PresetName::Minimal);
    let mut state: State = case.ssz("pre.ssz")?;
    let post: Option<State> = case.ssz_if_present("post.ssz")?;
    match (post, step(&mut state, &config)) {
        (Some(post), Ok(())) if state == post => Ok(Outcome::Passed),
        (Some(post), Ok(())) => Err(CaseError::Unexpected(format!(
            "post state differs in {}",
            state_diff(&post, &state).join(", ")
        ))),
        (Some(_), Err(e)) => Err(CaseError::Unexpected(format!("step failed: {e}"))),
        (None, Ok(())) => Err(CaseError::Unexpected(
            "the step should have failed but succeeded".to_owned(),
        )),
        (None, Err(_)) => Ok(Outcome::Passed),
    }
}

fn registry_updates(case: &Case) -> Result<Outcome, CaseError> {
    run_step(case, process_registry_updates)
}

fn slashings(case: &Case) -> Result<Outcome, CaseError> {
    run_step(case, process_slashings)
}

/// `final_updates` runs the phase 0 `process_final_updates` alone.
///
/// The v0.12.3 test generator's `final_updates` handler runs the step of that name, and phase 1
/// keeps phase 0's `process_final_updates` as a step of its own, with the phase 1 additions in
/// `process_phase_1_final_updates` after it. The cases agree: their `post.ssz` differs from
/// `pre.ssz` only in phase 0 fields (eth1 votes, effective balances, slashings, RANDAO mixes,
/// historical roots, pending attestations). In all four, every one of the 64 validators has a
/// non-zero `online_countdown` that `post.ssz` leaves as it was, where
/// `process_online_tracking` would have counted it down; the light client committees and
/// `current_epoch_start_shard` are unchanged too.
fn final_updates(case: &Case) -> Result<Outcome, CaseError> {
    run_step(case, process_final_updates)
}

macro_rules! handlers {
    ($($name:literal => $run:expr),* $(,)?) => {
        /// The handlers of this module.
        pub static HANDLERS: &[Handler] = &[
            $(Handler {
                preset: "minimal",
                fork: "phase1",
                runner: "epoch_processing",
                handler: $name,
                run: $run,
            }),*
        ];
    };
}

handlers!(
    "final_updates" => final_updates,
    "registry_updates" => registry_updates,
    "slashings" => slashings,
);
