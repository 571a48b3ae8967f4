//! Execution of a shard block's transactions against the shard's execution state.
//!
//! Every transaction of a block must be valid, or the block is: the first invalid one is
//! reported with its index and reason and the state is left as it was (changes go to a
//! [`StateJournal`] and are committed only when the whole block has run).
//!
//! Fees: a transfer uses its intrinsic gas and pays it at its effective gas price in wei (legacy:
//! its gas price; EIP-1559: `min(max_fee, base fee + priority fee)`, where the base fee is the
//! shard gas price, held in Gwei, converted to wei; see [`ExecutionContext::base_fee_per_gas`]). The whole fee is
//! **burned**: shard proposers are rewarded by the beacon chain, not by fees, so no account is
//! credited and the outcome reports the amount in `burned`. A transfer to an address whose
//! home shard is another shard debits the sender here and emits a [`CrossShardTransfer`]; the
//! destination shard credits it later. Supply is therefore accounted for exactly:
//! balances before + value claimed = balances after + burned + value of the emitted
//! cross-shard transfers.
//!
//! Claims: a block first credits the cross-shard receipts it claims ([`apply_claim`]), each
//! checked through a [`ReceiptVerifier`] and recorded in the state's spent-receipt set, then
//! runs its transactions, so a recipient can spend a credited value in the same block.
//!
//! Deposits: on shard 0, a transaction to `DEPOSIT_CONTRACT_ADDRESS` calls the deposit contract
//! ([`crate::deposit_contract`]), wherever the address's home shard is. A valid deposit moves
//! its value to the contract's account and appends its `DepositData` to the tree; an invalid
//! one **reverts**: it stays a valid transaction (fee paid, nonce used), its value stays with the
//! sender and its receipt says why. On other shards a call to that address reverts too.

mod claim;
mod context;
mod deposit;
mod encoding;
mod journal;
mod state;

pub use claim::{ClaimInvalid, apply_claim};
pub use context::{ContextError, ExecutionContext, WEI_PER_GWEI, base_fee_per_gas};
pub use encoding::{EXECUTION_STATE_ENCODING_VERSION, StateDecodeError};
pub use journal::{JournalChanges, StateJournal};
pub use state::{
    CommitError, DEPOSIT_SHARD, ExecutionState, STATE_PROOF_DEPTH, account_leaf,
    verify_state_account_proof,
};

use alloy_primitives::{Address, B256, U256};

use crate::account::Account;
use crate::deposit_contract::DepositRevert;
use crate::execution::deposit::deposit_call;
use crate::home_shard::{HomeShardError, home_shard};
use crate::payload::{CrossShardReceiptProof, NoReceiptVerifier, ReceiptVerifier};
use crate::recovery::{SenderCache, SenderRecoveryFailed, recover_senders};
use crate::transaction::{ShardTransaction, TransactionError, shard_chain_id};

/// Value leaving this shard for an account of another shard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CrossShardTransfer {
    /// The sender on the source shard.
    pub from: Address,
    /// The recipient, whose home is the destination shard.
    pub to: Address,
    /// The value debited here and to be credited there, in wei.
    pub value: U256,
    /// The shard that executed the transfer.
    pub source_shard: u64,
    /// The recipient's home shard.
    pub dest_shard: u64,
    /// The hash of the transaction that sent it.
    pub tx_hash: B256,
}

