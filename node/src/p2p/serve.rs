//! The answers to requests: `status`, beacon blocks by range and by root, a tracked shard's
//! blocks by range, and cross-shard receipts with their proofs, read from the chains and the
//! store. Responses stop before
//! [`MAX_RESPONSE_BYTES`](network::rpc::MAX_RESPONSE_BYTES).

use alloy_primitives::B256;
use network::rpc::{
    MAX_RESPONSE_BYTES, ReceiptWithProof, ReceiptsRequest, ResponseChunk,
    ShardBlocksByRangeRequest, encode_response,
};
use network::{FrameLimits, Request, Response, ResponseCode};
use primitives::EthSpec;
use primitives::signing::compute_fork_digest;
use primitives::types::{BeaconBlocksByRangeRequest, Status};
use shard::{ExecutionPayload, receipt_key};
use ssz::Decode;
use ssz::Encode;
use storage::Store;
use tracing::debug;

use crate::runtime::NodeHandle;

/// The node's `Status`.
pub(super) fn status<E: EthSpec, S: Store>(node: &NodeHandle<E, S>) -> Option<Status> {
    node.with_beacon(|chain| {
        let state = chain.head_state().ok()?;
        let head = chain.head();
        let finalized = chain.finalized_checkpoint();
        Some(Status {
            fork_digest: compute_fork_digest(
                state.fork.current_version,
                state.genesis_validators_root,
            ),
            finalized_root: finalized.root,
            finalized_epoch: finalized.epoch,
            head_root: head.block_root,
            head_slot: head.slot,
        })
    })
}

/// The encoded response to `request`.
pub(super) fn answer<E: EthSpec, S: Store>(
    node: &NodeHandle<E, S>,
    request: Request,
    limits: &FrameLimits,
) -> Vec<u8> {
    let chunks = match request {
        Request::Status(_) => match status(node) {
            Some(status) => vec![ResponseChunk::success(&Response::Status(status))],
            None => vec![ResponseChunk::error(ResponseCode::ServerError, "no head")],
        },
        Request::BeaconBlocksByRange(range) => blocks_by_range(node, &range),
        Request::BeaconBlocksByRoot(roots) => limit(roots.iter().filter_map(|root| {
            node.block_by_root(root)
                .ok()
                .flatten()
                .map(|block| Response::BeaconBlock(block.as_ssz_bytes()))
        })),
        Request::ShardBlocksByRange(range) => shard_blocks_by_range(node, &range),
        Request::Receipts(request) => receipts(node, &request),
    };
    encode_response(&chunks, limits).unwrap_or_else(|error| {
        debug!(%error, "response not encoded");
        Vec::new()
    })
}

/// Success chunks of `responses` while they fit in a response.
fn limit(responses: impl Iterator<Item = Response>) -> Vec<ResponseChunk> {
    let mut total = 0usize;
    let mut chunks = Vec::new();
    for response in responses {
        let chunk = ResponseChunk::success(&response);
        total = total.saturating_add(chunk.ssz.len().saturating_add(16));
        if total > MAX_RESPONSE_BYTES / 2 {
            break;
        }
        chunks.push(chunk);
    }
    chunks
}

/// The slots a range request asks for, in order.
fn slots(start: u64, count: u64, step: u64) -> impl Iterator<Item = u64> {
    (0..count).map_while(move |i| i.checked_mul(step.max(1))?.checked_add(start))
}

/// The canonical beacon blocks at the requested slots (empty slots give nothing).
fn blocks_by_range<E: EthSpec, S: Store>(
    node: &NodeHandle<E, S>,
    range: &BeaconBlocksByRangeRequest,
) -> Vec<ResponseChunk> {
    let head_slot = node.head().slot;
    limit(
        slots(range.start_slot, range.count, range.step)
            .take_while(|slot| *slot <= head_slot)
            .filter_map(|slot| {
                let root = node.block_root_at_slot(slot).ok().flatten()?;
                let block = node.block_by_root(&root).ok().flatten()?;
                (block.message.slot == slot).then(|| Response::BeaconBlock(block.as_ssz_bytes()))
            }),
    )
}

/// The canonical blocks of a tracked shard at the requested slots.
fn shard_blocks_by_range<E: EthSpec, S: Store>(
    node: &NodeHandle<E, S>,
    range: &ShardBlocksByRangeRequest,
) -> Vec<ResponseChunk> {
    let end = range
        .start_slot
        .saturating_add(range.count.saturating_mul(range.step.max(1)));
    let stored = node.with_beacon(|beacon| {
        beacon
            .store()
            .shard_block_roots_by_slot(range.shard, range.start_slot, end)
            .unwrap_or_default()
    });
    let Some(roots) = node.with_shard_chain(range.shard, |chain| {
        stored
            .into_iter()
            .filter(|(slot, root)| {
                chain.is_canonical(root)
                    && (slot.saturating_sub(range.start_slot)) % range.step.max(1) == 0
            })
            .map(|(_, root)| root)
            .collect::<Vec<_>>()
    }) else {
        return vec![ResponseChunk::error(
            ResponseCode::ServerError,
            "shard not tracked",
        )];
    };
    limit(roots.into_iter().filter_map(|root| {
        let block = node
            .with_beacon(|beacon| beacon.store().shard_block::<E>(&root))
            .ok()
            .flatten()?;
        Some(Response::ShardBlock(block.as_ssz_bytes()))
    }))
}

/// The cross-shard receipts of the asked transactions that left a tracked shard on its
/// canonical chain, each with its `CrossShardReceiptProof` once the node holds it (the
/// destination shard tracked and the source block finalized; an empty proof otherwise).
/// Transactions not found, or that did not leave the shard, give nothing.
fn receipts<E: EthSpec, S: Store>(
    node: &NodeHandle<E, S>,
    request: &ReceiptsRequest,
) -> Vec<ResponseChunk> {
    if node.with_shard_chain(request.shard, |_| ()).is_none() {
        return vec![ResponseChunk::error(
            ResponseCode::ServerError,
            "shard not tracked",
        )];
    }
    limit(request.tx_hashes.iter().filter_map(|hash| {
        let tx_hash = B256::from(hash.0);
        let location = node.transaction(request.shard, &tx_hash).ok().flatten()?;
        let receipt = node
            .with_shard_chain(request.shard, |chain| {
                let block = chain.block(&location.block.root)?.block.clone()?;
                let payload = ExecutionPayload::from_ssz_bytes(&block.message.body).ok()?;
                payload
                    .cross_shard_receipts
                    .iter()
                    .find(|receipt| receipt.tx_hash == tx_hash)
                    .cloned()
            })
            .flatten()?;
        let key = receipt_key(&receipt);
        let proof = node
            .with_shard_chain(receipt.dest_shard, |chain| {
                chain
                    .pending_claims()
                    .iter()
                    .find(|proof| proof.key() == key)
                    .map(Encode::as_ssz_bytes)
            })
            .flatten()
            .unwrap_or_default();
        Some(Response::Receipt(ReceiptWithProof {
            tx_hash: *hash,
            receipt: receipt.as_ssz_bytes(),
            proof,
        }))
    }))
}
