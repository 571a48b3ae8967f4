//! Validation of inbound gossip, topic by topic as p2p-interface.md v0.12.3 lists the
//! conditions, and import of what passes. Every object goes through the chain's own checks
//! (for blocks the gossip-verified step then execution with every signature checked), so the
//! verdict is `Accept` only for what the node imported.

use beacon::accessors::{get_beacon_committee, get_committee_count_per_slot};
use beacon::duties::compute_subnet_for_attestation;
use beacon::duties::{aggregate_and_proof_signing_root, is_aggregator, slot_signing_root};
use network::{Topic, Verdict};
use primitives::bls::{PublicKey, Signature};
use primitives::math::compute_epoch_at_slot;
use primitives::types::{
    AttesterSlashing, ProposerSlashing, SignatureBytes, SignedAggregateAndProof, SignedBeaconBlock,
    SignedShardBlock, SignedVoluntaryExit,
};
use primitives::{ChainConfig, EthSpec};
use ssz::Decode;
use storage::Store;
use tracing::debug;
use tree_hash::TreeHash;

use crate::chain::ChainError;
use crate::p2p::published::SubnetAttestation;
use crate::runtime::NodeHandle;
use crate::shards::ShardError;

/// `ATTESTATION_PROPAGATION_SLOT_RANGE`: how many slots an attestation is gossiped for.
const ATTESTATION_PROPAGATION_SLOT_RANGE: u64 = 32;

/// What the node asks of the service after a message.
pub(super) enum Followup<E: EthSpec> {
    /// A block whose parent is unknown: look the parent up by root, then import it again.
    UnknownParent(Box<SignedBeaconBlock<E>>),
}

/// A verdict and what to do next.
pub(super) struct Outcome<E: EthSpec> {
    pub verdict: Verdict,
    pub followup: Option<Followup<E>>,
}

impl<E: EthSpec> From<Verdict> for Outcome<E> {
    fn from(verdict: Verdict) -> Self {
        Self {
            verdict,
            followup: None,
        }
    }
}

/// Validates a message of `topic` and imports it when valid.
pub(super) fn validate<E: EthSpec, S: Store>(
    node: &NodeHandle<E, S>,
    topic: Topic,
    ssz: &[u8],
) -> Outcome<E> {
    match topic {
        Topic::BeaconBlock => match SignedBeaconBlock::<E>::from_ssz_bytes(ssz) {
            Ok(block) => beacon_block(node, block),
            Err(_) => Verdict::Reject.into(),
        },
        Topic::BeaconAttestation(subnet) => decoded(ssz, |a| attestation(node, subnet, a)),
        Topic::BeaconAggregateAndProof => decoded(ssz, |a| aggregate(node, a)),
        Topic::ShardBlock(shard) => decoded(ssz, |block: SignedShardBlock<E>| {
            if block.message.shard != shard {
                return Verdict::Reject;
            }
            shard_verdict(node.import_shard_block(block))
        }),
        Topic::ShardTx(shard) => match node.import_transaction(shard, ssz) {
            Ok(_) => Verdict::Accept,
            Err(error) if error.is_bad_data() => {
                debug!(shard, %error, "gossiped transaction rejected");
                Verdict::Reject
            }
            Err(_) => Verdict::Ignore,
        }
        .into(),
        Topic::VoluntaryExit => decoded(ssz, |exit: SignedVoluntaryExit| {
            chain_verdict(node.with_chains_mut(|c| c.beacon.process_voluntary_exit(exit)))
        }),
        Topic::ProposerSlashing => decoded(ssz, |slashing: ProposerSlashing| {
            chain_verdict(node.with_chains_mut(|c| c.beacon.process_proposer_slashing(slashing)))
        }),
        Topic::AttesterSlashing => decoded(ssz, |slashing: AttesterSlashing<E>| {
            chain_verdict(node.with_chains_mut(|c| c.beacon.process_attester_slashing(slashing)))
        }),
    }
}

fn decoded<E: EthSpec, T: Decode>(ssz: &[u8], check: impl FnOnce(T) -> Verdict) -> Outcome<E> {
    match T::from_ssz_bytes(ssz) {
        Ok(object) => check(object).into(),
        Err(_) => Verdict::Reject.into(),
    }
}

fn chain_verdict<T>(result: Result<T, ChainError>) -> Verdict {
    match result {
        Ok(_) => Verdict::Accept,
        Err(
            ChainError::AlreadyKnown(_)
            | ChainError::FutureBlock { .. }
            | ChainError::NotAfterFinalized { .. },
        ) => Verdict::Ignore,
        Err(error) if error.is_bad_data() => {
            debug!(%error, "gossiped message rejected");
            Verdict::Reject
        }
        Err(_) => Verdict::Ignore,
    }
}

fn shard_verdict<T>(result: Result<T, ShardError>) -> Verdict {
    match result {
        Ok(_) => Verdict::Accept,
        Err(error) if error.is_bad_data() => {
            debug!(%error, "gossiped shard block rejected");
            Verdict::Reject
        }
        Err(_) => Verdict::Ignore,
    }
}

