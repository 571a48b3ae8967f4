//! Signed voluntary exits, in the domain of the network's fork at the exit's epoch.

use primitives::bls::SecretKey;
use primitives::signing::{compute_domain, compute_signing_root};
use primitives::types::{
    Domain, DomainType, Epoch, Fork, Root, SignedVoluntaryExit, VoluntaryExit,
};

/// `get_domain(state, DOMAIN_VOLUNTARY_EXIT, epoch)`: the fork's previous version before its
/// epoch, its current version from then on, bound to the network's genesis validators root.
pub fn voluntary_exit_domain(
    domain_voluntary_exit: DomainType,
    fork: &Fork,
    epoch: Epoch,
    genesis_validators_root: Root,
) -> Domain {
    let version = if epoch < fork.epoch {
        fork.previous_version
    } else {
        fork.current_version
    };
    compute_domain(domain_voluntary_exit, version, genesis_validators_root)
}

/// `exit` signed by the validator's key in `domain`.
pub fn sign_voluntary_exit(
    secret: &SecretKey,
    exit: VoluntaryExit,
    domain: Domain,
) -> SignedVoluntaryExit {
    let signature = secret.sign(compute_signing_root(&exit, domain)).to_bytes();
    SignedVoluntaryExit {
        message: exit,
        signature,
    }
}

#[cfg(test)]
mod tests {
    use primitives::bls::{Signature, interop_secret_key};

    use super::*;

    #[test]
    fn the_fork_version_follows_the_exit_epoch() {
        let fork = Fork {
            previous_version: [0, 0, 0, 1],
            current_version: [0, 0, 0, 2],
            epoch: 10,
        };
        let root = Root::repeat_byte(7);
        let before = voluntary_exit_domain([4, 0, 0, 0], &fork, 9, root);
        let after = voluntary_exit_domain([4, 0, 0, 0], &fork, 10, root);
        assert_eq!(before, compute_domain([4, 0, 0, 0], [0, 0, 0, 1], root));
        assert_eq!(after, compute_domain([4, 0, 0, 0], [0, 0, 0, 2], root));

        let secret = interop_secret_key(3).unwrap();
        let exit = VoluntaryExit {
            epoch: 12,
            validator_index: 3,
        };
        let signed = sign_voluntary_exit(&secret, exit.clone(), after);
        let signature = Signature::from_bytes(&signed.signature).unwrap();
        assert!(signature.verify(&secret.public_key(), compute_signing_root(&exit, after)));
        assert!(!signature.verify(&secret.public_key(), compute_signing_root(&exit, before)));
    }
}
