//! The stored form of an [`ExecutionState`]: one version byte, then the SSZ container
//! `ExecutionStateV1 {accounts: List[AccountRecord], deposits: List[DepositData],
//! spent_receipts: List[Root]}`, each list in the order its tree holds it, so that decoding
//! rebuilds the same trees and the same state root.

use std::collections::HashSet;

use alloy_primitives::{Address, B256};
use primitives::types::DepositData;
use ssz::{Decode, Encode};
use ssz_derive::{Decode, Encode};

use crate::account::{AccountRecord, AccountState};
use crate::deposit_contract::{DepositContract, DepositRevert};
use crate::execution::ExecutionState;
use crate::spent_receipts::SpentReceipts;
use crate::state_tree::StateTreeError;

/// The version byte of the current encoding.
pub const EXECUTION_STATE_ENCODING_VERSION: u8 = 1;

/// Why bytes are not an encoded [`ExecutionState`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StateDecodeError {
    /// No bytes at all, not even the version.
    #[error("empty execution state encoding")]
    Empty,
    /// A version this code does not read.
    #[error("execution state encoding version {0} is not known")]
    UnknownVersion(u8),
    /// The container is not valid SSZ.
    #[error("execution state SSZ: {0}")]
    Ssz(String),
    /// An address is listed twice (the encoder lists each account once).
    #[error("account {0} is listed twice")]
    DuplicateAccount(Address),
    /// A spent receipt is listed twice.
    #[error("spent receipt {0} is listed twice")]
    DuplicateReceipt(B256),
    /// The accounts or spent receipts do not fit their trees.
    #[error(transparent)]
    Tree(#[from] StateTreeError),
    /// The deposits do not fit the deposit tree.
    #[error(transparent)]
    Deposits(#[from] DepositRevert),
}

impl StateDecodeError {
    /// Always true: the bytes themselves are wrong.
    pub fn is_bad_data(&self) -> bool {
        true
    }
}

/// Version 1 of the encoding.
#[derive(Encode, Decode)]
struct ExecutionStateV1 {
    accounts: Vec<AccountRecord>,
    deposits: Vec<DepositData>,
    spent_receipts: Vec<B256>,
}

impl ExecutionState {
    /// The versioned encoding of the state, which [`Self::from_versioned_bytes`] reads back
    /// into an equal state with the same root.
    pub fn to_versioned_bytes(&self) -> Vec<u8> {
        let container = ExecutionStateV1 {
            accounts: self.accounts().records().to_vec(),
            deposits: self.deposit_contract().deposits().to_vec(),
            spent_receipts: self.spent_receipts().keys(),
        };
        let mut bytes = Vec::with_capacity(container.ssz_bytes_len().saturating_add(1));
        bytes.push(EXECUTION_STATE_ENCODING_VERSION);
        container.ssz_append(&mut bytes);
        bytes
    }

    /// Reads [`Self::to_versioned_bytes`]; any other input is a typed error.
    pub fn from_versioned_bytes(bytes: &[u8]) -> Result<Self, StateDecodeError> {
        let (version, body) = bytes.split_first().ok_or(StateDecodeError::Empty)?;
        if *version != EXECUTION_STATE_ENCODING_VERSION {
            return Err(StateDecodeError::UnknownVersion(*version));
        }
        let container = ExecutionStateV1::from_ssz_bytes(body)
            .map_err(|e| StateDecodeError::Ssz(format!("{e:?}")))?;
        let mut addresses = HashSet::with_capacity(container.accounts.len());
        for record in &container.accounts {
            if !addresses.insert(record.address) {
                return Err(StateDecodeError::DuplicateAccount(record.address));
            }
        }
        let accounts = AccountState::from_accounts(
            container
                .accounts
                .iter()
                .map(|record| (record.address, record.account())),
        )?;
        let mut deposit_contract = DepositContract::new();
        for data in container.deposits {
            deposit_contract.deposit(data)?;
        }
        let mut keys = HashSet::with_capacity(container.spent_receipts.len());
        for key in &container.spent_receipts {
            if !keys.insert(*key) {
                return Err(StateDecodeError::DuplicateReceipt(*key));
            }
        }
        let mut spent_receipts = SpentReceipts::new();
        spent_receipts.extend(&container.spent_receipts)?;
        Ok(Self::from_parts(accounts, deposit_contract, spent_receipts))
    }
}

#[cfg(test)]
mod tests {
    use alloy_primitives::U256;
    use proptest::prelude::*;

    use super::*;
    use crate::account::Account;

    fn arb_state() -> impl Strategy<Value = ExecutionState> {
        (
            prop::collection::vec((any::<[u8; 20]>(), any::<[u8; 32]>(), any::<u64>()), 0..30),
            prop::collection::vec((any::<[u8; 32]>(), any::<u64>()), 0..6),
            prop::collection::vec(any::<[u8; 32]>(), 0..20),
        )
            .prop_map(|(accounts, deposits, spent)| {
                let accounts = AccountState::from_accounts(accounts.into_iter().map(
                    |(address, balance, nonce)| {
                        let account = Account {
                            balance: U256::from_be_bytes(balance),
                            nonce,
                        };
                        (Address::from(address), account)
                    },
                ))
                .unwrap();
                let deposits = deposits
                    .into_iter()
                    .map(|(credentials, amount)| DepositData {
                        withdrawal_credentials: B256::from(credentials),
                        amount,
                        ..DepositData::default()
                    });
                let mut state = ExecutionState::genesis(accounts, deposits).unwrap();
                let spent: Vec<B256> = spent.into_iter().map(B256::from).collect();
                state.commit(Vec::new(), Vec::new(), spent).unwrap();
                state
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Decoding the encoding gives back an equal state with the same root and proofs.
        #[test]
        fn round_trip_preserves_the_state_and_its_root(state in arb_state()) {
            let bytes = state.to_versioned_bytes();
            let decoded = ExecutionState::from_versioned_bytes(&bytes).unwrap();
            prop_assert_eq!(decoded.root(), state.root());
            prop_assert_eq!(decoded.accounts().root(), state.accounts().root());
            prop_assert_eq!(
                decoded.deposit_contract().get_deposit_root(),
                state.deposit_contract().get_deposit_root()
            );
            prop_assert_eq!(decoded.spent_receipts().root(), state.spent_receipts().root());
            prop_assert_eq!(&decoded, &state);
        }

        /// Arbitrary bytes decode to a typed error or to a state, never a panic; a truncated
        /// encoding never reads back as the state it was cut from. (A cut at an element
        /// boundary of the trailing list is itself valid SSZ: a state with fewer spent
        /// receipts, and so another root.)
        #[test]
        fn bad_bytes_are_a_typed_error(
            state in arb_state(),
            cut in any::<prop::sample::Index>(),
            noise in prop::collection::vec(any::<u8>(), 0..300),
        ) {
            let bytes = state.to_versioned_bytes();
            let cut = cut.index(bytes.len());
            if cut > 1 {
                let truncated = bytes.get(..cut).unwrap();
                if let Ok(decoded) = ExecutionState::from_versioned_bytes(truncated) {
                    prop_assert_ne!(decoded.root(), state.root());
                    prop_assert!(decoded.spent_receipts().len() < state.spent_receipts().len());
                }
            }
            let _ = ExecutionState::from_versioned_bytes(&noise);
        }
    }

    #[test]
    fn version_and_duplicates_are_checked() {
        assert_eq!(
            ExecutionState::from_versioned_bytes(&[]),
            Err(StateDecodeError::Empty)
        );
        let mut bytes = ExecutionState::default().to_versioned_bytes();
        bytes[0] = 2;
        assert_eq!(
            ExecutionState::from_versioned_bytes(&bytes),
            Err(StateDecodeError::UnknownVersion(2))
        );
        let record = AccountRecord::new(Address::repeat_byte(1), Account::default());
        let twice = ExecutionStateV1 {
            accounts: vec![record, record],
            deposits: Vec::new(),
            spent_receipts: Vec::new(),
        };
        let mut bytes = vec![EXECUTION_STATE_ENCODING_VERSION];
        bytes.extend(twice.as_ssz_bytes());
        assert_eq!(
            ExecutionState::from_versioned_bytes(&bytes),
            Err(StateDecodeError::DuplicateAccount(Address::repeat_byte(1)))
        );
        let receipts = ExecutionStateV1 {
            accounts: Vec::new(),
            deposits: Vec::new(),
            spent_receipts: vec![B256::repeat_byte(5), B256::repeat_byte(5)],
        };
        let mut bytes = vec![EXECUTION_STATE_ENCODING_VERSION];
        bytes.extend(receipts.as_ssz_bytes());
        assert_eq!(
            ExecutionState::from_versioned_bytes(&bytes),
            Err(StateDecodeError::DuplicateReceipt(B256::repeat_byte(5)))
        );
    }

    #[test]
    fn a_cut_between_trailing_receipts_reads_as_fewer_receipts() {
        let mut state = ExecutionState::default();
        let spent = vec![B256::repeat_byte(1), B256::repeat_byte(2)];
        state.commit(Vec::new(), Vec::new(), spent).unwrap();
        let bytes = state.to_versioned_bytes();
        let cut = bytes.get(..bytes.len() - 32).unwrap();
        let decoded = ExecutionState::from_versioned_bytes(cut).unwrap();
        assert_eq!(decoded.spent_receipts().keys(), vec![B256::repeat_byte(1)]);
        assert_ne!(decoded.root(), state.root());
        let mid_element = bytes.get(..bytes.len() - 7).unwrap();
        assert!(ExecutionState::from_versioned_bytes(mid_element).is_err());
    }
}
