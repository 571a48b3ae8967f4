//! Accessors of the state's clock and histories: epochs, block roots, RANDAO mixes, seeds and
//! signature domains.

use ethereum_hashing::hash_fixed;
use primitives::math::{compute_epoch_at_slot, compute_start_slot_at_epoch};
use primitives::signing::compute_domain;
use primitives::types::{BeaconState, Bytes32, Domain, DomainType, Epoch, Root, Slot};
use primitives::{ChainConfig, EthSpec};

use crate::{BeaconStateError, GENESIS_EPOCH};

/// `get_current_epoch`: the epoch of the state's slot.
pub fn get_current_epoch<E: EthSpec>(
    state: &BeaconState<E>,
    config: &ChainConfig,
) -> Result<Epoch, BeaconStateError> {
    Ok(compute_epoch_at_slot(state.slot, config)?)
}

/// `get_previous_epoch`: the epoch before the current one, or `GENESIS_EPOCH` at genesis.
pub fn get_previous_epoch<E: EthSpec>(
    state: &BeaconState<E>,
    config: &ChainConfig,
) -> Result<Epoch, BeaconStateError> {
    let current = get_current_epoch(state, config)?;
    Ok(current.checked_sub(1).unwrap_or(GENESIS_EPOCH))
}

/// `get_block_root`: the block root at the start of a recent `epoch`.
pub fn get_block_root<E: EthSpec>(
    state: &BeaconState<E>,
    epoch: Epoch,
    config: &ChainConfig,
) -> Result<Root, BeaconStateError> {
    get_block_root_at_slot(state, compute_start_slot_at_epoch(epoch, config)?)
}

/// `get_block_root_at_slot`: the block root at a recent `slot`
/// (`slot < state.slot <= slot + SLOTS_PER_HISTORICAL_ROOT`).
pub fn get_block_root_at_slot<E: EthSpec>(
    state: &BeaconState<E>,
    slot: Slot,
) -> Result<Root, BeaconStateError> {
    let out_of_range = BeaconStateError::SlotOutOfRange {
        slot,
        state_slot: state.slot,
    };
    let history = state.block_roots.len() as u64;
    let recent = slot < state.slot
        && slot
            .checked_add(history)
            .is_none_or(|limit| state.slot <= limit);
    if !recent {
        return Err(out_of_range);
    }
    history_entry(&state.block_roots, slot, "block_roots")
}

/// `get_randao_mix`: the RANDAO mix of a recent `epoch`.
pub fn get_randao_mix<E: EthSpec>(
    state: &BeaconState<E>,
    epoch: Epoch,
) -> Result<Bytes32, BeaconStateError> {
    history_entry(&state.randao_mixes, epoch, "randao_mixes")
}

/// `get_seed`: `hash(domain_type + uint_to_bytes(epoch) + mix)`, with the mix of
/// `epoch + EPOCHS_PER_HISTORICAL_VECTOR - MIN_SEED_LOOKAHEAD - 1`.
pub fn get_seed<E: EthSpec>(
    state: &BeaconState<E>,
    epoch: Epoch,
    domain_type: DomainType,
    config: &ChainConfig,
) -> Result<Bytes32, BeaconStateError> {
    let mix_epoch = epoch
        .checked_add(config.epochs_per_historical_vector)
        .and_then(|e| e.checked_sub(config.min_seed_lookahead))
        .and_then(|e| e.checked_sub(1))
        .ok_or(BeaconStateError::Overflow {
            what: "epoch + EPOCHS_PER_HISTORICAL_VECTOR - MIN_SEED_LOOKAHEAD - 1",
        })?;
    let mix = get_randao_mix(state, mix_epoch)?;
    let mut preimage = [0u8; 4 + 8 + 32];
    let epoch_bytes = epoch.to_le_bytes();
    let parts = domain_type.iter().chain(&epoch_bytes).chain(mix.iter());
    for (dst, src) in preimage.iter_mut().zip(parts) {
        *dst = *src;
    }
    Ok(Bytes32::from(hash_fixed(&preimage)))
}

/// `get_domain`: the domain of `domain_type` at `epoch` (the current epoch when `None`), with
/// the fork version in force then.
pub fn get_domain<E: EthSpec>(
    state: &BeaconState<E>,
    domain_type: DomainType,
    epoch: Option<Epoch>,
    config: &ChainConfig,
) -> Result<Domain, BeaconStateError> {
    let epoch = match epoch {
        Some(epoch) => epoch,
        None => get_current_epoch(state, config)?,
    };
    let fork_version = if epoch < state.fork.epoch {
        state.fork.previous_version
    } else {
        state.fork.current_version
    };
    Ok(compute_domain(
        domain_type,
        fork_version,
        state.genesis_validators_root,
    ))
}

/// The entry `at % len` of a circular history vector of the state.
fn history_entry(
    vector: &[Bytes32],
    at: u64,
    what: &'static str,
) -> Result<Bytes32, BeaconStateError> {
    let len = vector.len() as u64;
    let index = at
        .checked_rem(len)
        .ok_or(BeaconStateError::MissingEntry { what, index: at })?;
    usize::try_from(index)
        .ok()
        .and_then(|i| vector.get(i))
        .copied()
        .ok_or(BeaconStateError::MissingEntry { what, index })
}

#[cfg(test)]
mod tests {
    use super::*;
    use primitives::{MinimalEthSpec, PresetName};

    fn state_at(slot: Slot) -> BeaconState<MinimalEthSpec> {
        let mut state = BeaconState::<MinimalEthSpec> {
            slot,
            ..Default::default()
        };
        for (i, root) in state.block_roots.iter_mut().enumerate() {
            *root = Root::repeat_byte(i as u8);
        }
        state
    }

    #[test]
    fn epochs_and_block_roots() {
        let config = ChainConfig::preset(PresetName::Minimal);
        let state = state_at(17);
        assert_eq!(get_current_epoch(&state, &config), Ok(2));
        assert_eq!(get_previous_epoch(&state, &config), Ok(1));
        assert_eq!(get_previous_epoch(&state_at(3), &config), Ok(0));
        assert_eq!(
            get_block_root_at_slot(&state, 16),
            Ok(Root::repeat_byte(16))
        );
        assert_eq!(get_block_root(&state, 1, &config), Ok(Root::repeat_byte(8)));
        assert!(get_block_root_at_slot(&state, 17).is_err());
        // SLOTS_PER_HISTORICAL_ROOT is 64 in minimal: slot 100 sees back to slot 36 only.
        let late = state_at(100);
        assert_eq!(get_block_root_at_slot(&late, 36), Ok(Root::repeat_byte(36)));
        assert_eq!(
            get_block_root_at_slot(&late, 35),
            Err(BeaconStateError::SlotOutOfRange {
                slot: 35,
                state_slot: 100
            })
        );
    }

    #[test]
    fn domain_follows_the_fork_epoch() {
        let config = ChainConfig::preset(PresetName::Minimal);
        let mut state = state_at(80);
        state.fork.previous_version = [0, 0, 0, 1];
        state.fork.current_version = [1, 0, 0, 1];
        state.fork.epoch = 5;
        let before = get_domain(&state, [3, 0, 0, 0], Some(4), &config).unwrap();
        let after = get_domain(&state, [3, 0, 0, 0], Some(5), &config).unwrap();
        let current = get_domain(&state, [3, 0, 0, 0], None, &config).unwrap();
        assert_eq!(
            before,
            compute_domain([3, 0, 0, 0], [0, 0, 0, 1], Root::ZERO)
        );
        assert_eq!(after, current);
        assert_ne!(before, after);
    }
}
