//! `increase_balance` and `decrease_balance`, and the staged balance changes of a mutator that
//! touches several balances.

use primitives::EthSpec;
use primitives::types::{BeaconState, Gwei, ValidatorIndex};

use crate::BeaconStateError;
use crate::accessors::balance;

/// `increase_balance`: `balances[index] += delta`; overflow is an error.
pub fn increase_balance<E: EthSpec>(
    state: &mut BeaconState<E>,
    index: ValidatorIndex,
    delta: Gwei,
) -> Result<(), BeaconStateError> {
    let mut staged = StagedBalances::default();
    staged.increase(state, index, delta)?;
    staged.commit(state)
}

/// `decrease_balance`: `balances[index] -= delta`, stopping at zero.
pub fn decrease_balance<E: EthSpec>(
    state: &mut BeaconState<E>,
    index: ValidatorIndex,
    delta: Gwei,
) -> Result<(), BeaconStateError> {
    let mut staged = StagedBalances::default();
    staged.decrease(state, index, delta)?;
    staged.commit(state)
}

/// Balance changes computed against the state and written only by [`Self::commit`], so that a
/// mutator that changes several balances (the same one possibly more than once) writes none
/// when one of them fails.
#[derive(Debug, Default)]
pub(crate) struct StagedBalances {
    changed: Vec<(ValidatorIndex, Gwei)>,
}

impl StagedBalances {
    /// The balance of `index` with the staged changes applied.
    fn get<E: EthSpec>(
        &self,
        state: &BeaconState<E>,
        index: ValidatorIndex,
    ) -> Result<Gwei, BeaconStateError> {
        match self.changed.iter().rev().find(|(i, _)| *i == index) {
            Some((_, value)) => Ok(*value),
            None => balance(state, index),
        }
    }

    /// Stages `increase_balance(index, delta)`.
    pub(crate) fn increase<E: EthSpec>(
        &mut self,
        state: &BeaconState<E>,
        index: ValidatorIndex,
        delta: Gwei,
    ) -> Result<(), BeaconStateError> {
        let value =
            self.get(state, index)?
                .checked_add(delta)
                .ok_or(BeaconStateError::Overflow {
                    what: "balance + delta",
                })?;
        self.changed.push((index, value));
        Ok(())
    }

    /// Stages `decrease_balance(index, delta)`.
    pub(crate) fn decrease<E: EthSpec>(
        &mut self,
        state: &BeaconState<E>,
        index: ValidatorIndex,
        delta: Gwei,
    ) -> Result<(), BeaconStateError> {
        let value = self.get(state, index)?.saturating_sub(delta);
        self.changed.push((index, value));
        Ok(())
    }

    /// Writes the staged balances. Every index was read through [`Self::get`], so each write
    /// finds its entry; the check is repeated only to fail rather than panic.
    pub(crate) fn commit<E: EthSpec>(
        self,
        state: &mut BeaconState<E>,
    ) -> Result<(), BeaconStateError> {
        let count = state.balances.len();
        if let Some((index, _)) = self
            .changed
            .iter()
            .find(|(index, _)| usize::try_from(*index).map_or(true, |i| i >= count))
        {
            return Err(BeaconStateError::UnknownValidator {
                index: *index,
                count,
            });
        }
        for (index, value) in self.changed {
            if let Some(entry) = usize::try_from(index)
                .ok()
                .and_then(|i| state.balances.get_mut(i))
            {
                *entry = value;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use primitives::MinimalEthSpec;

    #[test]
    fn balances_change_with_checks() {
        let mut state = BeaconState::<MinimalEthSpec>::default();
        state.balances.push(10).unwrap();
        state.balances.push(u64::MAX).unwrap();
        increase_balance(&mut state, 0, 5).unwrap();
        decrease_balance(&mut state, 0, 100).unwrap();
        assert_eq!(state.balances[0], 0);
        assert_eq!(
            increase_balance(&mut state, 1, 1),
            Err(BeaconStateError::Overflow {
                what: "balance + delta"
            })
        );
        assert!(increase_balance(&mut state, 2, 1).is_err());
    }

    #[test]
    fn staged_changes_compose_and_commit_together() {
        let mut state = BeaconState::<MinimalEthSpec>::default();
        state.balances.push(10).unwrap();
        state.balances.push(u64::MAX - 1).unwrap();
        let mut staged = StagedBalances::default();
        staged.decrease(&state, 0, 4).unwrap();
        staged.increase(&state, 0, 1).unwrap();
        staged.increase(&state, 1, 1).unwrap();
        assert!(staged.increase(&state, 1, 1).is_err());
        assert_eq!(state.balances[0], 10);
        staged.commit(&mut state).unwrap();
        assert_eq!(state.balances[0], 7);
        assert_eq!(state.balances[1], u64::MAX);
    }
}
