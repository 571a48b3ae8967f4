//! The context a shard block is executed in: shard, shard count, chain id, gas price, and
//! where the deposit contract is.

use alloy_primitives::Address;
use primitives::ChainConfig;
use primitives::types::Gwei;

use crate::transaction::{TransactionError, shard_chain_id};

/// What a block is executed against: which shard, among how many, at which gas price.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExecutionContext {
    /// The shard executing the block.
    pub shard: u64,
    /// The number of active shards (fixes home shards).
    pub shard_count: u64,
    /// The network's base chain id; the shard's chain id is `base_chain_id + shard`.
    pub base_chain_id: u64,
    /// The shard's gas price (the EIP-1559 base fee), in wei.
    pub gas_price: u64,
    /// `DEPOSIT_CONTRACT_ADDRESS`: on shard 0, transactions to it are deposits.
    pub deposit_contract_address: Address,
    /// `MIN_DEPOSIT_AMOUNT`, in gwei: smaller deposits revert.
    pub min_deposit_amount: Gwei,
}

/// Why an execution context cannot be built from a configuration.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ContextError {
    /// The shard is not one of the active shards.
    #[error("shard {shard} is not below the active shard count {shard_count}")]
    ShardOutOfRange {
        /// The shard asked for.
        shard: u64,
        /// The active shard count.
        shard_count: u64,
    },
    /// The gas price is outside `[MIN_GASPRICE, MAX_GASPRICE]`.
    #[error("gas price {gas_price} outside [{min}, {max}]")]
    GasPriceOutOfRange {
        /// The gas price asked for.
        gas_price: u64,
        /// `MIN_GASPRICE`.
        min: u64,
        /// `MAX_GASPRICE`.
        max: u64,
    },
    /// `base_chain_id + shard` overflows.
    #[error(transparent)]
    ChainId(#[from] TransactionError),
}

impl ExecutionContext {
    /// The context of `shard` under `config` (its `INITIAL_ACTIVE_SHARDS` shards, its
    /// `BASE_CHAIN_ID`, gas price bounds, deposit contract), at the shard's current `gas_price`.
    pub fn from_config(
        config: &ChainConfig,
        shard: u64,
        gas_price: u64,
    ) -> Result<Self, ContextError> {
        let shard_count = config.initial_active_shards;
        if shard >= shard_count {
            return Err(ContextError::ShardOutOfRange { shard, shard_count });
        }
        if gas_price < config.min_gasprice || gas_price > config.max_gasprice {
            return Err(ContextError::GasPriceOutOfRange {
                gas_price,
                min: config.min_gasprice,
                max: config.max_gasprice,
            });
        }
        shard_chain_id(config.base_chain_id, shard)?;
        Ok(Self {
            shard,
            shard_count,
            base_chain_id: config.base_chain_id,
            gas_price,
            deposit_contract_address: config.deposit_contract_address,
            min_deposit_amount: config.min_deposit_amount,
        })
    }
}
