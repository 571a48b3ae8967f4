//! A shard's mempool: valid pending transfers, per sender in nonce order, bounded in size.
//!
//! Rules:
//! - A transaction is admitted only if it decodes for this shard's chain id, its sender
//!   recovers, its nonce is not below the sender's account nonce, its fee cap covers the shard's
//!   base fee, and the sender's balance covers it together with the sender's queued
//!   transactions of lower nonce. Each refusal has a typed reason.
//! - A transaction for a `(sender, nonce)` already queued replaces it only if it raises both
//!   the fee cap and the priority fee by at least `price_bump_percent` (10% by default).
//! - When the pool is full, the transaction with the lowest fee cap is evicted, with the same
//!   sender's higher nonces (which could no longer execute); a newcomer that does not pay
//!   more than that lowest fee is refused.
//! - [`Mempool::best_transactions`] picks, by effective gas price, a sequence that executes:
//!   each sender's transactions are nonce-contiguous from its account nonce and affordable,
//!   within a block's gas limit and byte budget.
//!
//! Units: callers pass the shard gas price as the shard state holds it, in Gwei; fee caps and
//! effective prices are compared in wei against the base fee it stands for
//! ([`base_fee_per_gas`]).

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap, HashMap};

use alloy_primitives::{Address, B256, U256};

use crate::account::AccountState;
use crate::execution::base_fee_per_gas;
use crate::payload::{PayloadLimits, max_payload_bytes};
use crate::recovery::{RecoveryError, SenderCache};
use crate::transaction::{ShardTransaction, TransactionError};
use primitives::types::Gwei;

/// The default replace-by-fee bump, in percent.
pub const DEFAULT_PRICE_BUMP_PERCENT: u64 = 10;

/// Sizing and replacement rules of a mempool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MempoolConfig {
    /// The shard's chain id (`base_chain_id + shard`).
    pub chain_id: u64,
    /// The most transactions held.
    pub capacity: usize,
    /// How much a replacement must raise the fees, in percent.
    pub price_bump_percent: u64,
}

/// Why a transaction is not admitted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MempoolError {
    /// The bytes are not a transfer for this shard.
    #[error(transparent)]
    Invalid(#[from] TransactionError),
    /// The signature does not recover.
    #[error(transparent)]
    Recovery(#[from] RecoveryError),
    /// A decoded transaction for another chain id.
    #[error("chain id {got}, the pool's is {expected}")]
    WrongChainId {
        /// The pool's chain id.
        expected: u64,
        /// The transaction's.
        got: u64,
    },
    /// The pool already holds this transaction.
    #[error("transaction {0} already known")]
    AlreadyKnown(B256),
    /// The fee cap is below the shard's base fee.
    #[error(
        "max fee per gas {max_fee_per_gas} wei below the shard base fee {base_fee_per_gas} wei"
    )]
    Underpriced {
        /// The transaction's fee cap, in wei.
        max_fee_per_gas: u128,
        /// The shard's base fee per gas (its gas price in Gwei, times 10^9), in wei.
        base_fee_per_gas: u128,
    },
    /// The nonce has already been used.
    #[error("nonce {got} below the account nonce {account}")]
    NonceTooLow {
        /// The account's nonce.
        account: u64,
        /// The transaction's nonce.
        got: u64,
    },
    /// The sender cannot pay this transaction after its queued ones.
    #[error("balance {available} below the cost {needed} of the queued transactions")]
    InsufficientBalance {
        /// The cost of this and the sender's lower-nonce queued transactions.
        needed: U256,
        /// The sender's balance.
        available: U256,
    },
    /// A replacement that does not raise the fees enough.
    #[error("replacement must raise fees by {bump_percent}% (queued max fee {queued_max_fee} wei)")]
    ReplacementUnderpriced {
        /// The queued transaction's fee cap, in wei.
        queued_max_fee: u128,
        /// The required bump.
        bump_percent: u64,
    },
    /// The pool is full of transactions paying at least as much.
    #[error("pool full; lowest fee cap held is {lowest_max_fee} wei")]
    PoolFull {
        /// The lowest fee cap in the pool, in wei.
        lowest_max_fee: u128,
    },
}

