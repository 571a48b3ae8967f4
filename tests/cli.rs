//! The `shardnet` binary as a user runs it: `init`, `config show`, and bad arguments.

use std::path::Path;
use std::process::{Command, Output};

fn shardnet(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_shardnet"))
        .args(args)
        .env_remove("RUST_LOG")
        .output()
        .expect("the shardnet binary runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn path_arg(path: &Path) -> &str {
    path.to_str().expect("temporary paths are UTF-8")
}

#[test]
fn init_writes_a_data_directory_that_config_show_prints() {
    let tmp = tempfile::tempdir().unwrap();
    let datadir = tmp.path().join("node");
    let dir = path_arg(&datadir);
    let init = shardnet(&[
        "init",
        "--datadir",
        dir,
        "--validators",
        "32",
        "--shards",
        "2",
        "--slot-time",
        "0.5",
        "--override",
        "SLOTS_PER_EPOCH=4",
        "--genesis-time",
        "1700000000",
    ]);
    assert!(init.status.success(), "{}", stderr(&init));
    let summary = stdout(&init);
    assert!(summary.contains("genesis state   0x"), "{summary}");
    assert!(summary.contains("1700000000"), "{summary}");
    for file in [
        "config.yaml",
        "genesis.ssz",
        "genesis_deposits.ssz",
        "shards.yaml",
        "node.toml",
    ] {
        assert!(datadir.join(file).is_file(), "{file}");
    }
    assert_eq!(
        std::fs::read_dir(datadir.join("keystores"))
            .unwrap()
            .count(),
        32
    );
    assert_eq!(
        std::fs::read_dir(datadir.join("secrets")).unwrap().count(),
        32
    );

    let show = shardnet(&["config", "show", "--datadir", dir]);
    assert!(show.status.success(), "{}", stderr(&show));
    let text = stdout(&show);
    for line in [
        "CONFIG_NAME: minimal",
        "INITIAL_ACTIVE_SHARDS: 2",
        "SECONDS_PER_SLOT: 0.5",
        "SLOTS_PER_EPOCH: 4",
        "MIN_GENESIS_ACTIVE_VALIDATOR_COUNT: 32",
        "[http]",
        "listen = \"127.0.0.1:5052\"",
    ] {
        assert!(text.contains(line), "{line} missing from:\n{text}");
    }

    // The loaded directory is the written one.
    let opened = node::datadir::AnyDataDir::open(&datadir).unwrap();
    let node::datadir::AnyDataDir::Minimal(opened) = opened else {
        panic!("minimal preset expected");
    };
    assert!(summary.contains(&opened.genesis_state_root.to_string()));
    assert_eq!(opened.validator_keys.len(), 32);

    // A second init refuses, --force replaces.
    let again = shardnet(&["init", "--datadir", dir, "--genesis-time", "1700000001"]);
    assert_eq!(again.status.code(), Some(1));
    let message = stderr(&again);
    assert!(
        message.contains("already holds") && message.contains("--force"),
        "{message}"
    );
    assert_eq!(message.trim().lines().count(), 1, "{message}");
    let forced = shardnet(&[
        "init",
        "--datadir",
        dir,
        "--validators",
        "16",
        "--genesis-time",
        "1700000001",
        "--force",
    ]);
    assert!(forced.status.success(), "{}", stderr(&forced));
    assert_eq!(
        std::fs::read_dir(datadir.join("keystores"))
            .unwrap()
            .count(),
        16
    );
}

#[test]
fn config_show_of_a_missing_directory_fails_with_one_line() {
    let tmp = tempfile::tempdir().unwrap();
    let output = shardnet(&["config", "show", "--datadir", path_arg(tmp.path())]);
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert!(message.starts_with("error: "), "{message}");
    assert!(
        message.contains("not a shardnet data directory"),
        "{message}"
    );
    assert_eq!(message.trim().lines().count(), 1, "{message}");
}

#[test]
fn bad_arguments_exit_non_zero_with_a_clear_message() {
    let tmp = tempfile::tempdir().unwrap();
    let datadir = tmp.path().join("node");
    let dir = path_arg(&datadir);
    for (args, needle) in [
        (
            vec!["--preset", "tiny"],
            "possible values: minimal, mainnet",
        ),
        (vec!["--validators", "0"], "must be at least 1"),
        (vec!["--shards", "none"], "not a whole number"),
        (vec!["--slot-time", "0"], "positive number of seconds"),
        (vec!["--override", "SLOTS_PER_EPOCH"], "KEY=VALUE"),
        (
            vec!["--override", "NOT_A_KEY=1"],
            "unknown configuration key `NOT_A_KEY`",
        ),
        (vec!["--override", "MAX_SHARDS=16"], "MAX_SHARDS"),
        (vec!["--shards", "9"], "INITIAL_ACTIVE_SHARDS"),
        (
            vec![
                "--validators",
                "8",
                "--shards",
                "8",
                "--override",
                "SLOTS_PER_EPOCH=4",
            ],
            "committees",
        ),
        (vec!["--genesis-time", "5"], "MIN_GENESIS_TIME"),
        (
            vec!["--genesis-time", "1700000000", "--genesis-delay", "5"],
            "cannot be used with",
        ),
    ] {
        let mut full = vec!["init", "--datadir", dir];
        full.extend(&args);
        let output = shardnet(&full);
        assert!(!output.status.success(), "{args:?} succeeded");
        let message = stderr(&output);
        assert!(message.contains(needle), "{args:?}: {message}");
        assert!(!message.contains("panicked"), "{args:?}: {message}");
        assert!(!datadir.exists(), "{args:?} wrote the directory");
    }
    let unknown = shardnet(&["frobnicate"]);
    assert_eq!(unknown.status.code(), Some(2));
}
