//! Receipt proofs built from real containers: every level agrees with `tree_hash`, every
//! tampered level is refused, and claims conserve supply across shards.

use std::collections::BTreeMap;
use std::num::NonZeroUsize;

use alloy_primitives::{Address, U256};
use primitives::types::{BeaconBlock, BeaconState, HistoricalBatch, ShardState, ShardTransition};
use primitives::{ChainConfig, MainnetEthSpec, MinimalEthSpec, PresetName};
use proptest::prelude::*;
use shard::{
    Account, AccountState, ClaimInvalid, ExecutionContext, ExecutionError, ExecutionState,
    PayloadError, SenderCache, ShardTransaction, TransferRequest, TransferSigner,
    build_payload_with_claims, execute_payload_with_claims, home_shard, receipt_key,
};
use ssz::Encode;
use ssz_types::VariableList;

use super::*;

type E = MinimalEthSpec;

const FUNDS: u64 = 1_000_000_000_000_000_000;

fn config() -> ChainConfig {
    ChainConfig::preset(PresetName::Minimal)
}

fn context(config: &ChainConfig, shard: u64, shards: u64) -> ExecutionContext {
    ExecutionContext {
        shard,
        shard_count: shards,
        base_chain_id: config.base_chain_id,
        gasprice: config.min_gasprice,
        deposit_contract_address: config.deposit_contract_address,
        min_deposit_amount: config.min_deposit_amount,
    }
}

/// The `n`-th address (of a fixed sequence) whose home is `shard` of `shards`.
fn address_on(shard: u64, shards: u64, n: usize) -> Address {
    (1u8..=255)
        .map(Address::repeat_byte)
        .filter(|address| home_shard(address, shards).unwrap() == shard)
        .nth(n)
        .unwrap()
}

fn signers(n: u64) -> Vec<TransferSigner> {
    (0..n)
        .map(|i| TransferSigner::from_seed(900 + i).unwrap())
        .collect()
}

/// The same funded accounts on a shard.
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
    shard: u64,
    nonce: u64,
    to: Address,
    value: u64,
) -> (ShardTransaction, Address) {
    let chain_id = config.base_chain_id + shard;
    let bytes = key.sign_eip1559(&TransferRequest {
        chain_id,
        nonce,
        to,
        value: U256::from(value),
        gas_limit: 21_000,
        max_fee_per_gas: 20_000_000_000,
        max_priority_fee_per_gas: 1_000_000_000,
    });
    (
        ShardTransaction::decode(&bytes, chain_id).unwrap(),
        key.address(),
    )
}

fn cache() -> SenderCache {
    SenderCache::new(NonZeroUsize::new(1024).unwrap())
}

/// A transition whose offset slots hold an empty slot, then each body in turn.
fn transition_of(bodies: &[Vec<u8>]) -> ShardTransition<E> {
    let mut lengths = vec![0u64];
    let mut roots = vec![Root::ZERO];
    for body in bodies {
        lengths.push(body.len() as u64);
        roots.push(
            VariableList::<u8, <E as EthSpec>::MaxShardBlockSize>::new(body.clone())
                .unwrap()
                .tree_hash_root(),
        );
    }
    let states = (0..lengths.len() as u64)
        .map(|slot| ShardState {
            slot,
            gasprice: 10,
            latest_block_root: Root::repeat_byte(slot as u8),
        })
        .collect();
    ShardTransition {
        start_slot: 1,
        shard_block_lengths: VariableList::new(lengths).unwrap(),
        shard_data_roots: VariableList::new(roots).unwrap(),
        shard_states: VariableList::new(states).unwrap(),
        ..ShardTransition::default()
    }
}

/// A beacon block at `slot` crosslinking `bodies` of each shard, with other fields set so
/// that no field root is the default's.
fn beacon_block(slot: u64, bodies: &[(u64, Vec<Vec<u8>>)]) -> BeaconBlock<E> {
    let mut block = BeaconBlock::<E> {
        slot,
        proposer_index: 3,
        parent_root: Root::repeat_byte(0x11),
        state_root: Root::repeat_byte(0x22),
        ..BeaconBlock::default()
    };
    block.body.graffiti = Root::repeat_byte(0x33);
    block.body.eth1_data.deposit_count = 7;
    for (shard, shard_bodies) in bodies {
        block.body.shard_transitions[*shard as usize] = transition_of(shard_bodies);
    }
    block
}

