//! A validator's `DepositData`: withdrawal credentials committing to its withdrawal key, and
//! the proof of possession that signs the `DepositMessage` in the deposit domain.

use ethereum_hashing::hash_fixed;
use primitives::signing::{compute_domain, compute_signing_root};
use primitives::types::{
    Bytes32, DepositData, DepositMessage, Domain, DomainType, Gwei, PublicKeyBytes, Root, Version,
};

use super::ValidatorKeys;

/// `BLS_WITHDRAWAL_PREFIX` followed by `sha256(withdrawal_pubkey)[1..]`.
pub fn withdrawal_credentials(prefix: u8, withdrawal_pubkey: &PublicKeyBytes) -> Bytes32 {
    let mut credentials = hash_fixed(&withdrawal_pubkey.0);
    credentials[0] = prefix;
    Bytes32::from(credentials)
}

/// The deposit domain: `DOMAIN_DEPOSIT` with the network's genesis fork version and an empty
/// genesis validators root, as `process_deposit` checks it (a deposit is valid on every fork
/// of the chain it was made for).
pub fn deposit_domain(domain_deposit: DomainType, genesis_fork_version: Version) -> Domain {
    compute_domain(domain_deposit, genesis_fork_version, Root::ZERO)
}

/// The deposit of `amount` Gwei for `keys`, signed by its signing key in `domain`.
pub fn deposit_data(
    keys: &ValidatorKeys,
    amount: Gwei,
    withdrawal_prefix: u8,
    domain: Domain,
) -> DepositData {
    let message = DepositMessage {
        pubkey: keys.signing.public_key().to_bytes(),
        withdrawal_credentials: withdrawal_credentials(withdrawal_prefix, &keys.withdrawal_pubkey),
        amount,
    };
    let signature = keys
        .signing
        .sign(compute_signing_root(&message, domain))
        .to_bytes();
    DepositData {
        pubkey: message.pubkey,
        withdrawal_credentials: message.withdrawal_credentials,
        amount: message.amount,
        signature,
    }
}

#[cfg(test)]
mod tests {
    use primitives::bls::{PublicKey, Signature};
    use primitives::{ChainConfig, PresetName};

    use super::super::{FULL_DEPOSIT_GWEI, derive_validator_keys, mnemonic_seed};
    use super::*;

    #[test]
    fn the_proof_of_possession_verifies_in_the_networks_domain_only() {
        let config = ChainConfig::preset(PresetName::Minimal);
        let seed = mnemonic_seed(
            "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon \
             abandon about",
        )
        .unwrap();
        let keys = &derive_validator_keys(seed.as_ref(), 0, 1).unwrap()[0];
        let domain = deposit_domain(config.domain_deposit, config.genesis_fork_version);
        let data = deposit_data(
            keys,
            FULL_DEPOSIT_GWEI,
            config.bls_withdrawal_prefix,
            domain,
        );
        assert_eq!(data.amount, FULL_DEPOSIT_GWEI);
        assert_eq!(data.withdrawal_credentials[0], config.bls_withdrawal_prefix);
        let message = DepositMessage {
            pubkey: data.pubkey,
            withdrawal_credentials: data.withdrawal_credentials,
            amount: data.amount,
        };
        let pubkey = PublicKey::from_bytes(&data.pubkey).unwrap();
        let signature = Signature::from_bytes(&data.signature).unwrap();
        assert!(signature.verify(&pubkey, compute_signing_root(&message, domain)));
        let other_network = deposit_domain(config.domain_deposit, [9, 9, 9, 9]);
        assert!(!signature.verify(&pubkey, compute_signing_root(&message, other_network)));
    }
}
