//! The `genesis` runner (`minimal`, phase 0 and phase 1): `initialization` builds the genesis
//! state from `eth1_block_hash.yaml`, `eth1_timestamp.yaml` and `deposits_<i>.ssz`
//! (`meta.yaml`'s `deposits_count` of them) and compares it with `state.ssz`; `validity` checks
//! `is_valid_genesis_state(genesis.ssz)` against `is_valid.yaml`.
//!
//! The spec's genesis tests are phase 0 only (`@with_phases([PHASE0])`), so phase 0 is where
//! their vectors are. A phase 1 `state.ssz` is taken as the form its bytes decode to: the
//! phase 1 genesis (the phase 0 one upgraded at slot 0), or else the phase 0 one.

use beacon::genesis::{
    initialize_beacon_state_from_eth1, is_valid_genesis_state, upgrade_to_phase1,
};
use primitives::types::{BeaconState, Bytes32, Deposit, phase0};
use primitives::{ChainConfig, MinimalEthSpec, PresetName};
use serde::Deserialize;

use crate::{Case, CaseError, Handler, Outcome};

type E = MinimalEthSpec;

/// `meta.yaml` of an `initialization` case.
#[derive(Deserialize)]
struct Meta {
    deposits_count: usize,
}

/// The phase 0 genesis state of an `initialization` case's eth1 block and deposits.
fn initialize(case: &Case, config: &ChainConfig) -> Result<phase0::BeaconState<E>, CaseError> {
    let eth1_block_hash: Bytes32 = case.yaml("eth1_block_hash.yaml")?;
    let eth1_timestamp: u64 = case.yaml("eth1_timestamp.yaml")?;
    let meta: Meta = case.yaml("meta.yaml")?;
    let deposits = (0..meta.deposits_count)
        .map(|i| case.ssz::<Deposit>(&format!("deposits_{i}.ssz")))
        .collect::<Result<Vec<_>, _>>()?;
    if case.has(&format!("deposits_{}.ssz", meta.deposits_count)) {
        return Err(CaseError::Unexpected(format!(
            "more deposit files than deposits_count {}",
            meta.deposits_count
        )));
    }
    initialize_beacon_state_from_eth1::<E>(eth1_block_hash, eth1_timestamp, &deposits, config)
        .map_err(|e| CaseError::Unexpected(format!("genesis refused: {e}")))
}

fn initialization(case: &Case) -> Result<Outcome, CaseError> {
    let config = ChainConfig::preset(PresetName::Minimal);
    let got = initialize(case, &config)?;
    let expected: phase0::BeaconState<E> = case.ssz("state.ssz")?;
    if got != expected {
        return Err(CaseError::mismatch("genesis state", expected, got));
    }
    Ok(Outcome::Passed)
}

fn initialization_phase1(case: &Case) -> Result<Outcome, CaseError> {
    let config = ChainConfig::preset(PresetName::Minimal);
    let phase0 = initialize(case, &config)?;
    let bytes = case.bytes("state.ssz")?;
    if let Ok(expected) = <BeaconState<E> as ssz::Decode>::from_ssz_bytes(&bytes) {
        let got = upgrade_to_phase1(&phase0, &config)
            .map_err(|e| CaseError::Unexpected(format!("upgrade refused: {e}")))?;
        if got != expected {
            return Err(CaseError::mismatch("phase 1 genesis state", expected, got));
        }
        return Ok(Outcome::Passed);
    }
    let expected: phase0::BeaconState<E> = case.ssz("state.ssz")?;
    if phase0 != expected {
        return Err(CaseError::mismatch("genesis state", expected, phase0));
    }
    Ok(Outcome::Passed)
}

fn validity(case: &Case) -> Result<Outcome, CaseError> {
    let config = ChainConfig::preset(PresetName::Minimal);
    let bytes = case.bytes("genesis.ssz")?;
    let Ok(genesis) = <phase0::BeaconState<E> as ssz::Decode>::from_ssz_bytes(&bytes) else {
        if <BeaconState<E> as ssz::Decode>::from_ssz_bytes(&bytes).is_ok() {
            return Ok(Outcome::Skipped(
                "genesis.ssz is a phase 1 state; is_valid_genesis_state is defined on the \
                 phase 0 genesis candidate"
                    .to_owned(),
            ));
        }
        return Err(CaseError::Unexpected(
            "genesis.ssz decodes as neither a phase 0 nor a phase 1 state".to_owned(),
        ));
    };
    let expected: bool = case.yaml("is_valid.yaml")?;
    let got = is_valid_genesis_state(&genesis, &config);
    if got != expected {
        return Err(CaseError::mismatch("is_valid_genesis_state", expected, got));
    }
    Ok(Outcome::Passed)
}

/// The `genesis` handlers.
pub static HANDLERS: &[Handler] = &[
    Handler {
        preset: "minimal",
        fork: "phase0",
        runner: "genesis",
        handler: "initialization",
        run: initialization,
    },
    Handler {
        preset: "minimal",
        fork: "phase0",
        runner: "genesis",
        handler: "validity",
        run: validity,
    },
    Handler {
        preset: "minimal",
        fork: "phase1",
        runner: "genesis",
        handler: "initialization",
        run: initialization_phase1,
    },
    Handler {
        preset: "minimal",
        fork: "phase1",
        runner: "genesis",
        handler: "validity",
        run: validity,
    },
];
