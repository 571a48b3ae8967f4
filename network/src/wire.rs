//! The gossip messages peers exchange: subscription changes and published messages.
//!
//! Each gossip message travels alone on its own unidirectional stream (or in-memory message),
//! so the stream end delimits it; the transport bounds the stream to
//! [`max_wire_len`] bytes. Layout, all lengths big-endian:
//!
//! ```text
//! 0x00 | count: u16 | (len: u8 | topic name)*   subscribe
//! 0x01 | count: u16 | (len: u8 | topic name)*   unsubscribe
//! 0x02 | len: u8 | topic name | data             publish; data is the snappy block of the SSZ
//! ```

use thiserror::Error;

use crate::framing::FrameLimits;
use crate::peer_score::Misbehaviour;
use crate::topic::{GossipTopic, TopicError};

/// Most topics one subscription message may name (every topic of a 1024-shard network fits).
pub const MAX_TOPICS_PER_MESSAGE: usize = 4096;

const TAG_SUBSCRIBE: u8 = 0;
const TAG_UNSUBSCRIBE: u8 = 1;
const TAG_PUBLISH: u8 = 2;

/// A gossip message between two peers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GossipWire {
    /// The sender now wants messages on these topics.
    Subscribe(Vec<GossipTopic>),
    /// The sender no longer wants messages on these topics.
    Unsubscribe(Vec<GossipTopic>),
    /// A message published on a topic.
    Publish {
        /// The topic.
        topic: GossipTopic,
        /// `message.data`: the snappy-compressed SSZ payload.
        data: Vec<u8>,
    },
}

/// Why a gossip message could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum WireError {
    /// The message is empty.
    #[error("empty gossip message")]
    Empty,
    /// The first byte names no message kind.
    #[error("unknown gossip message tag {0}")]
    UnknownTag(u8),
    /// The message ends inside a field.
    #[error("gossip message truncated")]
    Truncated,
    /// Bytes follow the last topic of a subscription message.
    #[error("trailing bytes in a subscription message")]
    TrailingBytes,
    /// A subscription message names too many topics.
    #[error("{0} topics in one subscription message")]
    TooManyTopics(usize),
    /// A topic name is invalid.
    #[error("invalid topic: {0}")]
    Topic(#[from] TopicError),
    /// The published data exceeds the compressed limit.
    #[error("published data of {len} bytes exceeds {max}")]
    DataOversized {
        /// Data length.
        len: usize,
        /// The limit.
        max: usize,
    },
}

impl WireError {
    /// Whether the peer that sent the bytes is at fault (always, for decoding errors).
    pub fn is_bad_data(&self) -> bool {
        true
    }

    /// The misbehaviour charged to the sender.
    pub fn misbehaviour(&self) -> Misbehaviour {
        match self {
            Self::DataOversized { .. } | Self::TooManyTopics(_) => Misbehaviour::OversizedFrame,
            Self::Topic(_) => Misbehaviour::ProtocolViolation,
            _ => Misbehaviour::GarbageFraming,
        }
    }
}

/// The largest encoded gossip message accepted under `limits`.
pub fn max_wire_len(limits: &FrameLimits) -> usize {
    // tag + topic length + longest topic + data, or a full subscription list.
    let publish = limits.max_compressed().saturating_add(2 + 255);
    let subscribe = MAX_TOPICS_PER_MESSAGE.saturating_mul(256).saturating_add(3);
    publish.max(subscribe)
}

fn push_topic(out: &mut Vec<u8>, topic: &GossipTopic) {
    let name = topic.to_string();
    // Topic names are at most ~50 bytes; the u8 length cannot overflow.
    out.push(u8::try_from(name.len()).unwrap_or(u8::MAX));
    out.extend_from_slice(name.as_bytes());
}

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], WireError> {
        let (head, rest) = self.0.split_at_checked(n).ok_or(WireError::Truncated)?;
        self.0 = rest;
        Ok(head)
    }

    fn topic(&mut self) -> Result<GossipTopic, WireError> {
        let len = *self.take(1)?.first().ok_or(WireError::Truncated)?;
        let name = std::str::from_utf8(self.take(usize::from(len))?)
            .map_err(|_| WireError::Topic(TopicError::Malformed))?;
        Ok(GossipTopic::parse(name)?)
    }
}

