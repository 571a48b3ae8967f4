//! `optional_aggregate_verify` and `optional_fast_aggregate_verify`: BLS checks that accept the
//! stub `NO_SIGNATURE` when nobody signed, run through the block's
//! [`VerifySignatures`](crate::signatures::VerifySignatures) switch.

use crosslink::NO_SIGNATURE;
use primitives::EthSpec;
use primitives::bls::{PublicKey, Signature, SignatureSet};
use primitives::types::{BeaconState, Root, SignatureBytes, ValidatorIndex};

use crate::signatures::{SignatureInvalid, VerifySignatures, validator_pubkey};

/// `optional_aggregate_verify`: no signer needs `NO_SIGNATURE`; otherwise `AggregateVerify` of
/// signer `i` over message `i`, as `verify` says.
///
/// One signer over one message is an ordinary set and joins a batch. Several signers over
/// distinct messages share one signature, which no single-message set of the batch can
/// express, so that check runs at once in both checking modes.
pub fn optional_aggregate_verify<E: EthSpec>(
    state: &BeaconState<E>,
    signers: &[ValidatorIndex],
    messages: &[Root],
    signature: &SignatureBytes,
    verify: &mut VerifySignatures<'_>,
) -> Result<(), SignatureInvalid> {
    if signers.is_empty() {
        return no_signature(signature);
    }
    if !verify.is_checking() {
        return Ok(());
    }
    if let ([signer], [message]) = (signers, messages) {
        return verify.check(|| {
            Ok(SignatureSet::single_pubkey(
                decode(signature)?,
                validator_pubkey(state, *signer)?,
                *message,
            ))
        });
    }
    let keys = signers
        .iter()
        .map(|index| validator_pubkey(state, *index))
        .collect::<Result<Vec<_>, _>>()?;
    let key_refs: Vec<&PublicKey> = keys.iter().collect();
    if decode(signature)?.aggregate_verify(&key_refs, messages) {
        Ok(())
    } else {
        Err(SignatureInvalid::Mismatch)
    }
}

/// `optional_fast_aggregate_verify`: no signer needs `NO_SIGNATURE`; otherwise
/// `FastAggregateVerify` of the signers over `message`, as `verify` says.
pub fn optional_fast_aggregate_verify<E: EthSpec>(
    state: &BeaconState<E>,
    signers: &[ValidatorIndex],
    message: Root,
    signature: &SignatureBytes,
    verify: &mut VerifySignatures<'_>,
) -> Result<(), SignatureInvalid> {
    if signers.is_empty() {
        return no_signature(signature);
    }
    verify.check(|| {
        let keys = signers
            .iter()
            .map(|index| validator_pubkey(state, *index).map(Into::into))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(SignatureSet::multiple_pubkeys(
            decode(signature)?,
            keys,
            message,
        ))
    })
}

/// The stub check of the optional verifications: it holds whether BLS is on or off.
fn no_signature(signature: &SignatureBytes) -> Result<(), SignatureInvalid> {
    if *signature == NO_SIGNATURE {
        Ok(())
    } else {
        Err(SignatureInvalid::Mismatch)
    }
}

fn decode(signature: &SignatureBytes) -> Result<Signature, SignatureInvalid> {
    Signature::from_bytes(signature).map_err(SignatureInvalid::Malformed)
}
