//! The validator client inside the node: keys held in memory, the duties of each slot, and
//! slashing protection before every signature.
//!
//! A slot's duties, in the order the runtime calls them:
//! - at the slot start, [`ValidatorClient::propose_beacon_block`] (the block with the pool's
//!   best aggregates and the shard transitions they crosslink) then
//!   [`ValidatorClient::propose_shard_blocks`] (a block on each tracked shard whose slot is an
//!   offset slot, with transactions from the mempool and the claims of released receipts);
//! - at 1/3 of the slot, [`ValidatorClient::attest`] then
//!   [`ValidatorClient::vote_light_client`] (the light client committee's vote);
//! - at 2/3 of the slot, [`ValidatorClient::aggregate`].
//!
//! Every block and attestation is first checked and recorded by the [`SlashingDatabase`]; a
//! refused one is logged and not signed. Validators of one committee may sit on different
//! nodes: each node aggregates for a committee only through a member selected by its
//! selection proof (`is_aggregator`), from the attestations its pool gathered (its own and
//! those its peers gossiped). Everything signed goes to [`NodeChains::outbox`] for the
//! network.

mod light_client;

use std::collections::HashMap;
use std::sync::Arc;

use parking_lot::RwLock;

use beacon::accessors::{
    compute_offset_slots, compute_shard_from_committee_index, get_beacon_committee,
    get_beacon_proposer_index, get_committee_count_per_slot, get_current_epoch,
    get_latest_slot_for_shard,
};
use beacon::duties::{
    attestation_signing_root, block_signing_root, compute_subnet_for_attestation,
    get_aggregate_and_proof, get_attestation_data, get_unaggregated_attestation, is_aggregator,
    shard_block_signing_root, sign_aggregate_and_proof, sign_epoch, sign_slot,
};
use beacon::production::{
    BlockInputs, get_beacon_parent_root, get_shard_block_proposer, produce_block,
    produce_shard_block,
};
use crosslink::BeaconReceiptVerifier;
use primitives::EthSpec;
use primitives::bls::SecretKey;
use primitives::math::compute_epoch_at_slot;
use primitives::types::{
    AttestationData, BeaconState, Bytes32, PublicKeyBytes, Shard, SignedAggregateAndProof,
    SignedBeaconBlock, SignedShardBlock, Slot, ValidatorIndex,
};
use shard::build_payload_with_claims;
use shard::payload::{ClaimLeftOut, PayloadLimits};
use ssz::Encode;
use storage::Store;
use storage::slashing_protection::SlashingDatabase;
use tracing::{debug, warn};
use tree_hash::TreeHash;

use crate::chain::BeaconChain;
use crate::chain::eth1::block_eth1_inputs;
use crate::p2p::Published;
use crate::service::NodeChains;

/// The attestation subnet of `data`'s committee, from the state of its block.
pub(crate) fn subnet_of<E: EthSpec, S: Store>(
    chain: &BeaconChain<E, S>,
    data: &AttestationData,
) -> Option<u64> {
    let config = chain.config();
    let state = chain.state_of_block(&data.beacon_block_root).ok()?;
    let epoch = compute_epoch_at_slot(data.slot, config).ok()?;
    let committees = get_committee_count_per_slot(&*state, epoch, config).ok()?;
    compute_subnet_for_attestation(committees, data.slot, data.index, config).ok()
}

/// Why a duty was not done.
#[derive(Debug, thiserror::Error)]
pub enum DutyFailed {
    /// The chain could not provide the state or accept the result.
    #[error("{0}")]
    Chain(String),
}

fn fail(error: impl std::fmt::Display) -> DutyFailed {
    DutyFailed::Chain(error.to_string())
}

/// The validators of this node: keys by validator index, and their slashing protection.
///
/// Keys can be added and removed while the node runs (the Keymanager API). A key whose
/// validator the chain does not know yet (a deposit still pending) waits among the pending
/// keys and joins the others once a head state lists it. Each duty takes the key it signs
/// with out of the map under a brief read lock.
pub struct ValidatorClient {
    keys: RwLock<HashMap<ValidatorIndex, (Arc<SecretKey>, PublicKeyBytes)>>,
    pending: RwLock<HashMap<PublicKeyBytes, Arc<SecretKey>>>,
    slashing_protection: SlashingDatabase,
    graffiti: Bytes32,
}

