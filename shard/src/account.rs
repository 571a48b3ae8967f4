//! A shard's account state: balance and nonce per address, committed by a Merkle root.
//!
//! Accounts are kept in creation order as the SSZ list `List[AccountRecord, 2**32]`, whose
//! `hash_tree_root` is the state root. Each element carries its address, so that a proof of
//! inclusion says whose account it is, not only that some account at that position holds a
//! balance. An address maps to its position; updating accounts recomputes only their paths
//! (see [`crate::state_tree`]). Creation order is part of consensus: it is the order in which a
//! block's transactions first credit or debit a new address.

use std::collections::HashMap;

use alloy_primitives::{Address, B256, U256};
use ssz_derive::{Decode, Encode};
use tree_hash::TreeHash;
use tree_hash_derive::TreeHash;

use crate::state_tree::{ACCOUNT_TREE_DEPTH, StateTree, StateTreeError, is_valid_merkle_branch};

/// The balance (wei) and nonce of an address on a shard.
#[derive(Encode, Decode, TreeHash, Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Account {
    /// Balance in wei.
    pub balance: U256,
    /// The number of transactions the address has sent from this shard.
    pub nonce: u64,
}

/// An element of the account list: an account together with its address.
#[derive(Encode, Decode, TreeHash, Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct AccountRecord {
    /// The account's address.
    pub address: Address,
    /// Balance in wei.
    pub balance: U256,
    /// The account's nonce.
    pub nonce: u64,
}

impl AccountRecord {
    /// The record of `account` at `address`.
    pub fn new(address: Address, account: Account) -> Self {
        Self {
            address,
            balance: account.balance,
            nonce: account.nonce,
        }
    }

    /// The account part of the record.
    pub fn account(&self) -> Account {
        Account {
            balance: self.balance,
            nonce: self.nonce,
        }
    }
}

/// A Merkle proof that an account is in a state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountProof {
    /// The account's position in the list.
    pub index: u64,
    /// Sibling hashes from the leaf up, then the list length chunk.
    pub branch: Vec<B256>,
}

/// The accounts of one shard, with an incrementally maintained root.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccountState {
    records: Vec<AccountRecord>,
    positions: HashMap<Address, u64>,
    tree: StateTree,
}

impl AccountState {
    /// A state with no account.
    pub fn new() -> Self {
        Self::default()
    }

    /// A state holding `accounts` in the given order (later duplicates overwrite earlier ones).
    pub fn from_accounts(
        accounts: impl IntoIterator<Item = (Address, Account)>,
    ) -> Result<Self, StateTreeError> {
        let mut state = Self::new();
        state.apply(accounts)?;
        Ok(state)
    }

    /// The account at `address`, if it exists.
    pub fn get(&self, address: &Address) -> Option<Account> {
        let index = usize::try_from(*self.positions.get(address)?).ok()?;
        self.records.get(index).map(AccountRecord::account)
    }

    /// The account at `address`, or the empty account (zero balance, nonce 0).
    pub fn get_or_default(&self, address: &Address) -> Account {
        self.get(address).unwrap_or_default()
    }

    /// The number of accounts.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// Whether the state holds no account.
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// The accounts in list order.
    pub fn records(&self) -> &[AccountRecord] {
        &self.records
    }

    /// The sum of all balances.
    pub fn total_balance(&self) -> U256 {
        self.records
            .iter()
            .fold(U256::ZERO, |sum, record| sum.saturating_add(record.balance))
    }

    /// The state root: `hash_tree_root(List[AccountRecord, 2**32])`.
    pub fn root(&self) -> B256 {
        self.tree.root()
    }