impl MempoolError {
    /// Whether the sender of the bytes is at fault (bad encoding, signature or chain id), as
    /// opposed to a transaction that is merely stale, cheap or unaffordable right now.
    pub fn is_bad_data(&self) -> bool {
        match self {
            Self::Invalid(err) => err.is_bad_data(),
            Self::Recovery(err) => err.is_bad_data(),
            Self::WrongChainId { .. } => true,
            _ => false,
        }
    }
}

/// A transaction held by the pool with its recovered sender.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PooledTransaction {
    /// The transaction.
    pub tx: ShardTransaction,
    /// Its sender.
    pub sender: Address,
    /// Arrival order, which breaks fee ties.
    seq: u64,
}

/// Eviction order: lowest fee cap first, then the most recent arrival.
type FeeKey = (u128, Reverse<u64>, B256);

/// The pending transactions of one shard.
#[derive(Debug, Clone)]
pub struct Mempool {
    config: MempoolConfig,
    by_sender: HashMap<Address, BTreeMap<u64, PooledTransaction>>,
    by_hash: HashMap<B256, (Address, u64)>,
    by_fee: BTreeSet<FeeKey>,
    next_seq: u64,
}

impl Mempool {
    /// An empty pool.
    pub fn new(config: MempoolConfig) -> Self {
        Self {
            config,
            by_sender: HashMap::new(),
            by_hash: HashMap::new(),
            by_fee: BTreeSet::new(),
            next_seq: 0,
        }
    }

    /// The number of transactions held.
    pub fn len(&self) -> usize {
        self.by_hash.len()
    }

    /// Whether the pool is empty.
    pub fn is_empty(&self) -> bool {
        self.by_hash.is_empty()
    }

    /// The nonce the next transaction of `sender` should carry when its account's nonce is
    /// `account_nonce`: one past the run of pooled transactions with consecutive nonces from
    /// `account_nonce` on (a gap ends the run, since later ones cannot be included yet).
    pub fn pending_nonce(&self, sender: &Address, account_nonce: u64) -> u64 {
        let mut next = account_nonce;
        if let Some(queue) = self.by_sender.get(sender) {
            for nonce in queue.range(account_nonce..).map(|(nonce, _)| *nonce) {
                if nonce != next {
                    break;
                }
                next = next.saturating_add(1);
            }
        }
        next
    }

    /// Whether the pool holds the transaction `hash`.
    pub fn contains(&self, hash: &B256) -> bool {
        self.by_hash.contains_key(hash)
    }

    /// Decodes, recovers (through `cache`) and admits raw EIP-2718 bytes, at the shard gas
    /// price `gasprice` (Gwei).
    pub fn add_raw(
        &mut self,
        bytes: &[u8],
        cache: &SenderCache,
        state: &AccountState,
        gasprice: Gwei,
    ) -> Result<B256, MempoolError> {
        let tx = ShardTransaction::decode(bytes, self.config.chain_id)?;
        let sender = cache.recover(&tx)?;
        self.add(tx, sender, state, gasprice)
    }

