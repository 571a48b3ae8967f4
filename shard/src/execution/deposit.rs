//! Calls to the deposit contract from a shard block's transactions.

use crate::deposit_contract::{DepositRevert, MAX_DEPOSIT_COUNT, validate_deposit};
use crate::execution::context::ExecutionContext;
use crate::execution::journal::StateJournal;
use crate::execution::state::DEPOSIT_SHARD;
use crate::transaction::ShardTransaction;
use primitives::types::DepositData;

/// Runs the deposit contract's checks on `tx` (a transaction to its address): the `DepositData`
/// to append, or why the call reverts. Writes nothing.
pub(super) fn deposit_call(
    journal: &StateJournal<'_>,
    tx: &ShardTransaction,
    context: &ExecutionContext,
) -> Result<DepositData, DepositRevert> {
    if context.shard != DEPOSIT_SHARD {
        return Err(DepositRevert::NotDepositShard {
            shard: context.shard,
        });
    }
    let data = validate_deposit(tx.input(), tx.value(), context.min_deposit_amount)?;
    if journal.deposit_count() >= MAX_DEPOSIT_COUNT {
        return Err(DepositRevert::TreeFull);
    }
    Ok(data)
}

#[cfg(test)]
mod tests {
    use alloy_primitives::{Address, B256, Bytes, U256};
    use primitives::types::{PublicKeyBytes, SignatureBytes};
    use ssz::Encode;

    use super::*;
    use crate::account::{Account, AccountState};
    use crate::deposit_contract::DepositContract;
    use crate::execution::{
        ExecutionError, ExecutionOutcome, ExecutionState, TransferInvalid, execute_transactions,
    };
    use crate::signer::{TransferRequest, TransferSigner};

    const BASE_CHAIN_ID: u64 = 7000;
    const GWEI: u64 = 1_000_000_000;
    const MIN_DEPOSIT: u64 = GWEI;
    /// First byte odd: its home shard is 1 of 2, yet the contract runs on shard 0.
    const CONTRACT: Address = Address::repeat_byte(0x35);
    const GAS_LIMIT: u64 = 100_000;
    /// The legacy gas price the deposits pay, in wei (7 gwei, above the 5 gwei base fee).
    const GAS_PRICE: u128 = 7_000_000_000;

    fn context(shard: u64) -> ExecutionContext {
        ExecutionContext {
            shard,
            shard_count: 2,
            base_chain_id: BASE_CHAIN_ID,
            gasprice: 5,
            deposit_contract_address: CONTRACT,
            min_deposit_amount: MIN_DEPOSIT,
        }
    }

    fn eth(n: u64) -> U256 {
        U256::from(n) * U256::from(GWEI) * U256::from(GWEI)
    }

    fn deposit_data(amount: u64) -> DepositData {
        DepositData {
            pubkey: PublicKeyBytes([0xaa; 48]),
            withdrawal_credentials: B256::repeat_byte(0x01),
            amount,
            signature: SignatureBytes([0xbb; 96]),
        }
    }

    struct Setup {
        key: TransferSigner,
        state: ExecutionState,
    }

    fn setup() -> Setup {
        let key = TransferSigner::from_seed(1).unwrap();
        let accounts = AccountState::from_accounts([(
            key.address(),
            Account {
                balance: eth(100),
                nonce: 0,
            },
        )])
        .unwrap();
        Setup {
            key,
            state: ExecutionState::new(accounts),
        }
    }

    fn call(
        setup: &mut Setup,
        shard: u64,
        nonce: u64,
        value: U256,
        input: Vec<u8>,
    ) -> (ShardTransaction, ExecutionOutcome) {
        let request = TransferRequest {
            chain_id: BASE_CHAIN_ID + shard,
            nonce,
            to: CONTRACT,
            value,
            gas_limit: GAS_LIMIT,
            max_fee_per_gas: GAS_PRICE,
            max_priority_fee_per_gas: 0,
        };
        let bytes = setup.key.sign_legacy_call(&request, Bytes::from(input));
        let tx = ShardTransaction::decode(&bytes, BASE_CHAIN_ID + shard).unwrap();
        let outcome = execute_transactions(
            &mut setup.state,
            std::slice::from_ref(&tx),
            &[setup.key.address()],
            &context(shard),
        )
        .unwrap();
        (tx, outcome)
    }

