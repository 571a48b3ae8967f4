//! Request/response protocols: their ids, request and response payloads (SSZ), and the stream
//! layout that carries them.
//!
//! One request per bidirectional stream. The requester writes
//! `id_len: u8 | protocol id | frame(request SSZ)` and finishes its side; the responder writes
//! zero or more chunks `result: u8 | frame(payload SSZ)` and finishes. As in p2p-interface.md,
//! a non-zero result ends the response and its payload is an `ErrorMessage` (at most 256
//! bytes); frames are those of [`crate::framing`] (the spec's `MAX_CHUNK_SIZE` bounds each).
//!
//! Block responses are carried as SSZ bytes: their types depend on the preset, which the node
//! knows and the network does not.

use primitives::types::{BeaconBlocksByRangeRequest, Bytes32, Root, Shard, Slot, Status};
use ssz::{Decode, Encode};
use ssz_derive::{Decode, Encode};
use thiserror::Error;

use crate::framing::{self, FrameLimits, FramingError};
use crate::peer_score::Misbehaviour;

/// `MAX_REQUEST_BLOCKS`: most blocks one request may ask for.
pub const MAX_REQUEST_BLOCKS: u64 = 1024;

/// Most receipts one request may ask for.
pub const MAX_REQUEST_RECEIPTS: u64 = 1024;

/// Longest `ErrorMessage` payload.
pub const MAX_ERROR_MESSAGE_LEN: usize = 256;

/// Most bytes a whole response may take, whatever the chunk count: bounds the memory one
/// request can make us hold. Syncing nodes ask for batches that fit.
pub const MAX_RESPONSE_BYTES: usize = 64 << 20;

/// Most bytes an encoded request may take.
pub const MAX_REQUEST_BYTES: usize = 64 << 10;

/// A request/response protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Protocol {
    /// `status`: exchange of `Status`.
    Status,
    /// `beacon_blocks_by_range`.
    BeaconBlocksByRange,
    /// `beacon_blocks_by_root`.
    BeaconBlocksByRoot,
    /// `shard_blocks_by_range` (shardnet).
    ShardBlocksByRange,
    /// `receipts`: transaction receipts with inclusion proofs (shardnet).
    Receipts,
}

impl Protocol {
    /// Every protocol.
    pub const ALL: [Self; 5] = [
        Self::Status,
        Self::BeaconBlocksByRange,
        Self::BeaconBlocksByRoot,
        Self::ShardBlocksByRange,
        Self::Receipts,
    ];

    /// The protocol id written at the start of a request stream.
    pub const fn id(self) -> &'static str {
        match self {
            Self::Status => "/eth2/beacon_chain/req/status/1/ssz_snappy",
            Self::BeaconBlocksByRange => {
                "/eth2/beacon_chain/req/beacon_blocks_by_range/1/ssz_snappy"
            }
            Self::BeaconBlocksByRoot => "/eth2/beacon_chain/req/beacon_blocks_by_root/1/ssz_snappy",
            Self::ShardBlocksByRange => "/shardnet/req/shard_blocks_by_range/1/ssz_snappy",
            Self::Receipts => "/shardnet/req/receipts/1/ssz_snappy",
        }
    }

    /// The protocol with this id.
    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.id() == id)
    }

    /// Most success chunks a response may carry.
    pub const fn max_response_chunks(self) -> u64 {
        match self {
            Self::Status => 1,
            Self::BeaconBlocksByRange | Self::BeaconBlocksByRoot | Self::ShardBlocksByRange => {
                MAX_REQUEST_BLOCKS
            }
            Self::Receipts => MAX_REQUEST_RECEIPTS,
        }
    }
}

/// `ShardBlocksByRangeRequest`: a shard's blocks from `start_slot`, every `step` slots.
#[derive(Debug, Clone, PartialEq, Eq, Default, Encode, Decode)]
pub struct ShardBlocksByRangeRequest {
    /// The shard.
    pub shard: Shard,
    /// The first slot asked for.
    pub start_slot: Slot,
    /// How many slots' blocks are asked for.
    pub count: u64,
    /// The distance between the slots asked for.
    pub step: u64,
}

