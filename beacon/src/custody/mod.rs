//! The custody game (`specs/phase1/custody-game.md`): its helpers, from custody periods to the
//! custody bit, and its block operations, one file each.
//!
//! The operations follow [`crate::per_block`]'s conventions: every check (signatures included,
//! as the [`VerifySignatures`](crate::signatures::VerifySignatures) says) runs before the first
//! write, and an operation that fails leaves the state as it was. The epoch steps are in
//! [`crate::per_epoch`].

mod chunk_challenge;
mod chunk_challenge_response;
mod custody_bit;
mod custody_key_reveal;
mod custody_slashing;
mod early_derived_secret_reveal;
mod errors;
mod operations;
mod periods;

pub use crate::accessors::get_custody_period_for_validator;
pub use chunk_challenge::process_chunk_challenge;
pub use chunk_challenge_response::process_chunk_challenge_response;
pub use custody_bit::{
    compute_custody_bit, get_custody_atoms, get_custody_secrets, legendre_bit,
    universal_hash_function,
};
pub use custody_key_reveal::process_custody_key_reveal;
pub use custody_slashing::process_custody_slashing;
pub use early_derived_secret_reveal::process_early_derived_secret_reveal;
pub use errors::{
    ChunkChallengeInvalid, ChunkResponseInvalid, CustodyError, CustodyKeyRevealInvalid,
    CustodyOperationError, CustodySlashingInvalid, EarlyRevealInvalid,
};
pub use operations::process_custody_game_operations;
pub use periods::{get_randao_epoch_for_custody_period, replace_empty_or_append};