/// A beacon state at `slot` whose `block_roots` hold `blocks`.
fn beacon_state(slot: u64, blocks: &[&BeaconBlock<E>]) -> BeaconState<E> {
    let mut state = BeaconState::<E> {
        slot,
        ..BeaconState::default()
    };
    let history = state.block_roots.len() as u64;
    for block in blocks {
        state.block_roots[(block.slot % history) as usize] = block.tree_hash_root();
    }
    state
}

/// Shard 1 of 2 sends three transfers to shard 0 and one local one; returns its body.
fn source_body(config: &ChainConfig) -> Vec<u8> {
    let keys = signers(2);
    let mut state = funded(&keys);
    let candidates = vec![
        transfer(&keys[0], config, 1, 0, address_on(0, 2, 0), 1_000),
        transfer(&keys[0], config, 1, 1, address_on(1, 2, 0), 5),
        transfer(&keys[1], config, 1, 0, address_on(0, 2, 1), 2_000),
        transfer(&keys[1], config, 1, 1, address_on(0, 2, 0), 3_000),
    ];
    let built = build_payload_with_claims(
        &mut state,
        &[],
        &shard::NoReceiptVerifier,
        &candidates,
        &context(config, 1, 2),
        config,
    )
    .unwrap();
    assert_eq!(built.payload.cross_shard_receipts.len(), 3);
    built.payload.as_ssz_bytes()
}

fn setup() -> (Vec<u8>, BeaconBlock<E>, BeaconState<E>) {
    let body = source_body(&config());
    let other = vec![1u8; 200];
    let block = beacon_block(
        5,
        &[(1, vec![other, body.clone()]), (0, vec![vec![2u8; 40]])],
    );
    let state = beacon_state(9, &[&block]);
    (body, block, state)
}

#[test]
fn depths_follow_the_presets() {
    assert_eq!(RECEIPTS_BRANCH_DEPTH, 15);
    assert_eq!(payload_branch_depth::<E>(), 16);
    assert_eq!(transition_branch_depth::<E>(), 8);
    assert_eq!(beacon_body_branch_depth::<E>(), 3 + 4);
    assert_eq!(historical_branch_depth::<E>(), 6 + 1);
    type M = MainnetEthSpec;
    assert_eq!(payload_branch_depth::<M>(), 16);
    assert_eq!(transition_branch_depth::<M>(), 8);
    assert_eq!(beacon_body_branch_depth::<M>(), 10 + 4);
    assert_eq!(historical_branch_depth::<M>(), 13 + 1);
}

#[test]
fn every_level_matches_tree_hash_and_the_proof_verifies() {
    let (body, block, state) = setup();
    let payload = ExecutionPayload::from_ssz_bytes(&body).unwrap();
    for index in 0..3u64 {
        let proof = build_receipt_proof(&block, &body, index).unwrap();
        assert_eq!(proof.receipt, payload.cross_shard_receipts[index as usize]);
        assert_eq!(proof.shard_block_index, 2);
        // Each level's root, computed from its branch, is what tree_hash gives the container.
        let receipts_root = compute_root(
            proof.receipt.tree_hash_root(),
            &proof.receipts_branch,
            index,
        );
        assert_eq!(receipts_root, payload.cross_shard_receipts_root);
        assert_eq!(receipts_root, payload.cross_shard_receipts.tree_hash_root());
        let body_root = compute_root(receipts_root, &proof.payload_branch, 2);
        let transition = &block.body.shard_transitions[1];
        assert_eq!(body_root, transition.shard_data_roots[2]);
        let transition_root = compute_root(body_root, &proof.transition_branch, 64 + 2);
        assert_eq!(transition_root, transition.tree_hash_root());
        let body_root = compute_root(transition_root, &proof.beacon_body_branch, (13 << 3) | 1);
        assert_eq!(body_root, block.body.tree_hash_root());
        assert_eq!(
            proof.beacon_block_header.tree_hash_root(),
            block.tree_hash_root()
        );

        assert_eq!(
            verify_receipt_proof::<E>(&proof, &state),
            Ok(block.tree_hash_root())
        );
        let verifier = BeaconReceiptVerifier::<E, _>::new(&state);
        assert_eq!(verifier.verify_receipt_proof(&proof), Ok(()));
        // The proof is SSZ and survives a round trip.
        let bytes = proof.as_ssz_bytes();
        assert_eq!(
            CrossShardReceiptProof::from_ssz_bytes(&bytes).unwrap(),
            proof
        );
    }
}

