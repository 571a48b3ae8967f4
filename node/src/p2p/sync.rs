//! Catching up with peers: the `status` exchange, range sync from a peer that is ahead
//! (beacon blocks from the finalized slot on, then the blocks of each tracked shard), and
//! by-root lookups of the unknown parents of gossip blocks (a bounded number at a time).
//!
//! Responses are checked as they are imported: a block that fails its checks for a reason
//! that is the sender's (`is_bad_data()`) charges the peer, and the sync from it stops.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use network::rpc::{ShardBlocksByRangeRequest, decode_response};
use network::{
    FrameLimits, Misbehaviour, PeerId, Protocol, Request, Response, ResponseCode, Transport,
};
use primitives::EthSpec;
use primitives::math::compute_start_slot_at_epoch;
use primitives::types::{BeaconBlocksByRangeRequest, SignedBeaconBlock, SignedShardBlock, Status};
use ssz::Decode;
use storage::Store;
use tokio::sync::mpsc;
use tracing::{debug, info};

use super::service::Internal;
use super::{NetworkHandle, serve};
use crate::chain::ChainError;
use crate::runtime::NodeHandle;
use crate::shards::ShardError;

/// Slots asked for in one range request.
const BATCH_SLOTS: u64 = 64;
/// Most ancestors one lookup follows back.
const MAX_LOOKUP_DEPTH: usize = 32;
/// Most lookups running at once; past this, unknown parents wait for range sync.
const MAX_LOOKUPS: usize = 8;
/// Most range-sync rounds against one peer in a row (its head moves while we sync).
const MAX_ROUNDS: usize = 8;

/// Why a request to a peer gave nothing usable.
enum Failed {
    /// The transport failed or the peer answered with an error: not necessarily its fault.
    Unavailable,
    /// The peer sent something malformed.
    Bad(Misbehaviour),
}

/// Sends `request` to `peer` and decodes the success chunks of the response.
async fn request<T: Transport>(
    transport: &T,
    peer: PeerId,
    request: Request,
) -> Result<Vec<Response>, Failed> {
    let limits = FrameLimits::default();
    let protocol = match &request {
        Request::Status(_) => Protocol::Status,
        Request::BeaconBlocksByRange(_) => Protocol::BeaconBlocksByRange,
        Request::BeaconBlocksByRoot(_) => Protocol::BeaconBlocksByRoot,
        Request::ShardBlocksByRange(_) => Protocol::ShardBlocksByRange,
        Request::Receipts(_) => Protocol::Receipts,
    };
    let bytes = request.encode(&limits).map_err(|_| Failed::Unavailable)?;
    let response = transport
        .request(peer, bytes)
        .await
        .map_err(|_| Failed::Unavailable)?;
    let chunks =
        decode_response(protocol, &response, &limits).map_err(|e| Failed::Bad(e.misbehaviour()))?;
    let mut responses = Vec::new();
    for chunk in chunks {
        if chunk.code != ResponseCode::Success {
            break;
        }
        responses.push(
            Response::from_ssz_bytes(protocol, &chunk.ssz)
                .map_err(|e| Failed::Bad(e.misbehaviour()))?,
        );
    }
    Ok(responses)
}

async fn charge(internal: &mpsc::Sender<Internal>, peer: PeerId, misbehaviour: Misbehaviour) {
    let _ = internal.send(Internal::Fault(peer, misbehaviour)).await;
}

/// Whether `theirs` is ahead of the node: a later head or finalized checkpoint, or a head at
/// our slot or later that we do not know.
fn ahead<E: EthSpec, S: Store>(node: &NodeHandle<E, S>, theirs: &Status) -> bool {
    let head = node.head();
    let finalized = node.finalized_checkpoint();
    theirs.head_slot > head.slot
        || theirs.finalized_epoch > finalized.epoch
        || (theirs.head_slot >= head.slot
            && theirs.head_root != head.block_root
            && !node.with_beacon(|chain| chain.has_block(&theirs.head_root)))
}

