//! EIP-3076 interchange import (merging, with max watermarks) and export (the whole history).

use primitives::types::{PublicKeyBytes, Root};

use super::records::{
    AFTER_PUBKEY, ATTESTATIONS, BLOCKS, VALIDATORS, ValidatorRecord, decode_attestation,
    decode_root, encode_attestation, encode_root, key_u64, prefix_end, pubkey_u64_key,
};
use super::{
    INTERCHANGE_FORMAT_VERSION, Interchange, InterchangeData, InterchangeError, SignedAttestation,
    SignedBlock, SlashingDatabase, register,
};
use crate::StoreError;

/// What an import did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportSummary {
    /// Entries of the file's `data` (a public key listed twice counts twice).
    pub validators: usize,
    /// Blocks recorded.
    pub blocks_imported: usize,
    /// Attestations recorded.
    pub attestations_imported: usize,
    /// Blocks and attestations that disagree with a message held at the same slot or target
    /// epoch (or whose signing root is unknown on either side). The slot or target is then held
    /// with an unknown signing root, so nothing is ever signed there again; the watermarks rise
    /// as for any record.
    pub conflicts: usize,
}

/// The larger of two optional watermarks.
fn max_watermark(current: Option<u64>, imported: Option<u64>) -> Option<u64> {
    current.max(imported)
}

impl SlashingDatabase {
    /// Imports an interchange file for the chain of `genesis_validators_root`, in one
    /// transaction: a file for another chain or version, or with an attestation whose source is
    /// after its target, is refused whole. Validators are registered as needed; each one's
    /// watermarks become the maximum of the stored and the imported slots and epochs.
    pub fn import_interchange(
        &self,
        interchange: &Interchange,
        genesis_validators_root: Root,
    ) -> Result<ImportSummary, InterchangeError> {
        let metadata = &interchange.metadata;
        if metadata.interchange_format_version != INTERCHANGE_FORMAT_VERSION {
            return Err(InterchangeError::UnsupportedVersion(
                metadata.interchange_format_version,
            ));
        }
        if metadata.genesis_validators_root != genesis_validators_root {
            return Err(InterchangeError::GenesisValidatorsRootMismatch {
                expected: genesis_validators_root,
                found: metadata.genesis_validators_root,
            });
        }
        self.engine.write(|txn| {
            let mut summary = ImportSummary::default();
            for entry in &interchange.data {
                let pubkey = &entry.pubkey;
                let mut record = register(txn, pubkey)?;
                summary.validators = summary.validators.saturating_add(1);

                for block in &entry.signed_blocks {
                    let key = pubkey_u64_key(pubkey, block.slot);
                    match txn.get(BLOCKS, &key)? {
                        None => {
                            txn.put(BLOCKS, &key, &encode_root(block.signing_root))?;
                            summary.blocks_imported = summary.blocks_imported.saturating_add(1);
                        }
                        Some(bytes) => {
                            let held = decode_root(&key, &bytes)?;
                            if !(held.is_some() && held == block.signing_root) {
                                txn.put(BLOCKS, &key, &encode_root(None))?;
                                summary.conflicts = summary.conflicts.saturating_add(1);
                            }
                        }
                    }
                }
                let max_slot = entry.signed_blocks.iter().map(|block| block.slot).max();
                record.block_watermark = max_watermark(record.block_watermark, max_slot);

                for attestation in &entry.signed_attestations {
                    let (source, target) = (attestation.source_epoch, attestation.target_epoch);
                    if source > target {
                        return Err(InterchangeError::SourceAfterTarget {
                            pubkey: *pubkey,
                            source_epoch: source,
                            target_epoch: target,
                        });
                    }
                    let key = pubkey_u64_key(pubkey, target);
                    match txn.get(ATTESTATIONS, &key)? {
                        None => {
                            let row = encode_attestation(source, attestation.signing_root);
                            txn.put(ATTESTATIONS, &key, &row)?;
                            summary.attestations_imported =
                                summary.attestations_imported.saturating_add(1);
                        }
                        Some(bytes) => {
                            let (held_source, held) = decode_attestation(&key, &bytes)?;
                            if !(held.is_some() && held == attestation.signing_root) {
                                let row = encode_attestation(held_source, None);
                                txn.put(ATTESTATIONS, &key, &row)?;
                                summary.conflicts = summary.conflicts.saturating_add(1);
                            }
                        }
                    }
                }
                let attestations = &entry.signed_attestations;
                let max_source = attestations.iter().map(|a| a.source_epoch).max();
                let max_target = attestations.iter().map(|a| a.target_epoch).max();
                record.source_watermark = max_watermark(record.source_watermark, max_source);
                record.target_watermark = max_watermark(record.target_watermark, max_target);
                txn.put(VALIDATORS, &pubkey.0, &record.encode())?;
            }
            Ok(summary)
        })
    }

