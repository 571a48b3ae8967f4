//! The running node: a tokio driver that performs each slot's work at its time (the clock
//! tick and the beacon proposal at the slot start, shard proposals at 1/6, attestations at
//! 1/3, aggregation at 2/3), and the
//! [`NodeHandle`] through which APIs read the chains and submit transactions.
//!
//! The chains live behind one lock; the driver takes it for each duty on a blocking task,
//! readers take it briefly. Time comes only from the [`Clock`] given at start, so a test
//! drives the node with a [`ManualClock`](crate::clock::ManualClock) and waits for each duty
//! through [`NodeHandle::wait_for`].
//!
//! Starting a node: fill a [`NodeInputs`] (chain configuration, genesis beacon state, the
//! genesis execution state of each tracked shard, validator keys, a store, slashing protection
//! and a clock) and call [`Node::start`] inside a tokio runtime. The node resumes from the
//! store when it holds a chain of the same genesis. [`Node::handle`] gives the
//! [`NodeHandle`] every API reads through: the head, checkpoints, blocks and states, shard
//! blocks, accounts, supply and receipts, transaction submission, [`ChainEvent`]s and the
//! driver's [`Progress`]; [`ShardEthApi`](crate::rpc::ShardEthApi) wraps it for a shard's
//! JSON-RPC.

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use alloy_primitives::{Address, B256};
use parking_lot::RwLock;
use primitives::bls::SecretKey;
use primitives::types::{
    Attestation, AttesterSlashing, BeaconState, Bytes32, Checkpoint, ProposerSlashing,
    PublicKeyBytes, Root, Shard, ShardTransition, SignedBeaconBlock, SignedShardBlock,
    SignedVoluntaryExit, Slot,
};
use primitives::{ChainConfig, EthSpec};
use shard::{Account, ExecutionState};
use storage::Store;
use storage::slashing_protection::SlashingDatabase;
use tokio::sync::{broadcast, watch};
use tokio::task::JoinHandle;
use tracing::{debug, warn};
use tree_hash::TreeHash;

use crate::chain::{BeaconChain, ChainError, Head};
use crate::clock::{Clock, SlotClock};
use crate::p2p::published::SubnetAttestation;
use crate::p2p::service::{Outbound, Queue};
use crate::p2p::{NetworkHandle, NetworkInputs, Published};
use crate::service::{NodeChains, ServiceError};
use crate::shards::{IncludedTransaction, ShardError, ShardSupply};
use crate::validator::ValidatorClient;

/// The longest the driver sleeps before looking at the clock again (a manual clock moves
/// without waking it).
const CLOCK_POLL: Duration = Duration::from_millis(5);

/// What a node starts from.
pub struct NodeInputs<E: EthSpec, S: Store> {
    /// The chain configuration.
    pub config: ChainConfig,
    /// The genesis beacon state.
    pub genesis_state: BeaconState<E>,
    /// The genesis execution state of each shard the node tracks.
    pub shard_genesis: BTreeMap<Shard, ExecutionState>,
    /// The keys of the validators the node runs (none for a node without validators).
    pub keys: Vec<SecretKey>,
    /// The store (the chains, and usually the slashing protection's file too).
    pub store: S,
    /// The slashing protection database.
    pub slashing_protection: SlashingDatabase,
    /// The clock.
    pub clock: Arc<dyn Clock>,
    /// The most transactions per shard mempool.
    pub mempool_capacity: usize,
    /// The graffiti of proposed blocks.
    pub graffiti: Bytes32,
}

