//! The standard Beacon API (`ethereum/beacon-APIs` v1) pieces that do not need a running chain:
//! path identifiers, validator statuses and the error body.

mod error;
mod ids;
mod validator_status;

pub use error::ApiError;
pub use ids::{BlockId, StateId, ValidatorId};
pub use validator_status::ValidatorStatus;
