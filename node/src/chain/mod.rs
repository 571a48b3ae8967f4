//! The beacon chain service: block import through verified types, fork choice driven by the
//! clock and by attestations, the head, a cache of the post-states of non-finalized blocks,
//! the attestation and operation pools, persistence in atomic store batches, finality and
//! pruning, and resuming from the store.
//!
//! [`BeaconChain`] is synchronous and single-owner: the node's runtime holds it behind a lock
//! and calls it from one driver. Everything it writes goes through [`Store::write`] batches, so
//! a process killed at any instant restarts from a consistent store.

mod attestation_pool;
mod block_verification;
mod error;
pub mod eth1;
mod light_client_pool;
mod op_pool;
mod persistence;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use beacon::SignatureStrategy;
use beacon::accessors::{get_block_root_at_slot, get_current_epoch, get_indexed_attestation};
use beacon::fork_choice::{ForkChoiceStore, PostStateCheckpoints};
use beacon::per_slot::process_slots;
use beacon::signatures::VerifySignatures;
use primitives::math::compute_epoch_at_slot;
use primitives::types::{
    Attestation, AttesterSlashing, BeaconState, Checkpoint, Gwei, IndexedAttestation,
    ProposerSlashing, Root, SignedBeaconBlock, SignedVoluntaryExit, Slot,
};
use primitives::{ChainConfig, EthSpec};
use storage::{Store, StoreBatch};
use tracing::{debug, info};
use tree_hash::TreeHash;

pub use attestation_pool::AttestationPool;
pub use block_verification::{ExecutedBlock, GossipVerifiedBlock};
pub use error::ChainError;
pub use light_client_pool::LightClientPool;
pub use op_pool::OperationPool;

/// `FAR_FUTURE_EPOCH`.
pub(crate) const FAR_FUTURE_EPOCH: u64 = beacon::FAR_FUTURE_EPOCH;

/// What changed when finality advanced: the node releases cross-shard receipts and marks
/// shard blocks final from it.
#[derive(Debug, Clone)]
pub struct FinalityUpdate<E: EthSpec> {
    /// The finalized checkpoint before.
    pub previous: Checkpoint,
    /// The new finalized checkpoint.
    pub finalized: Checkpoint,
    /// The post-state of the finalized block.
    pub finalized_state: Arc<BeaconState<E>>,
    /// The blocks finalized by this update, oldest first.
    pub newly_finalized: Vec<Arc<SignedBeaconBlock<E>>>,
}

/// The head of the chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Head {
    /// The head block's root.
    pub block_root: Root,
    /// The head block's slot.
    pub slot: Slot,
    /// The head block's state root.
    pub state_root: Root,
}

/// The beacon chain of one node.
pub struct BeaconChain<E: EthSpec, S: Store> {
    config: ChainConfig,
    store: S,
    fork_choice: ForkChoiceStore,
    /// Post-states of the non-finalized blocks and of the finalized block, by block root.
    states: HashMap<Root, Arc<BeaconState<E>>>,
    /// The block root of each cached state, by state root.
    state_roots: HashMap<Root, Root>,
    /// The non-finalized blocks and the finalized block, by root.
    blocks: HashMap<Root, Arc<SignedBeaconBlock<E>>>,
    /// The roots of the finalized chain (every block at or before the finalized block that
    /// the finalized block descends from).
    finalized_chain: HashSet<Root>,
    head: Head,
    finalized: Checkpoint,
    genesis_block_root: Root,
    genesis_state_root: Root,
    /// Aggregates waiting for fork choice (it takes attestations of past slots only).
    queued_attestations: Vec<IndexedAttestation<E>>,
    /// The attestation pool.
    pub attestation_pool: AttestationPool<E>,
    /// The operation pool.
    pub op_pool: OperationPool<E>,
    /// The light client votes.
    pub light_client_pool: LightClientPool<E>,
    /// The head state advanced to a later slot, kept for the duties of that slot.
    advanced: Option<(Root, Slot, Arc<BeaconState<E>>)>,
    /// Blocks verified and imported since start (resumed blocks not counted).
    blocks_imported: u64,
    /// BLS signature sets verified since start: block batches, attestations, operations and
    /// the shard blocks checked against this chain.
    signature_sets_verified: AtomicU64,
}

impl<E: EthSpec, S: Store> BeaconChain<E, S> {
    /// The chain configuration.
    pub fn config(&self) -> &ChainConfig {
        &self.config
    }