    /// Parses and imports an interchange file's JSON (see [`Self::import_interchange`]).
    pub fn import_interchange_json(
        &self,
        json: &str,
        genesis_validators_root: Root,
    ) -> Result<ImportSummary, InterchangeError> {
        self.import_interchange(&Interchange::from_json_str(json)?, genesis_validators_root)
    }

    /// Exports the whole history of every registered validator (a "complete" file), ordered by
    /// public key, slot and target epoch.
    pub fn export_interchange(
        &self,
        genesis_validators_root: Root,
    ) -> Result<Interchange, InterchangeError> {
        self.export_selected(genesis_validators_root, None)
    }

    /// Exports the history of the listed validators only (those not registered are left out),
    /// as the keymanager API does when keys are deleted.
    pub fn export_interchange_of(
        &self,
        genesis_validators_root: Root,
        pubkeys: &[PublicKeyBytes],
    ) -> Result<Interchange, InterchangeError> {
        self.export_selected(genesis_validators_root, Some(pubkeys))
    }

    /// Exports the listed validators, or all of them.
    fn export_selected(
        &self,
        genesis_validators_root: Root,
        pubkeys: Option<&[PublicKeyBytes]>,
    ) -> Result<Interchange, InterchangeError> {
        let mut interchange = Interchange::empty(genesis_validators_root);
        let data = self.engine.read(|txn| {
            let mut data = Vec::new();
            for (key, value) in txn.range(VALIDATORS, &[], None)? {
                let pubkey = PublicKeyBytes::from_slice(&key).ok_or_else(|| {
                    StoreError::decode("slashing protection validator", &key, "key length")
                })?;
                ValidatorRecord::decode(&key, &value)?;
                if pubkeys.is_some_and(|wanted| !wanted.contains(&pubkey)) {
                    continue;
                }
                let end = prefix_end(&pubkey.0);
                let signed_blocks = txn
                    .range(BLOCKS, &pubkey.0, end.as_deref())?
                    .iter()
                    .map(|(key, value)| {
                        Ok(SignedBlock {
                            slot: key_u64(key, AFTER_PUBKEY)?,
                            signing_root: decode_root(key, value)?,
                        })
                    })
                    .collect::<Result<_, StoreError>>()?;
                let signed_attestations = txn
                    .range(ATTESTATIONS, &pubkey.0, end.as_deref())?
                    .iter()
                    .map(|(key, value)| {
                        let (source_epoch, signing_root) = decode_attestation(key, value)?;
                        Ok(SignedAttestation {
                            source_epoch,
                            target_epoch: key_u64(key, AFTER_PUBKEY)?,
                            signing_root,
                        })
                    })
                    .collect::<Result<_, StoreError>>()?;
                data.push(InterchangeData {
                    pubkey,
                    signed_blocks,
                    signed_attestations,
                });
            }
            Ok::<_, StoreError>(data)
        })?;
        interchange.data = data;
        Ok(interchange)
    }
}
