//! `Signature`: a G2 point, and the spec's `Verify`, `FastAggregateVerify` and `AggregateVerify`.

use std::fmt;

use blst::{BLST_ERROR, min_pk};

use super::{AggregatePublicKey, BlsError, DST, PointError, PublicKey};
use crate::types::{Hash256, SignatureBytes};

/// A BLS signature (single or aggregate: they share one encoding).
///
/// Decoding checks that the point is on the curve; the subgroup check, which costs about as much
/// as the decompression, runs when the signature is verified, so a signature that is never
/// verified never pays for it.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Signature(min_pk::Signature);

impl Signature {
    /// Decompresses; fails if the bytes are no point of the curve.
    pub fn from_bytes(bytes: &SignatureBytes) -> Result<Self, BlsError> {
        min_pk::Signature::uncompress(bytes.as_bytes())
            .map(Self)
            .map_err(|e| BlsError::InvalidSignature(PointError::from(e)))
    }

    /// The compressed form.
    pub fn to_bytes(&self) -> SignatureBytes {
        SignatureBytes(self.0.compress())
    }

    /// The point at infinity (`G2_POINT_AT_INFINITY`): the aggregate of no signature.
    pub fn infinity() -> Self {
        // blst encodes the affine point at infinity as all-zero coordinates.
        Self(min_pk::Signature::from(blst::blst_p2_affine::default()))
    }

    /// Whether this is the point at infinity.
    pub fn is_infinity(&self) -> bool {
        *self == Self::infinity()
    }

    /// `Verify(PK, message, signature)`.
    pub fn verify(&self, pubkey: &PublicKey, message: Hash256) -> bool {
        self.0
            .verify(true, message.as_slice(), DST, &[], pubkey.as_blst(), false)
            == BLST_ERROR::BLST_SUCCESS
    }

    /// `FastAggregateVerify(PKs, message, signature)`: every key signed the same message.
    ///
    /// False for an empty key list, as in v0.12.3 (the later `eth_fast_aggregate_verify` special
    /// case for an empty list and the infinity signature is not part of this spec version).
    pub fn fast_aggregate_verify(&self, pubkeys: &[&PublicKey], message: Hash256) -> bool {
        match AggregatePublicKey::aggregate(pubkeys) {
            Ok(aggregate) => self.verify_aggregate_key(&aggregate, message),
            Err(_) => false,
        }
    }

    /// `AggregateVerify(PKs, messages, signature)`: key `i` signed message `i`.
    ///
    /// False when the lists are empty or of different lengths. Messages need not be distinct:
    /// with proof of possession the ciphersuite does not require it.
    pub fn aggregate_verify(&self, pubkeys: &[&PublicKey], messages: &[Hash256]) -> bool {
        if pubkeys.is_empty() || pubkeys.len() != messages.len() {
            return false;
        }
        let keys: Vec<&min_pk::PublicKey> = pubkeys.iter().map(|pk| pk.as_blst()).collect();
        let msgs: Vec<&[u8]> = messages.iter().map(|m| m.as_slice()).collect();
        self.0.aggregate_verify(true, &msgs, DST, &keys, false) == BLST_ERROR::BLST_SUCCESS
    }

    /// Verifies against keys aggregated beforehand.
    pub fn verify_aggregate_key(&self, aggregate: &AggregatePublicKey, message: Hash256) -> bool {
        let key = aggregate.affine_point();
        // The aggregate of valid keys may be the point at infinity; blst's pairing refuses it.
        self.0
            .fast_aggregate_verify_pre_aggregated(true, message.as_slice(), DST, &key)
            == BLST_ERROR::BLST_SUCCESS
    }

    pub(super) fn from_point(point: min_pk::Signature) -> Self {
        Self(point)
    }

    pub(super) fn as_blst(&self) -> &min_pk::Signature {
        &self.0
    }
}

impl TryFrom<&SignatureBytes> for Signature {
    type Error = BlsError;

    fn try_from(bytes: &SignatureBytes) -> Result<Self, BlsError> {
        Self::from_bytes(bytes)
    }
}

impl From<&Signature> for SignatureBytes {
    fn from(signature: &Signature) -> Self {
        signature.to_bytes()
    }
}

impl fmt::Debug for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Signature({})", self.to_bytes())
    }
}

