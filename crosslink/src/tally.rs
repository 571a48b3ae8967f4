//! The 2/3 rule of a crosslink: per shard, per shard transition root, the online balance of
//! the attesters against the online balance of the committee.
//!
//! The beacon crate feeds a [`ShardTally`] with the committee's online members and each
//! on-time attestation's attesters; the tally answers which root, if any, crosslinks. This is
//! `process_crosslink_for_shard`'s vote count and the honest proposer's
//! `get_shard_winning_roots`.

use std::collections::{BTreeMap, BTreeSet};

use primitives::types::{Gwei, Root, Shard, ValidatorIndex};

use crate::ArithmeticError;

/// `get_total_balance(attesting) * 3 >= get_total_balance(committee) * 2`, each total at least
/// `EFFECTIVE_BALANCE_INCREMENT` as `get_total_balance` makes it.
pub fn is_enough_online_stake(
    attesting_online_balance: Gwei,
    committee_online_balance: Gwei,
    effective_balance_increment: Gwei,
) -> Result<bool, ArithmeticError> {
    let attesting = attesting_online_balance
        .max(effective_balance_increment)
        .checked_mul(3)
        .ok_or(ArithmeticError {
            what: "attesting online balance * 3",
        })?;
    let committee = committee_online_balance
        .max(effective_balance_increment)
        .checked_mul(2)
        .ok_or(ArithmeticError {
            what: "committee online balance * 2",
        })?;
    Ok(attesting >= committee)
}

/// The attesters of one shard transition root.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RootVotes {
    participants: BTreeSet<ValidatorIndex>,
    online_balance: Gwei,
}

impl RootVotes {
    /// Every attester of the root, online or not (the proposer's reward counts them all).
    pub fn participants(&self) -> &BTreeSet<ValidatorIndex> {
        &self.participants
    }

    /// The summed effective balance of the online attesters.
    pub fn online_balance(&self) -> Gwei {
        self.online_balance
    }
}

/// The votes of one committee for its shard's transition, by shard transition root.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ShardTally {
    /// Effective balance of each online committee member.
    online_members: BTreeMap<ValidatorIndex, Gwei>,
    committee_online_balance: Gwei,
    /// Ordered by root, as the spec walks `sorted(shard_transition_roots)`.
    roots: BTreeMap<Root, RootVotes>,
}

impl ShardTally {
    /// A tally for a committee whose online members (`online_indices ∩ committee`) have the
    /// given effective balances.
    pub fn new(
        online_members: impl IntoIterator<Item = (ValidatorIndex, Gwei)>,
    ) -> Result<Self, ArithmeticError> {
        let online_members: BTreeMap<_, _> = online_members.into_iter().collect();
        let mut committee_online_balance: Gwei = 0;
        for balance in online_members.values() {
            committee_online_balance =
                committee_online_balance
                    .checked_add(*balance)
                    .ok_or(ArithmeticError {
                        what: "committee online balance",
                    })?;
        }
        Ok(Self {
            online_members,
            committee_online_balance,
            roots: BTreeMap::new(),
        })
    }

    /// Counts the attesters of one attestation for `root`; an attester counted for the root
    /// already is counted once.
    pub fn add_vote(
        &mut self,
        root: Root,
        attesters: impl IntoIterator<Item = ValidatorIndex>,
    ) -> Result<(), ArithmeticError> {
        let votes = self.roots.entry(root).or_default();
        for attester in attesters {
            if !votes.participants.insert(attester) {
                continue;
            }
            if let Some(balance) = self.online_members.get(&attester) {
                votes.online_balance =
                    votes
                        .online_balance
                        .checked_add(*balance)
                        .ok_or(ArithmeticError {
                            what: "attesting online balance",
                        })?;
            }
        }
        Ok(())
    }

    /// The summed effective balance of the committee's online members.
    pub fn committee_online_balance(&self) -> Gwei {
        self.committee_online_balance
    }

    /// The roots voted for, in increasing order, with their votes.
    pub fn roots(&self) -> impl Iterator<Item = (&Root, &RootVotes)> {
        self.roots.iter()
    }

    /// The smallest root whose online attesters hold 2/3 of the committee's online balance.
    pub fn winning_root(
        &self,
        effective_balance_increment: Gwei,
    ) -> Result<Option<(Root, &RootVotes)>, ArithmeticError> {
        for (root, votes) in &self.roots {
            if is_enough_online_stake(
                votes.online_balance,
                self.committee_online_balance,
                effective_balance_increment,
            )? {
                return Ok(Some((*root, votes)));
            }
        }
        Ok(None)
    }
}

