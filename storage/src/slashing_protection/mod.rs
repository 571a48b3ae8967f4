//! Slashing protection: the validator client's record of every block and attestation it signed,
//! consulted before each new signature.
//!
//! A validator is slashed for signing two different beacon blocks at one slot, two different
//! attestations with one target epoch, or an attestation that surrounds (or is surrounded by)
//! another. [`SlashingDatabase`] refuses each of those, and refuses shard blocks on the same rule
//! as beacon blocks (keyed by shard and slot). The check and the record of the new signature
//! happen in one write transaction, so two concurrent requests cannot both pass, and a crash
//! between check and signature errs on the safe side: the message is recorded as signed.
//!
//! Histories move between clients as EIP-3076 interchange files ([`Interchange`]). An import
//! records the imported messages and raises per-validator low watermarks to the highest
//! imported slot, source and target: nothing at or below them is signed afterwards, except an
//! exact repeat of a recorded message. As EIP-3076 asks, nothing below a validator's lowest
//! recorded slot (per shard for shard blocks), source or target is signed either, so a history
//! pruned at its old end still protects.
//!
//! The checks scan the validator's attestation rows on either side of the new target: the cost
//! grows with the history, one row per epoch attested.

mod error;
mod import_export;
mod interchange;
mod records;
#[cfg(test)]
mod tests;

use std::path::Path;
use std::sync::Arc;

use primitives::types::{Epoch, PublicKeyBytes, Root, Shard, Slot};

pub use error::{InterchangeError, NotSafe};
pub use import_export::ImportSummary;
pub use interchange::{
    INTERCHANGE_FORMAT_VERSION, Interchange, InterchangeData, InterchangeMetadata,
    SignedAttestation, SignedBlock,
};

use crate::StoreError;
use crate::engine::{Engine, KvWrite, MemoryEngine, RedbEngine};
use records::{
    AFTER_PUBKEY, ATTESTATIONS, BLOCKS, SHARD_BLOCKS, U64_LEN, VALIDATORS, ValidatorRecord,
    decode_attestation, decode_root, encode_attestation, encode_root, key_u64, prefix_end,
    pubkey_u64_key, shard_block_key, validator,
};

/// A signing request found safe.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Safe {
    /// A new message: it is now recorded as signed.
    Valid,
    /// Exactly the message signed before (same signing root): signing it again is harmless.
    SameData,
}

/// The slashing protection database: in a redb file (its own, or the node's store file) or in
/// memory. Clones share the same data.
#[derive(Clone)]
pub struct SlashingDatabase {
    engine: Engine,
}

