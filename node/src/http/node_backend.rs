//! The HTTP server's backend over a running node: every [`BeaconNodeBackend`] lookup reads
//! through the [`NodeHandle`], submissions go through its verified `submit_*` methods, the
//! node's [`ChainEvent`]s become the Beacon API's events, and the metrics are brought up to
//! date from the chains whenever they are rendered.

use std::ops::Range;
use std::path::PathBuf;
use std::sync::Arc;

use alloy_primitives::{Address, B256};
use parking_lot::Mutex;
use primitives::bls::keystore::Keystore;
use primitives::types::{Attestation, PublicKeyBytes, Root, Shard, SignedBeaconBlock, Slot};
use primitives::{ChainConfig, EthSpec};
use shard::{Account, ExecutionPayload, TransactionReceipt, receipt_key};
use ssz::Decode;
use storage::Store;
use storage::slashing_protection::Interchange;
use tokio::sync::broadcast;

use super::BeaconNodeBackend;
use super::backend::{
    BlockAt, BlockEvent, DeleteStatus, Event, FinalizedCheckpointEvent, GenesisInfo, HeadEvent,
    ImportStatus, ItemFailure, KeystoreInfo, KeystoreOutcome, NodeIdentity, NodeMetadata,
    PeerCount, PoolContents, PoolOperation, ReceiptAt, ShardBlockAt, ShardBlockId, StateAt,
    SyncStatus,
};
use super::crosslink_tally::CrosslinkTally;
use crate::api::{ApiError, BlockId, StateId};
use crate::chain::ChainError;
use crate::datadir::{keystore_path, secret_path};
use crate::metrics::NodeMetrics;
use crate::rpc::{EthApi, ShardEthApi};
use crate::runtime::{ChainEvent, NodeHandle};
use crate::shards::{ShardBlockInfo, ShardChain, ShardError};

/// The capacity of the HTTP event channel: a subscriber more than this many events behind
/// loses the oldest.
const EVENT_CAPACITY: usize = 1024;

/// A [`BeaconNodeBackend`] over a running node.
pub struct NodeBackend<E: EthSpec, S: Store> {
    node: NodeHandle<E, S>,
    genesis: GenesisInfo,
    identity: NodeIdentity,
    metrics: Arc<NodeMetrics>,
    events: broadcast::Sender<Event<E>>,
    data_dir: Option<PathBuf>,
    /// The slots whose crosslinks the metrics counted.
    crosslinks_seen: Mutex<CrosslinkTally>,
}

