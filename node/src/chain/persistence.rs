//! Starting the chain: from genesis on an empty store, or from the store's fork-choice anchor
//! after a restart, replaying the blocks stored after it.
//!
//! What is stored, and when: every imported block (with its post-state when it is the first
//! block of an epoch) in one batch; the head after each change; on finality, the finalized
//! block's post-state and the new [`ForkChoiceAnchor`] in one batch. The anchor therefore
//! always names a stored block and state, and every block after it is stored, so a restart
//! rebuilds fork choice from the anchor and replays the later blocks (their signatures were
//! checked before they were written).

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use beacon::SignatureStrategy;
use beacon::fork_choice::ForkChoiceStore;
use primitives::math::compute_start_slot_at_epoch;
use primitives::types::{BeaconBlock, BeaconState, Checkpoint, Root, SignedBeaconBlock};
use primitives::{ChainConfig, EthSpec};
use storage::{ForkChoiceAnchor, Store, StoreBatch, metadata};
use tracing::{info, warn};
use tree_hash::TreeHash;

use super::{
    AttestationPool, BeaconChain, ChainError, GossipVerifiedBlock, Head, LightClientPool,
    OperationPool,
};

/// The genesis block of `genesis_state`: the phase 1 empty block at its header's slot, with
/// the state root filled in (stored under the header's root, see `from_genesis`).
pub fn genesis_block<E: EthSpec>(genesis_state: &BeaconState<E>) -> SignedBeaconBlock<E> {
    let header = &genesis_state.latest_block_header;
    SignedBeaconBlock {
        message: BeaconBlock {
            slot: header.slot,
            proposer_index: header.proposer_index,
            parent_root: header.parent_root,
            state_root: genesis_state.tree_hash_root(),
            body: Default::default(),
        },
        signature: Default::default(),
    }
}

impl<E: EthSpec, S: Store> BeaconChain<E, S> {
    /// Opens the chain on `store`: resumed from its anchor when it holds one (refused if it
    /// belongs to another genesis), else started from `genesis_state`, which is written to
    /// it. `time_ms` is now, in milliseconds since the Unix epoch.
    pub fn open(
        config: ChainConfig,
        store: S,
        genesis_state: &BeaconState<E>,
        time_ms: u64,
    ) -> Result<Self, ChainError> {
        let genesis_state_root = genesis_state.tree_hash_root();
        let genesis_block_root = BeaconChain::<E, S>::latest_block_root(genesis_state);
        match store.fork_choice_anchor()? {
            Some(anchor) => {
                let stored = store.metadata_root(metadata::GENESIS_STATE_ROOT)?;
                if stored != Some(genesis_state_root) {
                    return Err(ChainError::Inconsistent(format!(
                        "the store belongs to genesis state {stored:?}, not {genesis_state_root}"
                    )));
                }
                Self::resume(config, store, anchor, genesis_block_root, time_ms)
            }
            None => Self::from_genesis(config, store, genesis_state, time_ms),
        }
    }

    fn from_genesis(
        config: ChainConfig,
        store: S,
        genesis_state: &BeaconState<E>,
        time_ms: u64,
    ) -> Result<Self, ChainError> {
        let genesis = genesis_block(genesis_state);
        // The genesis header commits to the phase 0 empty body, which a phase 1 block cannot
        // carry: the genesis block is known by its header's root, as its children name it.
        let genesis_block_root = BeaconChain::<E, S>::latest_block_root(genesis_state);
        let genesis_state_root = genesis.message.state_root;
        let mut fork_choice = ForkChoiceStore::from_anchor(
            &config,
            genesis_state.genesis_time,
            genesis_state.slot,
            genesis.message.slot,
            genesis_block_root,
            genesis_state_root,
        )?;
        fork_choice.on_tick(time_ms)?;
        let checkpoint = fork_choice.finalized_checkpoint().clone();
        let mut batch = StoreBatch::new();
        batch
            .put_beacon_block(genesis_block_root, &genesis)
            .put_beacon_state(genesis_state_root, genesis_block_root, genesis_state)
            .put_fork_choice_anchor(&ForkChoiceAnchor {
                finalized_checkpoint: checkpoint.clone(),
                justified_checkpoint: checkpoint.clone(),
                anchor_block_root: genesis_block_root,
                anchor_state_root: genesis_state_root,
            })
            .put_head(genesis_block_root)
            .put_metadata(metadata::GENESIS_BLOCK_ROOT, genesis_block_root.to_vec())
            .put_metadata(metadata::GENESIS_STATE_ROOT, genesis_state_root.to_vec())
            .put_metadata(
                metadata::GENESIS_VALIDATORS_ROOT,
                genesis_state.genesis_validators_root.to_vec(),
            );
        store.write(batch)?;
        info!(root = %genesis_block_root, "started from genesis");
        Ok(Self {
            head: Head {
                block_root: genesis_block_root,
                slot: genesis.message.slot,
                state_root: genesis_state_root,
            },
            states: HashMap::from([(genesis_block_root, Arc::new(genesis_state.clone()))]),
            state_roots: HashMap::from([(genesis_state_root, genesis_block_root)]),
            blocks: HashMap::from([(genesis_block_root, Arc::new(genesis))]),
            finalized_chain: HashSet::from([genesis_block_root]),
            finalized: checkpoint,
            genesis_block_root,
            genesis_state_root,
            config,
            store,
            fork_choice,
            queued_attestations: Vec::new(),
            attestation_pool: AttestationPool::new(),
            light_client_pool: LightClientPool::new(),
            op_pool: OperationPool::default(),
            advanced: None,
            blocks_imported: 0,
            signature_sets_verified: std::sync::atomic::AtomicU64::new(0),
        })
    }

