//! The spec's math helpers (`integer_squareroot`, `xor`, byte conversions) and the misc
//! slot/epoch helpers that need only the chain configuration.

use crate::config::ChainConfig;
use crate::types::{Bytes32, Epoch, Slot};

/// Why a math helper refused its input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MathError {
    /// The result does not fit in a `uint64`, where the spec's arithmetic would fail too.
    #[error("{what} overflows uint64")]
    Overflow {
        /// The quantity being computed.
        what: &'static str,
    },
    /// A configuration value used as a divisor is zero.
    #[error("{what} is zero")]
    ZeroDivisor {
        /// The configuration value.
        what: &'static str,
    },
    /// `bytes_to_uint64` got a value that does not fit in 64 bits.
    #[error("{len} bytes do not hold a uint64")]
    NotAUint64 {
        /// The number of bytes given.
        len: usize,
    },
}

/// `integer_squareroot`: the largest `x` with `x * x <= n`.
///
/// The spec's Newton loop computes `(x + 1) // 2`, which leaves `uint64` for `n = 2**64 - 1`;
/// the standard library's integer square root returns the same floor for every `n` without it.
pub fn integer_squareroot(n: u64) -> u64 {
    n.isqrt()
}

/// `xor`: the byte-wise exclusive-or of two 32-byte strings.
pub fn xor(bytes_1: &Bytes32, bytes_2: &Bytes32) -> Bytes32 {
    let mut out = [0u8; 32];
    for ((o, a), b) in out.iter_mut().zip(bytes_1.iter()).zip(bytes_2.iter()) {
        *o = a ^ b;
    }
    Bytes32::from(out)
}

/// An unsigned integer type of the spec (`uint8` ... `uint64`) and its little-endian bytes.
pub trait Uint: Copy {
    /// `[u8; size_of::<Self>()]`.
    type Bytes: AsRef<[u8]> + Copy;
    /// The little-endian encoding.
    fn to_le(self) -> Self::Bytes;
}

macro_rules! impl_uint {
    ($($t:ty),*) => {
        $(impl Uint for $t {
            type Bytes = [u8; size_of::<$t>()];
            fn to_le(self) -> Self::Bytes {
                self.to_le_bytes()
            }
        })*
    };
}
impl_uint!(u8, u16, u32, u64);

/// `uint_to_bytes`: `n` in little-endian (`ENDIANNESS`), as many bytes as its type has.
pub fn uint_to_bytes<T: Uint>(n: T) -> T::Bytes {
    n.to_le()
}

/// `bytes_to_uint64`: `data` read as a little-endian integer, which must fit in 64 bits.
///
/// Like the spec's `uint64(int.from_bytes(data, ENDIANNESS))`, more than eight bytes are
/// accepted when the extra high-order bytes are zero.
pub fn bytes_to_uint64(data: &[u8]) -> Result<u64, MathError> {
    let (low, high) = data.split_at(data.len().min(8));
    if high.iter().any(|&b| b != 0) {
        return Err(MathError::NotAUint64 { len: data.len() });
    }
    let mut le = [0u8; 8];
    for (dst, src) in le.iter_mut().zip(low) {
        *dst = *src;
    }
    Ok(u64::from_le_bytes(le))
}

/// `compute_epoch_at_slot`: the epoch that holds `slot`.
pub fn compute_epoch_at_slot(slot: Slot, config: &ChainConfig) -> Result<Epoch, MathError> {
    slot.checked_div(config.slots_per_epoch)
        .ok_or(MathError::ZeroDivisor {
            what: "SLOTS_PER_EPOCH",
        })
}

/// `compute_start_slot_at_epoch`: the first slot of `epoch`.
pub fn compute_start_slot_at_epoch(epoch: Epoch, config: &ChainConfig) -> Result<Slot, MathError> {
    epoch
        .checked_mul(config.slots_per_epoch)
        .ok_or(MathError::Overflow {
            what: "epoch * SLOTS_PER_EPOCH",
        })
}

