//! `Aggregate` of signatures and of public keys: sums kept in projective form while they grow.

use blst::min_pk;

use super::{BlsError, PublicKey, Signature};

/// A sum of signatures under construction.
///
/// Signatures are added without a subgroup check, as the spec's `Aggregate` does: the sum is
/// checked once, when it is verified, not each summand.
#[derive(Clone, Copy, Debug)]
pub struct AggregateSignature(min_pk::AggregateSignature);

impl AggregateSignature {
    /// The empty aggregate: the point at infinity.
    pub fn infinity() -> Self {
        Self::from_signature(&Signature::infinity())
    }

    /// Starts from one signature.
    pub fn from_signature(signature: &Signature) -> Self {
        Self(min_pk::AggregateSignature::from_signature(
            signature.as_blst(),
        ))
    }

    /// `Aggregate(signatures)`; the spec leaves the aggregate of nothing undefined, so an empty
    /// list is an error.
    pub fn aggregate(signatures: &[&Signature]) -> Result<Self, BlsError> {
        let (first, rest) = signatures.split_first().ok_or(BlsError::EmptyAggregate)?;
        let mut aggregate = Self::from_signature(first);
        for signature in rest {
            aggregate.add_assign(signature);
        }
        Ok(aggregate)
    }

    /// Adds one signature.
    pub fn add_assign(&mut self, signature: &Signature) {
        self.0
            .add_aggregate(&min_pk::AggregateSignature::from_signature(
                signature.as_blst(),
            ));
    }

    /// Adds another aggregate.
    pub fn add_assign_aggregate(&mut self, other: &Self) {
        self.0.add_aggregate(&other.0);
    }

    /// The sum as an affine signature, ready to compress or verify.
    pub fn to_signature(&self) -> Signature {
        Signature::from_point(self.0.to_signature())
    }
}

/// A sum of public keys. Each summand passed `KeyValidate`; the sum itself may be the point at
/// infinity, which verification then refuses.
#[derive(Clone, Copy, Debug)]
pub struct AggregatePublicKey(min_pk::AggregatePublicKey);

impl AggregatePublicKey {
    /// Starts from one key.
    pub fn from_public_key(pubkey: &PublicKey) -> Self {
        Self(min_pk::AggregatePublicKey::from_public_key(
            pubkey.as_blst(),
        ))
    }

    /// The sum of the keys; an empty list is an error.
    pub fn aggregate(pubkeys: &[&PublicKey]) -> Result<Self, BlsError> {
        let (first, rest) = pubkeys.split_first().ok_or(BlsError::EmptyAggregate)?;
        let mut aggregate = Self::from_public_key(first);
        for pubkey in rest {
            aggregate.add_assign(pubkey);
        }
        Ok(aggregate)
    }

    /// Adds one key.
    pub fn add_assign(&mut self, pubkey: &PublicKey) {
        self.0
            .add_aggregate(&min_pk::AggregatePublicKey::from_public_key(
                pubkey.as_blst(),
            ));
    }

    /// The sum as an affine point (not re-validated: it is only ever used to verify).
    pub(super) fn affine_point(&self) -> min_pk::PublicKey {
        self.0.to_public_key()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bls::interop_secret_key;
    use crate::types::Hash256;

    #[test]
    fn empty_lists_are_errors() {
        assert_eq!(
            AggregateSignature::aggregate(&[]).unwrap_err(),
            BlsError::EmptyAggregate
        );
        assert_eq!(
            AggregatePublicKey::aggregate(&[]).unwrap_err(),
            BlsError::EmptyAggregate
        );
    }

    #[test]
    fn incremental_and_batch_aggregates_agree() {
        let msg = Hash256::repeat_byte(9);
        let sigs: Vec<Signature> = (0..3)
            .map(|i| interop_secret_key(i).unwrap().sign(msg))
            .collect();
        let batch = AggregateSignature::aggregate(&sigs.iter().collect::<Vec<_>>()).unwrap();
        let mut incremental = AggregateSignature::infinity();
        for sig in &sigs {
            incremental.add_assign(sig);
        }
        assert_eq!(batch.to_signature(), incremental.to_signature());
        assert_ne!(batch.to_signature(), sigs[0]);
        let mut split = AggregateSignature::aggregate(&[&sigs[0]]).unwrap();
        split.add_assign_aggregate(&AggregateSignature::aggregate(&[&sigs[1], &sigs[2]]).unwrap());
        assert_eq!(split.to_signature(), batch.to_signature());
    }

    #[test]
    fn aggregate_key_verifies_the_aggregate_signature() {
        let msg = Hash256::repeat_byte(3);
        let keys: Vec<_> = (0..5).map(|i| interop_secret_key(i).unwrap()).collect();
        let pks: Vec<PublicKey> = keys.iter().map(|k| k.public_key()).collect();
        let sigs: Vec<Signature> = keys.iter().map(|k| k.sign(msg)).collect();
        let sig = AggregateSignature::aggregate(&sigs.iter().collect::<Vec<_>>())
            .unwrap()
            .to_signature();
        let agg_pk = AggregatePublicKey::aggregate(&pks.iter().collect::<Vec<_>>()).unwrap();
        assert!(sig.verify_aggregate_key(&agg_pk, msg));
        assert!(!sig.verify_aggregate_key(&AggregatePublicKey::from_public_key(&pks[0]), msg));
    }
}
