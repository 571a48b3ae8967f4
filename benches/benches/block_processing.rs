//! `state_transition` of a mainnet-preset block carrying 128 attestations, each the aggregate of
//! a full committee of 128 interop validators (20,480 validators: five committees per slot),
//! with the block's signatures verified in one batch, one by one, or not at all; and the cost of
//! decoding a signer's public key, which every signature set pays.

use std::hint::black_box;

use beacon::accessors::{
    CommitteeCache, get_beacon_proposer_index, get_block_root, get_current_epoch, get_domain,
};
use beacon::per_slot::process_slots;
use beacon::{FAR_FUTURE_EPOCH, SignatureStrategy, state_transition};
use criterion::{Criterion, criterion_group, criterion_main};
use primitives::bls::{AggregateSignature, PublicKey, SecretKey, Signature, interop_secret_key};
use primitives::signing::compute_signing_root;
use primitives::types::{
    Attestation, AttestationData, BeaconBlock, BeaconBlockBody, BeaconState, Checkpoint, Fork,
    Root, ShardState, SignatureBytes, SignedBeaconBlock, Validator,
};
use primitives::{ChainConfig, MainnetEthSpec, PresetName};
use rayon::prelude::*;
use ssz_types::{BitList, VariableList};
use tree_hash::TreeHash;

type E = MainnetEthSpec;
type State = BeaconState<E>;

const VALIDATORS: u64 = 20_480;
const ATTESTATIONS: usize = 128;
/// The block's slot: slot 30 of epoch 3, so that the late attestations of slots 98 to 123 all
/// target the current epoch and no epoch boundary falls before the block.
const BLOCK_SLOT: u64 = 3 * 32 + 30;

fn root(tag: u8, n: u64) -> Root {
    let mut bytes = [tag; 32];
    bytes[..8].copy_from_slice(&n.to_le_bytes());
    Root::from(bytes)
}

/// Every validator active with an interop key, the histories filled with distinct roots, the
/// state one slot before the block.
fn build_state(keys: &[SecretKey], config: &ChainConfig) -> State {
    let mut state = State {
        slot: BLOCK_SLOT - 1,
        fork: Fork {
            previous_version: config.genesis_fork_version,
            current_version: config.genesis_fork_version,
            epoch: 0,
        },
        ..State::default()
    };
    let pubkeys: Vec<_> = keys.par_iter().map(|k| k.public_key().to_bytes()).collect();
    for pubkey in pubkeys {
        let validator = Validator {
            pubkey,
            effective_balance: config.max_effective_balance,
            exit_epoch: FAR_FUTURE_EPOCH,
            withdrawable_epoch: FAR_FUTURE_EPOCH,
            all_custody_secrets_revealed_epoch: FAR_FUTURE_EPOCH,
            ..Validator::default()
        };
        state.validators.push(validator).expect("registry room");
        state
            .balances
            .push(config.max_effective_balance)
            .expect("registry room");
        state
            .online_countdown
            .push(config.online_period.try_into().expect("online period"))
            .expect("registry room");
    }
    for _ in 0..config.initial_active_shards {
        let shard_state = ShardState {
            slot: 0,
            gasprice: config.min_gasprice,
            latest_block_root: Root::ZERO,
        };
        state.shard_states.push(shard_state).expect("shard room");
    }
    for (i, r) in (0u64..).zip(state.block_roots.iter_mut()) {
        *r = root(0xb0, i);
    }
    for (i, r) in (0u64..).zip(state.randao_mixes.iter_mut()) {
        *r = root(0x3a, i);
    }
    state.latest_block_header.slot = BLOCK_SLOT - 2;
    state.latest_block_header.body_root = BeaconBlockBody::<E>::default().tree_hash_root();
    state.eth1_data.deposit_count = VALIDATORS;
    state.eth1_deposit_index = VALIDATORS;
    state.current_justified_checkpoint = Checkpoint {
        epoch: 2,
        root: root(1, 2),
    };
    state.genesis_validators_root = state.validators.tree_hash_root();
    state
}