/// Why a node could not start.
#[derive(Debug, thiserror::Error)]
pub enum NodeError {
    /// The chains could not be opened.
    #[error(transparent)]
    Service(#[from] ServiceError),
    /// Slashing protection could not register the validators.
    #[error("slashing protection: {0}")]
    SlashingProtection(#[from] storage::StoreError),
}

/// The work of a slot, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Phase {
    /// The slot start: fork choice's tick, then the beacon block proposal.
    Propose,
    /// A sixth into the slot: the shard block proposals. Shard blocks name the slot's beacon
    /// block as their parent (what crosslinks check them against), so they wait for it; and
    /// attesters, a sixth later, vote on them.
    ProposeShards,
    /// A third into the slot: attestations.
    Attest,
    /// Two thirds into the slot: aggregation.
    Aggregate,
}

impl Phase {
    /// How far into a slot of `slot` length the phase starts.
    fn offset(self, slot: Duration) -> Duration {
        let third = slot / 3;
        match self {
            Self::Propose => Duration::ZERO,
            Self::ProposeShards => third / 2,
            Self::Attest => third,
            Self::Aggregate => third * 2,
        }
    }
}

/// The last slot phase the driver completed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Progress {
    /// The slot.
    pub slot: Slot,
    /// The phase.
    pub phase: Phase,
}

impl Progress {
    fn next(self) -> Self {
        match self.phase {
            Phase::Propose => Self {
                phase: Phase::ProposeShards,
                ..self
            },
            Phase::ProposeShards => Self {
                phase: Phase::Attest,
                ..self
            },
            Phase::Attest => Self {
                phase: Phase::Aggregate,
                ..self
            },
            Phase::Aggregate => Self {
                slot: self.slot.saturating_add(1),
                phase: Phase::Propose,
            },
        }
    }
}

/// What the node announces as its chains move (what the Beacon API's event stream and other
/// subscribers read), in the order it happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainEvent {
    /// The beacon head changed.
    Head {
        /// The head block's slot.
        slot: Slot,
        /// The head block's root.
        block_root: Root,
        /// The head block's state root.
        state_root: Root,
        /// Whether the new head is in a later epoch than the previous one.
        epoch_transition: bool,
    },
    /// Finality advanced.
    FinalizedCheckpoint(Checkpoint),
    /// A shard's canonical head changed.
    ShardHead(ShardBlockSummary),
}

/// The capacity of the event channel: a subscriber more than this many events behind loses
/// the oldest.
const EVENT_CAPACITY: usize = 1024;

/// The heads before some work, to announce what changed after it.
struct Heads {
    beacon: Head,
    finalized: Checkpoint,
    shards: Vec<(Shard, Root)>,
}

impl Heads {
    fn of<E: EthSpec, S: Store>(chains: &NodeChains<E, S>) -> Self {
        Self {
            beacon: chains.beacon.head(),
            finalized: chains.beacon.finalized_checkpoint().clone(),
            shards: chains
                .shards
                .iter()
                .map(|(shard, chain)| (*shard, chain.head().root))
                .collect(),
        }
    }

    /// Sends the events of what changed since `self`.
    fn announce<E: EthSpec, S: Store>(
        &self,
        chains: &NodeChains<E, S>,
        events: &broadcast::Sender<ChainEvent>,
    ) {
        let slots_per_epoch = chains.beacon.config().slots_per_epoch.max(1);
        let head = chains.beacon.head();
        // A send fails only without subscribers, which is no error.
        if head != self.beacon {
            let _ = events.send(ChainEvent::Head {
                slot: head.slot,
                block_root: head.block_root,
                state_root: head.state_root,
                epoch_transition: head.slot / slots_per_epoch != self.beacon.slot / slots_per_epoch,
            });
        }
        for (shard, before) in &self.shards {
            if let Some(chain) = chains.shards.get(shard)
                && chain.head().root != *before
            {
                let _ = events.send(ChainEvent::ShardHead(summary(*shard, chain.head())));
            }
        }
        let finalized = chains.beacon.finalized_checkpoint();
        if finalized.epoch > self.finalized.epoch {
            let _ = events.send(ChainEvent::FinalizedCheckpoint(finalized.clone()));
        }
    }
}

fn summary<E: EthSpec>(shard: Shard, info: &crate::shards::ShardBlockInfo<E>) -> ShardBlockSummary {
    ShardBlockSummary {
        shard,
        root: info.root,
        parent_root: info.parent_root,
        slot: info.slot,
        number: info.number,
        state_root: info.execution_state.root(),
        gasprice: info.gasprice,
        transactions: info.transactions.len(),
        gas_used: info
            .transactions
            .last()
            .map_or(0, |tx| tx.cumulative_gas_used),
    }
}

/// A clock shared behind a trait object.
#[derive(Clone)]
struct SharedClock(Arc<dyn Clock>);