/// Why a transfer cannot be applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransferInvalid {
    /// The transaction is signed for another chain id.
    #[error("chain id {got}, the shard's is {expected}")]
    WrongChainId {
        /// The shard's chain id.
        expected: u64,
        /// The transaction's chain id.
        got: u64,
    },
    /// The transaction's fee cap is below the shard's base fee.
    #[error(
        "max fee per gas {max_fee_per_gas} wei below the shard base fee {base_fee_per_gas} wei"
    )]
    FeeBelowBaseFee {
        /// The transaction's gas price or max fee per gas, in wei.
        max_fee_per_gas: u128,
        /// The shard's base fee per gas (its gas price in Gwei, times 10^9), in wei.
        base_fee_per_gas: u128,
    },
    /// The nonce is not the sender's next nonce.
    #[error("nonce {got}, the sender's next nonce is {expected}")]
    NonceMismatch {
        /// The sender's account nonce.
        expected: u64,
        /// The transaction's nonce.
        got: u64,
    },
    /// The sender cannot pay `value + gas_limit * max_fee`.
    #[error("balance {available} below the maximum cost {needed}")]
    InsufficientBalance {
        /// The maximum cost.
        needed: U256,
        /// The sender's balance.
        available: U256,
    },
    /// The sender's nonce is at `u64::MAX` (EIP-2681).
    #[error("sender nonce overflow")]
    NonceOverflow,
    /// The recipient's balance would overflow.
    #[error("recipient balance overflow")]
    BalanceOverflow,
    /// The execution context has no shards.
    #[error(transparent)]
    HomeShard(#[from] HomeShardError),
    /// The execution context's chain id overflows.
    #[error(transparent)]
    ChainId(#[from] TransactionError),
}

impl TransferInvalid {
    /// Whether the fault is the transaction's (and so of whoever proposed it).
    pub fn is_bad_data(&self) -> bool {
        match self {
            Self::HomeShard(err) => err.is_bad_data(),
            Self::ChainId(err) => err.is_bad_data(),
            _ => true,
        }
    }
}

/// Why a block's transactions cannot be executed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExecutionError {
    /// A transaction is invalid; so is the block.
    #[error("transaction {index} invalid: {reason}")]
    TransactionInvalid {
        /// Its position in the block.
        index: usize,
        /// Why.
        reason: TransferInvalid,
    },
    /// A claim cannot be credited; so the block is invalid.
    #[error("claim {index} invalid: {reason}")]
    ClaimInvalid {
        /// Its position in the block's claims.
        index: usize,
        /// Why.
        reason: ClaimInvalid,
    },
    /// A transaction's sender cannot be recovered.
    #[error(transparent)]
    SenderRecovery(#[from] SenderRecoveryFailed),
    /// The caller passed a different number of senders than transactions.
    #[error("{senders} senders for {txs} transactions")]
    SenderCountMismatch {
        /// The number of transactions.
        txs: usize,
        /// The number of senders.
        senders: usize,
    },
    /// The block's gas, burned fees or claimed value overflow.
    #[error("block gas, fee or claimed total overflows")]
    TotalOverflow,
    /// The state cannot take the block's new accounts or deposits.
    #[error(transparent)]
    State(#[from] CommitError),
}

impl ExecutionError {
    /// Whether the fault lies in the block's content rather than in the caller.
    pub fn is_bad_data(&self) -> bool {
        match self {
            Self::TransactionInvalid { reason, .. } => reason.is_bad_data(),
            Self::ClaimInvalid { reason, .. } => reason.is_bad_data(),
            Self::SenderRecovery(err) => err.is_bad_data(),
            Self::TotalOverflow => true,
            Self::SenderCountMismatch { .. } => false,
            Self::State(_) => false,
        }
    }
}

/// What one applied transfer did beyond the state change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TransferEffect {
    /// Gas used (the intrinsic gas).
    pub gas_used: u64,
    /// Fee burned, in wei.
    pub burned: U256,
    /// The value sent to another shard, if the recipient lives there.
    pub cross_shard: Option<CrossShardTransfer>,
    /// Why the call reverted, if it did (only calls to the deposit contract can).
    pub revert: Option<DepositRevert>,
    /// The index of the deposit the transaction made, if it was one.
    pub deposit_index: Option<u64>,
}

/// The receipt of one executed transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TransactionReceipt {
    /// The transaction hash.
    pub tx_hash: B256,
    /// Gas used.
    pub gas_used: u64,
    /// Gas used by the block up to and including this transaction.
    pub cumulative_gas_used: u64,
    /// Why it reverted, if it did: its value stayed with the sender, its fee was paid.
    pub revert: Option<DepositRevert>,
    /// The index of the deposit it made on shard 0's deposit contract, if any.
    pub deposit_index: Option<u64>,
}

