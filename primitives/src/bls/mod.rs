//! BLS12-381 signatures over `blst`: the min-pk, proof-of-possession ciphersuite of consensus spec
//! v0.12.3, with v1.0 `KeyValidate` (the point at infinity is not a valid public key).
//!
//! Containers carry [`PublicKeyBytes`](crate::types::PublicKeyBytes) and
//! [`SignatureBytes`](crate::types::SignatureBytes); the types here are decoded, checked points:
//! a [`PublicKey`] always passed `KeyValidate`, a [`Signature`] is on the curve and is
//! subgroup-checked each time it is verified. Many signatures are checked at once with
//! [`verify_signature_sets`]. Secret keys are derived by EIP-2333 along EIP-2334 paths and stored
//! in EIP-2335 [`keystore`]s.

mod aggregate;
mod error;
mod interop;
mod key_derivation;
pub mod keystore;
mod public_key;
mod secret_key;
mod signature;
mod signature_set;

pub use aggregate::{AggregatePublicKey, AggregateSignature};
pub use error::{BlsError, PointError};
pub use interop::{CURVE_ORDER, interop_secret_key};
pub use key_derivation::{
    DerivationPath, DerivationPathError, EIP2334_COIN_TYPE, EIP2334_PURPOSE, KeyKind,
    derive_child_sk, derive_master_sk,
};
pub use keystore::{Keystore, KeystoreError};
pub use public_key::PublicKey;
pub use secret_key::SecretKey;
pub use signature::Signature;
pub use signature_set::{SignatureSet, verify_signature_sets};

/// The ciphersuite's domain separation tag: hash to G2 with SSWU, proof-of-possession scheme.
pub const DST: &[u8] = b"BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_";
