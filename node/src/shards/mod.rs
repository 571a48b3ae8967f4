//! The shard chains a node tracks: one [`ShardChain`] per shard, with its blocks and their
//! execution states, its fork choice, its mempool, the index of included transactions, the
//! canonical block numbers, finality, and the cross-shard receipts waiting to be claimed.
//!
//! A shard block is imported in two checks, both on copies so that a refused block changes
//! nothing: its payload executes on the parent's [`ExecutionState`] (with its receipt claims
//! proven against the beacon parent state by a [`BeaconReceiptVerifier`]), then the shard fork
//! choice's `on_shard_block` checks it against the beacon parent state (parents, offset slot,
//! proposer, signature) and adds it.
//!
//! The execution context's gas price is the one the shard's own chain of blocks leads to
//! (`compute_updated_gasprice` along the blocks from the genesis shard state): a deterministic
//! function of the block's ancestors, which every node computes alike.

mod error;
mod receipts;
mod stored;
#[cfg(test)]
mod tests;

use std::collections::{HashMap, HashSet};
use std::num::NonZeroUsize;
use std::sync::Arc;

use alloy_primitives::{Address, B256, U256};
use beacon::fork_choice::shard::{
    ShardStore, get_forkchoice_shard_store, get_pending_shard_blocks, get_shard_head,
    on_shard_block,
};
use beacon::per_slot::process_slots;
use crosslink::{BeaconReceiptVerifier, compute_updated_gasprice};
use primitives::types::{BeaconState, Gwei, Root, Shard, SignedShardBlock, Slot};
use primitives::{ChainConfig, EthSpec};
use shard::payload::{CrossShardReceiptProof, ReceiptProofInvalid, ReceiptVerifier};
use shard::{
    ExecutionContext, ExecutionState, Mempool, MempoolConfig, SenderCache,
    execute_payload_with_claims,
};
use ssz::Decode;
use storage::{Store, StoreBatch};
use tracing::debug;
use tree_hash::TreeHash;

use crate::chain::BeaconChain;

pub use error::ShardError;
pub use receipts::{IncludedTransaction, ShardSupply};
pub use stored::{STORED_EXECUTION_VERSION, StoredExecutionError};

/// A shard block the chain holds, with what executing it produced.
#[derive(Debug, Clone)]
pub struct ShardBlockInfo<E: EthSpec> {
    /// The block (`None` for the genesis of the shard, which has no block).
    pub block: Option<Arc<SignedShardBlock<E>>>,
    /// Its root.
    pub root: Root,
    /// The shard parent's root (the block's own root for the genesis).
    pub parent_root: Root,
    /// Its slot.
    pub slot: Slot,
    /// Its height: 0 for the shard's genesis, the parent's plus one otherwise.
    pub number: u64,
    /// The shard's gas price after it, in Gwei.
    pub gasprice: Gwei,
    /// The execution state after it.
    pub execution_state: Arc<ExecutionState>,
    /// Its transactions, in order.
    pub transactions: Vec<IncludedTransaction>,
    /// Totals over the chain up to and including this block.
    pub supply: ShardSupply,
}

/// One shard's chain.
pub struct ShardChain<E: EthSpec> {
    shard: Shard,
    config: ChainConfig,
    fork_choice: ShardStore<E>,
    blocks: HashMap<Root, ShardBlockInfo<E>>,
    /// Block root by the root of its body (what crosslinks commit to).
    by_body_root: HashMap<Root, Root>,
    /// Where each included transaction is: block root and position.
    transactions: HashMap<B256, (Root, usize)>,
    /// The canonical chain: block roots by number.
    canonical: Vec<Root>,
    finalized_root: Root,
    mempool: Mempool,
    sender_cache: Arc<SenderCache>,
    /// Proofs of receipts sent to this shard from finalized blocks, not yet claimed.
    pending_claims: Vec<CrossShardReceiptProof>,
    /// The shard's genesis (also in `blocks`).
    genesis: ShardBlockInfo<E>,
    /// Stored blocks executed again at load ([`Self::replay_stored_block`]).
    replayed_blocks: u64,
    /// Stored blocks rebuilt from their stored execution ([`Self::restore_stored_block`]).
    restored_blocks: u64,
    /// The blocks whose stored execution is known good: written by this chain or rebuilt
    /// from. Others are written (again) when finalized, which also replaces a corrupted one.
    stored_executions: HashSet<Root>,
}

