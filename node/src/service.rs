//! The node's chains together: the beacon chain and the tracked shard chains, with what
//! crosses between them (shard heads follow the beacon head; finality marks shard blocks
//! final and releases cross-shard receipts to their destination shards).

use std::collections::BTreeMap;
use std::sync::Arc;

use crosslink::{ReceiptProofError, ReceiptProofs};
use primitives::types::{BeaconState, Root, Shard, SignedBeaconBlock, SignedShardBlock};
use primitives::{ChainConfig, EthSpec};
use shard::ExecutionState;
use shard::payload::CrossShardReceiptProof;
use storage::Store;
use tracing::{debug, info, warn};
use typenum::Unsigned;

use crate::chain::{BeaconChain, ChainError, FinalityUpdate};
use crate::shards::{ShardChain, ShardError};

/// Why the node's chains could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// The beacon chain failed.
    #[error("beacon chain: {0}")]
    Chain(#[from] ChainError),
    /// A shard chain failed.
    #[error("shard chain: {0}")]
    Shard(#[from] ShardError),
    /// A shard's genesis execution state is missing.
    #[error("no genesis execution state for shard {0}")]
    MissingShardGenesis(Shard),
}

/// The chain of `shard` with its stored blocks: with `restore`, the finalized blocks whose
/// execution is stored are rebuilt from it and only the others executed again; without, every
/// stored block is executed again from the shard's genesis. The inner error is a stored
/// execution that does not rebuild its block.
fn load_shard_chain<E: EthSpec, S: Store>(
    beacon: &BeaconChain<E, S>,
    shard: Shard,
    genesis_state: &BeaconState<E>,
    anchor_state: &BeaconState<E>,
    genesis: &ExecutionState,
    mempool_capacity: usize,
    restore: bool,
) -> Result<Result<ShardChain<E>, ShardError>, ServiceError> {
    let mut chain = ShardChain::new(
        shard,
        beacon.config().clone(),
        genesis_state,
        anchor_state,
        genesis.clone(),
        mempool_capacity,
    )?;
    let store = beacon.store();
    let stored = store
        .shard_block_roots_by_slot(shard, 0, u64::MAX)
        .map_err(ChainError::from)?;
    for (_, root) in stored {
        let Some(block) = store.shard_block::<E>(&root).map_err(ChainError::from)? else {
            continue;
        };
        if restore && let Some(bytes) = store.shard_state(shard, &root).map_err(ChainError::from)? {
            if let Err(error) = chain.restore_stored_block(block, &bytes) {
                return Ok(Err(error));
            }
            continue;
        }
        if let Err(error) = chain.replay_stored_block(block, beacon) {
            warn!(shard, %root, %error, "stored shard block not replayed");
        }
    }
    Ok(Ok(chain))
}

/// The beacon chain and the shard chains of one node.
pub struct NodeChains<E: EthSpec, S: Store> {
    /// The beacon chain.
    pub beacon: BeaconChain<E, S>,
    /// The tracked shard chains, by shard.
    pub shards: BTreeMap<Shard, ShardChain<E>>,
    /// What the validator client produced since the runtime last looked, for the network.
    pub outbox: Vec<crate::p2p::Published<E>>,
}

impl<E: EthSpec, S: Store> NodeChains<E, S> {
    /// Opens the beacon chain on `store` (from genesis or resumed) and the shard chains of
    /// `tracked` shards, replaying their stored blocks.
    pub fn open(
        config: &ChainConfig,
        store: S,
        genesis_state: &BeaconState<E>,
        shard_genesis: &BTreeMap<Shard, ExecutionState>,
        mempool_capacity: usize,
        time_ms: u64,
    ) -> Result<Self, ServiceError> {
        let beacon = BeaconChain::open(config.clone(), store, genesis_state, time_ms)?;
        let anchor_state = beacon.state_of_block(&beacon.finalized_checkpoint().root)?;
        let mut shards = BTreeMap::new();
        for (shard, genesis) in shard_genesis {
            let load = |restore| {
                load_shard_chain(
                    &beacon,
                    *shard,
                    genesis_state,
                    &anchor_state,
                    genesis,
                    mempool_capacity,
                    restore,
                )
            };
            let mut chain = match load(true)? {
                Ok(chain) => chain,
                Err(error) => {
                    warn!(
                        shard,
                        %error,
                        "stored shard execution refused, executing the shard again from genesis"
                    );
                    load(false)?.map_err(ServiceError::Shard)?
                }
            };
            chain.on_finalized(&anchor_state, beacon.store())?;
            chain.update_head(&beacon)?;
            info!(
                shard,
                restored = chain.restored_blocks(),
                replayed = chain.replayed_blocks(),
                "shard chain loaded"
            );
            shards.insert(*shard, chain);
        }
        let mut chains = Self {
            beacon,
            shards,
            outbox: Vec::new(),
        };
        chains.release_recent_receipts()?;
        Ok(chains)
    }

    /// Releases again the receipts of the finalized blocks recent enough for a proof against
    /// the head state's block roots: after a restart, the receipts released before it and not
    /// yet claimed are pending again.
    fn release_recent_receipts(&mut self) -> Result<(), ChainError> {
        let finalized_root = self.beacon.finalized_checkpoint().root;
        let Some(finalized) = self.beacon.block_by_root(&finalized_root)? else {
            return Ok(());
        };
        let end = finalized.message.slot.saturating_add(1);
        let start = end.saturating_sub(E::SlotsPerHistoricalRoot::to_u64());
        let mut blocks = Vec::new();
        for (_, root) in self.beacon.store().beacon_block_roots_by_slot(start, end)? {
            if self.beacon.is_finalized_block(&root)
                && let Some(block) = self.beacon.block_by_root(&root)?
            {
                blocks.push(block);
            }
        }
        self.release_receipts(&blocks);
        Ok(())
    }

    /// Follows a beacon head change: recomputes the shard heads, and on finality marks shard
    /// blocks final and releases receipts.
    pub fn after_beacon_change(&mut self, update: Option<FinalityUpdate<E>>) {
        if let Some(update) = update {
            self.on_finalized(&update);
        }
        for chain in self.shards.values_mut() {
            if let Err(error) = chain.update_head(&self.beacon) {
                debug!(shard = chain.shard(), %error, "shard head not updated");
            }
        }
    }

    /// Moves the clock to `time_ms` and follows the head.
    pub fn on_tick(&mut self, time_ms: u64) -> Result<(), ChainError> {
        let update = self.beacon.on_tick(time_ms)?;
        self.after_beacon_change(update);
        Ok(())
    }

    /// Imports a beacon block and follows the head.
    pub fn process_beacon_block(
        &mut self,
        block: SignedBeaconBlock<E>,
    ) -> Result<Root, ChainError> {
        let (root, update) = self.beacon.process_block(block)?;
        self.after_beacon_change(update);
        Ok(root)
    }

    /// Imports a shard block and updates its shard's head.
    pub fn process_shard_block(&mut self, block: SignedShardBlock<E>) -> Result<Root, ShardError> {
        let shard = block.message.shard;
        let chain = self
            .shards
            .get_mut(&shard)
            .ok_or(ShardError::UnknownShard(shard))?;
        let root = chain.process_block(block, &self.beacon)?;
        chain.update_head(&self.beacon)?;
        Ok(root)
    }

    /// Finality advanced: each shard marks its finalized block, and the receipts of the
    /// source-shard blocks crosslinked by the newly finalized beacon blocks go, with their
    /// proofs, to their destination shards' proposers.
    fn on_finalized(&mut self, update: &FinalityUpdate<E>) {
        for chain in self.shards.values_mut() {
            if let Err(error) = chain.on_finalized(&update.finalized_state, self.beacon.store()) {
                warn!(shard = chain.shard(), %error, "shard finality not updated");
            }
        }
        self.release_receipts(&update.newly_finalized);
    }

    /// Sends the receipts of the source-shard blocks that `finalized` beacon blocks crosslink,
    /// with their proofs, to their destination shards (receipts already claimed there are
    /// dropped by the destination).
    fn release_receipts(&mut self, finalized: &[Arc<SignedBeaconBlock<E>>]) {
        let mut released: BTreeMap<Shard, Vec<CrossShardReceiptProof>> = BTreeMap::new();
        for block in finalized {
            for (source, transition) in block.message.body.shard_transitions.iter().enumerate() {
                let Some(source_chain) = self.shards.get(&(source as u64)) else {
                    continue;
                };
                for body_root in transition.shard_data_roots.iter() {
                    let Some((_, body)) = source_chain.body_by_root(body_root) else {
                        continue;
                    };
                    // One tree per body: the levels above the receipts are shared (and not
                    // hashed at all for a body without receipts).
                    let proofs = match ReceiptProofs::new(&block.message, body) {
                        Ok(proofs) => proofs,
                        // Not an execution payload: no receipt to release.
                        Err(ReceiptProofError::Undecodable(_)) => continue,
                        Err(error) => {
                            warn!(%error, "receipt proofs not built");
                            continue;
                        }
                    };
                    match proofs.all() {
                        Ok(proofs) => {
                            for proof in proofs {
                                released
                                    .entry(proof.receipt.dest_shard)
                                    .or_default()
                                    .push(proof);
                            }
                        }
                        Err(error) => warn!(%error, "receipt proofs not built"),
                    }
                }
            }
        }
        for (dest, proofs) in released {
            if let Some(chain) = self.shards.get_mut(&dest) {
                info!(
                    shard = dest,
                    receipts = proofs.len(),
                    "cross-shard receipts released"
                );
                chain.add_claims(proofs);
            }
        }
    }
}
