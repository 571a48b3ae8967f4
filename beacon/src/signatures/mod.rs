//! How block processing checks signatures, and the signature set of every signed object.
//!
//! Each operation hands its signature sets to a [`VerifySignatures`], which verifies each set
//! at once ([`VerifySignatures::Individually`]), keeps it for one batch verification of the
//! whole block ([`VerifySignatures::Batch`], the default for blocks: one final exponentiation
//! for all of them), or drops it ([`VerifySignatures::Skip`], for test vectors whose
//! `bls_setting` turns BLS off, and for blocks whose signatures were verified already).
//!
//! In batch mode an operation with a bad signature is applied like a good one, and only
//! [`SignatureBatch::verify`] tells: a caller that batches must drop the state it processed when
//! the batch fails. Malformed signatures and unknown signers are refused at once in every mode
//! but [`VerifySignatures::Skip`].

mod custody;
mod sets;

pub use custody::{
    custody_secret_signature_set, custody_slashing_signature_set,
    verify_early_derived_secret_reveal,
};
pub(crate) use sets::validator_pubkey;
pub use sets::{
    block_header_signature_set, block_proposal_signature_set, deposit_signature_set,
    indexed_attestation_signature_set, randao_signature_set, voluntary_exit_signature_set,
};

use primitives::bls::{BlsError, SignatureSet, verify_signature_sets};
use primitives::types::ValidatorIndex;

use crate::BeaconStateError;

/// Why a signature was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureInvalid {
    /// The signature's bytes are not a point of the curve.
    #[error("malformed signature: {0}")]
    Malformed(BlsError),
    /// The signer's public key in the registry is not a valid key.
    #[error("validator {index} has an invalid public key: {error}")]
    BadPublicKey {
        /// The signer.
        index: ValidatorIndex,
        /// Why the key was refused.
        error: BlsError,
    },
    /// A deposit's public key is not a valid key.
    #[error("invalid public key: {0}")]
    BadDepositPublicKey(BlsError),
    /// The signer is not in the registry.
    #[error("signer {index} is not in the registry")]
    UnknownSigner {
        /// The signer's index.
        index: ValidatorIndex,
    },
    /// No signing domain: the configuration has no slots per epoch, which
    /// [`ChainConfig::validate`](primitives::ChainConfig::validate) refuses.
    #[error("no signing domain: {0}")]
    NoDomain(BeaconStateError),
    /// The signature does not verify.
    #[error("the signature does not verify")]
    Mismatch,
}

/// The signature sets of a block, verified together once the block is processed.
#[derive(Debug, Default)]
pub struct SignatureBatch {
    sets: Vec<SignatureSet<'static>>,
}

impl SignatureBatch {
    /// An empty batch.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a set.
    pub fn push(&mut self, set: SignatureSet<'static>) {
        self.sets.push(set);
    }

    /// The number of sets collected.
    pub fn len(&self) -> usize {
        self.sets.len()
    }

    /// Whether no set was collected.
    pub fn is_empty(&self) -> bool {
        self.sets.is_empty()
    }

    /// The sets collected.
    pub fn sets(&self) -> &[SignatureSet<'static>] {
        &self.sets
    }

    /// Whether every set verifies (an empty batch does).
    pub fn verify(&self) -> bool {
        self.sets.is_empty() || verify_signature_sets(&self.sets)
    }
}

/// What processing does with each signature it meets.
#[derive(Debug)]
pub enum VerifySignatures<'a> {
    /// Verify each signature when it is met.
    Individually,
    /// Collect every set into the batch, for one verification after the block.
    Batch(&'a mut SignatureBatch),
    /// Check no signature: the caller has verified them already or BLS is off.
    Skip,
    /// Verify each signature when it is met, as `Individually`, and count the sets verified
    /// into the given counter.
    Counted(&'a mut usize),
}

impl VerifySignatures<'_> {
    /// Whether signatures are checked at all (at once or in a batch).
    pub fn is_checking(&self) -> bool {
        !matches!(self, Self::Skip)
    }

    /// Handles one signature: `build` makes its set, unless signatures are skipped.
    pub fn check<F>(&mut self, build: F) -> Result<(), SignatureInvalid>
    where
        F: FnOnce() -> Result<SignatureSet<'static>, SignatureInvalid>,
    {
        match self {
            Self::Skip => Ok(()),
            Self::Counted(count) => {
                let set = build()?;
                **count = count.saturating_add(1);
                if set.verify() {
                    Ok(())
                } else {
                    Err(SignatureInvalid::Mismatch)
                }
            }
            Self::Individually => {
                if build()?.verify() {
                    Ok(())
                } else {
                    Err(SignatureInvalid::Mismatch)
                }
            }
            Self::Batch(batch) => {
                batch.push(build()?);
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use primitives::bls::interop_secret_key;
    use primitives::types::Hash256;

    fn set(message: u8, signed: u8) -> SignatureSet<'static> {
        let key = interop_secret_key(1).unwrap();
        SignatureSet::single_pubkey(
            key.sign(Hash256::repeat_byte(signed)),
            key.public_key(),
            Hash256::repeat_byte(message),
        )
    }

    #[test]
    fn each_mode_handles_good_and_bad_sets() {
        assert_eq!(
            VerifySignatures::Individually.check(|| Ok(set(1, 1))),
            Ok(())
        );
        assert_eq!(
            VerifySignatures::Individually.check(|| Ok(set(1, 2))),
            Err(SignatureInvalid::Mismatch)
        );

        let mut batch = SignatureBatch::new();
        assert!(batch.verify());
        let mut verify = VerifySignatures::Batch(&mut batch);
        assert!(verify.is_checking());
        verify.check(|| Ok(set(1, 1))).unwrap();
        verify.check(|| Ok(set(2, 2))).unwrap();
        assert_eq!(batch.len(), 2);
        assert!(batch.verify());
        let mut verify = VerifySignatures::Batch(&mut batch);
        // A bad set is collected too, and fails the whole batch.
        verify.check(|| Ok(set(3, 4))).unwrap();
        assert!(!batch.verify());

        let mut skip = VerifySignatures::Skip;
        assert!(!skip.is_checking());
        assert_eq!(
            skip.check(|| -> Result<SignatureSet<'static>, _> {
                unreachable!("a skipped set is never built")
            }),
            Ok(())
        );
        // Malformed input is refused at once in the checking modes.
        let mut batch = SignatureBatch::new();
        assert_eq!(
            VerifySignatures::Batch(&mut batch).check(|| Err(SignatureInvalid::Mismatch)),
            Err(SignatureInvalid::Mismatch)
        );
        assert!(batch.is_empty());
    }
}
