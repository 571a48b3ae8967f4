//! `compute_shuffled_index`: where one index lands under the swap-or-not shuffle.

use std::num::NonZeroU64;

use super::round::{RoundHasher, block_of, rounds, swap_bit};
use super::{ShuffleError, check_bounds};
use crate::types::Bytes32;

/// `compute_shuffled_index`: the position `index` takes in a list of `index_count` shuffled
/// with `seed` over `shuffle_round_count` rounds (`SHUFFLE_ROUND_COUNT` in the spec).
///
/// Costs two hashes per round; to shuffle a whole list use [`super::shuffle_list`].
pub fn compute_shuffled_index(
    index: u64,
    index_count: u64,
    seed: &Bytes32,
    shuffle_round_count: u64,
) -> Result<u64, ShuffleError> {
    check_bounds(shuffle_round_count, index_count)?;
    let count = NonZeroU64::new(index_count)
        .filter(|count| index < count.get())
        .ok_or(ShuffleError::IndexOutOfRange { index, index_count })?;
    let mut index = index;
    for round in rounds(shuffle_round_count) {
        let hasher = RoundHasher::new(seed, round);
        let pivot = hasher.pivot(count);
        // `(pivot + index_count - index) % index_count` without leaving [0, index_count): both
        // `pivot` and `index` are below `index_count`, so these saturating steps are exact.
        let flip = if index <= pivot {
            pivot.saturating_sub(index)
        } else {
            index_count.saturating_sub(index.saturating_sub(pivot))
        };
        let position = index.max(flip);
        if swap_bit(&hasher.source(block_of(position)), position) {
            index = flip;
        }
    }
    Ok(index)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_bad_input() {
        let seed = Bytes32::repeat_byte(7);
        assert_eq!(
            compute_shuffled_index(5, 5, &seed, 10),
            Err(ShuffleError::IndexOutOfRange {
                index: 5,
                index_count: 5
            })
        );
        assert_eq!(
            compute_shuffled_index(0, 0, &seed, 10),
            Err(ShuffleError::IndexOutOfRange {
                index: 0,
                index_count: 0
            })
        );
        assert_eq!(
            compute_shuffled_index(0, 10, &seed, 257),
            Err(ShuffleError::TooManyRounds { rounds: 257 })
        );
        assert!(compute_shuffled_index(0, 10, &seed, 256).is_ok());
        assert_eq!(
            compute_shuffled_index(0, (1 << 40) + 1, &seed, 10),
            Err(ShuffleError::ListTooLong { len: (1 << 40) + 1 })
        );
    }

    #[test]
    fn zero_rounds_and_single_element_are_identity() {
        let seed = Bytes32::repeat_byte(3);
        for i in 0..20 {
            assert_eq!(compute_shuffled_index(i, 20, &seed, 0), Ok(i));
        }
        assert_eq!(compute_shuffled_index(0, 1, &seed, 90), Ok(0));
    }

    #[test]
    fn is_a_permutation() {
        let seed = Bytes32::repeat_byte(0x5a);
        let n = 777;
        let mut seen = vec![false; n as usize];
        for i in 0..n {
            let j = compute_shuffled_index(i, n, &seed, 90).unwrap();
            assert!(!seen[j as usize], "{j} hit twice");
            seen[j as usize] = true;
        }
    }
}
