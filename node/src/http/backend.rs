//! What the HTTP server asks of the chain: a small, data-oriented trait.
//!
//! The backend hands out states, blocks and shard data as they are; everything the APIs derive
//! from them (validator statuses, balances, committees, duties, finality checkpoints, forks,
//! roots, the config spec) is computed in the HTTP layer, so that a chain implements only
//! lookups and submissions.

use std::ops::Range;
use std::sync::Arc;

use alloy_primitives::{Address, B256};
use primitives::bls::keystore::Keystore;
use primitives::types::{
    Attestation, AttesterSlashing, BeaconState, Epoch, ProposerSlashing, PublicKeyBytes, Root,
    Shard, SignedBeaconBlock, SignedShardBlock, SignedVoluntaryExit, Slot, Version,
};
use primitives::{ChainConfig, EthSpec};
use serde::Serialize;
use shard::{Account, CrossShardReceipt, CrossShardReceiptProof, TransactionReceipt};
use storage::slashing_protection::Interchange;
use tokio::sync::broadcast;

use crate::api::{ApiError, BlockId, StateId};
use crate::rpc::EthApi;

/// The chain's genesis, as `/eth/v1/beacon/genesis` shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GenesisInfo {
    /// Genesis time, in seconds since the Unix epoch.
    pub time: u64,
    /// `genesis_validators_root`.
    pub validators_root: Root,
    /// `GENESIS_FORK_VERSION`.
    pub fork_version: Version,
}

/// A beacon state with its root and whether finality covers it.
#[derive(Debug, Clone)]
pub struct StateAt<E: EthSpec> {
    /// The state.
    pub state: Arc<BeaconState<E>>,
    /// Its `hash_tree_root`.
    pub root: Root,
    /// Whether the state is at or before the finalized checkpoint on the canonical chain.
    pub finalized: bool,
}

/// A beacon block with its root and place in the chain.
#[derive(Debug, Clone)]
pub struct BlockAt<E: EthSpec> {
    /// The block.
    pub block: Arc<SignedBeaconBlock<E>>,
    /// `hash_tree_root(block.message)`.
    pub root: Root,
    /// Whether the block is on the canonical chain (an ancestor of the head, or the head).
    pub canonical: bool,
    /// Whether the block is at or before the finalized checkpoint on the canonical chain.
    pub finalized: bool,
}

/// The sync status of `/eth/v1/node/syncing`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SyncStatus {
    /// The slot of the head block.
    #[serde(with = "serde_utils::quoted_u64")]
    pub head_slot: Slot,
    /// How many slots the head is behind the clock; 0 when synced.
    #[serde(with = "serde_utils::quoted_u64")]
    pub sync_distance: u64,
    /// Whether the node is catching up.
    pub is_syncing: bool,
}

/// The peer counts of `/eth/v1/node/peer_count`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct PeerCount {
    /// Peers no longer connected but still remembered.
    #[serde(with = "serde_utils::quoted_u64")]
    pub disconnected: u64,
    /// Peers being dialled.
    #[serde(with = "serde_utils::quoted_u64")]
    pub connecting: u64,
    /// Connected peers.
    #[serde(with = "serde_utils::quoted_u64")]
    pub connected: u64,
    /// Peers being disconnected.
    #[serde(with = "serde_utils::quoted_u64")]
    pub disconnecting: u64,
}

/// The node's network identity (`NetworkIdentity` of `/eth/v1/node/identity`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct NodeIdentity {
    /// The node's peer id.
    pub peer_id: String,
    /// The node's record (shardnet has no discv5: a `shardnet:` string naming the endpoint).
    pub enr: String,
    /// Addresses where the peer-to-peer protocol is served.
    pub p2p_addresses: Vec<String>,
    /// Addresses where discovery is served.
    pub discovery_addresses: Vec<String>,
    /// The node's metadata.
    pub metadata: NodeMetadata,
}

