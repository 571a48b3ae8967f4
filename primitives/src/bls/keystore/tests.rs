use coins_bip39::{English, Mnemonic};
use proptest::prelude::*;
use serde_json::{Value, json};

use super::*;
use crate::bls::{BlsError, KeyKind};

const SCRYPT_VECTOR: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/eip2335_scrypt.json"
));
const PBKDF2_VECTOR: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/eip2335_pbkdf2.json"
));
const VECTOR_PASSWORD: &str = "𝔱𝔢𝔰𝔱𝔭𝔞𝔰𝔰𝔴𝔬𝔯𝔡🔑";
const VECTOR_SECRET: &str = "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f";
const VECTOR_PUBKEY: &str = "9612d7a727c9d0a22e185a1c768478dfe919cada9266988cb32359c11f2b7b27f4ae4040902382ae2910c15e2b420d07";
const VECTOR_SALT: &str = "d4e56740f876aef8c010b86a40d5f56745a118d0906a34e69aec8c0db1cb8fa3";
const VECTOR_IV: &str = "264daa3f303d7259501c93d997d84fe6";

const CHEAP_SCRYPT: KdfSettings = KdfSettings::Scrypt { n: 16, r: 8, p: 1 };
const CHEAP_PBKDF2: KdfSettings = KdfSettings::Pbkdf2 { c: 16 };

fn vector_secret() -> SecretKey {
    SecretKey::from_slice(&hex::decode(VECTOR_SECRET).unwrap()).unwrap()
}

fn uuid_bytes(uuid: &str) -> [u8; 16] {
    hex::decode(uuid.replace('-', ""))
        .unwrap()
        .try_into()
        .unwrap()
}

fn cheap(kdf: KdfSettings) -> EncryptOptions {
    EncryptOptions::default().with_kdf(kdf)
}

fn cheap_keystore(kdf: KdfSettings, password: &str) -> (SecretKey, Keystore) {
    let secret = SecretKey::random().unwrap();
    let keystore = Keystore::encrypt(&secret, password, None, &cheap(kdf)).unwrap();
    (secret, keystore)
}

/// Checks one EIP-2335 vector: it parses, opens with the EIP's password to the EIP's secret, and
/// encrypting that secret with the vector's salt, IV and UUID writes the same JSON back.
fn check_vector(text: &str, settings: KdfSettings) {
    let keystore = Keystore::from_json(text).unwrap();
    assert_eq!(
        keystore.pubkey().as_bytes().as_slice(),
        hex::decode(VECTOR_PUBKEY).unwrap()
    );
    assert_eq!(keystore.kdf().salt(), hex::decode(VECTOR_SALT).unwrap());

    let secret = keystore.decrypt(VECTOR_PASSWORD).unwrap();
    assert_eq!(hex::encode(*secret.serialize()), VECTOR_SECRET);

    let options = EncryptOptions::default()
        .with_kdf(settings)
        .with_description(keystore.description());
    let nonces = KeystoreNonces {
        salt: hex::decode(VECTOR_SALT).unwrap().try_into().unwrap(),
        iv: hex::decode(VECTOR_IV).unwrap().try_into().unwrap(),
        uuid: uuid_bytes(keystore.uuid()),
    };
    let path = keystore.derivation_path().unwrap().unwrap();
    let rebuilt = Keystore::encrypt_with_nonces(
        &vector_secret(),
        VECTOR_PASSWORD,
        Some(&path),
        &options,
        &nonces,
    )
    .unwrap();
    assert_eq!(rebuilt, keystore);
    let written: Value = serde_json::from_str(&rebuilt.to_json().unwrap()).unwrap();
    let original: Value = serde_json::from_str(text).unwrap();
    assert_eq!(written, original);
}

#[test]
fn eip2335_scrypt_vector() {
    let keystore = Keystore::from_json(SCRYPT_VECTOR).unwrap();
    assert_eq!(
        keystore.kdf(),
        &Kdf::Scrypt {
            n: 262_144,
            r: 8,
            p: 1,
            salt: hex::decode(VECTOR_SALT).unwrap()
        }
    );
    assert_eq!(keystore.path(), "m/12381/60/3141592653/589793238");
    assert_eq!(keystore.uuid(), "1d85ae20-35c5-4611-98e8-aa14a633906f");
    assert_eq!(
        keystore.description(),
        "This is a test keystore that uses scrypt to secure the secret."
    );
    check_vector(SCRYPT_VECTOR, KdfSettings::SCRYPT);
}

