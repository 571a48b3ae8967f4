//! Frames: a 4-byte big-endian length, then that many bytes of a snappy block holding SSZ.
//!
//! Gossip payloads use the snappy block alone (`message.data` in the spec's `ssz_snappy`
//! encoding); request/response chunks put the length prefix in front so a reader knows where a
//! chunk ends. Both sides are bounded: the compressed length is checked against
//! `max_compress_len(max_uncompressed)` (the spec's `32 + n + n / 6`) before anything is read or
//! allocated, and the uncompressed length announced inside the snappy block is checked against
//! `max_uncompressed` before the output buffer is allocated. Every failure is a typed error.

use thiserror::Error;

use crate::peer_score::Misbehaviour;

/// Length of the frame header: a big-endian `u32` count of compressed bytes.
pub const FRAME_HEADER_LEN: usize = 4;

/// `GOSSIP_MAX_SIZE` and `MAX_CHUNK_SIZE` of the p2p interface: 1 MiB of uncompressed SSZ.
pub const MAX_PAYLOAD_SIZE: usize = 1 << 20;

/// Size limits applied when encoding and decoding frames.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FrameLimits {
    /// Largest accepted uncompressed (SSZ) payload, in bytes.
    pub max_uncompressed: usize,
}

impl Default for FrameLimits {
    fn default() -> Self {
        Self {
            max_uncompressed: MAX_PAYLOAD_SIZE,
        }
    }
}

impl FrameLimits {
    /// Largest accepted compressed payload: snappy's worst case for `max_uncompressed`.
    pub fn max_compressed(&self) -> usize {
        snap::raw::max_compress_len(self.max_uncompressed)
    }

    /// Largest accepted frame, header included.
    pub fn max_frame(&self) -> usize {
        self.max_compressed().saturating_add(FRAME_HEADER_LEN)
    }
}

