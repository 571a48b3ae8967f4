//! The `sanity` runner (`minimal`, phase 1): `shard_blocks`, the shard block state transition.
//!
//! A case gives `pre.ssz` (a `ShardState`), `beacon_parent_state.ssz`, the block as
//! `signed_shard_block.ssz` (or `signed_shard_block_{i}.ssz` for several, applied in order),
//! `post.ssz` when the blocks are valid (absent: one must fail) and an optional `meta.yaml`
//! whose `bls_setting` is 0 (BLS optional: run with it), 1 (required) or 2 (ignored). With BLS
//! on, each case runs verifying each signature at once and again collecting them into one batch
//! checked after the blocks; both must agree with the vector.

use beacon::shard_transition::shard_state_transition;
use beacon::signatures::{SignatureBatch, VerifySignatures};
use primitives::types::{BeaconState, ShardState, SignedShardBlock};
use primitives::{ChainConfig, MinimalEthSpec, PresetName};

use crate::{Case, CaseError, Handler, Outcome, SignatureMode};

type E = MinimalEthSpec;

/// The case's blocks: one `signed_shard_block.ssz`, or `signed_shard_block_{i}.ssz` in order.
fn blocks(case: &Case) -> Result<Vec<SignedShardBlock<E>>, CaseError> {
    if case.has("signed_shard_block.ssz") {
        return Ok(vec![case.ssz("signed_shard_block.ssz")?]);
    }
    let mut blocks = Vec::new();
    while case.has(&format!("signed_shard_block_{}.ssz", blocks.len())) {
        blocks.push(case.ssz(&format!("signed_shard_block_{}.ssz", blocks.len()))?);
    }
    if blocks.is_empty() {
        return Err(CaseError::Unexpected(
            "no signed_shard_block file".to_owned(),
        ));
    }
    Ok(blocks)
}

fn shard_blocks(case: &Case) -> Result<Outcome, CaseError> {
    let config = ChainConfig::preset(PresetName::Minimal);
    let pre: ShardState = case.ssz("pre.ssz")?;
    let beacon_parent_state: BeaconState<E> = case.ssz("beacon_parent_state.ssz")?;
    let blocks = blocks(case)?;
    let post: Option<ShardState> = case.ssz_if_present("post.ssz")?;
    let modes = case.signature_modes()?;
    for &mode in modes {
        let mut state = pre.clone();
        let mut batch = SignatureBatch::new();
        let mut individually = VerifySignatures::Individually;
        let mut skip = VerifySignatures::Skip;
        let mut batched = VerifySignatures::Batch(&mut batch);
        let verify = match mode {
            SignatureMode::Individually => &mut individually,
            SignatureMode::Skip => &mut skip,
            SignatureMode::Batch => &mut batched,
        };
        let mut result = Ok(());
        for block in &blocks {
            let before = state.clone();
            result =
                shard_state_transition(&mut state, block, &beacon_parent_state, verify, &config);
            if let Err(e) = &result {
                if state != before {
                    return Err(CaseError::Unexpected(format!(
                        "{mode:?}: refused block ({e}) changed the shard state"
                    )));
                }
                if !e.is_bad_data() {
                    return Err(CaseError::Unexpected(format!(
                        "{mode:?}: block refused as a state fault: {e}"
                    )));
                }
                break;
            }
        }
        let batch_failed = !batch.verify();
        match (&post, result) {
            (Some(post), Ok(())) => {
                if batch_failed {
                    return Err(CaseError::Unexpected(format!(
                        "{mode:?}: valid blocks, but their signature batch fails"
                    )));
                }
                if state != *post {
                    return Err(CaseError::mismatch(format!("{mode:?}: post"), post, &state));
                }
            }
            (Some(_), Err(e)) => {
                return Err(CaseError::Unexpected(format!(
                    "{mode:?}: valid block refused: {e}"
                )));
            }
            (None, Ok(())) => {
                if !batch_failed {
                    return Err(CaseError::Unexpected(format!(
                        "{mode:?}: invalid block accepted"
                    )));
                }
            }
            (None, Err(_)) => {}
        }
    }
    Ok(Outcome::Passed)
}

/// The handlers of this runner.
pub static HANDLERS: &[Handler] = &[Handler {
    preset: "minimal",
    fork: "phase1",
    runner: "sanity",
    handler: "shard_blocks",
    run: shard_blocks,
}];
