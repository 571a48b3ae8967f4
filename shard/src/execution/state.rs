//! A shard's whole execution state: its accounts, (used on shard 0) the deposit contract, and
//! the cross-shard receipts it has credited.

use alloy_primitives::{Address, B256};
use ethereum_hashing::{ZERO_HASHES, hash32_concat};
use primitives::types::{DepositData, Eth1Data};

use crate::account::{Account, AccountProof, AccountRecord, AccountState};
use crate::deposit_contract::{DepositContract, DepositRevert, MAX_DEPOSIT_COUNT};
use crate::spent_receipts::SpentReceipts;
use crate::state_tree::{ACCOUNT_TREE_CAPACITY, StateTreeError, is_valid_merkle_branch};

/// The shard that hosts the deposit contract.
pub const DEPOSIT_SHARD: u64 = 0;

/// Why a block's changes cannot be committed to an execution state.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CommitError {
    /// The account list or the spent-receipt list cannot take the new entries.
    #[error(transparent)]
    Accounts(#[from] StateTreeError),
    /// The deposit tree cannot take the new deposits.
    #[error(transparent)]
    Deposits(#[from] DepositRevert),
}

/// A shard's execution state. Every shard has the same shape; only shard 0's deposit contract
/// ever receives deposits, the others keep an empty one.
///
/// Its root is `hash_tree_root` of the container
/// `{account_root: Root, deposit_root: Root, spent_receipts_root: Root}`:
/// `sha256(sha256(account_root ‖ deposit_root) ‖ sha256(spent_receipts_root ‖ 0x00*32))`, so
/// that a shard-0 block's state root commits to the deposits that beacon proposers vote on and
/// every shard's state root to the receipts it has credited. A proof of an account against
/// this root is the account proof followed by two siblings: the deposit root and
/// `sha256(spent_receipts_root ‖ 0x00*32)`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExecutionState {
    accounts: AccountState,
    deposit_contract: DepositContract,
    spent_receipts: SpentReceipts,
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
            spent_receipts: SpentReceipts::new(),
        }
    }

    /// A shard's genesis state: `accounts`, and a deposit contract already holding `deposits`
    /// in order. Shard 0 is given the beacon genesis deposits, so that its contract's root and
    /// count equal the genesis state's `eth1_data` and later deposits extend the same tree;
    /// other shards are given none.
    pub fn genesis(
        accounts: AccountState,
        deposits: impl IntoIterator<Item = DepositData>,
    ) -> Result<Self, DepositRevert> {
        let mut state = Self::new(accounts);
        for data in deposits {
            state.deposit_contract.deposit(data)?;
        }
        Ok(state)
    }

    /// A state from its three parts, as [`Self::from_versioned_bytes`] rebuilds them.
    pub(crate) fn from_parts(
        accounts: AccountState,
        deposit_contract: DepositContract,
        spent_receipts: SpentReceipts,
    ) -> Self {
        Self {
            accounts,
            deposit_contract,
            spent_receipts,
        }
    }

    /// The accounts.
    pub fn accounts(&self) -> &AccountState {
        &self.accounts
    }

    /// The accounts, to fund them outside a block (genesis).
    pub fn accounts_mut(&mut self) -> &mut AccountState {
        &mut self.accounts
    }

    /// The deposit contract (empty on shards other than 0).
    pub fn deposit_contract(&self) -> &DepositContract {
        &self.deposit_contract
    }

    /// The cross-shard receipts this shard has credited.
    pub fn spent_receipts(&self) -> &SpentReceipts {
        &self.spent_receipts
    }

    /// The state root: `hash_tree_root` of `{account_root, deposit_root, spent_receipts_root}`.
    pub fn root(&self) -> B256 {
        let left = hash32_concat(
            &self.accounts.root().0,
            &self.deposit_contract.get_deposit_root().0,
        );
        B256::from(hash32_concat(&left, &self.spent_receipts_node().0))
    }

    /// The right half of the root's container: the spent-receipt root beside the zero chunk
    /// that pads three fields to four.
    fn spent_receipts_node(&self) -> B256 {
        let zero = ZERO_HASHES.first().copied().unwrap_or_default();
        B256::from(hash32_concat(&self.spent_receipts.root().0, &zero))
    }

    /// The `Eth1Data` that beacon proposers vote for when this is shard 0's state after the
    /// block whose root is `block_hash`: the deposit root and count of the contract.
    pub fn eth1_data(&self, block_hash: B256) -> Eth1Data {
        self.deposit_contract.eth1_data(block_hash)
    }

    /// The proof of the account of `address` against [`Self::root`]: its account-list proof
    /// with the deposit root and the spent-receipt node appended, for `is_valid_merkle_branch`
    /// at depth [`STATE_PROOF_DEPTH`] with the leaf `hash_tree_root(AccountRecord)` and the same
    /// index (the account list is the leftmost field of the root's container). See
    /// [`crate::verify_state_account_proof`].
    pub fn account_proof(&self, address: &Address) -> Option<AccountProof> {
        let mut proof = self.accounts.proof(address)?;
        proof.branch.push(self.deposit_contract.get_deposit_root());
        proof.branch.push(self.spent_receipts_node());
        Some(proof)
    }

    /// Writes a block's account changes, appends its deposits and records its claimed
    /// receipts as spent, all or nothing.
    pub fn commit(
        &mut self,
        accounts: Vec<(Address, Account)>,
        deposits: Vec<DepositData>,
        spent_receipts: Vec<B256>,
    ) -> Result<(), CommitError> {
        let room = MAX_DEPOSIT_COUNT.saturating_sub(self.deposit_contract.deposit_count());
        if deposits.len() as u64 > room {
            return Err(DepositRevert::TreeFull.into());
        }
        let spent_room = ACCOUNT_TREE_CAPACITY.saturating_sub(self.spent_receipts.len());
        if spent_receipts.len() as u64 > spent_room {
            return Err(StateTreeError::Full.into());
        }
        self.accounts.apply(accounts)?;
        // Room was checked above: appending cannot fail.
        self.spent_receipts.extend(&spent_receipts)?;
        for data in deposits {
            // Room was checked above: this cannot revert.
            self.deposit_contract.deposit(data)?;
        }
        Ok(())
    }
}

