//! Hierarchical key derivation: EIP-2333 (tree of secret keys from a seed) and EIP-2334 (the
//! paths validators use in that tree, `m/12381/3600/<account>/0[/0]`).

use std::fmt;
use std::str::FromStr;

use blst::min_pk;

use super::{BlsError, SecretKey};

/// EIP-2334's `purpose` level: the name of the curve.
pub const EIP2334_PURPOSE: u32 = 12381;
/// EIP-2334's `coin_type` level for Ethereum's consensus layer.
pub const EIP2334_COIN_TYPE: u32 = 3600;
/// Levels EIP-2334 requires below the root: purpose, coin type, account and use.
const MIN_DEPTH: usize = 4;

/// EIP-2333 `derive_master_SK(seed)`; the seed must be at least 32 bytes.
pub fn derive_master_sk(seed: &[u8]) -> Result<SecretKey, BlsError> {
    min_pk::SecretKey::derive_master_eip2333(seed)
        .map(SecretKey::from_blst)
        .map_err(|_| BlsError::SeedTooShort { len: seed.len() })
}

/// EIP-2333 `derive_child_SK(parent_SK, index)`.
pub fn derive_child_sk(parent: &SecretKey, index: u32) -> SecretKey {
    SecretKey::from_blst(parent.as_blst().derive_child_eip2333(index))
}

/// Why a derivation path was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DerivationPathError {
    /// The path does not start with the root `m`.
    #[error("path must start with \"m\"")]
    MissingRoot,
    /// Two slashes in a row, or a trailing slash.
    #[error("empty level at position {position}")]
    EmptyLevel {
        /// The level's position below the root, from 1.
        position: usize,
    },
    /// A level that is not a canonical decimal `u32` (no sign, no leading zero, no hardening
    /// mark: EIP-2333 derivation is always hardened).
    #[error("level {segment:?} is not a decimal index below 2^32")]
    InvalidIndex {
        /// The text of the level.
        segment: String,
    },
    /// The first level is not EIP-2334's purpose, 12381.
    #[error("purpose must be {EIP2334_PURPOSE}, got {found}")]
    WrongPurpose {
        /// The purpose given.
        found: u32,
    },
    /// Fewer levels than `purpose/coin_type/account/use`.
    #[error("path has {depth} levels, EIP-2334 needs at least {MIN_DEPTH}")]
    TooShort {
        /// The levels given.
        depth: usize,
    },
}

/// Which of a validator's two EIP-2334 keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    /// `m/12381/3600/<account>/0`.
    Withdrawal,
    /// `m/12381/3600/<account>/0/0`.
    Signing,
}

/// An EIP-2334 path: the child indexes below the master key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DerivationPath(Vec<u32>);

impl DerivationPath {
    /// The path of a validator's withdrawal or signing key (EIP-2334).
    pub fn validator(account: u32, kind: KeyKind) -> Self {
        let mut levels = vec![EIP2334_PURPOSE, EIP2334_COIN_TYPE, account, 0];
        if kind == KeyKind::Signing {
            levels.push(0);
        }
        Self(levels)
    }

    /// Parses `m/12381/<coin_type>/<account>/<use>[/...]`.
    pub fn parse(text: &str) -> Result<Self, DerivationPathError> {
        let mut parts = text.split('/');
        if parts.next() != Some("m") {
            return Err(DerivationPathError::MissingRoot);
        }
        let levels = parts
            .zip(1..)
            .map(|(segment, position)| parse_level(segment, position))
            .collect::<Result<Vec<u32>, _>>()?;
        match levels.first() {
            Some(&purpose) if purpose != EIP2334_PURPOSE => {
                Err(DerivationPathError::WrongPurpose { found: purpose })
            }
            _ if levels.len() < MIN_DEPTH => Err(DerivationPathError::TooShort {
                depth: levels.len(),
            }),
            _ => Ok(Self(levels)),
        }
    }

    /// The child indexes, from the master key down.
    pub fn indexes(&self) -> &[u32] {
        &self.0
    }

    /// The key at this path in the tree grown from `seed`.
    pub fn derive(&self, seed: &[u8]) -> Result<SecretKey, BlsError> {
        let master = derive_master_sk(seed)?;
        Ok(self
            .0
            .iter()
            .fold(master, |parent, &index| derive_child_sk(&parent, index)))
    }
}

fn parse_level(segment: &str, position: usize) -> Result<u32, DerivationPathError> {
    let invalid = || DerivationPathError::InvalidIndex {
        segment: segment.to_owned(),
    };
    if segment.is_empty() {
        return Err(DerivationPathError::EmptyLevel { position });
    }
    // `u32::from_str` would take "+1" and "007"; a path has one spelling.
    let canonical = segment.bytes().all(|b| b.is_ascii_digit())
        && (segment == "0" || !segment.starts_with('0'));
    if !canonical {
        return Err(invalid());
    }
    segment.parse().map_err(|_| invalid())
}

impl FromStr for DerivationPath {
    type Err = DerivationPathError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}