/// `ReceiptsRequest`: receipts of transactions of one shard, by transaction hash.
#[derive(Debug, Clone, PartialEq, Eq, Default, Encode, Decode)]
pub struct ReceiptsRequest {
    /// The shard the transactions ran on.
    pub shard: Shard,
    /// The transaction hashes.
    pub tx_hashes: Vec<Bytes32>,
}

/// `ReceiptWithProof`: one transaction's receipt and the proof that ties it to a shard block.
#[derive(Debug, Clone, PartialEq, Eq, Default, Encode, Decode)]
pub struct ReceiptWithProof {
    /// The transaction hash asked for.
    pub tx_hash: Bytes32,
    /// The receipt, encoded as the shard crate encodes it.
    pub receipt: Vec<u8>,
    /// The inclusion proof, encoded as the crosslink crate encodes it.
    pub proof: Vec<u8>,
}

/// A request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    /// `Status`.
    Status(Status),
    /// `BeaconBlocksByRange`.
    BeaconBlocksByRange(BeaconBlocksByRangeRequest),
    /// `BeaconBlocksByRoot`: `List[Root, MAX_REQUEST_BLOCKS]`.
    BeaconBlocksByRoot(Vec<Root>),
    /// `ShardBlocksByRange`.
    ShardBlocksByRange(ShardBlocksByRangeRequest),
    /// `Receipts`.
    Receipts(ReceiptsRequest),
}

/// One success chunk of a response, decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Response {
    /// The responder's `Status`.
    Status(Status),
    /// A `SignedBeaconBlock`, as SSZ.
    BeaconBlock(Vec<u8>),
    /// A `SignedShardBlock`, as SSZ.
    ShardBlock(Vec<u8>),
    /// A receipt with its proof.
    Receipt(ReceiptWithProof),
}

/// The result byte that starts each response chunk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponseCode {
    /// 0: a payload of the expected type follows.
    Success,
    /// 1: the request was malformed or semantically invalid.
    InvalidRequest,
    /// 2: the responder failed while serving it.
    ServerError,
    /// 128-255: request-specific errors; 3-127 are reserved and read as errors too.
    Other(u8),
}

impl ResponseCode {
    /// The byte on the wire.
    pub const fn to_u8(self) -> u8 {
        match self {
            Self::Success => 0,
            Self::InvalidRequest => 1,
            Self::ServerError => 2,
            Self::Other(b) => b,
        }
    }

    /// The code of a wire byte.
    pub const fn from_u8(b: u8) -> Self {
        match b {
            0 => Self::Success,
            1 => Self::InvalidRequest,
            2 => Self::ServerError,
            b => Self::Other(b),
        }
    }
}

/// One response chunk as carried: its code and SSZ payload (an `ErrorMessage` for errors).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseChunk {
    /// The result code.
    pub code: ResponseCode,
    /// The payload.
    pub ssz: Vec<u8>,
}

impl ResponseChunk {
    /// A success chunk holding `response`.
    pub fn success(response: &Response) -> Self {
        Self {
            code: ResponseCode::Success,
            ssz: response.as_ssz_bytes(),
        }
    }

    /// An error chunk with a message (cut to [`MAX_ERROR_MESSAGE_LEN`] bytes).
    pub fn error(code: ResponseCode, message: &str) -> Self {
        let bytes = message.as_bytes();
        Self {
            code,
            ssz: bytes.get(..MAX_ERROR_MESSAGE_LEN).unwrap_or(bytes).to_vec(),
        }
    }
}

/// Why a request or response could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RpcError {
    /// Bad frame.
    #[error("framing: {0}")]
    Framing(#[from] FramingError),
    /// The request names an unknown protocol.
    #[error("unknown protocol")]
    UnknownProtocol,
    /// The stream ended early.
    #[error("truncated stream")]
    Truncated,
    /// The payload is not valid SSZ of the expected type.
    #[error("invalid SSZ: {0}")]
    Ssz(String),
    /// A request asks for too many items.
    #[error("{count} items asked for, at most {max}")]
    TooManyItems {
        /// Items asked for.
        count: u64,
        /// The limit.
        max: u64,
    },
    /// A range request with `step == 0`.
    #[error("range step must be at least 1")]
    ZeroStep,
    /// A response carries more chunks than its protocol allows.
    #[error("more than {0} response chunks")]
    TooManyChunks(u64),
    /// A chunk follows an error chunk.
    #[error("chunk after an error chunk")]
    ChunkAfterError,
    /// An error message is longer than allowed.
    #[error("error message too long")]
    ErrorMessageTooLong,
}

