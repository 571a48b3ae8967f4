//! Tests of genesis: the deposit tree against the SSZ list root, the interop genesis against
//! the spec path, and deposits genesis must refuse, skip or merge.

use primitives::types::{BeaconState, Bytes32, Deposit, DepositData};
use primitives::{ChainConfig, MinimalEthSpec, PresetName};
use ssz_types::VariableList;
use tree_hash::TreeHash;
use typenum::U4294967296;

use super::*;
use crate::GENESIS_EPOCH;
use crate::accessors::{get_active_validator_indices, is_valid_merkle_branch};

type E = MinimalEthSpec;

fn minimal() -> ChainConfig {
    ChainConfig::preset(PresetName::Minimal)
}

fn leaf(i: u8) -> Bytes32 {
    Bytes32::repeat_byte(i.wrapping_add(1))
}

#[test]
fn deposit_tree_root_is_the_ssz_list_root_and_proofs_verify() {
    let mut tree = DepositTree::default();
    let mut leaves: Vec<DepositData> = Vec::new();
    for i in 0..9u8 {
        let data = DepositData {
            withdrawal_credentials: leaf(i),
            amount: u64::from(i),
            ..DepositData::default()
        };
        let proof = tree.push(data.tree_hash_root()).unwrap();
        leaves.push(data.clone());
        let list: VariableList<DepositData, U4294967296> =
            VariableList::new(leaves.clone()).unwrap();
        assert_eq!(
            tree.root(),
            list.tree_hash_root(),
            "root after {} leaves",
            i + 1
        );
        assert!(is_valid_merkle_branch(
            &data.tree_hash_root(),
            &proof,
            33,
            u64::from(i),
            &tree.root()
        ));
        assert_eq!(tree.count(), u64::from(i) + 1);
    }
    let empty: VariableList<DepositData, U4294967296> = VariableList::empty();
    assert_eq!(DepositTree::default().root(), empty.tree_hash_root());
}

#[test]
fn minimal_interop_genesis_of_64_validators() {
    let config = minimal();
    let genesis_time = config.min_genesis_time + config.genesis_delay;
    let state: BeaconState<E> = interop_genesis_state(64, genesis_time, &config).unwrap();

    assert_eq!(
        get_active_validator_indices(&state, GENESIS_EPOCH).len(),
        64
    );
    assert_eq!(state.genesis_time, genesis_time);
    assert_eq!(state.fork.current_version, config.phase_1_fork_version);
    assert_eq!(state.fork.previous_version, config.genesis_fork_version);
    assert_eq!(
        state.shard_states.len() as u64,
        config.initial_active_shards
    );
    assert!(
        state
            .shard_states
            .iter()
            .all(|s| s.gasprice == config.min_gasprice && s.slot == 0)
    );
    assert!(
        state
            .online_countdown
            .iter()
            .all(|c| u64::from(*c) == config.online_period)
    );
    assert_eq!(state.online_countdown.len(), 64);
    assert!(!state.current_light_committee.pubkeys.is_empty());
    assert_eq!(state.eth1_data.deposit_count, 64);
    assert_eq!(state.eth1_deposit_index, 64);
    for (i, v) in state.validators.iter().enumerate() {
        assert_eq!(v.effective_balance, config.max_effective_balance);
        assert_eq!(v.withdrawal_credentials.0[0], config.bls_withdrawal_prefix);
        let expected_pubkey = primitives::bls::interop_secret_key(i as u64)
            .unwrap()
            .public_key()
            .to_bytes();
        assert_eq!(v.pubkey, expected_pubkey);
    }

    // The same state as the spec's path (initialize from eth1, check validity, upgrade) but
    // for the genesis validators root, which the upgrade leaves zero and the interop genesis
    // carries over from phase 0.
    let deposits = interop_deposits(64, &config).unwrap();
    let phase0 = initialize_beacon_state_from_eth1::<E>(
        INTEROP_ETH1_BLOCK_HASH,
        config.min_genesis_time,
        &deposits,
        &config,
    )
    .unwrap();
    assert!(is_valid_genesis_state(&phase0, &config));
    assert_ne!(phase0.genesis_validators_root, Bytes32::ZERO);
    let upgraded = upgrade_to_phase1(&phase0, &config).unwrap();
    assert_eq!(upgraded.genesis_validators_root, Bytes32::ZERO);
    assert_eq!(
        state.genesis_validators_root,
        phase0.genesis_validators_root
    );
    let mut spec_state = state.clone();
    spec_state.genesis_validators_root = Bytes32::ZERO;
    assert_eq!(upgraded, spec_state);
}

#[test]
fn networks_of_other_validators_have_other_genesis_validators_roots() {
    let config = minimal();
    let a = interop_genesis_state::<E>(64, config.min_genesis_time, &config).unwrap();
    let b = interop_genesis_state::<E>(16, config.min_genesis_time, &config).unwrap();
    assert_ne!(a.genesis_validators_root, b.genesis_validators_root);
}

#[test]
fn genesis_validity_needs_time_and_validators() {
    let config = minimal();
    let deposits = interop_deposits(64, &config).unwrap();
    let early = initialize_beacon_state_from_eth1::<E>(
        INTEROP_ETH1_BLOCK_HASH,
        config.min_genesis_time - config.genesis_delay - 1,
        &deposits,
        &config,
    )
    .unwrap();
    assert!(!is_valid_genesis_state(&early, &config));
    let few = initialize_beacon_state_from_eth1::<E>(
        INTEROP_ETH1_BLOCK_HASH,
        config.min_genesis_time,
        &interop_deposits(63, &config).unwrap(),
        &config,
    )
    .unwrap();
    assert!(!is_valid_genesis_state(&few, &config));
}