impl ValidatorClient {
    /// The client of `keys`, indexed by their validators in `state` (keys of validators it
    /// does not list wait among the pending keys), registered with `slashing_protection`.
    pub fn new<E: EthSpec>(
        keys: Vec<SecretKey>,
        state: &BeaconState<E>,
        slashing_protection: SlashingDatabase,
        graffiti: Bytes32,
    ) -> Result<Self, storage::StoreError> {
        let by_pubkey: HashMap<PublicKeyBytes, ValidatorIndex> = state
            .validators
            .iter()
            .zip(0u64..)
            .map(|(v, i)| (v.pubkey, i))
            .collect();
        let mut held = HashMap::new();
        let mut pending = HashMap::new();
        for key in keys {
            let pubkey = key.public_key().to_bytes();
            match by_pubkey.get(&pubkey) {
                Some(index) => {
                    held.insert(*index, (Arc::new(key), pubkey));
                }
                None => {
                    debug!(%pubkey, "key of a validator the chain does not list yet");
                    pending.insert(pubkey, Arc::new(key));
                }
            }
        }
        let pubkeys: Vec<PublicKeyBytes> = held
            .values()
            .map(|(_, pk)| *pk)
            .chain(pending.keys().copied())
            .collect();
        slashing_protection.register_validators(&pubkeys)?;
        Ok(Self {
            keys: RwLock::new(held),
            pending: RwLock::new(pending),
            slashing_protection,
            graffiti,
        })
    }

    /// The number of validators held.
    pub fn len(&self) -> usize {
        self.keys.read().len()
    }

    /// Whether no validator is held.
    pub fn is_empty(&self) -> bool {
        self.keys.read().is_empty()
    }

    /// The public keys held, those waiting for their validator included.
    pub fn pubkeys(&self) -> Vec<PublicKeyBytes> {
        let mut pubkeys: Vec<PublicKeyBytes> = self
            .keys
            .read()
            .values()
            .map(|(_, pubkey)| *pubkey)
            .collect();
        pubkeys.extend(self.pending.read().keys().copied());
        pubkeys
    }

    /// Whether the client holds the key of `pubkey`.
    pub fn holds(&self, pubkey: &PublicKeyBytes) -> bool {
        self.pending.read().contains_key(pubkey)
            || self.keys.read().values().any(|(_, held)| held == pubkey)
    }

    /// Adds `key`, registered with slashing protection first, for the validator at `index`
    /// (or, when the chain does not list it yet, among the pending keys). Returns `false`,
    /// changing nothing, when the key is already held.
    pub fn add_key(
        &self,
        key: SecretKey,
        index: Option<ValidatorIndex>,
    ) -> Result<bool, storage::StoreError> {
        let pubkey = key.public_key().to_bytes();
        if self.holds(&pubkey) {
            return Ok(false);
        }
        self.slashing_protection.register_validator(&pubkey)?;
        match index {
            Some(index) => {
                self.keys.write().insert(index, (Arc::new(key), pubkey));
            }
            None => {
                self.pending.write().insert(pubkey, Arc::new(key));
            }
        }
        Ok(true)
    }

    /// Removes the key of `pubkey`; returns whether it was held. A duty that took the key
    /// before may still be signing with it (the runtime waits for it).
    pub fn remove_key(&self, pubkey: &PublicKeyBytes) -> bool {
        let pending = self.pending.write().remove(pubkey).is_some();
        let mut keys = self.keys.write();
        let before = keys.len();
        keys.retain(|_, (_, held)| held != pubkey);
        pending || keys.len() < before
    }

    /// The key of validator `index`, if held.
    fn key(&self, index: ValidatorIndex) -> Option<(Arc<SecretKey>, PublicKeyBytes)> {
        self.keys
            .read()
            .get(&index)
            .map(|(key, pubkey)| (Arc::clone(key), *pubkey))
    }

