//! Why BLS input was refused: typed errors for malformed keys, signatures and seeds.
//!
//! A signature that is well formed but does not verify is not an error: the verification
//! functions answer `false`, as the spec's do.

use blst::BLST_ERROR;

use super::key_derivation::DerivationPathError;

/// Why bytes do not decode to an acceptable curve point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PointError {
    /// The compression flags or the coordinate are malformed.
    #[error("bad encoding")]
    BadEncoding,
    /// The coordinate is not that of a point on the curve.
    #[error("not on the curve")]
    NotOnCurve,
    /// The point is not in the prime-order subgroup.
    #[error("not in the subgroup")]
    NotInGroup,
    /// The point at infinity, which `KeyValidate` refuses as a public key.
    #[error("the point at infinity")]
    Infinity,
    /// Any other `blst` status, kept for the message.
    #[error("blst error {0:?}")]
    Other(BLST_ERROR),
}

impl From<BLST_ERROR> for PointError {
    fn from(e: BLST_ERROR) -> Self {
        match e {
            BLST_ERROR::BLST_BAD_ENCODING => Self::BadEncoding,
            BLST_ERROR::BLST_POINT_NOT_ON_CURVE => Self::NotOnCurve,
            BLST_ERROR::BLST_POINT_NOT_IN_GROUP => Self::NotInGroup,
            BLST_ERROR::BLST_PK_IS_INFINITY => Self::Infinity,
            other => Self::Other(other),
        }
    }
}

/// Errors of the BLS module.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BlsError {
    /// Public key bytes fail `KeyValidate`.
    #[error("invalid public key: {0}")]
    InvalidPublicKey(PointError),
    /// Signature bytes do not decode to a point of G2.
    #[error("invalid signature: {0}")]
    InvalidSignature(PointError),
    /// A secret key is zero or not below the group order `r`.
    #[error("secret key is zero or not below the group order")]
    InvalidSecretKey,
    /// A secret key given as a slice of the wrong length.
    #[error("secret key must be 32 bytes, got {len}")]
    SecretKeyLength {
        /// The length given.
        len: usize,
    },
    /// `Aggregate` of nothing, which the spec leaves undefined.
    #[error("cannot aggregate an empty list")]
    EmptyAggregate,
    /// EIP-2333 key material shorter than the 32 bytes it requires.
    #[error("seed must be at least 32 bytes, got {len}")]
    SeedTooShort {
        /// The length given.
        len: usize,
    },
    /// A malformed EIP-2334 derivation path.
    #[error("derivation path: {0}")]
    Path(#[from] DerivationPathError),
    /// The operating system's random source failed.
    #[error("random source failed: {0}")]
    Randomness(String),
}

impl BlsError {
    /// Whether the error comes from data a peer sent (bad bytes), not from this node.
    pub fn is_bad_data(&self) -> bool {
        matches!(
            self,
            Self::InvalidPublicKey(_) | Self::InvalidSignature(_) | Self::EmptyAggregate
        )
    }
}