#[test]
fn each_tampered_level_is_refused() {
    let (body, block, state) = setup();
    let proof = build_receipt_proof(&block, &body, 1).unwrap();
    let tampered = |edit: &dyn Fn(&mut CrossShardReceiptProof)| {
        let mut bad = proof.clone();
        edit(&mut bad);
        verify_receipt_proof::<E>(&bad, &state).unwrap_err()
    };
    let flip = |branch: &mut MerkleBranch, at: usize| {
        let mut nodes = branch.to_vec();
        nodes[at].0[0] ^= 1;
        *branch = MerkleBranch::new(nodes).unwrap();
    };
    let mismatch = |err: ReceiptProofInvalid| {
        assert!(
            matches!(err, ReceiptProofInvalid::BeaconBodyRootMismatch { .. }),
            "{err}"
        );
        assert!(err.is_bad_data());
    };
    // The receipt itself: its value, recipient, position, source shard.
    mismatch(tampered(&|p| p.receipt.value += U256::from(1u64)));
    mismatch(tampered(&|p| p.receipt.to = Address::repeat_byte(0xee)));
    mismatch(tampered(&|p| p.receipt.index = 2));
    mismatch(tampered(&|p| p.receipt.source_shard = 0));
    mismatch(tampered(&|p| p.receipt.dest_shard = 1));
    // Each sibling of each level, bottom, middle and top.
    for at in [0, 7, 14] {
        mismatch(tampered(&|p| flip(&mut p.receipts_branch, at)));
    }
    for at in [0, 2, 15] {
        mismatch(tampered(&|p| flip(&mut p.payload_branch, at)));
    }
    for at in [0, 4, 7] {
        mismatch(tampered(&|p| flip(&mut p.transition_branch, at)));
    }
    for at in [0, 3, 6] {
        mismatch(tampered(&|p| flip(&mut p.beacon_body_branch, at)));
    }
    mismatch(tampered(&|p| p.shard_block_index = 1));
    // The header: its body root no longer matches, or its root is not the state's.
    mismatch(tampered(&|p| p.beacon_block_header.body_root.0[3] ^= 1));
    for edit in [
        &(|p: &mut CrossShardReceiptProof| p.beacon_block_header.slot = 6)
            as &dyn Fn(&mut CrossShardReceiptProof),
        &|p| p.beacon_block_header.state_root.0[0] ^= 1,
        &|p| p.beacon_block_header.proposer_index = 4,
    ] {
        assert!(matches!(
            tampered(edit),
            ReceiptProofInvalid::UnknownBlockRoot { .. }
        ));
    }
    // Depths and positions are checked before hashing.
    assert_eq!(
        tampered(&|p| {
            let mut nodes = p.payload_branch.to_vec();
            nodes.pop();
            p.payload_branch = MerkleBranch::new(nodes).unwrap();
        }),
        ReceiptProofInvalid::BranchLength {
            level: ProofLevel::Payload,
            len: 15,
            expected: 16
        }
    );
    assert_eq!(
        tampered(&|p| p.shard_block_index = 12),
        ReceiptProofInvalid::IndexOutOfRange {
            level: ProofLevel::ShardTransition,
            index: 12,
            limit: 12
        }
    );
    assert_eq!(
        tampered(&|p| p.receipt.source_shard = 8),
        ReceiptProofInvalid::IndexOutOfRange {
            level: ProofLevel::BeaconBlockBody,
            index: 8,
            limit: 8
        }
    );
    // A non-empty historical branch of a wrong length.
    assert_eq!(
        tampered(&|p| p.historical_branch = MerkleBranch::new(vec![Root::ZERO]).unwrap()),
        ReceiptProofInvalid::BranchLength {
            level: ProofLevel::HistoricalBatch,
            len: 1,
            expected: 7
        }
    );
}