/// `MetaData` of the peer-to-peer protocol.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct NodeMetadata {
    /// Incremented whenever another field changes.
    #[serde(with = "serde_utils::quoted_u64")]
    pub seq_number: u64,
    /// The attestation subnets subscribed to, a `0x` hex bit vector.
    pub attnets: String,
}

/// The node's operation pool, as the `GET /eth/v1/beacon/pool/*` endpoints list it.
#[derive(Debug, Clone, PartialEq)]
pub struct PoolContents<E: EthSpec> {
    /// Attestations not yet in a block.
    pub attestations: Vec<Attestation<E>>,
    /// Voluntary exits not yet in a block.
    pub voluntary_exits: Vec<SignedVoluntaryExit>,
    /// Proposer slashings not yet in a block.
    pub proposer_slashings: Vec<ProposerSlashing>,
    /// Attester slashings not yet in a block.
    pub attester_slashings: Vec<AttesterSlashing<E>>,
}

impl<E: EthSpec> Default for PoolContents<E> {
    fn default() -> Self {
        Self {
            attestations: Vec::new(),
            voluntary_exits: Vec::new(),
            proposer_slashings: Vec::new(),
            attester_slashings: Vec::new(),
        }
    }
}

/// One operation submitted to the pool.
#[derive(Debug, Clone, PartialEq)]
pub enum PoolOperation<E: EthSpec> {
    /// `POST /eth/v1/beacon/pool/voluntary_exits`.
    VoluntaryExit(SignedVoluntaryExit),
    /// `POST /eth/v1/beacon/pool/proposer_slashings`.
    ProposerSlashing(Box<ProposerSlashing>),
    /// `POST /eth/v1/beacon/pool/attester_slashings`.
    AttesterSlashing(Box<AttesterSlashing<E>>),
}

/// Why one item of a submitted list was refused (`IndexedErrorMessage.failures`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemFailure {
    /// The item's position in the request.
    pub index: usize,
    /// Why it was refused.
    pub message: String,
}

/// An event of `/eth/v1/events`, with the fields of its topic.
#[derive(Debug, Clone, PartialEq)]
pub enum Event<E: EthSpec> {
    /// `head`: the fork choice moved the head.
    Head(HeadEvent),
    /// `block`: a valid block was imported.
    Block(BlockEvent),
    /// `attestation`: a valid attestation was received.
    Attestation(Box<Attestation<E>>),
    /// `voluntary_exit`: a valid voluntary exit was received.
    VoluntaryExit(SignedVoluntaryExit),
    /// `finalized_checkpoint`: the finalized checkpoint advanced.
    FinalizedCheckpoint(FinalizedCheckpointEvent),
    /// `chain_reorg`: the head moved to a block that does not descend from the old head.
    ChainReorg(ChainReorgEvent),
}

impl<E: EthSpec> Event<E> {
    /// Every topic name, as the `topics` query names them.
    pub const TOPICS: [&'static str; 6] = [
        "head",
        "block",
        "attestation",
        "voluntary_exit",
        "finalized_checkpoint",
        "chain_reorg",
    ];

    /// The event's topic name.
    pub fn topic(&self) -> &'static str {
        match self {
            Self::Head(_) => "head",
            Self::Block(_) => "block",
            Self::Attestation(_) => "attestation",
            Self::VoluntaryExit(_) => "voluntary_exit",
            Self::FinalizedCheckpoint(_) => "finalized_checkpoint",
            Self::ChainReorg(_) => "chain_reorg",
        }
    }

    /// The event's `data` as JSON.
    pub fn data(&self) -> Result<serde_json::Value, serde_json::Error> {
        match self {
            Self::Head(event) => serde_json::to_value(event),
            Self::Block(event) => serde_json::to_value(event),
            Self::Attestation(attestation) => serde_json::to_value(attestation),
            Self::VoluntaryExit(exit) => serde_json::to_value(exit),
            Self::FinalizedCheckpoint(event) => serde_json::to_value(event),
            Self::ChainReorg(event) => serde_json::to_value(event),
        }
    }
}

