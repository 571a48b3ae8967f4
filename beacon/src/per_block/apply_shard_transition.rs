//! `apply_shard_transition`: a shard transition checked against the beacon state (offset
//! slots, proposers, block roots, the proposers' aggregate signature) and stored.

use crosslink::{chain_shard_block_headers, post_shard_state, verify_shard_transition};
use primitives::math::compute_epoch_at_slot;
use primitives::signing::compute_signing_root;
use primitives::types::{BeaconState, Shard, ShardState, ShardTransition, ValidatorIndex};
use primitives::{ChainConfig, EthSpec};

use super::OperationError;
use super::optional_verify::optional_aggregate_verify;
use super::shard_transitions::{Error, ShardTransitionsInvalid};
use crate::accessors::{
    compute_previous_slot, get_block_root_at_slot, get_domain, get_offset_slots,
    get_shard_proposer_index, shard_state,
};
use crate::signatures::VerifySignatures;
use crate::{BeaconStateError, GENESIS_SLOT};

/// `apply_shard_transition` without its write: every check, then the shard state it would
/// store.
pub(crate) fn check_shard_transition<E: EthSpec>(
    state: &BeaconState<E>,
    shard: Shard,
    transition: &ShardTransition<E>,
    verify: &mut VerifySignatures<'_>,
    config: &ChainConfig,
) -> Result<ShardState, Error> {
    // `state.slot > PHASE_1_FORK_SLOT`: the fork slot is GENESIS_SLOT here, as in the spec's
    // vectors, and no slot is below it.
    if state.slot == GENESIS_SLOT {
        return Err(OperationError::Invalid(
            ShardTransitionsInvalid::BeforePhase1 { slot: state.slot },
        ));
    }
    let invalid =
        |reason| OperationError::Invalid(ShardTransitionsInvalid::Transition { shard, reason });
    let offset_slots = get_offset_slots(state, shard, config)?;
    let pre = shard_state(state, shard)?;
    let proposals =
        verify_shard_transition(transition, &offset_slots, pre, config).map_err(invalid)?;
    let mut contexts = Vec::with_capacity(proposals.len());
    for proposal in &proposals {
        let proposer = get_shard_proposer_index(state, proposal.slot, shard, config)?;
        let beacon_parent_root = get_block_root_at_slot(state, proposal.slot)?;
        contexts.push((proposal, proposer, beacon_parent_root));
    }
    let proposers: Vec<ValidatorIndex> = contexts.iter().map(|(_, p, _)| *p).collect();
    let headers = chain_shard_block_headers(shard, pre.latest_block_root, contexts);
    let signing_roots = headers
        .iter()
        .map(|header| {
            let epoch = compute_epoch_at_slot(header.slot, config)?;
            let domain = get_domain(state, config.domain_shard_proposal, Some(epoch), config)?;
            Ok(compute_signing_root(header, domain))
        })
        .collect::<Result<Vec<_>, BeaconStateError>>()?;
    optional_aggregate_verify(
        state,
        &proposers,
        &signing_roots,
        &transition.proposer_signature_aggregate,
        verify,
    )
    .map_err(|reason| {
        OperationError::Invalid(ShardTransitionsInvalid::ProposerSignature { shard, reason })
    })?;
    post_shard_state(transition, compute_previous_slot(state.slot)).map_err(invalid)
}

/// `apply_shard_transition`: checks `transition` against the shard's offset slots, gas prices,
/// proposers and their aggregate signature, then stores its last shard state.
pub fn apply_shard_transition<E: EthSpec>(
    state: &mut BeaconState<E>,
    shard: Shard,
    transition: &ShardTransition<E>,
    verify: &mut VerifySignatures<'_>,
    config: &ChainConfig,
) -> Result<(), Error> {
    let post = check_shard_transition(state, shard, transition, verify, config)?;
    let count = state.shard_states.len() as u64;
    let entry = usize::try_from(shard)
        .ok()
        .and_then(|i| state.shard_states.get_mut(i))
        .ok_or(BeaconStateError::UnknownShard { shard, count })?;
    *entry = post;
    Ok(())
}