impl GossipWire {
    /// Encodes the message.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        match self {
            Self::Subscribe(topics) | Self::Unsubscribe(topics) => {
                out.push(if matches!(self, Self::Subscribe(_)) {
                    TAG_SUBSCRIBE
                } else {
                    TAG_UNSUBSCRIBE
                });
                let count = u16::try_from(topics.len()).unwrap_or(u16::MAX);
                out.extend_from_slice(&count.to_be_bytes());
                for topic in topics.iter().take(usize::from(count)) {
                    push_topic(&mut out, topic);
                }
            }
            Self::Publish { topic, data } => {
                out.push(TAG_PUBLISH);
                push_topic(&mut out, topic);
                out.extend_from_slice(data);
            }
        }
        out
    }

    /// Decodes a message, bounding the published data by `limits`.
    pub fn decode(bytes: &[u8], limits: &FrameLimits) -> Result<Self, WireError> {
        let (&tag, rest) = bytes.split_first().ok_or(WireError::Empty)?;
        let mut reader = Reader(rest);
        match tag {
            TAG_SUBSCRIBE | TAG_UNSUBSCRIBE => {
                let count_bytes = reader.take(2)?;
                let count = usize::from(u16::from_be_bytes([
                    *count_bytes.first().ok_or(WireError::Truncated)?,
                    *count_bytes.get(1).ok_or(WireError::Truncated)?,
                ]));
                if count > MAX_TOPICS_PER_MESSAGE {
                    return Err(WireError::TooManyTopics(count));
                }
                // Each topic takes at least one byte: a count larger than the input is refused
                // by `take` before the vector grows past the input's size.
                let mut topics = Vec::with_capacity(count.min(reader.0.len()));
                for _ in 0..count {
                    topics.push(reader.topic()?);
                }
                if !reader.0.is_empty() {
                    return Err(WireError::TrailingBytes);
                }
                Ok(if tag == TAG_SUBSCRIBE {
                    Self::Subscribe(topics)
                } else {
                    Self::Unsubscribe(topics)
                })
            }
            TAG_PUBLISH => {
                let topic = reader.topic()?;
                let data = reader.0;
                if data.len() > limits.max_compressed() {
                    return Err(WireError::DataOversized {
                        len: data.len(),
                        max: limits.max_compressed(),
                    });
                }
                Ok(Self::Publish {
                    topic,
                    data: data.to_vec(),
                })
            }
            other => Err(WireError::UnknownTag(other)),
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::topic::Topic;

    fn t(topic: Topic) -> GossipTopic {
        GossipTopic {
            fork_digest: [1, 2, 3, 4],
            topic,
        }
    }

    #[test]
    fn round_trips() {
        let limits = FrameLimits::default();
        for msg in [
            GossipWire::Subscribe(vec![t(Topic::BeaconBlock), t(Topic::ShardTx(7))]),
            GossipWire::Unsubscribe(vec![]),
            GossipWire::Publish {
                topic: t(Topic::BeaconAttestation(5)),
                data: vec![9; 100],
            },
        ] {
            assert_eq!(GossipWire::decode(&msg.encode(), &limits), Ok(msg));
        }
    }

    #[test]
    fn oversized_publish_refused() {
        let limits = FrameLimits {
            max_uncompressed: 64,
        };
        let msg = GossipWire::Publish {
            topic: t(Topic::BeaconBlock),
            data: vec![0; 1000],
        };
        let err = GossipWire::decode(&msg.encode(), &limits).unwrap_err();
        assert_eq!(err.misbehaviour(), Misbehaviour::OversizedFrame);
    }

    #[test]
    fn huge_count_refused() {
        let err = GossipWire::decode(&[0, 0xff, 0xff], &FrameLimits::default()).unwrap_err();
        assert_eq!(err, WireError::TooManyTopics(0xffff));
        let err = GossipWire::decode(&[0, 0x01, 0x00], &FrameLimits::default()).unwrap_err();
        assert_eq!(err, WireError::Truncated);
    }

    proptest! {
        #[test]
        fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
            let _ = GossipWire::decode(&bytes, &FrameLimits::default());
        }
    }
}