    /// The store.
    pub fn store(&self) -> &S {
        &self.store
    }

    /// The fork-choice store.
    pub fn fork_choice(&self) -> &ForkChoiceStore {
        &self.fork_choice
    }

    /// The head.
    pub fn head(&self) -> Head {
        self.head
    }

    /// The head block's post-state.
    pub fn head_state(&self) -> Result<Arc<BeaconState<E>>, ChainError> {
        self.state_of_block(&self.head.block_root)
    }

    /// The finalized checkpoint.
    pub fn finalized_checkpoint(&self) -> &Checkpoint {
        &self.finalized
    }

    /// The justified checkpoint fork choice uses.
    pub fn justified_checkpoint(&self) -> &Checkpoint {
        self.fork_choice.justified_checkpoint()
    }

    /// The genesis block's root.
    pub fn genesis_block_root(&self) -> Root {
        self.genesis_block_root
    }

    /// The genesis state's root.
    pub fn genesis_state_root(&self) -> Root {
        self.genesis_state_root
    }

    /// The post-state of a cached block (non-finalized, or the finalized one).
    pub fn state_of_block(&self, block_root: &Root) -> Result<Arc<BeaconState<E>>, ChainError> {
        self.states
            .get(block_root)
            .cloned()
            .ok_or(ChainError::MissingState(*block_root))
    }

    /// The post-state of block `block_root`: from the cache, else from the store (which
    /// keeps epoch-boundary and finalized states).
    pub fn state_by_block_root(
        &self,
        block_root: &Root,
    ) -> Result<Option<Arc<BeaconState<E>>>, ChainError> {
        if let Some(state) = self.states.get(block_root) {
            return Ok(Some(Arc::clone(state)));
        }
        Ok(self
            .store
            .beacon_state_by_block_root::<E>(block_root)?
            .map(Arc::new))
    }

    /// The state with root `state_root`, if cached or stored.
    pub fn state_by_state_root(
        &self,
        state_root: &Root,
    ) -> Result<Option<Arc<BeaconState<E>>>, ChainError> {
        if let Some(block_root) = self.state_roots.get(state_root) {
            return self.state_by_block_root(block_root);
        }
        Ok(self.store.beacon_state::<E>(state_root)?.map(Arc::new))
    }

    /// The block with root `root`, if cached or stored.
    pub fn block_by_root(
        &self,
        root: &Root,
    ) -> Result<Option<Arc<SignedBeaconBlock<E>>>, ChainError> {
        if let Some(block) = self.blocks.get(root) {
            return Ok(Some(Arc::clone(block)));
        }
        Ok(self.store.beacon_block::<E>(root)?.map(Arc::new))
    }

    /// The root of the canonical block at `slot`, or of the latest one before it when the slot
    /// is empty; `None` after the head. Past the head state's block-root history, only a
    /// finalized block stored at exactly `slot` is found.
    pub fn block_root_at_slot(&self, slot: Slot) -> Result<Option<Root>, ChainError> {
        if slot >= self.head.slot {
            return Ok((slot == self.head.slot).then_some(self.head.block_root));
        }
        let head_state = self.head_state()?;
        if let Ok(root) = get_block_root_at_slot(&head_state, slot) {
            return Ok(Some(root));
        }
        Ok(self
            .store
            .beacon_block_roots_by_slot(slot, slot.saturating_add(1))?
            .into_iter()
            .map(|(_, root)| root)
            .find(|root| self.finalized_chain.contains(root)))
    }

    /// The canonical state at `slot`: the post-state of the canonical block at or before it,
    /// advanced through empty slots. `None` when that state is neither cached nor stored.
    pub fn state_at_slot(&self, slot: Slot) -> Result<Option<Arc<BeaconState<E>>>, ChainError> {
        let block_root = if slot >= self.head.slot {
            Some(self.head.block_root)
        } else {
            self.block_root_at_slot(slot)?
        };
        let Some(block_root) = block_root else {
            return Ok(None);
        };
        let Some(state) = self.state_by_block_root(&block_root)? else {
            return Ok(None);
        };
        if state.slot >= slot {
            return Ok(Some(state));
        }
        let mut advanced = (*state).clone();
        process_slots(&mut advanced, slot, &self.config)?;
        Ok(Some(Arc::new(advanced)))
    }

