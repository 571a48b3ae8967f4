//! `SecretKey`: a scalar in `[1, r)`, wiped from memory when dropped and never printed.

use std::fmt;

use blst::min_pk;
use zeroize::Zeroizing;

use super::{BlsError, DST, PublicKey, Signature};
use crate::types::Hash256;

/// A BLS secret key. `blst`'s key zeroizes its scalar on drop; this wrapper adds no copy of it.
///
/// Deliberately neither `Clone` nor a `Debug` that shows the scalar.
pub struct SecretKey(min_pk::SecretKey);

impl SecretKey {
    /// The length of a serialized key.
    pub const LEN: usize = 32;

    /// From 32 big-endian bytes; zero and values `>= r` are refused.
    pub fn from_bytes(bytes: &[u8; 32]) -> Result<Self, BlsError> {
        min_pk::SecretKey::from_bytes(bytes)
            .map(Self)
            .map_err(|_| BlsError::InvalidSecretKey)
    }

    /// From a slice that must be 32 big-endian bytes.
    pub fn from_slice(bytes: &[u8]) -> Result<Self, BlsError> {
        let array = Zeroizing::new(
            <[u8; 32]>::try_from(bytes)
                .map_err(|_| BlsError::SecretKeyLength { len: bytes.len() })?,
        );
        Self::from_bytes(&array)
    }

    /// The 32 big-endian bytes, in a buffer wiped on drop.
    pub fn serialize(&self) -> Zeroizing<[u8; 32]> {
        Zeroizing::new(self.0.to_bytes())
    }

    /// A fresh key from 32 bytes of the operating system's randomness (`KeyGen` of the IETF
    /// draft).
    pub fn random() -> Result<Self, BlsError> {
        let mut ikm = Zeroizing::new([0u8; 32]);
        getrandom::fill(ikm.as_mut()).map_err(|e| BlsError::Randomness(e.to_string()))?;
        Self::key_gen(ikm.as_ref())
    }

    /// `KeyGen(IKM)` of the IETF BLS draft; `ikm` must hold at least 32 bytes.
    pub fn key_gen(ikm: &[u8]) -> Result<Self, BlsError> {
        min_pk::SecretKey::key_gen(ikm, &[])
            .map(Self)
            .map_err(|_| BlsError::SeedTooShort { len: ikm.len() })
    }

    /// `SkToPk`.
    pub fn public_key(&self) -> PublicKey {
        PublicKey::from_validated(self.0.sk_to_pk())
    }

    /// `Sign(SK, message)` of the proof-of-possession scheme.
    pub fn sign(&self, message: Hash256) -> Signature {
        Signature::from_point(self.0.sign(message.as_slice(), DST, &[]))
    }

    pub(super) fn from_blst(inner: min_pk::SecretKey) -> Self {
        Self(inner)
    }

    pub(super) fn as_blst(&self) -> &min_pk::SecretKey {
        &self.0
    }
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretKey(<hidden>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bls::CURVE_ORDER;

    #[test]
    fn zero_and_values_from_r_up_are_refused() {
        assert_eq!(
            SecretKey::from_bytes(&[0; 32]).unwrap_err(),
            BlsError::InvalidSecretKey
        );
        let r = CURVE_ORDER.to_be_bytes::<32>();
        assert_eq!(
            SecretKey::from_bytes(&r).unwrap_err(),
            BlsError::InvalidSecretKey
        );
        assert!(SecretKey::from_bytes(&[0xff; 32]).is_err());
        let r_minus_one = (CURVE_ORDER - alloy_primitives::U256::from(1)).to_be_bytes::<32>();
        let sk = SecretKey::from_bytes(&r_minus_one).unwrap();
        assert_eq!(*sk.serialize(), r_minus_one);
        assert_eq!(
            SecretKey::from_slice(&[1; 31]).unwrap_err(),
            BlsError::SecretKeyLength { len: 31 }
        );
    }

    #[test]
    fn debug_hides_the_scalar() {
        let mut bytes = [0u8; 32];
        bytes[31] = 0x2a;
        let sk = SecretKey::from_bytes(&bytes).unwrap();
        assert_eq!(format!("{sk:?}"), "SecretKey(<hidden>)");
    }

    #[test]
    fn random_keys_differ() {
        let a = SecretKey::random().unwrap();
        let b = SecretKey::random().unwrap();
        assert_ne!(*a.serialize(), *b.serialize());
        assert!(SecretKey::key_gen(&[7; 31]).is_err());
    }
}
