//! The `operations` runner (`minimal`, phase 1): one block operation applied to `pre.ssz`.
//!
//! A case gives the operation's SSZ file, `pre.ssz`, `post.ssz` when the operation is valid
//! (absent: it must fail) and an optional `meta.yaml` whose `bls_setting` is 0 (BLS optional:
//! run with it), 1 (required) or 2 (ignored: signatures skipped). With BLS on, each case runs
//! twice: verifying every signature at once, then collecting them into one batch verified
//! afterwards; both must agree with the vector. An operation that fails must leave the state
//! as it was (except in batch mode, where a bad signature only shows once the batch is checked).

use beacon::accessors::CommitteeCaches;
use beacon::per_block::{
    BlockProcessingError, process_attestation, process_attester_slashing, process_block_header,
    process_deposit, process_proposer_slashing, process_shard_transitions, process_voluntary_exit,
};
use beacon::signatures::{SignatureBatch, VerifySignatures};
use primitives::types::{
    Attestation, AttesterSlashing, BeaconBlock, BeaconState, Deposit, ProposerSlashing,
    ShardTransition, SignedVoluntaryExit,
};
use primitives::{ChainConfig, MinimalEthSpec, PresetName};
use serde::Deserialize;

use crate::{Case, CaseError, Handler, Outcome, SignatureMode};

type State = BeaconState<MinimalEthSpec>;