    /// Moves the pending keys whose validators `state` lists to the held keys.
    fn activate_pending<E: EthSpec>(&self, state: &BeaconState<E>) {
        if self.pending.read().is_empty() {
            return;
        }
        let mut pending = self.pending.write();
        for (validator, index) in state.validators.iter().zip(0u64..) {
            if let Some(key) = pending.remove(&validator.pubkey) {
                self.keys.write().insert(index, (key, validator.pubkey));
            }
        }
    }

    /// The slashing protection database.
    pub fn slashing_protection(&self) -> &SlashingDatabase {
        &self.slashing_protection
    }

    /// The beacon block proposal of `slot`, if one of ours proposes and no block is at the
    /// slot yet.
    pub fn propose_beacon_block<E: EthSpec, S: Store>(
        &self,
        chains: &mut NodeChains<E, S>,
        slot: Slot,
    ) -> Result<(), DutyFailed> {
        if chains.beacon.head().slot >= slot {
            return Ok(());
        }
        let state = chains.beacon.head_state_at(slot).map_err(fail)?;
        let config = chains.beacon.config().clone();
        let proposer = get_beacon_proposer_index(&state, &config).map_err(fail)?;
        let Some((key, pubkey)) = self.key(proposer) else {
            return Ok(());
        };
        let eth1 = block_eth1_inputs(chains, &state);
        let randao_reveal = sign_epoch(&state, slot, &key, &config).map_err(fail)?;
        let (attestations, transitions) = chains.beacon.attestation_pool.block_candidates();
        // The pool is pruned at finalization only: an operation the head chain has included
        // since (an exit already initiated) would make the block invalid.
        let mut ops = chains.beacon.op_pool.clone();
        ops.prune(&state);
        let inputs = BlockInputs {
            graffiti: self.graffiti,
            attestations: &attestations,
            shard_transitions: &transitions,
            proposer_slashings: &ops.proposer_slashings,
            attester_slashings: &ops.attester_slashings,
            voluntary_exits: &ops.voluntary_exits,
            eth1_candidates: &eth1.candidates,
            deposits: &eth1.deposits,
            light_client_aggregates: chains.beacon.light_client_pool.votes(),
            ..BlockInputs::new(randao_reveal)
        };
        let produced = produce_block(&state, slot, &inputs, &config).map_err(fail)?;
        let signing =
            block_signing_root(&produced.post_state, &produced.block, &config).map_err(fail)?;
        if let Err(refused) = self.slashing_protection.check_and_insert_block_proposal(
            &pubkey,
            slot,
            signing.signing_root,
        ) {
            warn!(
                slot,
                validator = proposer,
                ?refused,
                "beacon block not signed"
            );
            return Ok(());
        }
        let signed = SignedBeaconBlock {
            message: produced.block,
            signature: signing.sign(&key),
        };
        let root = chains.process_beacon_block(signed.clone()).map_err(fail)?;
        chains.outbox.push(Published::BeaconBlock(Box::new(signed)));
        debug!(slot, %root, attestations = attestations.len(), "proposed beacon block");
        Ok(())
    }

    /// The shard block proposals of `slot` on every tracked shard.
    pub fn propose_shard_blocks<E: EthSpec, S: Store>(
        &self,
        chains: &mut NodeChains<E, S>,
        slot: Slot,
    ) -> Result<(), DutyFailed> {
        let shards: Vec<Shard> = chains.shards.keys().copied().collect();
        for shard in shards {
            if let Err(error) = self.propose_shard_block(chains, slot, shard) {
                warn!(slot, shard, %error, "shard block not proposed");
            }
        }
        Ok(())
    }

