use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use beacon::genesis::interop_genesis_state;
use primitives::bls::KeystoreError;
use primitives::bls::interop_secret_key;

use super::*;

const GENESIS_TIME: u64 = 1_700_000_000;

fn spec(preset: PresetName) -> NetworkSpec {
    NetworkSpec {
        preset,
        genesis_time: GENESIS_TIME,
        shards: ShardGenesis {
            accounts_per_shard: 3,
            ..ShardGenesis::default()
        },
        ..NetworkSpec::default()
    }
}

/// A minimal data directory with the keystores of validators `0..8`.
fn small_datadir() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("node");
    let options = CreateOptions {
        keystores: Some(0..8),
        ..CreateOptions::default()
    };
    AnyDataDir::create(&path, &spec(PresetName::Minimal), &options).unwrap();
    (tmp, path)
}

fn open_minimal(path: &Path) -> Result<DataDir<MinimalEthSpec>, DataDirError> {
    DataDir::<MinimalEthSpec>::open(path)
}

fn check_round_trip<E: EthSpec>(dir: &DataDir<E>, created: &CreatedDataDir, keystores: u64) {
    let config = &dir.chain_config;
    let expected = interop_genesis_state::<E>(64, GENESIS_TIME, config).unwrap();
    assert_eq!(dir.genesis_state_root, created.genesis_state_root);
    assert_eq!(dir.genesis_state_root, expected.tree_hash_root());
    assert_eq!(dir.genesis_state.genesis_time, GENESIS_TIME);
    assert_eq!(config.initial_active_shards, DEFAULT_ACTIVE_SHARDS);
    assert_eq!(config.config_name, E::NAME);

    assert_eq!(dir.validator_keys.len() as u64, keystores);
    for (key, index) in dir.validator_keys.iter().zip(0u64..) {
        assert_eq!(key.validator_index, Some(index));
        let interop = interop_secret_key(index).unwrap();
        assert_eq!(*key.secret_key.serialize(), *interop.serialize());
        assert_eq!(key.pubkey, interop.public_key().to_bytes());
        assert_eq!(key.keystore_path, keystore_path(&dir.path, &key.pubkey));
    }
    assert_eq!(dir.keys_outside_genesis().count(), 0);

    assert_eq!(dir.shard_states.len() as u64, DEFAULT_ACTIVE_SHARDS);
    let roots: Vec<_> = dir.shard_states.iter().map(ExecutionState::root).collect();
    assert_eq!(roots, created.shard_state_roots);
    let shard0 = dir.shard_states[0].deposit_contract();
    let eth1 = &dir.genesis_state.eth1_data;
    assert_eq!(shard0.get_deposit_root(), eth1.deposit_root);
    assert_eq!(shard0.deposit_count(), eth1.deposit_count);
    assert_eq!(eth1.deposit_count, 64);
    for state in &dir.shard_states {
        assert_eq!(state.accounts().len(), 3);
    }
    for state in &dir.shard_states[1..] {
        assert_eq!(state.deposit_contract().deposit_count(), 0);
    }
    assert_eq!(dir.node_config, NodeConfig::default());
    assert_eq!(
        dir.database_path(),
        dir.path.join("db").join("shardnet.redb")
    );
    assert!(dir.path.join("db").is_dir());
}

#[test]
fn a_minimal_data_directory_round_trips() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("nested").join("node");
    let written = AtomicU64::new(0);
    let progress = || {
        written.fetch_add(1, Ordering::Relaxed);
    };
    let options = CreateOptions {
        progress: Some(&progress),
        ..CreateOptions::default()
    };
    let created = AnyDataDir::create(&path, &spec(PresetName::Minimal), &options).unwrap();
    assert_eq!(written.load(Ordering::Relaxed), 64);
    assert_eq!(created.keystores, 0..64);
    let AnyDataDir::Minimal(dir) = AnyDataDir::open(&path).unwrap() else {
        panic!("a minimal directory opens as minimal");
    };
    check_round_trip(&dir, &created, 64);
    // Nothing is left beside it.
    let siblings: Vec<_> = fs::read_dir(path.parent().unwrap()).unwrap().collect();
    assert_eq!(siblings.len(), 1);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let secret = secret_path(&path, &dir.validator_keys[0].pubkey);
        let mode = fs::metadata(secret).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "passwords are private");
    }
}

