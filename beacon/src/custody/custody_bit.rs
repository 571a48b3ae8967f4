//! The custody bit: a validator's custody secret mixed with shard data by a universal hash,
//! then turned into one bit by Legendre symbols modulo `CUSTODY_PRIME`.

use alloy_primitives::U256;
use primitives::ChainConfig;
use primitives::bls::Signature;
use primitives::types::SignatureBytes;

use super::CustodyError;

/// Bytes of one base field element of BLS12-381 in a compressed point.
const FP_BYTES: usize = 48;
/// The stride between custody secrets in the signature's bytes, fixed by the spec.
const SECRET_STRIDE: usize = 32;
/// The compression flags in the first byte of a compressed point.
const FLAG_BITS: u8 = 0b1110_0000;
/// The point-at-infinity flag.
const INFINITY_FLAG: u8 = 0b0100_0000;

/// `legendre_bit`: the Legendre (Jacobi) symbol `(a/q)` as a bit, `((a/q) + 1) // 2`, by the
/// spec's binary algorithm. `q` must be odd.
pub fn legendre_bit(a: U256, q: U256) -> Result<bool, CustodyError> {
    let mut a = a.checked_rem(q).ok_or(CustodyError::EvenModulus)?;
    if a.is_zero() {
        return Ok(false);
    }
    if !q.bit(0) {
        return Err(CustodyError::EvenModulus);
    }
    // `positive` is the spec's `t == 1`.
    let mut positive = true;
    let mut n = q;
    while !a.is_zero() {
        while !a.bit(0) {
            a = a.wrapping_shr(1);
            if matches!(n.byte(0) & 7, 3 | 5) {
                positive = !positive;
            }
        }
        std::mem::swap(&mut a, &mut n);
        if a.byte(0) & 3 == 3 && n.byte(0) & 3 == 3 {
            positive = !positive;
        }
        // `n` is the previous `a`, which is not zero.
        a = a.checked_rem(n).ok_or(CustodyError::EvenModulus)?;
    }
    Ok(n == U256::from(1u8) && positive)
}

/// `get_custody_atoms`: `bytez` right-padded with zeros to whole atoms of
/// `BYTES_PER_CUSTODY_ATOM` bytes, cut into those atoms.
pub fn get_custody_atoms(bytez: &[u8], config: &ChainConfig) -> Result<Vec<Vec<u8>>, CustodyError> {
    let atom = usize::try_from(config.bytes_per_custody_atom)
        .ok()
        .filter(|atom| *atom > 0)
        .ok_or(CustodyError::BadConstant {
            what: "BYTES_PER_CUSTODY_ATOM",
        })?;
    Ok(bytez
        .chunks(atom)
        .map(|chunk| {
            let mut padded = chunk.to_vec();
            padded.resize(atom, 0);
            padded
        })
        .collect())
}

/// `get_custody_secrets`: the custody secrets of a custody key (a BLS signature), read from
/// the `x` coordinate of its G2 point.
///
/// The spec takes `x = c0 + c1 * i` of the decompressed point and reads `c0 || c1`, each as 48
/// little-endian bytes, in slices of `BYTES_PER_CUSTODY_ATOM` bytes every 32 bytes. A
/// compressed point carries `x` as `c1 || c0` big-endian under three flag bits, so the key is
/// decompressed only to check it is a point; the point at infinity has `x = 1` in the spec's
/// coordinates.
pub fn get_custody_secrets(
    key: &SignatureBytes,
    config: &ChainConfig,
) -> Result<Vec<U256>, CustodyError> {
    Signature::from_bytes(key).map_err(CustodyError::BadKey)?;
    let atom = usize::try_from(config.bytes_per_custody_atom)
        .ok()
        .filter(|atom| (1..=32).contains(atom))
        .ok_or(CustodyError::BadConstant {
            what: "BYTES_PER_CUSTODY_ATOM",
        })?;
    let compressed = key.as_bytes();
    // A 96-byte array always splits at 48.
    let (c1_be, c0_be) = compressed.split_at(FP_BYTES);
    let mut signature_bytes = Vec::with_capacity(2 * FP_BYTES);
    if compressed.first().is_some_and(|b| b & INFINITY_FLAG != 0) {
        signature_bytes.push(1u8);
        signature_bytes.resize(2 * FP_BYTES, 0);
    } else {
        signature_bytes.extend(c0_be.iter().rev());
        let mut c1_le: Vec<u8> = c1_be.iter().rev().copied().collect();
        if let Some(top) = c1_le.last_mut() {
            *top &= !FLAG_BITS;
        }
        signature_bytes.extend(c1_le);
    }
    Ok((0..signature_bytes.len())
        .step_by(SECRET_STRIDE)
        .map(|i| {
            let end = i.saturating_add(atom).min(signature_bytes.len());
            U256::from_le_slice(signature_bytes.get(i..end).unwrap_or_default())
        })
        .collect())
}

