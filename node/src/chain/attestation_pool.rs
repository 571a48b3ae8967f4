//! The naive aggregation pool: unaggregated attestations combined as they arrive, one aggregate
//! per `AttestationData` root, and the aggregates waiting for a block, with the full shard
//! transitions their `shard_transition_root`s stand for (the `FullAttestationData` of the
//! network).

use std::collections::HashMap;

use beacon::production::aggregate_attestations;
use primitives::EthSpec;
use primitives::types::{Attestation, Root, ShardTransition, Slot};
use tree_hash::TreeHash;

/// Attestations by data root, and the aggregates offered to block proposers.
#[derive(Debug, Clone)]
pub struct AttestationPool<E: EthSpec> {
    /// The running aggregate of each `AttestationData` seen, by its root.
    naive: HashMap<Root, Attestation<E>>,
    /// Aggregates published for inclusion, by data root.
    for_inclusion: HashMap<Root, Attestation<E>>,
    /// Full shard transitions by root.
    transitions: HashMap<Root, ShardTransition<E>>,
}

impl<E: EthSpec> Default for AttestationPool<E> {
    fn default() -> Self {
        Self {
            naive: HashMap::new(),
            for_inclusion: HashMap::new(),
            transitions: HashMap::new(),
        }
    }
}

impl<E: EthSpec> AttestationPool<E> {
    /// An empty pool.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds an attestation (signature already checked) to the aggregate of its data. An
    /// attestation whose signers are already all counted changes nothing; one overlapping the
    /// aggregate only in part is kept aside, since BLS aggregates cannot count a signer twice.
    pub fn insert(&mut self, attestation: Attestation<E>) {
        let root = attestation.data.tree_hash_root();
        match self.naive.get_mut(&root) {
            None => {
                self.naive.insert(root, attestation);
            }
            Some(existing) => {
                let overlaps = existing
                    .aggregation_bits
                    .iter()
                    .zip(attestation.aggregation_bits.iter())
                    .any(|(a, b)| a && b);
                if overlaps {
                    return;
                }
                if let Ok(aggregate) = aggregate_attestations(&[existing.clone(), attestation]) {
                    *existing = aggregate;
                }
            }
        }
    }

    /// Records the full shard transition an attestation's `shard_transition_root` names.
    pub fn insert_transition(&mut self, transition: ShardTransition<E>) {
        self.transitions
            .insert(transition.tree_hash_root(), transition);
    }

    /// The running aggregates of the attestations of `slot`.
    pub fn aggregates_at(&self, slot: Slot) -> Vec<Attestation<E>> {
        self.naive
            .values()
            .filter(|a| a.data.slot == slot)
            .cloned()
            .collect()
    }

    /// Offers an aggregate to block proposers (an aggregator's published `AggregateAndProof`,
    /// ours or a peer's); of several aggregates of one vote, the one with the most signers is
    /// kept.
    pub fn publish(&mut self, aggregate: Attestation<E>) {
        let root = aggregate.data.tree_hash_root();
        let signers = aggregate.aggregation_bits.num_set_bits();
        match self.for_inclusion.get(&root) {
            Some(held) if held.aggregation_bits.num_set_bits() >= signers => {}
            _ => {
                self.for_inclusion.insert(root, aggregate);
            }
        }
    }

    /// The aggregates offered for inclusion, the most signers first, and every full shard
    /// transition known: what [`BlockInputs`](beacon::production::BlockInputs) takes.
    pub fn block_candidates(&self) -> (Vec<Attestation<E>>, Vec<ShardTransition<E>>) {
        let mut attestations: Vec<Attestation<E>> = self.for_inclusion.values().cloned().collect();
        attestations.sort_by_key(|a| {
            (
                std::cmp::Reverse(a.data.slot),
                std::cmp::Reverse(a.aggregation_bits.iter().filter(|bit| *bit).count()),
                a.data.index,
            )
        });
        (attestations, self.transitions.values().cloned().collect())
    }

    /// Forgets attestations of slots before `slot` (too old for inclusion) and transitions no
    /// remaining attestation names.
    pub fn prune(&mut self, slot: Slot) {
        self.naive.retain(|_, a| a.data.slot >= slot);
        self.for_inclusion.retain(|_, a| a.data.slot >= slot);
        let wanted: std::collections::HashSet<Root> = self
            .naive
            .values()
            .chain(self.for_inclusion.values())
            .map(|a| a.data.shard_transition_root)
            .collect();
        self.transitions.retain(|root, _| wanted.contains(root));
    }

    /// The number of aggregates offered for inclusion.
    pub fn len(&self) -> usize {
        self.for_inclusion.len()
    }

    /// Whether no aggregate is offered for inclusion.
    pub fn is_empty(&self) -> bool {
        self.for_inclusion.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use primitives::MinimalEthSpec;
    use primitives::bls::interop_secret_key;
    use primitives::types::AttestationData;
    use ssz_types::BitList;

    use super::*;

    type E = MinimalEthSpec;

    fn attestation(slot: Slot, index: u64, signer: usize) -> Attestation<E> {
        let data = AttestationData {
            slot,
            index,
            ..AttestationData::default()
        };
        let mut aggregation_bits = BitList::with_capacity(4).unwrap();
        aggregation_bits.set(signer, true).unwrap();
        let key = interop_secret_key(signer as u64).unwrap();
        Attestation {
            aggregation_bits,
            signature: key.sign(data.tree_hash_root()).to_bytes(),
            data,
        }
    }

    fn signers(attestation: &Attestation<E>) -> Vec<usize> {
        (0..attestation.aggregation_bits.len())
            .filter(|i| attestation.aggregation_bits.get(*i).unwrap())
            .collect()
    }

    #[test]
    fn disjoint_attestations_of_one_data_aggregate_and_repeats_are_ignored() {
        let mut pool = AttestationPool::<E>::new();
        pool.insert(attestation(3, 0, 0));
        pool.insert(attestation(3, 0, 2));
        pool.insert(attestation(3, 0, 2));
        pool.insert(attestation(3, 1, 1));
        let mut aggregates = pool.aggregates_at(3);
        aggregates.sort_by_key(|a| a.data.index);
        assert_eq!(aggregates.len(), 2);
        assert_eq!(signers(&aggregates[0]), vec![0, 2]);
        assert_eq!(signers(&aggregates[1]), vec![1]);
        assert!(pool.aggregates_at(4).is_empty());
    }

    #[test]
    fn published_aggregates_are_offered_newest_and_fullest_first_until_pruned() {
        let mut pool = AttestationPool::<E>::new();
        pool.insert(attestation(5, 0, 0));
        pool.insert(attestation(5, 0, 1));
        for aggregate in pool.aggregates_at(5) {
            pool.publish(aggregate);
        }
        pool.publish(attestation(5, 1, 3));
        pool.publish(attestation(4, 0, 2));
        let (candidates, _) = pool.block_candidates();
        let order: Vec<(Slot, u64)> = candidates
            .iter()
            .map(|a| (a.data.slot, a.data.index))
            .collect();
        assert_eq!(order, vec![(5, 0), (5, 1), (4, 0)]);
        pool.prune(5);
        assert_eq!(pool.len(), 2);
        pool.prune(6);
        assert!(pool.is_empty());
    }
}