#[test]
fn an_unknown_or_too_recent_block_root_is_refused() {
    let (body, block, _) = setup();
    let proof = build_receipt_proof(&block, &body, 0).unwrap();
    let root = block.tree_hash_root();
    let unknown = ReceiptProofInvalid::UnknownBlockRoot { slot: 5, root };
    // Another chain's state, a state at the block's own slot, a state too far ahead.
    let other = beacon_state(9, &[]);
    assert_eq!(
        verify_receipt_proof::<E>(&proof, &other),
        Err(unknown.clone())
    );
    assert!(!unknown.is_bad_data(), "the local state may lag");
    let same_slot = beacon_state(5, &[&block]);
    assert_eq!(
        verify_receipt_proof::<E>(&proof, &same_slot),
        Err(unknown.clone())
    );
    let far = beacon_state(5 + 64 + 1, &[&block]);
    assert_eq!(
        verify_receipt_proof::<E>(&proof, &far),
        Err(unknown.clone())
    );
    // Any lookup works, a map of canonical roots included.
    let known: BTreeMap<Slot, Root> = [(5, root)].into();
    assert_eq!(verify_receipt_proof::<E>(&proof, &known), Ok(root));
    let moved: BTreeMap<Slot, Root> = [(4, root)].into();
    assert_eq!(verify_receipt_proof::<E>(&proof, &moved), Err(unknown));
}

#[test]
fn an_old_block_is_proven_through_historical_roots() {
    let (body, block, _) = setup();
    let old = beacon_state(64, &[&block]);
    let batch = HistoricalBatch::<E> {
        block_roots: old.block_roots.clone(),
        state_roots: old.state_roots.clone(),
    };
    let mut state = beacon_state(64 * 3, &[]);
    state.historical_roots = VariableList::new(vec![batch.tree_hash_root()]).unwrap();
    let recent = build_receipt_proof(&block, &body, 2).unwrap();
    assert!(matches!(
        verify_receipt_proof::<E>(&recent, &state),
        Err(ReceiptProofInvalid::UnknownBlockRoot { .. })
    ));
    let proof = with_historical_branch(recent.clone(), &batch, 0).unwrap();
    assert_eq!(
        proof.historical_branch.len(),
        historical_branch_depth::<E>()
    );
    assert_eq!(
        verify_receipt_proof::<E>(&proof, &state),
        Ok(block.tree_hash_root())
    );
    let mut bad = proof.clone();
    let mut nodes = bad.historical_branch.to_vec();
    nodes[2].0[9] ^= 1;
    bad.historical_branch = MerkleBranch::new(nodes).unwrap();
    assert!(matches!(
        verify_receipt_proof::<E>(&bad, &state),
        Err(ReceiptProofInvalid::UnknownBlockRoot { .. })
    ));
    assert_eq!(
        with_historical_branch(recent, &batch, 64).unwrap_err(),
        ReceiptProofError::NotInBatch { slot: 5, start: 64 }
    );
}

#[test]
fn all_proofs_of_a_body_equal_the_proofs_built_one_by_one() {
    let (body, block, _) = setup();
    let proofs = ReceiptProofs::new(&block, &body).unwrap();
    assert_eq!(proofs.len(), 3);
    let all = proofs.all().unwrap();
    for (index, proof) in all.iter().enumerate() {
        assert_eq!(
            *proof,
            build_receipt_proof(&block, &body, index as u64).unwrap()
        );
        assert_eq!(proof.receipt.index, index as u64);
    }
}

#[test]
fn building_refuses_what_the_block_does_not_crosslink() {
    let (body, block, _) = setup();
    assert!(matches!(
        build_receipt_proof(&block, &body, 3),
        Err(ReceiptProofError::NoSuchReceipt { index: 3, count: 3 })
    ));
    let elsewhere = beacon_block(5, &[(0, vec![body.clone()])]);
    assert_eq!(
        build_receipt_proof(&elsewhere, &body, 0),
        Err(ReceiptProofError::NotCrosslinked { shard: 1 })
    );
    assert!(matches!(
        build_receipt_proof(&block, &body[..50], 0),
        Err(ReceiptProofError::Undecodable(_))
    ));
}

