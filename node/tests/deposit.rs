//! Staking through shard 0 on one node: four validators that are not in the genesis deposit
//! 32 ETH each with a signed transaction to the deposit contract; the deposits reach the
//! beacon state through the eth1 vote on shard 0's finalized blocks, the validators go pending
//! then active, and the node, which held their keys from the start, performs their duties.
//!
//! Short epochs (4 slots), a one-epoch eth1 voting period and `MAX_SEED_LOOKAHEAD: 1` keep
//! the run to a few dozen slots.

mod common;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use alloy_primitives::{Bytes, U256};
use beacon::genesis::{interop_deposit_data, interop_genesis_state};
use common::{E, GENESIS_TIME, MNEMONIC, run_slot};
use node::clock::ManualClock;
use node::rpc::{EthApi, ShardEthApi};
use node::{Node, NodeInputs};
use primitives::bls::interop_secret_key;
use primitives::types::Bytes32;
use primitives::{ChainConfig, PresetName};
use shard::{ExecutionState, TransferRequest, genesis_accounts, shard_chain_id};
use ssz::Encode;
use storage::MemoryStore;

const GENESIS_VALIDATORS: u64 = 64;
const NEW_VALIDATORS: u64 = 4;
const MAX_SLOTS: u64 = 120;

fn config() -> ChainConfig {
    ChainConfig::preset(PresetName::Minimal)
        .with_overrides_yaml(
            "INITIAL_ACTIVE_SHARDS: 2\nSECONDS_PER_SLOT: 0.6\nSLOTS_PER_EPOCH: 4\n\
             EPOCHS_PER_ETH1_VOTING_PERIOD: 1\nMAX_SEED_LOOKAHEAD: 1\n",
        )
        .expect("valid overrides")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deposits_on_shard_0_make_validators_that_do_their_duties() {
    let started = Instant::now();
    let config = config();
    let state = interop_genesis_state::<E>(GENESIS_VALIDATORS, GENESIS_TIME, &config).unwrap();
    let wei = |eth: u64| U256::from(eth) * U256::from(10u64).pow(U256::from(18u64));
    let shards = config.initial_active_shards;
    let accounts = genesis_accounts(MNEMONIC, 4, wei(1_000), shards).unwrap();
    // Shard 0's contract starts with the genesis deposits: its root is the genesis eth1 data's.
    let genesis_deposits: Vec<_> = (0..GENESIS_VALIDATORS)
        .map(|i| interop_deposit_data(i, config.max_effective_balance, &config).unwrap())
        .collect();
    let shard_genesis: BTreeMap<u64, ExecutionState> = (0..shards)
        .map(|shard| {
            let accounts = accounts.account_state(shard).unwrap();
            let deposits = if shard == 0 {
                genesis_deposits.clone()
            } else {
                Vec::new()
            };
            (shard, ExecutionState::genesis(accounts, deposits).unwrap())
        })
        .collect();
    assert_eq!(
        shard_genesis[&0].deposit_contract().get_deposit_root(),
        state.eth1_data.deposit_root
    );

    // The node holds the keys of the genesis validators and of the four to come.
    let total = GENESIS_VALIDATORS + NEW_VALIDATORS;
    let keys = (0..total).map(|i| interop_secret_key(i).unwrap()).collect();
    let store = MemoryStore::new();
    let slashing_protection = store.slashing_protection();
    let clock = ManualClock::new(Duration::from_secs(GENESIS_TIME));
    let node = Node::start(NodeInputs {
        config: config.clone(),
        genesis_state: state,
        shard_genesis,
        keys,
        store,
        slashing_protection,
        clock: Arc::new(clock.clone()),
        mempool_capacity: 1_000,
        graffiti: Bytes32::ZERO,
    })
    .expect("node starts");
    let handle = node.handle();
    assert_eq!(handle.validator_count(), GENESIS_VALIDATORS as usize);

    run_slot(&handle, &clock, 1).await;

    // One deposit transaction per new validator, from a funded shard-0 account.
    let sender = &accounts.shards[0][0].signer;
    let chain_id = shard_chain_id(config.base_chain_id, 0).unwrap();
    let max_fee = config.max_gasprice as u128 * 1_000_000_000;
    let mut hashes = Vec::new();
    for (nonce, index) in (GENESIS_VALIDATORS..total).enumerate() {
        let data = interop_deposit_data(index, config.max_effective_balance, &config).unwrap();
        let raw = sender.sign_eip1559_call(
            &TransferRequest {
                chain_id,
                nonce: nonce as u64,
                to: config.deposit_contract_address,
                value: wei(32),
                gas_limit: 100_000,
                max_fee_per_gas: max_fee,
                max_priority_fee_per_gas: 1_000_000_000,
            },
            Bytes::from(data.as_ssz_bytes()),
        );
        let hash = handle
            .submit_transaction(0, &raw)
            .unwrap_or_else(|e| panic!("deposit {index} refused: {e}"));
        hashes.push(hash);
    }

    // A deposit call with calldata that is no `DepositData`: included, its fee paid, and
    // reverted, so its receipt's status is 0.
    let reverting = sender.sign_eip1559_call(
        &TransferRequest {
            chain_id,
            nonce: NEW_VALIDATORS,
            to: config.deposit_contract_address,
            value: wei(32),
            gas_limit: 100_000,
            max_fee_per_gas: max_fee,
            max_priority_fee_per_gas: 1_000_000_000,
        },
        Bytes::from(vec![1u8, 2, 3]),
    );
    let reverted = handle
        .submit_transaction(0, &reverting)
        .unwrap_or_else(|e| panic!("reverting deposit refused: {e}"));

    let new = GENESIS_VALIDATORS as usize..total as usize;
    let mut deposited_at = None;
    let mut active_at = None;
    let mut attested = false;
    let mut slot = 2;
    while slot <= MAX_SLOTS {
        run_slot(&handle, &clock, slot).await;
        let head = handle.head_state().unwrap();
        let epoch = head.slot / config.slots_per_epoch;
        if deposited_at.is_none() && head.validators.len() == total as usize {
            deposited_at = Some(slot);
            assert_eq!(head.eth1_deposit_index, total);
            assert_eq!(head.eth1_data.deposit_count, total);
            for i in new.clone() {
                // Pending: not active yet.
                assert!(head.validators[i].activation_epoch > epoch);
                assert_eq!(head.balances[i], config.max_effective_balance);
            }
        }
        if active_at.is_none()
            && deposited_at.is_some()
            && new
                .clone()
                .all(|i| head.validators[i].activation_epoch <= epoch)
        {
            active_at = Some(slot);
            assert_eq!(handle.validator_count(), total as usize);
        }
        if active_at.is_some()
            && new
                .clone()
                .all(|i| head.balances[i] > config.max_effective_balance)
        {
            attested = true;
            break;
        }
        slot += 1;
    }
    let head = handle.head_state().unwrap();
    assert!(
        deposited_at.is_some(),
        "no deposit in the beacon state after {slot} slots: eth1 data {:?}, index {}, finalized {:?}, shard 0 {:?}, deposits {:?}",
        head.eth1_data,
        head.eth1_deposit_index,
        handle.finalized_checkpoint(),
        handle.shard_block(0, node::ShardBlockQuery::Finalized),
        hashes
            .iter()
            .map(|h| handle.transaction(0, h))
            .collect::<Vec<_>>()
    );
    assert!(
        active_at.is_some(),
        "not active after {slot} slots: {:?}",
        &head.validators[new.clone()]
    );
    assert!(
        attested,
        "no reward after {slot} slots: {:?}",
        &head.balances[new.clone()]
    );
    // Through JSON-RPC, the deposits succeeded and the malformed call reverted.
    let rpc = ShardEthApi::new(handle.clone(), 0);
    for hash in &hashes {
        let receipt = rpc.transaction_receipt(*hash).unwrap().expect("receipt");
        assert!(receipt.inner.status(), "deposit {hash}");
    }
    let receipt = rpc
        .transaction_receipt(reverted)
        .unwrap()
        .expect("receipt of the reverted call");
    assert!(!receipt.inner.status());
    assert!(receipt.gas_used > 0);

    // The new validators' votes are in the chain's attestations.
    let attesters: Vec<u64> = {
        let block = handle
            .block_by_root(&handle.head().block_root)
            .unwrap()
            .unwrap();
        let mut found = Vec::new();
        let mut root = block.message.parent_root;
        let mut blocks = vec![block];
        for _ in 0..2 * config.slots_per_epoch {
            let Some(parent) = handle.block_by_root(&root).unwrap() else {
                break;
            };
            root = parent.message.parent_root;
            blocks.push(parent);
        }
        for block in blocks {
            let Some(state) = handle
                .state_by_block_root(&block.message.parent_root)
                .unwrap()
            else {
                continue;
            };
            let mut state = (*state).clone();
            beacon::per_slot::process_slots(&mut state, block.message.slot, &config).unwrap();
            for attestation in block.message.body.attestations.iter() {
                let indexed =
                    beacon::accessors::get_indexed_attestation(&state, attestation, &config)
                        .unwrap();
                found.extend(indexed.attesting_indices.iter().copied());
            }
        }
        found
    };
    for i in new.clone() {
        assert!(
            attesters.contains(&(i as u64)),
            "validator {i} in no recent attestation"
        );
    }
    eprintln!(
        "deposited at slot {deposited_at:?}, active at slot {active_at:?}, rewarded at slot {slot}, in {:?}",
        started.elapsed()
    );
    node.abort();
}