/// The `head` event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct HeadEvent {
    /// The head block's slot.
    #[serde(with = "serde_utils::quoted_u64")]
    pub slot: Slot,
    /// The head block's root.
    pub block: Root,
    /// The head state's root.
    pub state: Root,
    /// Whether the head is the first block of an epoch.
    pub epoch_transition: bool,
    /// `get_block_root_at_slot(state, compute_start_slot_at_epoch(epoch - 1) - 1)`.
    pub previous_duty_dependent_root: Root,
    /// `get_block_root_at_slot(state, compute_start_slot_at_epoch(epoch) - 1)`.
    pub current_duty_dependent_root: Root,
}

impl HeadEvent {
    /// The event of a new head: its block root and post-state, whose duty dependent roots are
    /// read from the state (the genesis block root where they would precede genesis).
    pub fn new<E: EthSpec>(
        head: &StateAt<E>,
        block: Root,
        genesis_block_root: Root,
        config: &ChainConfig,
    ) -> Result<Self, ApiError> {
        let slot = head.state.slot;
        let epoch = super::views::current_epoch(&head.state, config)?;
        let epoch_start = super::views::epoch_start_slot(epoch, config)?;
        let dependent = |epoch: Option<Epoch>| match epoch {
            Some(epoch) => super::views::dependent_root(head, epoch, genesis_block_root, config),
            None => Ok(genesis_block_root),
        };
        Ok(Self {
            slot,
            block,
            state: head.root,
            epoch_transition: slot == epoch_start,
            previous_duty_dependent_root: dependent(epoch.checked_sub(1))?,
            current_duty_dependent_root: dependent(Some(epoch))?,
        })
    }
}

/// The `block` event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct BlockEvent {
    /// The block's slot.
    #[serde(with = "serde_utils::quoted_u64")]
    pub slot: Slot,
    /// The block's root.
    pub block: Root,
}

/// The `finalized_checkpoint` event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct FinalizedCheckpointEvent {
    /// The finalized block's root.
    pub block: Root,
    /// The finalized state's root.
    pub state: Root,
    /// The finalized epoch.
    #[serde(with = "serde_utils::quoted_u64")]
    pub epoch: Epoch,
}

/// The `chain_reorg` event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ChainReorgEvent {
    /// The new head's slot.
    #[serde(with = "serde_utils::quoted_u64")]
    pub slot: Slot,
    /// How many blocks the old head was ahead of the common ancestor.
    #[serde(with = "serde_utils::quoted_u64")]
    pub depth: u64,
    /// The old head block.
    pub old_head_block: Root,
    /// The new head block.
    pub new_head_block: Root,
    /// The old head state.
    pub old_head_state: Root,
    /// The new head state.
    pub new_head_state: Root,
    /// The new head's epoch.
    #[serde(with = "serde_utils::quoted_u64")]
    pub epoch: Epoch,
}

/// A shard block, in the path of `/shardnet/v1/shards/{shard}/blocks/{block_id}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShardBlockId {
    /// The shard's head block.
    Head,
    /// The shard's block at this slot on the canonical shard chain.
    Slot(Slot),
    /// The shard block with this root.
    Root(Root),
}

/// A shard block with its root and place in the shard chain.
#[derive(Debug, Clone)]
pub struct ShardBlockAt<E: EthSpec> {
    /// The block.
    pub block: Arc<SignedShardBlock<E>>,
    /// `hash_tree_root(block.message)`.
    pub root: Root,
    /// Whether a beacon state holds a crosslink to the block or a descendant.
    pub crosslinked: bool,
    /// Whether the finalized beacon state holds a crosslink to the block or a descendant.
    pub finalized: bool,
}

