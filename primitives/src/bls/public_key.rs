//! `PublicKey`: a G1 point that passed v1.0 `KeyValidate`.

use std::fmt;

use blst::min_pk;

use super::{BlsError, PointError};
use crate::types::PublicKeyBytes;

/// A BLS public key: decompressed, in the subgroup and not the point at infinity.
///
/// Every value of this type passed `KeyValidate`, so verification never checks keys again.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct PublicKey(min_pk::PublicKey);

impl PublicKey {
    /// Decompresses and runs `KeyValidate`: the point must be on the curve, in the subgroup and
    /// not the point at infinity (consensus spec v1.0 semantics).
    pub fn from_bytes(bytes: &PublicKeyBytes) -> Result<Self, BlsError> {
        let point = min_pk::PublicKey::uncompress(bytes.as_bytes())
            .map_err(|e| BlsError::InvalidPublicKey(PointError::from(e)))?;
        point
            .validate()
            .map_err(|e| BlsError::InvalidPublicKey(PointError::from(e)))?;
        Ok(Self(point))
    }

    /// The compressed form.
    pub fn to_bytes(&self) -> PublicKeyBytes {
        PublicKeyBytes(self.0.compress())
    }

    /// Wraps a point known to be valid: derived from a secret key, or checked already.
    pub(super) fn from_validated(point: min_pk::PublicKey) -> Self {
        Self(point)
    }

    pub(super) fn as_blst(&self) -> &min_pk::PublicKey {
        &self.0
    }
}

impl TryFrom<&PublicKeyBytes> for PublicKey {
    type Error = BlsError;

    fn try_from(bytes: &PublicKeyBytes) -> Result<Self, BlsError> {
        Self::from_bytes(bytes)
    }
}

impl From<&PublicKey> for PublicKeyBytes {
    fn from(key: &PublicKey) -> Self {
        key.to_bytes()
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({})", self.to_bytes())
    }
}

impl fmt::Display for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.to_bytes(), f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bls::interop_secret_key;

    #[test]
    fn round_trips_through_bytes() {
        let pk = interop_secret_key(3).unwrap().public_key();
        let bytes = pk.to_bytes();
        assert_eq!(PublicKey::from_bytes(&bytes).unwrap(), pk);
        assert_eq!(PublicKeyBytes::from(&pk), bytes);
    }

    #[test]
    fn infinity_is_refused() {
        let mut raw = [0u8; 48];
        raw[0] = 0xc0;
        assert_eq!(
            PublicKey::from_bytes(&PublicKeyBytes(raw)).unwrap_err(),
            BlsError::InvalidPublicKey(PointError::Infinity)
        );
    }

    #[test]
    fn malformed_bytes_are_typed_errors() {
        // No compression flag.
        assert_eq!(
            PublicKey::from_bytes(&PublicKeyBytes([0; 48])).unwrap_err(),
            BlsError::InvalidPublicKey(PointError::BadEncoding)
        );
        // Compressed, but x = 2^381 - 1 > p is no field element.
        let mut raw = [0xff; 48];
        raw[0] = 0x9f;
        let err = PublicKey::from_bytes(&PublicKeyBytes(raw)).unwrap_err();
        assert!(matches!(err, BlsError::InvalidPublicKey(_)), "{err:?}");
        assert!(err.is_bad_data());
        // x = 1 is a field element, but 1 + 4 = 5 is no square mod p.
        let mut raw = [0u8; 48];
        raw[0] = 0x80;
        raw[47] = 1;
        assert_eq!(
            PublicKey::from_bytes(&PublicKeyBytes(raw)).unwrap_err(),
            BlsError::InvalidPublicKey(PointError::NotOnCurve)
        );
        // x = 4 is on the curve (4^3 + 4 = 68 is a square mod p) but, like almost every curve
        // point, outside the order-r subgroup.
        raw[47] = 4;
        assert_eq!(
            PublicKey::from_bytes(&PublicKeyBytes(raw)).unwrap_err(),
            BlsError::InvalidPublicKey(PointError::NotInGroup)
        );
    }
}
