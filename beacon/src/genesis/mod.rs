//! Genesis: the phase 0 genesis state from eth1 deposits, its validity, the upgrade to phase 1,
//! and the deterministic interop genesis that test networks start from.
//!
//! Phase 1 runs from genesis here, as in the spec's vectors: a phase 1 genesis state is the
//! phase 0 one ([`initialize_beacon_state_from_eth1`]) upgraded at slot 0 ([`upgrade_to_phase1`]).

mod initialize;
mod interop;
#[cfg(test)]
mod tests;
mod upgrade;

pub use initialize::{initialize_beacon_state_from_eth1, is_valid_genesis_state};
pub use interop::{
    INTEROP_ETH1_BLOCK_HASH, interop_deposit_data, interop_deposits, interop_genesis_state,
    interop_genesis_with_deposits,
};
pub use primitives::deposit_tree::DepositTree;
pub use upgrade::upgrade_to_phase1;

use primitives::bls::BlsError;

use crate::BeaconStateError;

/// Why a genesis state could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GenesisError {
    /// A deposit's Merkle proof does not lead to the deposit root of the deposits up to it
    /// (the spec's `process_deposit` asserts this).
    #[error("deposit {index}: its Merkle proof does not lead to the deposit root")]
    BadDepositProof {
        /// The deposit's index.
        index: u64,
    },
    /// The deposit contract's tree holds `2**DEPOSIT_CONTRACT_TREE_DEPTH` deposits at most.
    #[error("the deposit tree is full")]
    DepositTreeFull,
    /// An interop key could not be made or used.
    #[error("interop validator {index}: {source}")]
    InteropKey {
        /// The validator's index.
        index: u64,
        /// What the BLS library said.
        source: BlsError,
    },
    /// A configuration value does not fit the type the state keeps it in.
    #[error("{what} does not fit its state field")]
    ConfigOutOfRange {
        /// The configuration value.
        what: &'static str,
    },
    /// An accessor failed on the state being built.
    #[error(transparent)]
    State(#[from] BeaconStateError),
}

impl From<primitives::deposit_tree::DepositTreeFull> for GenesisError {
    fn from(_: primitives::deposit_tree::DepositTreeFull) -> Self {
        Self::DepositTreeFull
    }
}
