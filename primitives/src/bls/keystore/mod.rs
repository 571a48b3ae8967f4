//! EIP-2335 keystores: a BLS secret key encrypted under a password, as JSON (version 4).
//!
//! Opening one takes three steps, each named by a module of the file:
//! 1. `kdf`: the password, normalized ([`normalize_password`]), is stretched by scrypt or
//!    PBKDF2-HMAC-SHA256 into a 32-byte decryption key;
//! 2. `checksum`: `sha256(key[16..32] ‖ ciphertext)` must equal the stored checksum (compared in
//!    constant time), else the password is wrong;
//! 3. `cipher`: AES-128-CTR with `key[0..16]` and the stored IV turns the ciphertext into the
//!    secret, whose public key must equal the stored `pubkey`.
//!
//! Everything here works on strings and bytes; reading and writing files is the caller's. Every
//! field of a loaded keystore is checked when it is parsed ([`Keystore::from_json`]), KDF costs
//! included, so a hostile file cannot make decryption allocate gigabytes or run for hours.

mod error;
mod json;
mod kdf;
mod password;
mod uuid;

#[cfg(test)]
mod tests;

use std::fmt;
use std::str::FromStr;

use aes::Aes128;
use ctr::cipher::{KeyIvInit, StreamCipher};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Map;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

pub use error::KeystoreError;
pub use kdf::{
    DKLEN, Kdf, KdfSettings, MAX_PBKDF2_C, MAX_SALT_LEN, MAX_SCRYPT_MEMORY, MAX_SCRYPT_N,
    MAX_SCRYPT_WORK, SALT_LEN,
};
pub use password::normalize_password;

use super::{DerivationPath, DerivationPathError, SecretKey};
use crate::types::PublicKeyBytes;
use json::{CryptoJson, KeystoreJson, ModuleJson, decode_hex_array, refuse_leftovers, take_param};

/// The keystore format version EIP-2335 defines.
pub const KEYSTORE_VERSION: u64 = 4;
/// The length of the AES-128-CTR initialization vector.
pub const IV_LEN: usize = 16;

/// AES-128 in counter mode with a 128-bit big-endian counter, the IV as its initial value (what
/// the EIP's reference implementation and the deposit CLI use).
type Aes128Ctr = ctr::Ctr128BE<Aes128>;

const CHECKSUM_SHA256: &str = "sha256";
const CIPHER_AES_128_CTR: &str = "aes-128-ctr";

/// A parsed EIP-2335 keystore holding one BLS secret key, every field checked.
///
/// Parse with [`Keystore::from_json`] (or serde), write with [`Keystore::to_json`], make one with
/// [`Keystore::encrypt`] and open it with [`Keystore::decrypt`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keystore {
    kdf: Kdf,
    checksum: [u8; 32],
    iv: [u8; IV_LEN],
    ciphertext: [u8; SecretKey::LEN],
    description: String,
    pubkey: PublicKeyBytes,
    path: String,
    uuid: String,
}

/// How [`Keystore::encrypt`] builds a keystore: the KDF and its cost, and the description.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EncryptOptions {
    /// The KDF and its cost ([`KdfSettings::SCRYPT`] by default).
    pub kdf: KdfSettings,
    /// The free-text `description` field (empty by default).
    pub description: String,
}

impl EncryptOptions {
    /// These options with another KDF (cheap settings make tests fast).
    pub fn with_kdf(mut self, kdf: KdfSettings) -> Self {
        self.kdf = kdf;
        self
    }

    /// These options with a description.
    pub fn with_description(mut self, description: impl Into<String>) -> Self {
        self.description = description.into();
        self
    }
}

/// The random values of a new keystore. [`Keystore::encrypt`] draws them from the operating
/// system; fixed ones reproduce a keystore byte for byte.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeystoreNonces {
    /// The KDF salt.
    pub salt: [u8; SALT_LEN],
    /// The AES-128-CTR initialization vector.
    pub iv: [u8; IV_LEN],
    /// The bytes of the UUID; the version 4 and variant bits are set over them.
    pub uuid: [u8; 16],
}