/// Why bytes could not be framed or unframed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum FramingError {
    /// A local payload exceeds the limit; nothing was sent.
    #[error("payload of {len} bytes exceeds the limit of {max}")]
    PayloadTooLarge {
        /// Payload length.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// The frame header or snappy block announces more compressed bytes than allowed.
    #[error("compressed length {len} exceeds the limit of {max}")]
    CompressedOversized {
        /// Announced compressed length.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// The snappy block announces more uncompressed bytes than allowed.
    #[error("uncompressed length {len} exceeds the limit of {max}")]
    UncompressedOversized {
        /// Announced uncompressed length.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// The snappy block is malformed.
    #[error("invalid snappy block: {0}")]
    Snappy(String),
    /// The input ended inside a frame.
    #[error("input ends inside a frame: {needed} more bytes expected")]
    Truncated {
        /// Bytes missing.
        needed: usize,
    },
    /// Bytes follow the last complete frame where none were expected.
    #[error("{0} unexpected bytes after the frame")]
    TrailingBytes(usize),
}

impl FramingError {
    /// Whether the fault lies with the peer that sent the bytes (it feeds peer scoring).
    pub fn is_bad_data(&self) -> bool {
        !matches!(self, Self::PayloadTooLarge { .. })
    }

    /// The misbehaviour a peer is charged with for sending bytes that fail this way.
    pub fn misbehaviour(&self) -> Misbehaviour {
        match self {
            Self::CompressedOversized { .. } | Self::UncompressedOversized { .. } => {
                Misbehaviour::OversizedFrame
            }
            _ => Misbehaviour::GarbageFraming,
        }
    }
}

/// Snappy-compresses an SSZ payload (block format), refusing payloads over the limit.
pub fn compress(ssz: &[u8], limits: &FrameLimits) -> Result<Vec<u8>, FramingError> {
    if ssz.len() > limits.max_uncompressed {
        return Err(FramingError::PayloadTooLarge {
            len: ssz.len(),
            max: limits.max_uncompressed,
        });
    }
    snap::raw::Encoder::new()
        .compress_vec(ssz)
        .map_err(|e| FramingError::Snappy(e.to_string()))
}

/// Decompresses a snappy block, checking both lengths before allocating the output.
pub fn decompress(block: &[u8], limits: &FrameLimits) -> Result<Vec<u8>, FramingError> {
    if block.len() > limits.max_compressed() {
        return Err(FramingError::CompressedOversized {
            len: block.len(),
            max: limits.max_compressed(),
        });
    }
    let len = snap::raw::decompress_len(block).map_err(|e| FramingError::Snappy(e.to_string()))?;
    if len > limits.max_uncompressed {
        return Err(FramingError::UncompressedOversized {
            len,
            max: limits.max_uncompressed,
        });
    }
    let mut out = vec![0u8; len];
    let written = snap::raw::Decoder::new()
        .decompress(block, &mut out)
        .map_err(|e| FramingError::Snappy(e.to_string()))?;
    out.truncate(written);
    Ok(out)
}

/// Encodes one frame: header, then the compressed payload.
pub fn encode_frame(ssz: &[u8], limits: &FrameLimits) -> Result<Vec<u8>, FramingError> {
    let block = compress(ssz, limits)?;
    let len = u32::try_from(block.len()).map_err(|_| FramingError::PayloadTooLarge {
        len: ssz.len(),
        max: limits.max_uncompressed,
    })?;
    let mut frame = Vec::with_capacity(block.len().saturating_add(FRAME_HEADER_LEN));
    frame.extend_from_slice(&len.to_be_bytes());
    frame.extend_from_slice(&block);
    Ok(frame)
}

/// Reads the compressed length from a frame header, refusing it if over the limit.
///
/// Returns `Ok(None)` when fewer than [`FRAME_HEADER_LEN`] bytes are available.
pub fn peek_frame_len(buf: &[u8], limits: &FrameLimits) -> Result<Option<usize>, FramingError> {
    let Some(header) = buf.first_chunk::<FRAME_HEADER_LEN>() else {
        return Ok(None);
    };
    let len = usize::try_from(u32::from_be_bytes(*header)).unwrap_or(usize::MAX);
    if len > limits.max_compressed() {
        return Err(FramingError::CompressedOversized {
            len,
            max: limits.max_compressed(),
        });
    }
    Ok(Some(len))
}

/// Decodes the first frame of `buf`, returning the SSZ payload and the bytes consumed.
///
/// An oversized header is refused before the payload has arrived; an incomplete frame is
/// [`FramingError::Truncated`].
pub fn decode_frame(buf: &[u8], limits: &FrameLimits) -> Result<(Vec<u8>, usize), FramingError> {
    let Some(len) = peek_frame_len(buf, limits)? else {
        return Err(FramingError::Truncated {
            needed: FRAME_HEADER_LEN.saturating_sub(buf.len()),
        });
    };
    let end = FRAME_HEADER_LEN.saturating_add(len);
    let Some(block) = buf.get(FRAME_HEADER_LEN..end) else {
        return Err(FramingError::Truncated {
            needed: end.saturating_sub(buf.len()),
        });
    };
    Ok((decompress(block, limits)?, end))
}

/// Decodes a buffer that must hold exactly one frame.
pub fn decode_single_frame(buf: &[u8], limits: &FrameLimits) -> Result<Vec<u8>, FramingError> {
    let (ssz, used) = decode_frame(buf, limits)?;
    match buf.len().saturating_sub(used) {
        0 => Ok(ssz),
        extra => Err(FramingError::TrailingBytes(extra)),
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn small() -> FrameLimits {
        FrameLimits {
            max_uncompressed: 1024,
        }
    }

    #[test]
    fn round_trip() {
        let payload = b"hello hello hello hello".to_vec();
        let frame = encode_frame(&payload, &small()).unwrap();
        assert_eq!(decode_single_frame(&frame, &small()).unwrap(), payload);
    }

    #[test]
    fn local_oversized_payload_refused() {
        let err = encode_frame(&[0u8; 1025], &small()).unwrap_err();
        assert!(matches!(err, FramingError::PayloadTooLarge { .. }));
        assert!(!err.is_bad_data());
    }

    #[test]
    fn oversized_header_refused_before_payload_arrives() {
        // Only the header: a 4 GiB claim must fail now, not wait for (or allocate) the bytes.
        let err = decode_frame(&u32::MAX.to_be_bytes(), &small()).unwrap_err();
        assert!(matches!(err, FramingError::CompressedOversized { .. }));
        assert_eq!(err.misbehaviour(), Misbehaviour::OversizedFrame);
    }

    #[test]
    fn oversized_uncompressed_claim_refused() {
        // A valid snappy block of 2000 zero bytes compresses to a few bytes but expands past
        // the limit: the announced length is checked before allocating.
        let block = snap::raw::Encoder::new()
            .compress_vec(&[0u8; 2000])
            .unwrap();
        let err = decompress(&block, &small()).unwrap_err();
        assert!(matches!(
            err,
            FramingError::UncompressedOversized { len: 2000, .. }
        ));
    }

    #[test]
    fn huge_varint_claim_refused() {
        // snappy's varint header claiming ~4 GiB followed by nothing.
        let err = decompress(&[0xff, 0xff, 0xff, 0xff, 0x0f], &small()).unwrap_err();
        assert!(err.is_bad_data());
    }

    #[test]
    fn truncated_and_trailing() {
        let frame = encode_frame(b"abc", &small()).unwrap();
        assert!(matches!(
            decode_frame(&frame[..frame.len() - 1], &small()),
            Err(FramingError::Truncated { needed: 1 })
        ));
        let mut long = frame.clone();
        long.push(0);
        assert_eq!(
            decode_single_frame(&long, &small()),
            Err(FramingError::TrailingBytes(1))
        );
    }

    proptest! {
        #[test]
        fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
            let _ = decode_frame(&bytes, &small());
            let _ = decompress(&bytes, &small());
        }

        #[test]
        fn random_payloads_round_trip(bytes in proptest::collection::vec(any::<u8>(), 0..1024)) {
            let frame = encode_frame(&bytes, &small()).unwrap();
            prop_assert!(frame.len() <= small().max_frame());
            prop_assert_eq!(decode_single_frame(&frame, &small()).unwrap(), bytes);
        }

        #[test]
        fn corrupted_frames_never_panic(
            bytes in proptest::collection::vec(any::<u8>(), 1..512),
            flip in any::<usize>(),
            value in any::<u8>(),
        ) {
            let mut frame = encode_frame(&bytes, &small()).unwrap();
            let at = flip % frame.len();
            frame[at] = value;
            if let Ok(out) = decode_single_frame(&frame, &small()) {
                prop_assert!(out.len() <= small().max_uncompressed);
            }
        }
    }
}