    #[test]
    fn a_valid_deposit_moves_the_value_to_the_contract_and_appends_the_leaf() {
        let mut setup = setup();
        let data = deposit_data(32 * GWEI);
        let (tx, outcome) = call(&mut setup, 0, 0, eth(32), data.as_ssz_bytes());
        let fee = U256::from(tx.intrinsic_gas()) * U256::from(GAS_PRICE);
        let receipt = outcome.receipts[0];
        assert!(receipt.success());
        assert_eq!(receipt.deposit_index, Some(0));
        assert_eq!(receipt.tx_hash, tx.hash());
        assert_eq!(receipt.gas_used, tx.intrinsic_gas());
        assert_eq!(outcome.burned, fee);
        assert!(outcome.cross_shard_transfers.is_empty());
        let accounts = setup.state.accounts();
        assert_eq!(
            accounts.get(&setup.key.address()).unwrap(),
            Account {
                balance: eth(100) - eth(32) - fee,
                nonce: 1
            }
        );
        assert_eq!(accounts.get(&CONTRACT).unwrap().balance, eth(32));
        let mut expected = DepositContract::new();
        expected.deposit(data.clone()).unwrap();
        assert_eq!(setup.state.deposit_contract(), &expected);
        assert_eq!(outcome.state_root, setup.state.root());
        let block = B256::repeat_byte(9);
        let eth1 = setup.state.eth1_data(block);
        assert_eq!(eth1.deposit_root, expected.get_deposit_root());
        assert_eq!(eth1.deposit_count, 1);
        assert_eq!(eth1.block_hash, block);

        // A second deposit gets the next index.
        let (_, outcome) = call(&mut setup, 0, 1, eth(1), deposit_data(GWEI).as_ssz_bytes());
        assert_eq!(outcome.receipts[0].deposit_index, Some(1));
        assert_eq!(setup.state.deposit_contract().deposit_count(), 2);
        assert_eq!(
            setup.state.accounts().get(&CONTRACT).unwrap().balance,
            eth(33)
        );
    }

    #[test]
    fn invalid_deposits_revert_keep_the_value_and_charge_the_fee() {
        let data = deposit_data(32 * GWEI);
        let mut long = data.as_ssz_bytes();
        long.push(0);
        let cases: Vec<(u64, U256, Vec<u8>, DepositRevert)> = vec![
            (
                0,
                eth(32),
                data.as_ssz_bytes()[..100].to_vec(),
                DepositRevert::InvalidCalldata { len: 100 },
            ),
            (
                0,
                eth(32),
                long.clone(),
                DepositRevert::InvalidCalldata { len: long.len() },
            ),
            (
                0,
                eth(32),
                Vec::new(),
                DepositRevert::InvalidCalldata { len: 0 },
            ),
            (
                0,
                eth(31),
                data.as_ssz_bytes(),
                DepositRevert::AmountMismatch {
                    amount: 32 * GWEI,
                    sent: 31 * GWEI,
                },
            ),
            (
                0,
                eth(32) + U256::from(1u64),
                data.as_ssz_bytes(),
                DepositRevert::ValueNotMultipleOfGwei {
                    value: eth(32) + U256::from(1u64),
                },
            ),
            (
                0,
                U256::from(GWEI / 2) * U256::from(GWEI),
                deposit_data(GWEI / 2).as_ssz_bytes(),
                DepositRevert::ValueTooLow {
                    value: U256::from(GWEI / 2) * U256::from(GWEI),
                    min: MIN_DEPOSIT,
                },
            ),
            (
                1,
                eth(32),
                data.as_ssz_bytes(),
                DepositRevert::NotDepositShard { shard: 1 },
            ),
        ];
        for (shard, value, input, revert) in cases {
            let mut setup = setup();
            let before = setup.state.deposit_contract().clone();
            let (tx, outcome) = call(&mut setup, shard, 0, value, input);
            let receipt = outcome.receipts[0];
            assert!(!receipt.success());
            assert_eq!(receipt.revert, Some(revert));
            assert_eq!(receipt.deposit_index, None);
            assert_eq!(receipt.gas_used, tx.intrinsic_gas());
            let fee = U256::from(tx.intrinsic_gas()) * U256::from(GAS_PRICE);
            assert_eq!(outcome.burned, fee);
            assert_eq!(
                setup.state.accounts().get(&setup.key.address()).unwrap(),
                Account {
                    balance: eth(100) - fee,
                    nonce: 1
                },
                "{revert}"
            );
            assert!(setup.state.accounts().get(&CONTRACT).is_none());
            assert_eq!(setup.state.deposit_contract(), &before);
            assert!(outcome.cross_shard_transfers.is_empty());
        }
    }

    #[test]
    fn a_deposit_in_an_invalid_block_leaves_no_trace() {
        let setup = setup();
        let mut state = setup.state.clone();
        let request = TransferRequest {
            chain_id: BASE_CHAIN_ID,
            nonce: 0,
            to: CONTRACT,
            value: eth(32),
            gas_limit: GAS_LIMIT,
            max_fee_per_gas: GAS_PRICE,
            max_priority_fee_per_gas: 1,
        };
        let input = Bytes::from(deposit_data(32 * GWEI).as_ssz_bytes());
        let deposit = setup.key.sign_eip1559_call(&request, input);
        // Nonce 5 where 1 is due: the block is invalid.
        let bad = setup.key.sign_eip1559(&TransferRequest {
            nonce: 5,
            gas_limit: 21_000,
            ..request
        });
        let txs: Vec<_> = [deposit, bad]
            .iter()
            .map(|bytes| ShardTransaction::decode(bytes, BASE_CHAIN_ID).unwrap())
            .collect();
        let sender = setup.key.address();
        let err =
            execute_transactions(&mut state, &txs, &[sender, sender], &context(0)).unwrap_err();
        assert!(matches!(
            err,
            ExecutionError::TransactionInvalid {
                index: 1,
                reason: TransferInvalid::NonceMismatch { .. }
            }
        ));
        assert_eq!(state, setup.state);
        assert_eq!(state.deposit_contract().deposit_count(), 0);
    }
}