impl KeystoreNonces {
    /// Fresh values from the operating system's random source.
    pub fn random() -> Result<Self, KeystoreError> {
        let mut nonces = Self {
            salt: [0; SALT_LEN],
            iv: [0; IV_LEN],
            uuid: [0; 16],
        };
        for buf in [
            nonces.salt.as_mut_slice(),
            nonces.iv.as_mut_slice(),
            nonces.uuid.as_mut_slice(),
        ] {
            getrandom::fill(buf).map_err(|e| KeystoreError::Randomness(e.to_string()))?;
        }
        Ok(nonces)
    }
}

impl Keystore {
    /// Encrypts `secret` under `password` with fresh salt, IV and UUID. `path` is the key's
    /// EIP-2334 path, if it was derived from a seed (the `path` field is empty otherwise).
    pub fn encrypt(
        secret: &SecretKey,
        password: &str,
        path: Option<&DerivationPath>,
        options: &EncryptOptions,
    ) -> Result<Self, KeystoreError> {
        Self::encrypt_with_nonces(secret, password, path, options, &KeystoreNonces::random()?)
    }

    /// [`Keystore::encrypt`] with the given salt, IV and UUID instead of random ones.
    pub fn encrypt_with_nonces(
        secret: &SecretKey,
        password: &str,
        path: Option<&DerivationPath>,
        options: &EncryptOptions,
        nonces: &KeystoreNonces,
    ) -> Result<Self, KeystoreError> {
        let kdf = options.kdf.with_salt(nonces.salt.to_vec())?;
        let key = kdf.derive(&normalize_password(password))?;
        let mut buffer = secret.serialize();
        apply_cipher(&key, &nonces.iv, buffer.as_mut());
        // Encrypted now: the copy out of the wiped buffer holds no secret.
        let ciphertext = *buffer;
        Ok(Self {
            checksum: checksum(&key, &ciphertext),
            kdf,
            iv: nonces.iv,
            ciphertext,
            description: options.description.clone(),
            pubkey: secret.public_key().to_bytes(),
            path: path.map(ToString::to_string).unwrap_or_default(),
            uuid: uuid::uuid_v4(nonces.uuid),
        })
    }

    /// The secret key, if `password` is the right one.
    ///
    /// Fails with [`KeystoreError::WrongPassword`] when the checksum does not match (the password
    /// is wrong or the checksum or ciphertext were altered), and with
    /// [`KeystoreError::PubkeyMismatch`] when the secret is not that of `pubkey`.
    pub fn decrypt(&self, password: &str) -> Result<SecretKey, KeystoreError> {
        let key = self.kdf.derive(&normalize_password(password))?;
        let expected = checksum(&key, &self.ciphertext);
        if !bool::from(expected.ct_eq(&self.checksum)) {
            return Err(KeystoreError::WrongPassword);
        }
        let mut plaintext = Zeroizing::new(self.ciphertext);
        apply_cipher(&key, &self.iv, plaintext.as_mut());
        let secret = SecretKey::from_bytes(&plaintext).map_err(KeystoreError::InvalidSecret)?;
        let found = secret.public_key().to_bytes();
        if found != self.pubkey {
            return Err(KeystoreError::PubkeyMismatch {
                expected: self.pubkey,
                found,
            });
        }
        Ok(secret)
    }

    /// Parses and checks a keystore's JSON text.
    pub fn from_json(text: &str) -> Result<Self, KeystoreError> {
        let raw: KeystoreJson =
            serde_json::from_str(text).map_err(|e| KeystoreError::Json(e.to_string()))?;
        Self::try_from(raw)
    }

    /// The keystore as pretty-printed JSON, in the layout of the EIP's examples.
    pub fn to_json(&self) -> Result<String, KeystoreError> {
        serde_json::to_string_pretty(&KeystoreJson::from(self))
            .map_err(|e| KeystoreError::Json(e.to_string()))
    }

    /// The public key of the secret inside, readable without the password.
    pub fn pubkey(&self) -> &PublicKeyBytes {
        &self.pubkey
    }

    /// The `path` field: the key's EIP-2334 path, or empty when it is not known.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The `path` field parsed, or `None` when it is empty.
    pub fn derivation_path(&self) -> Option<Result<DerivationPath, DerivationPathError>> {
        (!self.path.is_empty()).then(|| DerivationPath::from_str(&self.path))
    }

    /// The `uuid` field, in lower case.
    pub fn uuid(&self) -> &str {
        &self.uuid
    }

