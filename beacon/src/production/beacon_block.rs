//! The beacon block proposer's block (`phase0/validator.md` "Block proposal", with the phase 1
//! fields of `phase1/validator.md`): attestations valid for inclusion, the shard transitions
//! their committees reached 2/3 for, the light client aggregate, the eth1 vote, and the state
//! root of the block's post-state.

use primitives::bls::SecretKey;
use primitives::math::compute_epoch_at_slot;
use primitives::types::{
    Attestation, AttesterSlashing, BeaconBlock, BeaconBlockBody, BeaconState, Bytes32, Deposit,
    Eth1Data, LightClientVote, ProposerSlashing, Root, Shard, ShardTransition, SignatureBytes,
    SignedBeaconBlock, SignedVoluntaryExit, Slot,
};
use primitives::{ChainConfig, EthSpec};
use ssz_types::{FixedVector, VariableList};
use tree_hash::TreeHash;
use typenum::Unsigned;

use super::ProductionError;
use crate::BeaconStateError;
use crate::accessors::{
    CommitteeCaches, compute_previous_slot, get_beacon_proposer_index, get_committee_count_per_slot,
};
use crate::duties::{get_eth1_vote, sign_block};
use crate::per_block::{
    OperationError, check_shard_transition, get_shard_winning_roots, is_on_time_attestation,
    process_block, process_light_client_aggregate, validate_attestation,
};
use crate::per_slot::process_slots;
use crate::signatures::VerifySignatures;

/// What the proposer brings to a block besides the state: its RANDAO reveal and the pools of
/// operations and votes it has seen. Everything is filtered or chosen by [`produce_block`].
#[derive(Debug, Clone, Copy)]
pub struct BlockInputs<'a, E: EthSpec> {
    /// `get_epoch_signature` of the block's slot ([`sign_epoch`](crate::duties::sign_epoch)).
    pub randao_reveal: SignatureBytes,
    /// Free bytes of the proposer's choosing.
    pub graffiti: Bytes32,
    /// The candidate eth1 votes, oldest first, for [`get_eth1_vote`].
    pub eth1_candidates: &'a [Eth1Data],
    /// The deposits from the state's `eth1_deposit_index` on, in order, with their proofs
    /// against the eth1 data the block will leave in the state.
    pub deposits: &'a [Deposit],
    /// Aggregated attestations seen on the network. Those valid for inclusion at the block's
    /// slot (their signatures checked) are included, up to `MAX_ATTESTATIONS`, in this order.
    pub attestations: &'a [Attestation<E>],
    /// The full shard transitions whose roots the attestations carry (the
    /// `FullAttestationData` of the network), looked up by root.
    pub shard_transitions: &'a [ShardTransition<E>],
    /// Aggregated light client votes; the best one for the previous slot is included
    /// (`get_best_light_client_aggregate`) when block processing accepts it.
    pub light_client_aggregates: &'a [LightClientVote<E>],
    /// Proposer slashings already checked against the state, up to `MAX_PROPOSER_SLASHINGS`.
    pub proposer_slashings: &'a [ProposerSlashing],
    /// Attester slashings already checked against the state, up to `MAX_ATTESTER_SLASHINGS`.
    pub attester_slashings: &'a [AttesterSlashing<E>],
    /// Voluntary exits already checked against the state, up to `MAX_VOLUNTARY_EXITS`.
    pub voluntary_exits: &'a [SignedVoluntaryExit],
}

impl<E: EthSpec> BlockInputs<'_, E> {
    /// Inputs with only a RANDAO reveal: an empty block that votes for the state's eth1 data.
    pub fn new(randao_reveal: SignatureBytes) -> Self {
        Self {
            randao_reveal,
            graffiti: Bytes32::ZERO,
            eth1_candidates: &[],
            deposits: &[],
            attestations: &[],
            shard_transitions: &[],
            light_client_aggregates: &[],
            proposer_slashings: &[],
            attester_slashings: &[],
            voluntary_exits: &[],
        }
    }
}