/// `compute_activation_exit_epoch`: the epoch in which activations and exits initiated in
/// `epoch` take effect.
pub fn compute_activation_exit_epoch(
    epoch: Epoch,
    config: &ChainConfig,
) -> Result<Epoch, MathError> {
    epoch
        .checked_add(1)
        .and_then(|e| e.checked_add(config.max_seed_lookahead))
        .ok_or(MathError::Overflow {
            what: "epoch + 1 + MAX_SEED_LOOKAHEAD",
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::PresetName;
    use proptest::prelude::*;

    /// The spec's loop, in `u128` so that it cannot overflow.
    fn spec_integer_squareroot(n: u64) -> u64 {
        let n = u128::from(n);
        let mut x = n;
        let mut y = x.div_ceil(2);
        while y < x {
            x = y;
            y = (x + n / x) / 2;
        }
        u64::try_from(x).unwrap()
    }

    #[test]
    fn integer_squareroot_edges() {
        for (n, root) in [
            (0, 0),
            (1, 1),
            (2, 1),
            (3, 1),
            (4, 2),
            (15, 3),
            (16, 4),
            (u64::MAX, u64::from(u32::MAX)),
        ] {
            assert_eq!(integer_squareroot(n), root, "n = {n}");
            assert_eq!(spec_integer_squareroot(n), root, "n = {n}");
        }
    }

    proptest! {
        #[test]
        fn integer_squareroot_matches_the_spec_loop(n: u64) {
            prop_assert_eq!(integer_squareroot(n), spec_integer_squareroot(n));
        }

        #[test]
        fn uint64_round_trips(n: u64) {
            prop_assert_eq!(bytes_to_uint64(&uint_to_bytes(n)), Ok(n));
        }
    }

    #[test]
    fn xor_is_bytewise() {
        let a = Bytes32::repeat_byte(0b1010_1010);
        let mut b = Bytes32::repeat_byte(0b0110_0110);
        b.0[31] = 0xff;
        let x = xor(&a, &b);
        assert_eq!(x.0[0], 0b1100_1100);
        assert_eq!(x.0[31], 0b0101_0101);
        assert_eq!(xor(&x, &b), a);
    }

    #[test]
    fn byte_conversions_are_little_endian() {
        assert_eq!(uint_to_bytes(0x0102_u16), [0x02, 0x01]);
        assert_eq!(uint_to_bytes(7_u8), [7]);
        assert_eq!(uint_to_bytes(0x0102_0304_u32), [4, 3, 2, 1]);
        assert_eq!(bytes_to_uint64(&[1, 2]), Ok(0x0201));
        assert_eq!(bytes_to_uint64(&[]), Ok(0));
        let mut long = [0u8; 12];
        long[0] = 5;
        assert_eq!(bytes_to_uint64(&long), Ok(5));
        long[8] = 1;
        assert_eq!(
            bytes_to_uint64(&long),
            Err(MathError::NotAUint64 { len: 12 })
        );
    }

    #[test]
    fn slot_and_epoch_helpers() {
        let config = ChainConfig::preset(PresetName::Minimal);
        assert_eq!(config.slots_per_epoch, 8);
        assert_eq!(compute_epoch_at_slot(0, &config), Ok(0));
        assert_eq!(compute_epoch_at_slot(7, &config), Ok(0));
        assert_eq!(compute_epoch_at_slot(8, &config), Ok(1));
        assert_eq!(compute_start_slot_at_epoch(3, &config), Ok(24));
        assert!(compute_start_slot_at_epoch(u64::MAX, &config).is_err());
        assert_eq!(
            compute_activation_exit_epoch(10, &config),
            Ok(10 + 1 + config.max_seed_lookahead)
        );
        assert!(compute_activation_exit_epoch(u64::MAX, &config).is_err());

        let mut broken = config.clone();
        broken.slots_per_epoch = 0;
        assert_eq!(
            compute_epoch_at_slot(5, &broken),
            Err(MathError::ZeroDivisor {
                what: "SLOTS_PER_EPOCH"
            })
        );
    }
}
