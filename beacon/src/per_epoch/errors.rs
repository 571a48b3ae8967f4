//! Why an epoch processing step failed.

use crate::BeaconStateError;

/// A failure of a step of `process_epoch`.
///
/// The spec's epoch processing has no input from outside the state, so none of these is a
/// peer's fault: each means the state (or the configuration) does not allow the step, where the
/// spec would fail an `assert`, an out-of-range index or a `uint64` overflow. A step that fails
/// may leave the state partly updated; callers discard it, as the spec discards a state whose
/// transition raised.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EpochProcessingError {
    /// An accessor or a mutator failed.
    #[error(transparent)]
    State(#[from] BeaconStateError),
    /// A configuration value the step needs cannot be used (a zero divisor, a value too wide
    /// for the state's field).
    #[error("configuration value {name} = {value} cannot be used here")]
    BadConfig {
        /// The spec name of the value.
        name: &'static str,
        /// Its value.
        value: u64,
    },
}

impl From<primitives::math::MathError> for EpochProcessingError {
    fn from(error: primitives::math::MathError) -> Self {
        Self::State(error.into())
    }
}
