//! Payload tests: proposer and validator agree, every tampered claim is caught, supply holds.

use std::num::NonZeroUsize;

use alloy_primitives::{Address, B256, U256};
use primitives::{ChainConfig, PresetName};
use proptest::prelude::*;
use ssz::{Decode, Encode};
use tree_hash::TreeHash;

use super::*;
use crate::account::{Account, AccountState};
use ssz_types::typenum::Unsigned;

use crate::execution::{
    ClaimInvalid, ExecutionContext, ExecutionError, ExecutionState, TransferInvalid, WEI_PER_GWEI,
    base_fee_per_gas,
};
use crate::home_shard::home_shard;
use crate::recovery::SenderCache;
use crate::signer::{TransferRequest, TransferSigner};
use crate::transaction::{ShardTransaction, TX_BASE_GAS};

const SHARDS: u64 = 2;
const FUNDS: u64 = 1_000_000_000_000_000_000;

fn config() -> ChainConfig {
    ChainConfig::preset(PresetName::Minimal)
}

fn context(config: &ChainConfig) -> ExecutionContext {
    ExecutionContext {
        shard: 0,
        shard_count: SHARDS,
        base_chain_id: config.base_chain_id,
        gasprice: config.min_gasprice,
        deposit_contract_address: config.deposit_contract_address,
        min_deposit_amount: config.min_deposit_amount,
    }
}

/// The `n`-th address (of a fixed sequence) whose home is `shard`.
fn address_on(shard: u64, n: usize) -> Address {
    (1u8..=255)
        .map(Address::repeat_byte)
        .filter(|address| home_shard(address, SHARDS).unwrap() == shard)
        .nth(n)
        .unwrap()
}

fn signers(n: u64) -> Vec<TransferSigner> {
    (0..n)
        .map(|i| TransferSigner::from_seed(500 + i).unwrap())
        .collect()
}

fn funded(keys: &[TransferSigner]) -> ExecutionState {
    ExecutionState::new(
        AccountState::from_accounts(keys.iter().map(|key| {
            (
                key.address(),
                Account {
                    balance: U256::from(FUNDS),
                    nonce: 0,
                },
            )
        }))
        .unwrap(),
    )
}

fn transfer(
    key: &TransferSigner,
    config: &ChainConfig,
    nonce: u64,
    to: Address,
    value: u64,
    max_fee_gwei: u128,
    legacy: bool,
) -> (ShardTransaction, Address) {
    let request = TransferRequest {
        chain_id: config.base_chain_id,
        nonce,
        to,
        value: U256::from(value),
        gas_limit: TX_BASE_GAS,
        max_fee_per_gas: max_fee_gwei * WEI_PER_GWEI,
        max_priority_fee_per_gas: WEI_PER_GWEI.min(max_fee_gwei * WEI_PER_GWEI),
    };
    let bytes = if legacy {
        key.sign_legacy(&request)
    } else {
        key.sign_eip1559(&request)
    };
    let tx = ShardTransaction::decode(&bytes, config.base_chain_id).unwrap();
    (tx, key.address())
}

fn cache() -> SenderCache {
    SenderCache::new(NonZeroUsize::new(1024).unwrap())
}

/// Local and cross-shard transfers from three senders, plus a nonce gap and an underpriced one.
fn candidates(keys: &[TransferSigner], config: &ChainConfig) -> Vec<(ShardTransaction, Address)> {
    let mut txs = Vec::new();
    for (i, key) in keys.iter().enumerate() {
        txs.push(transfer(
            key,
            config,
            0,
            address_on(0, i),
            1_000,
            20,
            i % 2 == 0,
        ));
        txs.push(transfer(
            key,
            config,
            1,
            address_on(1, i),
            2_000,
            20,
            i % 2 == 1,
        ));
    }
    txs.push(transfer(&keys[0], config, 5, address_on(0, 0), 1, 20, true));
    txs.push(transfer(&keys[1], config, 2, address_on(0, 0), 1, 7, false));
    txs
}

