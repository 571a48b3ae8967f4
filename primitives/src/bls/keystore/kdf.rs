//! The KDF module: scrypt (RFC 7914) and PBKDF2-HMAC-SHA256 (RFC 2898), with the bounds that
//! keep a hostile keystore from asking for gigabytes of memory or hours of work.

use serde_json::{Map, Value};
use sha2::Sha256;
use zeroize::Zeroizing;

use super::KeystoreError;
use super::json::{ModuleJson, decode_hex, refuse_leftovers, take_param};

/// The length of the derived key: 16 bytes of AES-128 key, then 16 bytes for the checksum.
pub const DKLEN: usize = 32;
/// The largest scrypt `n` accepted (2^20: 1 GiB of memory with `r = 8`).
pub const MAX_SCRYPT_N: u32 = 1 << 20;
/// The most memory scrypt may use, `128 * r * (n + p)` bytes: 1 GiB for the table of `n`
/// blocks (`n = 2^20, r = 8`) and up to 1 MiB more for the `p` lanes.
pub const MAX_SCRYPT_MEMORY: u64 = (1 << 30) + (1 << 20);
/// The most scrypt work accepted, `n * r * p`: that of `n = 2^20, r = 8, p = 1`.
pub const MAX_SCRYPT_WORK: u64 = 1 << 23;
/// The largest PBKDF2 iteration count accepted (2^24, 64 times the EIP's 2^18).
pub const MAX_PBKDF2_C: u32 = 1 << 24;
/// The longest salt accepted, in bytes.
pub const MAX_SALT_LEN: usize = 1024;
/// The salt length of keystores this crate writes.
pub const SALT_LEN: usize = 32;

const MODULE: &str = "kdf";
const PRF_HMAC_SHA256: &str = "hmac-sha256";

/// A keystore's key derivation function with its parameters, checked against the bounds above.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kdf {
    /// scrypt with `dklen` 32.
    Scrypt {
        /// CPU/memory cost, a power of two.
        n: u32,
        /// Block size.
        r: u32,
        /// Parallelization.
        p: u32,
        /// The salt.
        salt: Vec<u8>,
    },
    /// PBKDF2 with HMAC-SHA256 and `dklen` 32.
    Pbkdf2 {
        /// Iteration count.
        c: u32,
        /// The salt.
        salt: Vec<u8>,
    },
}

/// Which KDF, at which cost, a new keystore uses. The salt comes with the other nonces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KdfSettings {
    /// scrypt with these parameters.
    Scrypt {
        /// CPU/memory cost, a power of two.
        n: u32,
        /// Block size.
        r: u32,
        /// Parallelization.
        p: u32,
    },
    /// PBKDF2-HMAC-SHA256 with this iteration count.
    Pbkdf2 {
        /// Iteration count.
        c: u32,
    },
}

impl KdfSettings {
    /// scrypt as the EIP's test vector and the deposit CLI use it: `n = 2^18, r = 8, p = 1`
    /// (256 MiB, about a second).
    pub const SCRYPT: Self = Self::Scrypt {
        n: 1 << 18,
        r: 8,
        p: 1,
    };
    /// PBKDF2 as the EIP's test vector uses it: `c = 2^18`.
    pub const PBKDF2: Self = Self::Pbkdf2 { c: 1 << 18 };

    /// These settings with `salt`, checked against the bounds.
    pub fn with_salt(self, salt: Vec<u8>) -> Result<Kdf, KeystoreError> {
        check_salt(&salt)?;
        match self {
            Self::Scrypt { n, r, p } => {
                check_scrypt(n.into(), r.into(), p.into())?;
                Ok(Kdf::Scrypt { n, r, p, salt })
            }
            Self::Pbkdf2 { c } => {
                check_pbkdf2(c.into())?;
                Ok(Kdf::Pbkdf2 { c, salt })
            }
        }
    }
}

impl Default for KdfSettings {
    /// [`KdfSettings::SCRYPT`].
    fn default() -> Self {
        Self::SCRYPT
    }
}

impl Kdf {
    /// The salt.
    pub fn salt(&self) -> &[u8] {
        match self {
            Self::Scrypt { salt, .. } | Self::Pbkdf2 { salt, .. } => salt,
        }
    }