#[test]
fn eip2335_pbkdf2_vector() {
    let keystore = Keystore::from_json(PBKDF2_VECTOR).unwrap();
    assert_eq!(
        keystore.kdf(),
        &Kdf::Pbkdf2 {
            c: 262_144,
            salt: hex::decode(VECTOR_SALT).unwrap()
        }
    );
    assert_eq!(keystore.path(), "m/12381/60/0/0");
    assert_eq!(keystore.uuid(), "64625def-3331-4eea-ab6f-782f3ed16a83");
    check_vector(PBKDF2_VECTOR, KdfSettings::PBKDF2);
    // The wrong password, and the right one before NFKD normalization of another form.
    assert_eq!(
        keystore.decrypt("testpassword").unwrap_err(),
        KeystoreError::WrongPassword
    );
    assert_eq!(
        hex::encode(*keystore.decrypt("testpassword🔑").unwrap().serialize()),
        VECTOR_SECRET
    );
}

#[test]
fn round_trip_with_both_kdfs() {
    for settings in [CHEAP_SCRYPT, CHEAP_PBKDF2] {
        let (secret, keystore) = cheap_keystore(settings, "correct horse battery staple");
        assert_eq!(keystore.pubkey(), &secret.public_key().to_bytes());
        assert_eq!(keystore.path(), "");
        assert_eq!(keystore.derivation_path(), None);
        assert_eq!(keystore.kdf().salt().len(), SALT_LEN);

        let text = keystore.to_json().unwrap();
        let parsed = Keystore::from_json(&text).unwrap();
        assert_eq!(parsed, keystore);
        let opened = parsed.decrypt("correct horse battery staple").unwrap();
        assert_eq!(*opened.serialize(), *secret.serialize());

        // serde reads and writes the same JSON.
        let via_serde: Keystore = serde_json::from_str(&text).unwrap();
        assert_eq!(via_serde, keystore);
        assert_eq!(
            serde_json::to_value(&keystore).unwrap(),
            serde_json::from_str::<Value>(&text).unwrap()
        );
    }
}

#[test]
fn fresh_keystores_differ() {
    let secret = SecretKey::random().unwrap();
    let options = cheap(CHEAP_PBKDF2);
    let a = Keystore::encrypt(&secret, "pw", None, &options).unwrap();
    let b = Keystore::encrypt(&secret, "pw", None, &options).unwrap();
    assert_ne!(a.uuid(), b.uuid());
    assert_ne!(a.kdf().salt(), b.kdf().salt());
    assert_ne!(a.iv, b.iv);
    assert_ne!(a.ciphertext, b.ciphertext);
    // Version 4, variant 10xx.
    assert_eq!(a.uuid().as_bytes()[14], b'4');
    assert!(matches!(a.uuid().as_bytes()[19], b'8' | b'9' | b'a' | b'b'));
}

#[test]
fn wrong_password_is_refused() {
    for settings in [CHEAP_SCRYPT, CHEAP_PBKDF2] {
        let (_, keystore) = cheap_keystore(settings, "right");
        for wrong in ["wrong", "", "Right", "right "] {
            assert_eq!(
                keystore.decrypt(wrong).unwrap_err(),
                KeystoreError::WrongPassword,
                "{wrong:?}"
            );
        }
    }
}

#[test]
fn tampering_is_detected() {
    let (_, keystore) = cheap_keystore(CHEAP_SCRYPT, "pw");

    let mut bad_checksum = keystore.clone();
    bad_checksum.checksum[0] ^= 1;
    assert_eq!(
        bad_checksum.decrypt("pw").unwrap_err(),
        KeystoreError::WrongPassword
    );

    let mut bad_ciphertext = keystore.clone();
    bad_ciphertext.ciphertext[31] ^= 0x80;
    assert_eq!(
        bad_ciphertext.decrypt("pw").unwrap_err(),
        KeystoreError::WrongPassword
    );

    // The salt feeds the KDF, so a changed salt is a different key, hence a bad checksum.
    let mut bad_salt = keystore.clone();
    if let Kdf::Scrypt { salt, .. } = &mut bad_salt.kdf {
        salt[0] ^= 1;
    }
    assert_eq!(
        bad_salt.decrypt("pw").unwrap_err(),
        KeystoreError::WrongPassword
    );

    // Another key's pubkey: the checksum passes, the pubkey check does not.
    let other = SecretKey::random().unwrap().public_key().to_bytes();
    let mut bad_pubkey = keystore.clone();
    bad_pubkey.pubkey = other;
    assert_eq!(
        bad_pubkey.decrypt("pw").unwrap_err(),
        KeystoreError::PubkeyMismatch {
            expected: other,
            found: keystore.pubkey
        }
    );

    // The IV is not covered by the checksum: another IV decrypts to another scalar, which the
    // pubkey check (or the scalar range check) refuses.
    let mut bad_iv = keystore.clone();
    bad_iv.iv[15] ^= 1;
    assert!(matches!(
        bad_iv.decrypt("pw").unwrap_err(),
        KeystoreError::PubkeyMismatch { .. } | KeystoreError::InvalidSecret(_)
    ));
}