#[test]
fn build_encode_decode_execute_gives_the_same_roots_and_state() {
    let config = config();
    let context = context(&config);
    let keys = signers(3);
    let genesis = funded(&keys);
    let mut proposer = genesis.clone();
    let built = build_payload(
        &mut proposer,
        &candidates(&keys, &config),
        &context,
        &config,
    )
    .unwrap();
    assert_eq!(built.payload.transactions.len(), 6);
    assert_eq!(built.payload.cross_shard_receipts.len(), 3);
    assert_eq!(built.left_out.len(), 2);
    assert!(matches!(
        built.left_out[0].1,
        LeftOut::Invalid(TransferInvalid::NonceMismatch { .. })
    ));
    assert!(matches!(
        built.left_out[1].1,
        LeftOut::Invalid(TransferInvalid::FeeBelowBaseFee { .. })
    ));
    assert_eq!(built.payload.post_state_root, proposer.root());
    assert_eq!(built.payload.gas_used, 6 * TX_BASE_GAS);

    let bytes = built.payload.as_ssz_bytes();
    assert!(bytes.len() as u64 <= config.max_shard_block_size);
    assert_eq!(
        ExecutionPayload::from_ssz_bytes(&bytes).unwrap(),
        built.payload
    );
    let mut validator = genesis.clone();
    let cache = cache();
    let executed = execute_payload(&mut validator, &bytes, &cache, &context, &config).unwrap();
    assert_eq!(executed.payload, built.payload);
    assert_eq!(executed.outcome, built.outcome);
    assert_eq!(validator, proposer);
    assert_eq!(cache.len(), 6);
    // Receipts carry cumulative gas and number the cross-shard receipts.
    let receipts = build::receipt_list(&executed.outcome).unwrap();
    assert_eq!(receipts[5].cumulative_gas_used, 6 * TX_BASE_GAS);
    assert_eq!(receipts.tree_hash_root(), built.payload.receipts_root);
    let indexes: Vec<u64> = built
        .payload
        .cross_shard_receipts
        .iter()
        .map(|receipt| receipt.index)
        .collect();
    assert_eq!(indexes, vec![0, 1, 2]);
    assert!(
        built
            .payload
            .cross_shard_receipts
            .iter()
            .all(|receipt| receipt.source_shard == 0 && receipt.dest_shard == 1)
    );
}

/// Builds the test payload and returns the genesis state and its encoding, to tamper with.
fn built_payload() -> (ChainConfig, ExecutionState, ExecutionPayload) {
    let config = config();
    let keys = signers(3);
    let genesis = funded(&keys);
    let mut proposer = genesis.clone();
    let built = build_payload(
        &mut proposer,
        &candidates(&keys, &config),
        &context(&config),
        &config,
    )
    .unwrap();
    (config, genesis, built.payload)
}

fn rejects(config: &ChainConfig, genesis: &ExecutionState, bytes: &[u8]) -> PayloadError {
    let mut state = genesis.clone();
    let err = execute_payload(&mut state, bytes, &cache(), &context(config), config).unwrap_err();
    assert_eq!(&state, genesis, "a rejected payload changes nothing");
    assert!(err.is_bad_data(), "{err}");
    err
}

