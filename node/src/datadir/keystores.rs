//! The validator keys of a data directory: `keystores/*.json` (EIP-2335), each opened with the
//! password in `secrets/<0xpubkey>`, and the writing of new ones.
//!
//! Decryption runs on every core (rayon): scrypt is slow by design, and a node holding many
//! validators would otherwise start seconds later.

use std::collections::HashMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use primitives::bls::keystore::{EncryptOptions, KdfSettings};
use primitives::bls::{Keystore, SecretKey};
use primitives::types::PublicKeyBytes;
use rayon::prelude::*;

use super::{DataDirError, KEYSTORES_DIR, SECRETS_DIR};

/// A validator key of the data directory, decrypted.
#[derive(Debug)]
pub struct ValidatorKey {
    /// The public key.
    pub pubkey: PublicKeyBytes,
    /// The secret key.
    pub secret_key: SecretKey,
    /// The validator's index in the genesis state, or `None` when the key is not a genesis
    /// validator (a deposit not yet processed, or a key of another network).
    pub validator_index: Option<u64>,
    /// The keystore file it was read from.
    pub keystore_path: PathBuf,
}

/// The password file of the keystore of `pubkey` in the data directory `root`.
pub fn secret_path(root: &Path, pubkey: &PublicKeyBytes) -> PathBuf {
    root.join(SECRETS_DIR).join(pubkey.to_string())
}

/// The keystore file of `pubkey` in the data directory `root`.
pub fn keystore_path(root: &Path, pubkey: &PublicKeyBytes) -> PathBuf {
    root.join(KEYSTORES_DIR).join(format!("{pubkey}.json"))
}

/// Reads a password file: UTF-8, one trailing newline (`\n` or `\r\n`) stripped.
fn read_password(path: &Path) -> Result<String, std::io::Error> {
    let mut text = fs::read_to_string(path)?;
    if text.ends_with('\n') {
        text.pop();
        if text.ends_with('\r') {
            text.pop();
        }
    }
    Ok(text)
}

/// Opens every `keystores/*.json` of `root` with its password, in parallel; `indices` gives
/// the genesis validator index of each known public key. Keys come back sorted by validator
/// index, then keys outside the genesis by public key. A missing `keystores/` means no keys.
pub fn load_keystores(
    root: &Path,
    indices: &HashMap<PublicKeyBytes, u64>,
) -> Result<Vec<ValidatorKey>, DataDirError> {
    let dir = root.join(KEYSTORES_DIR);
    let entries = match fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(error) => return Err(DataDirError::io(&dir)(error)),
    };
    let mut files = Vec::new();
    for entry in entries {
        let path = entry.map_err(DataDirError::io(&dir))?.path();
        if path.extension().is_some_and(|ext| ext == "json") {
            files.push(path);
        }
    }
    files.sort();
    let mut keys = files
        .par_iter()
        .map(|path| open_keystore(root, path, indices))
        .collect::<Result<Vec<_>, _>>()?;
    keys.sort_by(|a, b| {
        (a.validator_index.is_none(), a.validator_index, a.pubkey.0).cmp(&(
            b.validator_index.is_none(),
            b.validator_index,
            b.pubkey.0,
        ))
    });
    for pair in keys.windows(2) {
        if let [first, second] = pair
            && first.pubkey == second.pubkey
        {
            return Err(DataDirError::DuplicateKeystore {
                pubkey: first.pubkey,
                first: first.keystore_path.clone(),
                second: second.keystore_path.clone(),
            });
        }
    }
    Ok(keys)
}

fn open_keystore(
    root: &Path,
    path: &Path,
    indices: &HashMap<PublicKeyBytes, u64>,
) -> Result<ValidatorKey, DataDirError> {
    let text = fs::read_to_string(path).map_err(DataDirError::io(path))?;
    let keystore = Keystore::from_json(&text).map_err(|source| DataDirError::Keystore {
        path: path.to_path_buf(),
        source: Box::new(source),
    })?;
    let pubkey = *keystore.pubkey();
    let secret = secret_path(root, &pubkey);
    let password = match read_password(&secret) {
        Ok(password) => password,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            return Err(DataDirError::MissingSecret {
                keystore: path.to_path_buf(),
                secret,
            });
        }
        Err(error) => return Err(DataDirError::io(secret)(error)),
    };
    let secret_key =
        keystore
            .decrypt(&password)
            .map_err(|source| DataDirError::KeystoreDecrypt {
                keystore: path.to_path_buf(),
                secret: secret.clone(),
                source: Box::new(source),
            })?;
    Ok(ValidatorKey {
        pubkey,
        secret_key,
        validator_index: indices.get(&pubkey).copied(),
        keystore_path: path.to_path_buf(),
    })
}

/// Encrypts `secret_key` under a fresh random password with `kdf` and writes the keystore and
/// its password file into the data directory being built at `root`.
pub fn write_keystore(
    root: &Path,
    index: u64,
    secret_key: &SecretKey,
    kdf: KdfSettings,
) -> Result<(), DataDirError> {
    let encrypt_error = |source| DataDirError::KeystoreEncrypt {
        index,
        source: Box::new(source),
    };
    let password = random_password().map_err(encrypt_error)?;
    let options = EncryptOptions::default()
        .with_kdf(kdf)
        .with_description(format!("shardnet interop validator {index}"));
    let keystore =
        Keystore::encrypt(secret_key, &password, None, &options).map_err(encrypt_error)?;
    let json = keystore.to_json().map_err(encrypt_error)?;
    let pubkey = keystore.pubkey();
    write_private(
        &secret_path(root, pubkey),
        format!("{password}\n").as_bytes(),
    )?;
    write_file(&keystore_path(root, pubkey), json.as_bytes())
}

/// 32 random bytes as hex: a password with 256 bits of entropy and no normalization concerns.
fn random_password() -> Result<String, primitives::bls::KeystoreError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| primitives::bls::KeystoreError::Randomness(e.to_string()))?;
    Ok(hex::encode(bytes))
}

/// Writes `bytes` to a new file at `path` and flushes it to disk.
pub(super) fn write_file(path: &Path, bytes: &[u8]) -> Result<(), DataDirError> {
    let mut file = fs::File::create_new(path).map_err(DataDirError::io(path))?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .map_err(DataDirError::io(path))
}

/// [`write_file`], readable by the owner only (on Unix): a password.
fn write_private(path: &Path, bytes: &[u8]) -> Result<(), DataDirError> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).map_err(DataDirError::io(path))?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .map_err(DataDirError::io(path))
}