impl TransactionReceipt {
    /// Ethereum's receipt status: whether the transaction did not revert.
    pub fn success(&self) -> bool {
        self.revert.is_none()
    }
}

/// What a block's execution produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExecutionOutcome {
    /// The state root after the block (see [`ExecutionState::root`]).
    pub state_root: B256,
    /// Total gas used.
    pub gas_used: u64,
    /// Total fees burned, in wei.
    pub burned: U256,
    /// Total value credited by the block's claims, in wei.
    pub claimed: U256,
    /// Transfers to other shards, in transaction order.
    pub cross_shard_transfers: Vec<CrossShardTransfer>,
    /// One receipt per transaction, in order.
    pub receipts: Vec<TransactionReceipt>,
}

/// Applies one transaction from `sender` to the journal, or says why it is invalid (the journal
/// is then unchanged). A call to the deposit contract that reverts is valid: it pays its fee
/// and uses its nonce, and its effect says why it reverted.
pub fn apply_transfer(
    journal: &mut StateJournal<'_>,
    tx: &ShardTransaction,
    sender: Address,
    context: &ExecutionContext,
) -> Result<TransferEffect, TransferInvalid> {
    let expected = shard_chain_id(context.base_chain_id, context.shard)?;
    if tx.chain_id() != expected {
        return Err(TransferInvalid::WrongChainId {
            expected,
            got: tx.chain_id(),
        });
    }
    let base_fee_per_gas = context.base_fee_per_gas();
    let price =
        tx.effective_gas_price(base_fee_per_gas)
            .ok_or(TransferInvalid::FeeBelowBaseFee {
                max_fee_per_gas: tx.max_fee_per_gas(),
                base_fee_per_gas,
            })?;
    let mut from = journal.get(&sender);
    if tx.nonce() != from.nonce {
        return Err(TransferInvalid::NonceMismatch {
            expected: from.nonce,
            got: tx.nonce(),
        });
    }
    let needed = tx.max_cost();
    if from.balance < needed {
        return Err(TransferInvalid::InsufficientBalance {
            needed,
            available: from.balance,
        });
    }
    // fee <= gas_limit * max_fee, so the debits below cannot underflow once max_cost is covered.
    let gas_used = tx.intrinsic_gas();
    let burned = U256::from(gas_used).saturating_mul(U256::from(price));
    from.balance = debit(from.balance, burned)?;
    from.nonce = from
        .nonce
        .checked_add(1)
        .ok_or(TransferInvalid::NonceOverflow)?;
    let mut effect = TransferEffect {
        gas_used,
        burned,
        cross_shard: None,
        revert: None,
        deposit_index: None,
    };
    // Every check runs before the first write, so an invalid transfer leaves no trace.
    if tx.to() == context.deposit_contract_address {
        match deposit_call(journal, tx, context) {
            Ok(data) => {
                from.balance = debit(from.balance, tx.value())?;
                credit(journal, sender, from, tx.to(), tx.value())?;
                effect.deposit_index = Some(journal.push_deposit(data));
            }
            Err(revert) => {
                journal.set(sender, from);
                effect.revert = Some(revert);
            }
        }
        return Ok(effect);
    }
    from.balance = debit(from.balance, tx.value())?;
    let dest_shard = home_shard(&tx.to(), context.shard_count)?;
    if dest_shard != context.shard {
        journal.set(sender, from);
        effect.cross_shard = Some(CrossShardTransfer {
            from: sender,
            to: tx.to(),
            value: tx.value(),
            source_shard: context.shard,
            dest_shard,
            tx_hash: tx.hash(),
        });
    } else {
        credit(journal, sender, from, tx.to(), tx.value())?;
    }
    Ok(effect)
}

fn debit(balance: U256, amount: U256) -> Result<U256, TransferInvalid> {
    balance
        .checked_sub(amount)
        .ok_or(TransferInvalid::InsufficientBalance {
            needed: amount,
            available: balance,
        })
}