/// Shard 0 of 2 claims the receipts shard 1 sent it.
#[test]
fn the_destination_credits_each_receipt_once() {
    let config = config();
    let (body, block, beacon) = setup();
    let verifier = BeaconReceiptVerifier::<E, _>::new(&beacon);
    let proofs: Vec<_> = (0..3)
        .map(|i| build_receipt_proof(&block, &body, i).unwrap())
        .collect();
    let dest = context(&config, 0, 2);
    let genesis = ExecutionState::default();
    let cache = cache();

    // The proposer leaves out the second copy of a receipt.
    let mut proposer = genesis.clone();
    let offered = [proofs.clone(), vec![proofs[0].clone()]].concat();
    let built =
        build_payload_with_claims(&mut proposer, &offered, &verifier, &[], &dest, &config).unwrap();
    assert_eq!(built.payload.receipt_claims.len(), 3);
    assert_eq!(built.outcome.claimed, U256::from(6_000u64));
    assert_eq!(built.left_out_claims.len(), 1);
    assert_eq!(
        proposer
            .accounts()
            .get(&address_on(0, 2, 0))
            .unwrap()
            .balance,
        U256::from(4_000u64)
    );
    assert_eq!(proposer.spent_receipts().len(), 3);

    // A validator with the beacon state agrees; one without a verifier cannot check claims.
    let bytes = built.payload.as_ssz_bytes();
    let mut validator = genesis.clone();
    execute_payload_with_claims(&mut validator, &bytes, &verifier, &cache, &dest, &config).unwrap();
    assert_eq!(validator, proposer);
    let mut blind = genesis.clone();
    let err = shard::execute_payload(&mut blind, &bytes, &cache, &dest, &config).unwrap_err();
    assert!(!err.is_bad_data(), "{err}");
    assert_eq!(blind, genesis);

    // The same receipt again, in a later block or twice in one block: the block is invalid.
    let claim_again = |state: &ExecutionState, claims: Vec<CrossShardReceiptProof>| {
        let mut payload = ExecutionPayload {
            receipt_claims: VariableList::new(claims).unwrap(),
            ..ExecutionPayload::default()
        };
        payload.cross_shard_receipts_root = payload.cross_shard_receipts.tree_hash_root();
        payload.receipts_root = payload.cross_shard_receipts_root;
        let mut next = state.clone();
        let err = execute_payload_with_claims(
            &mut next,
            &payload.as_ssz_bytes(),
            &verifier,
            &cache,
            &dest,
            &config,
        )
        .unwrap_err();
        assert_eq!(&next, state);
        err
    };
    let spent = |index| {
        PayloadError::Execution(ExecutionError::ClaimInvalid {
            index,
            reason: ClaimInvalid::AlreadySpent {
                key: proofs[1].key(),
            },
        })
    };
    assert_eq!(claim_again(&validator, vec![proofs[1].clone()]), spent(0));
    assert_eq!(
        claim_again(&genesis, vec![proofs[1].clone(), proofs[1].clone()]),
        spent(1)
    );
    let mut proposer = validator.clone();
    let built =
        build_payload_with_claims(&mut proposer, &proofs, &verifier, &[], &dest, &config).unwrap();
    assert!(built.payload.receipt_claims.is_empty());
    assert_eq!(built.left_out_claims.len(), 3);

    // Shard 1 is not the receipts' destination.
    let wrong = context(&config, 1, 2);
    let mut state = genesis.clone();
    let built =
        build_payload_with_claims(&mut state, &proofs, &verifier, &[], &wrong, &config).unwrap();
    assert!(built.payload.receipt_claims.is_empty());
    assert!(built.left_out_claims.iter().all(|(_, why)| matches!(
        why,
        shard::payload::ClaimLeftOut::Invalid(ClaimInvalid::WrongDestShard {
            dest_shard: 0,
            shard: 1
        })
    )));
    // A claim against a beacon state that does not hold the block.
    let elsewhere = beacon_state(9, &[]);
    let blind_verifier = BeaconReceiptVerifier::<E, _>::new(&elsewhere);
    let mut state = genesis.clone();
    let built =
        build_payload_with_claims(&mut state, &proofs, &blind_verifier, &[], &dest, &config)
            .unwrap();
    assert!(built.payload.receipt_claims.is_empty());
    assert!(built.left_out_claims.iter().all(|(_, why)| matches!(
        why,
        shard::payload::ClaimLeftOut::Invalid(ClaimInvalid::Proof(
            ReceiptProofInvalid::UnknownBlockRoot { slot: 5, .. }
        ))
    )));
    assert_eq!(state, genesis);
}

/// A step of the multi-shard property test: who sends, from which shard, to whom, how much.
type Step = (usize, u64, usize, u64);

const SHARDS: u64 = 3;
const KEYS: u64 = 3;