impl Clock for SharedClock {
    fn now(&self) -> Duration {
        self.0.now()
    }
}

struct Shared<E: EthSpec, S: Store> {
    chains: RwLock<NodeChains<E, S>>,
    validator: ValidatorClient,
    slot_clock: SlotClock<SharedClock>,
    progress: watch::Sender<Option<Progress>>,
    events: broadcast::Sender<ChainEvent>,
    config: ChainConfig,
    /// Where what the node produces goes to be published, when it is on a network.
    outbound: OnceLock<Outbound<E>>,
    /// The network service, when the node is on a network.
    network: OnceLock<NetworkHandle>,
}

impl<E: EthSpec, S: Store> Shared<E, S> {
    /// Hands `messages` to the network service (dropped without a network, or when the
    /// service is that far behind).
    fn publish(&self, messages: impl IntoIterator<Item = Published<E>>) {
        let Some(outbound) = self.outbound.get() else {
            return;
        };
        for message in messages {
            let transaction = Queue::of(&message) == Queue::Transactions;
            match outbound.send(message) {
                Ok(()) => {}
                // It stays in this node's mempool, for this node's proposers to include.
                Err(error) if transaction => debug!(%error, "transaction not gossiped"),
                Err(error) => warn!(%error, "message not handed to the network"),
            }
        }
    }
}

/// A running node: its driver task and its handle. Dropping it leaves the driver running;
/// [`Node::abort`] stops it at once, with no shutdown path (as a killed process would stop).
pub struct Node<E: EthSpec, S: Store> {
    handle: NodeHandle<E, S>,
    driver: JoinHandle<()>,
}

impl<E: EthSpec, S: Store + 'static> Node<E, S> {
    /// Opens the chains (from genesis or resumed from the store) and spawns the driver on the
    /// current tokio runtime.
    pub fn start(inputs: NodeInputs<E, S>) -> Result<Self, NodeError> {
        let clock = SharedClock(inputs.clock);
        let now_ms = millis(clock.now());
        let slot_clock = SlotClock::new(
            clock,
            inputs.genesis_state.genesis_time,
            inputs.config.seconds_per_slot,
            inputs.config.slots_per_epoch,
        );
        let chains = NodeChains::open(
            &inputs.config,
            inputs.store,
            &inputs.genesis_state,
            &inputs.shard_genesis,
            inputs.mempool_capacity,
            now_ms,
        )?;
        let validator = ValidatorClient::new(
            inputs.keys,
            &inputs.genesis_state,
            inputs.slashing_protection,
            inputs.graffiti,
        )?;
        let (progress, _) = watch::channel(None);
        let (events, _) = broadcast::channel(EVENT_CAPACITY);
        let shared = Arc::new(Shared {
            chains: RwLock::new(chains),
            validator,
            slot_clock,
            progress,
            events,
            config: inputs.config,
            outbound: OnceLock::new(),
            network: OnceLock::new(),
        });
        let driver = tokio::spawn(drive(Arc::clone(&shared)));
        Ok(Self {
            handle: NodeHandle { shared },
            driver,
        })
    }

    /// Starts the node as [`Node::start`] does, on a network: the network service joins the
    /// peers of `network` (dialing its bootnodes), publishes what the node produces, imports
    /// what its peers send and syncs from them.
    pub fn start_networked<T: network::Transport>(
        inputs: NodeInputs<E, S>,
        network: NetworkInputs<T>,
    ) -> Result<Self, NodeError> {
        let node = Self::start(inputs)?;
        let (outbound, queues) = crate::p2p::service::outbound();
        let _ = node.handle.shared.outbound.set(outbound);
        let handle = crate::p2p::spawn(node.handle(), network, queues);
        let _ = node.handle.shared.network.set(handle);
        Ok(node)
    }

    /// The handle APIs use.
    pub fn handle(&self) -> NodeHandle<E, S> {
        self.handle.clone()
    }

    /// Stops the driver where it is, without any shutdown work.
    pub fn abort(self) {
        self.driver.abort();
    }
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

