//! Compact committees for light clients: `pack_compact_validator`, `unpack_compact_validator`
//! and `committee_to_compact_committee`.

use primitives::types::{BeaconState, CompactCommittee, ValidatorIndex};
use primitives::{ChainConfig, EthSpec};
use ssz_types::VariableList;

use super::validator;
use crate::BeaconStateError;

/// The bit of a compact validator that says it is slashed; the index sits above it and the
/// balance in increments below it.
const SLASHED_BIT: u32 = 15;
/// How far the validator index is shifted.
const INDEX_SHIFT: u32 = 16;

/// `pack_compact_validator`: `(index << 16) + (slashed << 15) + balance_in_increments`.
///
/// As in the spec the balance is not masked: one of `2**15` increments or more runs into the
/// slashed bit (no preset comes near: `MAX_EFFECTIVE_BALANCE` is 32 increments). An index of
/// `2**48` or more does not fit in a `uint64` and is an error, as it is in the spec.
pub fn pack_compact_validator(
    index: ValidatorIndex,
    slashed: bool,
    balance_in_increments: u64,
) -> Result<u64, BeaconStateError> {
    let overflow = BeaconStateError::Overflow {
        what: "compact validator",
    };
    let index_part = index
        .checked_mul(1u64 << INDEX_SHIFT)
        .ok_or(overflow.clone())?;
    let slashed_part = u64::from(slashed) << SLASHED_BIT;
    index_part
        .checked_add(slashed_part)
        .and_then(|packed| packed.checked_add(balance_in_increments))
        .ok_or(overflow)
}

/// `unpack_compact_validator`: the validator index, whether it is slashed, and its effective
/// balance in increments.
pub fn unpack_compact_validator(compact_validator: u64) -> (ValidatorIndex, bool, u64) {
    (
        compact_validator >> INDEX_SHIFT,
        (compact_validator >> SLASHED_BIT) & 1 == 1,
        compact_validator & ((1u64 << SLASHED_BIT) - 1),
    )
}

/// `committee_to_compact_committee`: the members' public keys and compact validators, in
/// committee order.
pub fn committee_to_compact_committee<E: EthSpec>(
    state: &BeaconState<E>,
    committee: &[ValidatorIndex],
    config: &ChainConfig,
) -> Result<CompactCommittee<E>, BeaconStateError> {
    let mut pubkeys = Vec::with_capacity(committee.len());
    let mut compact_validators = Vec::with_capacity(committee.len());
    for &index in committee {
        let member = validator(state, index)?;
        let balance_in_increments = member
            .effective_balance
            .checked_div(config.effective_balance_increment)
            .ok_or(BeaconStateError::Overflow {
                what: "effective_balance // EFFECTIVE_BALANCE_INCREMENT with a zero increment",
            })?;
        pubkeys.push(member.pubkey);
        compact_validators.push(pack_compact_validator(
            index,
            member.slashed,
            balance_in_increments,
        )?);
    }
    let full = |_| BeaconStateError::ListFull {
        what: "CompactCommittee",
    };
    Ok(CompactCommittee {
        pubkeys: VariableList::new(pubkeys).map_err(full)?,
        compact_validators: VariableList::new(compact_validators).map_err(full)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accessors::committees::tests::state_with;
    use primitives::PresetName;
    use primitives::types::PublicKeyBytes;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn pack_then_unpack_gives_the_parts_back(
            index in 0u64..(1 << 48),
            slashed: bool,
            balance in 0u64..(1 << 15),
        ) {
            let packed = pack_compact_validator(index, slashed, balance).unwrap();
            prop_assert_eq!(unpack_compact_validator(packed), (index, slashed, balance));
        }

        #[test]
        fn unpack_then_pack_gives_the_word_back(word: u64) {
            let (index, slashed, balance) = unpack_compact_validator(word);
            prop_assert_eq!(pack_compact_validator(index, slashed, balance), Ok(word));
        }
    }

    #[test]
    fn packing_follows_the_spec_layout() {
        assert_eq!(
            pack_compact_validator(3, true, 32),
            Ok((3 << 16) + (1 << 15) + 32)
        );
        assert_eq!(pack_compact_validator(0, false, 0), Ok(0));
        assert_eq!(unpack_compact_validator((7 << 16) | 31), (7, false, 31));
        assert!(pack_compact_validator(1 << 48, false, 0).is_err());
    }

    #[test]
    fn compact_committee_lists_members_in_order() {
        let config = ChainConfig::preset(PresetName::Minimal);
        let mut state = state_with(10);
        state.validators[4].slashed = true;
        state.validators[4].pubkey = PublicKeyBytes::from([4u8; 48]);
        state.validators[7].effective_balance = 17 * config.effective_balance_increment + 5;
        let compact = committee_to_compact_committee(&state, &[7, 4, 0], &config).unwrap();
        assert_eq!(compact.pubkeys.len(), 3);
        assert_eq!(compact.pubkeys[1], state.validators[4].pubkey);
        let unpacked: Vec<_> = compact
            .compact_validators
            .iter()
            .map(|w| unpack_compact_validator(*w))
            .collect();
        let increments =
            |i: usize| state.validators[i].effective_balance / config.effective_balance_increment;
        assert_eq!(
            unpacked,
            vec![
                (7, false, 17),
                (4, true, increments(4)),
                (0, false, increments(0)),
            ]
        );
        assert!(committee_to_compact_committee(&state, &[10], &config).is_err());
    }
}
