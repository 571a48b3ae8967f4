//! Why keys, deposits or exits cannot be made.

use primitives::bls::{BlsError, KeystoreError};

/// Why keys, deposits or exits cannot be made.
#[derive(Debug, thiserror::Error)]
pub enum StakingError {
    /// The phrase is not a BIP-39 English mnemonic.
    #[error("invalid mnemonic: {0}")]
    InvalidMnemonic(String),
    /// The operating system's random source failed.
    #[error("no randomness: {0}")]
    Randomness(String),
    /// A key could not be derived or used.
    #[error("key derivation: {0}")]
    Key(#[from] BlsError),
    /// A keystore could not be written or opened.
    #[error("keystore: {0}")]
    Keystore(#[from] KeystoreError),
    /// The account indexes run past `u32::MAX`.
    #[error("validator accounts {first}..{first}+{count} exceed the EIP-2334 index range")]
    IndexRange {
        /// The first account.
        first: u32,
        /// How many were asked for.
        count: u32,
    },
}

impl StakingError {
    /// A mnemonic or keystore the user supplied is bad; the rest are local faults.
    pub fn is_bad_data(&self) -> bool {
        matches!(self, Self::InvalidMnemonic(_) | Self::Keystore(_))
    }
}