#[test]
fn a_secret_out_of_range_is_a_typed_error() {
    // A well-formed keystore of the zero scalar, which no `SecretKey` can hold.
    let kdf = CHEAP_PBKDF2.with_salt(vec![7; 32]).unwrap();
    let key = kdf.derive(&normalize_password("pw")).unwrap();
    let iv = [9u8; IV_LEN];
    let mut ciphertext = [0u8; 32];
    apply_cipher(&key, &iv, &mut ciphertext);
    let keystore = Keystore {
        checksum: checksum(&key, &ciphertext),
        kdf,
        iv,
        ciphertext,
        description: String::new(),
        pubkey: PublicKeyBytes::default(),
        path: String::new(),
        uuid: uuid::uuid_v4([1; 16]),
    };
    assert_eq!(
        keystore.decrypt("pw").unwrap_err(),
        KeystoreError::InvalidSecret(BlsError::InvalidSecretKey)
    );
}

#[test]
fn passwords_are_normalized() {
    let (secret, keystore) = cheap_keystore(CHEAP_PBKDF2, "pass\u{7f}word\n");
    for same in ["password", "\u{0}pass\tword\r\n", "pass\u{85}word"] {
        let opened = keystore.decrypt(same).unwrap();
        assert_eq!(*opened.serialize(), *secret.serialize(), "{same:?}");
    }
    assert_eq!(
        keystore.decrypt("pass word").unwrap_err(),
        KeystoreError::WrongPassword
    );

    let (secret, keystore) = cheap_keystore(CHEAP_SCRYPT, "caf\u{e9}");
    let opened = keystore.decrypt("cafe\u{301}").unwrap();
    assert_eq!(*opened.serialize(), *secret.serialize());
}

#[test]
fn mnemonic_derived_key_keeps_its_path() {
    // EIP-2333's first test case: this mnemonic with passphrase "TREZOR" gives the seed below.
    let phrase = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";
    let seed = Mnemonic::<English>::new_from_phrase(phrase)
        .unwrap()
        .to_seed(Some("TREZOR"))
        .unwrap();
    assert_eq!(
        hex::encode(seed),
        "c55257c360c07c72029aebc1b53c05ed0362ada38ead3e3e9efa3708e53495531f09a6987599d18264c1e1c92f2cf141630c7a3c4ab7c81b2f001698e7463b04"
    );

    for (account, kind) in [(0, KeyKind::Signing), (5, KeyKind::Withdrawal)] {
        let path = DerivationPath::validator(account, kind);
        let secret = path.derive(&seed).unwrap();
        let options = cheap(CHEAP_SCRYPT).with_description("validator key");
        let text = Keystore::encrypt(&secret, "pw", Some(&path), &options)
            .unwrap()
            .to_json()
            .unwrap();

        let keystore = Keystore::from_json(&text).unwrap();
        assert_eq!(keystore.path(), path.to_string());
        assert_eq!(keystore.description(), "validator key");
        let stored = keystore.derivation_path().unwrap().unwrap();
        assert_eq!(stored, path);
        // The path in the file leads back to the key in it.
        let rederived = stored.derive(&seed).unwrap();
        let opened = keystore.decrypt("pw").unwrap();
        assert_eq!(*opened.serialize(), *rederived.serialize());
        assert_eq!(keystore.pubkey(), &rederived.public_key().to_bytes());
    }
    let signing = Keystore::from_json(
        &Keystore::encrypt(
            &vector_secret(),
            "pw",
            Some(&DerivationPath::validator(0, KeyKind::Signing)),
            &cheap(CHEAP_PBKDF2),
        )
        .unwrap()
        .to_json()
        .unwrap(),
    )
    .unwrap();
    assert_eq!(signing.path(), "m/12381/3600/0/0/0");
}