/// `universal_hash_function`: `(sum(secrets[i % CUSTODY_SECRETS]**i * atom_i % CUSTODY_PRIME)
/// + secrets[n % CUSTODY_SECRETS]**n) % CUSTODY_PRIME` over the `n` atoms.
pub fn universal_hash_function(
    data_chunks: &[Vec<u8>],
    secrets: &[U256],
    config: &ChainConfig,
) -> Result<U256, CustodyError> {
    let prime = custody_prime(config)?;
    let secret = |i: usize| -> Result<U256, CustodyError> {
        let count = usize::try_from(config.custody_secrets).unwrap_or(usize::MAX);
        i.checked_rem(count)
            .and_then(|at| secrets.get(at))
            .copied()
            .ok_or(CustodyError::BadConstant {
                what: "CUSTODY_SECRETS",
            })
    };
    let mut sum = U256::ZERO;
    for (i, atom) in data_chunks.iter().enumerate() {
        let atom = U256::try_from_le_slice(atom).ok_or(CustodyError::BadConstant {
            what: "BYTES_PER_CUSTODY_ATOM",
        })?;
        let term = secret(i)?
            .pow_mod(U256::from(i), prime)
            .mul_mod(atom, prime);
        sum = sum.add_mod(term, prime);
    }
    let n = data_chunks.len();
    Ok(sum.add_mod(secret(n)?.pow_mod(U256::from(n), prime), prime))
}

/// `compute_custody_bit`: whether the `CUSTODY_PROBABILITY_EXPONENT` Legendre bits of
/// `uhf + secrets[0] + i` modulo `CUSTODY_PRIME` are all one.
pub fn compute_custody_bit(
    key: &SignatureBytes,
    data: &[u8],
    config: &ChainConfig,
) -> Result<bool, CustodyError> {
    let prime = custody_prime(config)?;
    let custody_atoms = get_custody_atoms(data, config)?;
    let secrets = get_custody_secrets(key, config)?;
    let uhf = universal_hash_function(&custody_atoms, &secrets, config)?;
    let first = secrets.first().copied().ok_or(CustodyError::BadConstant {
        what: "CUSTODY_SECRETS",
    })?;
    let base = uhf.add_mod(first, prime);
    for i in 0..config.custody_probability_exponent {
        if !legendre_bit(base.add_mod(U256::from(i), prime), prime)? {
            return Ok(false);
        }
    }
    Ok(true)
}

