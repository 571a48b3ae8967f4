//! The beacon chain state transition function (`state_transition`): slots, the block's
//! signature, the block, the state root, on a copy of the state that is returned only if the
//! whole block is valid.

use primitives::types::{BeaconState, Root, SignedBeaconBlock};
use primitives::{ChainConfig, EthSpec};
use tree_hash::TreeHash;

use crate::per_block::{BlockProcessingError, process_block};
use crate::per_slot::{SlotProcessingError, process_slots};
use crate::signatures::{
    SignatureBatch, SignatureInvalid, VerifySignatures, block_proposal_signature_set,
};

/// How [`state_transition`] checks the block's signatures.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SignatureStrategy {
    /// Collect the proposer's and every other signature of the block into one batch, verified
    /// once after the block is processed.
    #[default]
    Batch,
    /// Verify each signature when it is met.
    Individually,
    /// Check no signature (they were verified already, or BLS is off).
    Skip,
}

/// Why a block cannot be applied to a state.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StateTransitionError {
    /// The state could not be advanced to the block's slot.
    #[error("slot processing: {0}")]
    Slots(#[from] SlotProcessingError),
    /// The proposer's signature of the block is refused.
    #[error("block signature: {0}")]
    BlockSignatureInvalid(SignatureInvalid),
    /// The block is invalid.
    #[error("block: {0}")]
    Block(#[from] BlockProcessingError),
    /// The block's signature batch does not verify: at least one of its signatures is bad.
    #[error("the batch of {sets} signature sets of the block does not verify")]
    SignatureBatchInvalid {
        /// The number of sets in the batch.
        sets: usize,
    },
    /// The block's state root is not the root of the state it leads to.
    #[error("block state root {block} is not the post-state root {computed}")]
    StateRootMismatch {
        /// The block's `state_root`.
        block: Root,
        /// The root of the state after the block.
        computed: Root,
    },
}

impl StateTransitionError {
    /// Whether the block's sender is at fault, as opposed to a state this node could not
    /// process.
    pub fn is_bad_data(&self) -> bool {
        match self {
            Self::Slots(e) => e.is_bad_data(),
            Self::Block(e) => e.is_bad_data(),
            Self::BlockSignatureInvalid(_)
            | Self::SignatureBatchInvalid { .. }
            | Self::StateRootMismatch { .. } => true,
        }
    }
}

/// `verify_block_signature`: the block is signed by the validator it names as proposer, under
/// `DOMAIN_BEACON_PROPOSER` of the block's epoch.
pub fn verify_block_signature<E: EthSpec>(
    state: &BeaconState<E>,
    signed_block: &SignedBeaconBlock<E>,
    config: &ChainConfig,
) -> Result<(), SignatureInvalid> {
    VerifySignatures::Individually
        .check(|| block_proposal_signature_set(state, signed_block, config))
}

/// `state_transition`: advances a copy of `state` to the block's slot, checks the proposer's
/// signature (if `validate_result`), processes the block, and checks the block's state root
/// (if `validate_result`). Returns the post-state; `state` itself is never changed.
///
/// With [`SignatureStrategy::Batch`] the proposer's signature joins the block's other
/// signatures in one batch, verified once after the block; with `validate_result` false the
/// proposer's signature and the state root are not checked, as in the spec (a proposer uses
/// this to compute the state root of the block it builds).
pub fn state_transition<E: EthSpec>(
    state: &BeaconState<E>,
    signed_block: &SignedBeaconBlock<E>,
    strategy: SignatureStrategy,
    validate_result: bool,
    config: &ChainConfig,
) -> Result<BeaconState<E>, StateTransitionError> {
    state_transition_counted(state, signed_block, strategy, validate_result, config)
        .map(|transition| transition.post_state)
}

/// The result of [`state_transition_counted`].
#[derive(Debug, Clone, PartialEq)]
pub struct Transition<E: EthSpec> {
    /// The post-state.
    pub post_state: BeaconState<E>,
    /// How many signature sets were verified: those of the batch with
    /// [`SignatureStrategy::Batch`], each one met with [`SignatureStrategy::Individually`],
    /// none with [`SignatureStrategy::Skip`].
    pub signature_sets: usize,
}

/// [`state_transition`] that also reports how many signature sets it verified.
pub fn state_transition_counted<E: EthSpec>(
    state: &BeaconState<E>,
    signed_block: &SignedBeaconBlock<E>,
    strategy: SignatureStrategy,
    validate_result: bool,
    config: &ChainConfig,
) -> Result<Transition<E>, StateTransitionError> {
    let block = &signed_block.message;
    let mut post = state.clone();
    process_slots(&mut post, block.slot, config)?;

    let mut batch = SignatureBatch::new();
    let mut individually = 0usize;
    {
        let mut verify = match strategy {
            SignatureStrategy::Batch => VerifySignatures::Batch(&mut batch),
            SignatureStrategy::Individually => VerifySignatures::Counted(&mut individually),
            SignatureStrategy::Skip => VerifySignatures::Skip,
        };
        if validate_result {
            verify
                .check(|| block_proposal_signature_set(&post, signed_block, config))
                .map_err(StateTransitionError::BlockSignatureInvalid)?;
        }
        process_block(&mut post, block, &mut verify, config)?;
    }
    if !batch.verify() {
        return Err(StateTransitionError::SignatureBatchInvalid { sets: batch.len() });
    }

    if validate_result {
        let computed = post.tree_hash_root();
        if block.state_root != computed {
            return Err(StateTransitionError::StateRootMismatch {
                block: block.state_root,
                computed,
            });
        }
    }
    Ok(Transition {
        post_state: post,
        signature_sets: batch.len().saturating_add(individually),
    })
}
