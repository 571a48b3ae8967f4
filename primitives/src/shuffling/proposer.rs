//! `compute_proposer_index`: a validator sampled from a list with odds set by effective balance.

use std::num::NonZeroU64;

use ethereum_hashing::hash_fixed;

use super::{ShuffleError, compute_shuffled_index};
use crate::types::{Bytes32, Gwei, ValidatorIndex};

/// `MAX_RANDOM_BYTE` of `compute_proposer_index`: `2**8 - 1`.
pub const MAX_RANDOM_BYTE: u64 = 255;

/// `compute_proposer_index`: walks `indices` in shuffled order and accepts candidate `i` when
/// `effective_balance * MAX_RANDOM_BYTE >= max_effective_balance * random_byte(i)`.
///
/// `effective_balance_of` gives a validator's effective balance, or `None` for an unknown
/// index. The loop ends with probability one: a random byte of zero accepts any candidate,
/// and each byte comes from a fresh hash.
pub fn compute_proposer_index<F>(
    indices: &[ValidatorIndex],
    seed: &Bytes32,
    effective_balance_of: F,
    max_effective_balance: Gwei,
    shuffle_round_count: u64,
) -> Result<ValidatorIndex, ShuffleError>
where
    F: Fn(ValidatorIndex) -> Option<Gwei>,
{
    let total = u64::try_from(indices.len())
        .ok()
        .and_then(NonZeroU64::new)
        .ok_or(ShuffleError::NoCandidates)?;
    // hash(seed + uint_to_bytes(uint64(i // 32))) serves 32 consecutive i.
    let mut random_bytes: Option<(u64, [u8; 32])> = None;
    let mut i: u64 = 0;
    loop {
        let shuffled = compute_shuffled_index(i % total, total.get(), seed, shuffle_round_count)?;
        let candidate = usize::try_from(shuffled)
            .ok()
            .and_then(|at| indices.get(at))
            .copied()
            .ok_or(ShuffleError::IndexOutOfRange {
                index: shuffled,
                index_count: total.get(),
            })?;

        let block = i / 32;
        let hash = match random_bytes {
            Some((cached, hash)) if cached == block => hash,
            _ => {
                let hash = random_hash(seed, block);
                random_bytes = Some((block, hash));
                hash
            }
        };
        let random_byte = hash.get((i & 31) as usize).copied().map_or(0, u64::from);

        let effective_balance = effective_balance_of(candidate)
            .ok_or(ShuffleError::UnknownValidator { index: candidate })?;
        let weight =
            effective_balance
                .checked_mul(MAX_RANDOM_BYTE)
                .ok_or(ShuffleError::Overflow {
                    what: "effective_balance * MAX_RANDOM_BYTE",
                })?;
        let threshold =
            max_effective_balance
                .checked_mul(random_byte)
                .ok_or(ShuffleError::Overflow {
                    what: "MAX_EFFECTIVE_BALANCE * random_byte",
                })?;
        if weight >= threshold {
            return Ok(candidate);
        }
        i = i.checked_add(1).ok_or(ShuffleError::Overflow {
            what: "proposer sampling counter",
        })?;
    }
}

/// `hash(seed + uint_to_bytes(uint64(block)))`.
fn random_hash(seed: &Bytes32, block: u64) -> [u8; 32] {
    let mut input = [0u8; 40];
    for (dst, src) in input
        .iter_mut()
        .zip(seed.iter().chain(&block.to_le_bytes()))
    {
        *dst = *src;
    }
    hash_fixed(&input)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use sha2::{Digest, Sha256};

    const MAX: u64 = 32_000_000_000;

    /// The spec's loop, transcribed with nothing cached and hashed by another SHA-256.
    fn spec_proposer(indices: &[u64], seed: &Bytes32, balances: &[u64], rounds: u64) -> u64 {
        let total = indices.len() as u64;
        let mut i = 0u64;
        loop {
            let candidate =
                indices[compute_shuffled_index(i % total, total, seed, rounds).unwrap() as usize];
            let mut hasher = Sha256::new();
            hasher.update(seed.as_slice());
            hasher.update((i / 32).to_le_bytes());
            let random_byte = u64::from(hasher.finalize()[(i % 32) as usize]);
            if balances[candidate as usize] * 255 >= MAX * random_byte {
                return candidate;
            }
            i += 1;
        }
    }

    proptest! {
        #[test]
        fn matches_the_spec_loop(
            balances in proptest::collection::vec(
                prop_oneof![Just(0u64), Just(MAX), 0..=MAX], 1..40),
            seed: [u8; 32],
            rounds in 0u64..=12,
        ) {
            let seed = Bytes32::from(seed);
            // Candidates in reverse registry order, so position and validator index differ.
            let indices: Vec<u64> = (0..balances.len() as u64).rev().collect();
            let ours = compute_proposer_index(
                &indices, &seed, |v| balances.get(v as usize).copied(), MAX, rounds,
            ).unwrap();
            prop_assert_eq!(ours, spec_proposer(&indices, &seed, &balances, rounds));
        }
    }

    #[test]
    fn full_balance_takes_the_first_candidate() {
        let seed = Bytes32::repeat_byte(1);
        let indices: Vec<u64> = (100..150).collect();
        let first = indices[compute_shuffled_index(0, 50, &seed, 10).unwrap() as usize];
        let chosen = compute_proposer_index(&indices, &seed, |_| Some(MAX), MAX, 10).unwrap();
        assert_eq!(chosen, first);
    }

    #[test]
    fn zero_balance_is_rarely_chosen() {
        let balances = [0, MAX];
        let mut zero_chosen = 0;
        for s in 0..=255u8 {
            let seed = Bytes32::repeat_byte(s);
            let chosen = compute_proposer_index(
                &[0, 1],
                &seed,
                |v| balances.get(v as usize).copied(),
                MAX,
                10,
            )
            .unwrap();
            if chosen == 0 {
                zero_chosen += 1;
            }
        }
        // It needs a zero random byte while it is the candidate: about 1 seed in 512.
        assert!(
            zero_chosen <= 4,
            "zero-balance validator chosen {zero_chosen} times"
        );
    }

    #[test]
    fn refuses_bad_input() {
        let seed = Bytes32::ZERO;
        assert_eq!(
            compute_proposer_index(&[], &seed, |_| Some(MAX), MAX, 10),
            Err(ShuffleError::NoCandidates)
        );
        assert_eq!(
            compute_proposer_index(&[7], &seed, |_| None, MAX, 10),
            Err(ShuffleError::UnknownValidator { index: 7 })
        );
        assert_eq!(
            compute_proposer_index(&[7], &seed, |_| Some(u64::MAX), MAX, 10),
            Err(ShuffleError::Overflow {
                what: "effective_balance * MAX_RANDOM_BYTE"
            })
        );
    }
}
