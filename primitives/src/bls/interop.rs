//! Deterministic testnet keys ("interop" keys): every client derives validator `i`'s key the
//! same way, so a genesis state built by one client can be run by another.

use alloy_primitives::U256;
use sha2::{Digest, Sha256};

use super::{BlsError, SecretKey};

/// `r`, the order of the BLS12-381 subgroups and so of the secret-key scalar field.
pub const CURVE_ORDER: U256 = U256::from_be_bytes([
    0x73, 0xed, 0xa7, 0x53, 0x29, 0x9d, 0x7d, 0x48, 0x33, 0x39, 0xd8, 0x08, 0x09, 0xa1, 0xd8, 0x05,
    0x53, 0xbd, 0xa4, 0x02, 0xff, 0xfe, 0x5b, 0xfe, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x01,
]);

/// The interop secret key of validator `index`:
/// `int.from_bytes(sha256(index.to_bytes(32, 'little')), 'little') % r`.
///
/// Fails only if the reduction gives zero, which no index is known to do.
pub fn interop_secret_key(index: u64) -> Result<SecretKey, BlsError> {
    let mut preimage = [0u8; 32];
    let (low, _) = preimage.split_at_mut(8);
    low.copy_from_slice(&index.to_le_bytes());
    let digest: [u8; 32] = Sha256::digest(preimage).into();
    let scalar = U256::from_le_bytes(digest)
        .checked_rem(CURVE_ORDER)
        .ok_or(BlsError::InvalidSecretKey)?;
    SecretKey::from_bytes(&scalar.to_be_bytes::<32>())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::PublicKeyBytes;

    #[test]
    fn curve_order_is_r() {
        let r: U256 =
            "52435875175126190479447740508185965837690552500527637822603658699938581184513"
                .parse()
                .unwrap();
        assert_eq!(CURVE_ORDER, r);
    }

    #[test]
    fn validator_zero_has_the_known_public_key() {
        let expected: PublicKeyBytes = "0xa99a76ed7796f7be22d5b7e85deeb7c5677e88e511e0b337618f8c4eb61349b4bf2d153f649f7b53359fe8b94a38e44c"
            .parse()
            .unwrap();
        assert_eq!(
            interop_secret_key(0).unwrap().public_key().to_bytes(),
            expected
        );
    }

    #[test]
    fn keys_differ_by_index() {
        let a = interop_secret_key(1).unwrap().public_key();
        let b = interop_secret_key(2).unwrap().public_key();
        assert_ne!(a, b);
        assert_eq!(a, interop_secret_key(1).unwrap().public_key());
    }
}