/// The tallies of one slot's committees, by shard.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CrosslinkTally {
    shards: BTreeMap<Shard, ShardTally>,
}

impl CrosslinkTally {
    /// No shard yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds (or replaces) the tally of `shard`.
    pub fn insert(&mut self, shard: Shard, tally: ShardTally) {
        self.shards.insert(shard, tally);
    }

    /// The tally of `shard`, if its committee was added.
    pub fn shard(&self, shard: Shard) -> Option<&ShardTally> {
        self.shards.get(&shard)
    }

    /// The tally of `shard`, to count votes into.
    pub fn shard_mut(&mut self, shard: Shard) -> Option<&mut ShardTally> {
        self.shards.get_mut(&shard)
    }

    /// Each shard whose committee crosslinks, with its winning root, in shard order.
    pub fn winning_roots(
        &self,
        effective_balance_increment: Gwei,
    ) -> Result<Vec<(Shard, Root)>, ArithmeticError> {
        let mut winners = Vec::new();
        for (shard, tally) in &self.shards {
            if let Some((root, _)) = tally.winning_root(effective_balance_increment)? {
                winners.push((*shard, root));
            }
        }
        Ok(winners)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const INCREMENT: Gwei = 1_000_000_000;
    const BALANCE: Gwei = 32 * INCREMENT;

    fn tally(members: u64) -> ShardTally {
        ShardTally::new((0..members).map(|i| (i, BALANCE))).unwrap()
    }

    #[test]
    fn exactly_two_thirds_crosslinks_and_just_below_does_not() {
        // 3 members of 32 ETH: 2 attesters hold exactly 2/3.
        let mut t = tally(3);
        t.add_vote(Root::repeat_byte(1), [0, 1]).unwrap();
        let (root, votes) = t.winning_root(INCREMENT).unwrap().unwrap();
        assert_eq!(root, Root::repeat_byte(1));
        assert_eq!(votes.online_balance(), 2 * BALANCE);

        // One gwei short of 2/3.
        let mut t = ShardTally::new([(0, BALANCE), (1, BALANCE - 1), (2, BALANCE)]).unwrap();
        t.add_vote(Root::repeat_byte(1), [0, 1]).unwrap();
        assert_eq!(t.winning_root(INCREMENT).unwrap(), None);
        assert!(is_enough_online_stake(2 * BALANCE, 3 * BALANCE, INCREMENT).unwrap());
        assert!(!is_enough_online_stake(2 * BALANCE - 1, 3 * BALANCE, INCREMENT).unwrap());
    }

    #[test]
    fn offline_attesters_and_repeats_do_not_count() {
        // Member 3 is offline: not in the tally's members, so neither side counts it.
        let mut t = tally(3);
        t.add_vote(Root::repeat_byte(1), [0, 3]).unwrap();
        t.add_vote(Root::repeat_byte(1), [0]).unwrap();
        let votes = t.roots().next().unwrap().1;
        assert_eq!(votes.participants().len(), 2);
        assert_eq!(votes.online_balance(), BALANCE);
        assert_eq!(t.winning_root(INCREMENT).unwrap(), None);
        // Votes for different roots are not added together.
        t.add_vote(Root::repeat_byte(2), [1]).unwrap();
        assert_eq!(t.winning_root(INCREMENT).unwrap(), None);
    }

    #[test]
    fn the_smallest_sufficient_root_wins() {
        let mut t = tally(3);
        t.add_vote(Root::repeat_byte(9), [0, 1, 2]).unwrap();
        t.add_vote(Root::repeat_byte(5), [0, 1]).unwrap();
        t.add_vote(Root::repeat_byte(2), [2]).unwrap();
        assert_eq!(
            t.winning_root(INCREMENT).unwrap().map(|(r, _)| r),
            Some(Root::repeat_byte(5))
        );
        let mut all = CrosslinkTally::new();
        all.insert(4, t);
        all.insert(1, tally(3));
        assert_eq!(
            all.winning_roots(INCREMENT).unwrap(),
            vec![(4, Root::repeat_byte(5))]
        );
    }

    #[test]
    fn empty_totals_are_floored_at_the_increment() {
        // No online member: the committee total is one increment, and so is an empty vote's,
        // so any root attested by anyone wins, as in the spec.
        let mut t = ShardTally::new([]).unwrap();
        t.add_vote(Root::repeat_byte(3), [7]).unwrap();
        assert!(t.winning_root(INCREMENT).unwrap().is_some());
        assert!(is_enough_online_stake(u64::MAX, 1, 1).is_err());
    }
}