    /// The head state advanced through empty slots to `slot` (the head state itself when the
    /// head is at `slot`): the state every duty of `slot` reads. Cached for the slot.
    pub fn head_state_at(&mut self, slot: Slot) -> Result<Arc<BeaconState<E>>, ChainError> {
        let head_state = self.head_state()?;
        if head_state.slot >= slot {
            return Ok(head_state);
        }
        if let Some((root, cached_slot, state)) = &self.advanced
            && *root == self.head.block_root
            && *cached_slot == slot
        {
            return Ok(Arc::clone(state));
        }
        let mut advanced = (*head_state).clone();
        process_slots(&mut advanced, slot, &self.config)?;
        let advanced = Arc::new(advanced);
        self.advanced = Some((self.head.block_root, slot, Arc::clone(&advanced)));
        Ok(advanced)
    }

    /// Moves fork choice's clock to `time_ms` (milliseconds since the Unix epoch), hands it the
    /// queued attestations of earlier slots and recomputes the head.
    pub fn on_tick(&mut self, time_ms: u64) -> Result<Option<FinalityUpdate<E>>, ChainError> {
        self.fork_choice.on_tick(time_ms)?;
        let current_slot = self.fork_choice.get_current_slot()?;
        let (ready, waiting): (Vec<_>, Vec<_>) = std::mem::take(&mut self.queued_attestations)
            .into_iter()
            .partition(|a| a.data.slot < current_slot);
        self.queued_attestations = waiting;
        for attestation in ready {
            if let Err(error) = self.fork_choice.on_attestation(&attestation) {
                debug!(%error, slot = attestation.data.slot, "attestation not applied to fork choice");
            }
        }
        // Attestations older than an epoch cannot be included any more.
        self.attestation_pool
            .prune(current_slot.saturating_sub(self.config.slots_per_epoch));
        self.recompute_head()
    }

    /// Verifies and imports a block from the network or the validator client: the gossip
    /// checks, the state transition with signatures in one batch, fork choice, the store.
    /// Returns the block's root and, when the block moved finality, the update.
    pub fn process_block(
        &mut self,
        block: SignedBeaconBlock<E>,
    ) -> Result<(Root, Option<FinalityUpdate<E>>), ChainError> {
        let verified = GossipVerifiedBlock::new(block, &self.fork_choice, &self.config)?;
        let parent_state = self.state_of_block(&verified.block().message.parent_root)?;
        let executed = verified.execute(&parent_state, SignatureStrategy::Batch, &self.config)?;
        self.record_signature_sets(executed.signature_sets as u64);
        let root = executed.block_root;
        self.import(executed, true)?;
        self.blocks_imported = self.blocks_imported.saturating_add(1);
        let update = self.recompute_head()?;
        Ok((root, update))
    }

    /// How many blocks this chain verified and imported since it started.
    pub fn blocks_imported(&self) -> u64 {
        self.blocks_imported
    }

    /// How many BLS signature sets were verified since the chain started, batched or one by
    /// one, whether they passed or not.
    pub fn signature_sets_verified(&self) -> u64 {
        self.signature_sets_verified.load(Ordering::Relaxed)
    }

    /// Counts `sets` signature sets verified (by this chain or a shard chain checking blocks
    /// against it).
    pub(crate) fn record_signature_sets(&self, sets: u64) {
        self.signature_sets_verified
            .fetch_add(sets, Ordering::Relaxed);
    }

    /// Adds an executed block to fork choice, the state cache and (when `persist`) the store.
    fn import(&mut self, executed: ExecutedBlock<E>, persist: bool) -> Result<(), ChainError> {
        let ExecutedBlock {
            block,
            block_root,
            post_state,
            ..
        } = executed;
        let checkpoints = PostStateCheckpoints {
            current_justified_checkpoint: post_state.current_justified_checkpoint.clone(),
            finalized_checkpoint: post_state.finalized_checkpoint.clone(),
        };
        self.fork_choice
            .on_block(&block.message, block_root, &checkpoints)?;
        if persist {
            let mut batch = StoreBatch::new();
            batch.put_beacon_block(block_root, &block);
            let parent_slot = self
                .blocks
                .get(&block.message.parent_root)
                .map_or(0, |parent| parent.message.slot);
            let epoch = compute_epoch_at_slot(block.message.slot, &self.config)
                .map_err(beacon::BeaconStateError::from)?;
            let parent_epoch = compute_epoch_at_slot(parent_slot, &self.config)
                .map_err(beacon::BeaconStateError::from)?;
            if epoch != parent_epoch {
                batch.put_beacon_state(block.message.state_root, block_root, &post_state);
            }
            self.store.write(batch)?;
        }
        debug!(slot = block.message.slot, root = %block_root, "imported beacon block");
        self.state_roots
            .insert(block.message.state_root, block_root);
        self.states.insert(block_root, Arc::new(post_state));
        self.blocks.insert(block_root, Arc::new(block));
        Ok(())
    }

