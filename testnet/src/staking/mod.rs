//! Staking from outside a node: validator keys from a mnemonic (EIP-2333/2334), their deposit
//! data with its proof of possession, signed voluntary exits, and the activation queue's
//! estimate of when a deposited validator becomes active.
//!
//! Domains are computed from values read from the network (its genesis fork version, its
//! current fork and genesis validators root), never assumed, so the same keys and code serve
//! any network.

mod deposit;
mod error;
mod exit;
mod keys;
mod queue;

pub use deposit::{deposit_data, deposit_domain, withdrawal_credentials};
pub use error::StakingError;
pub use exit::{sign_voluntary_exit, voluntary_exit_domain};
pub use keys::{ValidatorKeys, derive_validator_keys, mnemonic_seed, new_mnemonic};
pub use queue::{ChurnParams, Stage, activation_eta_epochs, churn_limit};

/// The amount of a full deposit, in Gwei: 32 ETH, the spec's `MAX_EFFECTIVE_BALANCE`.
pub const FULL_DEPOSIT_GWEI: u64 = 32_000_000_000;
