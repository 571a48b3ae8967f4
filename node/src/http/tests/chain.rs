//! A chain for the HTTP tests, made of real data: an interop genesis of 64 validators and
//! beacon and shard blocks produced and applied by the honest duties of every slot (as
//! `beacon/tests/honest_chain.rs` does), held in maps behind [`BeaconNodeBackend`].

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::Arc;

use alloy_primitives::{Address, B256, Bytes, U256};
use alloy_rpc_types_eth::{Block, BlockNumberOrTag, TransactionReceipt as RpcReceipt};
use beacon::accessors::{
    compute_offset_slots, compute_shard_from_committee_index, get_active_shard_count,
    get_beacon_committee, get_beacon_proposer_index, get_committee_count_per_slot,
    get_current_epoch, get_latest_slot_for_shard,
};
use beacon::duties::{get_attestation_data, get_unaggregated_attestation, sign_attestation};
use beacon::genesis::interop_genesis_state;
use beacon::per_slot::process_slots;
use beacon::production::{
    BlockInputs, PendingShardBlocks, aggregate_attestations, get_shard_block_proposer,
    propose_block, propose_shard_block,
};
use beacon::{SignatureStrategy, state_transition};
use parking_lot::Mutex;
use primitives::bls::keystore::Keystore;
use primitives::bls::{SecretKey, interop_secret_key};
use primitives::types::{
    Attestation, BeaconBlock, BeaconState, PublicKeyBytes, Root, Shard, ShardTransition,
    SignedBeaconBlock, Slot,
};
use primitives::{ChainConfig, MinimalEthSpec, PresetName};
use shard::{Account, CrossShardReceipt, ExecutionPayload, TransactionReceipt};
use ssz::Encode;
use storage::slashing_protection::Interchange;
use tokio::sync::broadcast;
use tree_hash::TreeHash;

use crate::api::{ApiError, BlockId, StateId};
use crate::http::BeaconNodeBackend;
use crate::http::backend::{
    BlockAt, DeleteStatus, Event, GenesisInfo, ImportStatus, ItemFailure, KeystoreInfo,
    KeystoreOutcome, NodeIdentity, NodeMetadata, PeerCount, PoolContents, PoolOperation, ReceiptAt,
    ShardBlockAt, ShardBlockId, StateAt, SyncStatus,
};
use crate::rpc::{EthApi, RpcError};

pub(super) type E = MinimalEthSpec;

/// Validators at genesis.
pub(super) const VALIDATORS: u64 = 64;
/// The last slot with a block: past the first epoch boundary of the minimal preset.
pub(super) const LAST_SLOT: Slot = 10;
/// The genesis time.
pub(super) const GENESIS_TIME: u64 = 1_600_000_000;
/// A transaction with a receipt on shard 0.
pub(super) const KNOWN_TX: B256 = B256::repeat_byte(0x11);

/// The chain and what the tests observe of the node around it.
pub(super) struct TestChain {
    pub config: ChainConfig,
    pub genesis: GenesisInfo,
    blocks: BTreeMap<Root, BlockAt<E>>,
    canonical: BTreeMap<Slot, Root>,
    states: BTreeMap<Root, StateAt<E>>,
    post_states: BTreeMap<Root, Root>,
    pub genesis_root: Root,
    pub head_root: Root,
    pub pool: PoolContents<E>,
    shard_blocks: BTreeMap<Shard, Vec<ShardBlockAt<E>>>,
    pub events: broadcast::Sender<Event<E>>,
    keystores: Mutex<Vec<KeystoreInfo>>,
    pub submitted: Mutex<Vec<Root>>,
}

struct Producer {
    config: ChainConfig,
    keys: Vec<SecretKey>,
    state: BeaconState<E>,
    head_root: Root,
    pending: PendingShardBlocks<E>,
    aggregates: Vec<Attestation<E>>,
    transitions: Vec<ShardTransition<E>>,
}