    fn propose_shard_block<E: EthSpec, S: Store>(
        &self,
        chains: &mut NodeChains<E, S>,
        slot: Slot,
        shard: Shard,
    ) -> Result<(), DutyFailed> {
        let config = chains.beacon.config().clone();
        if shard >= config.initial_active_shards {
            return Ok(());
        }
        let state = chains.beacon.head_state_at(slot).map_err(fail)?;
        let latest = get_latest_slot_for_shard(&state, shard).map_err(fail)?;
        if !compute_offset_slots(latest, slot.saturating_add(1), &config).contains(&slot) {
            return Ok(());
        }
        let proposer = get_shard_block_proposer(&state, shard, &config).map_err(fail)?;
        let Some((key, pubkey)) = self.key(proposer) else {
            return Ok(());
        };
        let beacon_parent_root = get_beacon_parent_root(&state);
        let chain = chains
            .shards
            .get(&shard)
            .ok_or_else(|| fail(format!("shard {shard} not tracked")))?;
        let (pending, parent_root) = chain.pending_blocks(&chains.beacon, &state).map_err(fail)?;
        let parent = chain
            .block(&parent_root)
            .ok_or_else(|| fail(format!("shard parent {parent_root} unknown")))?;
        let context = chain.child_context(&parent_root).map_err(fail)?;
        let mut execution_state = (*parent.execution_state).clone();
        let candidates = chain.mempool().best_transactions(
            execution_state.accounts(),
            PayloadLimits::from_config(&config),
            context.gasprice,
        );
        let claims = chain.pending_claims().to_vec();
        let verifier = BeaconReceiptVerifier::<E, _>::new(&*state);
        let built = build_payload_with_claims(
            &mut execution_state,
            &claims,
            &verifier,
            &candidates,
            &context,
            &config,
        )
        .map_err(fail)?;
        let block = produce_shard_block(
            &state,
            beacon_parent_root,
            shard,
            &pending,
            built.payload.as_ssz_bytes(),
            &config,
        )
        .map_err(fail)?;
        if block.shard_parent_root != parent_root {
            return Err(fail(format!(
                "the block builds on {}, the payload on {parent_root}",
                block.shard_parent_root
            )));
        }
        // Claims that can never be credited (spent, another shard's, a failing proof) go.
        let dead: Vec<_> = built
            .left_out_claims
            .iter()
            .filter(|(_, why)| matches!(why, ClaimLeftOut::Invalid(reason) if reason.is_bad_data()))
            .map(|(key, _)| *key)
            .collect();
        if let Some(chain) = chains.shards.get_mut(&shard) {
            chain.drop_claims(&dead);
        }
        let signing = shard_block_signing_root(&state, &block, &config).map_err(fail)?;
        if let Err(refused) = self
            .slashing_protection
            .check_and_insert_shard_block_proposal(&pubkey, shard, slot, signing.signing_root)
        {
            warn!(
                slot,
                shard,
                validator = proposer,
                ?refused,
                "shard block not signed"
            );
            return Ok(());
        }
        let signed = SignedShardBlock {
            message: block,
            signature: signing.sign(&key),
        };
        let root = chains.process_shard_block(signed.clone()).map_err(fail)?;
        chains.outbox.push(Published::ShardBlock(Box::new(signed)));
        debug!(
            slot,
            shard,
            %root,
            transactions = built.payload.transactions.len(),
            claims = built.payload.receipt_claims.len(),
            "proposed shard block"
        );
        Ok(())
    }

