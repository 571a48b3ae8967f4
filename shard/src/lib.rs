//! shardnet shard execution.
#![cfg_attr(
    not(test),
    deny(
        clippy::arithmetic_side_effects,
        clippy::indexing_slicing,
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic
    )
)]

pub mod recovery;
pub mod signer;
pub mod transaction;

pub use recovery::{
    RecoveryError, SenderCache, SenderRecoveryFailed, recover_sender, recover_senders,
};
pub use signer::{TransferRequest, TransferSigner};
pub use transaction::{ShardTransaction, SignedTransfer, TransactionError, shard_chain_id};
