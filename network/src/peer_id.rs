//! A node's network identity: the SHA-256 of the DER `SubjectPublicKeyInfo` of its TLS key.

use std::fmt;

use sha2::{Digest, Sha256};

/// The identity of a node on the network: `SHA256(SubjectPublicKeyInfo DER)` of the key that
/// signs its self-signed TLS certificate. Pinning a peer means expecting this value.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PeerId([u8; 32]);

impl PeerId {
    /// Wraps 32 raw bytes.
    pub const fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    /// The identity belonging to a DER-encoded `SubjectPublicKeyInfo`.
    pub fn from_public_key_der(spki_der: &[u8]) -> Self {
        Self(Sha256::digest(spki_der).into())
    }

    /// The raw 32 bytes.
    pub const fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// Parses the lowercase hex form printed by `Display` (with or without `0x`).
    pub fn from_hex(text: &str) -> Option<Self> {
        let text = text.strip_prefix("0x").unwrap_or(text);
        let mut bytes = [0u8; 32];
        hex::decode_to_slice(text, &mut bytes).ok()?;
        Some(Self(bytes))
    }
}

impl fmt::Display for PeerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex::encode(self.0))
    }
}

impl fmt::Debug for PeerId {
    /// The first 8 bytes are enough to tell peers apart in logs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let short = self.0.get(..8).unwrap_or(&[]);
        write!(f, "PeerId({})", hex::encode(short))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trip() {
        let id = PeerId::from_public_key_der(b"some key");
        assert_eq!(PeerId::from_hex(&id.to_string()), Some(id));
        assert_eq!(PeerId::from_hex(&format!("0x{id}")), Some(id));
        assert_eq!(PeerId::from_hex("00"), None);
    }
}
