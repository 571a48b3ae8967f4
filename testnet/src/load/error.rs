//! Why a load run cannot start or finish.

use crate::client::ClientError;

/// Why a load run cannot start or finish.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The plan is inconsistent (no shard, no account, a share outside `[0, 1]`, ...).
    #[error("invalid load plan: {0}")]
    Plan(String),
    /// The sending accounts cannot be derived.
    #[error("sending accounts: {0}")]
    Accounts(#[from] shard::GenesisAllocError),
    /// A node did not answer a request the run needs.
    #[error(transparent)]
    Client(#[from] ClientError),
}

impl LoadError {
    /// A node answered with something it should not have.
    pub fn is_bad_data(&self) -> bool {
        matches!(self, Self::Client(error) if error.is_bad_data())
    }
}
