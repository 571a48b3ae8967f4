//! Why a keystore was refused, or could not be opened or written.

use crate::bls::BlsError;
use crate::types::PublicKeyBytes;

/// Errors of EIP-2335 keystores. Every malformed field has its own variant, so a caller can tell
/// a damaged file from a wrong password.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeystoreError {
    /// The text is not JSON, or not shaped like a keystore (a missing or mistyped field).
    #[error("keystore JSON: {0}")]
    Json(String),
    /// `version` is not 4.
    #[error("keystore version must be 4, got {version}")]
    UnsupportedVersion {
        /// The version given.
        version: u64,
    },
    /// `crypto.kdf.function` is neither `scrypt` nor `pbkdf2`.
    #[error("unknown key derivation function {function:?}")]
    UnknownKdf {
        /// The function given.
        function: String,
    },
    /// `crypto.kdf.params.prf` of PBKDF2 is not `hmac-sha256`.
    #[error("unknown PBKDF2 pseudo-random function {prf:?}")]
    UnknownPrf {
        /// The function given.
        prf: String,
    },
    /// `crypto.checksum.function` is not `sha256`.
    #[error("unknown checksum function {function:?}")]
    UnknownChecksum {
        /// The function given.
        function: String,
    },
    /// `crypto.cipher.function` is not `aes-128-ctr`.
    #[error("unknown cipher {function:?}")]
    UnknownCipher {
        /// The function given.
        function: String,
    },
    /// A parameter the module's function needs is absent.
    #[error("{module} params: missing {name:?}")]
    MissingParam {
        /// `kdf`, `checksum` or `cipher`.
        module: &'static str,
        /// The parameter's name.
        name: &'static str,
    },
    /// A parameter the module's function does not take.
    #[error("{module} params: unexpected {name:?}")]
    UnexpectedParam {
        /// `kdf`, `checksum` or `cipher`.
        module: &'static str,
        /// The parameter's name.
        name: String,
    },
    /// A parameter of the wrong JSON type (a string where a number belongs, a negative or
    /// fractional number, a number above `u32`).
    #[error("{module} params: {name:?} must be {expected}")]
    ParamType {
        /// `kdf`, `checksum` or `cipher`.
        module: &'static str,
        /// The parameter's name.
        name: &'static str,
        /// What the parameter must be.
        expected: &'static str,
    },
    /// The `message` of the KDF module is not empty, as EIP-2335 requires.
    #[error("kdf message must be empty")]
    KdfMessageNotEmpty,
    /// `dklen` is not 32: the cipher takes the first 16 bytes, the checksum the next 16.
    #[error("derived key length must be 32, got {dklen}")]
    DerivedKeyLength {
        /// The length given.
        dklen: u64,
    },
    /// scrypt's `n` is not a power of two in `[2, MAX_SCRYPT_N]`.
    #[error("scrypt n must be a power of two from 2 to 2^20, got {n}")]
    ScryptN {
        /// The `n` given.
        n: u64,
    },
    /// scrypt's `r` and `p` are zero, or ask for more memory or work than the limits allow.
    #[error("scrypt cost out of bounds: n = {n}, r = {r}, p = {p}")]
    ScryptCost {
        /// The `n` given.
        n: u64,
        /// The `r` given.
        r: u64,
        /// The `p` given.
        p: u64,
    },
    /// PBKDF2's iteration count `c` is zero or above `MAX_PBKDF2_C`.
    #[error("PBKDF2 iteration count must be from 1 to 2^24, got {c}")]
    Pbkdf2Rounds {
        /// The count given.
        c: u64,
    },
    /// The salt is empty or longer than `MAX_SALT_LEN` bytes.
    #[error("salt must be 1 to 1024 bytes, got {len}")]
    SaltLength {
        /// The length given.
        len: usize,
    },
    /// A field that must be hexadecimal is not.
    #[error("{field} is not hex: {reason}")]
    Hex {
        /// The field's name.
        field: &'static str,
        /// The decoder's complaint.
        reason: String,
    },
    /// A hexadecimal field of the wrong length.
    #[error("{field} must be {expected} bytes, got {found}")]
    Length {
        /// The field's name.
        field: &'static str,
        /// The length the field must have.
        expected: usize,
        /// The length given.
        found: usize,
    },
    /// `uuid` is not an RFC 4122 UUID in its textual form.
    #[error("uuid {uuid:?} is not of the form xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx")]
    Uuid {
        /// The text given.
        uuid: String,
    },
    /// The checksum does not match: the password is wrong (or the ciphertext was altered).
    #[error("wrong password")]
    WrongPassword,
    /// The decrypted bytes are not a BLS secret key (zero, or not below the group order).
    #[error("decrypted secret: {0}")]
    InvalidSecret(BlsError),
    /// The decrypted secret's public key differs from the keystore's `pubkey`.
    #[error("keystore pubkey {expected} does not match the decrypted secret's {found}")]
    PubkeyMismatch {
        /// The `pubkey` field.
        expected: PublicKeyBytes,
        /// The public key of the decrypted secret.
        found: PublicKeyBytes,
    },
    /// The key derivation function failed on parameters that passed the checks above.
    #[error("key derivation failed: {0}")]
    Kdf(String),
    /// The operating system's random source failed while making salt, IV or UUID.
    #[error("random source failed: {0}")]
    Randomness(String),
}
