//! The interop genesis: validators with deterministic keys (`interop_secret_key(i)`), each
//! deposited with `MAX_EFFECTIVE_BALANCE` and a valid proof of possession, built by
//! [`initialize_beacon_state_from_eth1`] and upgraded to phase 1 at slot 0, keeping the phase 0
//! `genesis_validators_root` (which v0.12.3's `upgrade_to_phase1` leaves zero). Every node of a
//! test network given the same count, time and configuration builds the same state.

use ethereum_hashing::hash_fixed;
use primitives::bls::interop_secret_key;
use primitives::signing::{compute_domain, compute_signing_root};
use primitives::types::{BeaconState, Bytes32, Deposit, DepositData, DepositMessage, Gwei, Root};
use primitives::{ChainConfig, EthSpec};
use tree_hash::TreeHash;

use super::{DepositTree, GenesisError, initialize_beacon_state_from_eth1, upgrade_to_phase1};

/// The eth1 block hash of an interop genesis (the value interop clients agree on).
pub const INTEROP_ETH1_BLOCK_HASH: Bytes32 = Bytes32::repeat_byte(0x42);

/// The deposit of interop validator `index`: its key's public key, withdrawal credentials
/// `BLS_WITHDRAWAL_PREFIX + sha256(pubkey)[1:]`, `amount`, and a proof of possession signed
/// over the `DepositMessage` with the genesis deposit domain.
pub fn interop_deposit_data(
    index: u64,
    amount: Gwei,
    config: &ChainConfig,
) -> Result<DepositData, GenesisError> {
    let secret_key =
        interop_secret_key(index).map_err(|source| GenesisError::InteropKey { index, source })?;
    let pubkey = secret_key.public_key().to_bytes();
    let mut withdrawal_credentials = hash_fixed(&pubkey.0);
    if let Some(first) = withdrawal_credentials.first_mut() {
        *first = config.bls_withdrawal_prefix;
    }
    let message = DepositMessage {
        pubkey,
        withdrawal_credentials: Bytes32::from(withdrawal_credentials),
        amount,
    };
    let domain = compute_domain(
        config.domain_deposit,
        config.genesis_fork_version,
        Root::ZERO,
    );
    let signature = secret_key
        .sign(compute_signing_root(&message, domain))
        .to_bytes();
    Ok(DepositData {
        pubkey: message.pubkey,
        withdrawal_credentials: message.withdrawal_credentials,
        amount: message.amount,
        signature,
    })
}

/// The deposits of interop validators `0..validator_count`, each of `MAX_EFFECTIVE_BALANCE`,
/// with the proofs genesis checks them by (each against the deposits up to it).
pub fn interop_deposits(
    validator_count: u64,
    config: &ChainConfig,
) -> Result<Vec<Deposit>, GenesisError> {
    let mut tree = DepositTree::default();
    (0..validator_count)
        .map(|index| {
            let data = interop_deposit_data(index, config.max_effective_balance, config)?;
            let proof = tree.push(data.tree_hash_root())?;
            Ok(Deposit { proof, data })
        })
        .collect()
}

/// The interop genesis state: `validator_count` interop validators all active at genesis,
/// `genesis_time` as given, upgraded to phase 1 at slot 0.
///
/// The eth1 timestamp is `genesis_time - GENESIS_DELAY`, so the state is
/// `upgrade_to_phase1(initialize_beacon_state_from_eth1(INTEROP_ETH1_BLOCK_HASH, that, deposits))`
/// with the phase 0 state's `genesis_validators_root` carried over (as the later spec's fork
/// upgrades do): it is in every signing domain but the deposit's, so that a message signed on
/// one network is not valid on another of the same fork version but other validators. A
/// `genesis_time` earlier than `GENESIS_DELAY` is set after the fact.
pub fn interop_genesis_state<E: EthSpec>(
    validator_count: u64,
    genesis_time: u64,
    config: &ChainConfig,
) -> Result<BeaconState<E>, GenesisError> {
    interop_genesis_with_deposits(validator_count, genesis_time, config).map(|(state, _)| state)
}

/// [`interop_genesis_state`] together with the deposits it is made of, in order: what a deposit
/// contract must hold for its root and count to equal the genesis `eth1_data`.
pub fn interop_genesis_with_deposits<E: EthSpec>(
    validator_count: u64,
    genesis_time: u64,
    config: &ChainConfig,
) -> Result<(BeaconState<E>, Vec<Deposit>), GenesisError> {
    let deposits = interop_deposits(validator_count, config)?;
    let eth1_timestamp = genesis_time.saturating_sub(config.genesis_delay);
    let mut phase0 = initialize_beacon_state_from_eth1::<E>(
        INTEROP_ETH1_BLOCK_HASH,
        eth1_timestamp,
        &deposits,
        config,
    )?;
    phase0.genesis_time = genesis_time;
    let mut state = upgrade_to_phase1(&phase0, config)?;
    state.genesis_validators_root = phase0.genesis_validators_root;
    Ok((state, deposits))
}
