//! Gossip topics and their names, `/eth2/{fork_digest}/{name}/ssz_snappy` as the p2p interface
//! spells them, with the shard topics shardnet adds (`shard_block_{s}`, `shard_tx_{s}`).

use std::fmt;

use primitives::types::ForkDigest;
use thiserror::Error;

/// The encoding suffix of every topic name.
pub const ENCODING: &str = "ssz_snappy";

/// `ATTESTATION_SUBNET_COUNT` of the p2p interface: the number of attestation subnets.
pub const ATTESTATION_SUBNET_COUNT: u64 = 64;

/// Upper bound on the shard number a topic may carry (shardnet runs at most 1024 shards).
pub const MAX_SHARD_TOPICS: u64 = 1024;

/// What a gossip topic carries, without its fork digest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Topic {
    /// `beacon_block`: `SignedBeaconBlock`.
    BeaconBlock,
    /// `beacon_aggregate_and_proof`: `SignedAggregateAndProof`.
    BeaconAggregateAndProof,
    /// `beacon_attestation_{subnet_id}`: `Attestation` on one subnet.
    BeaconAttestation(u64),
    /// `shard_block_{shard}`: `SignedShardBlock` of one shard.
    ShardBlock(u64),
    /// `shard_tx_{shard}`: an Ethereum transaction for one shard's mempool.
    ShardTx(u64),
    /// `voluntary_exit`: `SignedVoluntaryExit`.
    VoluntaryExit,
    /// `proposer_slashing`: `ProposerSlashing`.
    ProposerSlashing,
    /// `attester_slashing`: `AttesterSlashing`.
    AttesterSlashing,
}

/// Why a topic name could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TopicError {
    /// The name does not have the `/eth2/{digest}/{name}/ssz_snappy` shape.
    #[error("malformed topic name")]
    Malformed,
    /// The fork digest is not 4 hex-encoded bytes.
    #[error("invalid fork digest")]
    ForkDigest,
    /// The encoding is not `ssz_snappy`.
    #[error("unsupported encoding")]
    Encoding,
    /// The topic name is unknown.
    #[error("unknown topic")]
    Unknown,
    /// A subnet or shard index is out of range.
    #[error("index {0} out of range")]
    IndexOutOfRange(u64),
}

impl Topic {
    /// Parses the `{name}` part of a topic string.
    pub fn parse(name: &str) -> Result<Self, TopicError> {
        let indexed = |prefix: &str, max: u64| -> Option<Result<u64, TopicError>> {
            let digits = name.strip_prefix(prefix)?;
            // Canonical decimal only: one name per topic keeps message ids and subscriptions
            // unambiguous.
            if digits.is_empty() || (digits.len() > 1 && digits.starts_with('0')) {
                return Some(Err(TopicError::Malformed));
            }
            Some(match digits.parse::<u64>() {
                Ok(i) if i < max => Ok(i),
                Ok(i) => Err(TopicError::IndexOutOfRange(i)),
                Err(_) => Err(TopicError::Malformed),
            })
        };
        match name {
            "beacon_block" => return Ok(Self::BeaconBlock),
            "beacon_aggregate_and_proof" => return Ok(Self::BeaconAggregateAndProof),
            "voluntary_exit" => return Ok(Self::VoluntaryExit),
            "proposer_slashing" => return Ok(Self::ProposerSlashing),
            "attester_slashing" => return Ok(Self::AttesterSlashing),
            _ => {}
        }
        if let Some(i) = indexed("beacon_attestation_", ATTESTATION_SUBNET_COUNT) {
            return i.map(Self::BeaconAttestation);
        }
        if let Some(i) = indexed("shard_block_", MAX_SHARD_TOPICS) {
            return i.map(Self::ShardBlock);
        }
        if let Some(i) = indexed("shard_tx_", MAX_SHARD_TOPICS) {
            return i.map(Self::ShardTx);
        }
        Err(TopicError::Unknown)
    }
}

