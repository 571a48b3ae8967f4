//! The light client committee's duty (`phase1/validator.md`, "Light client committee"): each
//! slot, the committee members held sign the head block root, and their votes, aggregated,
//! wait in the light client pool for the next slot's proposer.

use beacon::accessors::get_light_client_committee;
use beacon::duties::{
    get_aggregate_light_client_signature, get_light_client_vote_data, sign_light_client_block_root,
};
use primitives::EthSpec;
use primitives::math::compute_epoch_at_slot;
use primitives::types::{LightClientVote, Slot};
use storage::Store;
use tracing::debug;

use super::{DutyFailed, ValidatorClient, fail};
use crate::service::NodeChains;

impl ValidatorClient {
    /// The light client votes of `slot`: every member held of the light client committee of
    /// the next slot's epoch (the committee whose bits the next block carries, so the
    /// aggregate also holds across a committee period's boundary) signs the head block root
    /// as `process_light_client_aggregate` checks it. The aggregate of their votes goes to the
    /// light client pool.
    pub fn vote_light_client<E: EthSpec, S: Store>(
        &self,
        chains: &mut NodeChains<E, S>,
        slot: Slot,
    ) -> Result<(), DutyFailed> {
        let config = chains.beacon.config().clone();
        let state = chains.beacon.head_state_at(slot).map_err(fail)?;
        let inclusion_epoch =
            compute_epoch_at_slot(slot.saturating_add(1), &config).map_err(fail)?;
        let committee =
            get_light_client_committee(&state, inclusion_epoch, &config).map_err(fail)?;
        let data = get_light_client_vote_data(slot, chains.beacon.head().block_root);
        let mut votes: Vec<LightClientVote<E>> = Vec::new();
        for (bit, member) in committee.iter().enumerate() {
            let Some((key, _)) = self.key(*member) else {
                continue;
            };
            let mut vote = LightClientVote::<E> {
                data: data.clone(),
                ..LightClientVote::default()
            };
            vote.aggregation_bits.set(bit, true).map_err(|_| {
                fail(format!(
                    "light client committee of {} members is longer than its bits",
                    committee.len()
                ))
            })?;
            vote.signature =
                sign_light_client_block_root(&state, &data, &key, &config).map_err(fail)?;
            votes.push(vote);
        }
        let Some(first) = votes.first() else {
            return Ok(());
        };
        let mut aggregate = LightClientVote::<E> {
            data: data.clone(),
            aggregation_bits: first.aggregation_bits.clone(),
            signature: get_aggregate_light_client_signature(&votes).map_err(fail)?,
        };
        for vote in votes.iter().skip(1) {
            aggregate.aggregation_bits = aggregate.aggregation_bits.union(&vote.aggregation_bits);
        }
        debug!(slot, signers = votes.len(), "light client votes aggregated");
        chains.beacon.light_client_pool.insert(aggregate);
        Ok(())
    }
}