    /// Admits a decoded transaction from a recovered `sender`, given the shard's current
    /// `state` and gas price `gasprice` (Gwei); returns its hash.
    pub fn add(
        &mut self,
        tx: ShardTransaction,
        sender: Address,
        state: &AccountState,
        gasprice: Gwei,
    ) -> Result<B256, MempoolError> {
        let hash = tx.hash();
        if self.by_hash.contains_key(&hash) {
            return Err(MempoolError::AlreadyKnown(hash));
        }
        if tx.chain_id() != self.config.chain_id {
            return Err(MempoolError::WrongChainId {
                expected: self.config.chain_id,
                got: tx.chain_id(),
            });
        }
        let base_fee_per_gas = base_fee_per_gas(gasprice);
        if tx.max_fee_per_gas() < base_fee_per_gas {
            return Err(MempoolError::Underpriced {
                max_fee_per_gas: tx.max_fee_per_gas(),
                base_fee_per_gas,
            });
        }
        let account = state.get_or_default(&sender);
        if tx.nonce() < account.nonce {
            return Err(MempoolError::NonceTooLow {
                account: account.nonce,
                got: tx.nonce(),
            });
        }
        let queue = self.by_sender.get(&sender);
        let replaced = queue.and_then(|queue| queue.get(&tx.nonce()));
        if let Some(queued) = replaced {
            let bump = self.config.price_bump_percent;
            if !raises_by(queued.tx.max_fee_per_gas(), tx.max_fee_per_gas(), bump)
                || !raises_by(
                    queued.tx.max_priority_fee_per_gas(),
                    tx.max_priority_fee_per_gas(),
                    bump,
                )
            {
                return Err(MempoolError::ReplacementUnderpriced {
                    queued_max_fee: queued.tx.max_fee_per_gas(),
                    bump_percent: bump,
                });
            }
        }
        let queued_cost = queue.map_or(U256::ZERO, |queue| {
            queue
                .range(..tx.nonce())
                .fold(U256::ZERO, |sum, (_, queued)| {
                    sum.saturating_add(queued.tx.max_cost())
                })
        });
        let needed = queued_cost.saturating_add(tx.max_cost());
        if needed > account.balance {
            return Err(MempoolError::InsufficientBalance {
                needed,
                available: account.balance,
            });
        }
        if let Some(queued) = replaced {
            let queued_hash = queued.tx.hash();
            self.remove(&queued_hash);
        } else if self.len() >= self.config.capacity {
            self.make_room(&tx, sender)?;
        }
        let seq = self.next_seq;
        self.next_seq = self.next_seq.saturating_add(1);
        self.by_fee
            .insert((tx.max_fee_per_gas(), Reverse(seq), hash));
        self.by_hash.insert(hash, (sender, tx.nonce()));
        self.by_sender
            .entry(sender)
            .or_default()
            .insert(tx.nonce(), PooledTransaction { tx, sender, seq });
        Ok(hash)
    }

    /// Evicts the lowest-fee transaction (and its sender's later ones) for `tx`, or refuses.
    fn make_room(&mut self, tx: &ShardTransaction, sender: Address) -> Result<(), MempoolError> {
        let Some(&(lowest_max_fee, _, victim)) = self.by_fee.first() else {
            // A pool of capacity zero holds nothing.
            return Err(MempoolError::PoolFull { lowest_max_fee: 0 });
        };
        let victim_slot = self.by_hash.get(&victim).copied();
        // Evicting an earlier nonce of the newcomer's own sender would strand the newcomer.
        let strands_newcomer = victim_slot
            .is_some_and(|(victim_sender, nonce)| victim_sender == sender && nonce < tx.nonce());
        if tx.max_fee_per_gas() <= lowest_max_fee || strands_newcomer {
            return Err(MempoolError::PoolFull { lowest_max_fee });
        }
        if let Some((victim_sender, nonce)) = victim_slot {
            let doomed: Vec<B256> = self
                .by_sender
                .get(&victim_sender)
                .map(|queue| queue.range(nonce..).map(|(_, p)| p.tx.hash()).collect())
                .unwrap_or_default();
            for hash in doomed {
                self.remove(&hash);
            }
        }
        Ok(())
    }

    /// Removes a transaction; returns it if it was held.
    pub fn remove(&mut self, hash: &B256) -> Option<PooledTransaction> {
        let (sender, nonce) = self.by_hash.remove(hash)?;
        let queue = self.by_sender.get_mut(&sender)?;
        let pooled = queue.remove(&nonce)?;
        if queue.is_empty() {
            self.by_sender.remove(&sender);
        }
        self.by_fee
            .remove(&(pooled.tx.max_fee_per_gas(), Reverse(pooled.seq), *hash));
        Some(pooled)
    }

    /// Drops the transactions whose nonces `state` has used (after a block).
    pub fn prune(&mut self, state: &AccountState) {
        let stale: Vec<B256> = self
            .by_sender
            .iter()
            .flat_map(|(sender, queue)| {
                let nonce = state.get_or_default(sender).nonce;
                queue.range(..nonce).map(|(_, pooled)| pooled.tx.hash())
            })
            .collect();
        for hash in stale {
            self.remove(&hash);
        }
    }

    /// The chain id the pool admits.
    pub fn chain_id(&self) -> u64 {
        self.config.chain_id
    }

