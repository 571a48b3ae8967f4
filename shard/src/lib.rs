//! shardnet shard execution: Ethereum transfers applied to a shard's account state.
//!
//! - [`transaction`]: EIP-2718 bytes (legacy EIP-155, EIP-1559) decoded for a shard's chain id.
//! - [`recovery`]: secp256k1 sender recovery, parallel, cached by transaction hash.
//! - [`account`] and [`state_tree`]: balances and nonces committed by an incremental SSZ list root.
//! - [`mod@home_shard`]: which shard holds an address's account.
//! - [`execution`]: a block's claims and transfers applied all-or-nothing, fees burned,
//!   cross-shard value out and claimed receipts in.
//! - [`spent_receipts`]: the cross-shard receipts a shard has credited, committed by its state.
//! - [`genesis_alloc`]: prefunded accounts on every shard from a BIP-39 mnemonic (BIP-44 keys).
//! - [`deposit_contract`]: shard 0's deposit contract, the tree beacon proposers vote on.
//! - [`payload`]: the execution payload a shard block's body encodes, built and checked.
//! - [`mempool`]: pending transfers per sender, replace-by-fee, bounded, best-first selection.
//! - [`signer`]: signing transfers as a wallet does (load generator, tests, benchmarks).
//!
//! This crate is pure: no I/O, no clock, no async.
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
pub mod deposit_contract;
pub mod execution;
pub mod genesis_alloc;
pub mod home_shard;
pub mod mempool;
pub mod payload;
pub mod recovery;
pub mod signer;
pub mod spent_receipts;
pub mod state_tree;
pub mod transaction;

pub use account::{Account, AccountProof, AccountRecord, AccountState, verify_account_proof};
pub use deposit_contract::{DepositContract, DepositRevert, validate_deposit};
pub use execution::{
    ClaimInvalid, CommitError, ContextError, CrossShardTransfer, DEPOSIT_SHARD, ExecutionContext,
    ExecutionError, ExecutionOutcome, ExecutionState, JournalChanges, STATE_PROOF_DEPTH,
    StateDecodeError, StateJournal, TransactionReceipt, TransferEffect, TransferInvalid,
    WEI_PER_GWEI, apply_claim, apply_transfer, base_fee_per_gas, execute_block,
    execute_claims_and_transactions, execute_transactions, verify_state_account_proof,
};
pub use genesis_alloc::{
    GenesisAccount, GenesisAllocError, GenesisAllocation, MnemonicKeys, genesis_accounts,
    initial_account_state,
};
pub use home_shard::{HomeShardError, home_shard};
pub use mempool::{Mempool, MempoolConfig, MempoolError, PooledTransaction};
pub use payload::{
    BuiltPayload, CrossShardReceipt, CrossShardReceiptProof, ExecutedPayload, ExecutionPayload,
    MerkleBranch, NoReceiptVerifier, PayloadError, PayloadLimits, ProofLevel, ReceiptProofInvalid,
    ReceiptRecord, ReceiptVerifier, block_gas_limit, build_payload, build_payload_with_claims,
    execute_payload, execute_payload_with_claims, receipt_key,
};
pub use recovery::{
    RecoveryError, SenderCache, SenderRecoveryFailed, recover_sender, recover_senders,
};
pub use signer::{TransferRequest, TransferSigner};
pub use spent_receipts::SpentReceipts;
pub use state_tree::{StateTree, StateTreeError, is_valid_merkle_branch};
pub use transaction::{ShardTransaction, SignedTransfer, TransactionError, shard_chain_id};
