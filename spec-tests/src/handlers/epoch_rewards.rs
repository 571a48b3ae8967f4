//! The `epoch_processing` handlers (`minimal`, phase 1) of the attestation steps:
//! `justification_and_finalization` and `rewards_and_penalties`.
//!
//! `pre.ssz` is the state after the earlier steps of `process_epoch`; the step is applied alone
//! and must give `post.ssz`, or fail (leaving the state unchanged) when there is none.

use beacon::BeaconStateError;
use beacon::per_epoch::{process_justification_and_finalization, process_rewards_and_penalties};
use primitives::types::BeaconState;
use primitives::{ChainConfig, MinimalEthSpec, PresetName};

use super::operations::state_diff;
use crate::{Case, CaseError, Handler, Outcome};

type State = BeaconState<MinimalEthSpec>;

/// One epoch-processing step.
type Step = fn(&mut State, &ChainConfig) -> Result<(), BeaconStateError>;

fn run_step(case: &Case, step: Step) -> Result<Outcome, CaseError> {
    let config = ChainConfig::preset(PresetName::Minimal);
    let pre: State = case.ssz("pre.ssz")?;
    let post: Option<State> = case.ssz_if_present("post.ssz")?;
    let mut state = pre.clone();
    match (post, step(&mut state, &config)) {
        (Some(post), Ok(())) if state == post => Ok(Outcome::Passed),
        (Some(post), Ok(())) => Err(CaseError::Unexpected(format!(
            "post state differs in {}",
            state_diff(&post, &state).join(", ")
        ))),
        (Some(_), Err(e)) => Err(CaseError::Unexpected(format!("step failed: {e}"))),
        (None, Ok(())) => Err(CaseError::Unexpected(
            "the step should fail but succeeded".to_owned(),
        )),
        (None, Err(_)) if state == pre => Ok(Outcome::Passed),
        (None, Err(e)) => Err(CaseError::Unexpected(format!(
            "failed step ({e}) changed the state in {}",
            state_diff(&pre, &state).join(", ")
        ))),
    }
}

fn justification_and_finalization(case: &Case) -> Result<Outcome, CaseError> {
    run_step(case, process_justification_and_finalization)
}

fn rewards_and_penalties(case: &Case) -> Result<Outcome, CaseError> {
    run_step(case, process_rewards_and_penalties)
}

/// The handlers of this module.
pub static HANDLERS: &[Handler] = &[
    Handler {
        preset: "minimal",
        fork: "phase1",
        runner: "epoch_processing",
        handler: "justification_and_finalization",
        run: justification_and_finalization,
    },
    Handler {
        preset: "minimal",
        fork: "phase1",
        runner: "epoch_processing",
        handler: "rewards_and_penalties",
        run: rewards_and_penalties,
    },
];