/// A produced block, unsigned, and the state it leads to.
#[derive(Debug, Clone, PartialEq)]
pub struct ProducedBlock<E: EthSpec> {
    /// The block, its `state_root` filled in.
    pub block: BeaconBlock<E>,
    /// The state after the block (`state_transition` of the pre-state and the block).
    pub post_state: BeaconState<E>,
}

/// Builds the honest block at `slot` on `pre_state` (the state of the parent block, at or
/// before `slot`): advances a copy to `slot`, names the slot's proposer and the parent, takes
/// the eth1 vote, the owed deposits, the attestations valid for inclusion, the shard
/// transitions they crosslink (an empty transition for every other shard), the best light
/// client aggregate and the given operations, then computes the state root by running
/// `process_block` with signatures skipped.
///
/// On-time attestations whose winning shard transition is not among `inputs.shard_transitions`
/// are left out, since the block could not carry their crosslink.
pub fn produce_block<E: EthSpec>(
    pre_state: &BeaconState<E>,
    slot: Slot,
    inputs: &BlockInputs<'_, E>,
    config: &ChainConfig,
) -> Result<ProducedBlock<E>, ProductionError> {
    let mut state = pre_state.clone();
    if state.slot != slot {
        process_slots(&mut state, slot, config)?;
    }
    let eth1_data = get_eth1_vote(&state, inputs.eth1_candidates);
    let deposits = owed_deposits(&state, &eth1_data, inputs.deposits, config)?;
    let mut committees = CommitteeCaches::new();
    let mut attestations =
        select_attestations(&state, inputs.attestations, &mut committees, config)?;
    let shard_transitions = choose_shard_transitions(
        &state,
        &mut attestations,
        inputs.shard_transitions,
        &mut committees,
        config,
    )?;
    let mut block = BeaconBlock {
        slot,
        proposer_index: get_beacon_proposer_index(&state, config)?,
        parent_root: state.latest_block_header.tree_hash_root(),
        state_root: Root::ZERO,
        body: BeaconBlockBody {
            randao_reveal: inputs.randao_reveal,
            eth1_data,
            graffiti: inputs.graffiti,
            proposer_slashings: bounded(inputs.proposer_slashings, "proposer_slashings")?,
            attester_slashings: bounded(inputs.attester_slashings, "attester_slashings")?,
            attestations: bounded(&attestations, "attestations")?,
            deposits: bounded(deposits, "deposits")?,
            voluntary_exits: bounded(inputs.voluntary_exits, "voluntary_exits")?,
            shard_transitions,
            ..BeaconBlockBody::default()
        },
    };
    let light_client = get_best_light_client_aggregate(&block, inputs.light_client_aggregates);
    block.body.light_client_bits = light_client.aggregation_bits;
    block.body.light_client_signature = light_client.signature;
    if !light_client_aggregate_is_valid(&state, &block.body, config)? {
        // An aggregate block processing refuses (votes signed over the whole vote data as
        // `validator.md` says, see `duties::light_client`, or bits of another period's
        // committee): the block carries the empty aggregate instead.
        let empty = LightClientVote::<E>::default();
        block.body.light_client_bits = empty.aggregation_bits;
        block.body.light_client_signature = empty.signature;
    }

    let mut post_state = state;
    process_block(&mut post_state, &block, &mut VerifySignatures::Skip, config)?;
    block.state_root = post_state.tree_hash_root();
    Ok(ProducedBlock { block, post_state })
}

/// [`produce_block`] with the RANDAO reveal and the block signed by `key` (the slot's
/// proposer's): the proposer's whole duty. `inputs.randao_reveal` is replaced.
pub fn propose_block<E: EthSpec>(
    pre_state: &BeaconState<E>,
    slot: Slot,
    key: &SecretKey,
    inputs: &BlockInputs<'_, E>,
    config: &ChainConfig,
) -> Result<(SignedBeaconBlock<E>, BeaconState<E>), ProductionError> {
    let inputs = BlockInputs {
        randao_reveal: crate::duties::sign_epoch(pre_state, slot, key, config)?,
        ..*inputs
    };
    let produced = produce_block(pre_state, slot, &inputs, config)?;
    let signed = sign_beacon_block(&produced.post_state, produced.block, key, config)?;
    Ok((signed, produced.post_state))
}

