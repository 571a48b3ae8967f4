//! The light client vote pool: the aggregate light client votes of recent slots, offered to
//! the proposer of the next slot (`get_best_light_client_aggregate` picks among them).

use primitives::EthSpec;
use primitives::types::{LightClientVote, Slot};

/// The slots of votes kept behind the newest: a vote is included only by the next slot's
/// block, so older ones serve no block.
const KEPT_SLOTS: Slot = 2;

/// Aggregate light client votes, newest slots only.
#[derive(Debug, Clone)]
pub struct LightClientPool<E: EthSpec> {
    votes: Vec<LightClientVote<E>>,
}

impl<E: EthSpec> Default for LightClientPool<E> {
    fn default() -> Self {
        Self { votes: Vec::new() }
    }
}

impl<E: EthSpec> LightClientPool<E> {
    /// An empty pool.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds an aggregate vote (its signature already checked) and drops the votes more than
    /// `KEPT_SLOTS` slots older than it.
    pub fn insert(&mut self, vote: LightClientVote<E>) {
        let oldest = vote.data.slot.saturating_sub(KEPT_SLOTS);
        self.votes.retain(|v| v.data.slot >= oldest && *v != vote);
        self.votes.push(vote);
    }

    /// The aggregates held, for block production.
    pub fn votes(&self) -> &[LightClientVote<E>] {
        &self.votes
    }

    /// The number of aggregates held.
    pub fn len(&self) -> usize {
        self.votes.len()
    }

    /// Whether the pool holds no aggregate.
    pub fn is_empty(&self) -> bool {
        self.votes.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use primitives::MinimalEthSpec;

    use super::*;

    fn vote(slot: Slot) -> LightClientVote<MinimalEthSpec> {
        let mut vote = LightClientVote::default();
        vote.data.slot = slot;
        vote
    }

    #[test]
    fn old_votes_go_and_duplicates_are_kept_once() {
        let mut pool = LightClientPool::new();
        pool.insert(vote(1));
        pool.insert(vote(1));
        assert_eq!(pool.len(), 1);
        pool.insert(vote(2));
        pool.insert(vote(5));
        let slots: Vec<Slot> = pool.votes().iter().map(|v| v.data.slot).collect();
        assert_eq!(slots, vec![5]);
    }
}