#[test]
fn a_mainnet_data_directory_with_a_slice_of_the_keystores_round_trips() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("node");
    let options = CreateOptions {
        keystores: Some(0..4),
        ..CreateOptions::default()
    };
    let created = AnyDataDir::create(&path, &spec(PresetName::Mainnet), &options).unwrap();
    let opened = AnyDataDir::open(&path).unwrap();
    assert_eq!(opened.preset(), PresetName::Mainnet);
    let AnyDataDir::Mainnet(dir) = opened else {
        panic!("a mainnet directory opens as mainnet");
    };
    check_round_trip(&dir, &created, 4);
    assert_eq!(dir.chain_config.min_genesis_active_validator_count, 64);
    assert!(matches!(
        DataDir::<MinimalEthSpec>::open(&path),
        Err(DataDirError::WrongPreset {
            expected: PresetName::Minimal,
            found: PresetName::Mainnet,
            ..
        })
    ));
}

#[test]
fn an_existing_directory_is_replaced_only_when_forced() {
    let (_tmp, path) = small_datadir();
    let first = open_minimal(&path).unwrap().genesis_state_root;
    let later = NetworkSpec {
        genesis_time: GENESIS_TIME + 1,
        ..spec(PresetName::Minimal)
    };
    let options = CreateOptions {
        keystores: Some(0..1),
        ..CreateOptions::default()
    };
    assert!(matches!(
        AnyDataDir::create(&path, &later, &options),
        Err(DataDirError::AlreadyInitialized { .. })
    ));
    assert_eq!(open_minimal(&path).unwrap().genesis_state_root, first);
    let forced = CreateOptions {
        force: true,
        ..options
    };
    let created = AnyDataDir::create(&path, &later, &forced).unwrap();
    let dir = open_minimal(&path).unwrap();
    assert_ne!(dir.genesis_state_root, first);
    assert_eq!(dir.genesis_state_root, created.genesis_state_root);
    assert_eq!(dir.validator_keys.len(), 1, "the old keystores are gone");
    let siblings: Vec<_> = fs::read_dir(path.parent().unwrap()).unwrap().collect();
    assert_eq!(siblings.len(), 1);

    // A directory with other files is not written into; an empty one is.
    let other = path.with_file_name("other");
    fs::create_dir(&other).unwrap();
    AnyDataDir::create(
        &other,
        &later,
        &CreateOptions {
            keystores: Some(0..0),
            ..CreateOptions::default()
        },
    )
    .unwrap();
    let busy = path.with_file_name("busy");
    fs::create_dir(&busy).unwrap();
    fs::write(busy.join("notes.txt"), "mine").unwrap();
    for force in [false, true] {
        let options = CreateOptions {
            force,
            ..CreateOptions::default()
        };
        assert!(matches!(
            AnyDataDir::create(&busy, &later, &options),
            Err(DataDirError::NotEmpty { .. })
        ));
    }
    assert_eq!(fs::read_to_string(busy.join("notes.txt")).unwrap(), "mine");
}

#[test]
fn bad_networks_are_refused_before_anything_is_written() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("node");
    let zero = NetworkSpec {
        validators: 0,
        ..spec(PresetName::Minimal)
    };
    assert!(matches!(
        AnyDataDir::create(&path, &zero, &CreateOptions::default()),
        Err(DataDirError::Network(NetworkSpecError::NoValidators))
    ));
    let range = CreateOptions {
        keystores: Some(60..65),
        ..CreateOptions::default()
    };
    assert!(matches!(
        AnyDataDir::create(&path, &spec(PresetName::Minimal), &range),
        Err(DataDirError::Network(
            NetworkSpecError::KeystoreRange { .. }
        ))
    ));
    let mut bad_mnemonic = spec(PresetName::Minimal);
    bad_mnemonic.shards.mnemonic = "not a mnemonic".to_owned();
    assert!(matches!(
        AnyDataDir::create(&path, &bad_mnemonic, &CreateOptions::default()),
        Err(DataDirError::Network(NetworkSpecError::ShardAccounts(_)))
    ));
    assert!(!path.exists());
    assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 0);
}

