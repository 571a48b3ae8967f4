//! RFC 4122 UUIDs in their textual form: random (version 4) ones for new keystores, and the
//! check of the `uuid` field of loaded ones.

use super::KeystoreError;

/// Positions of the hyphens in `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`.
const HYPHENS: [usize; 4] = [8, 13, 18, 23];
const TEXT_LEN: usize = 36;

/// A version 4 (random) UUID from 16 random bytes: the version and variant bits are set, the
/// other 122 bits kept.
pub(super) fn uuid_v4(mut bytes: [u8; 16]) -> String {
    if let Some(version) = bytes.get_mut(6) {
        *version = (*version & 0x0f) | 0x40;
    }
    if let Some(variant) = bytes.get_mut(8) {
        *variant = (*variant & 0x3f) | 0x80;
    }
    let digits = hex::encode(bytes);
    let mut text = String::with_capacity(TEXT_LEN);
    for (i, c) in digits.chars().enumerate() {
        if matches!(i, 8 | 12 | 16 | 20) {
            text.push('-');
        }
        text.push(c);
    }
    text
}

/// The UUID in lower case, if `text` is one (any version: the EIP only asks for RFC 4122).
pub(super) fn parse_uuid(text: &str) -> Result<String, KeystoreError> {
    let well_formed = text.len() == TEXT_LEN
        && text.char_indices().all(|(i, c)| {
            if HYPHENS.contains(&i) {
                c == '-'
            } else {
                c.is_ascii_hexdigit()
            }
        });
    if well_formed {
        Ok(text.to_ascii_lowercase())
    } else {
        Err(KeystoreError::Uuid {
            uuid: text.to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v4_layout() {
        let text = uuid_v4([0xff; 16]);
        assert_eq!(text, "ffffffff-ffff-4fff-bfff-ffffffffffff");
        assert_eq!(uuid_v4([0; 16]), "00000000-0000-4000-8000-000000000000");
        assert_eq!(parse_uuid(&text).unwrap(), text);
    }

    #[test]
    fn parse_accepts_rfc4122_text_only() {
        assert_eq!(
            parse_uuid("1D85AE20-35C5-4611-98E8-AA14A633906F").unwrap(),
            "1d85ae20-35c5-4611-98e8-aa14a633906f"
        );
        for bad in [
            "",
            "1d85ae2035c5461198e8aa14a633906f",
            "1d85ae20-35c5-4611-98e8-aa14a633906",
            "1d85ae20-35c5-4611-98e8-aa14a633906fa",
            "1d85ae20_35c5-4611-98e8-aa14a633906f",
            "1d85ae20-35c5-4611-98e8-aa14a633906g",
            "{d85ae20-35c5-4611-98e8-aa14a633906}",
            "1d85ae20-35c5-4611-98e8-aa14a63390é",
        ] {
            assert!(parse_uuid(bad).is_err(), "{bad}");
        }
    }
}
