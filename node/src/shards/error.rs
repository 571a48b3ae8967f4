//! Why a shard block or transaction was refused.

use beacon::fork_choice::shard::ShardForkChoiceError;
use primitives::types::{Root, Shard};
use shard::{MempoolError, PayloadError};
use storage::StoreError;

/// An error of a shard chain.
#[derive(Debug, thiserror::Error)]
pub enum ShardError {
    /// The block is already imported.
    #[error("shard block {0} is already known")]
    AlreadyKnown(Root),
    /// The block belongs to another shard.
    #[error("block of shard {block} offered to shard {chain}")]
    WrongShard {
        /// The block's shard.
        block: Shard,
        /// This chain's shard.
        chain: Shard,
    },
    /// The shard is not active in the beacon state.
    #[error("shard {0} is not in the beacon state")]
    UnknownShard(Shard),
    /// The block's shard parent is not known.
    #[error("shard block {root} has an unknown parent {parent}")]
    UnknownParent {
        /// The block.
        root: Root,
        /// Its shard parent.
        parent: Root,
    },
    /// The block's beacon parent is not known (or its state is pruned).
    #[error("unknown beacon parent {0}")]
    UnknownBeaconParent(Root),
    /// The payload is invalid.
    #[error("payload: {0}")]
    Payload(#[from] PayloadError),
    /// The shard fork choice refused the block.
    #[error("shard fork choice: {0}")]
    ForkChoice(#[from] ShardForkChoiceError),
    /// The mempool refused a transaction.
    #[error("mempool: {0}")]
    Mempool(#[from] MempoolError),
    /// The beacon chain could not answer.
    #[error("beacon chain: {0}")]
    Beacon(String),
    /// The configuration cannot serve this shard.
    #[error("configuration: {0}")]
    Config(String),
    /// A stored execution does not rebuild its block.
    #[error("stored execution: {0}")]
    StoredExecution(#[from] super::stored::StoredExecutionError),
    /// The store failed.
    #[error("store: {0}")]
    Store(#[from] StoreError),
}

impl ShardError {
    /// Whether the fault lies with whoever sent the block or transaction.
    pub fn is_bad_data(&self) -> bool {
        match self {
            Self::WrongShard { .. } => true,
            Self::Payload(error) => error.is_bad_data(),
            Self::ForkChoice(error) => error.is_bad_data(),
            Self::Mempool(error) => error.is_bad_data(),
            _ => false,
        }
    }
}