#[test]
fn a_malformed_path_field_is_reported_when_read() {
    let mut value = cheap_json(CHEAP_PBKDF2);
    value["path"] = json!("m/44/60/0/0");
    let keystore = Keystore::from_json(&value.to_string()).unwrap();
    assert_eq!(
        keystore.derivation_path(),
        Some(Err(DerivationPathError::WrongPurpose { found: 44 }))
    );
}

fn cheap_json(settings: KdfSettings) -> Value {
    let (_, keystore) = cheap_keystore(settings, "pw");
    serde_json::from_str(&keystore.to_json().unwrap()).unwrap()
}

/// An edit of a keystore's JSON.
type Edit = Box<dyn FnOnce(&mut Value)>;

/// Applies `edit` to a fresh cheap keystore's JSON and returns the parse error.
fn refused(settings: KdfSettings, edit: impl FnOnce(&mut Value)) -> KeystoreError {
    let mut value = cheap_json(settings);
    edit(&mut value);
    Keystore::from_json(&value.to_string()).unwrap_err()
}

#[test]
fn malformed_json_is_a_typed_error() {
    for text in ["", "{", "[]", "null", "{\"version\": 4}", "\u{feff}{}"] {
        assert!(
            matches!(Keystore::from_json(text), Err(KeystoreError::Json(_))),
            "{text:?}"
        );
    }
    let missing = |field: &'static str| {
        refused(CHEAP_PBKDF2, |v| {
            v.as_object_mut().unwrap().remove(field);
        })
    };
    for field in ["crypto", "pubkey", "path", "uuid", "version"] {
        assert!(matches!(missing(field), KeystoreError::Json(_)), "{field}");
    }
    // `description` is optional.
    let mut value = cheap_json(CHEAP_PBKDF2);
    value.as_object_mut().unwrap().remove("description");
    assert_eq!(
        Keystore::from_json(&value.to_string())
            .unwrap()
            .description(),
        ""
    );
    // Unknown top-level fields (some wallets add `name`) are ignored.
    value["name"] = json!("my key");
    assert!(Keystore::from_json(&value.to_string()).is_ok());
    // Wrong JSON types.
    assert!(matches!(
        refused(CHEAP_PBKDF2, |v| v["version"] = json!("4")),
        KeystoreError::Json(_)
    ));
    assert!(matches!(
        refused(CHEAP_PBKDF2, |v| v["crypto"]["kdf"]["params"] = json!([])),
        KeystoreError::Json(_)
    ));
    assert!(matches!(
        refused(CHEAP_PBKDF2, |v| v["crypto"]["cipher"]["message"] =
            json!(5)),
        KeystoreError::Json(_)
    ));
    assert!(matches!(
        refused(CHEAP_PBKDF2, |v| {
            v["crypto"]["checksum"]
                .as_object_mut()
                .unwrap()
                .remove("params");
        }),
        KeystoreError::Json(_)
    ));
}