impl fmt::Display for Topic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::BeaconBlock => f.write_str("beacon_block"),
            Self::BeaconAggregateAndProof => f.write_str("beacon_aggregate_and_proof"),
            Self::BeaconAttestation(s) => write!(f, "beacon_attestation_{s}"),
            Self::ShardBlock(s) => write!(f, "shard_block_{s}"),
            Self::ShardTx(s) => write!(f, "shard_tx_{s}"),
            Self::VoluntaryExit => f.write_str("voluntary_exit"),
            Self::ProposerSlashing => f.write_str("proposer_slashing"),
            Self::AttesterSlashing => f.write_str("attester_slashing"),
        }
    }
}

/// A full topic: the fork digest it belongs to and what it carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GossipTopic {
    /// `compute_fork_digest(current_fork_version, genesis_validators_root)`.
    pub fork_digest: ForkDigest,
    /// What the topic carries.
    pub topic: Topic,
}

impl GossipTopic {
    /// Parses `/eth2/{fork_digest}/{name}/ssz_snappy`.
    pub fn parse(text: &str) -> Result<Self, TopicError> {
        let mut parts = text.split('/');
        let (Some(""), Some("eth2"), Some(digest), Some(name), Some(encoding), None) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) else {
            return Err(TopicError::Malformed);
        };
        if encoding != ENCODING {
            return Err(TopicError::Encoding);
        }
        let mut fork_digest = [0u8; 4];
        if digest.len() != 8 || digest.bytes().any(|b| b.is_ascii_uppercase()) {
            return Err(TopicError::ForkDigest);
        }
        hex::decode_to_slice(digest, &mut fork_digest).map_err(|_| TopicError::ForkDigest)?;
        Ok(Self {
            fork_digest,
            topic: Topic::parse(name)?,
        })
    }
}

impl fmt::Display for GossipTopic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "/eth2/{}/{}/{ENCODING}",
            hex::encode(self.fork_digest),
            self.topic
        )
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn all() -> Vec<Topic> {
        vec![
            Topic::BeaconBlock,
            Topic::BeaconAggregateAndProof,
            Topic::BeaconAttestation(0),
            Topic::BeaconAttestation(63),
            Topic::ShardBlock(3),
            Topic::ShardTx(1023),
            Topic::VoluntaryExit,
            Topic::ProposerSlashing,
            Topic::AttesterSlashing,
        ]
    }

    #[test]
    fn names_round_trip() {
        for topic in all() {
            let full = GossipTopic {
                fork_digest: [0x44, 0x6a, 0x72, 0x32],
                topic,
            };
            assert_eq!(GossipTopic::parse(&full.to_string()), Ok(full));
        }
    }

    #[test]
    fn spec_example() {
        let t = GossipTopic::parse("/eth2/446a7232/beacon_aggregate_and_proof/ssz_snappy");
        assert_eq!(
            t,
            Ok(GossipTopic {
                fork_digest: [0x44, 0x6a, 0x72, 0x32],
                topic: Topic::BeaconAggregateAndProof
            })
        );
    }

    #[test]
    fn bad_names() {
        assert_eq!(
            Topic::parse("beacon_attestation_64"),
            Err(TopicError::IndexOutOfRange(64))
        );
        assert_eq!(
            Topic::parse("beacon_attestation_01"),
            Err(TopicError::Malformed)
        );
        assert_eq!(Topic::parse("shard_block_"), Err(TopicError::Malformed));
        assert_eq!(Topic::parse("shard_block_x"), Err(TopicError::Malformed));
        assert_eq!(Topic::parse("nope"), Err(TopicError::Unknown));
        assert_eq!(
            GossipTopic::parse("/eth2/446a7232/beacon_block/ssz"),
            Err(TopicError::Encoding)
        );
        assert_eq!(
            GossipTopic::parse("/eth2/446A7232/beacon_block/ssz_snappy"),
            Err(TopicError::ForkDigest)
        );
        assert_eq!(
            GossipTopic::parse("/eth2/beacon_block"),
            Err(TopicError::Malformed)
        );
    }

    proptest! {
        #[test]
        fn arbitrary_strings_never_panic(s in ".{0,80}") {
            let _ = GossipTopic::parse(&s);
            let _ = Topic::parse(&s);
        }
    }
}
