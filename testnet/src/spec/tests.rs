//! Testnet descriptions: defaults, files, refusals and the validator split.

use super::{SpecError, TestnetSpec};

#[test]
fn defaults_are_four_nodes_of_the_default_network() {
    let spec = TestnetSpec::from_toml("").expect("empty file");
    assert_eq!(spec, TestnetSpec::default());
    assert_eq!(spec.nodes, 4);
    assert_eq!(spec.validators, 64);
    assert_eq!(spec.shards, 4);
    let network = spec.network_spec(1_700_000_000).expect("network");
    let config = network.chain_config().expect("config");
    assert_eq!(config.seconds_per_slot.as_millis(), 2000);
    assert_eq!(config.initial_active_shards, 4);
}

#[test]
fn a_file_sets_overrides_ports_and_tracked_shards() {
    let spec = TestnetSpec::from_toml(
        "nodes = 2\nvalidators = 32\nslot_ms = 500\nbase_http_port = 7000\n\
         track_shards = [[0, 1], \"all\"]\n[overrides]\nSLOTS_PER_EPOCH = 4\n",
    )
    .expect("valid");
    assert_eq!(spec.base_http_port, Some(7000));
    assert!(spec.track_shards_of(0).tracks(1));
    assert!(!spec.track_shards_of(0).tracks(2));
    assert!(spec.track_shards_of(1).tracks(3));
    let config = spec
        .network_spec(1_700_000_000)
        .and_then(|network| Ok(network.chain_config()?))
        .expect("config");
    assert_eq!(config.slots_per_epoch, 4);
    assert_eq!(config.seconds_per_slot.as_millis(), 500);
}

#[test]
fn unknown_keys_and_bad_values_are_refused_by_name() {
    let error = TestnetSpec::from_toml("nodez = 3\n").expect_err("unknown key");
    assert!(error.to_string().contains("nodez"), "{error}");
    let error = TestnetSpec::from_toml("nodes = 0\n").expect_err("no nodes");
    assert!(
        matches!(error, SpecError::Invalid { key: "nodes", .. }),
        "{error}"
    );
    let error = TestnetSpec::from_toml("preset = \"tiny\"\n").expect_err("preset");
    assert!(error.to_string().contains("tiny"), "{error}");
    let error = TestnetSpec::from_toml("nodes = 8\nvalidators = 4\n").expect_err("split");
    assert!(matches!(
        error,
        SpecError::Invalid {
            key: "validators",
            ..
        }
    ));
    let error = TestnetSpec::from_toml("nodes = 1\ntrack_shards = [\"all\", \"all\"]\n")
        .expect_err("too many");
    assert!(matches!(
        error,
        SpecError::Invalid {
            key: "track_shards",
            ..
        }
    ));
    let mut spec = TestnetSpec::default();
    spec.overrides
        .insert(String::from("NOT_A_CONSTANT"), toml::Value::Integer(1));
    let error = spec.network_spec(1_700_000_000).expect_err("override");
    assert!(error.to_string().contains("NOT_A_CONSTANT"), "{error}");
}

#[test]
fn validators_split_evenly_and_cover_every_index() {
    let spec = TestnetSpec {
        nodes: 3,
        validators: 10,
        ..TestnetSpec::default()
    };
    let ranges: Vec<_> = (0..3).map(|i| spec.keystores_of(i)).collect();
    assert_eq!(ranges, vec![0..4, 4..7, 7..10]);
}