    /// An executable sequence of transactions within `limits` (gas, and payload bytes counting
    /// each transaction's [`max_payload_bytes`]), best effective gas price first: per sender
    /// nonce-contiguous from its account nonce, each affordable from the sender's balance after
    /// its earlier ones (credits within the block are not counted). `gasprice` is in Gwei.
    pub fn best_transactions(
        &self,
        state: &AccountState,
        limits: PayloadLimits,
        gasprice: Gwei,
    ) -> Vec<(ShardTransaction, Address)> {
        let base_fee = base_fee_per_gas(gasprice);
        let mut balances: HashMap<Address, U256> = HashMap::new();
        let mut heap: BinaryHeap<(u128, Reverse<u64>, Address, u64)> = BinaryHeap::new();
        for (sender, queue) in &self.by_sender {
            let account = state.get_or_default(sender);
            if let Some(first) = queue.get(&account.nonce)
                && let Some(price) = first.tx.effective_gas_price(base_fee)
            {
                balances.insert(*sender, account.balance);
                heap.push((price, Reverse(first.seq), *sender, account.nonce));
            }
        }
        let mut remaining = limits.gas;
        let mut bytes_left = limits.variable_bytes();
        let mut picked = Vec::new();
        while let Some((price, _, sender, nonce)) = heap.pop() {
            let Some(pooled) = self.by_sender.get(&sender).and_then(|q| q.get(&nonce)) else {
                continue;
            };
            let tx = &pooled.tx;
            let balance = balances.get(&sender).copied().unwrap_or_default();
            let gas = tx.intrinsic_gas();
            let bytes = max_payload_bytes(tx);
            // A sender whose next transaction does not fit or cannot pay is done for this block.
            if gas > remaining || bytes > bytes_left || tx.max_cost() > balance {
                continue;
            }
            bytes_left = bytes_left.saturating_sub(bytes);
            let fee = U256::from(gas).saturating_mul(U256::from(price));
            balances.insert(
                sender,
                balance.saturating_sub(tx.value().saturating_add(fee)),
            );
            remaining = remaining.saturating_sub(gas);
            picked.push((tx.clone(), sender));
            if let Some(next_nonce) = nonce.checked_add(1)
                && let Some(next) = self.by_sender.get(&sender).and_then(|q| q.get(&next_nonce))
                && let Some(next_price) = next.tx.effective_gas_price(base_fee)
            {
                heap.push((next_price, Reverse(next.seq), sender, next_nonce));
            }
        }
        picked
    }
}

/// Whether `new >= old * (100 + bump_percent) / 100`, computed without rounding or overflow.
fn raises_by(old: u128, new: u128, bump_percent: u64) -> bool {
    let required =
        U256::from(old).saturating_mul(U256::from(100u64).saturating_add(U256::from(bump_percent)));
    U256::from(new).saturating_mul(U256::from(100u64)) >= required
}

#[cfg(test)]
mod tests {
    use std::num::NonZeroUsize;

    use super::*;
    use crate::account::Account;
    use crate::execution::{ExecutionContext, ExecutionState, execute_transactions};
    use crate::payload::PAYLOAD_FIXED_BYTES;
    use crate::signer::{TransferRequest, TransferSigner};
    use crate::transaction::TX_BASE_GAS;

    const CHAIN_ID: u64 = 42;
    const UNLIMITED: PayloadLimits = PayloadLimits {
        gas: u64::MAX,
        bytes: u64::MAX,
    };
    /// The shard gas price, in Gwei.
    const GAS_PRICE: u64 = 10;
    const GWEI: u128 = 1_000_000_000;
    /// One ether, in wei.
    const FUNDS: u64 = 1_000_000_000_000_000_000;

    fn pool(capacity: usize) -> Mempool {
        Mempool::new(MempoolConfig {
            chain_id: CHAIN_ID,
            capacity,
            price_bump_percent: DEFAULT_PRICE_BUMP_PERCENT,
        })
    }

    fn keys(n: u64) -> Vec<TransferSigner> {
        (0..n)
            .map(|i| TransferSigner::from_seed(100 + i).unwrap())
            .collect()
    }

    fn state(keys: &[TransferSigner], balance: u64) -> AccountState {
        AccountState::from_accounts(keys.iter().map(|k| {
            (
                k.address(),
                Account {
                    balance: U256::from(balance),
                    nonce: 0,
                },
            )
        }))
        .unwrap()
    }

