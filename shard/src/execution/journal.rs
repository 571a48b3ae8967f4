//! The journal of account changes a block makes, committed only when the whole block is valid.

use std::collections::HashMap;

use alloy_primitives::Address;

use crate::account::{Account, AccountState};

/// Account changes over a base state, kept until a block is known to be valid.
#[derive(Debug)]
pub struct StateJournal<'a> {
    base: &'a AccountState,
    changes: HashMap<Address, Account>,
    // New accounts are appended in the order they are first written: that order is consensus.
    order: Vec<Address>,
}

impl<'a> StateJournal<'a> {
    /// An empty journal over `base`.
    pub fn new(base: &'a AccountState) -> Self {
        Self {
            base,
            changes: HashMap::new(),
            order: Vec::new(),
        }
    }

    /// The account at `address` as changed so far.
    pub fn get(&self, address: &Address) -> Account {
        self.changes
            .get(address)
            .copied()
            .unwrap_or_else(|| self.base.get_or_default(address))
    }

    /// Records a new value for `address`.
    pub fn set(&mut self, address: Address, account: Account) {
        if self.changes.insert(address, account).is_none() {
            self.order.push(address);
        }
    }

    /// The changes in first-write order, ready for [`AccountState::apply`].
    pub fn into_changes(self) -> Vec<(Address, Account)> {
        let Self { changes, order, .. } = self;
        order
            .into_iter()
            .filter_map(|address| changes.get(&address).map(|account| (address, *account)))
            .collect()
    }
}