/// A receipt verifier for blocks read back from the node's own store: their claims were
/// proven when they were first imported.
struct StoredBlockClaims;

impl ReceiptVerifier for StoredBlockClaims {
    fn verify_receipt_proof(
        &self,
        _proof: &CrossShardReceiptProof,
    ) -> Result<(), ReceiptProofInvalid> {
        Ok(())
    }
}

impl<E: EthSpec> ShardChain<E> {
    /// The chain of `shard` from its genesis execution state, its fork choice anchored at
    /// `anchor_state` (the genesis or finalized beacon state). `genesis_beacon_state` gives
    /// the shard's genesis block root and gas price.
    pub fn new(
        shard: Shard,
        config: ChainConfig,
        genesis_beacon_state: &BeaconState<E>,
        anchor_state: &BeaconState<E>,
        genesis_execution_state: ExecutionState,
        mempool_capacity: usize,
    ) -> Result<Self, ShardError> {
        let genesis = shard_state(genesis_beacon_state, shard)?;
        let root = genesis.latest_block_root;
        let supply = ShardSupply {
            genesis_balance: genesis_execution_state.accounts().total_balance(),
            ..ShardSupply::default()
        };
        let info = ShardBlockInfo {
            block: None,
            root,
            parent_root: root,
            slot: genesis.slot,
            number: 0,
            gasprice: genesis.gasprice,
            execution_state: Arc::new(genesis_execution_state),
            transactions: Vec::new(),
            supply,
        };
        let chain_id = shard::shard_chain_id(config.base_chain_id, shard)
            .map_err(|e| ShardError::Config(e.to_string()))?;
        Ok(Self {
            shard,
            fork_choice: get_forkchoice_shard_store(anchor_state, shard)?,
            blocks: HashMap::from([(root, info.clone())]),
            genesis: info,
            by_body_root: HashMap::new(),
            transactions: HashMap::new(),
            canonical: vec![root],
            finalized_root: root,
            mempool: Mempool::new(MempoolConfig {
                chain_id,
                capacity: mempool_capacity.max(1),
                price_bump_percent: 10,
            }),
            sender_cache: Arc::new(SenderCache::new(NonZeroUsize::MIN.saturating_add(65_535))),
            pending_claims: Vec::new(),
            config,
            replayed_blocks: 0,
            restored_blocks: 0,
            stored_executions: HashSet::new(),
        })
    }

    /// The shard.
    pub fn shard(&self) -> Shard {
        self.shard
    }

    /// How many stored blocks were executed again when the chain was loaded.
    pub fn replayed_blocks(&self) -> u64 {
        self.replayed_blocks
    }

    /// How many stored blocks were rebuilt from their stored execution, without executing
    /// them, when the chain was loaded.
    pub fn restored_blocks(&self) -> u64 {
        self.restored_blocks
    }

    /// The shard fork choice's store.
    pub fn fork_choice(&self) -> &ShardStore<E> {
        &self.fork_choice
    }

    /// The block `root`, if held.
    pub fn block(&self, root: &Root) -> Option<&ShardBlockInfo<E>> {
        self.blocks.get(root)
    }

    /// The canonical head.
    pub fn head(&self) -> &ShardBlockInfo<E> {
        self.canonical
            .last()
            .and_then(|root| self.blocks.get(root))
            .unwrap_or(&self.genesis)
    }

    /// The latest block crosslinked in the finalized beacon state.
    pub fn finalized(&self) -> &ShardBlockInfo<E> {
        self.blocks
            .get(&self.finalized_root)
            .unwrap_or_else(|| self.head())
    }

