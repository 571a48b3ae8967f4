//! Custody periods and the custody game's list bookkeeping.

use primitives::ChainConfig;
use primitives::types::{Epoch, ValidatorIndex};
use ssz_types::VariableList;
use typenum::Unsigned;

use crate::BeaconStateError;

/// `get_randao_epoch_for_custody_period`: the epoch whose RANDAO reveal is a validator's
/// custody key for `period`, `CUSTODY_PERIOD_TO_RANDAO_PADDING` epochs after the period ends.
pub fn get_randao_epoch_for_custody_period(
    period: u64,
    validator_index: ValidatorIndex,
    config: &ChainConfig,
) -> Result<Epoch, BeaconStateError> {
    let epochs = config.epochs_per_custody_period;
    period
        .checked_add(1)
        .and_then(|next| next.checked_mul(epochs))
        .zip(validator_index.checked_rem(epochs))
        .and_then(|(end, offset)| end.checked_sub(offset))
        .and_then(|next_period_start| {
            next_period_start.checked_add(config.custody_period_to_randao_padding)
        })
        .ok_or(BeaconStateError::Overflow {
            what: "(period + 1) * EPOCHS_PER_CUSTODY_PERIOD - index % EPOCHS_PER_CUSTODY_PERIOD \
                   + CUSTODY_PERIOD_TO_RANDAO_PADDING",
        })
}

/// `replace_empty_or_append`: puts `new_element` in the first entry equal to the type's
/// default, or appends it; returns its position. A full list is an error and stays unchanged.
pub fn replace_empty_or_append<T, N>(
    list: &mut VariableList<T, N>,
    new_element: T,
) -> Result<usize, BeaconStateError>
where
    T: Default + PartialEq,
    N: Unsigned,
{
    let empty = T::default();
    if let Some((position, entry)) = list.iter_mut().enumerate().find(|(_, e)| **e == empty) {
        *entry = new_element;
        return Ok(position);
    }
    let position = list.len();
    list.push(new_element)
        .map_err(|_| BeaconStateError::ListFull {
            what: "replace_empty_or_append list",
        })?;
    Ok(position)
}

#[cfg(test)]
mod tests {
    use super::*;
    use primitives::PresetName;
    use typenum::U3;

    #[test]
    fn randao_epoch_follows_the_period() {
        let config = ChainConfig::preset(PresetName::Minimal);
        let epochs = config.epochs_per_custody_period;
        let padding = config.custody_period_to_randao_padding;
        assert_eq!(
            get_randao_epoch_for_custody_period(0, 0, &config),
            Ok(epochs + padding)
        );
        assert_eq!(
            get_randao_epoch_for_custody_period(2, 1, &config),
            Ok(3 * epochs - 1 + padding)
        );
        assert!(get_randao_epoch_for_custody_period(u64::MAX, 0, &config).is_err());
    }

    #[test]
    fn empty_entries_are_reused_before_appending() {
        let mut list = VariableList::<u64, U3>::new(vec![5, 0]).unwrap();
        assert_eq!(replace_empty_or_append(&mut list, 7), Ok(1));
        assert_eq!(replace_empty_or_append(&mut list, 8), Ok(2));
        assert_eq!(list.to_vec(), vec![5, 7, 8]);
        assert!(replace_empty_or_append(&mut list, 9).is_err());
        assert_eq!(list.to_vec(), vec![5, 7, 8]);
    }
}