/// `CUSTODY_PRIME`, refused when zero.
fn custody_prime(config: &ChainConfig) -> Result<U256, CustodyError> {
    Some(config.custody_prime)
        .filter(|p| !p.is_zero())
        .ok_or(CustodyError::BadConstant {
            what: "CUSTODY_PRIME",
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use primitives::PresetName;

    fn config() -> ChainConfig {
        ChainConfig::preset(PresetName::Minimal)
    }

    fn u(value: u64) -> U256 {
        U256::from(value)
    }

    // The expected bits come from the spec's Python `legendre_bit`.
    #[test]
    fn legendre_bit_matches_the_spec_for_composite_moduli() {
        let q15 = [
            0, 1, 1, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0,
            0, 0,
        ];
        for (a, bit) in q15.iter().enumerate() {
            assert_eq!(legendre_bit(u(a as u64), u(15)), Ok(*bit == 1), "a = {a}");
        }
        let q21 = [
            0, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 1, 0,
        ];
        for (a, bit) in q21.iter().enumerate() {
            assert_eq!(legendre_bit(u(a as u64), u(21)), Ok(*bit == 1), "a = {a}");
        }
        assert_eq!(legendre_bit(u(3), u(10)), Err(CustodyError::EvenModulus));
        assert_eq!(
            legendre_bit(u(3), U256::ZERO),
            Err(CustodyError::EvenModulus)
        );
    }

    #[test]
    fn legendre_bit_matches_the_spec_modulo_the_custody_prime() {
        let p = config().custody_prime;
        let cases = [
            (u(1), true),
            (u(2), false),
            (u(5), false),
            (u(12_345_678_901_234_567_890), true),
            (p - u(1), false),
            (p + u(3), false),
            (U256::MAX, false),
        ];
        for (a, bit) in cases {
            assert_eq!(legendre_bit(a, p), Ok(bit), "a = {a}");
        }
    }

    #[test]
    fn atoms_are_right_padded() {
        let atoms = get_custody_atoms(&[1, 2, 3], &config()).unwrap();
        assert_eq!(atoms.len(), 1);
        assert_eq!(atoms[0][..3], [1, 2, 3]);
        assert!(atoms[0][3..].iter().all(|b| *b == 0));
        assert_eq!(get_custody_atoms(&[0; 64], &config()).unwrap().len(), 2);
        assert!(get_custody_atoms(&[], &config()).unwrap().is_empty());
    }

    // The expected hashes come from the spec's Python `universal_hash_function`.
    #[test]
    fn universal_hash_matches_the_spec() {
        let secrets = [
            (U256::from(1u8) << 255) + u(12345),
            U256::MAX,
            U256::from(98_765_432_109_876_543_210u128),
        ];
        let atoms = vec![
            (0u8..32).collect::<Vec<u8>>(),
            vec![0xff; 32],
            vec![7; 32],
            vec![0; 32],
        ];
        let hex = |s: &str| U256::from_str_radix(s, 16).unwrap();
        assert_eq!(
            universal_hash_function(&atoms, &secrets, &config()),
            Ok(hex(
                "1f1e1d1c1b1a191817161514131211a3ffbef80c38ca9ce5607872303fa7d400"
            ))
        );
        assert_eq!(
            universal_hash_function(&atoms[..3], &secrets, &config()),
            Ok(hex(
                "7f1e1d1c1b1a191817161514131211a3ffbef80c38ca9ce5607873f0225645cb"
            ))
        );
        assert_eq!(universal_hash_function(&[], &secrets, &config()), Ok(u(1)));
        assert!(universal_hash_function(&atoms, &secrets[..2], &config()).is_err());
    }

    #[test]
    fn secrets_of_the_point_at_infinity_and_of_garbage() {
        let infinity = Signature::infinity().to_bytes();
        assert_eq!(
            get_custody_secrets(&infinity, &config()),
            Ok(vec![u(1), U256::ZERO, U256::ZERO])
        );
        assert!(matches!(
            get_custody_secrets(&SignatureBytes([0x11; 96]), &config()),
            Err(CustodyError::BadKey(_))
        ));
    }

    #[test]
    fn secrets_read_x_of_a_signature() {
        let key = primitives::bls::interop_secret_key(0).unwrap();
        let signature = key
            .sign(primitives::types::Hash256::repeat_byte(3))
            .to_bytes();
        let bytes = signature.as_bytes();
        let secrets = get_custody_secrets(&signature, &config()).unwrap();
        assert_eq!(secrets.len(), 3);
        // The first secret is the low 32 bytes of x's real part, the last 48 bytes of the
        // compressed point read big-endian.
        let c0_low: Vec<u8> = bytes[64..].iter().rev().copied().collect();
        assert_eq!(secrets[0], U256::from_le_slice(&c0_low));
    }
}