    /// Writes accounts in order: existing addresses are updated, new ones appended. A new
    /// address whose account would be empty is not created (as EIP-161 does not create empty
    /// accounts). On error nothing is changed.
    pub fn apply(
        &mut self,
        accounts: impl IntoIterator<Item = (Address, Account)>,
    ) -> Result<(), StateTreeError> {
        let mut writes: Vec<(u64, B256)> = Vec::new();
        let mut updates: Vec<(usize, AccountRecord)> = Vec::new();
        let mut created: Vec<(Address, AccountRecord)> = Vec::new();
        let mut created_positions: HashMap<Address, usize> = HashMap::new();
        let base_len = self.tree.len();
        for (address, account) in accounts {
            let record = AccountRecord::new(address, account);
            if let Some(index) = self.positions.get(&address) {
                let slot = usize::try_from(*index).map_err(|_| StateTreeError::Full)?;
                updates.push((slot, record));
                writes.push((*index, record.tree_hash_root()));
            } else if let Some(slot) = created_positions.get(&address) {
                if let Some(entry) = created.get_mut(*slot) {
                    entry.1 = record;
                }
                let index = base_len.saturating_add(*slot as u64);
                writes.push((index, record.tree_hash_root()));
            } else if account != Account::default() {
                created_positions.insert(address, created.len());
                let index = base_len.saturating_add(created.len() as u64);
                created.push((address, record));
                writes.push((index, record.tree_hash_root()));
            }
        }
        self.tree.update(&writes)?;
        for (slot, record) in updates {
            if let Some(existing) = self.records.get_mut(slot) {
                *existing = record;
            }
        }
        for (offset, (address, record)) in created.into_iter().enumerate() {
            self.positions
                .insert(address, base_len.saturating_add(offset as u64));
            self.records.push(record);
        }
        Ok(())
    }

    /// The proof that the account of `address` is in this state, if it exists.
    pub fn proof(&self, address: &Address) -> Option<AccountProof> {
        let index = *self.positions.get(address)?;
        Some(AccountProof {
            index,
            branch: self.tree.branch(index)?,
        })
    }
}