/// The driver: each phase of each slot at its time, from the current slot on (slot 1 at the
/// earliest: genesis has no duties). A node that falls more than a slot behind skips to the
/// current slot.
async fn drive<E: EthSpec, S: Store + 'static>(shared: Arc<Shared<E, S>>) {
    let slots = &shared.slot_clock;
    let mut next = Progress {
        slot: slots.now_or_genesis().max(1),
        phase: Phase::Propose,
    };
    loop {
        let at = slots.start_of(next.slot) + next.phase.offset(slots.slot_duration());
        loop {
            let now = slots.clock().now();
            if now >= at {
                break;
            }
            tokio::time::sleep((at - now).min(CLOCK_POLL)).await;
        }
        if let Some(current) = slots.now()
            && current > next.slot.saturating_add(1)
        {
            warn!(
                from = next.slot,
                to = current,
                "behind the clock, skipping slots"
            );
            next = Progress {
                slot: current,
                phase: Phase::Propose,
            };
            continue;
        }
        let work = Arc::clone(&shared);
        let done = tokio::task::spawn_blocking(move || run_phase(&work, next)).await;
        if let Err(error) = done {
            warn!(%error, "slot work panicked");
        }
        shared.progress.send_replace(Some(next));
        next = next.next();
    }
}

/// One phase's work, holding the chains' lock.
fn run_phase<E: EthSpec, S: Store>(shared: &Shared<E, S>, at: Progress) {
    let mut chains = shared.chains.write();
    let before = Heads::of(&chains);
    let now_ms = millis(shared.slot_clock.clock().now());
    if let Err(error) = chains.on_tick(now_ms) {
        warn!(%error, "fork choice tick failed");
    }
    let validator = &shared.validator;
    // A node more than an epoch behind a peer would build on a stale head: it waits until
    // range sync brought it close (a short sync after a missed block does not stop duties).
    let behind = shared.network.get().is_some_and(|network| {
        let (syncing, target) = network.sync_state();
        syncing && target.saturating_sub(chains.beacon.head().slot) > shared.config.slots_per_epoch
    });
    let result = match at.phase {
        _ if behind => Ok(()),
        Phase::Propose => validator.propose_beacon_block(&mut chains, at.slot),
        Phase::ProposeShards => validator.propose_shard_blocks(&mut chains, at.slot),
        Phase::Attest => validator
            .attest(&mut chains, at.slot)
            .and_then(|()| validator.vote_light_client(&mut chains, at.slot)),
        Phase::Aggregate => validator.aggregate(&mut chains, at.slot),
    };
    if let Err(error) = result {
        warn!(slot = at.slot, phase = ?at.phase, %error, "duty failed");
    }
    shared.publish(std::mem::take(&mut chains.outbox));
    before.announce(&chains, &shared.events);
    debug!(slot = at.slot, phase = ?at.phase, head = chains.beacon.head().slot, "slot phase done");
}

/// Which shard block a query reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShardBlockQuery {
    /// The canonical head.
    Head,
    /// The latest block crosslinked in the finalized beacon state.
    Finalized,
    /// The canonical block at this height.
    Number(u64),
}

/// A shard block as queries report it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShardBlockSummary {
    /// The shard.
    pub shard: Shard,
    /// The block root (the shard's genesis root for height 0).
    pub root: Root,
    /// The shard parent's root (the block's own root for the shard's genesis).
    pub parent_root: Root,
    /// The slot.
    pub slot: Slot,
    /// The height.
    pub number: u64,
    /// The execution state root after it.
    pub state_root: B256,
    /// The shard gas price after it, in Gwei.
    pub gasprice: u64,
    /// The number of transactions.
    pub transactions: usize,
    /// The gas its transactions used.
    pub gas_used: u64,
}

/// Where a transaction was included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransactionLocation {
    /// The transaction as its receipt reports it.
    pub transaction: IncludedTransaction,
    /// Its position in the block.
    pub index: usize,
    /// The block.
    pub block: ShardBlockSummary,
    /// Whether the block is final (crosslinked in the finalized beacon state, or before).
    pub finalized: bool,
}

/// A cheap, cloneable handle on a running node: what the HTTP API, the JSON-RPC and tests
/// read and submit through.
pub struct NodeHandle<E: EthSpec, S: Store> {
    shared: Arc<Shared<E, S>>,
}

