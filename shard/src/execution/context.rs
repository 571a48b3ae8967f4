//! The context a shard block is executed in: shard, shard count, chain id, gas price, and
//! where the deposit contract is.
//!
//! Units: the spec's shard gas price (`ShardState.gasprice`, bounded by `MIN_GASPRICE` and
//! `MAX_GASPRICE`) is in **Gwei**, like every amount of the beacon chain, while a transaction's
//! fee cap and priority fee are in **wei**, as any Ethereum wallet signs them. The context holds
//! the price as the shard state does and converts it once, in [`ExecutionContext::base_fee_per_gas`]:
//! every comparison with a fee cap and every effective price is computed in wei.

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
    /// The shard's gas price in **Gwei**, as `ShardState.gasprice` holds it; the EIP-1559 base
    /// fee is this many Gwei per gas (see [`Self::base_fee_per_gas`]).
    pub gasprice: Gwei,
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
    #[error("gas price {gasprice} gwei outside [{min}, {max}] gwei")]
    GasPriceOutOfRange {
        /// The gas price asked for, in Gwei.
        gasprice: Gwei,
        /// `MIN_GASPRICE`, in Gwei.
        min: Gwei,
        /// `MAX_GASPRICE`, in Gwei.
        max: Gwei,
    },
    /// `base_chain_id + shard` overflows.
    #[error(transparent)]
    ChainId(#[from] TransactionError),
}

impl ExecutionContext {
    /// The context of `shard` under `config` (its `INITIAL_ACTIVE_SHARDS` shards, its
    /// `BASE_CHAIN_ID`, gas price bounds, deposit contract), at the shard's current `gasprice`
    /// in Gwei (`ShardState.gasprice`).
    pub fn from_config(
        config: &ChainConfig,
        shard: u64,
        gasprice: Gwei,
    ) -> Result<Self, ContextError> {
        let shard_count = config.initial_active_shards;
        if shard >= shard_count {
            return Err(ContextError::ShardOutOfRange { shard, shard_count });
        }
        if gasprice < config.min_gasprice || gasprice > config.max_gasprice {
            return Err(ContextError::GasPriceOutOfRange {
                gasprice,
                min: config.min_gasprice,
                max: config.max_gasprice,
            });
        }
        shard_chain_id(config.base_chain_id, shard)?;
        Ok(Self {
            shard,
            shard_count,
            base_chain_id: config.base_chain_id,
            gasprice,
            deposit_contract_address: config.deposit_contract_address,
            min_deposit_amount: config.min_deposit_amount,
        })
    }

    /// The EIP-1559 base fee per gas, in wei: the shard gas price converted from Gwei.
    pub fn base_fee_per_gas(&self) -> u128 {
        base_fee_per_gas(self.gasprice)
    }
}

/// Wei in one Gwei.
pub const WEI_PER_GWEI: u128 = 1_000_000_000;

/// The base fee per gas, in wei, of a shard whose gas price is `gasprice` Gwei. A `u64` of Gwei
/// times 10^9 is below 2^94, so the product always fits a `u128`.
pub fn base_fee_per_gas(gasprice: Gwei) -> u128 {
    u128::from(gasprice).saturating_mul(WEI_PER_GWEI)
}