impl TestChain {
    /// Genesis, then a block in every slot up to [`LAST_SLOT`] with the previous slot's
    /// aggregates, a shard block on every shard at its offset slots, and every committee's
    /// attestations aggregated into the pool after the last slot.
    pub fn build() -> Self {
        // Four active shards: the node follows three, so one is active but not followed.
        let config = ChainConfig::preset(PresetName::Minimal)
            .with_overrides_yaml("INITIAL_ACTIVE_SHARDS: 4\n")
            .unwrap();
        let state = interop_genesis_state::<E>(VALIDATORS, GENESIS_TIME, &config).unwrap();
        let genesis = GenesisInfo {
            time: state.genesis_time,
            validators_root: state.genesis_validators_root,
            fork_version: config.genesis_fork_version,
        };
        let state_root = state.tree_hash_root();
        let genesis_block = SignedBeaconBlock::<E> {
            message: BeaconBlock {
                state_root,
                ..BeaconBlock::default()
            },
            ..SignedBeaconBlock::default()
        };
        // The genesis block is known by its header's root (the state's latest header with the
        // state root filled in), as the fork choice knows it: the header's body root is the
        // phase 0 empty body's, which no phase 1 body has.
        let mut header = state.latest_block_header.clone();
        header.state_root = state_root;
        let genesis_root = header.tree_hash_root();

        let (events, _) = broadcast::channel(64);
        let mut chain = Self {
            genesis,
            blocks: BTreeMap::new(),
            canonical: BTreeMap::new(),
            states: BTreeMap::new(),
            post_states: BTreeMap::new(),
            genesis_root,
            head_root: genesis_root,
            pool: PoolContents::default(),
            shard_blocks: BTreeMap::new(),
            events,
            keystores: Mutex::new(Vec::new()),
            submitted: Mutex::new(Vec::new()),
            config: config.clone(),
        };
        chain.insert(genesis_block, genesis_root, state.clone());

        let mut producer = Producer {
            keys: (0..VALIDATORS)
                .map(|i| interop_secret_key(i).unwrap())
                .collect(),
            head_root: genesis_root,
            state,
            config,
            pending: PendingShardBlocks::new(),
            aggregates: Vec::new(),
            transitions: Vec::new(),
        };
        for slot in 1..=LAST_SLOT {
            let (block, post) = producer.propose(slot);
            let root = block.message.tree_hash_root();
            chain.insert(block, root, post);
            for block in producer.propose_shard_blocks() {
                let root = block.message.tree_hash_root();
                chain
                    .shard_blocks
                    .entry(block.message.shard)
                    .or_default()
                    .push(ShardBlockAt {
                        block: Arc::new(block),
                        root,
                        crosslinked: false,
                        finalized: false,
                    });
            }
            producer.attest();
        }
        chain.pool.attestations = producer.aggregates.clone();
        chain
    }

    fn insert(&mut self, block: SignedBeaconBlock<E>, root: Root, state: BeaconState<E>) {
        let state_root = state.tree_hash_root();
        assert_eq!(block.message.state_root, state_root);
        self.canonical.insert(block.message.slot, root);
        self.post_states.insert(root, state_root);
        self.blocks.insert(
            root,
            BlockAt {
                block: Arc::new(block),
                root,
                canonical: true,
                finalized: false,
            },
        );
        self.states.insert(
            state_root,
            StateAt {
                state: Arc::new(state),
                root: state_root,
                finalized: false,
            },
        );
        self.head_root = root;
    }

    fn state_of_block(&self, block_root: Root) -> Option<StateAt<E>> {
        self.post_states
            .get(&block_root)
            .and_then(|root| self.states.get(root))
            .cloned()
    }

    /// The head block.
    pub fn head(&self) -> &BlockAt<E> {
        &self.blocks[&self.head_root]
    }

    /// The root of the canonical block at `slot`.
    pub fn canonical_root(&self, slot: Slot) -> Root {
        self.canonical[&slot]
    }

    /// The post-state of the canonical block at `slot`.
    pub fn state_at_slot(&self, slot: Slot) -> StateAt<E> {
        self.state_of_block(self.canonical_root(slot)).unwrap()
    }

    /// The head state.
    pub fn head_state(&self) -> StateAt<E> {
        self.state_of_block(self.head_root).unwrap()
    }

    /// The active shards, of which the node follows all but the last.
    pub fn active_shards(&self) -> u64 {
        get_active_shard_count(&self.head_state().state, &self.config)
    }

    /// A shard block of `shard`.
    pub fn first_shard_block(&self, shard: Shard) -> &ShardBlockAt<E> {
        &self.shard_blocks[&shard][0]
    }

    fn checkpoint_block(&self, root: Root) -> Root {
        if root == Root::ZERO {
            self.genesis_root
        } else {
            root
        }
    }
}

impl Producer {
    fn key(&self, index: u64) -> &SecretKey {
        &self.keys[index as usize]
    }