/// `beacon_block`: imported through the gossip-verified step and executed with its
/// signatures; a block with an unknown parent is ignored and its parent looked up.
fn beacon_block<E: EthSpec, S: Store>(
    node: &NodeHandle<E, S>,
    block: SignedBeaconBlock<E>,
) -> Outcome<E> {
    match node.import_beacon_block(block.clone()) {
        Err(ChainError::UnknownParent { .. }) => Outcome {
            verdict: Verdict::Ignore,
            followup: Some(Followup::UnknownParent(Box::new(block))),
        },
        result => chain_verdict(result).into(),
    }
}

/// Whether `slot` is within the propagation range of the current slot.
fn in_range<E: EthSpec, S: Store>(node: &NodeHandle<E, S>, slot: u64) -> bool {
    let current = node.current_slot().unwrap_or(0);
    slot <= current && slot.saturating_add(ATTESTATION_PROPAGATION_SLOT_RANGE) >= current
}

/// `beacon_attestation_{subnet_id}`: the transition matching the signed root, the right
/// subnet, in range, exactly one signer, a known block, then the signature (the chain's
/// attestation check); the transition is kept for block proposals.
fn attestation<E: EthSpec, S: Store>(
    node: &NodeHandle<E, S>,
    subnet: u64,
    message: SubnetAttestation<E>,
) -> Verdict {
    let SubnetAttestation {
        attestation,
        shard_transition,
    } = message;
    if shard_transition.tree_hash_root() != attestation.data.shard_transition_root {
        return Verdict::Reject;
    }
    let data = &attestation.data;
    if !in_range(node, data.slot) {
        return Verdict::Ignore;
    }
    if attestation.aggregation_bits.num_set_bits() != 1 {
        return Verdict::Reject;
    }
    let config = node.config().clone();
    let expected = node.with_beacon(|chain| {
        let state = chain.state_of_block(&data.beacon_block_root).ok()?;
        let epoch = compute_epoch_at_slot(data.slot, &config).ok()?;
        let committees = get_committee_count_per_slot(&*state, epoch, &config).ok()?;
        compute_subnet_for_attestation(committees, data.slot, data.index, &config).ok()
    });
    match expected {
        None => return Verdict::Ignore,
        Some(expected) if expected != subnet => return Verdict::Reject,
        Some(_) => {}
    }
    chain_verdict(node.with_chains_mut(|c| {
        c.beacon.process_attestation(attestation)?;
        c.beacon
            .attestation_pool
            .insert_transition(shard_transition);
        Ok(())
    }))
}

/// `beacon_aggregate_and_proof`: in range, a non-empty aggregate of a known block, an
/// aggregator of the committee selected by a valid selection proof, a valid aggregator
/// signature, then the aggregate's own signature (the chain's aggregate check).
fn aggregate<E: EthSpec, S: Store>(
    node: &NodeHandle<E, S>,
    signed: SignedAggregateAndProof<E>,
) -> Verdict {
    let message = &signed.message;
    let data = &message.aggregate.data;
    if !in_range(node, data.slot) {
        return Verdict::Ignore;
    }
    if message.aggregate.aggregation_bits.num_set_bits() == 0 {
        return Verdict::Reject;
    }
    let config = node.config().clone();
    let checked = node.with_beacon(|chain| -> Option<bool> {
        let mut state = (*chain.state_of_block(&data.beacon_block_root).ok()?).clone();
        if state.slot < data.slot {
            beacon::per_slot::process_slots(&mut state, data.slot, &config).ok()?;
        }
        Some(aggregator_valid(&state, &signed, &config))
    });
    match checked {
        None => Verdict::Ignore,
        Some(false) => Verdict::Reject,
        Some(true) => chain_verdict(
            node.with_chains_mut(|c| c.beacon.process_aggregate(signed.message.aggregate)),
        ),
    }
}

fn verify(
    pubkey: &primitives::types::PublicKeyBytes,
    signature: &SignatureBytes,
    root: primitives::types::Root,
) -> bool {
    let (Ok(key), Ok(signature)) = (
        PublicKey::from_bytes(pubkey),
        Signature::from_bytes(signature),
    ) else {
        return false;
    };
    signature.verify(&key, root)
}

/// The aggregator is in the committee, selected by its proof, and signed the message.
fn aggregator_valid<E: EthSpec>(
    state: &primitives::types::BeaconState<E>,
    signed: &SignedAggregateAndProof<E>,
    config: &ChainConfig,
) -> bool {
    let message = &signed.message;
    let data = &message.aggregate.data;
    let Ok(committee) = get_beacon_committee(state, data.slot, data.index, config) else {
        return false;
    };
    if !committee.contains(&message.aggregator_index) {
        return false;
    }
    if !matches!(
        is_aggregator(
            state,
            data.slot,
            data.index,
            &message.selection_proof,
            config
        ),
        Ok(true)
    ) {
        return false;
    }
    let Some(validator) = usize::try_from(message.aggregator_index)
        .ok()
        .and_then(|i| state.validators.get(i))
    else {
        return false;
    };
    let (Ok(selection), Ok(signing)) = (
        slot_signing_root(state, data.slot, config),
        aggregate_and_proof_signing_root(state, message, config),
    ) else {
        return false;
    };
    verify(
        &validator.pubkey,
        &message.selection_proof,
        selection.signing_root,
    ) && verify(&validator.pubkey, &signed.signature, signing.signing_root)
}
