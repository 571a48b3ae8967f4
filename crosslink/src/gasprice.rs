//! `compute_updated_gasprice`: a shard's gas price moves towards the price at which its blocks
//! are `TARGET_SHARD_BLOCK_SIZE` long.

use primitives::ChainConfig;
use primitives::types::Gwei;

use crate::ArithmeticError;

/// `compute_updated_gasprice`: raise the price after a block above the target size, lower it
/// after one below, by at most `1 / GASPRICE_ADJUSTMENT_COEFFICIENT`, within
/// `[MIN_GASPRICE, MAX_GASPRICE]`.
pub fn compute_updated_gasprice(
    prev_gasprice: Gwei,
    shard_block_length: u64,
    config: &ChainConfig,
) -> Result<Gwei, ArithmeticError> {
    let target = config.target_shard_block_size;
    let delta_of = |difference: u64| {
        prev_gasprice
            .checked_mul(difference)
            .and_then(|n| n.checked_div(target))
            .and_then(|n| n.checked_div(config.gasprice_adjustment_coefficient))
            .ok_or(ArithmeticError {
                what: "prev_gasprice * size difference // TARGET_SHARD_BLOCK_SIZE",
            })
    };
    if shard_block_length > target {
        let delta = delta_of(shard_block_length.saturating_sub(target))?;
        let raised = prev_gasprice.checked_add(delta).ok_or(ArithmeticError {
            what: "prev_gasprice + delta",
        })?;
        Ok(raised.min(config.max_gasprice))
    } else {
        let delta = delta_of(target.saturating_sub(shard_block_length))?;
        let floor = config
            .min_gasprice
            .checked_add(delta)
            .ok_or(ArithmeticError {
                what: "MIN_GASPRICE + delta",
            })?;
        // max(prev, MIN_GASPRICE + delta) >= delta, so this never saturates.
        Ok(prev_gasprice.max(floor).saturating_sub(delta))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use primitives::PresetName;

    fn config() -> ChainConfig {
        ChainConfig::preset(PresetName::Minimal)
    }

    #[test]
    fn full_block_raises_by_an_eighth_of_the_excess() {
        let c = config();
        let target = c.target_shard_block_size;
        // MAX_SHARD_BLOCK_SIZE = 4 * target: delta = prev * 3 // 8.
        assert_eq!(compute_updated_gasprice(8, 4 * target, &c), Ok(11));
        assert_eq!(compute_updated_gasprice(1000, 4 * target, &c), Ok(1375));
        // At the target the price stays.
        assert_eq!(compute_updated_gasprice(1000, target, &c), Ok(1000));
    }

    #[test]
    fn price_stays_within_the_bounds() {
        let c = config();
        let target = c.target_shard_block_size;
        // Capped at MAX_GASPRICE from just below it, and at it.
        assert_eq!(
            compute_updated_gasprice(c.max_gasprice - 1, 4 * target, &c),
            Ok(c.max_gasprice)
        );
        assert_eq!(
            compute_updated_gasprice(c.max_gasprice, 4 * target, &c),
            Ok(c.max_gasprice)
        );
        // An empty block lowers by prev // 8 but never below MIN_GASPRICE.
        assert_eq!(compute_updated_gasprice(1000, 0, &c), Ok(875));
        assert_eq!(
            compute_updated_gasprice(c.min_gasprice, 0, &c),
            Ok(c.min_gasprice)
        );
        assert_eq!(
            compute_updated_gasprice(c.min_gasprice + 1, 0, &c),
            Ok(c.min_gasprice)
        );
        // Below MIN_GASPRICE (a state the rules never reach) the price is lifted to it.
        assert_eq!(compute_updated_gasprice(0, 0, &c), Ok(c.min_gasprice));
    }

    #[test]
    fn overflow_and_zero_divisors_are_errors() {
        let mut c = config();
        assert!(compute_updated_gasprice(u64::MAX, u64::MAX, &c).is_err());
        c.gasprice_adjustment_coefficient = 0;
        assert!(compute_updated_gasprice(8, 0, &c).is_err());
    }
}