/// An executed transaction's receipt, where it was included, and, for a cross-shard transfer,
/// the receipt the destination shard credits and its proof once one can be built.
#[derive(Debug, Clone)]
pub struct ReceiptAt {
    /// The execution receipt.
    pub receipt: TransactionReceipt,
    /// The shard block that included the transaction.
    pub block_root: Root,
    /// That block's slot.
    pub block_slot: Slot,
    /// The transaction's position in the block.
    pub transaction_index: u64,
    /// The sender.
    pub from: Address,
    /// The recipient.
    pub to: Address,
    /// Whether the including block is finalized (crosslinked by a finalized beacon state).
    pub finalized: bool,
    /// The cross-shard receipt the transfer emitted, if it went to another shard.
    pub cross_shard: Option<CrossShardReceipt>,
    /// Its proof against a beacon block root, once the source block is crosslinked (and
    /// finalized, as the chain requires) and the receipt can be claimed.
    pub proof: Option<Box<CrossShardReceiptProof>>,
    /// Whether the destination shard has credited the receipt.
    pub claimed: bool,
}

/// A keystore the validator client holds (Keymanager API `GET /eth/v1/keystores`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeystoreInfo {
    /// The validator's public key.
    pub validating_pubkey: PublicKeyBytes,
    /// The EIP-2334 path the key was derived at, if known.
    pub derivation_path: Option<String>,
    /// Whether the key cannot be deleted through the API.
    pub readonly: bool,
}

/// The outcome of importing one keystore.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportStatus {
    /// The keystore was imported.
    Imported,
    /// The key was already held.
    Duplicate,
    /// The keystore could not be imported.
    Error,
}

/// The outcome of deleting one key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DeleteStatus {
    /// The key was deleted.
    Deleted,
    /// The key is not held, but slashing protection data for it exists (and is returned).
    NotActive,
    /// Neither the key nor slashing protection data for it is known.
    NotFound,
    /// The key could not be deleted.
    Error,
}

/// The outcome of one keystore operation, with a message for `error`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeystoreOutcome<S> {
    /// What happened.
    pub status: S,
    /// Why, when it went wrong; empty otherwise.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub message: String,
}