    /// The canonical block at height `number`.
    pub fn block_by_number(&self, number: u64) -> Option<&ShardBlockInfo<E>> {
        let root = self.canonical.get(usize::try_from(number).ok()?)?;
        self.blocks.get(root)
    }

    /// Whether `root` is on the canonical chain.
    pub fn is_canonical(&self, root: &Root) -> bool {
        self.blocks.get(root).is_some_and(|info| {
            usize::try_from(info.number)
                .ok()
                .and_then(|n| self.canonical.get(n))
                == Some(root)
        })
    }

    /// Whether `root` is at or before the finalized block on the canonical chain.
    pub fn is_finalized(&self, root: &Root) -> bool {
        let finalized_number = self.finalized().number;
        self.is_canonical(root)
            && self
                .blocks
                .get(root)
                .is_some_and(|info| info.number <= finalized_number)
    }

    /// The mempool.
    pub fn mempool(&self) -> &Mempool {
        &self.mempool
    }

    /// The block that included transaction `hash` and its position, if any.
    pub fn transaction(&self, hash: &B256) -> Option<(&ShardBlockInfo<E>, &IncludedTransaction)> {
        let (root, index) = self.transactions.get(hash)?;
        let info = self.blocks.get(root)?;
        Some((info, info.transactions.get(*index)?))
    }

    /// The receipt proofs waiting to be claimed on this shard.
    pub fn pending_claims(&self) -> &[CrossShardReceiptProof] {
        &self.pending_claims
    }

    /// Queues proofs of receipts sent to this shard (from a finalized beacon block).
    pub fn add_claims(&mut self, claims: impl IntoIterator<Item = CrossShardReceiptProof>) {
        let spent = self.head().execution_state.clone();
        for claim in claims {
            let key = claim.key();
            if spent.spent_receipts().contains(&key)
                || self.pending_claims.iter().any(|c| c.key() == key)
            {
                continue;
            }
            self.pending_claims.push(claim);
        }
    }

    /// Admits a raw signed transaction to the mempool against the head's state.
    pub fn submit_transaction(&mut self, raw: &[u8]) -> Result<B256, ShardError> {
        let head = self.head();
        let state = Arc::clone(&head.execution_state);
        let gasprice = head.gasprice;
        Ok(self
            .mempool
            .add_raw(raw, &self.sender_cache, state.accounts(), gasprice)?)
    }

    /// Admits a transaction already decoded for this shard, from its recovered `sender`,
    /// against the head's state.
    pub fn submit_recovered(
        &mut self,
        tx: shard::ShardTransaction,
        sender: Address,
    ) -> Result<B256, ShardError> {
        let head = self.head();
        let state = Arc::clone(&head.execution_state);
        let gasprice = head.gasprice;
        Ok(self.mempool.add(tx, sender, state.accounts(), gasprice)?)
    }

    /// The execution context of a child of `parent`.
    fn context(&self, parent: &ShardBlockInfo<E>) -> Result<ExecutionContext, ShardError> {
        ExecutionContext::from_config(&self.config, self.shard, parent.gasprice)
            .map_err(|e| ShardError::Config(e.to_string()))
    }

