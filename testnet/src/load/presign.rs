//! Transfers signed ahead of a run: per shard, a sequence that cycles over its sending
//! accounts with consecutive nonces, each to an account of the same shard or, for the planned
//! share, of another shard. Signed on every core before anything is sent.

use alloy_primitives::{B256, U256, keccak256};
use rayon::prelude::*;
use shard::{GenesisAllocation, TransferRequest, genesis_accounts};

use super::{LoadError, LoadPlan, is_cross_shard};

/// The gas of a plain transfer.
const TRANSFER_GAS: u64 = 21_000;

/// What every transfer pays and carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FeeParams {
    /// `BASE_CHAIN_ID`: shard `s` signs with `base + s`.
    pub base_chain_id: u64,
    /// The max fee per gas, in wei.
    pub max_fee_per_gas: u128,
    /// The priority fee per gas, in wei.
    pub max_priority_fee_per_gas: u128,
    /// The value of each transfer, in wei.
    pub value: U256,
}

/// One signed transfer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PresignedTransfer {
    /// Its hash (`keccak256` of its EIP-2718 bytes).
    pub hash: B256,
    /// Its EIP-2718 bytes as `0x` hex, ready for `eth_sendRawTransaction`.
    pub raw_hex: String,
    /// Whether it pays an account of another shard.
    pub cross_shard: bool,
}

/// The transfers of one shard, in the order they are to be sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PresignedShard {
    /// The shard.
    pub shard: u64,
    /// The transfers.
    pub transfers: Vec<PresignedTransfer>,
}

/// The first `accounts` accounts of every active shard derived from `mnemonic`, as the
/// genesis of a network made from it holds them (balances are the chain's, not these).
pub fn load_senders(
    mnemonic: &str,
    accounts: usize,
    active_shards: u64,
) -> Result<GenesisAllocation, LoadError> {
    Ok(genesis_accounts(
        mnemonic,
        accounts,
        U256::ZERO,
        active_shards,
    )?)
}

/// Signs `plan.transfers_per_shard()` transfers for each of the plan's shards. `nonces(shard,
/// account)` is each sender's next nonce; `progress` is called once per signed transfer, from
/// any thread.
pub fn presign(
    plan: &LoadPlan,
    senders: &GenesisAllocation,
    nonces: &dyn Fn(u64, usize) -> u64,
    fees: &FeeParams,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Vec<PresignedShard>, LoadError> {
    plan.validate()?;
    let accounts_of = |shard: u64| {
        usize::try_from(shard)
            .ok()
            .and_then(|index| senders.shards.get(index))
            .filter(|accounts| accounts.len() >= plan.accounts)
            .ok_or_else(|| {
                LoadError::Plan(format!(
                    "shard {shard} has fewer than {} accounts",
                    plan.accounts
                ))
            })
    };
    for shard in 0..plan.active_shards {
        accounts_of(shard)?;
    }
    let count = plan.transfers_per_shard();
    let mut out = Vec::with_capacity(plan.shards.len());
    for &shard in &plan.shards {
        let own = accounts_of(shard)?;
        let others: Vec<u64> = (0..plan.active_shards).filter(|s| *s != shard).collect();
        let start: Vec<u64> = (0..plan.accounts).map(|k| nonces(shard, k)).collect();
        let chain_id = fees.base_chain_id + shard;
        let transfers = (0..count)
            .into_par_iter()
            .map(|i| {
                let slot = i as usize;
                let k = slot % plan.accounts;
                let round = (slot / plan.accounts) as u64;
                let cross_shard = is_cross_shard(i, plan.cross_shard) && !others.is_empty();
                let to = if cross_shard {
                    let target = others[(round as usize + k) % others.len()];
                    senders.shards[target as usize][k].address()
                } else {
                    own[(k + 1) % plan.accounts].address()
                };
                let raw = own[k].signer.sign_eip1559(&TransferRequest {
                    chain_id,
                    nonce: start[k] + round,
                    to,
                    value: fees.value,
                    gas_limit: TRANSFER_GAS,
                    max_fee_per_gas: fees.max_fee_per_gas,
                    max_priority_fee_per_gas: fees.max_priority_fee_per_gas,
                });
                progress(1);
                PresignedTransfer {
                    hash: keccak256(&raw),
                    raw_hex: format!("0x{}", hex::encode(&raw)),
                    cross_shard,
                }
            })
            .collect();
        out.push(PresignedShard { shard, transfers });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::time::Duration;

    use shard::{ShardTransaction, home_shard};

    use super::super::Pacing;
    use super::*;

    const MNEMONIC: &str = "test test test test test test test test test test test junk";

    #[test]
    fn transfers_cycle_over_senders_with_consecutive_nonces() {
        let plan = LoadPlan {
            shards: vec![0, 1],
            active_shards: 2,
            accounts: 3,
            pacing: Pacing::Rate(20.0),
            duration: Duration::from_secs(3),
            cross_shard: 0.25,
            saturate_budget: 0,
        };
        let senders = load_senders(MNEMONIC, 3, 2).unwrap();
        let fees = FeeParams {
            base_chain_id: 100,
            max_fee_per_gas: 2_000_000_000,
            max_priority_fee_per_gas: 1_000_000_000,
            value: U256::from(7u64),
        };
        let signed = AtomicU64::new(0);
        let shards = presign(&plan, &senders, &|_, k| 5 + k as u64, &fees, &|n| {
            signed.fetch_add(n, Ordering::Relaxed);
        })
        .unwrap();
        assert_eq!(signed.load(Ordering::Relaxed), 60);
        for batch in &shards {
            assert_eq!(batch.transfers.len(), 30);
            let crossing = batch.transfers.iter().filter(|t| t.cross_shard).count();
            assert_eq!(crossing, 7);
            let mut seen = BTreeSet::new();
            for (i, transfer) in batch.transfers.iter().enumerate() {
                let raw = hex::decode(&transfer.raw_hex[2..]).unwrap();
                let tx = ShardTransaction::decode(&raw, 100 + batch.shard).unwrap();
                let sender = shard::recover_sender(&tx).unwrap();
                let k = i % 3;
                assert_eq!(sender, senders.shards[batch.shard as usize][k].address());
                assert_eq!(tx.nonce(), 5 + k as u64 + (i / 3) as u64);
                let home = home_shard(&tx.to(), 2).unwrap();
                assert_eq!(home != batch.shard, transfer.cross_shard);
                assert!(seen.insert(transfer.hash));
            }
        }
    }
}
