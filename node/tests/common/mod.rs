//! What the whole-node tests share: a minimal-preset chain of 64 interop validators on two
//! shards with funded genesis accounts, and a node driven slot phase by slot phase through a
//! manual clock.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use alloy_primitives::U256;
use beacon::genesis::interop_genesis_state;
use node::clock::ManualClock;
use node::{Node, NodeHandle, NodeInputs, Phase};
use primitives::bls::interop_secret_key;
use primitives::types::{BeaconState, Bytes32};
use primitives::{ChainConfig, MinimalEthSpec, PresetName};
use shard::{ExecutionState, GenesisAllocation, genesis_accounts};
use storage::Store;
use storage::slashing_protection::SlashingDatabase;

/// The preset of the tests.
pub type E = MinimalEthSpec;

/// Interop validators.
pub const VALIDATORS: u64 = 64;
/// The genesis accounts' mnemonic.
pub const MNEMONIC: &str = "test test test test test test test test test test test junk";
/// Genesis accounts per shard.
pub const ACCOUNTS_PER_SHARD: usize = 4;
/// The genesis time.
pub const GENESIS_TIME: u64 = 1_700_000_000;

/// The chain configuration: the minimal preset with two active shards (its own numbers of
/// committees and committee size, as the honest-chain test uses them) and short slots.
pub fn config() -> ChainConfig {
    ChainConfig::preset(PresetName::Minimal)
        .with_overrides_yaml("INITIAL_ACTIVE_SHARDS: 2\nSECONDS_PER_SLOT: 0.6\n")
        .expect("valid overrides")
}

/// Everything a node starts from, but the store.
pub struct Genesis {
    pub config: ChainConfig,
    pub state: BeaconState<E>,
    pub accounts: GenesisAllocation,
    pub shard_genesis: BTreeMap<u64, ExecutionState>,
}

/// The genesis of the tests' chain.
pub fn genesis() -> Genesis {
    let config = config();
    let state = interop_genesis_state::<E>(VALIDATORS, GENESIS_TIME, &config).expect("genesis");
    let shards = config.initial_active_shards;
    let balance = U256::from(1_000u64) * U256::from(10u64).pow(U256::from(18u64));
    let accounts =
        genesis_accounts(MNEMONIC, ACCOUNTS_PER_SHARD, balance, shards).expect("accounts");
    let shard_genesis = (0..shards)
        .map(|shard| {
            let state = accounts.account_state(shard).expect("account state");
            (shard, ExecutionState::new(state))
        })
        .collect();
    Genesis {
        config,
        state,
        accounts,
        shard_genesis,
    }
}

/// Starts a node on `store` with every validator, at the clock's time.
pub fn start<S: Store + 'static>(
    genesis: &Genesis,
    store: S,
    slashing_protection: SlashingDatabase,
    clock: &ManualClock,
) -> Node<E, S> {
    let keys = (0..VALIDATORS)
        .map(|i| interop_secret_key(i).expect("interop key"))
        .collect();
    Node::start(NodeInputs {
        config: genesis.config.clone(),
        genesis_state: genesis.state.clone(),
        shard_genesis: genesis.shard_genesis.clone(),
        keys,
        store,
        slashing_protection,
        clock: Arc::new(clock.clone()),
        mempool_capacity: 10_000,
        graffiti: Bytes32::ZERO,
    })
    .expect("node starts")
}

/// When `phase` of `slot` starts.
pub fn phase_time(config: &ChainConfig, slot: u64, phase: Phase) -> Duration {
    let slot_ms = config.seconds_per_slot.as_millis();
    let offset = match phase {
        Phase::Propose => 0,
        Phase::ProposeShards => slot_ms / 3 / 2,
        Phase::Attest => slot_ms / 3,
        Phase::Aggregate => 2 * (slot_ms / 3),
    };
    Duration::from_millis(GENESIS_TIME * 1000 + slot * slot_ms + offset)
}

/// Moves the clock through the three phases of `slot`, waiting for the node to do each.
pub async fn run_slot<S: Store + 'static>(
    handle: &NodeHandle<E, S>,
    clock: &ManualClock,
    slot: u64,
) {
    for phase in [
        Phase::Propose,
        Phase::ProposeShards,
        Phase::Attest,
        Phase::Aggregate,
    ] {
        clock.set(phase_time(handle.config(), slot, phase));
        tokio::time::timeout(Duration::from_secs(60), handle.wait_for(slot, phase))
            .await
            .unwrap_or_else(|_| panic!("slot {slot} {phase:?} not done in time"));
    }
}