impl RpcError {
    /// Whether the peer that sent the bytes is at fault (decoding errors always are).
    pub fn is_bad_data(&self) -> bool {
        match self {
            Self::Framing(e) => e.is_bad_data(),
            _ => true,
        }
    }

    /// The misbehaviour charged to the sender.
    pub fn misbehaviour(&self) -> Misbehaviour {
        match self {
            Self::Framing(e) => e.misbehaviour(),
            Self::Ssz(_) => Misbehaviour::InvalidMessage,
            _ => Misbehaviour::ProtocolViolation,
        }
    }
}

fn ssz_err(e: ssz::DecodeError) -> RpcError {
    RpcError::Ssz(format!("{e:?}"))
}

fn check_count(count: u64, max: u64) -> Result<(), RpcError> {
    if count > max {
        return Err(RpcError::TooManyItems { count, max });
    }
    Ok(())
}

impl Request {
    /// The protocol this request belongs to.
    pub const fn protocol(&self) -> Protocol {
        match self {
            Self::Status(_) => Protocol::Status,
            Self::BeaconBlocksByRange(_) => Protocol::BeaconBlocksByRange,
            Self::BeaconBlocksByRoot(_) => Protocol::BeaconBlocksByRoot,
            Self::ShardBlocksByRange(_) => Protocol::ShardBlocksByRange,
            Self::Receipts(_) => Protocol::Receipts,
        }
    }

    /// The SSZ payload.
    pub fn as_ssz_bytes(&self) -> Vec<u8> {
        match self {
            Self::Status(s) => s.as_ssz_bytes(),
            Self::BeaconBlocksByRange(r) => r.as_ssz_bytes(),
            Self::BeaconBlocksByRoot(roots) => roots.as_ssz_bytes(),
            Self::ShardBlocksByRange(r) => r.as_ssz_bytes(),
            Self::Receipts(r) => r.as_ssz_bytes(),
        }
    }

    /// Decodes the SSZ payload of a `protocol` request and checks its limits.
    pub fn from_ssz_bytes(protocol: Protocol, ssz: &[u8]) -> Result<Self, RpcError> {
        let request = match protocol {
            Protocol::Status => Self::Status(Status::from_ssz_bytes(ssz).map_err(ssz_err)?),
            Protocol::BeaconBlocksByRange => {
                let r = BeaconBlocksByRangeRequest::from_ssz_bytes(ssz).map_err(ssz_err)?;
                check_count(r.count, MAX_REQUEST_BLOCKS)?;
                if r.step == 0 {
                    return Err(RpcError::ZeroStep);
                }
                Self::BeaconBlocksByRange(r)
            }
            Protocol::BeaconBlocksByRoot => {
                // Count before decoding: the list length is implied by the byte length.
                let count = u64::try_from(ssz.len() / 32).unwrap_or(u64::MAX);
                check_count(count, MAX_REQUEST_BLOCKS)?;
                Self::BeaconBlocksByRoot(Vec::<Root>::from_ssz_bytes(ssz).map_err(ssz_err)?)
            }
            Protocol::ShardBlocksByRange => {
                let r = ShardBlocksByRangeRequest::from_ssz_bytes(ssz).map_err(ssz_err)?;
                check_count(r.count, MAX_REQUEST_BLOCKS)?;
                if r.step == 0 {
                    return Err(RpcError::ZeroStep);
                }
                Self::ShardBlocksByRange(r)
            }
            Protocol::Receipts => {
                let r = ReceiptsRequest::from_ssz_bytes(ssz).map_err(ssz_err)?;
                let count = u64::try_from(r.tx_hashes.len()).unwrap_or(u64::MAX);
                check_count(count, MAX_REQUEST_RECEIPTS)?;
                Self::Receipts(r)
            }
        };
        Ok(request)
    }