#[test]
fn bad_fields_are_typed_errors() {
    use KeystoreError::*;
    let kdf = |name: &'static str| MissingParam {
        module: "kdf",
        name,
    };
    let scrypt_cases: Vec<(Edit, KeystoreError)> = vec![
        (
            Box::new(|v| v["version"] = json!(3)),
            UnsupportedVersion { version: 3 },
        ),
        (
            Box::new(|v| v["crypto"]["kdf"]["function"] = json!("argon2id")),
            UnknownKdf {
                function: "argon2id".into(),
            },
        ),
        (
            Box::new(|v| v["crypto"]["kdf"]["params"]["dklen"] = json!(33)),
            DerivedKeyLength { dklen: 33 },
        ),
        (
            Box::new(|v| v["crypto"]["kdf"]["params"]["dklen"] = json!(16)),
            DerivedKeyLength { dklen: 16 },
        ),
        (
            Box::new(|v| v["crypto"]["kdf"]["params"]["n"] = json!(3)),
            ScryptN { n: 3 },
        ),
        (
            Box::new(|v| v["crypto"]["kdf"]["params"]["n"] = json!(1u64 << 30)),
            ScryptN { n: 1 << 30 },
        ),
        (
            Box::new(|v| v["crypto"]["kdf"]["params"]["n"] = json!(u64::MAX)),
            ScryptN { n: u64::MAX },
        ),
        (
            Box::new(|v| v["crypto"]["kdf"]["params"]["r"] = json!(0)),
            ScryptCost { n: 16, r: 0, p: 1 },
        ),
        (
            Box::new(|v| v["crypto"]["kdf"]["params"]["p"] = json!(1u64 << 40)),
            ScryptCost {
                n: 16,
                r: 8,
                p: 1 << 40,
            },
        ),
        (
            Box::new(|v| {
                v["crypto"]["kdf"]["params"]["n"] = json!(1 << 20);
                v["crypto"]["kdf"]["params"]["r"] = json!(64);
            }),
            ScryptCost {
                n: 1 << 20,
                r: 64,
                p: 1,
            },
        ),
        (
            Box::new(|v| v["crypto"]["kdf"]["params"]["n"] = json!("16")),
            ParamType {
                module: "kdf",
                name: "n",
                expected: "a non-negative integer",
            },
        ),
        (
            Box::new(|v| v["crypto"]["kdf"]["params"]["r"] = json!(-8)),
            ParamType {
                module: "kdf",
                name: "r",
                expected: "a non-negative integer",
            },
        ),
        (
            Box::new(|v| v["crypto"]["kdf"]["params"]["p"] = json!(1.5)),
            ParamType {
                module: "kdf",
                name: "p",
                expected: "a non-negative integer",
            },
        ),
        (
            Box::new(|v| {
                v["crypto"]["kdf"]["params"]
                    .as_object_mut()
                    .unwrap()
                    .remove("salt");
            }),
            kdf("salt"),
        ),
        (
            Box::new(|v| {
                v["crypto"]["kdf"]["params"]
                    .as_object_mut()
                    .unwrap()
                    .remove("dklen");
            }),
            kdf("dklen"),
        ),
        (
            Box::new(|v| v["crypto"]["kdf"]["params"]["c"] = json!(16)),
            UnexpectedParam {
                module: "kdf",
                name: "c".into(),
            },
        ),
        (
            Box::new(|v| v["crypto"]["kdf"]["params"]["salt"] = json!("abc")),
            Hex {
                field: "kdf salt",
                reason: "Odd number of digits".into(),
            },
        ),
        (
            Box::new(|v| v["crypto"]["kdf"]["params"]["salt"] = json!("")),
            SaltLength { len: 0 },
        ),
        (
            Box::new(|v| v["crypto"]["kdf"]["params"]["salt"] = json!("00".repeat(1025))),
            SaltLength { len: 1025 },
        ),
        (
            Box::new(|v| v["crypto"]["kdf"]["params"]["salt"] = json!(12)),
            ParamType {
                module: "kdf",
                name: "salt",
                expected: "a hex string",
            },
        ),
        (
            Box::new(|v| v["crypto"]["kdf"]["message"] = json!("00")),
            KdfMessageNotEmpty,
        ),
        (
            Box::new(|v| v["crypto"]["checksum"]["function"] = json!("keccak256")),
            UnknownChecksum {
                function: "keccak256".into(),
            },
        ),
        (
            Box::new(|v| v["crypto"]["checksum"]["params"]["x"] = json!(1)),
            UnexpectedParam {
                module: "checksum",
                name: "x".into(),
            },
        ),
        (
            Box::new(|v| v["crypto"]["checksum"]["message"] = json!("00".repeat(31))),
            Length {
                field: "checksum message",
                expected: 32,
                found: 31,
            },
        ),
        (
            Box::new(|v| v["crypto"]["cipher"]["function"] = json!("aes-256-gcm")),
            UnknownCipher {
                function: "aes-256-gcm".into(),
            },
        ),
        (
            Box::new(|v| v["crypto"]["cipher"]["params"]["iv"] = json!("00".repeat(12))),
            Length {
                field: "cipher iv",
                expected: 16,
                found: 12,
            },
        ),
        (
            Box::new(|v| v["crypto"]["cipher"]["params"]["iv"] = json!(0)),
            ParamType {
                module: "cipher",
                name: "iv",
                expected: "a hex string",
            },
        ),
        (
            Box::new(|v| {
                v["crypto"]["cipher"]["params"]
                    .as_object_mut()
                    .unwrap()
                    .remove("iv");
            }),
            MissingParam {
                module: "cipher",
                name: "iv",
            },
        ),
        (
            Box::new(|v| v["crypto"]["cipher"]["params"]["tag"] = json!("00")),
            UnexpectedParam {
                module: "cipher",
                name: "tag".into(),
            },
        ),
        (
            Box::new(|v| v["crypto"]["cipher"]["message"] = json!("00".repeat(48))),
            Length {
                field: "cipher message",
                expected: 32,
                found: 48,
            },
        ),
        (
            Box::new(|v| v["crypto"]["cipher"]["message"] = json!("zz".repeat(32))),
            Hex {
                field: "cipher message",
                reason: "Invalid character 'z' at position 0".into(),
            },
        ),
        (
            Box::new(|v| v["pubkey"] = json!("00".repeat(47))),
            Length {
                field: "pubkey",
                expected: 48,
                found: 47,
            },
        ),
        (
            Box::new(|v| v["uuid"] = json!("not-a-uuid")),
            Uuid {
                uuid: "not-a-uuid".into(),
            },
        ),
    ];
    for (i, (edit, expected)) in scrypt_cases.into_iter().enumerate() {
        assert_eq!(refused(CHEAP_SCRYPT, edit), expected, "case {i}");
    }

    let pbkdf2_cases: Vec<(Edit, KeystoreError)> = vec![
        (
            Box::new(|v| v["crypto"]["kdf"]["params"]["prf"] = json!("hmac-sha512")),
            UnknownPrf {
                prf: "hmac-sha512".into(),
            },
        ),
        (
            Box::new(|v| v["crypto"]["kdf"]["params"]["prf"] = json!(256)),
            ParamType {
                module: "kdf",
                name: "prf",
                expected: "a string",
            },
        ),
        (
            Box::new(|v| v["crypto"]["kdf"]["params"]["c"] = json!(0)),
            Pbkdf2Rounds { c: 0 },
        ),
        (
            Box::new(|v| v["crypto"]["kdf"]["params"]["c"] = json!(1u64 << 32)),
            Pbkdf2Rounds { c: 1 << 32 },
        ),
        (
            Box::new(|v| {
                v["crypto"]["kdf"]["params"]
                    .as_object_mut()
                    .unwrap()
                    .remove("prf");
            }),
            kdf("prf"),
        ),
        (
            Box::new(|v| v["crypto"]["kdf"]["params"]["n"] = json!(16)),
            UnexpectedParam {
                module: "kdf",
                name: "n".into(),
            },
        ),
    ];
    for (i, (edit, expected)) in pbkdf2_cases.into_iter().enumerate() {
        assert_eq!(refused(CHEAP_PBKDF2, edit), expected, "case {i}");
    }
}