impl<E: EthSpec, S: Store> Clone for NodeHandle<E, S> {
    fn clone(&self) -> Self {
        Self {
            shared: Arc::clone(&self.shared),
        }
    }
}

impl<E: EthSpec, S: Store> NodeHandle<E, S> {
    /// The chain configuration.
    pub fn config(&self) -> &ChainConfig {
        &self.shared.config
    }

    /// The slot clock.
    pub fn current_slot(&self) -> Option<Slot> {
        self.shared.slot_clock.now()
    }

    /// The last slot phase the driver completed, `None` before the first.
    pub fn progress(&self) -> Option<Progress> {
        *self.shared.progress.borrow()
    }

    /// A receiver notified after each slot phase.
    pub fn subscribe(&self) -> watch::Receiver<Option<Progress>> {
        self.shared.progress.subscribe()
    }

    /// A receiver of the node's [`ChainEvent`]s from now on.
    pub fn events(&self) -> broadcast::Receiver<ChainEvent> {
        self.shared.events.subscribe()
    }

    /// Waits until the driver has completed `phase` of `slot`.
    pub async fn wait_for(&self, slot: Slot, phase: Phase) {
        let target = Progress { slot, phase };
        let mut receiver = self.subscribe();
        // The sender lives as long as `self`, so the wait ends only when the phase is done.
        let _ = receiver
            .wait_for(|progress| progress.is_some_and(|p| p >= target))
            .await;
    }

    /// Runs `read` on the beacon chain.
    pub fn with_beacon<T>(&self, read: impl FnOnce(&BeaconChain<E, S>) -> T) -> T {
        read(&self.shared.chains.read().beacon)
    }

    /// The head.
    pub fn head(&self) -> Head {
        self.with_beacon(BeaconChain::head)
    }

    /// The head block's post-state.
    pub fn head_state(&self) -> Result<Arc<BeaconState<E>>, ChainError> {
        self.with_beacon(BeaconChain::head_state)
    }

    /// The finalized checkpoint.
    pub fn finalized_checkpoint(&self) -> Checkpoint {
        self.with_beacon(|chain| chain.finalized_checkpoint().clone())
    }

    /// The justified checkpoint fork choice uses.
    pub fn justified_checkpoint(&self) -> Checkpoint {
        self.with_beacon(|chain| chain.justified_checkpoint().clone())
    }

    /// The genesis block root.
    pub fn genesis_block_root(&self) -> Root {
        self.with_beacon(BeaconChain::genesis_block_root)
    }

    /// The beacon block with root `root`.
    pub fn block_by_root(
        &self,
        root: &Root,
    ) -> Result<Option<Arc<SignedBeaconBlock<E>>>, ChainError> {
        self.with_beacon(|chain| chain.block_by_root(root))
    }

    /// The canonical beacon block root at `slot` (or the latest before it).
    pub fn block_root_at_slot(&self, slot: Slot) -> Result<Option<Root>, ChainError> {
        self.with_beacon(|chain| chain.block_root_at_slot(slot))
    }

    /// The post-state of block `block_root`.
    pub fn state_by_block_root(
        &self,
        block_root: &Root,
    ) -> Result<Option<Arc<BeaconState<E>>>, ChainError> {
        self.with_beacon(|chain| chain.state_by_block_root(block_root))
    }

    /// The state with root `state_root`.
    pub fn state_by_state_root(
        &self,
        state_root: &Root,
    ) -> Result<Option<Arc<BeaconState<E>>>, ChainError> {
        self.with_beacon(|chain| chain.state_by_state_root(state_root))
    }

    /// The canonical state at `slot`.
    pub fn state_at_slot(&self, slot: Slot) -> Result<Option<Arc<BeaconState<E>>>, ChainError> {
        self.with_beacon(|chain| chain.state_at_slot(slot))
    }

