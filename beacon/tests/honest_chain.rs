//! An honest chain, end to end: 64 interop validators perform every duty of every slot for six
//! epochs (shard proposers propose, committees attest and are aggregated, the beacon proposer
//! includes the aggregates with the shard transitions they crosslink), every block is applied
//! with `state_transition` in batch signature mode, and the chain must finalize and crosslink
//! every active shard in every epoch. A property over the genesis eth1 block hash (so the
//! shuffling), the genesis time, the shard block bodies and the slots without a shard block.

use std::collections::{BTreeMap, BTreeSet};

use beacon::accessors::{
    compute_offset_slots, get_active_shard_count, get_beacon_committee, get_beacon_proposer_index,
    get_committee_count_per_slot, get_current_epoch, get_latest_slot_for_shard,
};
use beacon::duties::{get_attestation_data, get_unaggregated_attestation, sign_attestation};
use beacon::genesis::{initialize_beacon_state_from_eth1, interop_deposits, upgrade_to_phase1};
use beacon::per_slot::process_slots;
use beacon::production::{
    BlockInputs, PendingShardBlocks, aggregate_attestations, get_shard_block_proposer,
    propose_block, propose_shard_block,
};
use beacon::{SignatureStrategy, state_transition};
use primitives::bls::{SecretKey, interop_secret_key};
use primitives::math::compute_epoch_at_slot;
use primitives::types::{
    Attestation, BeaconState, Bytes32, Epoch, Root, Shard, ShardTransition, Slot,
};
use primitives::{ChainConfig, EthSpec, MainnetEthSpec, MinimalEthSpec, PresetName};
use proptest::prelude::*;
use tree_hash::TreeHash;

const VALIDATORS: u64 = 64;
const EPOCHS: u64 = 6;

/// What changes between runs.
#[derive(Debug, Clone)]
struct Run {
    eth1_block_hash: [u8; 32],
    eth1_timestamp: u64,
    /// Body lengths, used in turn by the shard blocks.
    body_lengths: Vec<usize>,
    /// The byte the bodies are filled from.
    body_seed: u8,
    /// Shard block `n` (counted over all shards) is left out when bit `n % 64` is set.
    skipped: u64,
}

fn run_strategy() -> impl Strategy<Value = Run> {
    (
        any::<[u8; 32]>(),
        1_600_000_000u64..1_700_000_000,
        prop::collection::vec(1usize..4096, 1..8),
        any::<u8>(),
        // About one shard block in eight left out.
        any::<[u64; 3]>().prop_map(|[a, b, c]| a & b & c),
    )
        .prop_map(
            |(eth1_block_hash, eth1_timestamp, body_lengths, body_seed, skipped)| Run {
                eth1_block_hash,
                eth1_timestamp,
                body_lengths,
                body_seed,
                skipped,
            },
        )
}

/// The honest chain's world: the head state and block, the shard blocks since each shard's
/// crosslink, and the aggregates (with their full shard transitions) for the next block.
struct World<E: EthSpec> {
    config: ChainConfig,
    keys: Vec<SecretKey>,
    state: BeaconState<E>,
    head_root: Root,
    pending: PendingShardBlocks<E>,
    aggregates: Vec<Attestation<E>>,
    transitions: Vec<ShardTransition<E>>,
    /// Every shard block proposed: shard -> (slot, root), in slot order.
    shard_blocks: BTreeMap<Shard, Vec<(Slot, Root)>>,
    /// The epochs of the attestation slots of each shard's crosslinks.
    crosslinks: BTreeMap<Shard, BTreeSet<Epoch>>,
    shard_block_count: u64,
}

impl<E: EthSpec> World<E> {
    fn genesis(run: &Run, config: ChainConfig) -> Self {
        let deposits = interop_deposits(VALIDATORS, &config).unwrap();
        let phase0 = initialize_beacon_state_from_eth1::<E>(
            Bytes32::from(run.eth1_block_hash),
            run.eth1_timestamp,
            &deposits,
            &config,
        )
        .unwrap();
        let state = upgrade_to_phase1(&phase0, &config).unwrap();
        assert_eq!(state.validators.len() as u64, VALIDATORS);
        // The genesis block: the latest header with its state root filled in.
        let mut header = state.latest_block_header.clone();
        header.state_root = state.tree_hash_root();
        Self {
            keys: (0..VALIDATORS)
                .map(|i| interop_secret_key(i).unwrap())
                .collect(),
            head_root: header.tree_hash_root(),
            state,
            config,
            pending: PendingShardBlocks::new(),
            aggregates: Vec::new(),
            transitions: Vec::new(),
            shard_blocks: BTreeMap::new(),
            crosslinks: BTreeMap::new(),
            shard_block_count: 0,
        }
    }

