//! The Ethereum JSON-RPC of one shard: the handful of methods that let ordinary Ethereum tooling
//! (web3.py, ethers, cast, wallets) read balances and nonces and send signed transfers.
//!
//! Methods: `eth_chainId`, `net_version`, `web3_clientVersion`, `eth_blockNumber`,
//! `eth_gasPrice`, `eth_getBalance`, `eth_getTransactionCount`, `eth_sendRawTransaction`,
//! `eth_getTransactionReceipt`, `eth_getBlockByNumber`. Requests follow JSON-RPC 2.0 (single or
//! batch, notifications answered by nothing), errors the codes of EIP-1474. Values are shaped by
//! `alloy-rpc-types-eth`, the types reth serves, so that clients read them as they read any
//! Ethereum node's.
//!
//! The chain behind it is an [`EthApi`]; this module only parses, dispatches and shapes.

mod dispatch;
mod error;
mod shard_api;

pub use dispatch::{MAX_BATCH, handle};
pub use error::RpcError;
pub use shard_api::ShardEthApi;

use alloy_primitives::{Address, B256, Bytes, U256};
use alloy_rpc_types_eth::{Block, BlockNumberOrTag, TransactionReceipt};

/// What a shard's JSON-RPC asks of the chain.
pub trait EthApi {
    /// The shard's chain id (`base_chain_id + shard`).
    fn chain_id(&self) -> u64;
    /// The node's name and version, for `web3_clientVersion`.
    fn client_version(&self) -> String;
    /// The number of the head shard block.
    fn block_number(&self) -> Result<u64, RpcError>;
    /// The gas price a transfer pays now, in wei.
    fn gas_price(&self) -> Result<U256, RpcError>;
    /// The balance of `address` at `block`, in wei.
    fn balance(&self, address: Address, block: BlockNumberOrTag) -> Result<U256, RpcError>;
    /// The nonce of `address` at `block`; `pending` counts the pool's transactions too.
    fn transaction_count(&self, address: Address, block: BlockNumberOrTag)
    -> Result<u64, RpcError>;
    /// Admits a signed transaction to the pool, returning its hash.
    fn send_raw_transaction(&self, raw: Bytes) -> Result<B256, RpcError>;
    /// The receipt of an included transaction, or `None` if it is not (yet) in a block.
    fn transaction_receipt(&self, hash: B256) -> Result<Option<TransactionReceipt>, RpcError>;
    /// The block at `number`, with full transactions or hashes, or `None` if there is none.
    fn block_by_number(
        &self,
        number: BlockNumberOrTag,
        full_transactions: bool,
    ) -> Result<Option<Block>, RpcError>;
}

#[cfg(test)]
mod tests;