#[test]
fn a_directory_without_config_is_not_initialized() {
    let tmp = tempfile::tempdir().unwrap();
    assert!(matches!(
        AnyDataDir::open(tmp.path()),
        Err(DataDirError::NotInitialized { .. })
    ));
}

#[test]
fn a_truncated_genesis_state_is_refused() {
    let (_tmp, path) = small_datadir();
    let file = path.join(GENESIS_FILE);
    let bytes = fs::read(&file).unwrap();
    fs::write(&file, &bytes[..bytes.len() / 2]).unwrap();
    let error = open_minimal(&path).unwrap_err();
    assert!(
        matches!(&error, DataDirError::GenesisDecode { path, preset: PresetName::Minimal, .. } if *path == file),
        "{error}"
    );
    assert!(error.to_string().contains("genesis.ssz"), "{error}");
}

#[test]
fn a_state_of_another_preset_is_named() {
    let (_tmp, path) = small_datadir();
    let mainnet = NetworkSpec {
        validators: 64,
        ..spec(PresetName::Mainnet)
    }
    .chain_config()
    .unwrap();
    fs::write(path.join(CONFIG_FILE), mainnet.to_yaml().unwrap()).unwrap();
    let error = AnyDataDir::open(&path).unwrap_err();
    assert!(
        matches!(
            error,
            DataDirError::PresetMismatch {
                config: PresetName::Mainnet,
                state: PresetName::Minimal,
                ..
            }
        ),
        "{error}"
    );
}

#[test]
fn a_state_of_another_configuration_is_refused() {
    let (_tmp, path) = small_datadir();
    let file = path.join(CONFIG_FILE);
    let text = fs::read_to_string(&file).unwrap();
    let mut config = ChainConfig::from_yaml(&text).unwrap();
    config.phase_1_fork_version = [9, 9, 9, 9];
    fs::write(&file, config.to_yaml().unwrap()).unwrap();
    let error = open_minimal(&path).unwrap_err();
    assert!(
        matches!(&error, DataDirError::GenesisMismatch { reason, .. } if reason.contains("PHASE_1_FORK_VERSION")),
        "{error}"
    );
}

#[test]
fn bad_yaml_is_refused_with_the_file_named() {
    let (_tmp, path) = small_datadir();
    let shards = path.join(SHARDS_FILE);
    fs::write(&shards, "mnemonic: [\n").unwrap();
    let error = open_minimal(&path).unwrap_err();
    assert!(
        matches!(&error, DataDirError::ShardGenesisYaml { path, .. } if *path == shards),
        "{error}"
    );
    fs::write(
        &shards,
        "mnemonic: x\naccounts_per_shard: 1\nbalance_wei: '1'\nextra: 1\n",
    )
    .unwrap();
    let error = open_minimal(&path).unwrap_err();
    assert!(error.to_string().contains("extra"), "{error}");
    fs::write(
        &shards,
        "mnemonic: not a mnemonic\naccounts_per_shard: 1\nbalance_wei: '1'\n",
    )
    .unwrap();
    assert!(matches!(
        open_minimal(&path),
        Err(DataDirError::ShardAccounts { .. })
    ));

    let config = path.join(CONFIG_FILE);
    fs::write(&config, "CONFIG_NAME: minimal\nSLOTS_PER_EPOCH: [\n").unwrap();
    let error = AnyDataDir::open(&path).unwrap_err();
    assert!(
        matches!(&error, DataDirError::ChainConfig { path, .. } if *path == config),
        "{error}"
    );
    assert!(error.to_string().contains("config.yaml"), "{error}");
}

#[test]
fn an_unknown_key_in_node_toml_is_named() {
    let (_tmp, path) = small_datadir();
    fs::write(path.join(NODE_CONFIG_FILE), "[http]\nport = 1\n").unwrap();
    let error = open_minimal(&path).unwrap_err();
    assert!(matches!(error, DataDirError::NodeConfig(_)), "{error}");
    let message = error.to_string();
    assert!(
        message.contains("port") && message.contains("node.toml"),
        "{message}"
    );
    // Without node.toml the defaults apply.
    fs::remove_file(path.join(NODE_CONFIG_FILE)).unwrap();
    assert_eq!(
        open_minimal(&path).unwrap().node_config,
        NodeConfig::default()
    );
}