impl fmt::Display for DerivationPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("m")?;
        for index in &self.0 {
            write!(f, "/{index}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::U256;

    fn decimal(sk: &SecretKey) -> U256 {
        U256::from_be_bytes(*sk.serialize())
    }

    /// EIP-2333's test cases: (seed, master_SK, child_index, child_SK).
    const EIP2333_CASES: &[(&str, &str, u32, &str)] = &[
        (
            "c55257c360c07c72029aebc1b53c05ed0362ada38ead3e3e9efa3708e53495531f09a6987599d18264c1e1c92f2cf141630c7a3c4ab7c81b2f001698e7463b04",
            "6083874454709270928345386274498605044986640685124978867557563392430687146096",
            0,
            "20397789859736650942317412262472558107875392172444076792671091975210932703118",
        ),
        (
            "3141592653589793238462643383279502884197169399375105820974944592",
            "29757020647961307431480504535336562678282505419141012933316116377660817309383",
            3141592653,
            "25457201688850691947727629385191704516744796114925897962676248250929345014287",
        ),
        (
            "0099FF991111002299DD7744EE3355BBDD8844115566CC55663355668888CC00",
            "27580842291869792442942448775674722299803720648445448686099262467207037398656",
            4294967295,
            "29358610794459428860402234341874281240803786294062035874021252734817515685787",
        ),
        (
            "d4e56740f876aef8c010b86a40d5f56745a118d0906a34e69aec8c0db1cb8fa3",
            "19022158461524446591288038168518313374041767046816487870552872741050760015818",
            42,
            "31372231650479070279774297061823572166496564838472787488249775572789064611981",
        ),
    ];

    #[test]
    fn eip2333_test_vectors() {
        for (seed, master, index, child) in EIP2333_CASES {
            let seed = hex::decode(seed).unwrap();
            let master_sk = derive_master_sk(&seed).unwrap();
            assert_eq!(decimal(&master_sk), master.parse::<U256>().unwrap());
            let child_sk = derive_child_sk(&master_sk, *index);
            assert_eq!(decimal(&child_sk), child.parse::<U256>().unwrap());
        }
    }

    #[test]
    fn short_seed_is_refused() {
        assert_eq!(
            derive_master_sk(&[1; 31]).unwrap_err(),
            BlsError::SeedTooShort { len: 31 }
        );
    }

    #[test]
    fn parses_eip2334_paths() {
        let path = DerivationPath::parse("m/12381/3600/0/0/0").unwrap();
        assert_eq!(path.indexes(), &[12381, 3600, 0, 0, 0]);
        assert_eq!(path, DerivationPath::validator(0, KeyKind::Signing));
        assert_eq!(path.to_string(), "m/12381/3600/0/0/0");
        let withdrawal: DerivationPath = "m/12381/3600/7/0".parse().unwrap();
        assert_eq!(
            withdrawal,
            DerivationPath::validator(7, KeyKind::Withdrawal)
        );
        assert!(DerivationPath::parse("m/12381/3600/4294967295/0").is_ok());
    }

    #[test]
    fn bad_paths_are_typed_errors() {
        use DerivationPathError::*;
        let cases: &[(&str, DerivationPathError)] = &[
            ("", MissingRoot),
            ("12381/3600/0/0", MissingRoot),
            ("M/12381/3600/0/0", MissingRoot),
            ("m", TooShort { depth: 0 }),
            ("m/12381/3600/0", TooShort { depth: 3 }),
            ("m/12381//0/0", EmptyLevel { position: 2 }),
            ("m/12381/3600/0/0/", EmptyLevel { position: 5 }),
            ("m/44/3600/0/0", WrongPurpose { found: 44 }),
        ];
        for (text, expected) in cases {
            assert_eq!(
                &DerivationPath::parse(text).unwrap_err(),
                expected,
                "{text}"
            );
        }
        for bad in [
            "m/12381/3600/0'/0",
            "m/12381/3600/+1/0",
            "m/12381/3600/01/0",
        ] {
            assert!(
                matches!(DerivationPath::parse(bad), Err(InvalidIndex { .. })),
                "{bad}"
            );
        }
        assert_eq!(
            DerivationPath::parse("m/12381/3600/4294967296/0").unwrap_err(),
            InvalidIndex {
                segment: "4294967296".into()
            }
        );
    }

    #[test]
    fn derive_walks_the_path() {
        let seed = [0x42u8; 32];
        let path = DerivationPath::validator(3, KeyKind::Signing);
        let mut expected = derive_master_sk(&seed).unwrap();
        for index in [12381, 3600, 3, 0, 0] {
            expected = derive_child_sk(&expected, index);
        }
        assert_eq!(
            *path.derive(&seed).unwrap().serialize(),
            *expected.serialize()
        );
        let withdrawal = DerivationPath::validator(3, KeyKind::Withdrawal)
            .derive(&seed)
            .unwrap();
        assert_ne!(*withdrawal.serialize(), *expected.serialize());
    }
}