/// Exchanges status with `peer`; range-syncs from it while it is ahead.
pub(super) async fn status_and_sync<E: EthSpec, S: Store + 'static, T: Transport>(
    node: NodeHandle<E, S>,
    transport: Arc<T>,
    handle: NetworkHandle,
    internal: mpsc::Sender<Internal>,
    peer: PeerId,
) {
    for _ in 0..MAX_ROUNDS {
        let Some(ours) = serve::status(&node) else {
            return;
        };
        let theirs = match request(&*transport, peer, Request::Status(ours.clone())).await {
            Ok(responses) => match responses.into_iter().next() {
                Some(Response::Status(status)) => status,
                _ => return,
            },
            Err(Failed::Bad(misbehaviour)) => return charge(&internal, peer, misbehaviour).await,
            Err(Failed::Unavailable) => return,
        };
        if theirs.fork_digest != ours.fork_digest {
            debug!(%peer, "peer on another fork");
            return charge(&internal, peer, Misbehaviour::ProtocolViolation).await;
        }
        if !ahead(&node, &theirs) || handle.inner.syncing.swap(true, Ordering::AcqRel) {
            return;
        }
        handle.set_syncing(true, theirs.head_slot);
        info!(%peer, from = ours.head_slot, to = theirs.head_slot, "range sync");
        let progressed = range_sync(&node, &*transport, &internal, peer, &theirs).await;
        handle.set_syncing(false, 0);
        if !progressed {
            return;
        }
    }
}

/// One pass of range sync toward `theirs`; whether anything new was imported.
async fn range_sync<E: EthSpec, S: Store + 'static, T: Transport>(
    node: &NodeHandle<E, S>,
    transport: &T,
    internal: &mpsc::Sender<Internal>,
    peer: PeerId,
    theirs: &Status,
) -> bool {
    let config = node.config().clone();
    let finalized_slot =
        compute_start_slot_at_epoch(node.finalized_checkpoint().epoch, &config).unwrap_or(0);
    let mut imported = 0usize;
    let mut start = finalized_slot.saturating_add(1);
    while start <= theirs.head_slot {
        let range = BeaconBlocksByRangeRequest {
            start_slot: start,
            count: BATCH_SLOTS,
            step: 1,
        };
        let blocks = match request(transport, peer, Request::BeaconBlocksByRange(range)).await {
            Ok(blocks) => blocks,
            Err(Failed::Bad(m)) => {
                charge(internal, peer, m).await;
                return imported > 0;
            }
            Err(Failed::Unavailable) => return imported > 0,
        };
        let mut decoded = Vec::new();
        for response in blocks {
            match response {
                Response::BeaconBlock(ssz) => match SignedBeaconBlock::<E>::from_ssz_bytes(&ssz) {
                    Ok(block) => decoded.push(block),
                    Err(_) => {
                        charge(internal, peer, Misbehaviour::InvalidMessage).await;
                        return imported > 0;
                    }
                },
                _ => return imported > 0,
            }
        }
        let worker = node.clone();
        let result = tokio::task::spawn_blocking(move || import_blocks(&worker, decoded)).await;
        match result {
            Ok(Ok(count)) => imported = imported.saturating_add(count),
            Ok(Err(misbehaviour)) => {
                charge(internal, peer, misbehaviour).await;
                return imported > 0;
            }
            Err(_) => return imported > 0,
        }
        start = start.saturating_add(BATCH_SLOTS);
    }
    for shard in node.shards() {
        imported = imported.saturating_add(
            sync_shard(node, transport, internal, peer, shard, theirs.head_slot).await,
        );
    }
    imported > 0
}

/// Imports blocks in order; stops at the first block the sender is to blame for.
fn import_blocks<E: EthSpec, S: Store>(
    node: &NodeHandle<E, S>,
    blocks: Vec<SignedBeaconBlock<E>>,
) -> Result<usize, Misbehaviour> {
    let mut imported = 0;
    for block in blocks {
        match node.import_beacon_block(block) {
            Ok(_) => imported += 1,
            Err(ChainError::FutureBlock { .. } | ChainError::NotAfterFinalized { .. }) => {}
            Err(error) if error.is_bad_data() => {
                debug!(%error, "range sync block refused");
                return Err(Misbehaviour::InvalidMessage);
            }
            Err(error) => debug!(%error, "range sync block not imported"),
        }
    }
    Ok(imported)
}

