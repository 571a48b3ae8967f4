//! The validator client's keys by validator index, following the registry as it grows.
//!
//! A key whose validator is not in the registry yet (its deposit is still on its way through
//! shard 0 and the eth1 vote) waits in a pending list. Each time a duty reads a state whose
//! registry is longer than any seen before, only the new entries are looked at, so the check
//! costs nothing while the registry does not grow. Validator indexes never change meaning
//! between forks (deposits are processed in the order of the deposit contract, which only
//! grows, from finalized shard-0 blocks), so a key once placed keeps its index.

use std::collections::HashMap;

use primitives::EthSpec;
use primitives::bls::SecretKey;
use primitives::types::{BeaconState, PublicKeyBytes, ValidatorIndex};
use tracing::info;

/// Keys by validator index, and the keys still waiting for their validator.
#[derive(Default)]
pub struct KeyRegistry {
    /// Keys of validators in the registry, by index.
    by_index: HashMap<ValidatorIndex, (SecretKey, PublicKeyBytes)>,
    /// Keys of validators not seen in any registry yet, by public key.
    pending: HashMap<PublicKeyBytes, SecretKey>,
    /// The longest registry looked at so far.
    scanned: usize,
}

impl KeyRegistry {
    /// A registry of `keys`, none placed yet.
    pub fn new(keys: impl IntoIterator<Item = SecretKey>) -> Self {
        Self {
            by_index: HashMap::new(),
            pending: keys
                .into_iter()
                .map(|key| (key.public_key().to_bytes(), key))
                .collect(),
            scanned: 0,
        }
    }

    /// Places the pending keys whose validators `state`'s registry holds beyond what was
    /// looked at before; returns how many were placed.
    pub fn update<E: EthSpec>(&mut self, state: &BeaconState<E>) -> usize {
        let total = state.validators.len();
        if total <= self.scanned {
            return 0;
        }
        let mut placed = 0;
        if !self.pending.is_empty() {
            for (validator, index) in state.validators.iter().zip(0u64..).skip(self.scanned) {
                if let Some(key) = self.pending.remove(&validator.pubkey) {
                    info!(validator = index, pubkey = %validator.pubkey, "validator key in the registry");
                    self.by_index.insert(index, (key, validator.pubkey));
                    placed += 1;
                }
            }
        }
        self.scanned = total;
        placed
    }

    /// Adds `key` (a keystore imported at run time): it waits with the pending keys, and the
    /// next [`Self::update`] looks at the whole registry again, since its validator may be
    /// there already. Returns false when the key is held already.
    pub fn add(&mut self, key: SecretKey) -> bool {
        let pubkey = key.public_key().to_bytes();
        if self.pending.contains_key(&pubkey)
            || self.by_index.values().any(|(_, held)| *held == pubkey)
        {
            return false;
        }
        self.pending.insert(pubkey, key);
        self.scanned = 0;
        true
    }

    /// The key of validator `index`, with its public key.
    pub fn get(&self, index: &ValidatorIndex) -> Option<&(SecretKey, PublicKeyBytes)> {
        self.by_index.get(index)
    }

    /// Whether validator `index`'s key is held.
    pub fn contains_key(&self, index: &ValidatorIndex) -> bool {
        self.by_index.contains_key(index)
    }

    /// The keys placed in the registry.
    pub fn len(&self) -> usize {
        self.by_index.len()
    }

    /// Whether no key is placed in the registry.
    pub fn is_empty(&self) -> bool {
        self.by_index.is_empty()
    }

    /// The public keys of the keys still waiting for their validator.
    pub fn pending(&self) -> impl Iterator<Item = &PublicKeyBytes> {
        self.pending.keys()
    }

    /// The public keys of every key held, placed or pending.
    pub fn pubkeys(&self) -> Vec<PublicKeyBytes> {
        self.by_index
            .values()
            .map(|(_, pubkey)| *pubkey)
            .chain(self.pending.keys().copied())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use beacon::genesis::interop_genesis_state;
    use primitives::bls::interop_secret_key;
    use primitives::{ChainConfig, MinimalEthSpec, PresetName};

    #[test]
    fn keys_are_placed_as_the_registry_grows() {
        let config = ChainConfig::preset(PresetName::Minimal);
        let small = interop_genesis_state::<MinimalEthSpec>(8, 0, &config).unwrap();
        let large = interop_genesis_state::<MinimalEthSpec>(12, 0, &config).unwrap();
        let keys = [2u64, 9, 11, 40].map(|i| interop_secret_key(i).unwrap());
        let mut registry = KeyRegistry::new(keys);
        assert!(registry.is_empty());
        assert_eq!(registry.update(&small), 1);
        assert!(registry.contains_key(&2));
        assert!(!registry.contains_key(&9));
        // Nothing new: nothing scanned.
        assert_eq!(registry.update(&small), 0);
        assert_eq!(registry.update(&large), 2);
        assert!(registry.contains_key(&9) && registry.contains_key(&11));
        assert_eq!(
            registry.get(&11).map(|(_, pubkey)| *pubkey),
            Some(interop_secret_key(11).unwrap().public_key().to_bytes())
        );
        assert_eq!(registry.len(), 3);
        assert_eq!(registry.pending().count(), 1);
        assert_eq!(registry.pubkeys().len(), 4);
        // A shorter registry (another fork) changes nothing.
        assert_eq!(registry.update(&small), 0);
        assert_eq!(registry.len(), 3);
        // A key added later is placed even when its validator was seen before.
        assert!(registry.add(interop_secret_key(5).unwrap()));
        assert!(!registry.add(interop_secret_key(5).unwrap()));
        assert!(!registry.add(interop_secret_key(2).unwrap()));
        assert_eq!(registry.update(&large), 1);
        assert!(registry.contains_key(&5));
    }
}