    fn key(&self, index: u64) -> &SecretKey {
        &self.keys[index as usize]
    }

    /// The beacon proposer's duty at `slot`: a block with last slot's aggregates, applied to
    /// the head state as any node would apply it.
    fn propose(&mut self, slot: Slot) {
        let config = &self.config;
        let mut advanced = self.state.clone();
        process_slots(&mut advanced, slot, config).unwrap();
        let proposer = get_beacon_proposer_index(&advanced, config).unwrap();
        let inputs = BlockInputs {
            attestations: &self.aggregates,
            shard_transitions: &self.transitions,
            ..BlockInputs::new(Default::default())
        };
        let (signed, produced_post) =
            propose_block(&advanced, slot, self.key(proposer), &inputs, config).unwrap();
        assert_eq!(
            signed.message.body.attestations.len(),
            self.aggregates.len(),
            "slot {slot}: every aggregate of the previous slot is included"
        );
        let post = state_transition(&self.state, &signed, SignatureStrategy::Batch, true, config)
            .unwrap_or_else(|e| panic!("slot {slot}: the honest block is refused: {e}"));
        assert!(post == produced_post, "slot {slot}: post-states differ");

        for shard in 0..get_active_shard_count(&post, config) {
            let before = &self.state.shard_states[shard as usize];
            let after = &post.shard_states[shard as usize];
            if after == before {
                continue;
            }
            // A crosslink of the previous slot's committee.
            assert_eq!(after.slot, slot - 1, "shard {shard}");
            let last_block = self.shard_blocks.get(&shard).and_then(|blocks| {
                blocks
                    .iter()
                    .rev()
                    .find(|(block_slot, _)| *block_slot < slot)
            });
            let expected_root = last_block.map_or(Root::ZERO, |(_, root)| *root);
            assert_eq!(
                after.latest_block_root, expected_root,
                "slot {slot}: shard {shard} crosslinks its last block"
            );
            let epoch = compute_epoch_at_slot(slot - 1, config).unwrap();
            self.crosslinks.entry(shard).or_default().insert(epoch);
        }
        self.head_root = signed.message.tree_hash_root();
        self.pending.prune(&post);
        self.state = post;
        self.aggregates.clear();
        self.transitions.clear();
    }

    /// The shard proposers' duty at the head state's slot: a block on each active shard whose
    /// slot is an offset slot, unless the run leaves it out.
    fn propose_shard_blocks(&mut self, run: &Run) {
        let config = &self.config;
        let slot = self.state.slot;
        for shard in 0..get_active_shard_count(&self.state, config) {
            let latest = get_latest_slot_for_shard(&self.state, shard).unwrap();
            if !compute_offset_slots(latest, slot + 1, config).contains(&slot) {
                continue;
            }
            let n = self.shard_block_count;
            self.shard_block_count += 1;
            if run.skipped & (1 << (n % 64)) != 0 {
                continue;
            }
            let length = run.body_lengths[n as usize % run.body_lengths.len()];
            let body: Vec<u8> = (0..length)
                .map(|i| run.body_seed.wrapping_add(i as u8).wrapping_mul(31))
                .collect();
            let pending = self
                .pending
                .get_pending_shard_blocks(&self.state, shard)
                .unwrap();
            let proposer = get_shard_block_proposer(&self.state, shard, config).unwrap();
            // The head block is the slot's beacon block, the state its post-state.
            let block = propose_shard_block(
                &self.state,
                self.head_root,
                shard,
                &pending,
                body,
                self.key(proposer),
                config,
            )
            .unwrap();
            self.shard_blocks
                .entry(shard)
                .or_default()
                .push((slot, block.message.tree_hash_root()));
            self.pending.insert(block);
        }
    }

