//! The `rewards` runner (`minimal`, phase 1): the five components of the attestation deltas of
//! `pre.ssz`, each compared with its `<component>_deltas.ssz`.
//!
//! The source, target and head components are also computed in the spec's form,
//! `get_attestation_component_deltas` over the matching attestations, which must agree.

use beacon::accessors::get_previous_epoch;
use beacon::per_epoch::{
    Deltas, PreviousEpochParticipation, RewardBasis, get_attestation_component_deltas,
    get_head_deltas, get_inactivity_penalty_deltas, get_inclusion_delay_deltas,
    get_matching_head_attestations, get_matching_source_attestations,
    get_matching_target_attestations, get_source_deltas, get_target_deltas,
};
use primitives::types::{BeaconState, Gwei};
use primitives::{ChainConfig, EthSpec, MinimalEthSpec, PresetName};
use ssz_derive::Decode;
use ssz_types::VariableList;

use crate::{Case, CaseError, Handler, Outcome};

type State = BeaconState<MinimalEthSpec>;
type GweiList = VariableList<Gwei, <MinimalEthSpec as EthSpec>::ValidatorRegistryLimit>;

/// The test format's `Deltas` container.
#[derive(Decode)]
struct ExpectedDeltas {
    rewards: GweiList,
    penalties: GweiList,
}

fn compare(case: &Case, component: &str, got: &Deltas) -> Result<(), CaseError> {
    let expected: ExpectedDeltas = case.ssz(&format!("{component}_deltas.ssz"))?;
    for (what, expected, got) in [
        ("rewards", &expected.rewards[..], &got.rewards[..]),
        ("penalties", &expected.penalties[..], &got.penalties[..]),
    ] {
        if expected.len() != got.len() {
            return Err(CaseError::mismatch(
                format!("{component} {what} length"),
                expected.len(),
                got.len(),
            ));
        }
        if let Some(i) = expected.iter().zip(got).position(|(a, b)| a != b) {
            return Err(CaseError::mismatch(
                format!("{component} {what}[{i}]"),
                expected.get(i),
                got.get(i),
            ));
        }
    }
    Ok(())
}

fn deltas(case: &Case) -> Result<Outcome, CaseError> {
    let config = ChainConfig::preset(PresetName::Minimal);
    let state: State = case.ssz("pre.ssz")?;
    let failed = |what: &str, e: beacon::BeaconStateError| {
        CaseError::Unexpected(format!("{what} failed: {e}"))
    };
    let participation =
        PreviousEpochParticipation::new(&state, &config).map_err(|e| failed("participation", e))?;
    let basis = RewardBasis::new(&state, &config).map_err(|e| failed("reward basis", e))?;
    let source = get_source_deltas(&basis, &participation, &config)
        .map_err(|e| failed("get_source_deltas", e))?;
    compare(case, "source", &source)?;
    let target = get_target_deltas(&basis, &participation, &config)
        .map_err(|e| failed("get_target_deltas", e))?;
    compare(case, "target", &target)?;
    let head = get_head_deltas(&basis, &participation, &config)
        .map_err(|e| failed("get_head_deltas", e))?;
    compare(case, "head", &head)?;
    let inclusion_delay = get_inclusion_delay_deltas(&state, &basis, &participation, &config)
        .map_err(|e| failed("get_inclusion_delay_deltas", e))?;
    compare(case, "inclusion_delay", &inclusion_delay)?;
    let inactivity = get_inactivity_penalty_deltas(&state, &basis, &participation, &config)
        .map_err(|e| failed("get_inactivity_penalty_deltas", e))?;
    compare(case, "inactivity_penalty", &inactivity)?;

    let previous = get_previous_epoch(&state, &config).map_err(|e| failed("epoch", e))?;
    let spec_form = |attestations: Vec<_>| {
        get_attestation_component_deltas(&state, attestations, &config)
            .map_err(|e| failed("get_attestation_component_deltas", e))
    };
    let source_attestations = get_matching_source_attestations(&state, previous, &config)
        .map_err(|e| failed("get_matching_source_attestations", e))?;
    compare(
        case,
        "source",
        &spec_form(source_attestations.iter().collect())?,
    )?;
    let target_attestations = get_matching_target_attestations(&state, previous, &config)
        .map_err(|e| failed("get_matching_target_attestations", e))?;
    compare(case, "target", &spec_form(target_attestations)?)?;
    let head_attestations = get_matching_head_attestations(&state, previous, &config)
        .map_err(|e| failed("get_matching_head_attestations", e))?;
    compare(case, "head", &spec_form(head_attestations)?)?;
    Ok(Outcome::Passed)
}

/// The handlers of this runner.
pub static HANDLERS: &[Handler] = &[
    Handler {
        preset: "minimal",
        fork: "phase1",
        runner: "rewards",
        handler: "basic",
        run: deltas,
    },
    Handler {
        preset: "minimal",
        fork: "phase1",
        runner: "rewards",
        handler: "leak",
        run: deltas,
    },
    Handler {
        preset: "minimal",
        fork: "phase1",
        runner: "rewards",
        handler: "random",
        run: deltas,
    },
];
