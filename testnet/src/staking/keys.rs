//! Validator keys from a BIP-39 mnemonic: the EIP-2333 tree grown from its seed, read at the
//! EIP-2334 paths `m/12381/3600/i/0/0` (signing) and `m/12381/3600/i/0` (withdrawal), as
//! `staking-deposit-cli` derives them, so the same mnemonic gives the same validators there.

use coins_bip39::{English, Entropy, Mnemonic};
use primitives::bls::{DerivationPath, KeyKind, SecretKey};
use primitives::types::PublicKeyBytes;
use zeroize::Zeroizing;

use super::StakingError;

/// One validator's keys: the signing key and the withdrawal key's public half.
pub struct ValidatorKeys {
    /// The EIP-2334 account index `i`.
    pub account: u32,
    /// The signing key's path, `m/12381/3600/i/0/0`.
    pub signing_path: DerivationPath,
    /// The signing key.
    pub signing: SecretKey,
    /// The withdrawal key's public key (`m/12381/3600/i/0`), which the withdrawal credentials
    /// commit to.
    pub withdrawal_pubkey: PublicKeyBytes,
}

impl std::fmt::Debug for ValidatorKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ValidatorKeys")
            .field("account", &self.account)
            .field("pubkey", &self.signing.public_key().to_bytes())
            .finish_non_exhaustive()
    }
}

/// A new 24-word mnemonic (256 bits from the operating system's random source).
pub fn new_mnemonic() -> Result<String, StakingError> {
    let mut entropy = Zeroizing::new([0u8; 32]);
    getrandom::fill(entropy.as_mut()).map_err(|e| StakingError::Randomness(e.to_string()))?;
    let entropy = Entropy::from_slice(entropy.as_ref())
        .map_err(|e| StakingError::InvalidMnemonic(e.to_string()))?;
    Ok(Mnemonic::<English>::new_from_entropy(entropy).to_phrase())
}

/// The BIP-39 seed of `phrase` (no passphrase), checked word by word and by its checksum.
/// Surrounding and repeated whitespace is ignored.
pub fn mnemonic_seed(phrase: &str) -> Result<Zeroizing<[u8; 64]>, StakingError> {
    let normalized = phrase.split_whitespace().collect::<Vec<_>>().join(" ");
    let mnemonic = Mnemonic::<English>::new_from_phrase(&normalized)
        .map_err(|e| StakingError::InvalidMnemonic(e.to_string()))?;
    let seed = mnemonic
        .to_seed(None)
        .map_err(|e| StakingError::InvalidMnemonic(e.to_string()))?;
    Ok(Zeroizing::new(seed))
}

/// The keys of validator accounts `first..first + count` grown from `seed`.
pub fn derive_validator_keys(
    seed: &[u8],
    first: u32,
    count: u32,
) -> Result<Vec<ValidatorKeys>, StakingError> {
    let end = first
        .checked_add(count)
        .ok_or(StakingError::IndexRange { first, count })?;
    (first..end)
        .map(|account| {
            let signing_path = DerivationPath::validator(account, KeyKind::Signing);
            let signing = signing_path.derive(seed)?;
            let withdrawal =
                DerivationPath::validator(account, KeyKind::Withdrawal).derive(seed)?;
            Ok(ValidatorKeys {
                account,
                signing_path,
                signing,
                withdrawal_pubkey: withdrawal.public_key().to_bytes(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const PHRASE: &str = "abandon abandon abandon abandon abandon abandon abandon abandon \
                          abandon abandon abandon about";

    #[test]
    fn keys_follow_eip_2334_paths() {
        let seed = mnemonic_seed(PHRASE).unwrap();
        let keys = derive_validator_keys(seed.as_ref(), 3, 2).unwrap();
        assert_eq!(keys.len(), 2);
        assert_eq!(keys[0].account, 3);
        assert_eq!(keys[0].signing_path.to_string(), "m/12381/3600/3/0/0");
        let direct = DerivationPath::parse("m/12381/3600/4/0/0")
            .unwrap()
            .derive(seed.as_ref())
            .unwrap();
        assert_eq!(*keys[1].signing.serialize(), *direct.serialize());
        assert_ne!(
            keys[0].withdrawal_pubkey,
            keys[0].signing.public_key().to_bytes()
        );
    }

    #[test]
    fn a_new_mnemonic_has_24_words_and_parses() {
        let phrase = new_mnemonic().unwrap();
        assert_eq!(phrase.split(' ').count(), 24);
        mnemonic_seed(&phrase).unwrap();
        assert_ne!(phrase, new_mnemonic().unwrap());
    }

    #[test]
    fn bad_mnemonics_are_refused() {
        assert!(matches!(
            mnemonic_seed("abandon abandon"),
            Err(StakingError::InvalidMnemonic(_))
        ));
        let bad_checksum = PHRASE.replace("about", "abandon");
        assert!(mnemonic_seed(&bad_checksum).is_err());
        assert!(mnemonic_seed(&PHRASE.replace("about", "shardnet")).is_err());
        assert!(mnemonic_seed(&format!("  {}\n", PHRASE.replace(' ', "  "))).is_ok());
    }

    #[test]
    fn index_overflow_is_refused() {
        let seed = mnemonic_seed(PHRASE).unwrap();
        assert!(matches!(
            derive_validator_keys(seed.as_ref(), u32::MAX, 2),
            Err(StakingError::IndexRange { .. })
        ));
    }
}