#[test]
fn run_time_overrides_shape_the_genesis() {
    let config = minimal()
        .with_overrides_yaml(
            "MIN_GENESIS_ACTIVE_VALIDATOR_COUNT: 16\nGENESIS_FORK_VERSION: 0x00000007\n",
        )
        .unwrap();
    let deposits = interop_deposits(16, &config).unwrap();
    let phase0 = initialize_beacon_state_from_eth1::<E>(
        INTEROP_ETH1_BLOCK_HASH,
        config.min_genesis_time,
        &deposits,
        &config,
    )
    .unwrap();
    assert!(is_valid_genesis_state(&phase0, &config));
    assert_eq!(phase0.fork.current_version, [0, 0, 0, 7]);
    // The proofs of possession were signed for this fork version: under the default one
    // they are all invalid and every deposit is skipped.
    let other = initialize_beacon_state_from_eth1::<E>(
        INTEROP_ETH1_BLOCK_HASH,
        config.min_genesis_time,
        &deposits,
        &minimal(),
    )
    .unwrap();
    assert!(other.validators.is_empty());
    assert_eq!(other.eth1_deposit_index, 16);
}

#[test]
fn bad_proof_fails_bad_signature_skips_repeat_key_tops_up() {
    let config = minimal();
    let mut data: Vec<DepositData> = (0..4)
        .map(|i| interop_deposit_data(i, config.max_effective_balance, &config).unwrap())
        .collect();
    // Deposit 2 repeats key 0 with a small amount; deposit 3 has a wrong signature.
    data[2] = interop_deposit_data(0, config.min_deposit_amount, &config).unwrap();
    data[3].signature = data[1].signature;
    let mut tree = DepositTree::default();
    let deposits: Vec<Deposit> = data
        .into_iter()
        .map(|d| Deposit {
            proof: tree.push(d.tree_hash_root()).unwrap(),
            data: d,
        })
        .collect();
    let state = initialize_beacon_state_from_eth1::<E>(
        INTEROP_ETH1_BLOCK_HASH,
        config.min_genesis_time,
        &deposits,
        &config,
    )
    .unwrap();
    assert_eq!(state.validators.len(), 2);
    assert_eq!(
        state.balances[0],
        config.max_effective_balance + config.min_deposit_amount
    );
    assert_eq!(
        state.validators[0].effective_balance,
        config.max_effective_balance
    );
    assert_eq!(state.eth1_deposit_index, 4);

    let mut broken = deposits.clone();
    broken[1].proof[0] = Bytes32::repeat_byte(9);
    assert_eq!(
        initialize_beacon_state_from_eth1::<E>(
            INTEROP_ETH1_BLOCK_HASH,
            config.min_genesis_time,
            &broken,
            &config,
        ),
        Err(GenesisError::BadDepositProof { index: 1 })
    );
}

/// Known answer from the Python spec (eth2spec 0.12.2 with the v0.12.3 functions, minimal
/// preset): the same 64 interop validators, deposits and eth1 block, through its own
/// `initialize_beacon_state_from_eth1` and `upgrade_to_phase1`; the interop genesis differs from
/// it only by the genesis validators root it keeps.
#[test]
fn interop_genesis_matches_the_python_spec() {
    let config = minimal();
    let genesis_time = config.min_genesis_time + config.genesis_delay;
    let state: BeaconState<E> = interop_genesis_state(64, genesis_time, &config).unwrap();
    let phase0 = initialize_beacon_state_from_eth1::<E>(
        INTEROP_ETH1_BLOCK_HASH,
        config.min_genesis_time,
        &interop_deposits(64, &config).unwrap(),
        &config,
    )
    .unwrap();
    assert_eq!(
        format!("{:?}", phase0.tree_hash_root()),
        "0xbe43748673b23191b213ba3a22fa2ca16b97bd0988a35df8b4a67b9a1e578687"
    );
    let upgraded = upgrade_to_phase1(&phase0, &config).unwrap();
    assert_eq!(
        format!("{:?}", upgraded.tree_hash_root()),
        "0xff27e35c39a678d66670118bf35c4fbd61c527e1a32cffe0db5fc4262f9e5d8e"
    );
    // The interop genesis is that state with the phase 0 genesis validators root kept.
    let mut kept = upgraded;
    kept.genesis_validators_root = phase0.genesis_validators_root;
    assert_eq!(kept, state);
}

#[test]
fn mainnet_preset_interop_genesis() {
    let config = ChainConfig::preset(PresetName::Mainnet);
    let state: BeaconState<primitives::MainnetEthSpec> =
        interop_genesis_state(8, config.min_genesis_time, &config).unwrap();
    assert_eq!(get_active_validator_indices(&state, GENESIS_EPOCH).len(), 8);
    assert_eq!(state.genesis_time, config.min_genesis_time);
    assert_eq!(
        state.shard_states.len() as u64,
        config.initial_active_shards
    );
    assert_eq!(state.fork.current_version, config.phase_1_fork_version);
}
