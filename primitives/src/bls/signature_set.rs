//! Batch verification: many (signature, keys, message) sets checked with one final
//! exponentiation, each set weighted by a fresh random scalar.
//!
//! Without the random weights an attacker could submit two invalid signatures whose errors
//! cancel in the sum; with secret 64-bit weights that succeeds with probability about 2^-64.

use std::borrow::Cow;

use blst::{BLST_ERROR, blst_scalar, min_pk};

use super::{AggregatePublicKey, DST, PublicKey, Signature};
use crate::types::Hash256;

/// Bits of each random weight, as in Lighthouse.
const RAND_BITS: usize = 64;

/// A signature over one message by one key or by the sum of several keys.
#[derive(Clone, Debug)]
pub struct SignatureSet<'a> {
    /// The (possibly aggregate) signature.
    pub signature: Cow<'a, Signature>,
    /// The keys whose sum must have signed; never empty for a valid set.
    pub signing_keys: Vec<Cow<'a, PublicKey>>,
    /// The signing root.
    pub message: Hash256,
}

impl<'a> SignatureSet<'a> {
    /// A set signed by one key.
    pub fn single_pubkey(
        signature: impl Into<Cow<'a, Signature>>,
        signing_key: impl Into<Cow<'a, PublicKey>>,
        message: Hash256,
    ) -> Self {
        Self {
            signature: signature.into(),
            signing_keys: vec![signing_key.into()],
            message,
        }
    }

    /// A set signed by the sum of several keys.
    pub fn multiple_pubkeys(
        signature: impl Into<Cow<'a, Signature>>,
        signing_keys: Vec<Cow<'a, PublicKey>>,
        message: Hash256,
    ) -> Self {
        Self {
            signature: signature.into(),
            signing_keys,
            message,
        }
    }

    /// Verifies this set alone (`FastAggregateVerify` over its keys).
    pub fn verify(&self) -> bool {
        let keys: Vec<&PublicKey> = self.signing_keys.iter().map(AsRef::as_ref).collect();
        self.signature.fast_aggregate_verify(&keys, self.message)
    }

    fn aggregate_key(&self) -> Option<min_pk::PublicKey> {
        // One key needs no sum, and so no projective-to-affine inversion.
        if let [key] = self.signing_keys.as_slice() {
            return Some(*key.as_blst());
        }
        let keys: Vec<&PublicKey> = self.signing_keys.iter().map(AsRef::as_ref).collect();
        AggregatePublicKey::aggregate(&keys)
            .ok()
            .map(|aggregate| aggregate.affine_point())
    }
}

impl<'a> From<&'a Signature> for Cow<'a, Signature> {
    fn from(signature: &'a Signature) -> Self {
        Cow::Borrowed(signature)
    }
}

impl From<Signature> for Cow<'_, Signature> {
    fn from(signature: Signature) -> Self {
        Cow::Owned(signature)
    }
}

impl<'a> From<&'a PublicKey> for Cow<'a, PublicKey> {
    fn from(key: &'a PublicKey) -> Self {
        Cow::Borrowed(key)
    }
}

impl From<PublicKey> for Cow<'_, PublicKey> {
    fn from(key: PublicKey) -> Self {
        Cow::Owned(key)
    }
}

/// A fresh non-zero 64-bit weight, or `None` if the operating system gave no randomness.
fn random_scalar() -> Option<blst_scalar> {
    let mut scalar = blst_scalar::default();
    // blst reads the scalar's bytes little-endian and uses the low RAND_BITS of them.
    let (low, _) = scalar.b.split_at_mut(RAND_BITS / 8);
    while low.iter().all(|b| *b == 0) {
        getrandom::fill(low).ok()?;
    }
    Some(scalar)
}

