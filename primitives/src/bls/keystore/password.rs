//! EIP-2335 password processing: NFKD normalization, then the control codes stripped, then UTF-8.

use unicode_normalization::UnicodeNormalization;
use zeroize::Zeroizing;

/// The bytes EIP-2335 feeds to the key derivation function for `password`: its NFKD form with
/// the C0 (`U+0000`..=`U+001F`), `Delete` (`U+007F`) and C1 (`U+0080`..=`U+009F`) control codes
/// removed, UTF-8 encoded. Space stays. A password read from a file with a trailing newline
/// therefore opens the same keystore as the password typed without it.
pub fn normalize_password(password: &str) -> Zeroizing<Vec<u8>> {
    // Reserve enough that the buffer is not reallocated (and an unwiped copy left behind) for
    // any ordinary password; NFKD rarely more than triples a character's UTF-8 length.
    let mut out = Zeroizing::new(String::with_capacity(password.len().saturating_mul(3)));
    out.extend(password.nfkd().filter(|c| !is_control(*c)));
    Zeroizing::new(std::mem::take(&mut *out).into_bytes())
}

/// C0, `Delete` and C1: exactly the code points `char::is_control` names.
fn is_control(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eip2335_password_encoding() {
        // The EIP's test password and its encoding.
        let encoded = normalize_password("𝔱𝔢𝔰𝔱𝔭𝔞𝔰𝔰𝔴𝔬𝔯𝔡🔑");
        assert_eq!(hex::encode(&*encoded), "7465737470617373776f7264f09f9491");
    }

    #[test]
    fn control_codes_are_stripped_and_space_kept() {
        assert_eq!(
            *normalize_password("\u{0}pass\u{7}\tword\u{7f}\u{80}\u{9f}\n"),
            b"password".to_vec()
        );
        assert_eq!(*normalize_password(" a b "), b" a b ".to_vec());
        // U+00A0 (no-break space) is not a control code; NFKD turns it into a space.
        assert_eq!(*normalize_password("a\u{a0}b"), b"a b".to_vec());
        for c in ['\u{0}', '\u{1f}', '\u{7f}', '\u{80}', '\u{9f}'] {
            assert!(is_control(c) && c.is_control());
        }
        for c in [' ', '~', '\u{a0}', 'é'] {
            assert!(!is_control(c) && !c.is_control());
        }
    }

    #[test]
    fn composed_and_decomposed_forms_agree() {
        // "é" precomposed (U+00E9) and as "e" + combining acute (U+0301).
        assert_eq!(
            *normalize_password("caf\u{e9}"),
            *normalize_password("cafe\u{301}")
        );
    }
}
