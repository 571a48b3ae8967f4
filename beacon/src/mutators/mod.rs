//! The spec's beacon state mutators.
//!
//! Each mutator computes every value it will write before writing any: on error the state is
//! as it was.

mod balances;
mod initiate_validator_exit;
mod slash_validator;

pub(crate) use balances::StagedBalances;
pub use balances::{decrease_balance, increase_balance};
pub use initiate_validator_exit::initiate_validator_exit;
pub use slash_validator::slash_validator;
