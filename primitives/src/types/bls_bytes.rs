//! `BLSPubkey` and `BLSSignature` as they travel: compressed bytes, not yet checked to be points.
//!
//! Containers hold these; [`crate::bls`] turns them into curve points when a signature is
//! verified, so decoding a block never pays for point decompression it may not need.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use ssz_derive::{Decode, Encode};
use tree_hash::{PackedEncoding, TreeHash, TreeHashType};

macro_rules! fixed_bytes {
    ($(#[$doc:meta])* $name:ident, $len:expr) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, Encode, Decode)]
        #[ssz(struct_behaviour = "transparent")]
        pub struct $name(pub [u8; $len]);

        impl TreeHash for $name {
            fn tree_hash_type() -> TreeHashType {
                TreeHashType::Vector
            }
            fn tree_hash_packed_encoding(&self) -> PackedEncoding {
                self.0.tree_hash_packed_encoding()
            }
            fn tree_hash_packing_factor() -> usize {
                <[u8; $len]>::tree_hash_packing_factor()
            }
            fn tree_hash_root(&self) -> tree_hash::Hash256 {
                self.0.tree_hash_root()
            }
        }

        impl $name {
            /// The length in bytes.
            pub const LEN: usize = $len;

            /// The bytes.
            pub fn as_bytes(&self) -> &[u8; $len] {
                &self.0
            }

            /// From a slice of exactly [`Self::LEN`] bytes.
            pub fn from_slice(bytes: &[u8]) -> Option<Self> {
                <[u8; $len]>::try_from(bytes).ok().map(Self)
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self([0; $len])
            }
        }

        impl From<[u8; $len]> for $name {
            fn from(bytes: [u8; $len]) -> Self {
                Self(bytes)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "0x{}", hex::encode(self.0))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "0x{}", hex::encode(self.0))
            }
        }

        impl std::str::FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let digits = s.strip_prefix("0x").ok_or_else(|| format!("missing 0x prefix: {s}"))?;
                let mut out = [0u8; $len];
                hex::decode_to_slice(digits, &mut out)
                    .map_err(|e| format!("expected {} hex bytes: {e}", $len))?;
                Ok(Self(out))
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.to_string())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = String::deserialize(d)?;
                text.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

fixed_bytes!(
    /// `BLSPubkey`: a compressed G1 point (48 bytes).
    PublicKeyBytes,
    48
);
fixed_bytes!(
    /// `BLSSignature`: a compressed G2 point (96 bytes).
    SignatureBytes,
    96
);

impl SignatureBytes {
    /// The compressed point at infinity (`G2_POINT_AT_INFINITY`), the spec's empty signature.
    pub fn infinity() -> Self {
        let mut bytes = [0u8; 96];
        bytes[0] = 0xc0;
        Self(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ssz::{Decode, Encode};

    #[test]
    fn ssz_and_json_round_trip() {
        let mut raw = [0u8; 48];
        raw[0] = 0xab;
        raw[47] = 0x01;
        let pk = PublicKeyBytes(raw);
        assert_eq!(pk.as_ssz_bytes(), raw.to_vec());
        assert_eq!(PublicKeyBytes::from_ssz_bytes(&raw).unwrap(), pk);
        assert!(PublicKeyBytes::from_ssz_bytes(&raw[..47]).is_err());
        let json = serde_json::to_string(&pk).unwrap();
        assert_eq!(serde_json::from_str::<PublicKeyBytes>(&json).unwrap(), pk);
        assert!(serde_json::from_str::<PublicKeyBytes>("\"0x00\"").is_err());
        // Vector[byte, 48]: two chunks.
        assert_eq!(pk.tree_hash_root(), tree_hash::merkle_root(&raw, 0));
        let sig = SignatureBytes::infinity();
        assert_eq!(sig.tree_hash_root(), tree_hash::merkle_root(&sig.0, 0));
    }
}