/// Writes the sender's debited account `from` and credits `value` to `to` on this shard,
/// checking the credit before either write.
fn credit(
    journal: &mut StateJournal<'_>,
    sender: Address,
    mut from: Account,
    to: Address,
    value: U256,
) -> Result<(), TransferInvalid> {
    if to == sender {
        from.balance = from
            .balance
            .checked_add(value)
            .ok_or(TransferInvalid::BalanceOverflow)?;
        journal.set(sender, from);
    } else {
        let mut recipient = journal.get(&to);
        recipient.balance = recipient
            .balance
            .checked_add(value)
            .ok_or(TransferInvalid::BalanceOverflow)?;
        journal.set(sender, from);
        journal.set(to, recipient);
    }
    Ok(())
}

/// Executes a block's transactions, sent by `senders`, on `state`. On success the state holds
/// the block's changes; on any error it is left exactly as it was.
pub fn execute_transactions(
    state: &mut ExecutionState,
    txs: &[ShardTransaction],
    senders: &[Address],
    context: &ExecutionContext,
) -> Result<ExecutionOutcome, ExecutionError> {
    execute_claims_and_transactions(state, &[], &NoReceiptVerifier, txs, senders, context)
}

/// Executes a block on `state`: credits its `claims` (each proof checked by `verifier`), then
/// runs its transactions, sent by `senders`. On success the state holds the block's changes;
/// on any error (one invalid claim or transaction) it is left exactly as it was.
pub fn execute_claims_and_transactions(
    state: &mut ExecutionState,
    claims: &[CrossShardReceiptProof],
    verifier: &dyn ReceiptVerifier,
    txs: &[ShardTransaction],
    senders: &[Address],
    context: &ExecutionContext,
) -> Result<ExecutionOutcome, ExecutionError> {
    if txs.len() != senders.len() {
        return Err(ExecutionError::SenderCountMismatch {
            txs: txs.len(),
            senders: senders.len(),
        });
    }
    let mut journal = StateJournal::new(state);
    let mut outcome = OutcomeBuilder::with_capacity(txs.len());
    for (index, claim) in claims.iter().enumerate() {
        let value = apply_claim(&mut journal, claim, verifier, context)
            .map_err(|reason| ExecutionError::ClaimInvalid { index, reason })?;
        outcome.record_claim(value)?;
    }
    for (index, (tx, sender)) in txs.iter().zip(senders).enumerate() {
        let effect = apply_transfer(&mut journal, tx, *sender, context)
            .map_err(|reason| ExecutionError::TransactionInvalid { index, reason })?;
        outcome.record(tx, &effect)?;
    }
    let (accounts, deposits, spent) = journal.into_changes();
    state.commit(accounts, deposits, spent)?;
    Ok(outcome.finish(state.root()))
}

/// The totals and receipts of a block, accumulated transaction by transaction.
#[derive(Debug, Default)]
pub(crate) struct OutcomeBuilder {
    gas_used: u64,
    burned: U256,
    claimed: U256,
    cross_shard_transfers: Vec<CrossShardTransfer>,
    receipts: Vec<TransactionReceipt>,
}

impl OutcomeBuilder {
    /// An empty outcome with room for `txs` receipts.
    pub(crate) fn with_capacity(txs: usize) -> Self {
        Self {
            receipts: Vec::with_capacity(txs),
            ..Self::default()
        }
    }

    /// Gas used so far.
    pub(crate) fn gas_used(&self) -> u64 {
        self.gas_used
    }

    /// Adds the value of a credited claim.
    pub(crate) fn record_claim(&mut self, value: U256) -> Result<(), ExecutionError> {
        self.claimed = self
            .claimed
            .checked_add(value)
            .ok_or(ExecutionError::TotalOverflow)?;
        Ok(())
    }