impl<E: EthSpec, S: Store + 'static> NodeBackend<E, S> {
    /// The backend of `node`, announcing itself at `http_address` (`host:port`), with its
    /// metrics in `metrics`. Spawns, on the current tokio runtime, the task that turns the
    /// node's chain events into HTTP events.
    pub fn new(node: NodeHandle<E, S>, http_address: &str, metrics: Arc<NodeMetrics>) -> Self {
        // Every state carries the genesis time and validators root.
        let head = node.head_state().ok();
        let genesis = GenesisInfo {
            time: head.as_ref().map_or(0, |state| state.genesis_time),
            validators_root: head
                .as_ref()
                .map_or(Root::ZERO, |state| state.genesis_validators_root),
            fork_version: node.config().genesis_fork_version,
        };
        let identity = NodeIdentity {
            peer_id: format!("shardnet-{http_address}"),
            enr: format!("shardnet:{http_address}"),
            p2p_addresses: Vec::new(),
            discovery_addresses: Vec::new(),
            metadata: NodeMetadata {
                seq_number: 0,
                attnets: String::from("0x0000000000000000"),
            },
        };
        let (events, _) = broadcast::channel(EVENT_CAPACITY);
        tokio::spawn(forward_events(node.clone(), events.clone()));
        Self {
            node,
            genesis,
            identity,
            metrics,
            events,
            data_dir: None,
            crosslinks_seen: Mutex::new(CrosslinkTally::default()),
        }
    }

    /// The node's metrics.
    pub fn node_metrics(&self) -> &Arc<NodeMetrics> {
        &self.metrics
    }

    fn state_of_block(&self, block_root: Root) -> Result<Option<StateAt<E>>, ApiError> {
        let Some(block) = self.node.block_by_root(&block_root).map_err(chain_error)? else {
            return Ok(None);
        };
        let Some(state) = self
            .node
            .state_by_block_root(&block_root)
            .map_err(chain_error)?
        else {
            return Ok(None);
        };
        Ok(Some(StateAt {
            finalized: self.is_finalized_slot(state.slot) && self.is_canonical(block_root),
            root: block.message.state_root,
            state,
        }))
    }

    fn is_finalized_slot(&self, slot: Slot) -> bool {
        let finalized = self.node.finalized_checkpoint();
        slot <= finalized
            .epoch
            .saturating_mul(self.node.config().slots_per_epoch)
    }

    fn is_canonical(&self, block_root: Root) -> bool {
        let Ok(Some(block)) = self.node.block_by_root(&block_root) else {
            return false;
        };
        matches!(
            self.node.block_root_at_slot(block.message.slot),
            Ok(Some(root)) if root == block_root
        )
    }

    /// A checkpoint root, the genesis block's while it is zero.
    fn checkpoint_block(&self, root: Root) -> Root {
        if root == Root::ZERO {
            self.node.genesis_block_root()
        } else {
            root
        }
    }

    fn block_at(&self, root: Root) -> Result<Option<BlockAt<E>>, ApiError> {
        let Some(block) = self.node.block_by_root(&root).map_err(chain_error)? else {
            return Ok(None);
        };
        let canonical = self.is_canonical(root);
        Ok(Some(BlockAt {
            finalized: canonical && self.is_finalized_slot(block.message.slot),
            canonical,
            root,
            block,
        }))
    }

    fn with_shard<T>(
        &self,
        shard: Shard,
        read: impl FnOnce(&ShardChain<E>) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        self.node
            .with_shard_chain(shard, read)
            .unwrap_or_else(|| Err(ApiError::not_found(format!("shard {shard} is not tracked"))))
    }

    /// The latest shard slot the head state crosslinked for `shard`.
    fn crosslinked_slot(&self, shard: Shard) -> Option<Slot> {
        let state = self.node.head_state().ok()?;
        let index = usize::try_from(shard).ok()?;
        state
            .shard_states
            .get(index)
            .map(|shard_state| shard_state.slot)
    }

    fn shard_block_at(
        &self,
        chain: &ShardChain<E>,
        info: &ShardBlockInfo<E>,
        crosslinked_slot: Option<Slot>,
    ) -> Option<ShardBlockAt<E>> {
        let block = info.block.clone()?;
        let canonical = chain.is_canonical(&info.root);
        Some(ShardBlockAt {
            root: info.root,
            crosslinked: canonical && crosslinked_slot.is_some_and(|slot| slot >= info.slot),
            finalized: chain.is_finalized(&info.root),
            block,
        })
    }

    /// Keeps imported keystores in the data directory at `path` (`keystores/`, `secrets/`),
    /// where the node loads them again at its next start.
    pub fn with_data_dir(mut self, path: PathBuf) -> Self {
        self.data_dir = Some(path);
        self
    }

    fn import_one(&self, keystore: &Keystore, password: &str) -> KeystoreOutcome<ImportStatus> {
        let outcome = |status, message: String| KeystoreOutcome { status, message };
        if self.node.holds_validator_key(keystore.pubkey()) {
            return outcome(ImportStatus::Duplicate, String::new());
        }
        let key = match keystore.decrypt(password) {
            Ok(key) => key,
            Err(error) => return outcome(ImportStatus::Error, error.to_string()),
        };
        if let Err(error) = self.write_files(keystore, password) {
            return outcome(ImportStatus::Error, error);
        }
        match self.node.add_validator_key(key) {
            Ok(true) => outcome(ImportStatus::Imported, String::new()),
            Ok(false) => outcome(ImportStatus::Duplicate, String::new()),
            Err(error) => outcome(ImportStatus::Error, format!("slashing protection: {error}")),
        }
    }

    /// Writes the keystore and its password into the data directory, if there is one.
    fn write_files(&self, keystore: &Keystore, password: &str) -> Result<(), String> {
        let Some(root) = &self.data_dir else {
            return Ok(());
        };
        let pubkey = keystore.pubkey();
        let json = keystore.to_json().map_err(|error| error.to_string())?;
        let write = |path: PathBuf, text: &str| -> Result<(), String> {
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)
                    .map_err(|error| format!("cannot create {}: {error}", parent.display()))?;
            }
            std::fs::write(&path, text)
                .map_err(|error| format!("cannot write {}: {error}", path.display()))
        };
        write(secret_path(root, pubkey), password)?;
        write(keystore_path(root, pubkey), &json)
    }

    /// Removes the keystore and password files of `pubkey`, if there are any.
    fn remove_files(&self, pubkey: &PublicKeyBytes) -> Result<(), String> {
        let Some(root) = &self.data_dir else {
            return Ok(());
        };
        for path in [keystore_path(root, pubkey), secret_path(root, pubkey)] {
            match std::fs::remove_file(&path) {
                Ok(()) => {}
                Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
                Err(error) => return Err(format!("cannot remove {}: {error}", path.display())),
            }
        }
        Ok(())
    }

    /// Brings the metrics up to date from the chains: head, checkpoints, participation, the
    /// shards' heads, crosslinks, transactions and mempools, and the database size. Called
    /// once a slot by the node's driver loop and whenever the metrics are rendered.
    pub fn update_metrics(&self) {
        let node = &self.node;
        let metrics = &self.metrics;
        let head = node.head();
        metrics.head_slot.set(head.slot as f64);
        metrics
            .justified_epoch
            .set(node.justified_checkpoint().epoch as f64);
        metrics
            .finalized_epoch
            .set(node.finalized_checkpoint().epoch as f64);
        metrics.peers.set(
            node.network()
                .map_or(0, |network| network.connected_peers().len()) as f64,
        );
        metrics
            .beacon_blocks_imported
            .absolute(node.with_beacon(|chain| chain.blocks_imported()));
        metrics
            .bls_verifications
            .absolute(node.with_beacon(|chain| chain.signature_sets_verified()));
        if let Ok(size) = node.with_beacon(|chain| chain.store().size_on_disk()) {
            metrics.database_size.set(size as f64);
        }
        let Ok(state) = node.head_state() else {
            return;
        };
        if let Some(ratio) = previous_epoch_participation(&state, node.config()) {
            metrics.attestation_participation.set(ratio);
        }
        for shard in node.shards() {
            let shard_metrics = metrics.shard(shard);
            let Some(stats) = node.with_shard_chain(shard, |chain| ShardStats::of(chain)) else {
                continue;
            };
            shard_metrics.head_slot.set(stats.head_slot as f64);
            shard_metrics.mempool_transactions.set(stats.mempool as f64);
            shard_metrics.transactions_included.absolute(stats.included);
            shard_metrics
                .transactions_finalized
                .absolute(stats.finalized);
            if let Some(shard_state) = usize::try_from(shard)
                .ok()
                .and_then(|index| state.shard_states.get(index))
            {
                shard_metrics.crosslinked_slot.set(shard_state.slot as f64);
            }
        }
        self.crosslinks_seen.lock().advance(node, metrics);
    }
}