    fn cache() -> SenderCache {
        SenderCache::new(NonZeroUsize::new(256).unwrap())
    }

    /// A transfer whose fee cap and tip are given in gwei (signed in wei).
    fn transfer(key: &TransferSigner, nonce: u64, max_fee: u128, tip: u128) -> Vec<u8> {
        key.sign_eip1559(&TransferRequest {
            chain_id: CHAIN_ID,
            nonce,
            to: Address::repeat_byte(0x42),
            value: U256::from(1_000u64),
            gas_limit: TX_BASE_GAS,
            max_fee_per_gas: max_fee * GWEI,
            max_priority_fee_per_gas: tip * GWEI,
        })
        .to_vec()
    }

    #[test]
    fn the_pending_nonce_counts_the_senders_consecutive_pooled_transactions() {
        let keys = keys(2);
        let state = state(&keys, FUNDS);
        let cache = cache();
        let mut pool = pool(10);
        let sender = keys[0].address();
        assert_eq!(pool.pending_nonce(&sender, 0), 0);
        for nonce in [0, 1, 3] {
            pool.add_raw(&transfer(&keys[0], nonce, 20, 1), &cache, &state, GAS_PRICE)
                .unwrap();
        }
        // Nonces 0 and 1 follow on; 3 waits behind the gap at 2.
        assert_eq!(pool.pending_nonce(&sender, 0), 2);
        // Once the chain has taken nonce 0 and 1, the account's nonce leads.
        assert_eq!(pool.pending_nonce(&sender, 2), 2);
        assert_eq!(pool.pending_nonce(&sender, 3), 4);
        assert_eq!(pool.pending_nonce(&keys[1].address(), 5), 5);
    }

    #[test]
    fn invalid_transactions_are_refused_with_a_reason() {
        let keys = keys(1);
        let state = state(&keys, FUNDS);
        let cache = cache();
        let mut pool = pool(10);
        let wrong_chain = keys[0].sign_legacy(&TransferRequest {
            chain_id: CHAIN_ID + 1,
            nonce: 0,
            to: Address::ZERO,
            value: U256::ZERO,
            gas_limit: TX_BASE_GAS,
            max_fee_per_gas: 20 * GWEI,
            max_priority_fee_per_gas: 0,
        });
        let err = pool
            .add_raw(&wrong_chain, &cache, &state, GAS_PRICE)
            .unwrap_err();
        assert!(matches!(
            err,
            MempoolError::Invalid(TransactionError::WrongChainId { .. })
        ));
        assert!(err.is_bad_data());
        let err = pool
            .add_raw(&[0xc0], &cache, &state, GAS_PRICE)
            .unwrap_err();
        assert!(matches!(
            err,
            MempoolError::Invalid(TransactionError::Malformed(_))
        ));
        let err = pool
            .add_raw(&transfer(&keys[0], 0, 9, 1), &cache, &state, GAS_PRICE)
            .unwrap_err();
        assert_eq!(
            err,
            MempoolError::Underpriced {
                max_fee_per_gas: 9 * GWEI,
                base_fee_per_gas: 10 * GWEI
            }
        );
        assert!(!err.is_bad_data());
        assert!(pool.is_empty());
    }

    #[test]
    fn nonce_below_the_account_is_refused_and_gaps_are_queued() {
        let keys = keys(1);
        let mut state = state(&keys, FUNDS);
        state
            .apply([(
                keys[0].address(),
                Account {
                    balance: U256::from(FUNDS),
                    nonce: 5,
                },
            )])
            .unwrap();
        let cache = cache();
        let mut pool = pool(10);
        let err = pool
            .add_raw(&transfer(&keys[0], 4, 20, 1), &cache, &state, GAS_PRICE)
            .unwrap_err();
        assert_eq!(err, MempoolError::NonceTooLow { account: 5, got: 4 });
        pool.add_raw(&transfer(&keys[0], 7, 20, 1), &cache, &state, GAS_PRICE)
            .unwrap();
        // Nonce 7 is queued but not executable until 5 and 6 arrive.
        assert!(
            pool.best_transactions(&state, UNLIMITED, GAS_PRICE)
                .is_empty()
        );
        pool.add_raw(&transfer(&keys[0], 5, 20, 1), &cache, &state, GAS_PRICE)
            .unwrap();
        assert_eq!(
            pool.best_transactions(&state, UNLIMITED, GAS_PRICE).len(),
            1
        );
        pool.add_raw(&transfer(&keys[0], 6, 20, 1), &cache, &state, GAS_PRICE)
            .unwrap();
        let nonces: Vec<u64> = pool
            .best_transactions(&state, UNLIMITED, GAS_PRICE)
            .iter()
            .map(|(tx, _)| tx.nonce())
            .collect();
        assert_eq!(nonces, vec![5, 6, 7]);
    }