    /// Adds an applied transaction's effect.
    pub(crate) fn record(
        &mut self,
        tx: &ShardTransaction,
        effect: &TransferEffect,
    ) -> Result<(), ExecutionError> {
        self.gas_used = self
            .gas_used
            .checked_add(effect.gas_used)
            .ok_or(ExecutionError::TotalOverflow)?;
        self.burned = self
            .burned
            .checked_add(effect.burned)
            .ok_or(ExecutionError::TotalOverflow)?;
        self.cross_shard_transfers.extend(effect.cross_shard);
        self.receipts.push(TransactionReceipt {
            tx_hash: tx.hash(),
            gas_used: effect.gas_used,
            cumulative_gas_used: self.gas_used,
            revert: effect.revert,
            deposit_index: effect.deposit_index,
        });
        Ok(())
    }

    /// The outcome, once the block's changes are committed and the state root is known.
    pub(crate) fn finish(self, state_root: B256) -> ExecutionOutcome {
        ExecutionOutcome {
            state_root,
            gas_used: self.gas_used,
            burned: self.burned,
            claimed: self.claimed,
            cross_shard_transfers: self.cross_shard_transfers,
            receipts: self.receipts,
        }
    }
}

/// Recovers the senders of a block's transactions (in parallel, through `cache`) and executes
/// them as [`execute_transactions`] does.
pub fn execute_block(
    state: &mut ExecutionState,
    txs: &[ShardTransaction],
    cache: &SenderCache,
    context: &ExecutionContext,
) -> Result<ExecutionOutcome, ExecutionError> {
    let senders = recover_senders(txs, cache)?;
    execute_transactions(state, txs, &senders, context)
}

#[cfg(test)]
mod tests {
    use std::num::NonZeroUsize;

    use primitives::{ChainConfig, PresetName};
    use proptest::prelude::*;

    use super::*;
    use crate::account::{Account, AccountState};
    use crate::signer::{TransferRequest, TransferSigner};
    use crate::transaction::TX_BASE_GAS;

    const BASE_CHAIN_ID: u64 = 1000;
    /// The shard gas price, in Gwei (a base fee of 10^10 wei).
    const GAS_PRICE: u64 = 10;
    const GWEI: u128 = WEI_PER_GWEI;
    /// One ether, in wei.
    const FUNDS: u64 = 1_000_000_000_000_000_000;
    /// Home shard 0 of 2, apart from the test's other addresses.
    const DEPOSIT_CONTRACT: Address = Address::repeat_byte(0xde);

    fn context() -> ExecutionContext {
        ExecutionContext {
            shard: 0,
            shard_count: 2,
            base_chain_id: BASE_CHAIN_ID,
            gasprice: GAS_PRICE,
            deposit_contract_address: DEPOSIT_CONTRACT,
            min_deposit_amount: 1_000_000_000,
        }
    }

    /// Home shard 0 of 2 (first byte even) and home shard 1 (odd).
    fn local(i: u8) -> Address {
        Address::repeat_byte(i * 2)
    }
    fn remote(i: u8) -> Address {
        Address::repeat_byte(i * 2 + 1)
    }

    fn signers(n: u64) -> Vec<TransferSigner> {
        (0..n)
            .map(|i| TransferSigner::from_seed(i).unwrap())
            .collect()
    }

    fn funded(signers: &[TransferSigner]) -> ExecutionState {
        let accounts = AccountState::from_accounts(signers.iter().map(|s| {
            (
                s.address(),
                Account {
                    balance: U256::from(FUNDS),
                    nonce: 0,
                },
            )
        }))
        .unwrap();
        ExecutionState::new(accounts)
    }

    fn request(nonce: u64, to: Address, value: u64) -> TransferRequest {
        TransferRequest {
            chain_id: BASE_CHAIN_ID,
            nonce,
            to,
            value: U256::from(value),
            gas_limit: TX_BASE_GAS,
            max_fee_per_gas: 20 * GWEI,
            max_priority_fee_per_gas: 3 * GWEI,
        }
    }

    fn decode(bytes: &[u8]) -> ShardTransaction {
        ShardTransaction::decode(bytes, BASE_CHAIN_ID).unwrap()
    }

