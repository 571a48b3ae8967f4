//! The signatures of the custody game: custody key reveals, custody slashings and early
//! derived secret reveals.

use primitives::bls::{PublicKey, SignatureSet};
use primitives::signing::compute_signing_root;
use primitives::types::{
    BeaconState, EarlyDerivedSecretReveal, Epoch, Root, SignatureBytes, SignedCustodySlashing,
    ValidatorIndex,
};
use primitives::{ChainConfig, EthSpec};

use super::sets::{domain, signature, validator_pubkey};
use super::{SignatureInvalid, VerifySignatures};
use crate::accessors::get_current_epoch;

/// A custody secret (`process_custody_key_reveal`, and the malefactor's secret in
/// `process_custody_slashing`): the RANDAO reveal of `epoch_to_sign`, that is `epoch_to_sign`
/// signed under `DOMAIN_RANDAO` at that epoch, by validator `index`.
pub fn custody_secret_signature_set<E: EthSpec>(
    state: &BeaconState<E>,
    index: ValidatorIndex,
    epoch_to_sign: Epoch,
    secret: &SignatureBytes,
    config: &ChainConfig,
) -> Result<SignatureSet<'static>, SignatureInvalid> {
    let domain = domain(state, config.domain_randao, Some(epoch_to_sign), config)?;
    Ok(SignatureSet::single_pubkey(
        signature(secret)?,
        validator_pubkey(state, index)?,
        compute_signing_root(&epoch_to_sign, domain),
    ))
}

/// A custody slashing (`process_custody_slashing`): the message signed under
/// `DOMAIN_CUSTODY_BIT_SLASHING` at the current epoch by the whistleblower.
pub fn custody_slashing_signature_set<E: EthSpec>(
    state: &BeaconState<E>,
    signed_custody_slashing: &SignedCustodySlashing<E>,
    config: &ChainConfig,
) -> Result<SignatureSet<'static>, SignatureInvalid> {
    let custody_slashing = &signed_custody_slashing.message;
    let epoch = get_current_epoch(state, config).map_err(SignatureInvalid::NoDomain)?;
    let domain = domain(
        state,
        config.domain_custody_bit_slashing,
        Some(epoch),
        config,
    )?;
    Ok(SignatureSet::single_pubkey(
        signature(&signed_custody_slashing.signature)?,
        validator_pubkey(state, custody_slashing.whistleblower_index)?,
        compute_signing_root(custody_slashing, domain),
    ))
}

/// An early derived secret reveal (`process_early_derived_secret_reveal`): `AggregateVerify` of
/// the revealed validator's RANDAO reveal of `reveal.epoch` and the masker's signature of
/// `reveal.mask`, both under `DOMAIN_RANDAO` at `reveal.epoch`.
///
/// Two keys over two messages make no [`SignatureSet`], which holds one message, so this is
/// verified at once whenever signatures are checked, in batch mode too.
pub fn verify_early_derived_secret_reveal<E: EthSpec>(
    state: &BeaconState<E>,
    reveal: &EarlyDerivedSecretReveal,
    verify: &VerifySignatures<'_>,
    config: &ChainConfig,
) -> Result<(), SignatureInvalid> {
    if !verify.is_checking() {
        return Ok(());
    }
    let revealed: PublicKey = validator_pubkey(state, reveal.revealed_index)?;
    let masker: PublicKey = validator_pubkey(state, reveal.masker_index)?;
    let domain = domain(state, config.domain_randao, Some(reveal.epoch), config)?;
    let epoch_root: Root = tree_hash::TreeHash::tree_hash_root(&reveal.epoch);
    let signing_roots = [
        compute_signing_root(&epoch_root, domain),
        compute_signing_root(&reveal.mask, domain),
    ];
    if signature(&reveal.reveal)?.aggregate_verify(&[&revealed, &masker], &signing_roots) {
        Ok(())
    } else {
        Err(SignatureInvalid::Mismatch)
    }
}
