//! `shuffle_list`: the swap-or-not permutation applied to a whole list at once.
//!
//! Each round of the shuffle is an involution that pairs position `i` with
//! `flip = (pivot - i) mod n` and swaps the pair when the source bit of its larger position is
//! set. The pairs fall in two mirrored segments, `[0, pivot]` and `(pivot, n)`; walking each
//! from its ends inwards, the larger position descends by one per pair, so one source hash
//! serves 256 consecutive pairs. A round thus costs about `n / 512 + 3` hashes instead of the
//! `2 n` that [`super::compute_shuffled_index`] would take for every index.

use std::num::NonZeroU64;

use super::round::{RoundHasher, block_of, rounds, swap_bit};
use super::{ShuffleError, check_bounds};
use crate::types::Bytes32;

/// Shuffles `input` in place with `seed` over `shuffle_round_count` rounds.
///
/// With `forwards == false` (the "backwards" shuffle, what committees use) the result is
/// `[input[compute_shuffled_index(i)] for i in 0..n]`, so `compute_committee` of the spec is a
/// slice of it. With `forwards == true` it is the inverse: the element at `i` moves to
/// `compute_shuffled_index(i)`. Shuffling one way then the other gives back the input. Lists of
/// zero or one element are left as they are.
///
/// Elements are `Copy` so that each swap compiles to a select: its bit is a coin flip, and a
/// branch on it mispredicts every other pair (the select halves the time per shuffle).
pub fn shuffle_list<T: Copy>(
    input: &mut [T],
    shuffle_round_count: u64,
    seed: &Bytes32,
    forwards: bool,
) -> Result<(), ShuffleError> {
    let len =
        u64::try_from(input.len()).map_err(|_| ShuffleError::ListTooLong { len: u64::MAX })?;
    check_bounds(shuffle_round_count, len)?;
    let Some(count) = NonZeroU64::new(len) else {
        return Ok(());
    };
    // compute_shuffled_index applies round 0 to the index first; on a list, the round applied
    // last is the one composed first, so the backwards shuffle runs the rounds in reverse.
    let order = rounds(shuffle_round_count);
    if forwards {
        order.for_each(|round| shuffle_round(input, count, &RoundHasher::new(seed, round)));
    } else {
        order
            .rev()
            .for_each(|round| shuffle_round(input, count, &RoundHasher::new(seed, round)));
    }
    Ok(())
}

/// One round on the whole list: the segments `[0, pivot]` and `(pivot, n)`, each mirrored.
fn shuffle_round<T: Copy>(list: &mut [T], count: NonZeroU64, hasher: &RoundHasher) {
    let pivot = hasher.pivot(count);
    // pivot < count = list.len(), so it fits in usize and the split is in range.
    let Some((low, high)) = list.split_at_mut_checked((pivot as usize).saturating_add(1)) else {
        return;
    };
    swap_mirrored(low, pivot, hasher);
    swap_mirrored(high, count.get().saturating_sub(1), hasher);
}

/// Swaps `segment[k]` with `segment[len - 1 - k]` where the source bit of the latter's position
/// is set; `top` is the position of the segment's last element in the whole list.
fn swap_mirrored<T: Copy>(segment: &mut [T], top: u64, hasher: &RoundHasher) {
    let half = segment.len() / 2;
    if half == 0 {
        return;
    }
    let Some((front, back)) = segment.split_at_mut_checked(half) else {
        return;
    };
    let mut block = block_of(top);
    let mut source = hasher.source(block);
    let pairs = front.iter_mut().zip(back.iter_mut().rev());
    for ((a, b), position) in pairs.zip((0..=top).rev()) {
        let position_block = block_of(position);
        if position_block != block {
            block = position_block;
            source = hasher.source(block);
        }
        // The bit is a coin flip: a select instead of a branch spares a misprediction on every
        // other pair.
        let swap = swap_bit(&source, position);
        let (x, y) = (*a, *b);
        *a = if swap { y } else { x };
        *b = if swap { x } else { y };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shuffling::compute_shuffled_index;
    use proptest::prelude::*;

    fn identity(n: usize) -> Vec<u64> {
        (0..n as u64).collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(96))]

        #[test]
        fn agrees_with_compute_shuffled_index(
            len in prop_oneof![0usize..=2, 3usize..300, 300usize..1300],
            seed: [u8; 32],
            rounds in prop_oneof![4 => 0u64..=12, 1 => Just(90u64)],
        ) {
            let seed = Bytes32::from(seed);
            let n = len as u64;
            let expected: Vec<u64> = (0..n)
                .map(|i| compute_shuffled_index(i, n, &seed, rounds).unwrap())
                .collect();

            let mut backwards = identity(len);
            shuffle_list(&mut backwards, rounds, &seed, false).unwrap();
            prop_assert_eq!(&backwards, &expected);

            let mut forwards = identity(len);
            shuffle_list(&mut forwards, rounds, &seed, true).unwrap();
            for (i, &to) in expected.iter().enumerate() {
                prop_assert_eq!(forwards[to as usize], i as u64);
            }

            shuffle_list(&mut forwards, rounds, &seed, false).unwrap();
            prop_assert_eq!(forwards, identity(len));
        }
    }

    #[test]
    fn shuffles_any_element_type() {
        let seed = Bytes32::repeat_byte(9);
        let mut names: Vec<(char, u64)> = (0..50).map(|i| ('v', i)).collect();
        let mut indices = identity(50);
        shuffle_list(&mut names, 10, &seed, false).unwrap();
        shuffle_list(&mut indices, 10, &seed, false).unwrap();
        let expected: Vec<(char, u64)> = indices.iter().map(|&i| ('v', i)).collect();
        assert_eq!(names, expected);
        assert_ne!(
            indices,
            identity(50),
            "50 elements over 10 rounds left unmoved"
        );
    }

    #[test]
    fn refuses_too_many_rounds() {
        let mut list = identity(4);
        assert_eq!(
            shuffle_list(&mut list, 300, &Bytes32::ZERO, false),
            Err(ShuffleError::TooManyRounds { rounds: 300 })
        );
        assert_eq!(list, identity(4));
    }
}