/// What the HTTP server needs from the chain: lookups of states, blocks and shard data,
/// submissions, the event feed, the validator client's keystores, and the metrics text.
///
/// Every method is synchronous and cheap enough to call from a request handler: states and
/// blocks are shared (`Arc`), not copied. An `Ok(None)` is "not found" (404); an `Err` carries
/// its own status (`ApiError`), which should be a 4xx for anything the request got wrong.
pub trait BeaconNodeBackend: Send + Sync + 'static {
    /// The preset the chain runs with.
    type Spec: EthSpec;

    /// The chain's configuration.
    fn chain_config(&self) -> &ChainConfig;
    /// The genesis time, validators root and fork version.
    fn genesis(&self) -> GenesisInfo;
    /// The state `id` names, if the node has it: `Head` the head block's post-state,
    /// `Finalized` and `Justified` the post-states of the head state's checkpoint blocks (the
    /// genesis block while a checkpoint root is zero), `Slot(s)` the canonical state at slot
    /// `s` (a skipped slot's is the last block's state advanced with `process_slots`; `None`
    /// past the head), `Root` any state the node holds. Duties of past epochs are computed
    /// from `Slot(first slot of the epoch)`.
    fn state(&self, id: StateId) -> Result<Option<StateAt<Self::Spec>>, ApiError>;
    /// The block `id` names, if the node has it: `Slot` the canonical block at that slot (none
    /// when the slot was skipped), `Finalized` the head state's finalized checkpoint block.
    /// The genesis block is known by the root of the genesis state's latest block header (with
    /// its state root filled in), as the fork choice knows it.
    fn block(&self, id: BlockId) -> Result<Option<BlockAt<Self::Spec>>, ApiError>;
    /// Whether the node is synced with the clock.
    fn sync_status(&self) -> SyncStatus;
    /// Peer counts.
    fn peer_count(&self) -> PeerCount;
    /// The node's network identity.
    fn node_identity(&self) -> NodeIdentity;
    /// The connected peers (none for a node without a network).
    fn peers(&self) -> Vec<super::network_api::PeerView> {
        Vec::new()
    }
    /// The peers whose traffic is dropped (the partition switch).
    fn blocked_peers(&self) -> Result<std::collections::BTreeSet<network::PeerId>, ApiError> {
        Err(ApiError::unavailable("the node runs without a network"))
    }
    /// Replaces the set of peers whose traffic is dropped.
    fn set_blocked_peers(
        &self,
        peers: std::collections::BTreeSet<network::PeerId>,
    ) -> Result<(), ApiError> {
        let _ = peers;
        Err(ApiError::unavailable("the node runs without a network"))
    }

    /// Verifies, imports and publishes a block (`POST /eth/v1/beacon/blocks`).
    fn submit_block(&self, block: SignedBeaconBlock<Self::Spec>) -> Result<(), ApiError>;
    /// Verifies, pools and publishes each attestation; returns the refused ones (an empty list
    /// when all were accepted).
    fn submit_attestations(
        &self,
        attestations: Vec<Attestation<Self::Spec>>,
    ) -> Result<Vec<ItemFailure>, ApiError>;
    /// Verifies, pools and publishes a voluntary exit or a slashing.
    fn submit_operation(&self, operation: PoolOperation<Self::Spec>) -> Result<(), ApiError>;
    /// The operation pool's contents.
    fn pool(&self) -> PoolContents<Self::Spec>;
    /// A new subscription to the chain's events.
    fn events(&self) -> broadcast::Receiver<Event<Self::Spec>>;

    /// The Ethereum JSON-RPC of `shard`, or `None` if the node does not follow it.
    fn shard_eth_api(&self, shard: Shard) -> Option<Arc<dyn EthApi + Send + Sync>>;
    /// Whether the node follows `shard` (and so answers its shard endpoints).
    fn tracks_shard(&self, shard: Shard) -> bool;
    /// The shard block `id` names on `shard`, if the node has it.
    fn shard_block(
        &self,
        shard: Shard,
        id: ShardBlockId,
    ) -> Result<Option<ShardBlockAt<Self::Spec>>, ApiError>;
    /// The canonical blocks of `shard` whose slots are in `slots`, in slot order.
    fn shard_blocks(
        &self,
        shard: Shard,
        slots: Range<Slot>,
    ) -> Result<Vec<ShardBlockAt<Self::Spec>>, ApiError>;
    /// The account of `address` on `shard` at its head (the default account if it never
    /// received anything).
    fn account(&self, shard: Shard, address: Address) -> Result<Account, ApiError>;
    /// The receipt of the transaction `tx_hash` on `shard`, if it was included.
    fn receipt(&self, shard: Shard, tx_hash: B256) -> Result<Option<ReceiptAt>, ApiError>;

    /// The keystores the validator client holds.
    fn keystores(&self) -> Result<Vec<KeystoreInfo>, ApiError>;
    /// Imports keystores (each with its password) and, first, the slashing protection
    /// interchange that comes with them.
    fn import_keystores(
        &self,
        keystores: Vec<(Keystore, String)>,
        slashing_protection: Option<Interchange>,
    ) -> Result<Vec<KeystoreOutcome<ImportStatus>>, ApiError>;
    /// Stops signing with and deletes the keys, returning an outcome per key and the slashing
    /// protection interchange of every key that was deleted or not active.
    fn delete_keystores(
        &self,
        pubkeys: Vec<PublicKeyBytes>,
    ) -> Result<(Vec<KeystoreOutcome<DeleteStatus>>, Interchange), ApiError>;

    /// The Prometheus text of the node's metrics.
    fn metrics(&self) -> String;
}