    /// Every committee of the head state's slot attests to the head with its shard's
    /// transition; each committee's attestations are aggregated for the next block.
    fn attest(&mut self) {
        let config = &self.config;
        let state = &self.state;
        let slot = state.slot;
        let epoch = get_current_epoch(state, config).unwrap();
        for index in 0..get_committee_count_per_slot(state, epoch, config).unwrap() {
            let committee = get_beacon_committee(state, slot, index, config).unwrap();
            let shard =
                beacon::accessors::compute_shard_from_committee_index(state, index, slot, config)
                    .unwrap();
            let shard_blocks = self.pending.get_pending_shard_blocks(state, shard).unwrap();
            let shard_head_root = self.pending.shard_head_root(state, shard).unwrap();
            let vote = get_attestation_data(
                state,
                self.head_root,
                index,
                shard_head_root,
                &shard_blocks,
                config,
            )
            .unwrap();
            let attestations: Vec<Attestation<E>> = committee
                .iter()
                .map(|member| {
                    let signature =
                        sign_attestation(state, &vote.data, self.key(*member), config).unwrap();
                    get_unaggregated_attestation(vote.data.clone(), &committee, *member, signature)
                        .unwrap()
                })
                .collect();
            let aggregate = aggregate_attestations(&attestations).unwrap();
            assert!(aggregate.aggregation_bits.iter().all(|bit| bit));
            self.aggregates.push(aggregate);
            self.transitions.push(vote.shard_transition);
        }
    }
}

/// Runs `EPOCHS` epochs of the honest chain and checks finality and crosslinks.
fn run_honest_chain<E: EthSpec>(run: &Run, config: ChainConfig) {
    let mut world = World::<E>::genesis(run, config);
    let slots_per_epoch = world.config.slots_per_epoch;
    let last_slot = EPOCHS * slots_per_epoch;
    for slot in 1..=last_slot {
        world.propose(slot);
        world.propose_shard_blocks(run);
        world.attest();
    }
    let state = &world.state;
    let config = &world.config;
    // Full participation from epoch 1 on: epoch `e - 2` is final once epoch `e` begins.
    assert_eq!(get_current_epoch(state, config).unwrap(), EPOCHS);
    assert!(
        state.finalized_checkpoint.epoch >= EPOCHS - 2,
        "finalized {:?}",
        state.finalized_checkpoint
    );
    assert_eq!(
        state.current_justified_checkpoint.epoch,
        EPOCHS - 1,
        "justified {:?}",
        state.current_justified_checkpoint
    );
    // Every active shard crosslinked in every epoch after the first.
    for shard in 0..get_active_shard_count(state, config) {
        let epochs = world.crosslinks.get(&shard).cloned().unwrap_or_default();
        for epoch in 1..EPOCHS {
            assert!(
                epochs.contains(&epoch),
                "shard {shard}: no crosslink in epoch {epoch} (crosslinked in {epochs:?})"
            );
        }
        let shard_state = &state.shard_states[shard as usize];
        assert!(shard_state.slot >= last_slot - slots_per_epoch);
    }
    // Every validator stayed in: none slashed, balances grew.
    for (validator, balance) in state.validators.iter().zip(state.balances.iter()) {
        assert!(!validator.slashed);
        assert!(*balance > config.max_effective_balance, "balance {balance}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3))]

    #[test]
    fn an_honest_minimal_chain_finalizes_and_crosslinks_every_shard(run in run_strategy()) {
        run_honest_chain::<MinimalEthSpec>(&run, ChainConfig::preset(PresetName::Minimal));
    }

    #[test]
    fn an_honest_mainnet_chain_finalizes_and_crosslinks_every_shard(run in run_strategy()) {
        // 64 validators in 8 slots of two committees of 4, crosslinking 16 shards once an
        // epoch each, so that crosslinks span the offset slots 1, 2, 3, 5 and 8.
        let overrides = "SLOTS_PER_EPOCH: 8\nTARGET_COMMITTEE_SIZE: 4\nINITIAL_ACTIVE_SHARDS: 16\n";
        let config = ChainConfig::preset(PresetName::Mainnet)
            .with_overrides_yaml(overrides)
            .unwrap();
        run_honest_chain::<MainnetEthSpec>(&run, config);
    }
}
