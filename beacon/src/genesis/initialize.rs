//! `initialize_beacon_state_from_eth1` and `is_valid_genesis_state` (phase 0 genesis), with the
//! phase 0 `process_deposit` the genesis state is built by.
//!
//! The block-processing [`process_deposit`](crate::per_block::process_deposit) works on the
//! phase 1 state (its validators carry custody fields); genesis builds the phase 0 state, so
//! the phase 0 form is here, sharing the Merkle check and the proof-of-possession signature
//! set with it.

use std::collections::HashMap;

use primitives::types::phase0::{BeaconBlockBody, BeaconState, Validator};
use primitives::types::{
    BeaconBlockHeader, Bytes32, DEPOSIT_CONTRACT_TREE_DEPTH, Deposit, Epoch, Eth1Data, Fork,
    PublicKeyBytes,
};
use primitives::{ChainConfig, EthSpec};
use ssz_types::FixedVector;
use tree_hash::TreeHash;

use super::{DepositTree, GenesisError};
use crate::accessors::is_valid_merkle_branch;
use crate::signatures::deposit_signature_set;
use crate::{BeaconStateError, FAR_FUTURE_EPOCH, GENESIS_EPOCH};

/// `initialize_beacon_state_from_eth1`: the candidate genesis state of an eth1 block, its
/// deposits processed in order (each against the deposit root of the deposits up to it) and
/// the validators with `MAX_EFFECTIVE_BALANCE` activated at `GENESIS_EPOCH`.
pub fn initialize_beacon_state_from_eth1<E: EthSpec>(
    eth1_block_hash: Bytes32,
    eth1_timestamp: u64,
    deposits: &[Deposit],
    config: &ChainConfig,
) -> Result<BeaconState<E>, GenesisError> {
    let genesis_time =
        eth1_timestamp
            .checked_add(config.genesis_delay)
            .ok_or(BeaconStateError::Overflow {
                what: "eth1_timestamp + GENESIS_DELAY",
            })?;
    let fork = Fork {
        previous_version: config.genesis_fork_version,
        current_version: config.genesis_fork_version,
        epoch: GENESIS_EPOCH,
    };
    let mut state = BeaconState::<E> {
        genesis_time,
        fork,
        eth1_data: Eth1Data {
            block_hash: eth1_block_hash,
            deposit_count: deposits.len() as u64,
            ..Eth1Data::default()
        },
        latest_block_header: BeaconBlockHeader {
            body_root: BeaconBlockBody::<E>::default().tree_hash_root(),
            ..BeaconBlockHeader::default()
        },
        randao_mixes: FixedVector::from_elem(eth1_block_hash),
        ..BeaconState::default()
    };

    let mut tree = DepositTree::default();
    let mut known = HashMap::with_capacity(deposits.len());
    for deposit in deposits {
        tree.push(deposit.data.tree_hash_root())?;
        state.eth1_data.deposit_root = tree.root();
        process_deposit(&mut state, deposit, &mut known, config)?;
    }

    for (validator, balance) in state.validators.iter_mut().zip(state.balances.iter()) {
        let remainder = balance
            .checked_rem(config.effective_balance_increment)
            .ok_or(BeaconStateError::Overflow {
                what: "balance % EFFECTIVE_BALANCE_INCREMENT",
            })?;
        validator.effective_balance = balance
            .saturating_sub(remainder)
            .min(config.max_effective_balance);
        if validator.effective_balance == config.max_effective_balance {
            validator.activation_eligibility_epoch = GENESIS_EPOCH;
            validator.activation_epoch = GENESIS_EPOCH;
        }
    }

    state.genesis_validators_root = state.validators.tree_hash_root();
    Ok(state)
}

/// `is_valid_genesis_state`: genesis is not before `MIN_GENESIS_TIME` and has at least
/// `MIN_GENESIS_ACTIVE_VALIDATOR_COUNT` validators active at `GENESIS_EPOCH`.
pub fn is_valid_genesis_state<E: EthSpec>(state: &BeaconState<E>, config: &ChainConfig) -> bool {
    if state.genesis_time < config.min_genesis_time {
        return false;
    }
    let active = state
        .validators
        .iter()
        .filter(|v| is_active_validator(v, GENESIS_EPOCH))
        .count() as u64;
    active >= config.min_genesis_active_validator_count
}

/// `is_active_validator` of a phase 0 validator.
fn is_active_validator(validator: &Validator, epoch: Epoch) -> bool {
    validator.activation_epoch <= epoch && epoch < validator.exit_epoch
}

/// `process_deposit` (phase 0) for genesis: `known` maps the registry's public keys to their
/// indices, so a genesis of many deposits does not scan the registry for each.
fn process_deposit<E: EthSpec>(
    state: &mut BeaconState<E>,
    deposit: &Deposit,
    known: &mut HashMap<PublicKeyBytes, usize>,
    config: &ChainConfig,
) -> Result<(), GenesisError> {
    let index = state.eth1_deposit_index;
    if !is_valid_merkle_branch(
        &deposit.data.tree_hash_root(),
        &deposit.proof,
        DEPOSIT_CONTRACT_TREE_DEPTH.saturating_add(1),
        index,
        &state.eth1_data.deposit_root,
    ) {
        return Err(GenesisError::BadDepositProof { index });
    }
    state.eth1_deposit_index = index.checked_add(1).ok_or(BeaconStateError::Overflow {
        what: "eth1_deposit_index + 1",
    })?;

    let data = &deposit.data;
    if let Some(&position) = known.get(&data.pubkey) {
        let balance = state
            .balances
            .get_mut(position)
            .ok_or(BeaconStateError::MissingEntry {
                what: "balances",
                index: position as u64,
            })?;
        *balance = balance
            .checked_add(data.amount)
            .ok_or(BeaconStateError::Overflow {
                what: "balance + deposit amount",
            })?;
        return Ok(());
    }
    // An invalid proof of possession skips the deposit; it does not fail genesis.
    if !deposit_signature_set(data, config).is_ok_and(|set| set.verify()) {
        return Ok(());
    }
    let remainder = data
        .amount
        .checked_rem(config.effective_balance_increment)
        .ok_or(BeaconStateError::Overflow {
            what: "amount % EFFECTIVE_BALANCE_INCREMENT",
        })?;
    // `get_validator_from_deposit` (phase 0).
    let validator = Validator {
        pubkey: data.pubkey,
        withdrawal_credentials: data.withdrawal_credentials,
        effective_balance: data
            .amount
            .saturating_sub(remainder)
            .min(config.max_effective_balance),
        slashed: false,
        activation_eligibility_epoch: FAR_FUTURE_EPOCH,
        activation_epoch: FAR_FUTURE_EPOCH,
        exit_epoch: FAR_FUTURE_EPOCH,
        withdrawable_epoch: FAR_FUTURE_EPOCH,
    };
    let position = state.validators.len();
    state
        .validators
        .push(validator)
        .map_err(|_| BeaconStateError::ListFull { what: "validators" })?;
    state
        .balances
        .push(data.amount)
        .map_err(|_| BeaconStateError::ListFull { what: "balances" })?;
    known.insert(data.pubkey, position);
    Ok(())
}