#[test]
fn hex_with_prefix_and_upper_case_is_read() {
    let mut value = cheap_json(CHEAP_PBKDF2);
    let pubkey = value["pubkey"].as_str().unwrap().to_uppercase();
    value["pubkey"] = json!(format!("0x{pubkey}"));
    let keystore = Keystore::from_json(&value.to_string()).unwrap();
    assert!(keystore.decrypt("pw").is_ok());
    // Written back in the EIP's spelling.
    let written: Value = serde_json::from_str(&keystore.to_json().unwrap()).unwrap();
    assert_eq!(written["pubkey"], json!(pubkey.to_lowercase()));
}

#[test]
fn serde_refuses_what_from_json_refuses() {
    let mut value = cheap_json(CHEAP_SCRYPT);
    value["crypto"]["kdf"]["params"]["n"] = json!(1u64 << 24);
    let err = serde_json::from_value::<Keystore>(value).unwrap_err();
    assert!(err.to_string().contains("scrypt n"), "{err}");
}

#[test]
fn display_shows_no_ciphertext() {
    let (_, keystore) = cheap_keystore(CHEAP_PBKDF2, "pw");
    let shown = keystore.to_string();
    assert!(shown.contains(keystore.uuid()));
    assert!(!shown.contains(&hex::encode(keystore.ciphertext)));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Arbitrary edits of a keystore's text parse or fail with a typed error, never a panic.
    #[test]
    fn parsing_never_panics(position in 0usize..2048, byte in any::<u8>(), cut in any::<bool>()) {
        let (_, keystore) = cheap_keystore(CHEAP_PBKDF2, "pw");
        let mut bytes = keystore.to_json().unwrap().into_bytes();
        let at = position % bytes.len();
        if cut {
            bytes.truncate(at);
        } else {
            bytes[at] = byte;
        }
        if let Ok(text) = String::from_utf8(bytes) {
            let _ = Keystore::from_json(&text);
        }
    }

    /// Any password, control codes and all, opens what it closed.
    #[test]
    fn any_password_round_trips(password in any::<String>()) {
        let (secret, keystore) = cheap_keystore(CHEAP_PBKDF2, &password);
        let opened = keystore.decrypt(&password).unwrap();
        prop_assert_eq!(*opened.serialize(), *secret.serialize());
    }
}