/// Whether `account` of `address` sits at `index` in the state whose root is `root`.
pub fn verify_account_proof(
    root: B256,
    address: Address,
    account: Account,
    index: u64,
    branch: &[B256],
) -> bool {
    let leaf = AccountRecord::new(address, account).tree_hash_root();
    is_valid_merkle_branch(
        leaf,
        branch,
        ACCOUNT_TREE_DEPTH.saturating_add(1),
        index,
        root,
    )
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use ssz::{Decode, Encode};
    use ssz_types::VariableList;
    use typenum::U4294967296;

    use super::*;

    type AccountList = VariableList<AccountRecord, U4294967296>;

    fn reference_root(state: &AccountState) -> B256 {
        AccountList::new(state.records().to_vec())
            .unwrap()
            .tree_hash_root()
    }

    fn address(i: u8) -> Address {
        Address::repeat_byte(i)
    }

    fn account(balance: u64, nonce: u64) -> Account {
        Account {
            balance: U256::from(balance),
            nonce,
        }
    }

    #[test]
    fn empty_state_root_is_the_empty_list_root() {
        let state = AccountState::new();
        assert_eq!(state.root(), reference_root(&state));
    }

    #[test]
    fn updates_and_appends_keep_the_list_root() {
        let mut state = AccountState::new();
        state.apply([(address(1), account(10, 0))]).unwrap();
        assert_eq!(state.root(), reference_root(&state));
        state
            .apply([(address(2), account(5, 1)), (address(1), account(9, 1))])
            .unwrap();
        assert_eq!(state.len(), 2);
        assert_eq!(state.get(&address(1)), Some(account(9, 1)));
        assert_eq!(state.records()[1].address, address(2));
        assert_eq!(state.root(), reference_root(&state));
    }

    #[test]
    fn empty_new_accounts_are_not_created() {
        let mut state = AccountState::new();
        state.apply([(address(1), Account::default())]).unwrap();
        assert!(state.is_empty());
        // An existing account that becomes empty stays (its position is part of the root).
        state.apply([(address(2), account(1, 0))]).unwrap();
        state.apply([(address(2), Account::default())]).unwrap();
        assert_eq!(state.len(), 1);
        assert_eq!(state.root(), reference_root(&state));
    }

    #[test]
    fn proofs_verify_and_bind_the_address_and_the_account() {
        let state =
            AccountState::from_accounts((1..=5).map(|i| (address(i), account(i.into(), 0))))
                .unwrap();
        let root = state.root();
        for i in 1..=5 {
            let proof = state.proof(&address(i)).unwrap();
            assert_eq!(proof.index, u64::from(i - 1));
            assert_eq!(proof.branch.len(), ACCOUNT_TREE_DEPTH + 1);
            let acc = state.get(&address(i)).unwrap();
            assert!(verify_account_proof(
                root,
                address(i),
                acc,
                proof.index,
                &proof.branch
            ));
            assert!(!verify_account_proof(
                root,
                address(99),
                acc,
                proof.index,
                &proof.branch
            ));
            assert!(!verify_account_proof(
                root,
                address(i),
                account(1000, 0),
                proof.index,
                &proof.branch
            ));
            assert!(!verify_account_proof(
                root,
                address(i),
                acc,
                proof.index + 1,
                &proof.branch
            ));
            assert!(!verify_account_proof(
                root,
                address(i),
                acc,
                proof.index,
                &proof.branch[..ACCOUNT_TREE_DEPTH]
            ));
        }
        assert!(state.proof(&address(6)).is_none());
    }

    #[test]
    fn account_record_ssz_round_trips() {
        let record = AccountRecord::new(address(7), account(123_456, 9));
        let bytes = record.as_ssz_bytes();
        assert_eq!(bytes.len(), 20 + 32 + 8);
        assert_eq!(AccountRecord::from_ssz_bytes(&bytes).unwrap(), record);
    }

    fn arb_account() -> impl Strategy<Value = Account> {
        prop_oneof![
            1 => Just(Account::default()),
            6 => (any::<[u8; 32]>(), any::<u64>()).prop_map(|(balance, nonce)| Account {
                balance: U256::from_be_bytes(balance),
                nonce,
            }),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// The incremental root equals `tree_hash` of the same `VariableList` after every batch,
        /// and every account's proof verifies against it.
        #[test]
        fn incremental_root_matches_ssz_list_root(
            initial in prop::collection::vec((0u8..40, arb_account()), 0..40),
            batches in prop::collection::vec(
                prop::collection::vec((0u8..60, arb_account()), 0..12),
                0..8,
            ),
        ) {
            // The model: a plain list with the same creation rule, rebuilt from scratch.
            let mut model: Vec<AccountRecord> = Vec::new();
            let model_apply = |model: &mut Vec<AccountRecord>, writes: &[(u8, Account)]| {
                for (i, acc) in writes {
                    match model.iter_mut().find(|r| r.address == address(*i)) {
                        Some(record) => *record = AccountRecord::new(address(*i), *acc),
                        None if *acc != Account::default() => {
                            model.push(AccountRecord::new(address(*i), *acc));
                        }
                        None => {}
                    }
                }
            };
            model_apply(&mut model, &initial);
            let mut state = AccountState::from_accounts(
                initial.iter().map(|(i, acc)| (address(*i), *acc)),
            ).unwrap();
            prop_assert_eq!(state.records(), &model[..]);
            prop_assert_eq!(state.root(), reference_root(&state));
            for batch in batches {
                model_apply(&mut model, &batch);
                state.apply(batch.iter().map(|(i, acc)| (address(*i), *acc))).unwrap();
                prop_assert_eq!(state.records(), &model[..]);
                prop_assert_eq!(state.root(), reference_root(&state));
                let root = state.root();
                for record in state.records() {
                    let proof = state.proof(&record.address).unwrap();
                    prop_assert!(verify_account_proof(
                        root, record.address, record.account(), proof.index, &proof.branch
                    ));
                }
            }
        }
    }
}