    #[test]
    fn local_transfer_moves_value_burns_fee_and_bumps_nonce() {
        let keys = signers(1);
        let mut state = funded(&keys);
        let tx = decode(&keys[0].sign_legacy(&request(0, local(1), 500)));
        let outcome =
            execute_transactions(&mut state, &[tx], &[keys[0].address()], &context()).unwrap();
        // Legacy pays its whole gas price (20 gwei), all burned.
        let fee = 20_000_000_000 * TX_BASE_GAS;
        assert_eq!(outcome.burned, U256::from(fee));
        assert_eq!(outcome.gas_used, TX_BASE_GAS);
        assert!(outcome.cross_shard_transfers.is_empty());
        let sender = state.accounts().get(&keys[0].address()).unwrap();
        assert_eq!(sender.balance, U256::from(FUNDS - 500 - fee));
        assert_eq!(sender.nonce, 1);
        assert_eq!(
            state.accounts().get(&local(1)).unwrap().balance,
            U256::from(500u64)
        );
        assert_eq!(outcome.state_root, state.root());
    }

    #[test]
    fn eip1559_pays_the_shard_price_plus_the_priority_fee_capped_by_max_fee() {
        let keys = signers(1);
        let mut state = funded(&keys);
        let first = decode(&keys[0].sign_eip1559(&request(0, local(1), 1)));
        let mut capped = request(1, local(1), 1);
        capped.max_fee_per_gas = 11 * GWEI;
        let second = decode(&keys[0].sign_eip1559(&capped));
        let sender = keys[0].address();
        let outcome =
            execute_transactions(&mut state, &[first, second], &[sender, sender], &context())
                .unwrap();
        // In gwei: min(20, 10 + 3) = 13, then min(11, 13) = 11.
        assert_eq!(
            outcome.burned,
            U256::from((13 + 11) * GWEI * u128::from(TX_BASE_GAS))
        );
        assert_eq!(state.accounts().get(&sender).unwrap().nonce, 2);
    }

    #[test]
    fn transfer_to_another_shard_debits_and_emits_instead_of_crediting() {
        let keys = signers(1);
        let mut state = funded(&keys);
        let tx = decode(&keys[0].sign_legacy(&request(0, remote(1), 700)));
        let hash = tx.hash();
        let outcome =
            execute_transactions(&mut state, &[tx], &[keys[0].address()], &context()).unwrap();
        assert_eq!(
            outcome.cross_shard_transfers,
            vec![CrossShardTransfer {
                from: keys[0].address(),
                to: remote(1),
                value: U256::from(700u64),
                source_shard: 0,
                dest_shard: 1,
                tx_hash: hash,
            }]
        );
        assert!(state.accounts().get(&remote(1)).is_none());
        assert_eq!(
            state.accounts().get(&keys[0].address()).unwrap().balance,
            U256::from(FUNDS - 700 - 20_000_000_000 * TX_BASE_GAS)
        );
    }

    #[test]
    fn transfer_to_oneself_only_costs_the_fee() {
        let keys = signers(1);
        let sender = keys[0].address();
        let context = ExecutionContext {
            shard_count: 1,
            ..context()
        };
        let mut state = funded(&keys);
        let tx = decode(&keys[0].sign_legacy(&request(0, sender, 12_345)));
        execute_transactions(&mut state, &[tx], &[sender], &context).unwrap();
        assert_eq!(
            state.accounts().get(&sender).unwrap(),
            Account {
                balance: U256::from(FUNDS - 20_000_000_000 * TX_BASE_GAS),
                nonce: 1
            }
        );
    }

