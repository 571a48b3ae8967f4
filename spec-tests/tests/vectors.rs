//! The spec vectors: one test per runner directory, a check that none is left out, and a check
//! that the embedded `minimal` preset equals the vectors' configuration.

use primitives::{ChainConfig, PresetName};
use spec_tests::handlers::{PENDING, RUNNERS};
use spec_tests::{count_cases, run_runner, runner_dirs_on_disk, vectors_root};

#[test]
fn every_runner_directory_has_a_test() {
    let Some(root) = vectors_root() else { return };
    let mut missing = Vec::new();
    for (p, f, r) in runner_dirs_on_disk(&root) {
        if RUNNERS
            .iter()
            .any(|(rp, rf, rr)| *rp == p && *rf == f && *rr == r)
        {
            continue;
        }
        match PENDING
            .iter()
            .find(|(rp, rf, rr, _)| *rp == p && *rf == f && *rr == r)
        {
            Some((_, _, _, reason)) => {
                for (handler, cases) in count_cases(&root.join(&p).join(&f).join(&r)) {
                    spec_tests::report!("{p}/{f}/{r}/{handler}: {cases} skipped: {reason}");
                }
            }
            None => missing.push(format!("{p}/{f}/{r}")),
        }
    }
    assert!(
        missing.is_empty(),
        "runner directories with no test: {missing:?}"
    );
}

#[test]
fn minimal_preset_matches_the_vectors_config() {
    let Some(root) = vectors_root() else { return };
    let dir = root.join("minimal").join("config");
    let mut text = String::new();
    for file in ["phase0.yaml", "phase1.yaml"] {
        let part = std::fs::read_to_string(dir.join(file)).expect("config file readable");
        // Both files carry CONFIG_NAME; keep the first.
        for line in part.lines() {
            if line.starts_with("CONFIG_NAME") && text.contains("CONFIG_NAME") {
                continue;
            }
            text.push_str(line);
            text.push('\n');
        }
    }
    let theirs = ChainConfig::from_yaml(&text).expect("vectors' config parses");
    assert_eq!(theirs, ChainConfig::preset(PresetName::Minimal));
}

#[test]
fn general_phase0_bls() {
    run_runner("general", "phase0", "bls");
}

#[test]
fn general_phase0_ssz_generic() {
    run_runner("general", "phase0", "ssz_generic");
}

#[test]
fn minimal_phase0_genesis() {
    run_runner("minimal", "phase0", "genesis");
}

#[test]
fn minimal_phase0_shuffling() {
    run_runner("minimal", "phase0", "shuffling");
}

#[test]
fn minimal_phase1_epoch_processing() {
    run_runner("minimal", "phase1", "epoch_processing");
}

#[test]
fn minimal_phase1_genesis() {
    run_runner("minimal", "phase1", "genesis");
}

#[test]
fn minimal_phase1_finality() {
    run_runner("minimal", "phase1", "finality");
}

#[test]
fn minimal_phase1_operations() {
    run_runner("minimal", "phase1", "operations");
}

#[test]
fn minimal_phase1_sanity() {
    run_runner("minimal", "phase1", "sanity");
}

#[test]
fn minimal_phase1_rewards() {
    run_runner("minimal", "phase1", "rewards");
}

#[test]
fn minimal_phase1_ssz_static() {
    run_runner("minimal", "phase1", "ssz_static");
}
