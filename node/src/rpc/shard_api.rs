//! [`EthApi`] over a running node's shard chain: what the shard's JSON-RPC serves.

use alloy_consensus::transaction::Recovered;
use alloy_consensus::{Receipt, ReceiptEnvelope, ReceiptWithBloom, TxEnvelope, TxType};
use alloy_primitives::{Address, B256, Bloom, Bytes, U256};
use alloy_rpc_types_eth::{
    Block, BlockNumberOrTag, BlockTransactions, Transaction, TransactionReceipt,
};
use primitives::EthSpec;
use primitives::types::Shard;
use shard::{SignedTransfer, WEI_PER_GWEI, block_gas_limit};
use storage::Store;

use super::{EthApi, RpcError};
use crate::runtime::{NodeHandle, ShardBlockQuery};
use crate::shards::ShardError;

/// The Ethereum JSON-RPC view of one shard of a node: chain id `BASE_CHAIN_ID + shard`, block
/// numbers the heights of the canonical shard chain, `latest` and `pending` its head,
/// `finalized` and `safe` the block crosslinked in the finalized beacon state.
pub struct ShardEthApi<E: EthSpec, S: Store> {
    node: NodeHandle<E, S>,
    shard: Shard,
}

impl<E: EthSpec, S: Store> ShardEthApi<E, S> {
    /// The API of `shard` on `node`.
    pub fn new(node: NodeHandle<E, S>, shard: Shard) -> Self {
        Self { node, shard }
    }

    /// The shard.
    pub fn shard(&self) -> Shard {
        self.shard
    }
}

fn block_id(tag: BlockNumberOrTag) -> ShardBlockQuery {
    match tag {
        BlockNumberOrTag::Latest | BlockNumberOrTag::Pending => ShardBlockQuery::Head,
        BlockNumberOrTag::Finalized | BlockNumberOrTag::Safe => ShardBlockQuery::Finalized,
        BlockNumberOrTag::Earliest => ShardBlockQuery::Number(0),
        BlockNumberOrTag::Number(number) => ShardBlockQuery::Number(number),
    }
}

/// The EIP-2718 envelope of a shard transfer.
fn envelope(transfer: &SignedTransfer) -> TxEnvelope {
    match transfer {
        SignedTransfer::Legacy(signed) => TxEnvelope::Legacy(signed.clone()),
        SignedTransfer::Eip1559(signed) => TxEnvelope::Eip1559(signed.clone()),
    }
}

/// The EIP-2718 type of a shard transfer.
fn tx_type(transfer: &SignedTransfer) -> TxType {
    match transfer {
        SignedTransfer::Legacy(_) => TxType::Legacy,
        SignedTransfer::Eip1559(_) => TxType::Eip1559,
    }
}

fn internal(error: ShardError) -> RpcError {
    RpcError::Internal(error.to_string())
}

fn no_block(tag: BlockNumberOrTag) -> RpcError {
    RpcError::ResourceNotFound(format!("no block {tag}"))
}

impl<E: EthSpec, S: Store> EthApi for ShardEthApi<E, S> {
    fn chain_id(&self) -> u64 {
        self.node.config().base_chain_id.saturating_add(self.shard)
    }

    fn client_version(&self) -> String {
        format!("shardnet/v{}", env!("CARGO_PKG_VERSION"))
    }

    fn block_number(&self) -> Result<u64, RpcError> {
        self.node
            .shard_block(self.shard, ShardBlockQuery::Head)
            .map_err(internal)?
            .map(|block| block.number)
            .ok_or_else(|| no_block(BlockNumberOrTag::Latest))
    }

    fn gas_price(&self) -> Result<U256, RpcError> {
        let head = self
            .node
            .shard_block(self.shard, ShardBlockQuery::Head)
            .map_err(internal)?
            .ok_or_else(|| no_block(BlockNumberOrTag::Latest))?;
        Ok(U256::from(
            u128::from(head.gasprice).saturating_mul(WEI_PER_GWEI),
        ))
    }

    fn balance(&self, address: Address, block: BlockNumberOrTag) -> Result<U256, RpcError> {
        self.node
            .account(self.shard, address, block_id(block))
            .map_err(internal)?
            .map(|account| account.balance)
            .ok_or_else(|| no_block(block))
    }