/// Applies one operation to a state.
pub(crate) type Apply<O> =
    fn(&mut State, &O, &mut VerifySignatures<'_>, &ChainConfig) -> Result<(), BlockProcessingError>;

/// Runs one case of an operation read from `file`, in every signature mode its
/// `bls_setting` allows.
pub(crate) fn run_operation<O: ssz::Decode>(
    case: &Case,
    file: &str,
    apply: Apply<O>,
) -> Result<Outcome, CaseError> {
    let operation: O = case.ssz(file)?;
    run_loaded(case, &operation, apply)
}

/// Runs an operation already read from the case's files against `pre.ssz` and `post.ssz`.
fn run_loaded<O>(case: &Case, operation: &O, apply: Apply<O>) -> Result<Outcome, CaseError> {
    let config = ChainConfig::preset(PresetName::Minimal);
    let pre: State = case.ssz("pre.ssz")?;
    let post: Option<State> = case.ssz_if_present("post.ssz")?;
    let modes = case.signature_modes()?;
    for &mode in modes {
        let mut state = pre.clone();
        let mut batch = SignatureBatch::new();
        let result = match mode {
            SignatureMode::Individually => apply(
                &mut state,
                operation,
                &mut VerifySignatures::Individually,
                &config,
            ),
            SignatureMode::Skip => {
                apply(&mut state, operation, &mut VerifySignatures::Skip, &config)
            }
            SignatureMode::Batch => apply(
                &mut state,
                operation,
                &mut VerifySignatures::Batch(&mut batch),
                &config,
            ),
        };
        let batch_failed = !batch.verify();
        match (&post, result) {
            (Some(post), Ok(())) => {
                if batch_failed {
                    return Err(CaseError::Unexpected(format!(
                        "{mode:?}: valid operation, but its batch of {} signature sets fails",
                        batch.len()
                    )));
                }
                if state != *post {
                    return Err(CaseError::Unexpected(format!(
                        "{mode:?}: post state differs in {}",
                        state_diff(post, &state).join(", ")
                    )));
                }
            }
            (Some(_), Err(e)) => {
                return Err(CaseError::Unexpected(format!(
                    "{mode:?}: valid operation refused: {e}"
                )));
            }
            (None, Ok(())) => {
                if !batch_failed {
                    return Err(CaseError::Unexpected(format!(
                        "{mode:?}: invalid operation accepted"
                    )));
                }
            }
            (None, Err(e)) => {
                if !e.is_bad_data() {
                    return Err(CaseError::Unexpected(format!(
                        "{mode:?}: invalid operation refused as a state fault: {e}"
                    )));
                }
                if state != pre {
                    return Err(CaseError::Unexpected(format!(
                        "{mode:?}: refused operation ({e}) changed the state in {}",
                        state_diff(&pre, &state).join(", ")
                    )));
                }
            }
        }
    }
    Ok(Outcome::Passed)
}

/// The names of the fields in which two states differ, then the first differing entry of the
/// validator and balance lists.
pub(crate) fn state_diff(expected: &State, got: &State) -> Vec<String> {
    let mut out = Vec::new();
    macro_rules! fields {
        ($($field:ident),* $(,)?) => {
            $(if expected.$field != got.$field {
                out.push(stringify!($field).to_owned());
            })*
        };
    }
    fields!(
        genesis_time,
        genesis_validators_root,
        slot,
        fork,
        latest_block_header,
        block_roots,
        state_roots,
        historical_roots,
        eth1_data,
        eth1_data_votes,
        eth1_deposit_index,
        validators,
        balances,
        randao_mixes,
        slashings,
        previous_epoch_attestations,
        current_epoch_attestations,
        justification_bits,
        previous_justified_checkpoint,
        current_justified_checkpoint,
        finalized_checkpoint,
        current_epoch_start_shard,
        shard_states,
        online_countdown,
        current_light_committee,
        next_light_committee,
        exposed_derived_secrets,
        custody_chunk_challenge_records,
        custody_chunk_challenge_index,
    );
    out.extend(first_difference(
        "validators",
        &expected.validators,
        &got.validators,
    ));
    out.extend(first_difference(
        "balances",
        &expected.balances,
        &got.balances,
    ));
    out
}

/// The first entry in which two lists differ, or their lengths if those differ.
fn first_difference<T: PartialEq + std::fmt::Debug>(
    name: &str,
    expected: &[T],
    got: &[T],
) -> Option<String> {
    if expected.len() != got.len() {
        return Some(format!(
            "{name}: length {} expected, {} got",
            expected.len(),
            got.len()
        ));
    }
    expected
        .iter()
        .zip(got)
        .position(|(a, b)| a != b)
        .map(|i| format!("{name}[{i}]: expected {:?}, got {:?}", expected[i], got[i]))
}

fn block_header(case: &Case) -> Result<Outcome, CaseError> {
    run_operation::<BeaconBlock<MinimalEthSpec>>(case, "block.ssz", |state, block, _, config| {
        process_block_header(state, block, config).map_err(BlockProcessingError::header)
    })
}

fn proposer_slashing(case: &Case) -> Result<Outcome, CaseError> {
    run_operation::<ProposerSlashing>(
        case,
        "proposer_slashing.ssz",
        |state, op, verify, config| {
            process_proposer_slashing(state, op, verify, config)
                .map_err(|e| BlockProcessingError::proposer_slashing(0, e))
        },
    )
}

fn attester_slashing(case: &Case) -> Result<Outcome, CaseError> {
    run_operation::<AttesterSlashing<MinimalEthSpec>>(
        case,
        "attester_slashing.ssz",
        |state, op, verify, config| {
            process_attester_slashing(state, op, verify, config)
                .map_err(|e| BlockProcessingError::attester_slashing(0, e))
        },
    )
}

fn deposit(case: &Case) -> Result<Outcome, CaseError> {
    run_operation::<Deposit>(case, "deposit.ssz", |state, op, verify, config| {
        process_deposit(state, op, verify, config).map_err(|e| BlockProcessingError::deposit(0, e))
    })
}

fn voluntary_exit(case: &Case) -> Result<Outcome, CaseError> {
    run_operation::<SignedVoluntaryExit>(case, "voluntary_exit.ssz", |state, op, verify, config| {
        process_voluntary_exit(state, op, verify, config)
            .map_err(|e| BlockProcessingError::exit(0, e))
    })
}

fn attestation(case: &Case) -> Result<Outcome, CaseError> {
    run_operation::<Attestation<MinimalEthSpec>>(
        case,
        "attestation.ssz",
        |state, op, verify, config| {
            process_attestation(state, op, &mut CommitteeCaches::new(), verify, config)
                .map_err(|e| BlockProcessingError::attestation(0, e))
        },
    )
}

/// The inputs of a `shard_transition` case: the block's `MAX_SHARDS` transitions and its
/// attestations, which `pre.ssz` has processed already.
struct ShardTransitions {
    transitions: Vec<ShardTransition<MinimalEthSpec>>,
    attestations: Vec<Attestation<MinimalEthSpec>>,
}

/// `meta.yaml` of a `shard_transition` case.
#[derive(Deserialize)]
struct ShardTransitionsMeta {
    shard_transitions_count: usize,
    attestations_count: usize,
}

fn shard_transition(case: &Case) -> Result<Outcome, CaseError> {
    let meta: ShardTransitionsMeta = case.yaml("meta.yaml")?;
    let inputs = ShardTransitions {
        transitions: (0..meta.shard_transitions_count)
            .map(|i| case.ssz(&format!("shard_transitions_{i}.ssz")))
            .collect::<Result<_, _>>()?,
        attestations: (0..meta.attestations_count)
            .map(|i| case.ssz(&format!("attestations_{i}.ssz")))
            .collect::<Result<_, _>>()?,
    };
    run_loaded(case, &inputs, |state, inputs, verify, config| {
        process_shard_transitions(
            state,
            &inputs.transitions,
            &inputs.attestations,
            &mut CommitteeCaches::new(),
            verify,
            config,
        )
        .map_err(BlockProcessingError::shard_transitions)
    })
}

macro_rules! handlers {
    ($($name:literal => $run:expr),* $(,)?) => {
        /// The handlers of this runner.
        pub static HANDLERS: &[Handler] = &[
            $(Handler {
                preset: "minimal",
                fork: "phase1",
                runner: "operations",
                handler: $name,
                run: $run,
            }),*
        ];
    };
}

handlers!(
    "attestation" => attestation,
    "attester_slashing" => attester_slashing,
    "block_header" => block_header,
    "deposit" => deposit,
    "proposer_slashing" => proposer_slashing,
    "shard_transition" => shard_transition,
    "voluntary_exit" => voluntary_exit,
);