    /// The bytes a requester writes on a fresh stream.
    pub fn encode(&self, limits: &FrameLimits) -> Result<Vec<u8>, RpcError> {
        let id = self.protocol().id();
        let mut out = Vec::with_capacity(id.len().saturating_add(64));
        out.push(u8::try_from(id.len()).unwrap_or(u8::MAX));
        out.extend_from_slice(id.as_bytes());
        out.extend_from_slice(&framing::encode_frame(&self.as_ssz_bytes(), limits)?);
        Ok(out)
    }

    /// Reads a request stream (everything the requester wrote).
    pub fn decode(bytes: &[u8], limits: &FrameLimits) -> Result<Self, RpcError> {
        let (&id_len, rest) = bytes.split_first().ok_or(RpcError::Truncated)?;
        let (id, frame) = rest
            .split_at_checked(usize::from(id_len))
            .ok_or(RpcError::Truncated)?;
        let protocol = std::str::from_utf8(id)
            .ok()
            .and_then(Protocol::from_id)
            .ok_or(RpcError::UnknownProtocol)?;
        let ssz = framing::decode_single_frame(frame, limits)?;
        Self::from_ssz_bytes(protocol, &ssz)
    }
}

impl Response {
    /// The SSZ payload.
    pub fn as_ssz_bytes(&self) -> Vec<u8> {
        match self {
            Self::Status(s) => s.as_ssz_bytes(),
            Self::BeaconBlock(b) | Self::ShardBlock(b) => b.clone(),
            Self::Receipt(r) => r.as_ssz_bytes(),
        }
    }

    /// Decodes a success chunk of a `protocol` response.
    pub fn from_ssz_bytes(protocol: Protocol, ssz: &[u8]) -> Result<Self, RpcError> {
        Ok(match protocol {
            Protocol::Status => Self::Status(Status::from_ssz_bytes(ssz).map_err(ssz_err)?),
            Protocol::BeaconBlocksByRange | Protocol::BeaconBlocksByRoot => {
                Self::BeaconBlock(ssz.to_vec())
            }
            Protocol::ShardBlocksByRange => Self::ShardBlock(ssz.to_vec()),
            Protocol::Receipts => {
                Self::Receipt(ReceiptWithProof::from_ssz_bytes(ssz).map_err(ssz_err)?)
            }
        })
    }
}

/// Encodes response chunks as the responder writes them.
pub fn encode_response(
    chunks: &[ResponseChunk],
    limits: &FrameLimits,
) -> Result<Vec<u8>, RpcError> {
    let mut out = Vec::new();
    for chunk in chunks {
        out.push(chunk.code.to_u8());
        out.extend_from_slice(&framing::encode_frame(&chunk.ssz, limits)?);
    }
    Ok(out)
}