    /// The 32-byte decryption key for an already normalized password.
    pub(super) fn derive(&self, password: &[u8]) -> Result<Zeroizing<[u8; DKLEN]>, KeystoreError> {
        let mut key = Zeroizing::new([0u8; DKLEN]);
        match self {
            Self::Scrypt { n, r, p, salt } => {
                let log_n = u8::try_from(n.trailing_zeros()).map_err(|_| scrypt_n(*n))?;
                let params = scrypt::Params::new(log_n, *r, *p, DKLEN)
                    .map_err(|_| scrypt_cost(*n, *r, *p))?;
                scrypt::scrypt(password, salt, &params, key.as_mut())
                    .map_err(|e| KeystoreError::Kdf(e.to_string()))?;
            }
            Self::Pbkdf2 { c, salt } => {
                pbkdf2::pbkdf2_hmac::<Sha256>(password, salt, *c, key.as_mut());
            }
        }
        Ok(key)
    }

    /// From the JSON module, every parameter checked.
    pub(super) fn from_module(module: ModuleJson) -> Result<Self, KeystoreError> {
        if !module.message.is_empty() {
            return Err(KeystoreError::KdfMessageNotEmpty);
        }
        let mut params = module.params;
        let kdf = match module.function.as_str() {
            "scrypt" => {
                check_dklen(&mut params)?;
                let n = take_u64(&mut params, "n")?;
                let r = take_u64(&mut params, "r")?;
                let p = take_u64(&mut params, "p")?;
                let salt = take_salt(&mut params)?;
                check_scrypt(n, r, p)?;
                // The bounds checked above keep all three within u32.
                let narrow = |v: u64| u32::try_from(v).map_err(|_| scrypt_cost_u64(n, r, p));
                Self::Scrypt {
                    n: narrow(n)?,
                    r: narrow(r)?,
                    p: narrow(p)?,
                    salt,
                }
            }
            "pbkdf2" => {
                check_dklen(&mut params)?;
                let c = take_u64(&mut params, "c")?;
                let prf = take_param(&mut params, MODULE, "prf")?;
                match prf {
                    Value::String(prf) if prf == PRF_HMAC_SHA256 => {}
                    Value::String(prf) => return Err(KeystoreError::UnknownPrf { prf }),
                    _ => return Err(param_type("prf", "a string")),
                }
                let salt = take_salt(&mut params)?;
                check_pbkdf2(c)?;
                Self::Pbkdf2 {
                    c: u32::try_from(c).map_err(|_| KeystoreError::Pbkdf2Rounds { c })?,
                    salt,
                }
            }
            _ => {
                return Err(KeystoreError::UnknownKdf {
                    function: module.function,
                });
            }
        };
        refuse_leftovers(MODULE, params)?;
        Ok(kdf)
    }

    /// The JSON module.
    pub(super) fn to_module(&self) -> ModuleJson {
        let mut params = Map::new();
        params.insert("dklen".into(), DKLEN.into());
        let function = match self {
            Self::Scrypt { n, r, p, salt } => {
                params.insert("n".into(), (*n).into());
                params.insert("r".into(), (*r).into());
                params.insert("p".into(), (*p).into());
                params.insert("salt".into(), hex::encode(salt).into());
                "scrypt"
            }
            Self::Pbkdf2 { c, salt } => {
                params.insert("c".into(), (*c).into());
                params.insert("prf".into(), PRF_HMAC_SHA256.into());
                params.insert("salt".into(), hex::encode(salt).into());
                "pbkdf2"
            }
        };
        ModuleJson {
            function: function.into(),
            params,
            message: String::new(),
        }
    }
}

fn check_dklen(params: &mut Map<String, Value>) -> Result<(), KeystoreError> {
    let dklen = take_u64(params, "dklen")?;
    if dklen == DKLEN as u64 {
        Ok(())
    } else {
        Err(KeystoreError::DerivedKeyLength { dklen })
    }
}

fn take_u64(params: &mut Map<String, Value>, name: &'static str) -> Result<u64, KeystoreError> {
    take_param(params, MODULE, name)?
        .as_u64()
        .ok_or_else(|| param_type(name, "a non-negative integer"))
}

fn take_salt(params: &mut Map<String, Value>) -> Result<Vec<u8>, KeystoreError> {
    let Value::String(text) = take_param(params, MODULE, "salt")? else {
        return Err(param_type("salt", "a hex string"));
    };
    let salt = decode_hex("kdf salt", &text)?;
    check_salt(&salt)?;
    Ok(salt)
}

fn param_type(name: &'static str, expected: &'static str) -> KeystoreError {
    KeystoreError::ParamType {
        module: MODULE,
        name,
        expected,
    }
}

