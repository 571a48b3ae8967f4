//! The JSON shapes the node's HTTP API answers with, as the client decodes them (integers as
//! quoted decimals, roots as `0x` hex).

use node::api::ValidatorStatus;
use primitives::types::{Checkpoint, Root, SignedBeaconBlockHeader, Validator};
use serde::Deserialize;
use serde_json::Value;

/// Quoted decimal `u64` fields (`"123"`), as the Beacon API writes integers; a bare number is
/// taken too.
pub mod quoted_u64 {
    use serde::{Deserialize, Deserializer, de::Error};

    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Quoted {
        Text(String),
        Number(u64),
    }

    /// Decodes a quoted (or bare) decimal `u64`.
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u64, D::Error> {
        match Quoted::deserialize(deserializer)? {
            Quoted::Number(number) => Ok(number),
            Quoted::Text(text) => text
                .parse()
                .map_err(|error| D::Error::custom(format!("`{text}` is not a u64: {error}"))),
        }
    }
}

/// `/eth/v1/node/identity`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct NodeIdentity {
    /// The node's peer id.
    pub peer_id: String,
    /// The node's record.
    #[serde(default)]
    pub enr: String,
    /// Where the peer-to-peer protocol is served.
    #[serde(default)]
    pub p2p_addresses: Vec<String>,
}

/// `/eth/v1/node/syncing`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub struct SyncStatus {
    /// The head block's slot.
    #[serde(with = "quoted_u64")]
    pub head_slot: u64,
    /// How many slots the head is behind the clock.
    #[serde(with = "quoted_u64")]
    pub sync_distance: u64,
    /// Whether the node is catching up.
    pub is_syncing: bool,
}

/// `/eth/v1/node/peer_count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub struct PeerCount {
    /// Peers remembered but not connected.
    #[serde(with = "quoted_u64")]
    pub disconnected: u64,
    /// Peers being dialled.
    #[serde(with = "quoted_u64")]
    pub connecting: u64,
    /// Connected peers.
    #[serde(with = "quoted_u64")]
    pub connected: u64,
    /// Peers being disconnected.
    #[serde(with = "quoted_u64")]
    pub disconnecting: u64,
}

/// `/eth/v1/beacon/genesis`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Genesis {
    /// Unix time of slot 0, in seconds.
    #[serde(with = "quoted_u64")]
    pub genesis_time: u64,
    /// The root of the genesis validator registry.
    pub genesis_validators_root: Root,
    /// The genesis fork version, `0x` hex.
    pub genesis_fork_version: String,
}

/// One entry of `/eth/v1/beacon/headers`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct HeaderSummary {
    /// The block's root.
    pub root: Root,
    /// Whether the block is on the node's canonical chain.
    pub canonical: bool,
    /// The signed header.
    pub header: SignedBeaconBlockHeader,
}

impl HeaderSummary {
    /// The block's slot.
    pub fn slot(&self) -> u64 {
        self.header.message.slot
    }
}

/// `/eth/v1/beacon/states/{state_id}/finality_checkpoints`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct FinalityCheckpoints {
    /// The previous justified checkpoint.
    pub previous_justified: Checkpoint,
    /// The current justified checkpoint.
    pub current_justified: Checkpoint,
    /// The finalized checkpoint.
    pub finalized: Checkpoint,
}

/// One validator of `/eth/v1/beacon/states/{state_id}/validators`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ValidatorSummary {
    /// Registry index.
    #[serde(with = "quoted_u64")]
    pub index: u64,
    /// Balance in Gwei.
    #[serde(with = "quoted_u64")]
    pub balance: u64,
    /// Lifecycle status.
    pub status: ValidatorStatus,
    /// The registry record.
    pub validator: Validator,
}

/// A shard block summary of `/shardnet/v1/shards/{shard}/head` and `.../blocks`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ShardBlockSummary {
    /// The block's root.
    pub root: Root,
    /// The shard.
    #[serde(with = "quoted_u64")]
    pub shard: u64,
    /// The block's slot.
    #[serde(with = "quoted_u64")]
    pub slot: u64,
    /// Its proposer.
    #[serde(with = "quoted_u64")]
    pub proposer_index: u64,
    /// The body's size in bytes.
    #[serde(with = "quoted_u64")]
    pub body_size: u64,
    /// Whether a crosslink in the head state covers it.
    pub crosslinked: bool,
    /// Whether a finalized crosslink covers it.
    pub finalized: bool,
    /// The execution payload's summary (transaction hashes, gas, roots), if it has one.
    #[serde(default)]
    pub payload: Option<Value>,
}

impl ShardBlockSummary {
    /// How many transactions the block's payload carries (0 without a payload).
    pub fn transaction_count(&self) -> u64 {
        self.payload
            .as_ref()
            .and_then(|payload| payload.get("transaction_count"))
            .and_then(Value::as_str)
            .and_then(|count| count.parse().ok())
            .unwrap_or(0)
    }
}

/// A shard's latest crosslinked `ShardState`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ShardState {
    /// The slot of the crosslinked shard block.
    #[serde(with = "quoted_u64")]
    pub slot: u64,
    /// The shard's gas price.
    #[serde(with = "quoted_u64")]
    pub gasprice: u64,
    /// The crosslinked block's root.
    pub latest_block_root: Root,
}

/// `/shardnet/v1/shards/{shard}/crosslinks`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Crosslinks {
    /// The shard.
    #[serde(with = "quoted_u64")]
    pub shard: u64,
    /// The latest crosslink in the head state.
    pub head: Option<ShardState>,
    /// The latest crosslink in the finalized state.
    pub finalized: Option<ShardState>,
}