    /// The free-text `description` field.
    pub fn description(&self) -> &str {
        &self.description
    }

    /// The key derivation function and its parameters.
    pub fn kdf(&self) -> &Kdf {
        &self.kdf
    }
}

/// The checksum module: `sha256(key[16..32] ‖ ciphertext)`.
fn checksum(key: &[u8; DKLEN], ciphertext: &[u8]) -> [u8; 32] {
    let (_, checksum_key) = key.split_at(DKLEN / 2);
    Sha256::new()
        .chain_update(checksum_key)
        .chain_update(ciphertext)
        .finalize()
        .into()
}

/// The cipher module: AES-128-CTR keyed with `key[0..16]`, in place (encrypts and decrypts).
fn apply_cipher(key: &[u8; DKLEN], iv: &[u8; IV_LEN], buffer: &mut [u8]) {
    let (aes_key, _) = key.split_at(DKLEN / 2);
    let mut aes_key_block = Zeroizing::new([0u8; 16]);
    aes_key_block.copy_from_slice(aes_key);
    let mut cipher = Aes128Ctr::new(aes_key_block.as_ref().into(), iv.into());
    cipher.apply_keystream(buffer);
}

impl TryFrom<KeystoreJson> for Keystore {
    type Error = KeystoreError;

    fn try_from(raw: KeystoreJson) -> Result<Self, KeystoreError> {
        if raw.version != KEYSTORE_VERSION {
            return Err(KeystoreError::UnsupportedVersion {
                version: raw.version,
            });
        }
        let CryptoJson {
            kdf,
            checksum,
            cipher,
        } = raw.crypto;
        let kdf = Kdf::from_module(kdf)?;

        if checksum.function != CHECKSUM_SHA256 {
            return Err(KeystoreError::UnknownChecksum {
                function: checksum.function,
            });
        }
        refuse_leftovers("checksum", checksum.params)?;
        let checksum = decode_hex_array("checksum message", &checksum.message)?;

        if cipher.function != CIPHER_AES_128_CTR {
            return Err(KeystoreError::UnknownCipher {
                function: cipher.function,
            });
        }
        let mut params = cipher.params;
        let iv = match take_param(&mut params, "cipher", "iv")? {
            serde_json::Value::String(iv) => decode_hex_array("cipher iv", &iv)?,
            _ => {
                return Err(KeystoreError::ParamType {
                    module: "cipher",
                    name: "iv",
                    expected: "a hex string",
                });
            }
        };
        refuse_leftovers("cipher", params)?;
        let ciphertext = decode_hex_array("cipher message", &cipher.message)?;

        Ok(Self {
            kdf,
            checksum,
            iv,
            ciphertext,
            description: raw.description,
            pubkey: PublicKeyBytes(decode_hex_array("pubkey", &raw.pubkey)?),
            path: raw.path,
            uuid: uuid::parse_uuid(&raw.uuid)?,
        })
    }
}

impl From<&Keystore> for KeystoreJson {
    fn from(keystore: &Keystore) -> Self {
        Self {
            crypto: CryptoJson {
                kdf: keystore.kdf.to_module(),
                checksum: ModuleJson {
                    function: CHECKSUM_SHA256.into(),
                    params: Map::new(),
                    message: hex::encode(keystore.checksum),
                },
                cipher: ModuleJson {
                    function: CIPHER_AES_128_CTR.into(),
                    params: Map::from_iter([("iv".into(), hex::encode(keystore.iv).into())]),
                    message: hex::encode(keystore.ciphertext),
                },
            },
            description: keystore.description.clone(),
            pubkey: hex::encode(keystore.pubkey.as_bytes()),
            path: keystore.path.clone(),
            uuid: keystore.uuid.clone(),
            version: KEYSTORE_VERSION,
        }
    }
}

impl FromStr for Keystore {
    type Err = KeystoreError;

    fn from_str(text: &str) -> Result<Self, KeystoreError> {
        Self::from_json(text)
    }
}

impl fmt::Display for Keystore {
    /// The keystore's UUID and public key (never the ciphertext).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "keystore {} ({})", self.uuid, self.pubkey)
    }
}

impl Serialize for Keystore {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        KeystoreJson::from(self).serialize(s)
    }
}

impl<'de> Deserialize<'de> for Keystore {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Self::try_from(KeystoreJson::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}