    fn propose(&mut self, slot: Slot) -> (SignedBeaconBlock<E>, BeaconState<E>) {
        let config = &self.config;
        let mut advanced = self.state.clone();
        process_slots(&mut advanced, slot, config).unwrap();
        let proposer = get_beacon_proposer_index(&advanced, config).unwrap();
        let inputs = BlockInputs {
            attestations: &self.aggregates,
            shard_transitions: &self.transitions,
            ..BlockInputs::new(Default::default())
        };
        let (signed, post) =
            propose_block(&advanced, slot, self.key(proposer), &inputs, config).unwrap();
        self.head_root = signed.message.tree_hash_root();
        self.pending.prune(&post);
        self.state = post.clone();
        self.aggregates.clear();
        self.transitions.clear();
        (signed, post)
    }

    fn propose_shard_blocks(&mut self) -> Vec<primitives::types::SignedShardBlock<E>> {
        let config = &self.config;
        let slot = self.state.slot;
        let mut proposed = Vec::new();
        for shard in 0..get_active_shard_count(&self.state, config) {
            let latest = get_latest_slot_for_shard(&self.state, shard).unwrap();
            if !compute_offset_slots(latest, slot + 1, config).contains(&slot) {
                continue;
            }
            let payload = ExecutionPayload {
                gas_used: 21_000 * (shard + 1),
                post_state_root: B256::repeat_byte(shard as u8 + 1),
                ..ExecutionPayload::default()
            };
            let pending = self
                .pending
                .get_pending_shard_blocks(&self.state, shard)
                .unwrap();
            let proposer = get_shard_block_proposer(&self.state, shard, config).unwrap();
            let block = propose_shard_block(
                &self.state,
                self.head_root,
                shard,
                &pending,
                payload.as_ssz_bytes(),
                self.key(proposer),
                config,
            )
            .unwrap();
            self.pending.insert(block.clone());
            proposed.push(block);
        }
        proposed
    }

    fn attest(&mut self) {
        let config = &self.config;
        let state = &self.state;
        let slot = state.slot;
        let epoch = get_current_epoch(state, config).unwrap();
        for index in 0..get_committee_count_per_slot(state, epoch, config).unwrap() {
            let committee = get_beacon_committee(state, slot, index, config).unwrap();
            let shard = compute_shard_from_committee_index(state, index, slot, config).unwrap();
            let shard_blocks = self.pending.get_pending_shard_blocks(state, shard).unwrap();
            let shard_head_root = self.pending.shard_head_root(state, shard).unwrap();
            let vote = get_attestation_data(
                state,
                self.head_root,
                index,
                shard_head_root,
                &shard_blocks,
                config,
            )
            .unwrap();
            let attestations: Vec<Attestation<E>> = committee
                .iter()
                .map(|member| {
                    let signature =
                        sign_attestation(state, &vote.data, self.key(*member), config).unwrap();
                    get_unaggregated_attestation(vote.data.clone(), &committee, *member, signature)
                        .unwrap()
                })
                .collect();
            self.aggregates
                .push(aggregate_attestations(&attestations).unwrap());
            self.transitions.push(vote.shard_transition);
        }
    }
}

/// A shard's JSON-RPC: decodes transactions for real, answers the rest with fixed values.
struct TestEthApi {
    chain_id: u64,
}

impl EthApi for TestEthApi {
    fn chain_id(&self) -> u64 {
        self.chain_id
    }
    fn client_version(&self) -> String {
        String::from("shardnet/test")
    }
    fn block_number(&self) -> Result<u64, RpcError> {
        Ok(LAST_SLOT)
    }
    fn gas_price(&self) -> Result<U256, RpcError> {
        Ok(U256::from(1_000_000_000u64))
    }
    fn balance(&self, _: Address, _: BlockNumberOrTag) -> Result<U256, RpcError> {
        Ok(U256::from(7u64))
    }
    fn transaction_count(&self, _: Address, _: BlockNumberOrTag) -> Result<u64, RpcError> {
        Ok(0)
    }
    fn send_raw_transaction(&self, raw: Bytes) -> Result<B256, RpcError> {
        shard::transaction::ShardTransaction::decode(&raw, self.chain_id)
            .map(|tx| tx.hash())
            .map_err(|error| RpcError::TransactionRejected(error.to_string()))
    }
    fn transaction_receipt(&self, _: B256) -> Result<Option<RpcReceipt>, RpcError> {
        Ok(None)
    }
    fn block_by_number(&self, _: BlockNumberOrTag, _: bool) -> Result<Option<Block>, RpcError> {
        Ok(None)
    }
}