    #[test]
    fn any_invalid_transaction_fails_the_block_and_leaves_the_state() {
        let keys = signers(2);
        let good = decode(&keys[0].sign_legacy(&request(0, local(1), 1)));
        let mut low_fee = request(0, local(1), 1);
        // One wei below the base fee: the comparison is in wei, not in whole gwei.
        low_fee.max_fee_per_gas = u128::from(GAS_PRICE) * GWEI - 1;
        let cases: Vec<(ShardTransaction, TransferInvalid)> = vec![
            (
                decode(&keys[1].sign_legacy(&request(1, local(1), 1))),
                TransferInvalid::NonceMismatch {
                    expected: 0,
                    got: 1,
                },
            ),
            (
                decode(&keys[1].sign_legacy(&request(0, local(1), FUNDS))),
                TransferInvalid::InsufficientBalance {
                    needed: U256::from(FUNDS + 20_000_000_000 * TX_BASE_GAS),
                    available: U256::from(FUNDS),
                },
            ),
            (
                decode(&keys[1].sign_legacy(&low_fee)),
                TransferInvalid::FeeBelowBaseFee {
                    max_fee_per_gas: 9_999_999_999,
                    base_fee_per_gas: 10_000_000_000,
                },
            ),
            (
                decode(&keys[1].sign_eip1559(&low_fee)),
                TransferInvalid::FeeBelowBaseFee {
                    max_fee_per_gas: 9_999_999_999,
                    base_fee_per_gas: 10_000_000_000,
                },
            ),
            (
                ShardTransaction::decode(
                    &keys[1].sign_legacy(&TransferRequest {
                        chain_id: BASE_CHAIN_ID + 1,
                        ..request(0, local(1), 1)
                    }),
                    BASE_CHAIN_ID + 1,
                )
                .unwrap(),
                TransferInvalid::WrongChainId {
                    expected: BASE_CHAIN_ID,
                    got: BASE_CHAIN_ID + 1,
                },
            ),
        ];
        for (bad, reason) in cases {
            let mut state = funded(&keys);
            let before = state.clone();
            let senders = [keys[0].address(), keys[1].address()];
            let err = execute_transactions(&mut state, &[good.clone(), bad], &senders, &context())
                .unwrap_err();
            assert_eq!(err, ExecutionError::TransactionInvalid { index: 1, reason });
            assert!(err.is_bad_data());
            assert_eq!(state, before);
        }
    }

    #[test]
    fn replayed_transaction_in_one_block_fails_on_its_nonce() {
        let keys = signers(1);
        let mut state = funded(&keys);
        let tx = decode(&keys[0].sign_legacy(&request(0, local(1), 1)));
        let sender = keys[0].address();
        let err =
            execute_transactions(&mut state, &[tx.clone(), tx], &[sender, sender], &context())
                .unwrap_err();
        assert!(matches!(
            err,
            ExecutionError::TransactionInvalid {
                index: 1,
                reason: TransferInvalid::NonceMismatch { .. }
            }
        ));
    }

    #[test]
    fn execute_block_recovers_senders_through_the_cache() {
        let keys = signers(3);
        let mut state = funded(&keys);
        let txs: Vec<_> = keys
            .iter()
            .map(|k| decode(&k.sign_eip1559(&request(0, local(1), 10))))
            .collect();
        let cache = SenderCache::new(NonZeroUsize::new(16).unwrap());
        let outcome = execute_block(&mut state, &txs, &cache, &context()).unwrap();
        assert_eq!(cache.len(), 3);
        assert_eq!(
            state.accounts().get(&local(1)).unwrap().balance,
            U256::from(30u64)
        );
        assert_eq!(outcome.gas_used, 3 * TX_BASE_GAS);
        let err = execute_transactions(&mut state, &txs, &[], &context()).unwrap_err();
        assert!(!err.is_bad_data());
    }

    #[test]
    fn context_from_config_checks_shard_and_gas_price() {
        let config = ChainConfig::preset(PresetName::Minimal);
        let shards = config.initial_active_shards;
        let price = config.min_gasprice;
        let ctx = ExecutionContext::from_config(&config, shards - 1, price).unwrap();
        assert_eq!(ctx.shard_count, shards);
        // MIN_GASPRICE is in gwei: 8 gwei is a base fee of 8 * 10^9 wei.
        assert_eq!(ctx.gasprice, config.min_gasprice);
        assert_eq!(
            ctx.base_fee_per_gas(),
            u128::from(config.min_gasprice) * 1_000_000_000
        );
        // The largest gas price converts without saturating.
        assert_eq!(
            base_fee_per_gas(u64::MAX),
            u128::from(u64::MAX) * 1_000_000_000
        );
        assert_eq!(ctx.base_chain_id, config.base_chain_id);
        assert!(matches!(
            ExecutionContext::from_config(&config, shards, price),
            Err(ContextError::ShardOutOfRange { .. })
        ));
        assert!(matches!(
            ExecutionContext::from_config(&config, 0, config.max_gasprice + 1),
            Err(ContextError::GasPriceOutOfRange { .. })
        ));
        let near_max = ChainConfig {
            base_chain_id: u64::MAX,
            ..config
        };
        assert!(matches!(
            ExecutionContext::from_config(&near_max, 1, price),
            Err(ContextError::ChainId(
                TransactionError::ChainIdOverflow { .. }
            ))
        ));
    }