    /// Runs `work` on the chains after moving fork choice to the clock's time, and announces
    /// what changed: how the network service imports what its peers send.
    pub(crate) fn with_chains_mut<T>(&self, work: impl FnOnce(&mut NodeChains<E, S>) -> T) -> T {
        let mut chains = self.shared.chains.write();
        let before = Heads::of(&chains);
        let now_ms = millis(self.shared.slot_clock.clock().now());
        if let Err(error) = chains.on_tick(now_ms) {
            debug!(%error, "fork choice tick failed");
        }
        let result = work(&mut chains);
        chains.outbox.clear();
        before.announce(&chains, &self.shared.events);
        result
    }

    /// Imports a beacon block from a peer (not published again: the gossip engine forwards).
    pub(crate) fn import_beacon_block(
        &self,
        block: SignedBeaconBlock<E>,
    ) -> Result<Root, ChainError> {
        self.with_chains_mut(|chains| chains.process_beacon_block(block))
    }

    /// Imports a shard block from a peer.
    pub(crate) fn import_shard_block(
        &self,
        block: SignedShardBlock<E>,
    ) -> Result<Root, ShardError> {
        self.with_chains_mut(|chains| chains.process_shard_block(block))
    }

    /// Admits a transaction from a peer to `shard`'s mempool.
    pub(crate) fn import_transaction(&self, shard: Shard, raw: &[u8]) -> Result<B256, ShardError> {
        let recovered = self.recover_unlocked(shard, raw);
        let mut chains = self.shared.chains.write();
        let chain = chains
            .shards
            .get_mut(&shard)
            .ok_or(ShardError::UnknownShard(shard))?;
        match recovered {
            Some((tx, sender)) => chain.submit_recovered(tx, sender),
            None => chain.submit_transaction(raw),
        }
    }

    /// Decodes `raw` for `shard` and recovers its sender (into the shard's sender cache, which
    /// block execution reads) without holding the chains' lock: sender recovery is most of a
    /// transaction's admission cost, and the slot's duties wait on the lock. `None` when it
    /// does not decode or recover: the admission under the lock then refuses it with the reason.
    fn recover_unlocked(
        &self,
        shard: Shard,
        raw: &[u8],
    ) -> Option<(shard::ShardTransaction, Address)> {
        let (cache, chain_id) = self
            .shared
            .chains
            .read()
            .shards
            .get(&shard)
            .map(|chain| (Arc::clone(chain.sender_cache()), chain.chain_id()))?;
        let tx = shard::ShardTransaction::decode(raw, chain_id).ok()?;
        let sender = cache.recover(&tx).ok()?;
        Some((tx, sender))
    }

    /// The network service, when the node runs on a network.
    pub fn network(&self) -> Option<&NetworkHandle> {
        self.shared.network.get()
    }

    /// Imports a beacon block from outside (the API) and publishes it.
    pub fn submit_beacon_block(&self, block: SignedBeaconBlock<E>) -> Result<Root, ChainError> {
        let root = self.import_beacon_block(block.clone())?;
        self.shared
            .publish([Published::BeaconBlock(Box::new(block))]);
        Ok(root)
    }

    /// Imports a shard block from outside (the API), updates its shard's head and publishes
    /// it.
    pub fn submit_shard_block(&self, block: SignedShardBlock<E>) -> Result<Root, ShardError> {
        let root = self.import_shard_block(block.clone())?;
        self.shared
            .publish([Published::ShardBlock(Box::new(block))]);
        Ok(root)
    }

    /// Takes an attestation into the pool and fork choice, after checking it, and publishes
    /// it on its subnet when the node knows the full shard transition it votes for (the
    /// subnet message carries it; see [`SubnetAttestation`]).
    pub fn submit_attestation(&self, attestation: Attestation<E>) -> Result<(), ChainError> {
        let subnet =
            self.with_beacon(|chain| crate::validator::subnet_of(chain, &attestation.data));
        let root = attestation.data.shard_transition_root;
        let transition = self.with_chains_mut(|chains| {
            chains.beacon.process_attestation(attestation.clone())?;
            let empty = ShardTransition::<E>::default();
            Ok::<_, ChainError>(if empty.tree_hash_root() == root {
                Some(empty)
            } else {
                chains.beacon.attestation_pool.transition(&root).cloned()
            })
        })?;
        match (subnet, transition) {
            (Some(subnet), Some(shard_transition)) => {
                self.shared.publish([Published::Attestation {
                    subnet,
                    attestation: Box::new(SubnetAttestation {
                        attestation,
                        shard_transition,
                    }),
                }]);
            }
            (_, None) => debug!(%root, "attestation kept local: its shard transition is unknown"),
            (None, _) => {}
        }
        Ok(())
    }