impl BeaconNodeBackend for TestChain {
    type Spec = E;

    fn chain_config(&self) -> &ChainConfig {
        &self.config
    }

    fn genesis(&self) -> GenesisInfo {
        self.genesis
    }

    fn state(&self, id: StateId) -> Result<Option<StateAt<E>>, ApiError> {
        let head = self.head_state();
        Ok(match id {
            StateId::Head => Some(head),
            StateId::Genesis => self.state_of_block(self.genesis_root),
            StateId::Finalized => {
                self.state_of_block(self.checkpoint_block(head.state.finalized_checkpoint.root))
            }
            StateId::Justified => self.state_of_block(
                self.checkpoint_block(head.state.current_justified_checkpoint.root),
            ),
            StateId::Slot(slot) => self
                .canonical
                .get(&slot)
                .and_then(|root| self.state_of_block(*root)),
            StateId::Root(root) => self.states.get(&root).cloned(),
        })
    }

    fn block(&self, id: BlockId) -> Result<Option<BlockAt<E>>, ApiError> {
        let root = match id {
            BlockId::Head => Some(self.head_root),
            BlockId::Genesis => Some(self.genesis_root),
            BlockId::Finalized => {
                Some(self.checkpoint_block(self.head_state().state.finalized_checkpoint.root))
            }
            BlockId::Slot(slot) => self.canonical.get(&slot).copied(),
            BlockId::Root(root) => Some(root),
        };
        Ok(root.and_then(|root| self.blocks.get(&root)).cloned())
    }

    fn sync_status(&self) -> SyncStatus {
        SyncStatus {
            head_slot: LAST_SLOT,
            sync_distance: 0,
            is_syncing: false,
        }
    }

    fn peer_count(&self) -> PeerCount {
        PeerCount {
            connected: 3,
            ..PeerCount::default()
        }
    }

    fn node_identity(&self) -> NodeIdentity {
        NodeIdentity {
            peer_id: String::from("test-peer"),
            enr: String::from("shardnet:127.0.0.1:9000"),
            p2p_addresses: vec![String::from("/ip4/127.0.0.1/udp/9000/quic")],
            discovery_addresses: Vec::new(),
            metadata: NodeMetadata {
                seq_number: 0,
                attnets: String::from("0x0000000000000000"),
            },
        }
    }

    /// Applies the block to its parent's post-state with every signature checked.
    fn submit_block(&self, block: SignedBeaconBlock<E>) -> Result<(), ApiError> {
        let parent = self
            .state_of_block(block.message.parent_root)
            .ok_or_else(|| ApiError::bad_request("unknown parent block"))?;
        state_transition(
            &parent.state,
            &block,
            SignatureStrategy::Batch,
            true,
            &self.config,
        )
        .map_err(|error| ApiError::bad_request(format!("invalid block: {error}")))?;
        self.submitted.lock().push(block.message.tree_hash_root());
        Ok(())
    }

    /// Refuses attestations to unknown blocks.
    fn submit_attestations(
        &self,
        attestations: Vec<Attestation<E>>,
    ) -> Result<Vec<ItemFailure>, ApiError> {
        Ok(attestations
            .iter()
            .enumerate()
            .filter(|(_, attestation)| {
                !self
                    .blocks
                    .contains_key(&attestation.data.beacon_block_root)
            })
            .map(|(index, _)| ItemFailure {
                index,
                message: String::from("attestation to an unknown block"),
            })
            .collect())
    }

    fn submit_operation(&self, operation: PoolOperation<E>) -> Result<(), ApiError> {
        match operation {
            PoolOperation::VoluntaryExit(exit) => Err(ApiError::bad_request(format!(
                "invalid voluntary exit of validator {}: validator has not been active long enough",
                exit.message.validator_index
            ))),
            PoolOperation::ProposerSlashing(_) | PoolOperation::AttesterSlashing(_) => Err(
                ApiError::bad_request("invalid slashing: the messages are not slashable"),
            ),
        }
    }

    fn pool(&self) -> PoolContents<E> {
        self.pool.clone()
    }

    fn events(&self) -> broadcast::Receiver<Event<E>> {
        self.events.subscribe()
    }

    fn shard_eth_api(&self, shard: Shard) -> Option<Arc<dyn EthApi + Send + Sync>> {
        self.tracks_shard(shard).then(|| {
            Arc::new(TestEthApi {
                chain_id: self.config.base_chain_id + shard,
            }) as Arc<dyn EthApi + Send + Sync>
        })
    }

