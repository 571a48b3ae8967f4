//! The journal of changes a block makes, committed only when the whole block is valid.

use std::collections::HashMap;

use alloy_primitives::Address;
use primitives::types::DepositData;

use crate::account::Account;
use crate::execution::state::ExecutionState;

/// Account changes and new deposits over a base state, kept until a block is known to be valid.
#[derive(Debug)]
pub struct StateJournal<'a> {
    base: &'a ExecutionState,
    changes: HashMap<Address, Account>,
    // New accounts are appended in the order they are first written: that order is consensus.
    order: Vec<Address>,
    deposits: Vec<DepositData>,
}

impl<'a> StateJournal<'a> {
    /// An empty journal over `base`.
    pub fn new(base: &'a ExecutionState) -> Self {
        Self {
            base,
            changes: HashMap::new(),
            order: Vec::new(),
            deposits: Vec::new(),
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

    /// The account changes in first-write order and the deposits in order, ready for
    /// [`ExecutionState::commit`].
    pub fn into_changes(self) -> (Vec<(Address, Account)>, Vec<DepositData>) {
        let Self {
            changes,
            order,
            deposits,
            ..
        } = self;
        let accounts = order
            .into_iter()
            .filter_map(|address| changes.get(&address).map(|account| (address, *account)))
            .collect();
        (accounts, deposits)
    }
}