/// What the metrics read of one shard chain.
struct ShardStats {
    head_slot: Slot,
    mempool: usize,
    included: u64,
    finalized: u64,
}

impl ShardStats {
    fn of<E: EthSpec>(chain: &ShardChain<E>) -> Self {
        let head = chain.head();
        let finalized = chain.finalized();
        let count = |tip: &ShardBlockInfo<E>| -> u64 {
            let mut total = 0u64;
            let mut number = 0;
            while number <= tip.number {
                if let Some(block) = chain.block_by_number(number) {
                    total = total.saturating_add(block.transactions.len() as u64);
                }
                number += 1;
            }
            total
        };
        Self {
            head_slot: head.slot,
            mempool: chain.mempool().len(),
            included: count(head),
            finalized: count(finalized),
        }
    }
}

/// The share of the active balance whose previous-epoch attestations had the correct target,
/// as the head state records them.
fn previous_epoch_participation<E: EthSpec>(
    state: &primitives::types::BeaconState<E>,
    config: &ChainConfig,
) -> Option<f64> {
    let current = beacon::accessors::get_current_epoch(state, config).ok()?;
    let previous = current.checked_sub(1)?;
    let total = beacon::accessors::get_total_active_balance(state, config).ok()?;
    let attesting = beacon::per_epoch::get_matching_target_attestations(state, previous, config)
        .ok()
        .and_then(|attestations| {
            beacon::per_epoch::get_attesting_balance(state, attestations, config).ok()
        })?;
    (total > 0).then(|| attesting as f64 / total as f64)
}

