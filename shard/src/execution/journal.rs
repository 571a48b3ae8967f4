//! The journal of changes a block makes, committed only when the whole block is valid.

use std::collections::{HashMap, HashSet};

use alloy_primitives::{Address, B256};
use primitives::types::DepositData;

use crate::account::Account;
use crate::execution::state::ExecutionState;

/// What a journal holds once a block has run: account writes, deposits, spent receipt keys.
pub type JournalChanges = (Vec<(Address, Account)>, Vec<DepositData>, Vec<B256>);

/// Account changes, new deposits and newly spent receipts over a base state, kept until a
/// block is known to be valid.
#[derive(Debug)]
pub struct StateJournal<'a> {
    base: &'a ExecutionState,
    changes: HashMap<Address, Account>,
    // New accounts are appended in the order they are first written: that order is consensus.
    order: Vec<Address>,
    deposits: Vec<DepositData>,
    // Receipts claimed by the block, in claim order (the order of the spent list).
    spent: Vec<B256>,
    spent_set: HashSet<B256>,
}

impl<'a> StateJournal<'a> {
    /// An empty journal over `base`.
    pub fn new(base: &'a ExecutionState) -> Self {
        Self {
            base,
            changes: HashMap::new(),
            order: Vec::new(),
            deposits: Vec::new(),
            spent: Vec::new(),
            spent_set: HashSet::new(),
        }
    }

    /// The account at `address` as changed so far.
    pub fn get(&self, address: &Address) -> Account {
        self.changes
            .get(address)
            .copied()
            .unwrap_or_else(|| self.base.accounts().get_or_default(address))
    }

    /// Records a new value for `address`.
    pub fn set(&mut self, address: Address, account: Account) {
        if self.changes.insert(address, account).is_none() {
            self.order.push(address);
        }
    }

    /// The deposit count of the contract with this journal's deposits appended.
    pub fn deposit_count(&self) -> u64 {
        self.base
            .deposit_contract()
            .deposit_count()
            .saturating_add(self.deposits.len() as u64)
    }

    /// Records a deposit to append; returns the index it will have.
    pub fn push_deposit(&mut self, data: DepositData) -> u64 {
        let index = self.deposit_count();
        self.deposits.push(data);
        index
    }

    /// Whether the receipt of `key` is spent, in the base state or earlier in this block.
    pub fn is_spent(&self, key: &B256) -> bool {
        self.spent_set.contains(key) || self.base.spent_receipts().contains(key)
    }

    /// Records the receipt of `key` as spent; returns `false` (and records nothing) if it was.
    pub fn spend(&mut self, key: B256) -> bool {
        if self.is_spent(&key) {
            return false;
        }
        self.spent_set.insert(key);
        self.spent.push(key);
        true
    }

    /// The account changes in first-write order, the deposits and the spent receipts in
    /// order, ready for [`ExecutionState::commit`].
    pub fn into_changes(self) -> JournalChanges {
        let Self {
            changes,
            order,
            deposits,
            spent,
            ..
        } = self;
        let accounts = order
            .into_iter()
            .filter_map(|address| changes.get(&address).map(|account| (address, *account)))
            .collect();
        (accounts, deposits, spent)
    }
}
