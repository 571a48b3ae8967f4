//! The `shuffling` runner: `core/shuffle` cases give `mapping[i] = compute_shuffled_index(i,
//! count, seed)` for every `i`, checked here against both the one-index and the whole-list
//! shuffle.

use primitives::shuffling::{compute_shuffled_index, shuffle_list};
use primitives::types::Bytes32;
use primitives::{ChainConfig, PresetName};
use serde::Deserialize;

use crate::{Case, CaseError, Handler, Outcome};

/// The handlers of this runner.
pub static HANDLERS: &[Handler] = &[Handler {
    preset: "minimal",
    fork: "phase0",
    runner: "shuffling",
    handler: "core",
    run: shuffle,
}];

/// `mapping.yaml`.
#[derive(Deserialize)]
struct Mapping {
    seed: String,
    count: u64,
    mapping: Vec<u64>,
}

/// One `core/shuffle` case, with the minimal preset's `SHUFFLE_ROUND_COUNT`.
fn shuffle(case: &Case) -> Result<Outcome, CaseError> {
    let rounds = ChainConfig::preset(PresetName::Minimal).shuffle_round_count;
    let Mapping {
        seed,
        count,
        mapping,
    } = case.yaml("mapping.yaml")?;
    let seed: Bytes32 = seed
        .parse()
        .map_err(|e| CaseError::Unexpected(format!("seed {seed}: {e}")))?;
    if mapping.len() as u64 != count {
        return Err(CaseError::mismatch("mapping length", count, mapping.len()));
    }

    for (i, &expected) in (0..count).zip(&mapping) {
        let got = compute_shuffled_index(i, count, &seed, rounds)
            .map_err(|e| CaseError::Unexpected(format!("compute_shuffled_index({i}): {e}")))?;
        if got != expected {
            return Err(CaseError::mismatch(
                format!("compute_shuffled_index({i})"),
                expected,
                got,
            ));
        }
    }

    let identity: Vec<u64> = (0..count).collect();
    let mut backwards = identity.clone();
    shuffle_list(&mut backwards, rounds, &seed, false)
        .map_err(|e| CaseError::Unexpected(format!("shuffle_list: {e}")))?;
    if backwards != mapping {
        return Err(CaseError::mismatch(
            "shuffle_list backwards",
            &mapping,
            &backwards,
        ));
    }

    // Forwards is the inverse permutation: element i lands at mapping[i].
    let mut forwards = identity;
    shuffle_list(&mut forwards, rounds, &seed, true)
        .map_err(|e| CaseError::Unexpected(format!("shuffle_list: {e}")))?;
    let mut inverse = vec![0u64; mapping.len()];
    for (i, &to) in mapping.iter().enumerate() {
        let slot = usize::try_from(to)
            .ok()
            .and_then(|to| inverse.get_mut(to))
            .ok_or_else(|| CaseError::Unexpected(format!("mapping[{i}] = {to} is out of range")))?;
        *slot = i as u64;
    }
    if forwards != inverse {
        return Err(CaseError::mismatch(
            "shuffle_list forwards",
            &inverse,
            &forwards,
        ));
    }
    Ok(Outcome::Passed)
}