    /// Checks an attestation against the state of its head block (advanced to its slot) and
    /// returns its indexed form.
    pub fn verify_attestation(
        &self,
        attestation: &Attestation<E>,
    ) -> Result<IndexedAttestation<E>, ChainError> {
        let data = &attestation.data;
        let mut state = self.state_of_block(&data.beacon_block_root)?;
        if state.slot < data.slot {
            let mut advanced = (*state).clone();
            process_slots(&mut advanced, data.slot, &self.config)?;
            state = Arc::new(advanced);
        }
        let indexed = get_indexed_attestation(&state, attestation, &self.config)?;
        self.record_signature_sets(1);
        if !beacon::accessors::is_valid_indexed_attestation(&state, &indexed, &self.config) {
            return Err(ChainError::InvalidAttestation(format!(
                "bad signature or indices at slot {}",
                data.slot
            )));
        }
        Ok(indexed)
    }

    /// Takes a verified aggregate: offered to block proposers and queued for fork choice.
    pub fn process_aggregate(&mut self, aggregate: Attestation<E>) -> Result<(), ChainError> {
        let indexed = self.verify_attestation(&aggregate)?;
        self.attestation_pool.publish(aggregate);
        self.queued_attestations.push(indexed);
        Ok(())
    }

    /// Takes an attestation from outside (the API, the network): verified against its head
    /// block's state, added to the aggregation pool and queued for fork choice.
    pub fn process_attestation(&mut self, attestation: Attestation<E>) -> Result<(), ChainError> {
        let indexed = self.verify_attestation(&attestation)?;
        self.attestation_pool.insert(attestation);
        self.queued_attestations.push(indexed);
        Ok(())
    }

    /// Takes a voluntary exit valid on the head state into the operation pool.
    pub fn process_voluntary_exit(&mut self, exit: SignedVoluntaryExit) -> Result<(), ChainError> {
        let mut state = (*self.head_state()?).clone();
        beacon::per_block::process_voluntary_exit(
            &mut state,
            &exit,
            &mut VerifySignatures::Individually,
            &self.config,
        )
        .map_err(|error| ChainError::InvalidOperation(error.to_string()))?;
        self.record_signature_sets(1);
        self.op_pool.voluntary_exits.push(exit);
        Ok(())
    }

    /// Takes a proposer slashing valid on the head state into the operation pool.
    pub fn process_proposer_slashing(
        &mut self,
        slashing: ProposerSlashing,
    ) -> Result<(), ChainError> {
        let mut state = (*self.head_state()?).clone();
        beacon::per_block::process_proposer_slashing(
            &mut state,
            &slashing,
            &mut VerifySignatures::Individually,
            &self.config,
        )
        .map_err(|error| ChainError::InvalidOperation(error.to_string()))?;
        self.record_signature_sets(2);
        self.op_pool.proposer_slashings.push(slashing);
        Ok(())
    }

    /// Takes an attester slashing valid on the head state into the operation pool; its
    /// equivocators' votes stop counting in fork choice.
    pub fn process_attester_slashing(
        &mut self,
        slashing: AttesterSlashing<E>,
    ) -> Result<(), ChainError> {
        let mut state = (*self.head_state()?).clone();
        beacon::per_block::process_attester_slashing(
            &mut state,
            &slashing,
            &mut VerifySignatures::Individually,
            &self.config,
        )
        .map_err(|error| ChainError::InvalidOperation(error.to_string()))?;
        self.record_signature_sets(2);
        self.fork_choice
            .on_attester_slashing(&slashing.attestation_1, &slashing.attestation_2)?;
        self.op_pool.attester_slashings.push(slashing);
        Ok(())
    }

    /// The balances fork choice weighs votes with: each validator's effective balance in the
    /// justified checkpoint's state if active in its current epoch, zero otherwise.
    fn justified_balances(&self) -> Result<Vec<Gwei>, ChainError> {
        let justified = self.fork_choice.justified_checkpoint();
        let state = match self.states.get(&justified.root) {
            Some(state) => Arc::clone(state),
            None => self.head_state()?,
        };
        let epoch = get_current_epoch(&state, &self.config)?;
        Ok(state
            .validators
            .iter()
            .map(|v| {
                if v.activation_epoch <= epoch && epoch < v.exit_epoch {
                    v.effective_balance
                } else {
                    0
                }
            })
            .collect())
    }