/// 128 late attestations of the current epoch, each signed by its whole committee.
fn attestations(state: &State, keys: &[SecretKey], config: &ChainConfig) -> Vec<Attestation<E>> {
    let epoch = get_current_epoch(state, config).expect("epoch");
    let cache = CommitteeCache::new(state, epoch, config).expect("committees");
    let target = Checkpoint {
        epoch,
        root: get_block_root(state, epoch, config).expect("target root"),
    };
    let domain = get_domain(state, config.domain_beacon_attester, Some(epoch), config)
        .expect("attester domain");
    let mut duties = Vec::new();
    for slot in BLOCK_SLOT - 28..BLOCK_SLOT - 2 {
        for index in 0..cache.committees_per_slot() {
            duties.push((slot, index));
        }
    }
    duties.truncate(ATTESTATIONS);
    assert_eq!(duties.len(), ATTESTATIONS, "enough committees");
    duties
        .into_par_iter()
        .map(|(slot, index)| {
            let committee = cache.get_beacon_committee(slot, index).expect("committee");
            assert_eq!(committee.len(), 128, "full mainnet committees");
            let data = AttestationData {
                slot,
                index,
                beacon_block_root: root(0xb0, slot),
                source: state.current_justified_checkpoint.clone(),
                target: target.clone(),
                ..AttestationData::default()
            };
            let message = compute_signing_root(&data, domain);
            let signatures: Vec<Signature> = committee
                .iter()
                .map(|member| keys[*member as usize].sign(message))
                .collect();
            let refs: Vec<&Signature> = signatures.iter().collect();
            let mut bits = BitList::with_capacity(committee.len()).expect("bits");
            for i in 0..committee.len() {
                bits.set(i, true).expect("bit");
            }
            Attestation {
                aggregation_bits: bits,
                data,
                signature: AggregateSignature::aggregate(&refs)
                    .expect("aggregate")
                    .to_signature()
                    .to_bytes(),
            }
        })
        .collect()
}

/// The block at `BLOCK_SLOT` by its proposer, with its RANDAO reveal, the attestations and the
/// post-state's root, signed.
fn build_block(state: &State, keys: &[SecretKey], config: &ChainConfig) -> SignedBeaconBlock<E> {
    let mut advanced = state.clone();
    process_slots(&mut advanced, BLOCK_SLOT, config).expect("slots");
    let proposer = get_beacon_proposer_index(&advanced, config).expect("proposer");
    let epoch = get_current_epoch(&advanced, config).expect("epoch");
    let randao_domain =
        get_domain(&advanced, config.domain_randao, Some(epoch), config).expect("domain");
    let mut block = BeaconBlock {
        slot: BLOCK_SLOT,
        proposer_index: proposer,
        parent_root: advanced.latest_block_header.tree_hash_root(),
        state_root: Root::ZERO,
        body: BeaconBlockBody {
            randao_reveal: keys[proposer as usize]
                .sign(compute_signing_root(&epoch, randao_domain))
                .to_bytes(),
            eth1_data: advanced.eth1_data.clone(),
            attestations: VariableList::new(attestations(&advanced, keys, config))
                .expect("at most MAX_ATTESTATIONS"),
            ..BeaconBlockBody::default()
        },
    };
    let unsigned = SignedBeaconBlock {
        message: block.clone(),
        signature: SignatureBytes::default(),
    };
    let post = state_transition(state, &unsigned, SignatureStrategy::Skip, false, config)
        .expect("the block applies");
    block.state_root = post.tree_hash_root();
    let proposer_domain = get_domain(
        &advanced,
        config.domain_beacon_proposer,
        Some(epoch),
        config,
    )
    .expect("domain");
    let signature = keys[proposer as usize]
        .sign(compute_signing_root(&block, proposer_domain))
        .to_bytes();
    SignedBeaconBlock {
        message: block,
        signature,
    }
}

fn block_processing(c: &mut Criterion) {
    let config = ChainConfig::preset(PresetName::Mainnet);
    let keys: Vec<SecretKey> = (0..VALIDATORS)
        .into_par_iter()
        .map(|i| interop_secret_key(i).expect("interop key"))
        .collect();
    let state = build_state(&keys, &config);
    let block = build_block(&state, &keys, &config);
    // The benchmarked path is the valid one in every strategy.
    for strategy in [SignatureStrategy::Batch, SignatureStrategy::Individually] {
        let post = state_transition(&state, &block, strategy, true, &config).expect("valid");
        assert_eq!(post.current_epoch_attestations.len(), ATTESTATIONS);
    }

    let mut group = c.benchmark_group("state_transition_128_attestations");
    group.sample_size(10);
    for (name, strategy) in [
        ("batch", SignatureStrategy::Batch),
        ("individually", SignatureStrategy::Individually),
        ("no_signatures", SignatureStrategy::Skip),
    ] {
        group.bench_function(name, |b| {
            b.iter(|| {
                black_box(state_transition(&state, &block, strategy, true, &config).expect("valid"))
            });
        });
    }
    group.finish();
}

/// What each signer of a block costs before any pairing: the signature sets decode every
/// signer's public key from the registry (decompression and subgroup check), once per set.
fn public_key_decoding(c: &mut Criterion) {
    let pubkeys: Vec<_> = (0..1_024)
        .into_par_iter()
        .map(|i| {
            interop_secret_key(i)
                .expect("interop key")
                .public_key()
                .to_bytes()
        })
        .collect();
    c.bench_function("public_key_from_bytes_1024_keys", |b| {
        b.iter(|| {
            for bytes in &pubkeys {
                black_box(PublicKey::from_bytes(bytes).expect("valid key"));
            }
        });
    });
}

criterion_group!(benches, block_processing, public_key_decoding);
criterion_main!(benches);