    /// Takes a voluntary exit into the operation pool, after checking it on the head state,
    /// and publishes it.
    pub fn submit_voluntary_exit(&self, exit: SignedVoluntaryExit) -> Result<(), ChainError> {
        self.with_chains_mut(|chains| chains.beacon.process_voluntary_exit(exit.clone()))?;
        self.shared
            .publish([Published::VoluntaryExit(Box::new(exit))]);
        Ok(())
    }

    /// Takes a proposer slashing into the operation pool, after checking it on the head state,
    /// and publishes it.
    pub fn submit_proposer_slashing(&self, slashing: ProposerSlashing) -> Result<(), ChainError> {
        self.with_chains_mut(|chains| chains.beacon.process_proposer_slashing(slashing.clone()))?;
        self.shared
            .publish([Published::ProposerSlashing(Box::new(slashing))]);
        Ok(())
    }

    /// Takes an attester slashing into the operation pool, after checking it on the head state,
    /// and publishes it.
    pub fn submit_attester_slashing(
        &self,
        slashing: AttesterSlashing<E>,
    ) -> Result<(), ChainError> {
        self.with_chains_mut(|chains| chains.beacon.process_attester_slashing(slashing.clone()))?;
        self.shared
            .publish([Published::AttesterSlashing(Box::new(slashing))]);
        Ok(())
    }

    /// The tracked shards.
    pub fn shards(&self) -> Vec<Shard> {
        self.shared.chains.read().shards.keys().copied().collect()
    }

    fn with_shard<T>(
        &self,
        shard: Shard,
        read: impl FnOnce(&crate::shards::ShardChain<E>) -> Result<T, ShardError>,
    ) -> Result<T, ShardError> {
        let chains = self.shared.chains.read();
        let chain = chains
            .shards
            .get(&shard)
            .ok_or(ShardError::UnknownShard(shard))?;
        read(chain)
    }

    /// A shard block of `shard`.
    pub fn shard_block(
        &self,
        shard: Shard,
        id: ShardBlockQuery,
    ) -> Result<Option<ShardBlockSummary>, ShardError> {
        self.with_shard(shard, |chain| {
            let info = match id {
                ShardBlockQuery::Head => Some(chain.head()),
                ShardBlockQuery::Finalized => Some(chain.finalized()),
                ShardBlockQuery::Number(number) => chain.block_by_number(number),
            };
            Ok(info.map(|info| summary(shard, info)))
        })
    }

    /// The transactions of shard block `id`, in order (`None` without such a block).
    pub fn shard_block_transactions(
        &self,
        shard: Shard,
        id: ShardBlockQuery,
    ) -> Result<Option<Vec<IncludedTransaction>>, ShardError> {
        self.with_shard(shard, |chain| {
            let info = match id {
                ShardBlockQuery::Head => Some(chain.head()),
                ShardBlockQuery::Finalized => Some(chain.finalized()),
                ShardBlockQuery::Number(number) => chain.block_by_number(number),
            };
            Ok(info.map(|info| info.transactions.clone()))
        })
    }

    /// The account of `address` on `shard` after block `id` (`None` without such a block).
    pub fn account(
        &self,
        shard: Shard,
        address: Address,
        id: ShardBlockQuery,
    ) -> Result<Option<Account>, ShardError> {
        self.with_shard(shard, |chain| {
            let info = match id {
                ShardBlockQuery::Head => Some(chain.head()),
                ShardBlockQuery::Finalized => Some(chain.finalized()),
                ShardBlockQuery::Number(number) => chain.block_by_number(number),
            };
            Ok(info.map(|info| info.execution_state.accounts().get_or_default(&address)))
        })
    }

    /// The value totals of `shard` at its canonical head.
    pub fn shard_supply(&self, shard: Shard) -> Result<ShardSupply, ShardError> {
        self.with_shard(shard, |chain| Ok(chain.head().supply))
    }