/// `block` with the proposer's signature (`get_block_signature`), the domain read from `state`.
pub fn sign_beacon_block<E: EthSpec>(
    state: &BeaconState<E>,
    block: BeaconBlock<E>,
    key: &SecretKey,
    config: &ChainConfig,
) -> Result<SignedBeaconBlock<E>, ProductionError> {
    let signature = sign_block(state, &block, key, config)?;
    Ok(SignedBeaconBlock {
        message: block,
        signature,
    })
}

/// `get_best_light_client_aggregate`: among the aggregates of the previous slot's vote for
/// the block's parent, the one with the most signers, ties broken by the larger
/// `hash_tree_root`; without any, the empty `LightClientVote()`.
pub fn get_best_light_client_aggregate<E: EthSpec>(
    block: &BeaconBlock<E>,
    aggregates: &[LightClientVote<E>],
) -> LightClientVote<E> {
    let previous_slot = compute_previous_slot(block.slot);
    aggregates
        .iter()
        .filter(|a| a.data.slot == previous_slot && a.data.beacon_block_root == block.parent_root)
        .max_by_key(|a| {
            let signers = a.aggregation_bits.iter().filter(|bit| *bit).count();
            (signers, a.tree_hash_root())
        })
        .cloned()
        .unwrap_or_default()
}

/// The deposits the block must carry: `min(MAX_DEPOSITS, deposit_count - eth1_deposit_index)`
/// of the eth1 data the block leaves in the state (its own vote may adopt `vote`).
fn owed_deposits<'a, E: EthSpec>(
    state: &BeaconState<E>,
    vote: &Eth1Data,
    deposits: &'a [Deposit],
    config: &ChainConfig,
) -> Result<&'a [Deposit], ProductionError> {
    let period_slots = config
        .epochs_per_eth1_voting_period
        .checked_mul(config.slots_per_epoch)
        .ok_or(BeaconStateError::Overflow {
            what: "EPOCHS_PER_ETH1_VOTING_PERIOD * SLOTS_PER_EPOCH",
        })?;
    let votes = state
        .eth1_data_votes
        .iter()
        .filter(|v| *v == vote)
        .count()
        .saturating_add(1) as u64;
    let eth1_data = if votes.saturating_mul(2) > period_slots {
        vote
    } else {
        &state.eth1_data
    };
    let expected = eth1_data
        .deposit_count
        .saturating_sub(state.eth1_deposit_index)
        .min(config.max_deposits)
        .min(E::MaxDeposits::to_u64());
    usize::try_from(expected)
        .ok()
        .and_then(|n| deposits.get(..n))
        .ok_or(ProductionError::MissingDeposits {
            expected,
            given: deposits.len(),
        })
}

/// The candidates valid for inclusion in a block at the state's slot, signatures checked,
/// without duplicates, at most `MAX_ATTESTATIONS`.
fn select_attestations<E: EthSpec>(
    state: &BeaconState<E>,
    candidates: &[Attestation<E>],
    committees: &mut CommitteeCaches,
    config: &ChainConfig,
) -> Result<Vec<Attestation<E>>, ProductionError> {
    let mut chosen: Vec<Attestation<E>> = Vec::new();
    for attestation in candidates {
        if chosen.len() >= E::MaxAttestations::to_usize() {
            break;
        }
        if chosen.contains(attestation) {
            continue;
        }
        let mut verify = VerifySignatures::Individually;
        match validate_attestation(state, attestation, committees, &mut verify, config) {
            Ok(()) => chosen.push(attestation.clone()),
            Err(OperationError::Invalid(_)) => {}
            Err(OperationError::State(error)) => return Err(error.into()),
        }
    }
    Ok(chosen)
}