#[test]
fn each_tampered_claim_is_rejected_by_name() {
    let (config, genesis, payload) = built_payload();
    let tampered = |edit: &dyn Fn(&mut ExecutionPayload)| {
        let mut bad = payload.clone();
        edit(&mut bad);
        rejects(&config, &genesis, &bad.as_ssz_bytes())
    };
    let root_field = |err: PayloadError| match err {
        PayloadError::RootMismatch { field, .. } => field,
        other => panic!("expected a root mismatch, got {other}"),
    };
    assert_eq!(
        root_field(tampered(&|p| p.post_state_root.0[0] ^= 1)),
        PayloadField::PostStateRoot
    );
    assert_eq!(
        root_field(tampered(&|p| p.receipts_root.0[31] ^= 1)),
        PayloadField::ReceiptsRoot
    );
    assert_eq!(
        root_field(tampered(&|p| p.cross_shard_receipts_root.0[5] ^= 1)),
        PayloadField::CrossShardReceiptsRoot
    );
    assert_eq!(
        tampered(&|p| p.gas_used += 1),
        PayloadError::GasUsedMismatch {
            claimed: payload.gas_used + 1,
            computed: payload.gas_used
        }
    );
    // A receipt list and root rewritten together still differ from what execution emits.
    let err = tampered(&|p| {
        let mut receipts = p.cross_shard_receipts.to_vec();
        receipts[0].value += U256::from(1u64);
        p.cross_shard_receipts = CrossShardReceiptList::new(receipts).unwrap();
        p.cross_shard_receipts_root = p.cross_shard_receipts.tree_hash_root();
    });
    assert_eq!(
        root_field(err),
        PayloadField::CrossShardReceiptsRoot,
        "the root is compared with the computed list first"
    );
    let err = tampered(&|p| {
        let mut receipts = p.cross_shard_receipts.to_vec();
        receipts.pop();
        p.cross_shard_receipts = CrossShardReceiptList::new(receipts).unwrap();
    });
    assert_eq!(err, PayloadError::CrossShardReceiptsMismatch);
    // One byte of a transaction's recipient: the signature now recovers another, unfunded,
    // sender.
    let err = tampered(&|p| {
        let mut txs = p.transactions.to_vec();
        let mut tx = txs[0].to_vec();
        let to = address_on(0, 0);
        let at = tx
            .windows(20)
            .position(|window| window == to.as_slice())
            .unwrap();
        tx[at] ^= 1;
        txs[0] = TransactionBytes::new(tx).unwrap();
        p.transactions = TransactionList::new(txs).unwrap();
    });
    assert!(
        matches!(
            err,
            PayloadError::Execution(ExecutionError::TransactionInvalid {
                index: 0,
                reason: TransferInvalid::InsufficientBalance { .. }
            }) | PayloadError::Execution(ExecutionError::SenderRecovery(_))
        ),
        "{err}"
    );
}

#[test]
fn oversize_and_undecodable_bodies_are_rejected() {
    let (config, genesis, payload) = built_payload();
    let bytes = payload.as_ssz_bytes();
    let tight = ChainConfig {
        max_shard_block_size: bytes.len() as u64 - 1,
        ..config.clone()
    };
    assert_eq!(
        rejects(&tight, &genesis, &bytes),
        PayloadError::Oversize {
            size: bytes.len() as u64,
            max: bytes.len() as u64 - 1
        }
    );
    assert!(matches!(
        rejects(&config, &genesis, &bytes[..bytes.len() - 1]),
        PayloadError::Undecodable(_)
    ));
    assert!(matches!(
        rejects(&config, &genesis, &[0u8; 50]),
        PayloadError::Undecodable(_)
    ));
}

#[test]
fn block_gas_limit_is_the_gas_of_the_minimal_transfers_that_fit() {
    let config = config();
    assert_eq!(config.max_shard_block_size, 1 << 20);
    assert_eq!(block_gas_limit(&config), 9_531 * TX_BASE_GAS);
    assert_eq!(block_gas_limit(&config), 200_151_000);
    // The minimal transfer: legacy, nonce 0, zero value, no calldata, at MIN_GASPRICE.
    let key = TransferSigner::from_seed(1).unwrap();
    let bytes = key.sign_legacy(&TransferRequest {
        chain_id: config.base_chain_id,
        nonce: 0,
        to: Address::repeat_byte(1),
        value: U256::ZERO,
        gas_limit: TX_BASE_GAS,
        max_fee_per_gas: base_fee_per_gas(config.min_gasprice),
        max_priority_fee_per_gas: 0,
    });
    assert_eq!(bytes.len() as u64, MIN_TRANSFER_BYTES);
    // The list limits never bind before the byte limit, and one transaction fits a block.
    // A signed transaction takes over 90 bytes (two 32-byte scalars, a 20-byte recipient).
    assert!(
        MaxTransactionsPerPayload::to_u64() * (BYTES_PER_LENGTH_OFFSET + 90)
            > config.max_shard_block_size
    );
    assert!(MaxTxBytes::to_u64() < config.max_shard_block_size);
}

/// A chain whose tiny chain id makes legacy transfers smaller than the minimal transfer the
/// gas limit assumes, so that their gas, not their bytes, reaches the limit first.
fn small_chain_config() -> ChainConfig {
    ChainConfig {
        base_chain_id: 1,
        ..config()
    }
}

