//! The operation pool: voluntary exits and slashings waiting for a block. Operations are kept
//! until a block includes them or they no longer apply (the validator is slashed or exiting in
//! the head state); the proposer's block production checks each against its pre-state.

use primitives::EthSpec;
use primitives::types::{AttesterSlashing, BeaconState, ProposerSlashing, SignedVoluntaryExit};

use crate::chain::FAR_FUTURE_EPOCH;

/// Exits and slashings seen, not yet included.
#[derive(Debug, Clone)]
pub struct OperationPool<E: EthSpec> {
    /// Signed voluntary exits.
    pub voluntary_exits: Vec<SignedVoluntaryExit>,
    /// Proposer slashings.
    pub proposer_slashings: Vec<ProposerSlashing>,
    /// Attester slashings.
    pub attester_slashings: Vec<AttesterSlashing<E>>,
}

impl<E: EthSpec> Default for OperationPool<E> {
    fn default() -> Self {
        Self {
            voluntary_exits: Vec::new(),
            proposer_slashings: Vec::new(),
            attester_slashings: Vec::new(),
        }
    }
}

impl<E: EthSpec> OperationPool<E> {
    /// Drops the operations that no longer apply to `head_state`: exits of validators already
    /// exiting, slashings of validators already slashed.
    pub fn prune(&mut self, head_state: &BeaconState<E>) {
        let validator = |index: u64| {
            usize::try_from(index)
                .ok()
                .and_then(|i| head_state.validators.get(i))
        };
        self.voluntary_exits.retain(|exit| {
            validator(exit.message.validator_index)
                .is_some_and(|v| v.exit_epoch == FAR_FUTURE_EPOCH)
        });
        self.proposer_slashings.retain(|slashing| {
            validator(slashing.signed_header_1.message.proposer_index).is_some_and(|v| !v.slashed)
        });
        self.attester_slashings.retain(|slashing| {
            slashing
                .attestation_1
                .attesting_indices
                .iter()
                .any(|index| validator(*index).is_some_and(|v| !v.slashed))
        });
    }
}