    /// Verifies and imports a shard block from the network or the validator client, and
    /// stores it.
    pub fn process_block<S: Store>(
        &mut self,
        block: SignedShardBlock<E>,
        beacon: &BeaconChain<E, S>,
    ) -> Result<Root, ShardError> {
        let message = &block.message;
        let root = message.tree_hash_root();
        if self.blocks.contains_key(&root) {
            return Err(ShardError::AlreadyKnown(root));
        }
        if message.shard != self.shard {
            return Err(ShardError::WrongShard {
                block: message.shard,
                chain: self.shard,
            });
        }
        let mut beacon_parent_state = beacon
            .state_of_block(&message.beacon_parent_root)
            .map_err(|_| ShardError::UnknownBeaconParent(message.beacon_parent_root))?;
        if beacon_parent_state.slot < message.slot {
            let mut advanced = (*beacon_parent_state).clone();
            process_slots(&mut advanced, message.slot, &self.config)
                .map_err(|e| ShardError::Beacon(e.to_string()))?;
            beacon_parent_state = Arc::new(advanced);
        }
        let finalized_state = beacon
            .state_of_block(&beacon.finalized_checkpoint().root)
            .map_err(|e| ShardError::Beacon(e.to_string()))?;
        let verifier = BeaconReceiptVerifier::<E, _>::new(&*beacon_parent_state);
        let info = self.execute(&block, &verifier)?;
        on_shard_block(
            beacon.fork_choice(),
            &mut self.fork_choice,
            &block,
            &beacon_parent_state,
            &finalized_state,
            &self.config,
        )?;
        // `on_shard_block` verified the proposer's signature.
        beacon.record_signature_sets(1);
        let mut batch = StoreBatch::new();
        batch.put_shard_block(root, &block);
        beacon.store().write(batch)?;
        self.insert(info);
        debug!(shard = self.shard, slot = block.message.slot, %root, "imported shard block");
        Ok(root)
    }

    /// Executes `block`'s payload on its parent's execution state.
    fn execute(
        &self,
        block: &SignedShardBlock<E>,
        verifier: &dyn ReceiptVerifier,
    ) -> Result<ShardBlockInfo<E>, ShardError> {
        let message = &block.message;
        let root = message.tree_hash_root();
        let parent =
            self.blocks
                .get(&message.shard_parent_root)
                .ok_or(ShardError::UnknownParent {
                    root,
                    parent: message.shard_parent_root,
                })?;
        let context = self.context(parent)?;
        let mut state = (*parent.execution_state).clone();
        let executed = execute_payload_with_claims(
            &mut state,
            &message.body,
            verifier,
            &self.sender_cache,
            &context,
            &self.config,
        )?;
        let transactions =
            receipts::included_transactions(&executed, &context, &self.sender_cache)?;
        let sent_out = executed
            .outcome
            .cross_shard_transfers
            .iter()
            .fold(U256::ZERO, |sum, t| sum.saturating_add(t.value));
        let supply =
            parent
                .supply
                .after_block(executed.outcome.burned, sent_out, executed.outcome.claimed);
        let gasprice =
            compute_updated_gasprice(parent.gasprice, message.body.len() as u64, &self.config)
                .map_err(|e| ShardError::Config(e.to_string()))?;
        Ok(ShardBlockInfo {
            block: Some(Arc::new(block.clone())),
            root,
            parent_root: message.shard_parent_root,
            slot: message.slot,
            number: parent.number.saturating_add(1),
            gasprice,
            // A block that changed nothing (no claim, no transaction) shares its parent's
            // state, so that an idle shard costs one state, not one per block.
            execution_state: if executed.payload.transactions.is_empty()
                && executed.payload.receipt_claims.is_empty()
            {
                Arc::clone(&parent.execution_state)
            } else {
                Arc::new(state)
            },
            transactions,
            supply,
        })
    }

    fn insert(&mut self, info: ShardBlockInfo<E>) {
        if let Some(block) = &info.block {
            let body_root = block.message.body.tree_hash_root();
            self.by_body_root.insert(body_root, info.root);
            if let Ok(payload) = shard::ExecutionPayload::from_ssz_bytes(&block.message.body) {
                let claimed: Vec<B256> = payload.receipt_claims.iter().map(|c| c.key()).collect();
                self.pending_claims.retain(|c| !claimed.contains(&c.key()));
            }
        }
        for (index, tx) in info.transactions.iter().enumerate() {
            self.transactions.insert(tx.hash, (info.root, index));
        }
        self.blocks.insert(info.root, info);
    }

