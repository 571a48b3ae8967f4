//! One function per signed object, each giving the `SignatureSet` the spec verifies for it.

use primitives::bls::{PublicKey, Signature, SignatureSet};
use primitives::math::compute_epoch_at_slot;
use primitives::signing::{compute_domain, compute_signing_root};
use primitives::types::{
    BeaconState, DepositData, DepositMessage, Epoch, IndexedAttestation, Root, SignatureBytes,
    SignedBeaconBlock, SignedBeaconBlockHeader, SignedVoluntaryExit, ValidatorIndex,
};
use primitives::{ChainConfig, EthSpec};

use super::SignatureInvalid;
use crate::BeaconStateError;
use crate::accessors::{get_domain, validator};

/// The decoded public key of validator `index`.
pub(crate) fn validator_pubkey<E: EthSpec>(
    state: &BeaconState<E>,
    index: ValidatorIndex,
) -> Result<PublicKey, SignatureInvalid> {
    let validator =
        validator(state, index).map_err(|_| SignatureInvalid::UnknownSigner { index })?;
    PublicKey::from_bytes(&validator.pubkey)
        .map_err(|error| SignatureInvalid::BadPublicKey { index, error })
}

/// The decoded signature.
pub(super) fn signature(bytes: &SignatureBytes) -> Result<Signature, SignatureInvalid> {
    Signature::from_bytes(bytes).map_err(SignatureInvalid::Malformed)
}

/// The domain of `domain_type` at `epoch`.
pub(super) fn domain<E: EthSpec>(
    state: &BeaconState<E>,
    domain_type: [u8; 4],
    epoch: Option<Epoch>,
    config: &ChainConfig,
) -> Result<Root, SignatureInvalid> {
    get_domain(state, domain_type, epoch, config).map_err(SignatureInvalid::NoDomain)
}

/// The epoch of `slot`, for a signing domain.
fn epoch_at(slot: u64, config: &ChainConfig) -> Result<Epoch, SignatureInvalid> {
    compute_epoch_at_slot(slot, config)
        .map_err(|e| SignatureInvalid::NoDomain(BeaconStateError::from(e)))
}

/// A block header's proposer signature (`process_proposer_slashing`): `DOMAIN_BEACON_PROPOSER`
/// at the header's epoch, by `validators[header.proposer_index]`.
pub fn block_header_signature_set<E: EthSpec>(
    state: &BeaconState<E>,
    signed_header: &SignedBeaconBlockHeader,
    config: &ChainConfig,
) -> Result<SignatureSet<'static>, SignatureInvalid> {
    let header = &signed_header.message;
    let epoch = epoch_at(header.slot, config)?;
    let domain = domain(state, config.domain_beacon_proposer, Some(epoch), config)?;
    Ok(SignatureSet::single_pubkey(
        signature(&signed_header.signature)?,
        validator_pubkey(state, header.proposer_index)?,
        compute_signing_root(header, domain),
    ))
}

/// A block's proposer signature (`verify_block_signature`).
pub fn block_proposal_signature_set<E: EthSpec>(
    state: &BeaconState<E>,
    signed_block: &SignedBeaconBlock<E>,
    config: &ChainConfig,
) -> Result<SignatureSet<'static>, SignatureInvalid> {
    let block = &signed_block.message;
    let epoch = epoch_at(block.slot, config)?;
    let domain = domain(state, config.domain_beacon_proposer, Some(epoch), config)?;
    Ok(SignatureSet::single_pubkey(
        signature(&signed_block.signature)?,
        validator_pubkey(state, block.proposer_index)?,
        compute_signing_root(block, domain),
    ))
}

/// A RANDAO reveal (`process_randao`): the current epoch signed under `DOMAIN_RANDAO` by the
/// proposer.
pub fn randao_signature_set<E: EthSpec>(
    state: &BeaconState<E>,
    proposer_index: ValidatorIndex,
    randao_reveal: &SignatureBytes,
    config: &ChainConfig,
) -> Result<SignatureSet<'static>, SignatureInvalid> {
    let epoch = epoch_at(state.slot, config)?;
    let domain = domain(state, config.domain_randao, Some(epoch), config)?;
    Ok(SignatureSet::single_pubkey(
        signature(randao_reveal)?,
        validator_pubkey(state, proposer_index)?,
        compute_signing_root(&epoch, domain),
    ))
}

/// An indexed attestation's aggregate signature (`is_valid_indexed_attestation`):
/// `DOMAIN_BEACON_ATTESTER` at the target epoch, by the sum of the attesters' keys.
pub fn indexed_attestation_signature_set<E: EthSpec>(
    state: &BeaconState<E>,
    indexed_attestation: &IndexedAttestation<E>,
    config: &ChainConfig,
) -> Result<SignatureSet<'static>, SignatureInvalid> {
    let data = &indexed_attestation.data;
    let domain = domain(
        state,
        config.domain_beacon_attester,
        Some(data.target.epoch),
        config,
    )?;
    let keys = indexed_attestation
        .attesting_indices
        .iter()
        .map(|index| validator_pubkey(state, *index).map(Into::into))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(SignatureSet::multiple_pubkeys(
        signature(&indexed_attestation.signature)?,
        keys,
        compute_signing_root(data, domain),
    ))
}

/// A voluntary exit (`process_voluntary_exit`): `DOMAIN_VOLUNTARY_EXIT` at the exit's epoch, by
/// the exiting validator.
pub fn voluntary_exit_signature_set<E: EthSpec>(
    state: &BeaconState<E>,
    signed_exit: &SignedVoluntaryExit,
    config: &ChainConfig,
) -> Result<SignatureSet<'static>, SignatureInvalid> {
    let exit = &signed_exit.message;
    let domain = domain(
        state,
        config.domain_voluntary_exit,
        Some(exit.epoch),
        config,
    )?;
    Ok(SignatureSet::single_pubkey(
        signature(&signed_exit.signature)?,
        validator_pubkey(state, exit.validator_index)?,
        compute_signing_root(exit, domain),
    ))
}

/// A deposit's proof of possession (`process_deposit`): the `DepositMessage` under the
/// fork-agnostic `compute_domain(DOMAIN_DEPOSIT)`, by the deposited key.
///
/// Never batched: a bad proof skips the deposit rather than failing the block.
pub fn deposit_signature_set(
    data: &DepositData,
    config: &ChainConfig,
) -> Result<SignatureSet<'static>, SignatureInvalid> {
    let message = DepositMessage {
        pubkey: data.pubkey,
        withdrawal_credentials: data.withdrawal_credentials,
        amount: data.amount,
    };
    let domain = compute_domain(
        config.domain_deposit,
        config.genesis_fork_version,
        Root::ZERO,
    );
    let pubkey =
        PublicKey::from_bytes(&data.pubkey).map_err(SignatureInvalid::BadDepositPublicKey)?;
    Ok(SignatureSet::single_pubkey(
        signature(&data.signature)?,
        pubkey,
        compute_signing_root(&message, domain),
    ))
}