    /// The attestations of `slot`: every committee member held signs the committee's vote,
    /// added to the naive aggregation pool.
    pub fn attest<E: EthSpec, S: Store>(
        &self,
        chains: &mut NodeChains<E, S>,
        slot: Slot,
    ) -> Result<(), DutyFailed> {
        let config = chains.beacon.config().clone();
        let state = chains.beacon.head_state_at(slot).map_err(fail)?;
        self.activate_pending(&state);
        let head_root = chains.beacon.head().block_root;
        let epoch = get_current_epoch(&state, &config).map_err(fail)?;
        let committees = get_committee_count_per_slot(&state, epoch, &config).map_err(fail)?;
        for index in 0..committees {
            let committee = get_beacon_committee(&state, slot, index, &config).map_err(fail)?;
            let ours = committee
                .iter()
                .any(|member| self.keys.read().contains_key(member));
            let shard =
                compute_shard_from_committee_index(&state, index, slot, &config).map_err(fail)?;
            // A committee without our validators still matters for a tracked shard: its
            // full shard transition is what a proposer of ours needs to crosslink it.
            if !ours && !chains.shards.contains_key(&shard) {
                continue;
            }
            let (blocks, shard_head_root) = match chains.shards.get(&shard) {
                Some(chain) => chain.pending_blocks(&chains.beacon, &state).map_err(fail)?,
                None => (
                    Vec::new(),
                    state
                        .shard_states
                        .get(shard as usize)
                        .map(|s| s.latest_block_root)
                        .unwrap_or_default(),
                ),
            };
            let vote =
                get_attestation_data(&state, head_root, index, shard_head_root, &blocks, &config)
                    .map_err(fail)?;
            let signing = attestation_signing_root(&state, &vote.data, &config).map_err(fail)?;
            for member in &committee {
                let Some((key, pubkey)) = self.key(*member) else {
                    continue;
                };
                if let Err(refused) = self.slashing_protection.check_and_insert_attestation(
                    &pubkey,
                    vote.data.source.epoch,
                    vote.data.target.epoch,
                    signing.signing_root,
                ) {
                    warn!(slot, validator = member, ?refused, "attestation not signed");
                    continue;
                }
                let attestation = get_unaggregated_attestation::<E>(
                    vote.data.clone(),
                    &committee,
                    *member,
                    signing.sign(&key),
                )
                .map_err(fail)?;
                chains.beacon.attestation_pool.insert(attestation.clone());
                if let Some(subnet) = subnet_of(&chains.beacon, &attestation.data) {
                    chains.outbox.push(Published::Attestation {
                        subnet,
                        attestation: Box::new(attestation),
                    });
                }
            }
            chains
                .beacon
                .attestation_pool
                .insert_transition(vote.shard_transition);
            debug!(slot, index, shard, root = %vote.data.tree_hash_root(), "attested");
        }
        Ok(())
    }

    /// The aggregation of `slot`: for each committee with a member of ours selected as
    /// aggregator by its selection proof, the pool's best aggregate of the committee's vote is
    /// signed as a `SignedAggregateAndProof`, verified, offered to block proposers, handed to
    /// fork choice and published.
    pub fn aggregate<E: EthSpec, S: Store>(
        &self,
        chains: &mut NodeChains<E, S>,
        slot: Slot,
    ) -> Result<(), DutyFailed> {
        let config = chains.beacon.config().clone();
        let state = chains.beacon.head_state_at(slot).map_err(fail)?;
        let mut aggregates = chains.beacon.attestation_pool.aggregates_at(slot);
        // The fullest aggregate of each committee first.
        aggregates.sort_by_key(|a| {
            (
                a.data.index,
                std::cmp::Reverse(a.aggregation_bits.num_set_bits()),
            )
        });
        let mut done = std::collections::HashSet::new();
        for aggregate in aggregates {
            if done.contains(&aggregate.data.index) {
                continue;
            }
            let committee =
                get_beacon_committee(&state, slot, aggregate.data.index, &config).map_err(fail)?;
            let selected = committee.iter().find_map(|member| {
                let (key, _) = self.key(*member)?;
                let proof = sign_slot(&state, slot, &key, &config).ok()?;
                is_aggregator(&state, slot, aggregate.data.index, &proof, &config)
                    .ok()
                    .filter(|selected| *selected)
                    .map(|_| (*member, key, proof))
            });
            let Some((aggregator, key, proof)) = selected else {
                continue;
            };
            done.insert(aggregate.data.index);
            let message = get_aggregate_and_proof(aggregator, aggregate.clone(), proof);
            let signature =
                sign_aggregate_and_proof(&state, &message, &key, &config).map_err(fail)?;
            if let Err(error) = chains.beacon.process_aggregate(aggregate) {
                warn!(slot, %error, "aggregate refused");
                continue;
            }
            chains
                .outbox
                .push(Published::Aggregate(Box::new(SignedAggregateAndProof {
                    message,
                    signature,
                })));
        }
        Ok(())
    }
}