/// Whether every set is valid. False for an empty list, for a set with no key, and when the
/// operating system's random source fails (the batch cannot be checked soundly without it).
///
/// Signatures are subgroup-checked here; keys were validated when decoded.
pub fn verify_signature_sets(sets: &[SignatureSet<'_>]) -> bool {
    if sets.is_empty() {
        return false;
    }
    let mut keys = Vec::with_capacity(sets.len());
    let mut rands = Vec::with_capacity(sets.len());
    for set in sets {
        let Some(key) = set.aggregate_key() else {
            return false;
        };
        let Some(rand) = random_scalar() else {
            return false;
        };
        keys.push(key);
        rands.push(rand);
    }
    let key_refs: Vec<&min_pk::PublicKey> = keys.iter().collect();
    let sigs: Vec<&min_pk::Signature> = sets.iter().map(|s| s.signature.as_blst()).collect();
    let msgs: Vec<&[u8]> = sets.iter().map(|s| s.message.as_slice()).collect();
    min_pk::Signature::verify_multiple_aggregate_signatures(
        &msgs, DST, &key_refs, false, &sigs, true, &rands, RAND_BITS,
    ) == BLST_ERROR::BLST_SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bls::{AggregateSignature, SecretKey, interop_secret_key};

    fn message(i: u64) -> Hash256 {
        Hash256::left_padding_from(&i.to_be_bytes())
    }

    fn single_sets(keys: &[SecretKey]) -> Vec<(Signature, PublicKey, Hash256)> {
        keys.iter()
            .zip(0u64..)
            .map(|(k, i)| (k.sign(message(i)), k.public_key(), message(i)))
            .collect()
    }

    #[test]
    fn valid_batch_passes_and_one_bad_set_fails_it() {
        let keys: Vec<SecretKey> = (0..6).map(|i| interop_secret_key(i).unwrap()).collect();
        let parts = single_sets(&keys);
        let mut sets: Vec<SignatureSet<'_>> = parts
            .iter()
            .map(|(s, pk, m)| SignatureSet::single_pubkey(s, pk, *m))
            .collect();
        assert!(sets.iter().all(SignatureSet::verify));
        assert!(verify_signature_sets(&sets));

        // Set 3 now claims a message its key never signed.
        if let Some(set) = sets.get_mut(3) {
            set.message = message(99);
        }
        assert!(!sets.get(3).unwrap().verify());
        assert!(!verify_signature_sets(&sets));
    }

    #[test]
    fn swapped_signatures_fail_although_their_sum_is_right() {
        let keys: Vec<SecretKey> = (0..2).map(|i| interop_secret_key(i).unwrap()).collect();
        let parts = single_sets(&keys);
        let sets = [
            SignatureSet::single_pubkey(parts[1].0, parts[0].1, parts[0].2),
            SignatureSet::single_pubkey(parts[0].0, parts[1].1, parts[1].2),
        ];
        assert!(!verify_signature_sets(&sets));
    }

    #[test]
    fn multiple_key_sets_and_edge_cases() {
        let keys: Vec<SecretKey> = (0..4).map(|i| interop_secret_key(i).unwrap()).collect();
        let msg = message(5);
        let sigs: Vec<Signature> = keys.iter().map(|k| k.sign(msg)).collect();
        let agg = AggregateSignature::aggregate(&sigs.iter().collect::<Vec<_>>())
            .unwrap()
            .to_signature();
        let pks: Vec<Cow<'_, PublicKey>> = keys.iter().map(|k| k.public_key().into()).collect();
        let single = SignatureSet::single_pubkey(sigs[0], keys[0].public_key(), msg);
        let multi = SignatureSet::multiple_pubkeys(agg, pks.clone(), msg);
        assert!(verify_signature_sets(&[multi.clone(), single.clone()]));

        let short = SignatureSet::multiple_pubkeys(agg, pks[..3].to_vec(), msg);
        assert!(!verify_signature_sets(&[short, single.clone()]));
        let keyless = SignatureSet::multiple_pubkeys(agg, Vec::new(), msg);
        assert!(!keyless.verify());
        assert!(!verify_signature_sets(&[keyless, single]));
        assert!(!verify_signature_sets(&[]));
    }
}
