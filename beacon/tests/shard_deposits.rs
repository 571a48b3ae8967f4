//! Deposits made through shard 0's deposit contract are accepted by the beacon chain's
//! `process_deposit`: the contract's root and proofs are the ones its Merkle check takes.

use alloy_primitives::B256;
use beacon::genesis::{interop_deposit_data, interop_genesis_state};
use beacon::per_block::process_deposit;
use beacon::signatures::VerifySignatures;
use primitives::types::Bytes32;
use primitives::{ChainConfig, MinimalEthSpec, PresetName};
use shard::DepositContract;

const GENESIS_VALIDATORS: u64 = 64;
const NEW_VALIDATORS: u64 = 4;

#[test]
fn contract_deposits_pass_process_deposit() {
    let config = ChainConfig::preset(PresetName::Minimal);
    let mut state =
        interop_genesis_state::<MinimalEthSpec>(GENESIS_VALIDATORS, 1_600_000_000, &config)
            .expect("interop genesis");

    // The contract sees the genesis deposits first: its root then is the genesis deposit root.
    let mut contract = DepositContract::new();
    for index in 0..GENESIS_VALIDATORS {
        let data = interop_deposit_data(index, config.max_effective_balance, &config).unwrap();
        contract.deposit(data).expect("genesis deposit accepted");
    }
    assert_eq!(contract.get_deposit_root(), state.eth1_data.deposit_root);
    assert_eq!(contract.deposit_count(), state.eth1_data.deposit_count);

    let total = GENESIS_VALIDATORS + NEW_VALIDATORS;
    for index in GENESIS_VALIDATORS..total {
        let data = interop_deposit_data(index, config.max_effective_balance, &config).unwrap();
        contract.deposit(data).expect("new deposit accepted");
    }
    // The beacon chain has voted the contract's state in as eth1 data.
    state.eth1_data = contract.eth1_data(B256::repeat_byte(0x5a));

    // A tampered proof is refused and leaves the state as it was.
    let mut forged = contract.deposit_at(GENESIS_VALIDATORS, total).unwrap();
    forged.proof[3] = Bytes32::repeat_byte(0xff);
    let before = state.clone();
    assert!(
        process_deposit(
            &mut state,
            &forged,
            &VerifySignatures::Individually,
            &config
        )
        .is_err()
    );
    assert_eq!(state, before);

    for index in GENESIS_VALIDATORS..total {
        let deposit = contract.deposit_at(index, total).unwrap();
        process_deposit(
            &mut state,
            &deposit,
            &VerifySignatures::Individually,
            &config,
        )
        .unwrap_or_else(|e| panic!("deposit {index} refused: {e}"));
    }
    assert_eq!(state.eth1_deposit_index, total);
    assert_eq!(state.validators.len() as u64, total);
    for index in GENESIS_VALIDATORS..total {
        let expected = contract.deposit_data(index).unwrap();
        assert_eq!(state.validators[index as usize].pubkey, expected.pubkey);
    }
}
