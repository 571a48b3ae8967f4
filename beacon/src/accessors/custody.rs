//! Custody game accessors that the beacon chain's own processing needs.

use primitives::ChainConfig;
use primitives::types::{Epoch, ValidatorIndex};

use crate::BeaconStateError;

/// `get_custody_period_for_validator`: the custody period of `epoch` for a validator, whose
/// periods are staggered by `validator_index % EPOCHS_PER_CUSTODY_PERIOD` epochs.
pub fn get_custody_period_for_validator(
    validator_index: ValidatorIndex,
    epoch: Epoch,
    config: &ChainConfig,
) -> Result<u64, BeaconStateError> {
    let period = config.epochs_per_custody_period;
    validator_index
        .checked_rem(period)
        .and_then(|offset| epoch.checked_add(offset))
        .and_then(|shifted| shifted.checked_div(period))
        .ok_or(BeaconStateError::Overflow {
            what: "(epoch + index % EPOCHS_PER_CUSTODY_PERIOD) // EPOCHS_PER_CUSTODY_PERIOD",
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use primitives::PresetName;

    #[test]
    fn periods_are_staggered_by_index() {
        let config = ChainConfig::preset(PresetName::Minimal);
        let period = config.epochs_per_custody_period;
        assert_eq!(
            get_custody_period_for_validator(0, period - 1, &config),
            Ok(0)
        );
        assert_eq!(
            get_custody_period_for_validator(1, period - 1, &config),
            Ok(1)
        );
        assert_eq!(
            get_custody_period_for_validator(period, period, &config),
            Ok(1)
        );
    }
}