    #[test]
    fn balance_must_cover_the_queued_transactions() {
        let keys = keys(1);
        // Each transfer costs at most 1_000 wei + 21_000 * 20 gwei.
        let cost = 1_000 + 21_000 * 20 * GWEI;
        let state = state(&keys, 2 * cost as u64);
        let cache = cache();
        let mut pool = pool(10);
        pool.add_raw(&transfer(&keys[0], 0, 20, 1), &cache, &state, GAS_PRICE)
            .unwrap();
        pool.add_raw(&transfer(&keys[0], 1, 20, 1), &cache, &state, GAS_PRICE)
            .unwrap();
        let err = pool
            .add_raw(&transfer(&keys[0], 2, 20, 1), &cache, &state, GAS_PRICE)
            .unwrap_err();
        assert_eq!(
            err,
            MempoolError::InsufficientBalance {
                needed: U256::from(3 * cost),
                available: U256::from(2 * cost)
            }
        );
    }

    #[test]
    fn replacement_needs_a_ten_percent_bump_of_both_fees() {
        let keys = keys(1);
        let state = state(&keys, FUNDS);
        let cache = cache();
        let mut pool = pool(10);
        let first = pool
            .add_raw(&transfer(&keys[0], 0, 100, 10), &cache, &state, GAS_PRICE)
            .unwrap();
        for (max_fee, tip) in [(109, 11), (110, 10), (200, 10)] {
            let err = pool
                .add_raw(
                    &transfer(&keys[0], 0, max_fee, tip),
                    &cache,
                    &state,
                    GAS_PRICE,
                )
                .unwrap_err();
            assert!(
                matches!(
                    err,
                    MempoolError::ReplacementUnderpriced {
                        queued_max_fee: 100_000_000_000,
                        ..
                    }
                ),
                "{max_fee}/{tip}: {err:?}"
            );
        }
        let second = pool
            .add_raw(&transfer(&keys[0], 0, 110, 11), &cache, &state, GAS_PRICE)
            .unwrap();
        assert_eq!(pool.len(), 1);
        assert!(!pool.contains(&first));
        assert!(pool.contains(&second));
        let err = pool
            .add_raw(&transfer(&keys[0], 0, 110, 11), &cache, &state, GAS_PRICE)
            .unwrap_err();
        assert_eq!(err, MempoolError::AlreadyKnown(second));
    }

    #[test]
    fn a_full_pool_evicts_the_lowest_fee_with_its_later_nonces() {
        let keys = keys(3);
        let state = state(&keys, FUNDS);
        let cache = cache();
        let mut pool = pool(3);
        let cheap0 = pool
            .add_raw(&transfer(&keys[0], 0, 11, 1), &cache, &state, GAS_PRICE)
            .unwrap();
        let cheap1 = pool
            .add_raw(&transfer(&keys[0], 1, 30, 1), &cache, &state, GAS_PRICE)
            .unwrap();
        let mid = pool
            .add_raw(&transfer(&keys[1], 0, 20, 1), &cache, &state, GAS_PRICE)
            .unwrap();
        // Paying no more than the lowest held fee is refused.
        let err = pool
            .add_raw(&transfer(&keys[2], 0, 11, 1), &cache, &state, GAS_PRICE)
            .unwrap_err();
        assert_eq!(
            err,
            MempoolError::PoolFull {
                lowest_max_fee: 11 * GWEI
            }
        );
        let rich = pool
            .add_raw(&transfer(&keys[2], 0, 12, 1), &cache, &state, GAS_PRICE)
            .unwrap();
        // The lowest (sender 0, nonce 0) goes, and its nonce 1 with it.
        assert!(!pool.contains(&cheap0));
        assert!(!pool.contains(&cheap1));
        assert!(pool.contains(&mid));
        assert!(pool.contains(&rich));
        assert_eq!(pool.len(), 2);
    }