    /// Replays a block read back from the node's store: executed again (its claims trusted,
    /// they were proven at first import) and, when after the shard's crosslink in the
    /// finalized state, added to fork choice.
    pub fn replay_stored_block<S: Store>(
        &mut self,
        block: SignedShardBlock<E>,
        beacon: &BeaconChain<E, S>,
    ) -> Result<(), ShardError> {
        let info = self.execute(&block, &StoredBlockClaims)?;
        let message = &block.message;
        // Fork choice holds what follows its anchor (the finalized crosslink), when the beacon
        // parent's state is still held to check the block against.
        let anchor_slot = self
            .fork_choice
            .block_state(&self.fork_choice.anchor_root())
            .map_or(0, |state| state.slot);
        if message.slot > anchor_slot
            && self.fork_choice.contains_block(&message.shard_parent_root)
            && let Ok(beacon_parent) = beacon.state_of_block(&message.beacon_parent_root)
        {
            let mut state = (*beacon_parent).clone();
            if state.slot < message.slot {
                process_slots(&mut state, message.slot, &self.config)
                    .map_err(|e| ShardError::Beacon(e.to_string()))?;
            }
            let finalized_state = beacon
                .state_of_block(&beacon.finalized_checkpoint().root)
                .map_err(|e| ShardError::Beacon(e.to_string()))?;
            on_shard_block(
                beacon.fork_choice(),
                &mut self.fork_choice,
                &block,
                &state,
                &finalized_state,
                &self.config,
            )?;
            beacon.record_signature_sets(1);
        }
        self.insert(info);
        self.replayed_blocks = self.replayed_blocks.saturating_add(1);
        Ok(())
    }

    /// Rebuilds a finalized block read back from the node's store from its stored execution
    /// (`bytes`, written by [`Self::on_finalized`]) instead of executing it: its state is
    /// checked against the block's `post_state_root`. Finalized blocks precede the fork
    /// choice's anchor, so fork choice does not take them.
    pub fn restore_stored_block(
        &mut self,
        block: SignedShardBlock<E>,
        bytes: &[u8],
    ) -> Result<(), ShardError> {
        let message = &block.message;
        let parent =
            self.blocks
                .get(&message.shard_parent_root)
                .ok_or(ShardError::UnknownParent {
                    root: message.tree_hash_root(),
                    parent: message.shard_parent_root,
                })?;
        let context = self.context(parent)?;
        let info = stored::restore(
            &block,
            parent,
            bytes,
            &context,
            &self.sender_cache,
            &self.config,
        )?;
        self.stored_executions.insert(info.root);
        self.insert(info);
        self.restored_blocks = self.restored_blocks.saturating_add(1);
        Ok(())
    }

    /// Recomputes the canonical head from the shard fork choice over the beacon head state,
    /// and drops from the mempool what the head's state has used.
    pub fn update_head<S: Store>(&mut self, beacon: &BeaconChain<E, S>) -> Result<(), ShardError> {
        let head_state = beacon
            .head_state()
            .map_err(|e| ShardError::Beacon(e.to_string()))?;
        let balances = beacon
            .fork_choice_balances()
            .map_err(|e| ShardError::Beacon(e.to_string()))?;
        let head = get_shard_head(
            beacon.fork_choice(),
            &self.fork_choice,
            &head_state,
            &balances,
        )?;
        self.adopt_head(head);
        Ok(())
    }

    /// Makes `head` canonical: the transactions of blocks it abandons go back into the
    /// mempool, and what its state has used leaves it.
    fn adopt_head(&mut self, head: Root) {
        let retracted = self.set_canonical_head(head);
        if !retracted.is_empty() {
            self.reinject(&retracted);
        }
        let state = Arc::clone(&self.head().execution_state);
        self.mempool.prune(state.accounts());
    }

