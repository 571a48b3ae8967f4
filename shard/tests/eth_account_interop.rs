//! Interop with Python's `eth-account`: transactions it signs for a shard decode, recover to the
//! address it reports and execute as expected.
//!
//! Needs `python3` with `eth-account` (`python3 -m pip install 'eth-account==0.13.7'`, which
//! `.ci/run` does). Without it the test says so in one line and passes, except under `CI=true`,
//! where a missing interpreter or package is a failure.

use std::process::Command;

use alloy_primitives::{Address, U256};
use primitives::{ChainConfig, PresetName};
use shard::{
    Account, AccountState, ExecutionContext, ExecutionState, MnemonicKeys, ShardTransaction,
    execute_transactions, home_shard, recover_sender,
};

const TEST_MNEMONIC: &str = "test test test test test test test test test test test junk";
const SHARD_COUNT: u64 = 4;

/// Signs two transfers from `m/44'/60'/0'/0/0` of the mnemonic: an EIP-1559 one to `argv[3]`
/// (nonce 0) and a legacy EIP-155 one to `argv[4]` (nonce 1), both for chain id `argv[2]`. Fees
/// are in wei, as wallets sign them: a 500 gwei cap with a 3 gwei tip, and a 40 gwei gas price.
const SIGN_SCRIPT: &str = r#"
import json, sys
from eth_account import Account
Account.enable_unaudited_hdwallet_features()
mnemonic, chain_id, local_to, remote_to = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
acct = Account.from_mnemonic(mnemonic, account_path="m/44'/60'/0'/0/0")
eip1559 = Account.sign_transaction({
    "type": 2, "chainId": chain_id, "nonce": 0, "to": local_to, "value": 1234567,
    "gas": 21000, "maxFeePerGas": 500 * 10**9, "maxPriorityFeePerGas": 3 * 10**9,
}, acct.key)
legacy = Account.sign_transaction({
    "chainId": chain_id, "nonce": 1, "to": remote_to, "value": 7654321,
    "gas": 21000, "gasPrice": 40 * 10**9,
}, acct.key)
print(json.dumps({
    "address": acct.address,
    "eip1559": bytes(eip1559.raw_transaction).hex(),
    "legacy": bytes(legacy.raw_transaction).hex(),
}))
"#;

fn eth_account_available() -> bool {
    let found = Command::new("python3")
        .args(["-c", "import eth_account"])
        .output()
        .is_ok_and(|out| out.status.success());
    if !found {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI=true but `python3 -c 'import eth_account'` fails: .ci/run must install eth-account"
        );
        println!(
            "skipped: python3 with eth-account is missing (python3 -m pip install 'eth-account==0.13.7')"
        );
    }
    found
}

/// An address whose home shard among [`SHARD_COUNT`] is `shard`.
fn address_on(shard: u64, fill: u8) -> Address {
    let mut bytes = [fill; 20];
    bytes[..8].copy_from_slice(&shard.to_be_bytes());
    Address::from(bytes)
}

#[test]
fn eth_account_transfers_decode_recover_and_execute() {
    if !eth_account_available() {
        return;
    }
    let config = ChainConfig::preset(PresetName::Minimal)
        .with_overrides_yaml(&format!("INITIAL_ACTIVE_SHARDS: {SHARD_COUNT}"))
        .unwrap();
    let sender = MnemonicKeys::new(TEST_MNEMONIC)
        .unwrap()
        .signer(0)
        .unwrap()
        .address();
    let shard = home_shard(&sender, SHARD_COUNT).unwrap();
    let chain_id = config.base_chain_id + shard;
    let local = address_on(shard, 0x11);
    let remote_shard = (shard + 1) % SHARD_COUNT;
    let remote = address_on(remote_shard, 0x22);

    let out = Command::new("python3")
        .args(["-c", SIGN_SCRIPT, TEST_MNEMONIC, &chain_id.to_string()])
        .arg(local.to_checksum(None))
        .arg(remote.to_checksum(None))
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "eth-account script failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let signed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let reported: Address = signed["address"].as_str().unwrap().parse().unwrap();
    assert_eq!(reported, sender, "eth-account derives the same BIP-44 key");

    let txs: Vec<ShardTransaction> = ["eip1559", "legacy"]
        .iter()
        .map(|kind| {
            let bytes = hex::decode(signed[kind].as_str().unwrap()).unwrap();
            ShardTransaction::decode(&bytes, chain_id).unwrap()
        })
        .collect();
    for tx in &txs {
        assert_eq!(recover_sender(tx).unwrap(), reported);
        assert_eq!(tx.chain_id(), chain_id);
    }
    // Signed for this shard, the bytes are refused by its neighbour.
    assert!(ShardTransaction::decode(txs[0].encoded(), chain_id + 1).is_err());

    let funds = U256::from(10u64).pow(U256::from(18u64));
    let accounts = AccountState::from_accounts([(
        sender,
        Account {
            balance: funds,
            nonce: 0,
        },
    )])
    .unwrap();
    let mut state = ExecutionState::new(accounts);
    let context = ExecutionContext::from_config(&config, shard, config.min_gasprice).unwrap();
    let outcome = execute_transactions(&mut state, &txs, &[sender, sender], &context).unwrap();

    // The shard gas price is MIN_GASPRICE gwei. EIP-1559 pays min(500, MIN_GASPRICE + 3) gwei
    // per gas, legacy its gas price of 40 gwei.
    const GWEI: u64 = 1_000_000_000;
    assert_eq!(
        context.base_fee_per_gas(),
        u128::from(config.min_gasprice) * u128::from(GWEI)
    );
    let fee_1559 = 21_000 * u64::min(500, config.min_gasprice + 3) * GWEI;
    let fee_legacy = 21_000 * 40 * GWEI;
    assert_eq!(outcome.gas_used, 42_000);
    assert_eq!(outcome.burned, U256::from(fee_1559 + fee_legacy));
    assert!(outcome.receipts.iter().all(|receipt| receipt.success()));
    assert_eq!(outcome.receipts[0].tx_hash, txs[0].hash());
    assert_eq!(
        state.accounts().get(&sender).unwrap(),
        Account {
            balance: funds - U256::from(1_234_567u64 + 7_654_321 + fee_1559 + fee_legacy),
            nonce: 2,
        }
    );
    assert_eq!(
        state.accounts().get(&local).unwrap(),
        Account {
            balance: U256::from(1_234_567u64),
            nonce: 0
        }
    );
    assert!(state.accounts().get(&remote).is_none());
    assert_eq!(outcome.cross_shard_transfers.len(), 1);
    let out_transfer = outcome.cross_shard_transfers[0];
    assert_eq!(out_transfer.to, remote);
    assert_eq!(out_transfer.value, U256::from(7_654_321u64));
    assert_eq!(out_transfer.dest_shard, remote_shard);
    assert_eq!(out_transfer.tx_hash, txs[1].hash());
    assert_eq!(outcome.state_root, state.root());
}