    #[test]
    fn best_transactions_orders_by_price_and_executes() {
        let keys = keys(3);
        let state = state(&keys, FUNDS);
        let cache = cache();
        let mut pool = pool(100);
        // Sender 0: cheap first nonce, expensive second: the second waits for the first.
        pool.add_raw(&transfer(&keys[0], 0, 12, 1), &cache, &state, GAS_PRICE)
            .unwrap();
        pool.add_raw(&transfer(&keys[0], 1, 50, 40), &cache, &state, GAS_PRICE)
            .unwrap();
        pool.add_raw(&transfer(&keys[1], 0, 30, 5), &cache, &state, GAS_PRICE)
            .unwrap();
        pool.add_raw(&transfer(&keys[2], 0, 30, 20), &cache, &state, GAS_PRICE)
            .unwrap();
        let best = pool.best_transactions(&state, UNLIMITED, GAS_PRICE);
        let order: Vec<(Address, u64)> = best.iter().map(|(tx, s)| (*s, tx.nonce())).collect();
        // Effective prices at base 10: k2 30, k1 15, k0#0 11 then k0#1 50.
        assert_eq!(
            order,
            vec![
                (keys[2].address(), 0),
                (keys[1].address(), 0),
                (keys[0].address(), 0),
                (keys[0].address(), 1),
            ]
        );
        let (txs, senders): (Vec<_>, Vec<_>) = best.into_iter().unzip();
        let context = ExecutionContext {
            shard: 0,
            shard_count: 1,
            base_chain_id: CHAIN_ID,
            gasprice: GAS_PRICE,
            deposit_contract_address: Address::repeat_byte(0xde),
            min_deposit_amount: 1_000_000_000,
        };
        let mut post = ExecutionState::new(state.clone());
        execute_transactions(&mut post, &txs, &senders, &context).unwrap();
        pool.prune(post.accounts());
        assert!(pool.is_empty());
        // A gas budget of two transfers takes the two best.
        let mut pool = self::pool(100);
        for (i, key) in keys.iter().enumerate() {
            pool.add_raw(
                &transfer(key, 0, 20 + i as u128, 5),
                &cache,
                &state,
                GAS_PRICE,
            )
            .unwrap();
        }
        let two_transfers = PayloadLimits {
            gas: 2 * TX_BASE_GAS,
            ..UNLIMITED
        };
        let best = pool.best_transactions(&state, two_transfers, GAS_PRICE);
        let senders: Vec<Address> = best.iter().map(|(_, s)| *s).collect();
        assert_eq!(senders, vec![keys[0].address(), keys[1].address()]);
        // So does a byte budget of two transfers, each counted with a possible receipt.
        let (tx, _) = &best[0];
        let two_transfers = PayloadLimits {
            bytes: PAYLOAD_FIXED_BYTES + 2 * max_payload_bytes(tx) + 1,
            ..UNLIMITED
        };
        let best = pool.best_transactions(&state, two_transfers, GAS_PRICE);
        assert_eq!(best.len(), 2);
    }

    #[test]
    fn best_transactions_stops_a_sender_that_can_no_longer_pay() {
        let keys = keys(1);
        let mut state = state(&keys, FUNDS);
        let cache = cache();
        let mut pool = pool(10);
        pool.add_raw(&transfer(&keys[0], 0, 20, 1), &cache, &state, GAS_PRICE)
            .unwrap();
        pool.add_raw(&transfer(&keys[0], 1, 20, 1), &cache, &state, GAS_PRICE)
            .unwrap();
        // The balance dropped since admission: only the first still fits.
        state
            .apply([(
                keys[0].address(),
                Account {
                    balance: U256::from(500_000 * GWEI),
                    nonce: 0,
                },
            )])
            .unwrap();
        assert_eq!(
            pool.best_transactions(&state, UNLIMITED, GAS_PRICE).len(),
            1
        );
        // A higher shard gas price (21 gwei, above the 20 gwei fee caps) prices both out.
        assert!(pool.best_transactions(&state, UNLIMITED, 21).is_empty());
    }
}