    /// Puts the transactions of `retracted` blocks (canonical before a reorganisation, not
    /// after) back into the mempool against the new head's state: what the new branch has not
    /// included stays pending instead of being lost with the abandoned blocks (and, with it,
    /// every later nonce of its sender). What the new branch did include is refused as stale.
    fn reinject(&mut self, retracted: &[Root]) {
        let head = self.head();
        let state = Arc::clone(&head.execution_state);
        let gasprice = head.gasprice;
        let raws: Vec<Vec<u8>> = retracted
            .iter()
            .filter_map(|root| self.blocks.get(root)?.block.clone())
            .filter_map(|block| shard::ExecutionPayload::from_ssz_bytes(&block.message.body).ok())
            .flat_map(|payload| {
                payload
                    .transactions
                    .iter()
                    .map(|raw| raw.to_vec())
                    .collect::<Vec<_>>()
            })
            .collect();
        let offered = raws.len();
        let readmitted = raws
            .iter()
            .filter(|raw| {
                self.mempool
                    .add_raw(raw, &self.sender_cache, state.accounts(), gasprice)
                    .is_ok()
            })
            .count();
        debug!(
            shard = self.shard,
            blocks = retracted.len(),
            transactions = offered,
            readmitted,
            "reorganisation: transactions of abandoned blocks back in the pool"
        );
    }

    /// Makes `head`'s chain canonical (when `head` is known), renumbering it from the first
    /// block it shares with the previous one; returns the blocks that were canonical and no
    /// longer are, oldest first.
    fn set_canonical_head(&mut self, head: Root) -> Vec<Root> {
        let mut branch = Vec::new();
        let mut root = head;
        let retracted = loop {
            let Some(info) = self.blocks.get(&root) else {
                return Vec::new();
            };
            let number = usize::try_from(info.number).unwrap_or(usize::MAX);
            if self.canonical.get(number) == Some(&root) {
                break self
                    .canonical
                    .split_off(number.saturating_add(1).min(self.canonical.len()));
            }
            branch.push(root);
            if info.number == 0 {
                break std::mem::take(&mut self.canonical);
            }
            root = info.parent_root;
        };
        branch.reverse();
        self.canonical.extend(branch);
        retracted
    }

    /// The shard blocks after the beacon head state's crosslink up to the shard head, oldest
    /// first, with the head's root: what attesters vote on.
    pub fn pending_blocks<S: Store>(
        &self,
        beacon: &BeaconChain<E, S>,
        head_state: &BeaconState<E>,
    ) -> Result<(Vec<SignedShardBlock<E>>, Root), ShardError> {
        let balances = beacon
            .fork_choice_balances()
            .map_err(|e| ShardError::Beacon(e.to_string()))?;
        let blocks = get_pending_shard_blocks(
            beacon.fork_choice(),
            &self.fork_choice,
            head_state,
            &balances,
        )?;
        let head_root = match blocks.last() {
            Some(block) => block.message.tree_hash_root(),
            None => shard_state(head_state, self.shard)?.latest_block_root,
        };
        Ok((blocks, head_root))
    }