/// The block's `MAX_SHARDS` shard transitions ("Shard transitions" of `phase1/validator.md`):
/// `full_transitions[winning_root]` for each shard whose committee of the previous slot
/// reached 2/3 in `attestations`, empty elsewhere. An on-time attestation whose winning
/// transition is unknown, or one `apply_shard_transition` refuses on this state, is dropped
/// and the vote counted again without it: committees can reach 2/3 for a transition the
/// chain cannot take (shard blocks built on another beacon block than the chain's at their
/// slot), and carrying it would make the whole block invalid.
fn choose_shard_transitions<E: EthSpec>(
    state: &BeaconState<E>,
    attestations: &mut Vec<Attestation<E>>,
    full_transitions: &[ShardTransition<E>],
    committees: &mut CommitteeCaches,
    config: &ChainConfig,
) -> Result<FixedVector<ShardTransition<E>, E::MaxShards>, ProductionError> {
    let epoch = compute_epoch_at_slot(compute_previous_slot(state.slot), config)
        .map_err(BeaconStateError::from)?;
    // Each round either succeeds or drops a winning root, of which there is at most one per
    // committee.
    let rounds = get_committee_count_per_slot(state, epoch, config)?.saturating_add(1);
    for _ in 0..rounds {
        let (shards, roots) = get_shard_winning_roots(state, attestations, committees, config)?;
        let mut transitions = vec![ShardTransition::<E>::default(); E::MaxShards::to_usize()];
        let mut left_out = None;
        for (shard, root) in shards.into_iter().zip(roots) {
            let full = full_transitions.iter().find(|t| t.tree_hash_root() == root);
            let entry = usize::try_from(shard)
                .ok()
                .and_then(|i| transitions.get_mut(i))
                .ok_or(BeaconStateError::UnknownShard {
                    shard,
                    count: E::MaxShards::to_u64(),
                })?;
            match full {
                Some(full) if transition_applies(state, shard, full, config)? => {
                    *entry = full.clone();
                }
                _ => {
                    left_out = Some(root);
                    break;
                }
            }
        }
        let Some(root) = left_out else {
            return FixedVector::new(transitions).map_err(|_| {
                BeaconStateError::ListFull {
                    what: "shard_transitions",
                }
                .into()
            });
        };
        attestations.retain(|a| {
            !(is_on_time_attestation(state, &a.data) && a.data.shard_transition_root == root)
        });
    }
    Err(BeaconStateError::Overflow {
        what: "rounds of shard transition choice",
    }
    .into())
}

/// Whether `apply_shard_transition` accepts `transition` for `shard` on `state` (at the
/// block's slot), its proposers' aggregate signature checked. A shard block older than the
/// state's block roots history cannot be checked, so neither can the block carry it.
fn transition_applies<E: EthSpec>(
    state: &BeaconState<E>,
    shard: Shard,
    transition: &ShardTransition<E>,
    config: &ChainConfig,
) -> Result<bool, ProductionError> {
    let mut verify = VerifySignatures::Individually;
    match check_shard_transition(state, shard, transition, &mut verify, config) {
        Ok(_) => Ok(true),
        Err(OperationError::Invalid(_))
        | Err(OperationError::State(BeaconStateError::SlotOutOfRange { .. })) => Ok(false),
        Err(OperationError::State(error)) => Err(error.into()),
    }
}

/// Whether `process_light_client_aggregate` accepts the body's light client aggregate, its
/// signature checked, on `state` (at the block's slot). The empty aggregate is always valid
/// and is not checked.
fn light_client_aggregate_is_valid<E: EthSpec>(
    state: &BeaconState<E>,
    body: &BeaconBlockBody<E>,
    config: &ChainConfig,
) -> Result<bool, ProductionError> {
    if !body.light_client_bits.iter().any(|bit| bit) {
        return Ok(true);
    }
    let mut scratch = state.clone();
    let mut verify = VerifySignatures::Individually;
    match process_light_client_aggregate(&mut scratch, body, &mut verify, config) {
        Ok(()) => Ok(true),
        Err(OperationError::Invalid(_)) => Ok(false),
        Err(OperationError::State(error)) => Err(error.into()),
    }
}

/// The first `N` items of `items` as a list of limit `N`.
fn bounded<T: Clone, N: Unsigned>(
    items: &[T],
    what: &'static str,
) -> Result<VariableList<T, N>, ProductionError> {
    let taken = items
        .get(..N::to_usize().min(items.len()))
        .unwrap_or_default();
    VariableList::new(taken.to_vec()).map_err(|_| BeaconStateError::ListFull { what }.into())
}