/// Reads a whole response stream of `protocol`: at most `max_response_chunks` success chunks,
/// optionally ended by one error chunk.
pub fn decode_response(
    protocol: Protocol,
    mut bytes: &[u8],
    limits: &FrameLimits,
) -> Result<Vec<ResponseChunk>, RpcError> {
    let max = protocol.max_response_chunks();
    let mut chunks = Vec::new();
    let mut successes = 0u64;
    while let Some((&code, rest)) = bytes.split_first() {
        if chunks
            .last()
            .is_some_and(|c: &ResponseChunk| c.code != ResponseCode::Success)
        {
            return Err(RpcError::ChunkAfterError);
        }
        let code = ResponseCode::from_u8(code);
        let (ssz, used) = framing::decode_frame(rest, limits)?;
        bytes = rest.get(used..).unwrap_or(&[]);
        if code == ResponseCode::Success {
            successes = successes.saturating_add(1);
            if successes > max {
                return Err(RpcError::TooManyChunks(max));
            }
        } else if ssz.len() > MAX_ERROR_MESSAGE_LEN {
            return Err(RpcError::ErrorMessageTooLong);
        }
        chunks.push(ResponseChunk { code, ssz });
    }
    Ok(chunks)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn status() -> Status {
        Status {
            fork_digest: [1, 2, 3, 4],
            finalized_root: Root::repeat_byte(5),
            finalized_epoch: 6,
            head_root: Root::repeat_byte(7),
            head_slot: 8,
        }
    }

    fn requests() -> Vec<Request> {
        vec![
            Request::Status(status()),
            Request::BeaconBlocksByRange(BeaconBlocksByRangeRequest {
                start_slot: 10,
                count: 64,
                step: 1,
            }),
            Request::BeaconBlocksByRoot(vec![Root::repeat_byte(1), Root::repeat_byte(2)]),
            Request::ShardBlocksByRange(ShardBlocksByRangeRequest {
                shard: 3,
                start_slot: 1,
                count: 10,
                step: 2,
            }),
            Request::Receipts(ReceiptsRequest {
                shard: 1,
                tx_hashes: vec![Bytes32::repeat_byte(9)],
            }),
        ]
    }

    #[test]
    fn requests_round_trip() {
        let limits = FrameLimits::default();
        for r in requests() {
            let bytes = r.encode(&limits).unwrap();
            assert_eq!(Request::decode(&bytes, &limits), Ok(r));
        }
    }

    #[test]
    fn request_limits() {
        let limits = FrameLimits::default();
        let r = Request::BeaconBlocksByRange(BeaconBlocksByRangeRequest {
            start_slot: 0,
            count: MAX_REQUEST_BLOCKS + 1,
            step: 1,
        });
        let err = Request::decode(&r.encode(&limits).unwrap(), &limits).unwrap_err();
        assert!(matches!(err, RpcError::TooManyItems { .. }));
        let r = Request::BeaconBlocksByRoot(vec![Root::ZERO; 1025]);
        let err = Request::decode(&r.encode(&limits).unwrap(), &limits).unwrap_err();
        assert!(matches!(err, RpcError::TooManyItems { .. }));
        let r = Request::ShardBlocksByRange(ShardBlocksByRangeRequest {
            step: 0,
            ..Default::default()
        });
        let err = Request::decode(&r.encode(&limits).unwrap(), &limits).unwrap_err();
        assert_eq!(err, RpcError::ZeroStep);
    }

    #[test]
    fn responses_round_trip() {
        let limits = FrameLimits::default();
        let receipt = Response::Receipt(ReceiptWithProof {
            tx_hash: Bytes32::repeat_byte(3),
            receipt: vec![1, 2, 3],
            proof: vec![4; 64],
        });
        let chunks = vec![
            ResponseChunk::success(&receipt),
            ResponseChunk::error(ResponseCode::ServerError, "boom"),
        ];
        let bytes = encode_response(&chunks, &limits).unwrap();
        let decoded = decode_response(Protocol::Receipts, &bytes, &limits).unwrap();
        assert_eq!(decoded, chunks);
        assert_eq!(
            Response::from_ssz_bytes(Protocol::Receipts, &decoded[0].ssz),
            Ok(receipt)
        );
        let s = Response::Status(status());
        assert_eq!(
            Response::from_ssz_bytes(Protocol::Status, &s.as_ssz_bytes()),
            Ok(s)
        );
    }

    #[test]
    fn response_discipline() {
        let limits = FrameLimits::default();
        let s = ResponseChunk::success(&Response::Status(status()));
        let two = encode_response(&[s.clone(), s.clone()], &limits).unwrap();
        assert_eq!(
            decode_response(Protocol::Status, &two, &limits),
            Err(RpcError::TooManyChunks(1))
        );
        let after_error = encode_response(
            &[ResponseChunk::error(ResponseCode::InvalidRequest, "no"), s],
            &limits,
        )
        .unwrap();
        assert_eq!(
            decode_response(Protocol::Status, &after_error, &limits),
            Err(RpcError::ChunkAfterError)
        );
    }

    proptest! {
        #[test]
        fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..1024)) {
            let limits = FrameLimits::default();
            let _ = Request::decode(&bytes, &limits);
            for p in Protocol::ALL {
                let _ = decode_response(p, &bytes, &limits);
                let _ = Request::from_ssz_bytes(p, &bytes);
                let _ = Response::from_ssz_bytes(p, &bytes);
            }
        }
    }
}
