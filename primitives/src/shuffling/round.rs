//! The hashes one round of the swap-or-not shuffle draws from: its pivot and its swap bits.
//!
//! Both [`super::compute_shuffled_index`] and [`super::shuffle_list`] use these, so the two can
//! only differ in how they walk the list, never in what they hash.

use std::num::NonZeroU64;

use ethereum_hashing::hash_fixed;

use crate::types::Bytes32;

/// The hash inputs of one round: `seed + uint_to_bytes(uint8(round))`.
pub(super) struct RoundHasher {
    seed_round: [u8; 33],
}

impl RoundHasher {
    /// The hasher of round `round` under `seed`.
    pub(super) fn new(seed: &Bytes32, round: u8) -> Self {
        let mut seed_round = [0u8; 33];
        for (dst, src) in seed_round.iter_mut().zip(seed.iter().chain(&[round])) {
            *dst = *src;
        }
        Self { seed_round }
    }

    /// The round's pivot:
    /// `bytes_to_uint64(hash(seed + uint_to_bytes(uint8(round)))[0:8]) % index_count`.
    pub(super) fn pivot(&self, index_count: NonZeroU64) -> u64 {
        let [b0, b1, b2, b3, b4, b5, b6, b7, ..] = hash_fixed(&self.seed_round);
        u64::from_le_bytes([b0, b1, b2, b3, b4, b5, b6, b7]) % index_count
    }

    /// The 256 swap bits of the positions `256 * block .. 256 * block + 255`:
    /// `hash(seed + uint_to_bytes(uint8(round)) + uint_to_bytes(uint32(block)))`.
    pub(super) fn source(&self, block: u32) -> [u8; 32] {
        let mut input = [0u8; 37];
        for (dst, src) in input
            .iter_mut()
            .zip(self.seed_round.iter().chain(&block.to_le_bytes()))
        {
            *dst = *src;
        }
        hash_fixed(&input)
    }
}

/// The round numbers `0 .. shuffle_round_count`, as the spec's `uint8`.
///
/// Callers have checked the count against [`super::MAX_SHUFFLE_ROUND_COUNT`]; a larger one
/// would be cut at 256 rounds.
pub(super) fn rounds(shuffle_round_count: u64) -> impl DoubleEndedIterator<Item = u8> {
    (0..=u8::MAX).take(usize::try_from(shuffle_round_count).unwrap_or(usize::MAX))
}

/// Whether the pair whose larger position is `position` swaps: bit `position % 256` of its
/// block's source, `(source[(position % 256) // 8] >> (position % 8)) % 2`.
#[inline]
pub(super) fn swap_bit(source: &[u8; 32], position: u64) -> bool {
    let within = (position & 0xff) as usize;
    source
        .get(within >> 3)
        .is_some_and(|byte| (byte >> (within & 7)) & 1 == 1)
}

/// The block of `position`, `position // 256`, as the spec's `uint32`.
///
/// Callers have checked the list against [`super::MAX_SHUFFLE_LIST_SIZE`], so the block fits.
#[inline]
pub(super) fn block_of(position: u64) -> u32 {
    (position >> 8) as u32
}
