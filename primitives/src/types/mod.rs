//! The containers of consensus spec v0.12.3, phase 0 and phase 1, one per file.

mod basic;
mod bls_bytes;

pub use basic::*;
pub use bls_bytes::{PublicKeyBytes, SignatureBytes};