    fn transaction_count(
        &self,
        address: Address,
        block: BlockNumberOrTag,
    ) -> Result<u64, RpcError> {
        let nonce = self
            .node
            .account(self.shard, address, block_id(block))
            .map_err(internal)?
            .map(|account| account.nonce)
            .ok_or_else(|| no_block(block))?;
        if block != BlockNumberOrTag::Pending {
            return Ok(nonce);
        }
        // `pending`: the head's nonce plus the sender's transactions waiting in the mempool.
        Ok(self
            .node
            .with_shard_chain(self.shard, |chain| {
                chain.mempool().pending_nonce(&address, nonce)
            })
            .unwrap_or(nonce))
    }

    fn send_raw_transaction(&self, raw: Bytes) -> Result<B256, RpcError> {
        self.node
            .submit_transaction(self.shard, &raw)
            .map_err(|error| match error {
                ShardError::Mempool(reason) => RpcError::TransactionRejected(reason.to_string()),
                other => internal(other),
            })
    }

    fn transaction_receipt(&self, hash: B256) -> Result<Option<TransactionReceipt>, RpcError> {
        let Some(location) = self.node.transaction(self.shard, &hash).map_err(internal)? else {
            return Ok(None);
        };
        let tx = &location.transaction;
        let receipt = Receipt {
            status: tx.success.into(),
            cumulative_gas_used: tx.cumulative_gas_used,
            logs: vec![],
        };
        Ok(Some(TransactionReceipt {
            inner: ReceiptEnvelope::from_typed(
                tx_type(&tx.transfer),
                ReceiptWithBloom::new(receipt, Bloom::ZERO),
            ),
            transaction_hash: hash,
            transaction_index: Some(location.index as u64),
            block_hash: Some(location.block.root),
            block_number: Some(location.block.number),
            gas_used: tx.gas_used,
            effective_gas_price: tx.effective_gas_price,
            blob_gas_used: None,
            blob_gas_price: None,
            from: tx.from,
            to: Some(tx.to),
            contract_address: None,
        }))
    }

    fn block_by_number(
        &self,
        number: BlockNumberOrTag,
        full_transactions: bool,
    ) -> Result<Option<Block>, RpcError> {
        let id = block_id(number);
        let Some(summary) = self.node.shard_block(self.shard, id).map_err(internal)? else {
            return Ok(None);
        };
        let transactions = self
            .node
            .shard_block_transactions(self.shard, id)
            .map_err(internal)?
            .unwrap_or_default();
        let config = self.node.config();
        let genesis_time = self
            .node
            .head_state()
            .map_err(|error| RpcError::Internal(error.to_string()))?
            .genesis_time;
        let since_genesis_ms = summary
            .slot
            .saturating_mul(config.seconds_per_slot.as_millis());
        let mut block: Block = Block::default();
        block.header.hash = summary.root;
        let header = &mut block.header.inner;
        header.number = summary.number;
        header.parent_hash = if summary.number == 0 {
            B256::ZERO
        } else {
            summary.parent_root
        };
        header.state_root = summary.state_root;
        header.gas_used = summary.gas_used;
        header.gas_limit = block_gas_limit(config);
        header.timestamp = genesis_time.saturating_add(since_genesis_ms / 1000);
        header.base_fee_per_gas = Some(
            u64::try_from(u128::from(summary.gasprice).saturating_mul(WEI_PER_GWEI))
                .unwrap_or(u64::MAX),
        );
        block.transactions = if full_transactions {
            BlockTransactions::Full(
                transactions
                    .iter()
                    .enumerate()
                    .map(|(index, tx)| Transaction {
                        inner: Recovered::new_unchecked(envelope(&tx.transfer), tx.from),
                        block_hash: Some(summary.root),
                        block_number: Some(summary.number),
                        transaction_index: Some(index as u64),
                        effective_gas_price: Some(tx.effective_gas_price),
                        block_timestamp: Some(header.timestamp),
                    })
                    .collect(),
            )
        } else {
            BlockTransactions::Hashes(transactions.iter().map(|tx| tx.hash).collect())
        };
        Ok(Some(block))
    }
}