    /// The justified balances, for the shard fork choice.
    pub fn fork_choice_balances(&self) -> Result<Vec<Gwei>, ChainError> {
        self.justified_balances()
    }

    /// Runs fork choice; records a new head in the store and handles a finality change.
    pub fn recompute_head(&mut self) -> Result<Option<FinalityUpdate<E>>, ChainError> {
        let balances = self.justified_balances()?;
        let head_root = self.fork_choice.get_head(&balances)?;
        if head_root != self.head.block_root {
            let block = self
                .blocks
                .get(&head_root)
                .ok_or(ChainError::MissingState(head_root))?;
            self.head = Head {
                block_root: head_root,
                slot: block.message.slot,
                state_root: block.message.state_root,
            };
            let mut batch = StoreBatch::new();
            batch.put_head(head_root);
            self.store.write(batch)?;
            debug!(slot = self.head.slot, root = %head_root, "new head");
        }
        let finalized = self.fork_choice.finalized_checkpoint().clone();
        if finalized.epoch > self.finalized.epoch {
            return self.on_finalized(finalized).map(Some);
        }
        Ok(None)
    }

    /// Finality advanced: persists the new anchor with the finalized state, forgets the
    /// states and blocks before it, prunes the store of what is not on the finalized chain.
    fn on_finalized(&mut self, finalized: Checkpoint) -> Result<FinalityUpdate<E>, ChainError> {
        let previous = std::mem::replace(&mut self.finalized, finalized.clone());
        let finalized_state = self.state_of_block(&finalized.root)?;
        let finalized_block = self
            .blocks
            .get(&finalized.root)
            .cloned()
            .ok_or(ChainError::MissingState(finalized.root))?;
        // The blocks finalized now: from the new finalized block back to the previous one.
        let mut newly_finalized = Vec::new();
        let mut root = finalized.root;
        while !self.finalized_chain.contains(&root) {
            let Some(block) = self.blocks.get(&root) else {
                break;
            };
            self.finalized_chain.insert(root);
            newly_finalized.push(Arc::clone(block));
            root = block.message.parent_root;
        }
        newly_finalized.reverse();

        let mut batch = StoreBatch::new();
        batch.put_beacon_state(
            finalized_block.message.state_root,
            finalized.root,
            &finalized_state,
        );
        batch.put_fork_choice_anchor(&storage::ForkChoiceAnchor {
            finalized_checkpoint: finalized.clone(),
            justified_checkpoint: self.fork_choice.justified_checkpoint().clone(),
            anchor_block_root: finalized.root,
            anchor_state_root: finalized_block.message.state_root,
        });
        self.store.write(batch)?;

        let finalized_slot = finalized_block.message.slot;
        let summary = self
            .store
            .prune_beacon_chain(finalized_slot, &self.finalized_chain)?;
        let keep = |slot: Slot, root: &Root| slot >= finalized_slot || *root == finalized.root;
        self.blocks
            .retain(|root, block| keep(block.message.slot, root));
        let blocks = &self.blocks;
        self.states.retain(|root, _| blocks.contains_key(root));
        self.state_roots
            .retain(|_, block_root| blocks.contains_key(block_root));
        if let Some(head_state) = self.states.get(&self.head.block_root) {
            self.op_pool.prune(head_state);
        }
        info!(
            epoch = finalized.epoch,
            root = %finalized.root,
            pruned_blocks = summary.blocks,
            pruned_states = summary.states,
            "finalized"
        );
        Ok(FinalityUpdate {
            previous,
            finalized,
            finalized_state,
            newly_finalized,
        })
    }

    /// Whether `root` is a block of the finalized chain (at or before the finalized block).
    pub fn is_finalized_block(&self, root: &Root) -> bool {
        self.finalized_chain.contains(root)
    }

    /// Roots of the cached blocks, for the shard chains' checks of beacon parents.
    pub fn has_block(&self, root: &Root) -> bool {
        self.fork_choice.proto_array().contains_block(root)
    }

    /// The root of `state`'s latest block header (the block whose post-state it is).
    pub fn latest_block_root(state: &BeaconState<E>) -> Root {
        let mut header = state.latest_block_header.clone();
        if header.state_root.is_zero() {
            header.state_root = state.tree_hash_root();
        }
        header.tree_hash_root()
    }
}
