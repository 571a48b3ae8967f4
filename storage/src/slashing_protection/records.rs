//! The slashing protection tables and how their rows are laid out.
//!
//! Every key starts with the validator's 48-byte public key, then big-endian integers, so one
//! validator's rows are contiguous and ordered by slot or target epoch.

use primitives::types::{Epoch, PublicKeyBytes, Root, Shard, Slot};

use crate::StoreError;
use crate::engine::KvRead;

/// Public key -> [`ValidatorRecord`].
pub(crate) const VALIDATORS: &str = "slashing_protection_validators";
/// Public key ++ slot -> signing root (empty when unknown).
pub(crate) const BLOCKS: &str = "slashing_protection_blocks";
/// Public key ++ target epoch -> source epoch ++ signing root (absent when unknown).
pub(crate) const ATTESTATIONS: &str = "slashing_protection_attestations";
/// Public key ++ shard ++ slot -> signing root (empty when unknown).
pub(crate) const SHARD_BLOCKS: &str = "slashing_protection_shard_blocks";

pub(crate) const U64_LEN: usize = 8;
const ROOT_LEN: usize = 32;

/// A registered validator and the low watermarks its imported histories set.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct ValidatorRecord {
    /// Highest imported block slot: no block at or below it may be signed (bar exact repeats).
    pub(crate) block_watermark: Option<Slot>,
    /// Highest imported source epoch: no attestation with a lower source may be signed.
    pub(crate) source_watermark: Option<Epoch>,
    /// Highest imported target epoch: no attestation at or below it may be signed (bar exact
    /// repeats).
    pub(crate) target_watermark: Option<Epoch>,
}

/// Encoded length of a [`ValidatorRecord`]: three (flag, u64) pairs.
const RECORD_LEN: usize = 3 * (1 + U64_LEN);

impl ValidatorRecord {
    /// The row's bytes.
    pub(crate) fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(RECORD_LEN);
        for field in [
            self.block_watermark,
            self.source_watermark,
            self.target_watermark,
        ] {
            out.push(u8::from(field.is_some()));
            out.extend_from_slice(&field.unwrap_or(0).to_be_bytes());
        }
        out
    }

    /// Reads a row; anything but [`RECORD_LEN`] well-formed bytes is corruption.
    pub(crate) fn decode(key: &[u8], bytes: &[u8]) -> Result<Self, StoreError> {
        let corrupt =
            |reason: &str| StoreError::decode("slashing protection validator", key, reason);
        if bytes.len() != RECORD_LEN {
            return Err(corrupt("wrong length"));
        }
        let mut fields = bytes.chunks_exact(1 + U64_LEN).map(|chunk| {
            let (flag, value) = chunk.split_first().ok_or_else(|| corrupt("empty field"))?;
            let value = u64::from_be_bytes(value.try_into().map_err(|_| corrupt("short field"))?);
            match flag {
                0 => Ok(None),
                1 => Ok(Some(value)),
                _ => Err(corrupt("bad flag")),
            }
        });
        let mut next = || fields.next().ok_or_else(|| corrupt("missing field"))?;
        Ok(Self {
            block_watermark: next()?,
            source_watermark: next()?,
            target_watermark: next()?,
        })
    }
}

/// `pubkey ++ value`.
pub(crate) fn pubkey_u64_key(pubkey: &PublicKeyBytes, value: u64) -> Vec<u8> {
    [&pubkey.0[..], &value.to_be_bytes()[..]].concat()
}

/// `pubkey ++ shard ++ slot`.
pub(crate) fn shard_block_key(pubkey: &PublicKeyBytes, shard: Shard, slot: Slot) -> Vec<u8> {
    [
        &pubkey.0[..],
        &shard.to_be_bytes()[..],
        &slot.to_be_bytes()[..],
    ]
    .concat()
}

/// The first key after every key that starts with `prefix`, or `None` when there is none (a
/// prefix of all `0xff`).
pub(crate) fn prefix_end(prefix: &[u8]) -> Option<Vec<u8>> {
    let mut end = prefix.to_vec();
    while let Some(last) = end.pop() {
        if let Some(next) = last.checked_add(1) {
            end.push(next);
            return Some(end);
        }
    }
    None
}

/// A signing root as stored: empty for unknown.
pub(crate) fn encode_root(root: Option<Root>) -> Vec<u8> {
    root.map(|root| root.to_vec()).unwrap_or_default()
}

/// Reads a signing root stored by [`encode_root`].
pub(crate) fn decode_root(key: &[u8], bytes: &[u8]) -> Result<Option<Root>, StoreError> {
    match bytes.len() {
        0 => Ok(None),
        ROOT_LEN => Ok(<[u8; ROOT_LEN]>::try_from(bytes).ok().map(Root::from)),
        _ => Err(StoreError::decode(
            "slashing protection signing root",
            key,
            "wrong length",
        )),
    }
}

/// The u64 at `offset` of a key (slot, epoch or shard after the public key).
pub(crate) fn key_u64(key: &[u8], offset: usize) -> Result<u64, StoreError> {
    offset
        .checked_add(U64_LEN)
        .and_then(|end| key.get(offset..end))
        .and_then(|bytes| <[u8; U64_LEN]>::try_from(bytes).ok())
        .map(u64::from_be_bytes)
        .ok_or_else(|| StoreError::decode("slashing protection key", key, "too short"))
}

/// An attestation row: source epoch and signing root.
pub(crate) fn encode_attestation(source: Epoch, root: Option<Root>) -> Vec<u8> {
    [&source.to_be_bytes()[..], &encode_root(root)[..]].concat()
}

/// Reads an attestation row.
pub(crate) fn decode_attestation(
    key: &[u8],
    bytes: &[u8],
) -> Result<(Epoch, Option<Root>), StoreError> {
    let source = key_u64(bytes, 0)
        .map_err(|_| StoreError::decode("slashing protection attestation", key, "too short"))?;
    Ok((
        source,
        decode_root(key, bytes.get(U64_LEN..).unwrap_or_default())?,
    ))
}

/// The validator's record, if registered.
pub(crate) fn validator(
    txn: &dyn KvRead,
    pubkey: &PublicKeyBytes,
) -> Result<Option<ValidatorRecord>, StoreError> {
    txn.get(VALIDATORS, &pubkey.0)?
        .map(|bytes| ValidatorRecord::decode(&pubkey.0, &bytes))
        .transpose()
}

/// Offset of the first integer after the public key in a key.
pub(crate) const AFTER_PUBKEY: usize = PublicKeyBytes::LEN;