impl SlashingDatabase {
    /// Opens (or creates) a database file of its own at `path`.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, StoreError> {
        Ok(Self::from_engine(Engine::Redb(Arc::new(RedbEngine::open(
            path.as_ref(),
        )?))))
    }

    /// An empty database in memory.
    pub fn in_memory() -> Self {
        Self::from_engine(Engine::Memory(Arc::new(MemoryEngine::default())))
    }

    /// Over an engine another store already holds.
    pub(crate) fn from_engine(engine: Engine) -> Self {
        Self { engine }
    }

    /// Registers a validator, with an empty history. Registering again changes nothing.
    pub fn register_validator(&self, pubkey: &PublicKeyBytes) -> Result<(), StoreError> {
        self.register_validators(std::slice::from_ref(pubkey))
    }

    /// Registers validators in one transaction.
    pub fn register_validators(&self, pubkeys: &[PublicKeyBytes]) -> Result<(), StoreError> {
        self.engine.write(|txn| {
            pubkeys
                .iter()
                .try_for_each(|pubkey| register(txn, pubkey).map(|_| ()))
        })
    }

    /// Whether a validator is registered.
    pub fn is_registered(&self, pubkey: &PublicKeyBytes) -> Result<bool, StoreError> {
        self.engine
            .read(|txn| Ok(validator(txn, pubkey)?.is_some()))
    }

    /// The registered validators, ordered by public key.
    pub fn registered_validators(&self) -> Result<Vec<PublicKeyBytes>, StoreError> {
        self.engine.read(|txn| {
            txn.range(VALIDATORS, &[], None)?
                .iter()
                .map(|(key, _)| {
                    PublicKeyBytes::from_slice(key).ok_or_else(|| {
                        StoreError::decode("slashing protection validator", key, "key length")
                    })
                })
                .collect()
        })
    }

    /// Checks that signing a beacon block at `slot` with `signing_root` is safe and, if it is
    /// new, records it, in one transaction.
    pub fn check_and_insert_block_proposal(
        &self,
        pubkey: &PublicKeyBytes,
        slot: Slot,
        signing_root: Root,
    ) -> Result<Safe, NotSafe> {
        self.engine.write(|txn| {
            let record = registered(txn, pubkey)?;
            let key = pubkey_u64_key(pubkey, slot);
            if let Some(bytes) = txn.get(BLOCKS, &key)? {
                let previous = decode_root(&key, &bytes)?;
                return if previous == Some(signing_root) {
                    Ok(Safe::SameData)
                } else {
                    Err(NotSafe::DoubleBlockProposal { slot, previous })
                };
            }
            let end = prefix_end(&pubkey.0);
            let history = txn.range(BLOCKS, &pubkey_u64_key(pubkey, 0), end.as_deref())?;
            if let Some((first, _)) = history.first() {
                let lowest = key_u64(first, AFTER_PUBKEY)?;
                if slot < lowest {
                    return Err(NotSafe::SlotBelowHistory { slot, lowest });
                }
            }
            if let Some(watermark) = record
                .block_watermark
                .filter(|watermark| slot <= *watermark)
            {
                return Err(NotSafe::SlotNotAboveWatermark { slot, watermark });
            }
            txn.put(BLOCKS, &key, &encode_root(Some(signing_root)))?;
            Ok(Safe::Valid)
        })
    }

    /// Checks that signing a shard block of `shard` at `slot` with `signing_root` is safe and,
    /// if it is new, records it, in one transaction.
    pub fn check_and_insert_shard_block_proposal(
        &self,
        pubkey: &PublicKeyBytes,
        shard: Shard,
        slot: Slot,
        signing_root: Root,
    ) -> Result<Safe, NotSafe> {
        self.engine.write(|txn| {
            registered(txn, pubkey)?;
            let key = shard_block_key(pubkey, shard, slot);
            if let Some(bytes) = txn.get(SHARD_BLOCKS, &key)? {
                let previous = decode_root(&key, &bytes)?;
                return if previous == Some(signing_root) {
                    Ok(Safe::SameData)
                } else {
                    Err(NotSafe::DoubleShardBlockProposal {
                        shard,
                        slot,
                        previous,
                    })
                };
            }
            let start = shard_block_key(pubkey, shard, 0);
            let end = shard_block_key(pubkey, shard, u64::MAX);
            let history = txn.range(SHARD_BLOCKS, &start, Some(&end))?;
            if let Some((first, _)) = history.first() {
                let lowest = key_u64(first, AFTER_PUBKEY + U64_LEN)?;
                if slot < lowest {
                    return Err(NotSafe::ShardSlotBelowHistory {
                        shard,
                        slot,
                        lowest,
                    });
                }
            }
            txn.put(SHARD_BLOCKS, &key, &encode_root(Some(signing_root)))?;
            Ok(Safe::Valid)
        })
    }

    /// Checks that signing an attestation from `source` to `target` with `signing_root` is
    /// safe (no double vote, no surround either way, above the imported watermarks) and, if it
    /// is new, records it, in one transaction.
    pub fn check_and_insert_attestation(
        &self,
        pubkey: &PublicKeyBytes,
        source: Epoch,
        target: Epoch,
        signing_root: Root,
    ) -> Result<Safe, NotSafe> {
        self.engine.write(|txn| {
            let record = registered(txn, pubkey)?;
            if source > target {
                return Err(NotSafe::SourceAfterTarget {
                    source_epoch: source,
                    target_epoch: target,
                });
            }
            let key = pubkey_u64_key(pubkey, target);
            if let Some(bytes) = txn.get(ATTESTATIONS, &key)? {
                let (_, previous) = decode_attestation(&key, &bytes)?;
                return if previous == Some(signing_root) {
                    Ok(Safe::SameData)
                } else {
                    Err(NotSafe::DoubleVote {
                        target_epoch: target,
                        previous,
                    })
                };
            }
            // Earlier targets: the new vote surrounds one whose source is later than its own.
            let mut lowest_source: Option<Epoch> = None;
            let earlier = txn.range(ATTESTATIONS, &pubkey_u64_key(pubkey, 0), Some(&key))?;
            for (previous_key, bytes) in &earlier {
                let (previous_source, _) = decode_attestation(previous_key, bytes)?;
                lowest_source =
                    Some(lowest_source.map_or(previous_source, |l| l.min(previous_source)));
                if source < previous_source {
                    let previous_target = key_u64(previous_key, AFTER_PUBKEY)?;
                    return Err(NotSafe::SurroundingVote {
                        source_epoch: source,
                        target_epoch: target,
                        previous_source,
                        previous_target,
                    });
                }
            }
            // Later targets: a vote whose source is earlier than the new one surrounds it.
            let later = match target.checked_add(1) {
                Some(next) => {
                    let end = prefix_end(&pubkey.0);
                    txn.range(ATTESTATIONS, &pubkey_u64_key(pubkey, next), end.as_deref())?
                }
                None => Vec::new(),
            };
            for (previous_key, bytes) in &later {
                let (previous_source, _) = decode_attestation(previous_key, bytes)?;
                lowest_source =
                    Some(lowest_source.map_or(previous_source, |l| l.min(previous_source)));
                if previous_source < source {
                    let previous_target = key_u64(previous_key, AFTER_PUBKEY)?;
                    return Err(NotSafe::SurroundedVote {
                        source_epoch: source,
                        target_epoch: target,
                        previous_source,
                        previous_target,
                    });
                }
            }
            if let Some(lowest) = lowest_source.filter(|lowest| source < *lowest) {
                return Err(NotSafe::SourceBelowHistory {
                    source_epoch: source,
                    lowest,
                });
            }
            if let (true, Some((first, _))) = (earlier.is_empty(), later.first()) {
                let lowest = key_u64(first, AFTER_PUBKEY)?;
                return Err(NotSafe::TargetBelowHistory {
                    target_epoch: target,
                    lowest,
                });
            }
            if let Some(watermark) = record
                .source_watermark
                .filter(|watermark| source < *watermark)
            {
                return Err(NotSafe::SourceBelowWatermark {
                    source_epoch: source,
                    watermark,
                });
            }
            if let Some(watermark) = record
                .target_watermark
                .filter(|watermark| target <= *watermark)
            {
                return Err(NotSafe::TargetNotAboveWatermark {
                    target_epoch: target,
                    watermark,
                });
            }
            txn.put(
                ATTESTATIONS,
                &key,
                &encode_attestation(source, Some(signing_root)),
            )?;
            Ok(Safe::Valid)
        })
    }
}

/// The record of a registered validator, or [`NotSafe::UnregisteredValidator`].
fn registered(txn: &dyn KvWrite, pubkey: &PublicKeyBytes) -> Result<ValidatorRecord, NotSafe> {
    validator(txn, pubkey)?.ok_or(NotSafe::UnregisteredValidator(*pubkey))
}

/// Registers `pubkey` if it is not yet; returns its record.
fn register(txn: &mut dyn KvWrite, pubkey: &PublicKeyBytes) -> Result<ValidatorRecord, StoreError> {
    if let Some(record) = validator(txn, pubkey)? {
        return Ok(record);
    }
    let record = ValidatorRecord::default();
    txn.put(VALIDATORS, &pubkey.0, &record.encode())?;
    Ok(record)
}
