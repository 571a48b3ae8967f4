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

pub mod account;
pub mod execution;
pub mod home_shard;
pub mod recovery;
pub mod signer;
pub mod state_tree;
pub mod transaction;

pub use account::{Account, AccountProof, AccountRecord, AccountState, verify_account_proof};
pub use execution::{
    ContextError, CrossShardTransfer, ExecutionContext, ExecutionError, ExecutionOutcome,
    StateJournal, TransferEffect, TransferInvalid, apply_transfer, execute_block,
    execute_transactions,
};
pub use home_shard::{HomeShardError, home_shard};
pub use recovery::{
    RecoveryError, SenderCache, SenderRecoveryFailed, recover_sender, recover_senders,
};
pub use signer::{TransferRequest, TransferSigner};
pub use state_tree::{StateTree, StateTreeError, is_valid_merkle_branch};
pub use transaction::{ShardTransaction, SignedTransfer, TransactionError, shard_chain_id};