    /// The sum of the balances of `shard` at its canonical head.
    pub fn shard_total_balance(&self, shard: Shard) -> Result<alloy_primitives::U256, ShardError> {
        self.with_shard(shard, |chain| {
            Ok(chain.head().execution_state.accounts().total_balance())
        })
    }

    /// Cross-shard receipts released to `shard` and not yet claimed.
    pub fn pending_claims(&self, shard: Shard) -> Result<usize, ShardError> {
        self.with_shard(shard, |chain| Ok(chain.pending_claims().len()))
    }

    /// Transactions waiting in `shard`'s mempool.
    pub fn mempool_len(&self, shard: Shard) -> Result<usize, ShardError> {
        self.with_shard(shard, |chain| Ok(chain.mempool().len()))
    }

    /// Admits a raw signed transaction (EIP-2718 bytes) to `shard`'s mempool.
    /// The transaction is published on `shard_tx_{shard}` once admitted.
    pub fn submit_transaction(&self, shard: Shard, raw: &[u8]) -> Result<B256, ShardError> {
        let hash = self.import_transaction(shard, raw)?;
        self.shared.publish([Published::Transaction {
            shard,
            raw: raw.to_vec(),
        }]);
        Ok(hash)
    }

    /// Where transaction `hash` was included on `shard`'s canonical chain, if it was.
    pub fn transaction(
        &self,
        shard: Shard,
        hash: &B256,
    ) -> Result<Option<TransactionLocation>, ShardError> {
        self.with_shard(shard, |chain| {
            let Some((info, transaction)) = chain.transaction(hash) else {
                return Ok(None);
            };
            if !chain.is_canonical(&info.root) {
                return Ok(None);
            }
            let index = info
                .transactions
                .iter()
                .position(|t| t.hash == *hash)
                .unwrap_or_default();
            Ok(Some(TransactionLocation {
                transaction: transaction.clone(),
                index,
                block: summary(shard, info),
                finalized: chain.is_finalized(&info.root),
            }))
        })
    }

    /// Runs `read` on the chain of `shard`, `None` when the node does not track it.
    pub fn with_shard_chain<T>(
        &self,
        shard: Shard,
        read: impl FnOnce(&crate::shards::ShardChain<E>) -> T,
    ) -> Option<T> {
        self.shared.chains.read().shards.get(&shard).map(read)
    }

    /// The public keys of the validators the node runs.
    pub fn validator_pubkeys(&self) -> Vec<PublicKeyBytes> {
        self.shared.validator.pubkeys()
    }

    /// Whether the node holds the key of `pubkey`.
    pub fn holds_validator_key(&self, pubkey: &PublicKeyBytes) -> bool {
        self.shared.validator.holds(pubkey)
    }

    /// Adds a validator key while the node runs, registered with slashing protection first:
    /// its validator performs duties from the next one on, once the head state lists it (a
    /// pending deposit waits). Returns `false` when the key is already held.
    pub fn add_validator_key(&self, key: SecretKey) -> Result<bool, storage::StoreError> {
        let pubkey = key.public_key().to_bytes();
        let index = self.head_state().ok().and_then(|state| {
            state
                .validators
                .iter()
                .zip(0u64..)
                .find(|(validator, _)| validator.pubkey == pubkey)
                .map(|(_, index)| index)
        });
        self.shared.validator.add_key(key, index)
    }

    /// Stops signing with the key of `pubkey`; returns whether it was held. When this
    /// returns, no duty is signing with it any more (a duty runs under the chains' lock, which
    /// is taken once after the key is gone), so slashing protection holds its last signature.
    pub fn remove_validator_key(&self, pubkey: &PublicKeyBytes) -> bool {
        let removed = self.shared.validator.remove_key(pubkey);
        if removed {
            drop(self.shared.chains.write());
        }
        removed
    }

    /// The slashing protection database of the node's validators.
    pub fn slashing_protection(&self) -> &SlashingDatabase {
        self.shared.validator.slashing_protection()
    }

    /// The number of validators the node runs.
    pub fn validator_count(&self) -> usize {
        self.shared.validator.len()
    }
}