/// Range-syncs the blocks of a tracked shard from its finalized block up to `head_slot`.
async fn sync_shard<E: EthSpec, S: Store + 'static, T: Transport>(
    node: &NodeHandle<E, S>,
    transport: &T,
    internal: &mpsc::Sender<Internal>,
    peer: PeerId,
    shard: u64,
    head_slot: u64,
) -> usize {
    let Some(from) = node.with_shard_chain(shard, |chain| chain.finalized().slot) else {
        return 0;
    };
    let mut imported = 0;
    let mut start = from.saturating_add(1);
    while start <= head_slot {
        let range = ShardBlocksByRangeRequest {
            shard,
            start_slot: start,
            count: BATCH_SLOTS,
            step: 1,
        };
        let Ok(responses) = request(transport, peer, Request::ShardBlocksByRange(range)).await
        else {
            return imported;
        };
        let mut blocks = Vec::new();
        for response in responses {
            let Response::ShardBlock(ssz) = response else {
                return imported;
            };
            match SignedShardBlock::<E>::from_ssz_bytes(&ssz) {
                Ok(block) if block.message.shard == shard => blocks.push(block),
                _ => {
                    charge(internal, peer, Misbehaviour::InvalidMessage).await;
                    return imported;
                }
            }
        }
        let worker = node.clone();
        let result = tokio::task::spawn_blocking(move || {
            let mut count = 0usize;
            for block in blocks {
                match worker.import_shard_block(block) {
                    Ok(_) => count += 1,
                    Err(ShardError::AlreadyKnown(_)) => {}
                    Err(error) if error.is_bad_data() => {
                        debug!(%error, "range sync shard block invalid");
                        return Err(count);
                    }
                    Err(error) => debug!(%error, "range sync shard block not imported"),
                }
            }
            Ok(count)
        })
        .await;
        match result {
            Ok(Ok(count)) => imported += count,
            Ok(Err(count)) => {
                charge(internal, peer, Misbehaviour::InvalidMessage).await;
                return imported + count;
            }
            Err(_) => return imported,
        }
        start = start.saturating_add(BATCH_SLOTS);
    }
    imported
}

/// The by-root lookups running.
#[derive(Debug, Default)]
pub(super) struct Lookups {
    running: Arc<AtomicUsize>,
}

impl Lookups {
    /// Looks up the ancestors of `block` from `peer` and imports them, then `block`. Dropped
    /// when [`MAX_LOOKUPS`] are running already (range sync will catch up).
    pub(super) fn start<E: EthSpec, S: Store + 'static, T: Transport>(
        &self,
        node: &NodeHandle<E, S>,
        transport: &Arc<T>,
        internal: &mpsc::Sender<Internal>,
        peer: PeerId,
        block: SignedBeaconBlock<E>,
    ) {
        if self.running.fetch_add(1, Ordering::AcqRel) >= MAX_LOOKUPS {
            self.running.fetch_sub(1, Ordering::AcqRel);
            return;
        }
        let running = Arc::clone(&self.running);
        let (node, transport, internal) = (node.clone(), Arc::clone(transport), internal.clone());
        tokio::spawn(async move {
            lookup(&node, &*transport, &internal, peer, block).await;
            running.fetch_sub(1, Ordering::AcqRel);
        });
    }
}

async fn lookup<E: EthSpec, S: Store + 'static, T: Transport>(
    node: &NodeHandle<E, S>,
    transport: &T,
    internal: &mpsc::Sender<Internal>,
    peer: PeerId,
    block: SignedBeaconBlock<E>,
) {
    let mut chain = vec![block];
    while chain.len() <= MAX_LOOKUP_DEPTH {
        let Some(parent_root) = chain.last().map(|b| b.message.parent_root) else {
            return;
        };
        if node.with_beacon(|c| c.has_block(&parent_root)) {
            break;
        }
        let responses = match request(
            transport,
            peer,
            Request::BeaconBlocksByRoot(vec![parent_root]),
        )
        .await
        {
            Ok(responses) => responses,
            Err(Failed::Bad(m)) => return charge(internal, peer, m).await,
            Err(Failed::Unavailable) => return,
        };
        let Some(Response::BeaconBlock(ssz)) = responses.into_iter().next() else {
            return;
        };
        match SignedBeaconBlock::<E>::from_ssz_bytes(&ssz) {
            Ok(parent) if tree_hash::TreeHash::tree_hash_root(&parent.message) == parent_root => {
                chain.push(parent);
            }
            _ => return charge(internal, peer, Misbehaviour::InvalidMessage).await,
        }
    }
    chain.reverse();
    let worker = node.clone();
    if let Ok(Err(misbehaviour)) =
        tokio::task::spawn_blocking(move || import_blocks(&worker, chain)).await
    {
        charge(internal, peer, misbehaviour).await;
    }
}