    fn resume(
        config: ChainConfig,
        store: S,
        anchor: ForkChoiceAnchor,
        genesis_block_root: Root,
        time_ms: u64,
    ) -> Result<Self, ChainError> {
        let missing = |what: &str, root: Root| ChainError::Inconsistent(format!("{what} {root}"));
        let anchor_block = store
            .beacon_block::<E>(&anchor.anchor_block_root)?
            .ok_or_else(|| missing("anchor block", anchor.anchor_block_root))?;
        let anchor_state = store
            .beacon_state::<E>(&anchor.anchor_state_root)?
            .ok_or_else(|| missing("anchor state", anchor.anchor_state_root))?;
        let finalized = anchor.finalized_checkpoint.clone();
        // Fork choice anchored at the finalized checkpoint (whose epoch start may be after the
        // block, when the epoch began with empty slots).
        let checkpoint_slot = compute_start_slot_at_epoch(finalized.epoch, &config)
            .map_err(beacon::BeaconStateError::from)?
            .max(anchor_block.message.slot);
        let mut fork_choice = ForkChoiceStore::from_anchor(
            &config,
            anchor_state.genesis_time,
            checkpoint_slot,
            anchor_block.message.slot,
            anchor.anchor_block_root,
            anchor.anchor_state_root,
        )?;
        fork_choice.on_tick(time_ms)?;
        let anchor_root = anchor.anchor_block_root;
        let mut chain = Self {
            head: Head {
                block_root: anchor_root,
                slot: anchor_block.message.slot,
                state_root: anchor.anchor_state_root,
            },
            states: HashMap::from([(anchor_root, Arc::new(anchor_state))]),
            state_roots: HashMap::from([(anchor.anchor_state_root, anchor_root)]),
            blocks: HashMap::from([(anchor_root, Arc::new(anchor_block.clone()))]),
            finalized_chain: HashSet::new(),
            finalized: Checkpoint {
                epoch: fork_choice.finalized_checkpoint().epoch,
                root: anchor_root,
            },
            genesis_block_root,
            genesis_state_root: store
                .metadata_root(metadata::GENESIS_STATE_ROOT)?
                .unwrap_or_default(),
            config,
            store,
            fork_choice,
            queued_attestations: Vec::new(),
            attestation_pool: AttestationPool::new(),
            light_client_pool: LightClientPool::new(),
            op_pool: OperationPool::default(),
            advanced: None,
            blocks_imported: 0,
            signature_sets_verified: std::sync::atomic::AtomicU64::new(0),
        };
        chain.load_finalized_chain(anchor_root, &anchor_block)?;
        let replayed = chain.replay_stored_blocks(anchor_block.message.slot)?;
        chain.recompute_head()?;
        info!(
            finalized_epoch = finalized.epoch,
            anchor = %anchor_root,
            replayed,
            head_slot = chain.head.slot,
            "resumed from the store"
        );
        Ok(chain)
    }

    /// Rebuilds the set of finalized block roots by walking back from the anchor block.
    fn load_finalized_chain(
        &mut self,
        anchor_root: Root,
        anchor_block: &SignedBeaconBlock<E>,
    ) -> Result<(), ChainError> {
        let mut root = anchor_root;
        let mut parent = anchor_block.message.parent_root;
        self.finalized_chain.insert(root);
        while root != self.genesis_block_root && !parent.is_zero() {
            root = parent;
            self.finalized_chain.insert(root);
            match self.store.beacon_block::<E>(&root)? {
                Some(block) => parent = block.message.parent_root,
                None => break,
            }
        }
        Ok(())
    }

    /// Imports the stored blocks after `anchor_slot`, oldest first, without checking their
    /// signatures again; blocks whose parent is unknown (a pruned fork) are skipped.
    fn replay_stored_blocks(&mut self, anchor_slot: u64) -> Result<usize, ChainError> {
        let start = anchor_slot.saturating_add(1);
        let mut replayed = 0usize;
        for (slot, root) in self.store.beacon_block_roots_by_slot(start, u64::MAX)? {
            let Some(block) = self.store.beacon_block::<E>(&root)? else {
                continue;
            };
            let Ok(parent_state) = self.state_of_block(&block.message.parent_root) else {
                warn!(slot, %root, "stored block off the anchored chain, skipped");
                continue;
            };
            let executed = GossipVerifiedBlock::from_store(block).execute(
                &parent_state,
                SignatureStrategy::Skip,
                &self.config,
            )?;
            self.import(executed, false)?;
            replayed = replayed.saturating_add(1);
        }
        Ok(replayed)
    }
}