    /// Marks as final the blocks up to the one crosslinked in `finalized_state`, and forgets
    /// what finality rules out: the shard fork choice keeps only the finalized block and its
    /// descendants, and the blocks of forks off the finalized chain at or before the finalized
    /// block leave memory and `store`. The finalized chain stays (its blocks, receipts and
    /// states are served by number).
    pub fn on_finalized<S: Store>(
        &mut self,
        finalized_state: &BeaconState<E>,
        store: &S,
    ) -> Result<(), ShardError> {
        let root = shard_state(finalized_state, self.shard)?.latest_block_root;
        let Some(finalized) = self.blocks.get(&root) else {
            return Ok(());
        };
        if root == self.finalized_root {
            return Ok(());
        }
        let (finalized_number, finalized_slot) = (finalized.number, finalized.slot);
        let previous = std::mem::replace(&mut self.finalized_root, root);
        let previous_number = self.blocks.get(&previous).map_or(0, |info| info.number);
        // The newly finalized blocks: from the finalized block back to the previous one (after
        // a restart, back to genesis), by parent links rather than the canonical numbering,
        // which the head may not have set yet.
        let mut finalized_chain: HashSet<Root> = HashSet::from([previous]);
        let mut walk = root;
        while finalized_chain.insert(walk) {
            match self.blocks.get(&walk) {
                Some(info) if info.number > 0 => walk = info.parent_root,
                _ => break,
            }
        }
        let dropped = self.fork_choice.prune(root);
        // Forks off the finalized chain that the previous finality left in place.
        let dead: Vec<Root> = self
            .blocks
            .iter()
            .filter(|(root, info)| {
                info.number > previous_number
                    && info.number <= finalized_number
                    && !finalized_chain.contains(*root)
            })
            .map(|(root, _)| *root)
            .collect();
        for root in &dead {
            if let Some(info) = self.blocks.remove(root) {
                for tx in &info.transactions {
                    if self.transactions.get(&tx.hash).map(|(at, _)| at) == Some(root) {
                        self.transactions.remove(&tx.hash);
                    }
                }
            }
        }
        let blocks = &self.blocks;
        self.by_body_root
            .retain(|_, root| blocks.contains_key(root));
        // The newly finalized blocks' executions are stored with the pruning, in one batch, so
        // that a restart rebuilds them instead of executing them again.
        let mut batch = StoreBatch::new();
        let mut written = Vec::new();
        for root in &finalized_chain {
            let Some(info) = self.blocks.get(root) else {
                continue;
            };
            let Some(parent) = self.blocks.get(&info.parent_root) else {
                continue;
            };
            if info.block.is_none() || self.stored_executions.contains(root) {
                continue;
            }
            batch.put_shard_state(self.shard, *root, stored::encode(info, parent));
            written.push(*root);
        }
        // The store keeps the finalized chain; a fork's blocks go. The pass looks only at the
        // slots since the previous one, whose finalized blocks `finalized_chain` holds.
        let keep = finalized_chain;
        let pruned = store.prune_shard_chain_with(self.shard, finalized_slot, &keep, batch)?;
        let stored_executions = written.len();
        self.stored_executions.extend(written);
        debug!(
            shard = self.shard,
            number = finalized_number,
            fork_choice_dropped = dropped,
            forks_dropped = dead.len(),
            stored_blocks_pruned = pruned.blocks,
            stored_executions,
            "shard finality"
        );
        Ok(())
    }

    /// The body of the block whose body root is `body_root`, with the block's root.
    pub fn body_by_root(&self, body_root: &Root) -> Option<(Root, &[u8])> {
        let root = self.by_body_root.get(body_root)?;
        let block = self.blocks.get(root)?.block.as_ref()?;
        Some((*root, &block.message.body[..]))
    }

    /// Removes the pending claims of receipts `dead` (keys of claims that can never be
    /// credited).
    pub fn drop_claims(&mut self, dead: &[B256]) {
        self.pending_claims.retain(|c| !dead.contains(&c.key()));
    }

    /// The chain id transactions of this shard sign.
    pub fn chain_id(&self) -> u64 {
        self.mempool.chain_id()
    }

    /// The sender recovery cache, which the mempool and block execution share: a sender
    /// recovered into it before the chains are locked costs nothing under the lock.
    pub fn sender_cache(&self) -> &Arc<SenderCache> {
        &self.sender_cache
    }

    /// The execution context of a child of `parent_root`.
    pub fn child_context(&self, parent_root: &Root) -> Result<ExecutionContext, ShardError> {
        let parent = self
            .blocks
            .get(parent_root)
            .ok_or(ShardError::UnknownParent {
                root: Root::ZERO,
                parent: *parent_root,
            })?;
        self.context(parent)
    }

    /// The balance and nonce of `address` after block `root`.
    pub fn account(&self, root: &Root, address: &Address) -> Option<shard::Account> {
        Some(
            self.blocks
                .get(root)?
                .execution_state
                .accounts()
                .get_or_default(address),
        )
    }
}

/// `state.shard_states[shard]`.
fn shard_state<E: EthSpec>(
    state: &BeaconState<E>,
    shard: Shard,
) -> Result<&primitives::types::ShardState, ShardError> {
    beacon::accessors::shard_state(state, shard).map_err(|_| ShardError::UnknownShard(shard))
}