/// Turns the node's chain events into the Beacon API's events, for as long as both ends live.
async fn forward_events<E: EthSpec, S: Store>(
    node: NodeHandle<E, S>,
    events: broadcast::Sender<Event<E>>,
) {
    let mut chain_events = node.events();
    loop {
        let event = match chain_events.recv().await {
            Ok(event) => event,
            Err(broadcast::error::RecvError::Lagged(_)) => continue,
            Err(broadcast::error::RecvError::Closed) => return,
        };
        let mapped = map_event(&node, event);
        for event in mapped {
            // A send fails only without subscribers, which is no error.
            let _ = events.send(event);
        }
    }
}

fn map_event<E: EthSpec, S: Store>(node: &NodeHandle<E, S>, event: ChainEvent) -> Vec<Event<E>> {
    match event {
        ChainEvent::Head {
            slot,
            block_root,
            state_root,
            ..
        } => {
            let mut out = vec![Event::Block(BlockEvent {
                slot,
                block: block_root,
            })];
            if let Ok(Some(state)) = node.state_by_block_root(&block_root) {
                let head = StateAt {
                    state,
                    root: state_root,
                    finalized: false,
                };
                if let Ok(event) =
                    HeadEvent::new(&head, block_root, node.genesis_block_root(), node.config())
                {
                    out.push(Event::Head(event));
                }
            }
            out
        }
        ChainEvent::FinalizedCheckpoint(checkpoint) => {
            let block = if checkpoint.root == Root::ZERO {
                node.genesis_block_root()
            } else {
                checkpoint.root
            };
            let state = node
                .block_by_root(&block)
                .ok()
                .flatten()
                .map_or(Root::ZERO, |block| block.message.state_root);
            vec![Event::FinalizedCheckpoint(FinalizedCheckpointEvent {
                block,
                state,
                epoch: checkpoint.epoch,
            })]
        }
        ChainEvent::ShardHead(_) => Vec::new(),
    }
}

fn chain_error(error: ChainError) -> ApiError {
    if error.is_bad_data() {
        ApiError::bad_request(error.to_string())
    } else {
        ApiError::internal(error.to_string())
    }
}

fn shard_error(error: ShardError) -> ApiError {
    match error {
        ShardError::UnknownShard(shard) => {
            ApiError::not_found(format!("shard {shard} is not tracked"))
        }
        error if error.is_bad_data() => ApiError::bad_request(error.to_string()),
        error => ApiError::internal(error.to_string()),
    }
}

