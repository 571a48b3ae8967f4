//! Signature domains and signing roots: what every BLS signature of the chain signs.

use tree_hash::TreeHash;

use crate::types::{Domain, DomainType, ForkData, ForkDigest, Root, SigningData, Version};

/// `compute_fork_data_root`: the root of a `ForkData`, which binds a fork version to one chain.
pub fn compute_fork_data_root(current_version: Version, genesis_validators_root: Root) -> Root {
    ForkData {
        current_version,
        genesis_validators_root,
    }
    .tree_hash_root()
}

/// `compute_fork_digest`: the first four bytes of the fork data root, used to tell networks apart.
pub fn compute_fork_digest(current_version: Version, genesis_validators_root: Root) -> ForkDigest {
    let [a, b, c, d, ..] = compute_fork_data_root(current_version, genesis_validators_root).0;
    [a, b, c, d]
}

/// `compute_domain`: the domain type followed by the first 28 bytes of the fork data root.
///
/// The spec's defaults (`GENESIS_FORK_VERSION`, an empty root) are the caller's to pass, since
/// the genesis fork version is run-time configuration here (`ChainConfig::genesis_fork_version`).
pub fn compute_domain(
    domain_type: DomainType,
    fork_version: Version,
    genesis_validators_root: Root,
) -> Domain {
    let fork_data_root = compute_fork_data_root(fork_version, genesis_validators_root);
    let mut domain = [0u8; 32];
    // 4 bytes of type, then the fork data root cut off where the 32 bytes end.
    for (out, byte) in domain
        .iter_mut()
        .zip(domain_type.iter().chain(fork_data_root.iter()))
    {
        *out = *byte;
    }
    Domain::from(domain)
}

/// `compute_signing_root`: the root of a `SigningData` pairing the object's root with a domain.
pub fn compute_signing_root<T: TreeHash + ?Sized>(ssz_object: &T, domain: Domain) -> Root {
    SigningData {
        object_root: ssz_object.tree_hash_root(),
        domain,
    }
    .tree_hash_root()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::{Checkpoint, Hash256};
    use sha2::{Digest, Sha256};

    fn sha256_pair(a: &[u8; 32], b: &[u8; 32]) -> Hash256 {
        let mut h = Sha256::new();
        h.update(a);
        h.update(b);
        Hash256::from_slice(&h.finalize())
    }

    fn root(hex_str: &str) -> Root {
        hex_str.parse().unwrap()
    }

    #[test]
    fn fork_data_root_is_the_hash_of_both_chunks() {
        let version = [1, 2, 3, 4];
        let gvr = Hash256::repeat_byte(0xaa);
        let mut chunk = [0u8; 32];
        chunk[..4].copy_from_slice(&version);
        assert_eq!(
            compute_fork_data_root(version, gvr),
            sha256_pair(&chunk, &gvr.0)
        );
    }

    #[test]
    fn mainnet_genesis_fork_digest() {
        // Ethereum mainnet: GENESIS_FORK_VERSION 0x00000000 and its genesis validators root give
        // the published phase 0 fork digest 0xb5303f2a.
        let gvr = root("0x4b363db94e286120d76eb905340fdd4e54bfe9f06bf33ff6cf5ad27f511bfe95");
        assert_eq!(compute_fork_digest([0; 4], gvr), [0xb5, 0x30, 0x3f, 0x2a]);
    }

    #[test]
    fn deposit_domain_with_genesis_defaults() {
        // DOMAIN_DEPOSIT with GENESIS_FORK_VERSION 0x00000000 and an empty root: the well-known
        // mainnet deposit domain.
        let domain = compute_domain([3, 0, 0, 0], [0; 4], Root::ZERO);
        assert_eq!(
            domain,
            root("0x03000000f5a5fd42d16a20302798ef6ed309979b43003d2320d9f0e8ea9831a9")
        );
        let fork_data_root = compute_fork_data_root([0; 4], Root::ZERO);
        assert_eq!(domain[4..], fork_data_root[..28]);
        // Another fork version or chain gives another domain.
        assert_ne!(
            compute_domain([3, 0, 0, 0], [0, 0, 0, 1], Root::ZERO),
            domain
        );
        assert_ne!(
            compute_domain([3, 0, 0, 0], [0; 4], Hash256::repeat_byte(1)),
            domain
        );
    }

    #[test]
    fn signing_root_pairs_object_root_and_domain() {
        let checkpoint = Checkpoint {
            epoch: 7,
            root: Hash256::repeat_byte(0x11),
        };
        let domain = compute_domain([1, 0, 0, 0], [0, 0, 0, 1], Hash256::repeat_byte(2));
        let expected = sha256_pair(&checkpoint.tree_hash_root().0, &domain.0);
        assert_eq!(compute_signing_root(&checkpoint, domain), expected);
        assert_ne!(
            compute_signing_root(&checkpoint, Domain::ZERO),
            compute_signing_root(&checkpoint, domain)
        );
    }
}