fn arb_step() -> impl Strategy<Value = Step> {
    (
        0usize..KEYS as usize,
        0u64..SHARDS,
        0usize..12,
        prop_oneof![4 => 1u64..1_000_000, 1 => Just(FUNDS)],
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Over several shards and beacon slots, whatever transfers are sent: the sum of all
    /// balances, fees burned and receipts in flight (emitted, not yet claimed) never changes;
    /// each receipt is credited once although every proof is offered again in later blocks;
    /// and validators reach the proposers' states.
    #[test]
    fn supply_is_conserved_across_shards_and_receipts_are_claimed_once(
        rounds in prop::collection::vec(prop::collection::vec(arb_step(), 0..10), 1..6),
    ) {
        let config = config();
        let keys = signers(KEYS);
        let mut states: Vec<ExecutionState> = (0..SHARDS).map(|_| funded(&keys)).collect();
        let supply: U256 = states.iter().map(|s| s.accounts().total_balance()).sum();
        let mut burned = U256::ZERO;
        // Every proof ever built, offered again to each later block of its shard.
        let mut proofs: Vec<CrossShardReceiptProof> = Vec::new();
        let mut in_flight: BTreeMap<Root, U256> = BTreeMap::new();
        let mut blocks: Vec<BeaconBlock<E>> = Vec::new();
        let cache = cache();
        for (round, steps) in rounds.into_iter().enumerate() {
            let slot = round as u64 + 1;
            let block_refs: Vec<&BeaconBlock<E>> = blocks.iter().collect();
            let beacon = beacon_state(slot, &block_refs);
            let verifier = BeaconReceiptVerifier::<E, _>::new(&beacon);
            let mut bodies = Vec::new();
            for shard in 0..SHARDS {
                let ctx = context(&config, shard, SHARDS);
                let state = &mut states[shard as usize];
                let mut nonces: Vec<u64> = keys
                    .iter()
                    .map(|k| state.accounts().get_or_default(&k.address()).nonce)
                    .collect();
                let candidates: Vec<_> = steps
                    .iter()
                    .filter(|(_, from_shard, _, _)| *from_shard == shard)
                    .map(|(key, _, to, value)| {
                        let to = if *to < KEYS as usize {
                            keys[*to].address()
                        } else {
                            address_on(*to as u64 % SHARDS, SHARDS, *to)
                        };
                        let nonce = nonces[*key];
                        nonces[*key] += 1;
                        transfer(&keys[*key], &config, shard, nonce, to, *value)
                    })
                    .collect();
                let claims: Vec<_> = proofs
                    .iter()
                    .filter(|p| p.receipt.dest_shard == shard)
                    .cloned()
                    .collect();
                let before = state.clone();
                let built =
                    build_payload_with_claims(state, &claims, &verifier, &candidates, &ctx, &config)
                        .unwrap();
                // Exactly the receipts still in flight to this shard are credited.
                let due: Vec<Root> = in_flight
                    .keys()
                    .copied()
                    .filter(|key| claims.iter().any(|c| c.key() == *key))
                    .collect();
                prop_assert_eq!(built.payload.receipt_claims.len(), due.len());
                for claim in built.payload.receipt_claims.iter() {
                    prop_assert!(in_flight.remove(&claim.key()).is_some(), "claimed twice");
                }
                burned += built.outcome.burned;
                for receipt in built.payload.cross_shard_receipts.iter() {
                    in_flight.insert(receipt_key(receipt), receipt.value);
                }
                let bytes = built.payload.as_ssz_bytes();
                let mut validator = before;
                execute_payload_with_claims(&mut validator, &bytes, &verifier, &cache, &ctx, &config)
                    .unwrap();
                prop_assert_eq!(&validator, &*state);
                bodies.push((shard, bytes));
            }
            let total: U256 = states.iter().map(|s| s.accounts().total_balance()).sum();
            let flying: U256 = in_flight.values().copied().sum();
            prop_assert_eq!(total + burned + flying, supply);

            // The beacon block of this slot crosslinks every shard's block.
            let crosslinked: Vec<(u64, Vec<Vec<u8>>)> = bodies
                .iter()
                .map(|(shard, body)| (*shard, vec![body.clone()]))
                .collect();
            let block = beacon_block(slot, &crosslinked);
            for (_, body) in &bodies {
                let payload = ExecutionPayload::from_ssz_bytes(body).unwrap();
                for index in 0..payload.cross_shard_receipts.len() as u64 {
                    proofs.push(build_receipt_proof(&block, body, index).unwrap());
                }
            }
            blocks.push(block);
        }
    }
}