fn first_key(path: &Path) -> (PathBuf, PathBuf) {
    let pubkey = interop_secret_key(0).unwrap().public_key().to_bytes();
    (keystore_path(path, &pubkey), secret_path(path, &pubkey))
}

#[test]
fn a_wrong_password_names_the_keystore() {
    let (_tmp, path) = small_datadir();
    let (keystore, secret) = first_key(&path);
    fs::write(&secret, "not the password\n").unwrap();
    let error = open_minimal(&path).unwrap_err();
    assert!(
        matches!(
            &error,
            DataDirError::KeystoreDecrypt { keystore: k, source, .. }
                if *k == keystore && **source == KeystoreError::WrongPassword
        ),
        "{error}"
    );
}

#[test]
fn a_missing_password_file_names_both_files() {
    let (_tmp, path) = small_datadir();
    let (keystore, secret) = first_key(&path);
    fs::remove_file(&secret).unwrap();
    let error = open_minimal(&path).unwrap_err();
    assert!(
        matches!(&error, DataDirError::MissingSecret { keystore: k, secret: s } if *k == keystore && *s == secret),
        "{error}"
    );
}

#[test]
fn a_damaged_keystore_is_named() {
    let (_tmp, path) = small_datadir();
    let (keystore, _) = first_key(&path);
    fs::write(&keystore, "{\"version\": 4}").unwrap();
    let error = open_minimal(&path).unwrap_err();
    assert!(
        matches!(&error, DataDirError::Keystore { path: p, .. } if *p == keystore),
        "{error}"
    );
}

#[test]
fn password_files_lose_one_trailing_newline() {
    let (_tmp, path) = small_datadir();
    let (_, secret) = first_key(&path);
    let password = fs::read_to_string(&secret).unwrap();
    assert!(password.ends_with('\n'));
    fs::write(&secret, format!("{}\r\n", password.trim_end())).unwrap();
    assert!(open_minimal(&path).is_ok());
    // Only the newline goes: other whitespace is part of the password.
    fs::write(&secret, format!("{} \n", password.trim_end())).unwrap();
    assert!(open_minimal(&path).is_err());
}

#[test]
fn keys_outside_the_genesis_are_kept_and_duplicates_refused() {
    let (_tmp, path) = small_datadir();
    keystores::write_keystore(
        &path,
        100,
        &interop_secret_key(100).unwrap(),
        LOCAL_TESTNET_KDF,
    )
    .unwrap();
    let dir = open_minimal(&path).unwrap();
    assert_eq!(dir.validator_keys.len(), 9);
    let outside: Vec<_> = dir.keys_outside_genesis().collect();
    assert_eq!(outside.len(), 1);
    assert_eq!(
        outside[0].pubkey,
        interop_secret_key(100).unwrap().public_key().to_bytes()
    );
    assert_eq!(dir.validator_keys.last().unwrap().validator_index, None);

    let (keystore, _) = first_key(&path);
    fs::copy(&keystore, path.join(KEYSTORES_DIR).join("copy.json")).unwrap();
    assert!(matches!(
        open_minimal(&path),
        Err(DataDirError::DuplicateKeystore { .. })
    ));
}

#[test]
fn deposits_that_do_not_make_the_genesis_are_refused() {
    let (_tmp, path) = small_datadir();
    let file = path.join(DEPOSITS_FILE);
    let bytes = fs::read(&file).unwrap();
    fs::write(&file, &bytes[..bytes.len() - 1]).unwrap();
    assert!(matches!(
        open_minimal(&path),
        Err(DataDirError::DepositsDecode { .. })
    ));
    let mut deposits = Vec::<DepositData>::from_ssz_bytes(&bytes).unwrap();
    deposits.pop();
    fs::write(&file, ssz::Encode::as_ssz_bytes(&deposits)).unwrap();
    let error = open_minimal(&path).unwrap_err();
    assert!(
        matches!(&error, DataDirError::DepositsMismatch { path: p, .. } if *p == file),
        "{error}"
    );
}