fn check_salt(salt: &[u8]) -> Result<(), KeystoreError> {
    if salt.is_empty() || salt.len() > MAX_SALT_LEN {
        return Err(KeystoreError::SaltLength { len: salt.len() });
    }
    Ok(())
}

/// `n` a power of two in `[2, MAX_SCRYPT_N]`; `r, p >= 1`; memory and work within bounds; and
/// RFC 7914's own conditions (`n < 2^(16 r)`, `r * p < 2^30`).
fn check_scrypt(n: u64, r: u64, p: u64) -> Result<(), KeystoreError> {
    if !n.is_power_of_two() || n < 2 || n > u64::from(MAX_SCRYPT_N) {
        return Err(KeystoreError::ScryptN { n });
    }
    let cost = || scrypt_cost_u64(n, r, p);
    if r == 0 || p == 0 {
        return Err(cost());
    }
    let memory = n
        .checked_add(p)
        .and_then(|blocks| blocks.checked_mul(r))
        .and_then(|words| words.checked_mul(128))
        .ok_or_else(cost)?;
    let work = n
        .checked_mul(r)
        .and_then(|nr| nr.checked_mul(p))
        .ok_or_else(cost)?;
    let log_n = u64::from(n.trailing_zeros());
    let rfc_ok = log_n < r.saturating_mul(16) && r.saturating_mul(p) < 1 << 30;
    if memory > MAX_SCRYPT_MEMORY || work > MAX_SCRYPT_WORK || !rfc_ok {
        return Err(cost());
    }
    Ok(())
}

fn check_pbkdf2(c: u64) -> Result<(), KeystoreError> {
    if c == 0 || c > u64::from(MAX_PBKDF2_C) {
        return Err(KeystoreError::Pbkdf2Rounds { c });
    }
    Ok(())
}

fn scrypt_n(n: u32) -> KeystoreError {
    KeystoreError::ScryptN { n: n.into() }
}

fn scrypt_cost(n: u32, r: u32, p: u32) -> KeystoreError {
    scrypt_cost_u64(n.into(), r.into(), p.into())
}

fn scrypt_cost_u64(n: u64, r: u64, p: u64) -> KeystoreError {
    KeystoreError::ScryptCost { n, r, p }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrypt_bounds() {
        assert!(check_scrypt(1 << 18, 8, 1).is_ok());
        assert!(check_scrypt(1 << 20, 8, 1).is_ok());
        assert!(check_scrypt(2, 1, 1).is_ok());
        assert!(check_scrypt(2, 1 << 21, 1).is_ok());
        for n in [0, 1, 3, 1000, 1 << 21, u64::MAX] {
            assert_eq!(check_scrypt(n, 8, 1), Err(KeystoreError::ScryptN { n }));
        }
        for (n, r, p) in [
            (1 << 10, 0, 1),
            (1 << 10, 8, 0),
            (1 << 20, 9, 1),
            (1 << 20, 8, 2),
            // within the work bound, beyond the memory bound
            (2, 1 << 22, 1),
            (1 << 10, u64::MAX, 1),
            (1 << 10, 1, u64::MAX),
            (1 << 10, 1 << 30, 1 << 30),
            // n must stay below 2^(16 r)
            (1 << 16, 1, 1),
        ] {
            assert_eq!(
                check_scrypt(n, r, p),
                Err(KeystoreError::ScryptCost { n, r, p }),
                "{n} {r} {p}"
            );
        }
    }

    #[test]
    fn pbkdf2_bounds() {
        assert!(check_pbkdf2(1).is_ok());
        assert!(check_pbkdf2(1 << 24).is_ok());
        for c in [0, (1 << 24) + 1, u64::MAX] {
            assert_eq!(check_pbkdf2(c), Err(KeystoreError::Pbkdf2Rounds { c }));
        }
    }

    #[test]
    fn settings_are_checked() {
        assert!(KdfSettings::SCRYPT.with_salt(vec![1; 32]).is_ok());
        assert!(KdfSettings::PBKDF2.with_salt(vec![1; 32]).is_ok());
        assert_eq!(
            KdfSettings::SCRYPT.with_salt(Vec::new()),
            Err(KeystoreError::SaltLength { len: 0 })
        );
        assert_eq!(
            KdfSettings::Pbkdf2 { c: 0 }.with_salt(vec![1; 32]),
            Err(KeystoreError::Pbkdf2Rounds { c: 0 })
        );
        assert_eq!(
            KdfSettings::Scrypt { n: 3, r: 8, p: 1 }.with_salt(vec![1; 32]),
            Err(KeystoreError::ScryptN { n: 3 })
        );
    }
}