impl<E: EthSpec, S: Store + 'static> BeaconNodeBackend for NodeBackend<E, S> {
    type Spec = E;

    fn chain_config(&self) -> &ChainConfig {
        self.node.config()
    }

    fn genesis(&self) -> GenesisInfo {
        self.genesis
    }

    fn state(&self, id: StateId) -> Result<Option<StateAt<E>>, ApiError> {
        match id {
            StateId::Head => self.state_of_block(self.node.head().block_root),
            StateId::Genesis => self.state_of_block(self.node.genesis_block_root()),
            StateId::Finalized | StateId::Justified => {
                let head = self.node.head_state().map_err(chain_error)?;
                let checkpoint = if id == StateId::Finalized {
                    &head.finalized_checkpoint
                } else {
                    &head.current_justified_checkpoint
                };
                self.state_of_block(self.checkpoint_block(checkpoint.root))
            }
            StateId::Slot(slot) => {
                if slot > self.node.head().slot {
                    return Ok(None);
                }
                let Some(state) = self.node.state_at_slot(slot).map_err(chain_error)? else {
                    return Ok(None);
                };
                let root = match self.node.block_root_at_slot(slot).map_err(chain_error)? {
                    Some(block_root) => match self.node.block_by_root(&block_root) {
                        Ok(Some(block)) if block.message.slot == slot => block.message.state_root,
                        _ => tree_hash::TreeHash::tree_hash_root(state.as_ref()),
                    },
                    None => tree_hash::TreeHash::tree_hash_root(state.as_ref()),
                };
                Ok(Some(StateAt {
                    finalized: self.is_finalized_slot(slot),
                    root,
                    state,
                }))
            }
            StateId::Root(root) => {
                let Some(state) = self.node.state_by_state_root(&root).map_err(chain_error)? else {
                    return Ok(None);
                };
                let finalized = self.is_finalized_slot(state.slot);
                Ok(Some(StateAt {
                    state,
                    root,
                    finalized,
                }))
            }
        }
    }

    fn block(&self, id: BlockId) -> Result<Option<BlockAt<E>>, ApiError> {
        let root = match id {
            BlockId::Head => self.node.head().block_root,
            BlockId::Genesis => self.node.genesis_block_root(),
            BlockId::Finalized => {
                let head = self.node.head_state().map_err(chain_error)?;
                self.checkpoint_block(head.finalized_checkpoint.root)
            }
            BlockId::Slot(slot) => {
                let Some(root) = self.node.block_root_at_slot(slot).map_err(chain_error)? else {
                    return Ok(None);
                };
                let Some(block) = self.block_at(root)? else {
                    return Ok(None);
                };
                return Ok((block.block.message.slot == slot).then_some(block));
            }
            BlockId::Root(root) => root,
        };
        self.block_at(root)
    }

    fn sync_status(&self) -> SyncStatus {
        let head_slot = self.node.head().slot;
        let sync_distance = self
            .node
            .current_slot()
            .unwrap_or_default()
            .saturating_sub(head_slot);
        SyncStatus {
            head_slot,
            sync_distance,
            // A node alone has no one to sync from: it builds its own chain.
            is_syncing: self
                .node
                .network()
                .is_some_and(|network| network.sync_state().0),
        }
    }

    fn peer_count(&self) -> PeerCount {
        PeerCount {
            connected: self
                .node
                .network()
                .map_or(0, |network| network.connected_peers().len() as u64),
            ..PeerCount::default()
        }
    }

    fn node_identity(&self) -> NodeIdentity {
        let mut identity = self.identity.clone();
        if let Some(network) = self.node.network() {
            identity.peer_id = network.local_peer_id().to_string();
            identity.p2p_addresses = network.listen_addresses().to_vec();
        }
        identity
    }

    fn peers(&self) -> Vec<super::network_api::PeerView> {
        let Some(network) = self.node.network() else {
            return Vec::new();
        };
        network
            .connected_peers()
            .into_iter()
            .map(|peer| {
                let dialed = network.bootnode_address(&peer);
                super::network_api::PeerView {
                    peer_id: peer.to_string(),
                    enr: None,
                    direction: if dialed.is_some() {
                        "outbound"
                    } else {
                        "inbound"
                    },
                    last_seen_p2p_address: dialed.unwrap_or_default(),
                    state: "connected",
                }
            })
            .collect()
    }

    fn blocked_peers(&self) -> Result<std::collections::BTreeSet<network::PeerId>, ApiError> {
        self.node
            .network()
            .map(super::super::p2p::NetworkHandle::blocked_peers)
            .ok_or_else(|| ApiError::unavailable("the node runs without a network"))
    }

    fn set_blocked_peers(
        &self,
        peers: std::collections::BTreeSet<network::PeerId>,
    ) -> Result<(), ApiError> {
        let network = self
            .node
            .network()
            .ok_or_else(|| ApiError::unavailable("the node runs without a network"))?;
        network.set_blocked_peers(peers);
        Ok(())
    }

    fn submit_block(&self, block: SignedBeaconBlock<E>) -> Result<(), ApiError> {
        self.node
            .submit_beacon_block(block)
            .map(|_| ())
            .map_err(|error| ApiError::bad_request(format!("invalid block: {error}")))
    }

    fn submit_attestations(
        &self,
        attestations: Vec<Attestation<E>>,
    ) -> Result<Vec<ItemFailure>, ApiError> {
        Ok(attestations
            .into_iter()
            .enumerate()
            .filter_map(|(index, attestation)| {
                self.node
                    .submit_attestation(attestation)
                    .err()
                    .map(|error| ItemFailure {
                        index,
                        message: error.to_string(),
                    })
            })
            .collect())
    }

    fn submit_operation(&self, operation: PoolOperation<E>) -> Result<(), ApiError> {
        let result = match operation {
            PoolOperation::VoluntaryExit(exit) => self.node.submit_voluntary_exit(exit),
            PoolOperation::ProposerSlashing(slashing) => {
                self.node.submit_proposer_slashing(*slashing)
            }
            PoolOperation::AttesterSlashing(slashing) => {
                self.node.submit_attester_slashing(*slashing)
            }
        };
        result.map_err(|error| ApiError::bad_request(error.to_string()))
    }

    fn pool(&self) -> PoolContents<E> {
        self.node.with_beacon(|chain| PoolContents {
            attestations: chain.attestation_pool.block_candidates().0,
            voluntary_exits: chain.op_pool.voluntary_exits.clone(),
            proposer_slashings: chain.op_pool.proposer_slashings.clone(),
            attester_slashings: chain.op_pool.attester_slashings.clone(),
        })
    }

    fn events(&self) -> broadcast::Receiver<Event<E>> {
        self.events.subscribe()
    }

    fn shard_eth_api(&self, shard: Shard) -> Option<Arc<dyn EthApi + Send + Sync>> {
        self.tracks_shard(shard).then(|| {
            Arc::new(ShardEthApi::new(self.node.clone(), shard)) as Arc<dyn EthApi + Send + Sync>
        })
    }

    fn tracks_shard(&self, shard: Shard) -> bool {
        self.node.with_shard_chain(shard, |_| ()).is_some()
    }

    fn shard_block(
        &self,
        shard: Shard,
        id: ShardBlockId,
    ) -> Result<Option<ShardBlockAt<E>>, ApiError> {
        let crosslinked = self.crosslinked_slot(shard);
        self.with_shard(shard, |chain| {
            let info = match id {
                ShardBlockId::Head => Some(chain.head()),
                ShardBlockId::Root(root) => chain.block(&root),
                ShardBlockId::Slot(slot) => {
                    let mut found = None;
                    let mut number = chain.head().number;
                    while let Some(info) = chain.block_by_number(number) {
                        if info.slot <= slot {
                            found = (info.slot == slot).then_some(info);
                            break;
                        }
                        let Some(parent) = number.checked_sub(1) else {
                            break;
                        };
                        number = parent;
                    }
                    found
                }
            };
            Ok(info.and_then(|info| self.shard_block_at(chain, info, crosslinked)))
        })
    }

    fn shard_blocks(
        &self,
        shard: Shard,
        slots: Range<Slot>,
    ) -> Result<Vec<ShardBlockAt<E>>, ApiError> {
        let crosslinked = self.crosslinked_slot(shard);
        self.with_shard(shard, |chain| {
            let mut blocks = Vec::new();
            let mut number = chain.head().number;
            while let Some(info) = chain.block_by_number(number) {
                if info.slot < slots.start {
                    break;
                }
                if slots.contains(&info.slot)
                    && let Some(block) = self.shard_block_at(chain, info, crosslinked)
                {
                    blocks.push(block);
                }
                let Some(parent) = number.checked_sub(1) else {
                    break;
                };
                number = parent;
            }
            blocks.reverse();
            Ok(blocks)
        })
    }

    fn account(&self, shard: Shard, address: Address) -> Result<Account, ApiError> {
        self.node
            .account(shard, address, crate::runtime::ShardBlockQuery::Head)
            .map_err(shard_error)
            .map(Option::unwrap_or_default)
    }

    fn receipt(&self, shard: Shard, tx_hash: B256) -> Result<Option<ReceiptAt>, ApiError> {
        let Some(location) = self
            .node
            .transaction(shard, &tx_hash)
            .map_err(shard_error)?
        else {
            return Ok(None);
        };
        let included = &location.transaction;
        // The cross-shard receipt, if the transfer left the shard: the payload lists it.
        let cross_shard = self.with_shard(shard, |chain| {
            let Some(block) = chain
                .block(&location.block.root)
                .and_then(|info| info.block.clone())
            else {
                return Ok(None);
            };
            Ok(ExecutionPayload::from_ssz_bytes(&block.message.body)
                .ok()
                .and_then(|payload| {
                    payload
                        .cross_shard_receipts
                        .iter()
                        .find(|receipt| receipt.tx_hash == tx_hash)
                        .cloned()
                }))
        })?;
        let (proof, claimed) = match &cross_shard {
            Some(receipt) => {
                let key = receipt_key(receipt);
                self.node
                    .with_shard_chain(receipt.dest_shard, |chain| {
                        let proof = chain
                            .pending_claims()
                            .iter()
                            .find(|proof| proof.key() == key)
                            .cloned()
                            .map(Box::new);
                        let claimed = chain.head().execution_state.spent_receipts().contains(&key);
                        (proof, claimed)
                    })
                    .unwrap_or((None, false))
            }
            None => (None, false),
        };
        Ok(Some(ReceiptAt {
            receipt: TransactionReceipt {
                tx_hash,
                gas_used: included.gas_used,
                cumulative_gas_used: included.cumulative_gas_used,
                revert: None,
                deposit_index: None,
            },
            block_root: location.block.root,
            block_slot: location.block.slot,
            transaction_index: location.index as u64,
            from: included.from,
            to: included.to,
            finalized: location.finalized,
            cross_shard,
            proof,
            claimed,
        }))
    }

    fn keystores(&self) -> Result<Vec<KeystoreInfo>, ApiError> {
        let mut pubkeys = self.node.validator_pubkeys();
        pubkeys.sort_unstable_by_key(ToString::to_string);
        Ok(pubkeys
            .into_iter()
            .map(|pubkey| KeystoreInfo {
                validating_pubkey: pubkey,
                derivation_path: None,
                readonly: false,
            })
            .collect())
    }

    /// Imports the interchange first (all or nothing), then each keystore: decrypted with its
    /// password, written with its password into the data directory, registered with slashing
    /// protection and handed to the validator client.
    fn import_keystores(
        &self,
        keystores: Vec<(Keystore, String)>,
        slashing_protection: Option<Interchange>,
    ) -> Result<Vec<KeystoreOutcome<ImportStatus>>, ApiError> {
        if let Some(interchange) = &slashing_protection {
            self.node
                .slashing_protection()
                .import_interchange(interchange, self.genesis.validators_root)
                .map_err(|error| {
                    ApiError::bad_request(format!("slashing protection not imported: {error}"))
                })?;
        }
        Ok(keystores
            .into_iter()
            .map(|(keystore, password)| self.import_one(&keystore, &password))
            .collect())
    }

    /// Stops each held key's duties, removes its files, and returns the interchange of the
    /// keys deleted and of those only slashing protection knows.
    fn delete_keystores(
        &self,
        pubkeys: Vec<PublicKeyBytes>,
    ) -> Result<(Vec<KeystoreOutcome<DeleteStatus>>, Interchange), ApiError> {
        let protection = self.node.slashing_protection();
        let mut exported = Vec::new();
        let outcomes = pubkeys
            .iter()
            .map(|pubkey| {
                let outcome = |status| KeystoreOutcome {
                    status,
                    message: String::new(),
                };
                if self.node.remove_validator_key(pubkey) {
                    exported.push(*pubkey);
                    if let Err(error) = self.remove_files(pubkey) {
                        return KeystoreOutcome {
                            status: DeleteStatus::Error,
                            message: format!("the key no longer signs, but {error}"),
                        };
                    }
                    return outcome(DeleteStatus::Deleted);
                }
                match protection.is_registered(pubkey) {
                    Ok(true) => {
                        exported.push(*pubkey);
                        outcome(DeleteStatus::NotActive)
                    }
                    Ok(false) => outcome(DeleteStatus::NotFound),
                    Err(error) => KeystoreOutcome {
                        status: DeleteStatus::Error,
                        message: error.to_string(),
                    },
                }
            })
            .collect();
        let interchange = protection
            .export_interchange_of(self.genesis.validators_root, &exported)
            .map_err(|error| ApiError::internal(format!("slashing protection export: {error}")))?;
        Ok((outcomes, interchange))
    }

    fn metrics(&self) -> String {
        self.update_metrics();
        self.metrics.render()
    }
}
