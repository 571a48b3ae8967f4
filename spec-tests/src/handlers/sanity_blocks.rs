//! The whole state transition (`minimal`, phase 1): `sanity/blocks`, `sanity/slots` and
//! `finality/finality`.
//!
//! `sanity/blocks` and `finality` give `pre.ssz`, `blocks_<i>.ssz` (`meta.yaml` says how many
//! in `blocks_count`; phase 1's own sanity tests write one `block.ssz` instead), `post.ssz` when every block is valid (absent: one must be refused) and a
//! `bls_setting` in `meta.yaml`: 0 (BLS optional: run with it), 1 (required) or 2 (ignored).
//! With BLS on, each case runs twice, verifying each signature at once and then every signature
//! of a block in one batch; both must agree with the vector. `sanity/slots` gives `pre.ssz`,
//! `slots.yaml` (how many slots to advance) and `post.ssz`.

use beacon::per_slot::process_slots;
use beacon::{SignatureStrategy, state_transition};
use primitives::types::{BeaconState, SignedBeaconBlock};
use primitives::{ChainConfig, MinimalEthSpec, PresetName};
use serde::Deserialize;

use super::operations::state_diff;
use crate::{Case, CaseError, Handler, Outcome, SignatureMode};

type E = MinimalEthSpec;

/// `meta.yaml` of a blocks case.
#[derive(Deserialize, Default)]
struct Meta {
    #[serde(default)]
    blocks_count: usize,
}

/// The case's blocks: `blocks_<i>.ssz` for `i < blocks_count`, or the one `block.ssz` of the
/// phase 1 sanity tests written by `run_beacon_block` (which writes no `meta.yaml`).
fn signed_blocks(case: &Case, blocks_count: usize) -> Result<Vec<SignedBeaconBlock<E>>, CaseError> {
    if case.has("block.ssz") {
        if blocks_count != 0 {
            return Err(CaseError::Unexpected(format!(
                "block.ssz and blocks_count {blocks_count}"
            )));
        }
        return Ok(vec![case.ssz("block.ssz")?]);
    }
    if case.has(&format!("blocks_{blocks_count}.ssz")) {
        return Err(CaseError::Unexpected(format!(
            "more block files than blocks_count {blocks_count}"
        )));
    }
    (0..blocks_count)
        .map(|i| case.ssz(&format!("blocks_{i}.ssz")))
        .collect()
}

/// Applies the case's blocks in order with `state_transition`, in each signature mode the
/// case's `bls_setting` allows.
fn blocks(case: &Case) -> Result<Outcome, CaseError> {
    let config = ChainConfig::preset(PresetName::Minimal);
    let pre: BeaconState<E> = case.ssz("pre.ssz")?;
    let post = case.ssz_if_present::<BeaconState<E>>("post.ssz")?;
    let meta: Meta = if case.has("meta.yaml") {
        case.yaml("meta.yaml")?
    } else {
        Meta::default()
    };
    let blocks = signed_blocks(case, meta.blocks_count)?;
    for &mode in case.signature_modes()? {
        let strategy = match mode {
            SignatureMode::Individually => SignatureStrategy::Individually,
            SignatureMode::Batch => SignatureStrategy::Batch,
            SignatureMode::Skip => SignatureStrategy::Skip,
        };
        let mut state = pre.clone();
        let mut refused = None;
        for (i, block) in blocks.iter().enumerate() {
            match state_transition(&state, block, strategy, true, &config) {
                Ok(next) => state = next,
                Err(e) => {
                    refused = Some((i, e));
                    break;
                }
            }
        }
        match (&post, refused) {
            (Some(post), None) => {
                if state != *post {
                    return Err(CaseError::Unexpected(format!(
                        "{strategy:?}: post state differs in {}",
                        state_diff(post, &state).join(", ")
                    )));
                }
            }
            (Some(_), Some((i, e))) => {
                return Err(CaseError::Unexpected(format!(
                    "{strategy:?}: valid block {i} refused: {e}"
                )));
            }
            (None, None) => {
                return Err(CaseError::Unexpected(format!(
                    "{strategy:?}: every block accepted, but one is invalid"
                )));
            }
            (None, Some((i, e))) => {
                if !e.is_bad_data() {
                    return Err(CaseError::Unexpected(format!(
                        "{strategy:?}: block {i} refused as a state fault: {e}"
                    )));
                }
            }
        }
    }
    Ok(Outcome::Passed)
}

/// Advances `pre.ssz` by the number of slots in `slots.yaml`.
fn slots(case: &Case) -> Result<Outcome, CaseError> {
    let config = ChainConfig::preset(PresetName::Minimal);
    let mut state: BeaconState<E> = case.ssz("pre.ssz")?;
    let count: u64 = case.yaml("slots.yaml")?;
    let post = case.ssz_if_present::<BeaconState<E>>("post.ssz")?;
    let target = state
        .slot
        .checked_add(count)
        .ok_or_else(|| CaseError::Unexpected(format!("slot {} + {count} overflows", state.slot)))?;
    let result = process_slots(&mut state, target, &config);
    match (post, result) {
        (Some(post), Ok(())) => {
            if state != post {
                return Err(CaseError::Unexpected(format!(
                    "post state differs in {}",
                    state_diff(&post, &state).join(", ")
                )));
            }
        }
        (Some(_), Err(e)) => {
            return Err(CaseError::Unexpected(format!("slots refused: {e}")));
        }
        (None, Ok(())) => {
            return Err(CaseError::Unexpected(
                "slots processed, but the vector has no post state".to_owned(),
            ));
        }
        (None, Err(_)) => {}
    }
    Ok(Outcome::Passed)
}

/// The handlers of the whole state transition.
pub static HANDLERS: &[Handler] = &[
    Handler {
        preset: "minimal",
        fork: "phase1",
        runner: "sanity",
        handler: "blocks",
        run: blocks,
    },
    Handler {
        preset: "minimal",
        fork: "phase1",
        runner: "sanity",
        handler: "slots",
        run: slots,
    },
    Handler {
        preset: "minimal",
        fork: "phase1",
        runner: "finality",
        handler: "finality",
        run: blocks,
    },
];