impl fmt::Display for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.to_bytes(), f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bls::{AggregateSignature, interop_secret_key};

    fn message(byte: u8) -> Hash256 {
        Hash256::repeat_byte(byte)
    }

    #[test]
    fn sign_then_verify() {
        let sk = interop_secret_key(0).unwrap();
        let pk = sk.public_key();
        let sig = sk.sign(message(1));
        assert!(sig.verify(&pk, message(1)));
        let decoded = Signature::from_bytes(&sig.to_bytes()).unwrap();
        assert_eq!(decoded, sig);
        assert!(decoded.verify(&pk, message(1)));
    }

    #[test]
    fn wrong_message_or_key_fails() {
        let sk = interop_secret_key(0).unwrap();
        let other = interop_secret_key(1).unwrap().public_key();
        let sig = sk.sign(message(1));
        assert!(!sig.verify(&sk.public_key(), message(2)));
        assert!(!sig.verify(&other, message(1)));
        assert!(!Signature::infinity().verify(&sk.public_key(), message(1)));
    }

    #[test]
    fn malformed_bytes_are_typed_errors() {
        assert_eq!(
            Signature::from_bytes(&SignatureBytes([0; 96])).unwrap_err(),
            BlsError::InvalidSignature(PointError::BadEncoding)
        );
        let mut raw = [0u8; 96];
        raw[0] = 0x80;
        raw[95] = 1;
        // x = 1 (in Fp2): x^3 + 4(1 + i) is no square, so no point has it.
        assert_eq!(
            Signature::from_bytes(&SignatureBytes(raw)).unwrap_err(),
            BlsError::InvalidSignature(PointError::NotOnCurve)
        );
        let inf = Signature::from_bytes(&SignatureBytes::infinity()).unwrap();
        assert!(inf.is_infinity());
        assert_eq!(inf.to_bytes(), SignatureBytes::infinity());
    }

    #[test]
    fn point_outside_the_subgroup_decodes_but_never_verifies() {
        // x = 2 (in Fp2) is on the curve; the point is not in the order-r subgroup.
        let mut raw = [0u8; 96];
        raw[0] = 0x80;
        raw[95] = 2;
        let sig = Signature::from_bytes(&SignatureBytes(raw)).unwrap();
        assert!(!sig.as_blst().subgroup_check());
        let sk = interop_secret_key(0).unwrap();
        assert!(!sig.verify(&sk.public_key(), message(1)));
        // Adding it to a valid signature spoils the aggregate too.
        let mut agg = AggregateSignature::from_signature(&sk.sign(message(1)));
        agg.add_assign(&sig);
        assert!(!agg.to_signature().verify(&sk.public_key(), message(1)));
    }

    #[test]
    fn fast_aggregate_verify_needs_every_key() {
        let keys: Vec<_> = (0..4).map(|i| interop_secret_key(i).unwrap()).collect();
        let pks: Vec<PublicKey> = keys.iter().map(|k| k.public_key()).collect();
        let sigs: Vec<Signature> = keys.iter().map(|k| k.sign(message(7))).collect();
        let agg = AggregateSignature::aggregate(&sigs.iter().collect::<Vec<_>>())
            .unwrap()
            .to_signature();
        let all: Vec<&PublicKey> = pks.iter().collect();
        assert!(agg.fast_aggregate_verify(&all, message(7)));
        assert!(!agg.fast_aggregate_verify(&all[..3], message(7)));
        assert!(!agg.fast_aggregate_verify(&all, message(8)));
        assert!(!agg.fast_aggregate_verify(&[], message(7)));
        assert!(!Signature::infinity().fast_aggregate_verify(&[], message(7)));
    }

    #[test]
    fn aggregate_verify_pairs_keys_with_messages() {
        let keys: Vec<_> = (0..3).map(|i| interop_secret_key(i).unwrap()).collect();
        let pks: Vec<PublicKey> = keys.iter().map(|k| k.public_key()).collect();
        let msgs: Vec<Hash256> = (0..3).map(message).collect();
        let sigs: Vec<Signature> = keys.iter().zip(&msgs).map(|(k, m)| k.sign(*m)).collect();
        let agg = AggregateSignature::aggregate(&sigs.iter().collect::<Vec<_>>())
            .unwrap()
            .to_signature();
        let refs: Vec<&PublicKey> = pks.iter().collect();
        assert!(agg.aggregate_verify(&refs, &msgs));
        let swapped = [msgs[1], msgs[0], msgs[2]];
        assert!(!agg.aggregate_verify(&refs, &swapped));
        assert!(!agg.aggregate_verify(&refs[..2], &msgs));
        assert!(!Signature::infinity().aggregate_verify(&[], &[]));
    }
}
