//! What the node produced or was handed locally and its peers must hear of: each item with
//! the gossip topic it goes out on and its SSZ payload.

use network::Topic;
use primitives::EthSpec;
use primitives::types::{
    Attestation, AttesterSlashing, ProposerSlashing, Shard, SignedAggregateAndProof,
    SignedBeaconBlock, SignedShardBlock, SignedVoluntaryExit,
};
use ssz::Encode;

/// A message for the network, produced by the validator client or submitted through an API.
#[derive(Debug, Clone)]
pub enum Published<E: EthSpec> {
    /// A beacon block.
    BeaconBlock(Box<SignedBeaconBlock<E>>),
    /// An unaggregated attestation on its subnet.
    Attestation {
        /// `compute_subnet_for_attestation` of its committee.
        subnet: u64,
        /// The attestation.
        attestation: Box<Attestation<E>>,
    },
    /// An aggregate with its aggregator's selection proof and signature.
    Aggregate(Box<SignedAggregateAndProof<E>>),
    /// A shard block.
    ShardBlock(Box<SignedShardBlock<E>>),
    /// A raw signed transaction (EIP-2718 bytes) for a shard's mempool.
    Transaction {
        /// The shard.
        shard: Shard,
        /// The transaction.
        raw: Vec<u8>,
    },
    /// A voluntary exit.
    VoluntaryExit(Box<SignedVoluntaryExit>),
    /// A proposer slashing.
    ProposerSlashing(Box<ProposerSlashing>),
    /// An attester slashing.
    AttesterSlashing(Box<AttesterSlashing<E>>),
}

impl<E: EthSpec> Published<E> {
    /// The topic it is published on.
    pub fn topic(&self) -> Topic {
        match self {
            Self::BeaconBlock(_) => Topic::BeaconBlock,
            Self::Attestation { subnet, .. } => Topic::BeaconAttestation(*subnet),
            Self::Aggregate(_) => Topic::BeaconAggregateAndProof,
            Self::ShardBlock(block) => Topic::ShardBlock(block.message.shard),
            Self::Transaction { shard, .. } => Topic::ShardTx(*shard),
            Self::VoluntaryExit(_) => Topic::VoluntaryExit,
            Self::ProposerSlashing(_) => Topic::ProposerSlashing,
            Self::AttesterSlashing(_) => Topic::AttesterSlashing,
        }
    }

    /// The SSZ payload (a transaction goes as its raw bytes).
    pub fn ssz(&self) -> Vec<u8> {
        match self {
            Self::BeaconBlock(block) => block.as_ssz_bytes(),
            Self::Attestation { attestation, .. } => attestation.as_ssz_bytes(),
            Self::Aggregate(aggregate) => aggregate.as_ssz_bytes(),
            Self::ShardBlock(block) => block.as_ssz_bytes(),
            Self::Transaction { raw, .. } => raw.clone(),
            Self::VoluntaryExit(exit) => exit.as_ssz_bytes(),
            Self::ProposerSlashing(slashing) => slashing.as_ssz_bytes(),
            Self::AttesterSlashing(slashing) => slashing.as_ssz_bytes(),
        }
    }
}
