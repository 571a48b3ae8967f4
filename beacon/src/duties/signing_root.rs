//! What a validator signs: an object's signing root under a domain.

use primitives::bls::SecretKey;
use primitives::signing::compute_signing_root;
use primitives::types::{Domain, Root, SignatureBytes};
use tree_hash::TreeHash;

/// A message ready to sign: `compute_signing_root(object, domain)` and the domain it used.
///
/// The domain is kept beside the root so that a signer can tell which kind of message (block,
/// attestation, RANDAO reveal, ...) and which fork it is asked to sign.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SigningRoot {
    /// The domain the root was computed under.
    pub domain: Domain,
    /// `compute_signing_root(object, domain)`.
    pub signing_root: Root,
}

impl SigningRoot {
    /// The signing root of `object` under `domain`.
    pub fn new<T: TreeHash + ?Sized>(object: &T, domain: Domain) -> Self {
        Self {
            domain,
            signing_root: compute_signing_root(object, domain),
        }
    }

    /// `bls.Sign(privkey, signing_root)`.
    pub fn sign(&self, key: &SecretKey) -> SignatureBytes {
        key.sign(self.signing_root).to_bytes()
    }
}