    fn tracks_shard(&self, shard: Shard) -> bool {
        shard + 1 < self.active_shards()
    }

    fn shard_block(
        &self,
        shard: Shard,
        id: ShardBlockId,
    ) -> Result<Option<ShardBlockAt<E>>, ApiError> {
        let blocks = self.shard_blocks.get(&shard);
        Ok(blocks
            .and_then(|blocks| match id {
                ShardBlockId::Head => blocks.last(),
                ShardBlockId::Slot(slot) => {
                    blocks.iter().find(|block| block.block.message.slot == slot)
                }
                ShardBlockId::Root(root) => blocks.iter().find(|block| block.root == root),
            })
            .cloned())
    }

    fn shard_blocks(
        &self,
        shard: Shard,
        slots: Range<Slot>,
    ) -> Result<Vec<ShardBlockAt<E>>, ApiError> {
        Ok(self
            .shard_blocks
            .get(&shard)
            .into_iter()
            .flatten()
            .filter(|block| slots.contains(&block.block.message.slot))
            .cloned()
            .collect())
    }

    fn account(&self, _shard: Shard, _address: Address) -> Result<Account, ApiError> {
        Ok(Account {
            balance: U256::from(5_000_000_000_000_000_000u128),
            nonce: 3,
        })
    }

    fn receipt(&self, shard: Shard, tx_hash: B256) -> Result<Option<ReceiptAt>, ApiError> {
        if shard != 0 || tx_hash != KNOWN_TX {
            return Ok(None);
        }
        let block = self.first_shard_block(0);
        Ok(Some(ReceiptAt {
            receipt: TransactionReceipt {
                tx_hash,
                gas_used: 21_000,
                cumulative_gas_used: 21_000,
                revert: None,
                deposit_index: None,
            },
            block_root: block.root,
            block_slot: block.block.message.slot,
            transaction_index: 0,
            from: Address::repeat_byte(0xaa),
            to: Address::repeat_byte(0xbb),
            finalized: false,
            cross_shard: Some(CrossShardReceipt {
                source_shard: 0,
                dest_shard: 1,
                index: 0,
                from: Address::repeat_byte(0xaa),
                to: Address::repeat_byte(0xbb),
                value: U256::from(1_000u64),
                tx_hash,
            }),
            proof: None,
            claimed: false,
        }))
    }

    fn keystores(&self) -> Result<Vec<KeystoreInfo>, ApiError> {
        Ok(self.keystores.lock().clone())
    }

    fn import_keystores(
        &self,
        keystores: Vec<(Keystore, String)>,
        _slashing_protection: Option<Interchange>,
    ) -> Result<Vec<KeystoreOutcome<ImportStatus>>, ApiError> {
        let mut held = self.keystores.lock();
        Ok(keystores
            .into_iter()
            .map(|(keystore, password)| {
                if let Err(error) = keystore.decrypt(&password) {
                    return KeystoreOutcome {
                        status: ImportStatus::Error,
                        message: error.to_string(),
                    };
                }
                let pubkey = *keystore.pubkey();
                if held.iter().any(|info| info.validating_pubkey == pubkey) {
                    return KeystoreOutcome {
                        status: ImportStatus::Duplicate,
                        message: String::new(),
                    };
                }
                held.push(KeystoreInfo {
                    validating_pubkey: pubkey,
                    derivation_path: Some(keystore.path().to_owned()),
                    readonly: false,
                });
                KeystoreOutcome {
                    status: ImportStatus::Imported,
                    message: String::new(),
                }
            })
            .collect())
    }

    fn delete_keystores(
        &self,
        pubkeys: Vec<PublicKeyBytes>,
    ) -> Result<(Vec<KeystoreOutcome<DeleteStatus>>, Interchange), ApiError> {
        let mut held = self.keystores.lock();
        let outcomes = pubkeys
            .iter()
            .map(|pubkey| {
                let before = held.len();
                held.retain(|info| info.validating_pubkey != *pubkey);
                KeystoreOutcome {
                    status: if held.len() < before {
                        DeleteStatus::Deleted
                    } else {
                        DeleteStatus::NotFound
                    },
                    message: String::new(),
                }
            })
            .collect();
        Ok((outcomes, Interchange::empty(self.genesis.validators_root)))
    }

    fn metrics(&self) -> String {
        format!("# TYPE shardnet_head_slot gauge\nshardnet_head_slot {LAST_SLOT}\n")
    }
}
