//! The checks of one `ssz_generic` case, for the SSZ type its name selects.
//!
//! A `valid` case must decode, re-encode to the same bytes, equal `value.yaml` and have the
//! hash tree root of `meta.yaml`; an `invalid` case must fail to decode.

use serde::Deserialize;
use ssz::{Decode, Encode};
use tree_hash::TreeHash;

use super::yaml::YamlView;
use crate::{Case, CaseError, Outcome};

/// A type the `ssz_generic` vectors exercise.
pub trait SszGeneric: Encode + Decode + TreeHash + YamlView {}

impl<T: Encode + Decode + TreeHash + YamlView> SszGeneric for T {}

/// The suite of a case: `valid` or `invalid`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Suite {
    /// The bytes encode a value of the type.
    Valid,
    /// The bytes must be rejected by the type's decoder.
    Invalid,
}

/// `meta.yaml` of a valid case.
#[derive(Debug, Deserialize)]
struct Meta {
    /// The hash tree root, `0x`-prefixed hex.
    root: String,
}

/// Runs `case` of `suite` as a value of type `T`.
pub fn check<T: SszGeneric>(case: &Case, suite: Suite) -> Result<Outcome, CaseError> {
    match suite {
        Suite::Valid => check_valid::<T>(case),
        Suite::Invalid => check_invalid::<T>(case),
    }
}

fn check_valid<T: SszGeneric>(case: &Case) -> Result<Outcome, CaseError> {
    let bytes = case.bytes("serialized.ssz")?;
    let value = T::from_ssz_bytes(&bytes).map_err(|e| CaseError::Ssz {
        path: case.file("serialized.ssz"),
        message: format!("{e:?}"),
    })?;

    let encoded = value.as_ssz_bytes();
    if encoded != bytes {
        return Err(CaseError::mismatch(
            "re-encoding",
            hex::encode(&bytes),
            hex::encode(&encoded),
        ));
    }

    let expected: serde_yaml_ng::Value = case.yaml("value.yaml")?;
    let got = value.to_yaml();
    if got != expected {
        return Err(CaseError::mismatch("value.yaml", expected, got));
    }

    let meta: Meta = case.yaml("meta.yaml")?;
    let expected_root = meta
        .root
        .strip_prefix("0x")
        .and_then(|h| hex::decode(h).ok())
        .ok_or_else(|| {
            CaseError::Unexpected(format!("meta.yaml root {:?} is not hex", meta.root))
        })?;
    let root = value.tree_hash_root();
    if root.as_slice() != expected_root.as_slice() {
        return Err(CaseError::mismatch(
            "hash_tree_root",
            meta.root,
            format!("{root:#x}"),
        ));
    }
    Ok(Outcome::Passed)
}

fn check_invalid<T: SszGeneric>(case: &Case) -> Result<Outcome, CaseError> {
    let bytes = case.bytes("serialized.ssz")?;
    match T::from_ssz_bytes(&bytes) {
        Err(_) => Ok(Outcome::Passed),
        Ok(value) => Err(CaseError::Unexpected(format!(
            "invalid bytes {} decoded, to {:?}",
            hex::encode(&bytes),
            value.to_yaml()
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::handlers::ssz_generic::containers::SmallTestStruct;
    use std::path::PathBuf;

    /// A case directory under the system's temporary directory, removed on drop.
    struct TempCase(Case);

    impl TempCase {
        fn new(tag: &str, files: &[(&str, &[u8])]) -> Self {
            let path: PathBuf = std::env::temp_dir()
                .join(format!("shardnet-ssz-generic-{}-{tag}", std::process::id()));
            std::fs::create_dir_all(&path).unwrap();
            for (name, contents) in files {
                std::fs::write(path.join(name), contents).unwrap();
            }
            Self(Case {
                path,
                name: format!("test/{tag}"),
            })
        }
    }

    impl Drop for TempCase {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0.path);
        }
    }

    const SMALL: &[u8] = &[0x01, 0x00, 0x02, 0x00];
    const SMALL_ROOT: &[u8] =
        b"{root: '0xff55c97976a840b4ced964ed49e3794594ba3f675238b5fd25d282b60f70a194'}";

    #[test]
    fn a_correct_case_passes() {
        let case = TempCase::new(
            "ok",
            &[
                ("serialized.ssz", SMALL),
                ("value.yaml", b"{A: 1, B: 2}"),
                ("meta.yaml", SMALL_ROOT),
            ],
        );
        assert!(matches!(
            check::<SmallTestStruct>(&case.0, Suite::Valid),
            Ok(Outcome::Passed)
        ));
    }

    #[test]
    fn a_wrong_value_fails() {
        let case = TempCase::new(
            "value",
            &[
                ("serialized.ssz", SMALL),
                ("value.yaml", b"{A: 1, B: 3}"),
                ("meta.yaml", SMALL_ROOT),
            ],
        );
        let err = check::<SmallTestStruct>(&case.0, Suite::Valid).unwrap_err();
        assert!(matches!(err, CaseError::Mismatch { ref what, .. } if what == "value.yaml"));
    }

    #[test]
    fn a_wrong_root_fails() {
        let case = TempCase::new(
            "root",
            &[
                ("serialized.ssz", SMALL),
                ("value.yaml", b"{A: 1, B: 2}"),
                ("meta.yaml", b"{root: '0x01'}"),
            ],
        );
        let err = check::<SmallTestStruct>(&case.0, Suite::Valid).unwrap_err();
        assert!(matches!(err, CaseError::Mismatch { ref what, .. } if what == "hash_tree_root"));
    }

    #[test]
    fn decodable_bytes_in_the_invalid_suite_fail() {
        let case = TempCase::new("invalid", &[("serialized.ssz", SMALL)]);
        assert!(check::<SmallTestStruct>(&case.0, Suite::Invalid).is_err());
        let short = TempCase::new("short", &[("serialized.ssz", &SMALL[..3])]);
        assert!(check::<SmallTestStruct>(&short.0, Suite::Invalid).is_ok());
    }
}
