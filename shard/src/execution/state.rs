//! A shard's whole execution state: its accounts and (used on shard 0) the deposit contract.

use alloy_primitives::{Address, B256};
use ethereum_hashing::hash32_concat;
use primitives::types::{DepositData, Eth1Data};

use crate::account::{Account, AccountProof, AccountRecord, AccountState};
use crate::deposit_contract::{DepositContract, DepositRevert, MAX_DEPOSIT_COUNT};
use crate::state_tree::StateTreeError;

/// The shard that hosts the deposit contract.
pub const DEPOSIT_SHARD: u64 = 0;

/// Why a block's changes cannot be committed to an execution state.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CommitError {
    /// The account list cannot take the new accounts.
    #[error(transparent)]
    Accounts(#[from] StateTreeError),
    /// The deposit tree cannot take the new deposits.
    #[error(transparent)]
    Deposits(#[from] DepositRevert),
}

/// A shard's execution state. Every shard has the same shape; only shard 0's deposit contract
/// ever receives deposits, the others keep an empty one.
///
/// Its root is `hash_tree_root` of the container `{account_root: Root, deposit_root: Root}`,
/// `sha256(accounts.root() ‖ deposit_contract.get_deposit_root())`, so that a shard-0 block's
/// state root commits to the deposits that beacon proposers vote on. A proof of an account
/// against this root is the account proof followed by the deposit root as the last sibling.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExecutionState {
    accounts: AccountState,
    deposit_contract: DepositContract,
}

impl From<AccountState> for ExecutionState {
    fn from(accounts: AccountState) -> Self {
        Self::new(accounts)
    }
}

impl ExecutionState {
    /// A state holding `accounts` and a deposit contract without deposits.
    pub fn new(accounts: AccountState) -> Self {
        Self {
            accounts,
            deposit_contract: DepositContract::new(),
        }
    }

    /// The accounts.
    pub fn accounts(&self) -> &AccountState {
        &self.accounts
    }

    /// The accounts, to credit or fund them outside a block (genesis, incoming transfers).
    pub fn accounts_mut(&mut self) -> &mut AccountState {
        &mut self.accounts
    }

    /// The deposit contract (empty on shards other than 0).
    pub fn deposit_contract(&self) -> &DepositContract {
        &self.deposit_contract
    }

    /// The state root: `sha256(account_root ‖ deposit_root)`.
    pub fn root(&self) -> B256 {
        B256::from(hash32_concat(
            &self.accounts.root().0,
            &self.deposit_contract.get_deposit_root().0,
        ))
    }

    /// The `Eth1Data` that beacon proposers vote for when this is shard 0's state after the
    /// block whose root is `block_hash`: the deposit root and count of the contract.
    pub fn eth1_data(&self, block_hash: B256) -> Eth1Data {
        self.deposit_contract.eth1_data(block_hash)
    }

    /// The proof of the account of `address` against [`Self::root`]: its account-list proof
    /// with the deposit root appended, for `is_valid_merkle_branch` at depth
    /// `ACCOUNT_TREE_DEPTH + 2` with the leaf `hash_tree_root(AccountRecord)` and the same index
    /// (the account list is the left child of the root).
    pub fn account_proof(&self, address: &Address) -> Option<AccountProof> {
        let mut proof = self.accounts.proof(address)?;
        proof.branch.push(self.deposit_contract.get_deposit_root());
        Some(proof)
    }

    /// Writes a block's account changes and appends its deposits, all or nothing.
    pub fn commit(
        &mut self,
        accounts: Vec<(Address, Account)>,
        deposits: Vec<DepositData>,
    ) -> Result<(), CommitError> {
        let room = MAX_DEPOSIT_COUNT.saturating_sub(self.deposit_contract.deposit_count());
        if deposits.len() as u64 > room {
            return Err(DepositRevert::TreeFull.into());
        }
        self.accounts.apply(accounts)?;
        for data in deposits {
            // Room was checked above: this cannot revert.
            self.deposit_contract.deposit(data)?;
        }
        Ok(())
    }
}

/// The leaf an [`ExecutionState::account_proof`] proves.
pub fn account_leaf(address: Address, account: Account) -> B256 {
    tree_hash::TreeHash::tree_hash_root(&AccountRecord::new(address, account))
}

#[cfg(test)]
mod tests {
    use alloy_primitives::U256;
    use primitives::types::DepositData;

    use super::*;
    use crate::state_tree::{ACCOUNT_TREE_DEPTH, is_valid_merkle_branch};

    #[test]
    fn root_commits_to_accounts_and_deposits_and_proofs_verify() {
        let address = Address::repeat_byte(3);
        let account = Account {
            balance: U256::from(5u64),
            nonce: 1,
        };
        let mut state =
            ExecutionState::new(AccountState::from_accounts([(address, account)]).unwrap());
        let root = state.root();
        assert_eq!(
            root,
            B256::from(hash32_concat(
                &state.accounts().root().0,
                &DepositContract::new().get_deposit_root().0
            ))
        );
        let proof = state.account_proof(&address).unwrap();
        let leaf = account_leaf(address, account);
        assert!(is_valid_merkle_branch(
            leaf,
            &proof.branch,
            ACCOUNT_TREE_DEPTH + 2,
            proof.index,
            root
        ));
        state
            .commit(Vec::new(), vec![DepositData::default()])
            .unwrap();
        assert_ne!(state.root(), root);
        assert_eq!(state.accounts().get(&address), Some(account));
        let proof = state.account_proof(&address).unwrap();
        assert!(is_valid_merkle_branch(
            leaf,
            &proof.branch,
            ACCOUNT_TREE_DEPTH + 2,
            proof.index,
            state.root()
        ));
        assert!(state.account_proof(&Address::repeat_byte(4)).is_none());
    }
}