#[test]
fn a_payload_over_the_gas_limit_is_rejected_and_never_built() {
    let config = small_chain_config();
    let context = context(&config);
    // 40 transfers of 106 bytes each with their offset, where the limit assumes 110.
    let keys = signers(40);
    let genesis = funded(&keys);
    let candidates: Vec<_> = keys
        .iter()
        .map(|key| transfer(key, &config, 0, address_on(0, 0), 1, 20, true))
        .collect();
    let mut proposer = genesis.clone();
    let built = build_payload(&mut proposer, &candidates, &context, &config).unwrap();
    assert_eq!(built.payload.transactions.len(), 40);
    let bytes = built.payload.as_ssz_bytes();
    let tight = ChainConfig {
        max_shard_block_size: bytes.len() as u64,
        ..config.clone()
    };
    let limit = block_gas_limit(&tight);
    assert!(limit < built.payload.gas_used, "{limit}");
    assert_eq!(
        rejects(&tight, &genesis, &bytes),
        PayloadError::GasLimitExceeded {
            gas: built.payload.gas_used,
            limit
        }
    );
    // With room for the bytes (and the receipt a builder reserves), building stops at the gas
    // limit.
    let roomy = ChainConfig {
        max_shard_block_size: bytes.len() as u64 + CROSS_SHARD_RECEIPT_BYTES,
        ..config.clone()
    };
    let limit = block_gas_limit(&roomy);
    assert!(limit < 40 * TX_BASE_GAS);
    let tight = roomy;
    let mut proposer = genesis.clone();
    let built = build_payload(&mut proposer, &candidates, &context, &tight).unwrap();
    assert!(built.payload.gas_used <= limit);
    assert!(
        built
            .left_out
            .iter()
            .any(|(_, why)| *why == LeftOut::GasLimit)
    );
    let bytes = built.payload.as_ssz_bytes();
    assert!(bytes.len() as u64 <= tight.max_shard_block_size);
    let mut validator = genesis.clone();
    execute_payload(&mut validator, &bytes, &cache(), &context, &tight).unwrap();
    assert_eq!(validator, proposer);
}

#[test]
fn building_keeps_within_the_byte_limit() {
    let config = config();
    let keys = signers(12);
    let genesis = funded(&keys);
    // Cross-shard transfers: each takes its bytes plus a receipt.
    let candidates: Vec<_> = keys
        .iter()
        .map(|key| transfer(key, &config, 0, address_on(1, 0), 1, 20, false))
        .collect();
    let per_tx = max_payload_bytes(&candidates[0].0);
    let small = ChainConfig {
        max_shard_block_size: PAYLOAD_FIXED_BYTES + 5 * per_tx + per_tx / 2,
        ..config
    };
    let mut proposer = genesis.clone();
    let built = build_payload(&mut proposer, &candidates, &context(&small), &small).unwrap();
    assert_eq!(built.payload.transactions.len(), 5);
    assert_eq!(built.left_out.len(), 7);
    assert!(
        built
            .left_out
            .iter()
            .all(|(_, why)| *why == LeftOut::ByteLimit)
    );
    let bytes = built.payload.as_ssz_bytes();
    assert!(bytes.len() as u64 <= small.max_shard_block_size);
    let mut validator = genesis;
    execute_payload(&mut validator, &bytes, &cache(), &context(&small), &small).unwrap();
    assert_eq!(validator, proposer);
}

/// A transfer a proptest case may send: signer, nonce offset, recipient, value, fee, kind.
type Step = (usize, i8, usize, u64, u128, bool);