    /// A transfer a proptest case may send: signer, nonce offset, recipient, value, fee, kind.
    #[derive(Debug, Clone)]
    struct Step {
        signer: usize,
        nonce_offset: i8,
        recipient: u8,
        value: u64,
        max_fee: u128,
        typed: bool,
        block_break: bool,
    }

    fn arb_step() -> impl Strategy<Value = Step> {
        (
            0usize..4,
            prop_oneof![8 => Just(0i8), 1 => Just(1i8), 1 => Just(-1i8)],
            0u8..8,
            prop_oneof![4 => 0u64..1_000_000, 1 => Just(FUNDS)],
            // Fee caps in wei around the 10 gwei base fee, some below it.
            prop_oneof![4 => 10 * GWEI..30 * GWEI, 1 => 0u128..10 * GWEI],
            any::<bool>(),
            any::<bool>(),
        )
            .prop_map(
                |(signer, nonce_offset, recipient, value, max_fee, typed, block_break)| Step {
                    signer,
                    nonce_offset,
                    recipient,
                    value,
                    max_fee,
                    typed,
                    block_break,
                },
            )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(32))]

        /// Whatever mix of valid and invalid transfers blocks carry, balances + burned fees +
        /// value sent to other shards never changes, and a failed block changes nothing.
        #[test]
        fn supply_is_conserved(steps in prop::collection::vec(arb_step(), 1..40)) {
            let keys = signers(4);
            let mut state = funded(&keys);
            let supply = state.accounts().total_balance();
            let mut burned = U256::ZERO;
            let mut exported = U256::ZERO;
            let mut block: Vec<(ShardTransaction, Address)> = Vec::new();
            let flush = |state: &mut ExecutionState, block: &mut Vec<(ShardTransaction, Address)>,
                             burned: &mut U256, exported: &mut U256| {
                let (txs, senders): (Vec<_>, Vec<_>) = block.drain(..).unzip();
                let before = state.clone();
                match execute_transactions(state, &txs, &senders, &context()) {
                    Ok(outcome) => {
                        *burned += outcome.burned;
                        for transfer in &outcome.cross_shard_transfers {
                            *exported += transfer.value;
                        }
                    }
                    Err(_) => assert_eq!(*state, before),
                }
            };
            for step in steps {
                let key = &keys[step.signer];
                let nonce = state
                    .accounts()
                    .get_or_default(&key.address())
                    .nonce
                    .saturating_add_signed(i64::from(step.nonce_offset))
                    + block.iter().filter(|(_, s)| *s == key.address()).count() as u64;
                let to = match step.recipient {
                    0..=3 => keys[step.recipient as usize].address(),
                    r if r % 2 == 0 => local(r),
                    r => remote(r),
                };
                let request = TransferRequest {
                    max_fee_per_gas: step.max_fee,
                    max_priority_fee_per_gas: (2 * GWEI).min(step.max_fee),
                    ..request(nonce, to, step.value)
                };
                let bytes = if step.typed { key.sign_eip1559(&request) } else { key.sign_legacy(&request) };
                block.push((decode(&bytes), key.address()));
                if step.block_break {
                    flush(&mut state, &mut block, &mut burned, &mut exported);
                }
                prop_assert_eq!(state.accounts().total_balance() + burned + exported, supply);
            }
            flush(&mut state, &mut block, &mut burned, &mut exported);
            prop_assert_eq!(state.accounts().total_balance() + burned + exported, supply);
        }
    }
}