/// The depth of an [`ExecutionState::account_proof`]: the account list with its length, then
/// the two levels of the state root's container.
pub const STATE_PROOF_DEPTH: usize = crate::state_tree::ACCOUNT_TREE_DEPTH + 3;

/// The leaf an [`ExecutionState::account_proof`] proves.
pub fn account_leaf(address: Address, account: Account) -> B256 {
    tree_hash::TreeHash::tree_hash_root(&AccountRecord::new(address, account))
}

/// Whether `account` of `address` sits at `proof.index` in the execution state whose root
/// (a shard block's `post_state_root`) is `state_root`, given an
/// [`ExecutionState::account_proof`].
pub fn verify_state_account_proof(
    state_root: B256,
    address: Address,
    account: Account,
    proof: &AccountProof,
) -> bool {
    is_valid_merkle_branch(
        account_leaf(address, account),
        &proof.branch,
        STATE_PROOF_DEPTH,
        proof.index,
        state_root,
    )
}

#[cfg(test)]
mod tests {
    use alloy_primitives::U256;
    use primitives::types::DepositData;
    use tree_hash::TreeHash;
    use tree_hash_derive::TreeHash;

    use super::*;

    /// The container the state root is the `hash_tree_root` of.
    #[derive(TreeHash)]
    struct StateRoots {
        account_root: B256,
        deposit_root: B256,
        spent_receipts_root: B256,
    }

    fn reference_root(state: &ExecutionState) -> B256 {
        StateRoots {
            account_root: state.accounts().root(),
            deposit_root: state.deposit_contract().get_deposit_root(),
            spent_receipts_root: state.spent_receipts().root(),
        }
        .tree_hash_root()
    }

    #[test]
    fn genesis_seeds_the_deposit_contract() {
        let deposits: Vec<DepositData> = (0..3u8)
            .map(|i| DepositData {
                amount: 32_000_000_000 + u64::from(i),
                ..DepositData::default()
            })
            .collect();
        let state = ExecutionState::genesis(AccountState::default(), deposits.clone()).unwrap();
        let mut contract = DepositContract::new();
        for data in &deposits {
            contract.deposit(data.clone()).unwrap();
        }
        assert_eq!(state.deposit_contract().deposit_count(), 3);
        assert_eq!(state.deposit_contract().deposits(), deposits.as_slice());
        assert_eq!(
            state.deposit_contract().get_deposit_root(),
            contract.get_deposit_root()
        );
        let empty = ExecutionState::genesis(AccountState::default(), []).unwrap();
        assert_eq!(empty, ExecutionState::default());
        assert_ne!(empty.root(), state.root());
    }

    #[test]
    fn root_commits_to_accounts_deposits_and_spent_receipts_and_proofs_verify() {
        let address = Address::repeat_byte(3);
        let account = Account {
            balance: U256::from(5u64),
            nonce: 1,
        };
        let mut state =
            ExecutionState::new(AccountState::from_accounts([(address, account)]).unwrap());
        let mut roots = vec![state.root()];
        assert_eq!(state.root(), reference_root(&state));
        let proof = state.account_proof(&address).unwrap();
        assert_eq!(proof.branch.len(), STATE_PROOF_DEPTH);
        assert!(verify_state_account_proof(
            state.root(),
            address,
            account,
            &proof
        ));
        state
            .commit(Vec::new(), vec![DepositData::default()], Vec::new())
            .unwrap();
        roots.push(state.root());
        state
            .commit(Vec::new(), Vec::new(), vec![B256::repeat_byte(7)])
            .unwrap();
        roots.push(state.root());
        assert!(state.spent_receipts().contains(&B256::repeat_byte(7)));
        for (i, root) in roots.iter().enumerate() {
            assert!(!roots[i + 1..].contains(root), "every part moves the root");
        }
        assert_eq!(state.root(), reference_root(&state));
        assert_eq!(state.accounts().get(&address), Some(account));
        let proof = state.account_proof(&address).unwrap();
        assert!(verify_state_account_proof(
            state.root(),
            address,
            account,
            &proof
        ));
        assert!(!verify_state_account_proof(
            roots[0], address, account, &proof
        ));
        let other = Account {
            balance: U256::from(6u64),
            ..account
        };
        assert!(!verify_state_account_proof(
            state.root(),
            address,
            other,
            &proof
        ));
        assert!(state.account_proof(&Address::repeat_byte(4)).is_none());
    }
}