fn arb_step() -> impl Strategy<Value = Step> {
    (
        0usize..4,
        prop_oneof![8 => Just(0i8), 1 => Just(1i8), 1 => Just(-1i8)],
        0usize..8,
        prop_oneof![4 => 0u64..1_000_000, 1 => Just(FUNDS)],
        prop_oneof![4 => 8u128..30, 1 => 1u128..8],
        any::<bool>(),
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Whatever mix of transfers a proposer is offered, balances + burned fees + value of the
    /// outgoing receipts never changes, and the validator reaches the proposer's state.
    #[test]
    fn supply_is_conserved_and_validators_agree(
        blocks in prop::collection::vec(prop::collection::vec(arb_step(), 1..12), 1..4)
    ) {
        let config = config();
        let context = context(&config);
        let keys = signers(4);
        let mut proposer = funded(&keys);
        let mut validator = proposer.clone();
        let supply = proposer.accounts().total_balance();
        let mut burned = U256::ZERO;
        let mut exported = U256::ZERO;
        let cache = cache();
        for steps in blocks {
            let mut next_nonce: Vec<u64> = keys
                .iter()
                .map(|key| proposer.accounts().get_or_default(&key.address()).nonce)
                .collect();
            let candidates: Vec<_> = steps
                .into_iter()
                .map(|(signer, offset, recipient, value, fee, legacy)| {
                    let nonce = next_nonce[signer].saturating_add_signed(i64::from(offset));
                    next_nonce[signer] += 1;
                    let to = if recipient < 4 {
                        keys[recipient].address()
                    } else {
                        address_on(recipient as u64 % SHARDS, recipient)
                    };
                    transfer(&keys[signer], &config, nonce, to, value, fee, legacy)
                })
                .collect();
            let built = build_payload(&mut proposer, &candidates, &context, &config).unwrap();
            burned += built.outcome.burned;
            for receipt in built.payload.cross_shard_receipts.iter() {
                exported += receipt.value;
            }
            prop_assert_eq!(proposer.accounts().total_balance() + burned + exported, supply);
            let bytes = built.payload.as_ssz_bytes();
            execute_payload(&mut validator, &bytes, &cache, &context, &config).unwrap();
            prop_assert_eq!(&validator, &proposer);
        }
    }
}

/// Accepts the proofs of the receipts it was given, as a beacon state holding their blocks
/// would, and refuses any other.
struct KnownReceipts(Vec<CrossShardReceipt>);

impl ReceiptVerifier for KnownReceipts {
    fn verify_receipt_proof(
        &self,
        proof: &CrossShardReceiptProof,
    ) -> Result<(), ReceiptProofInvalid> {
        if self.0.contains(&proof.receipt) {
            Ok(())
        } else {
            Err(ReceiptProofInvalid::BeaconBodyRootMismatch {
                header: proof.beacon_block_header.body_root,
                computed: B256::ZERO,
            })
        }
    }
}

/// A receipt sent from shard 1 to `to` on shard 0, the `index`-th of its block.
fn incoming(index: u64, to: Address, value: u64) -> CrossShardReceipt {
    CrossShardReceipt {
        source_shard: 1,
        dest_shard: 0,
        index,
        from: Address::repeat_byte(0xf0),
        to,
        value: U256::from(value),
        tx_hash: B256::repeat_byte(index as u8 + 1),
    }
}

/// A claim of `receipt` whose proof has the size of a real one under the minimal preset.
fn claim(receipt: CrossShardReceipt) -> CrossShardReceiptProof {
    let branch = |len| MerkleBranch::new(vec![B256::repeat_byte(7); len]).unwrap();
    CrossShardReceiptProof {
        receipt,
        receipts_branch: branch(15),
        payload_branch: branch(16),
        shard_block_index: 0,
        transition_branch: branch(8),
        beacon_body_branch: branch(7),
        ..CrossShardReceiptProof::default()
    }
}

fn claim_error(err: PayloadError) -> (usize, ClaimInvalid) {
    match err {
        PayloadError::Execution(ExecutionError::ClaimInvalid { index, reason }) => (index, reason),
        other => panic!("expected an invalid claim, got {other}"),
    }
}

#[test]
fn claims_credit_before_the_transactions_and_are_spent_once() {
    let config = config();
    let context = context(&config);
    let keys = signers(2);
    // keys[1] starts with nothing on this shard and spends what a claim credits.
    let genesis = funded(&keys[..1]);
    let receipts: Vec<_> = (0..3)
        .map(|i| incoming(i, keys[1].address(), FUNDS / 4))
        .collect();
    let verifier = KnownReceipts(receipts.clone());
    let claims: Vec<_> = receipts.iter().copied().map(claim).collect();
    let spend = transfer(&keys[1], &config, 0, address_on(0, 3), 1_000, 20, false);
    let mut proposer = genesis.clone();
    let offered = [claims.clone(), vec![claims[1].clone()]].concat();
    let built = build_payload_with_claims(
        &mut proposer,
        &offered,
        &verifier,
        std::slice::from_ref(&spend),
        &context,
        &config,
    )
    .unwrap();
    assert_eq!(built.payload.receipt_claims.to_vec(), claims);
    assert_eq!(
        built.left_out_claims,
        vec![(
            claims[1].key(),
            ClaimLeftOut::Invalid(ClaimInvalid::AlreadySpent {
                key: claims[1].key()
            })
        )]
    );
    assert_eq!(built.payload.transactions.len(), 1);
    assert_eq!(built.outcome.claimed, U256::from(3 * (FUNDS / 4)));
    assert_eq!(proposer.spent_receipts().len(), 3);
    assert!(
        claims
            .iter()
            .all(|c| proposer.spent_receipts().contains(&c.key()))
    );
    let fee = built.outcome.burned;
    assert_eq!(
        proposer.accounts().get(&keys[1].address()).unwrap().balance,
        U256::from(3 * (FUNDS / 4) - 1_000) - fee
    );

    // Validators agree; the spent set is part of the state root.
    let bytes = built.payload.as_ssz_bytes();
    assert!(bytes.len() as u64 <= config.max_shard_block_size);
    let cache = cache();
    let mut validator = genesis.clone();
    execute_payload_with_claims(&mut validator, &bytes, &verifier, &cache, &context, &config)
        .unwrap();
    assert_eq!(validator, proposer);
    assert_eq!(built.payload.post_state_root, validator.root());

    let rejected = |state: &ExecutionState, claims: Vec<CrossShardReceiptProof>| {
        let payload = ExecutionPayload {
            receipt_claims: ReceiptClaimList::new(claims).unwrap(),
            ..ExecutionPayload::default()
        };
        let mut next = state.clone();
        let err = execute_payload_with_claims(
            &mut next,
            &payload.as_ssz_bytes(),
            &verifier,
            &cache,
            &context,
            &config,
        )
        .unwrap_err();
        assert_eq!(&next, state, "a rejected payload changes nothing");
        claim_error(err)
    };
    // A later block claiming a spent receipt, a block claiming one twice.
    let spent = |key| ClaimInvalid::AlreadySpent { key };
    assert_eq!(
        rejected(&validator, vec![claims[2].clone()]),
        (0, spent(claims[2].key()))
    );
    assert_eq!(
        rejected(&genesis, vec![claims[0].clone(), claims[0].clone()]),
        (1, spent(claims[0].key()))
    );
    // Another shard's receipt; a receipt whose proof fails.
    let mut elsewhere = receipts[0];
    elsewhere.dest_shard = 1;
    let (index, reason) = rejected(&genesis, vec![claim(elsewhere)]);
    assert_eq!(
        (index, reason.clone()),
        (
            0,
            ClaimInvalid::WrongDestShard {
                dest_shard: 1,
                shard: 0
            }
        )
    );
    assert!(reason.is_bad_data());
    let unknown = incoming(9, keys[1].address(), 1);
    let (_, reason) = rejected(&genesis, vec![claim(unknown)]);
    assert!(matches!(
        reason,
        ClaimInvalid::Proof(ReceiptProofInvalid::BeaconBodyRootMismatch { .. })
    ));
    // Without a verifier, claims cannot be checked: the caller's fault, not the block's.
    let mut state = genesis.clone();
    let err = execute_payload(&mut state, &bytes, &cache, &context, &config).unwrap_err();
    assert_eq!(
        claim_error(err.clone()).1,
        ClaimInvalid::Proof(ReceiptProofInvalid::NoVerifier)
    );
    assert!(!err.is_bad_data());
}

#[test]
fn claims_count_against_the_byte_limit() {
    let config = config();
    let receipts: Vec<_> = (0..4).map(|i| incoming(i, address_on(0, 0), 10)).collect();
    let claims: Vec<_> = receipts.iter().copied().map(claim).collect();
    let per_claim = claim_payload_bytes(&claims[0]);
    assert!(per_claim > 1_700, "{per_claim}");
    let full = config.max_shard_block_size;
    let small = ChainConfig {
        max_shard_block_size: PAYLOAD_FIXED_BYTES + 2 * per_claim + per_claim / 2,
        ..config
    };
    let verifier = KnownReceipts(receipts);
    let mut proposer = ExecutionState::default();
    let built = build_payload_with_claims(
        &mut proposer,
        &claims,
        &verifier,
        &[],
        &context(&small),
        &small,
    )
    .unwrap();
    assert_eq!(built.payload.receipt_claims.len(), 2);
    assert_eq!(built.left_out_claims.len(), 2);
    assert!(
        built
            .left_out_claims
            .iter()
            .all(|(_, why)| *why == ClaimLeftOut::ByteLimit)
    );
    let bytes = built.payload.as_ssz_bytes();
    assert!(bytes.len() as u64 <= small.max_shard_block_size);
    let mut validator = ExecutionState::default();
    execute_payload_with_claims(
        &mut validator,
        &bytes,
        &verifier,
        &cache(),
        &context(&small),
        &small,
    )
    .unwrap();
    assert_eq!(validator, proposer);
    // The list limit never binds before the byte limit, even for proofs with empty branches.
    let empty = claim_payload_bytes(&CrossShardReceiptProof::default());
    assert_eq!(empty, 272);
    assert!(MaxReceiptClaimsPerPayload::to_u64() * empty > full);
}

/// A claim a proptest case may offer: which receipt (some never emitted, some for another
/// shard), to which recipient.
type ClaimStep = (u64, usize, bool);

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Blocks offered any mix of claims (repeated, for another shard, unproven) and transfers:
    /// balances + burned + value sent out = genesis supply + value claimed, every receipt is
    /// credited at most once, and validators reach the proposer's state.
    #[test]
    fn claims_keep_supply_and_are_credited_at_most_once(
        blocks in prop::collection::vec(
            (
                prop::collection::vec((0u64..12, 0usize..6, any::<bool>()), 0..6),
                prop::collection::vec(arb_step(), 0..6),
            ),
            1..5,
        )
    ) {
        let config = config();
        let context = context(&config);
        let keys = signers(4);
        // Receipts 0..8 are proven; 8..12 are not.
        let proven: Vec<CrossShardReceipt> = (0..8)
            .map(|i| incoming(i, address_on(0, i as usize % 3), 1_000 * (i + 1)))
            .collect();
        let verifier = KnownReceipts(proven.clone());
        let mut proposer = funded(&keys);
        let mut validator = proposer.clone();
        let supply = proposer.accounts().total_balance();
        let (mut burned, mut exported, mut claimed) = (U256::ZERO, U256::ZERO, U256::ZERO);
        let mut credited: Vec<B256> = Vec::new();
        let cache = cache();
        for (claim_steps, steps) in blocks {
            let claims: Vec<_> = claim_steps
                .iter()
                .map(|&(index, recipient, elsewhere): &ClaimStep| {
                    let mut receipt = match proven.get(index as usize) {
                        Some(receipt) => *receipt,
                        None => incoming(index, address_on(0, recipient), 5),
                    };
                    if elsewhere && recipient == 0 {
                        receipt.dest_shard = 1;
                    }
                    claim(receipt)
                })
                .collect();
            let mut next_nonce: Vec<u64> = keys
                .iter()
                .map(|key| proposer.accounts().get_or_default(&key.address()).nonce)
                .collect();
            let candidates: Vec<_> = steps
                .into_iter()
                .map(|(signer, offset, recipient, value, fee, legacy)| {
                    let nonce = next_nonce[signer].saturating_add_signed(i64::from(offset));
                    next_nonce[signer] += 1;
                    let to = if recipient < 4 {
                        keys[recipient].address()
                    } else {
                        address_on(recipient as u64 % SHARDS, recipient)
                    };
                    transfer(&keys[signer], &config, nonce, to, value, fee, legacy)
                })
                .collect();
            let built = build_payload_with_claims(
                &mut proposer, &claims, &verifier, &candidates, &context, &config,
            ).unwrap();
            for claim in built.payload.receipt_claims.iter() {
                prop_assert!(!credited.contains(&claim.key()), "credited twice");
                prop_assert!(proven.contains(&claim.receipt));
                prop_assert_eq!(claim.receipt.dest_shard, 0);
                credited.push(claim.key());
            }
            burned += built.outcome.burned;
            claimed += built.outcome.claimed;
            for receipt in built.payload.cross_shard_receipts.iter() {
                exported += receipt.value;
            }
            prop_assert_eq!(
                proposer.accounts().total_balance() + burned + exported,
                supply + claimed
            );
            prop_assert_eq!(proposer.spent_receipts().len(), credited.len() as u64);
            let bytes = built.payload.as_ssz_bytes();
            execute_payload_with_claims(&mut validator, &bytes, &verifier, &cache, &context, &config)
                .unwrap();
            prop_assert_eq!(&validator, &proposer);
        }
    }
}
