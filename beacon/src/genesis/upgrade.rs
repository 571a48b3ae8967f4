//! `upgrade_to_phase1` (`specs/phase1/phase1-fork.md`): the irregular state change from a
//! phase 0 state to phase 1 at `PHASE_1_FORK_SLOT`.

use primitives::math::compute_epoch_at_slot;
use primitives::types::phase0;
use primitives::types::{BeaconState, Fork, OnlineEpochs, Root, ShardState, Validator};
use primitives::{ChainConfig, EthSpec};
use ssz_types::VariableList;

use super::GenesisError;
use crate::accessors::{
    committee_to_compact_committee, compute_previous_slot, get_custody_period_for_validator,
    get_light_client_committee,
};
use crate::{BeaconStateError, FAR_FUTURE_EPOCH};

/// `upgrade_to_phase1`: the phase 1 state of a phase 0 one, with the phase 1 fork version,
/// every validator's first custody period, all validators online, `INITIAL_ACTIVE_SHARDS`
/// shard states at `MIN_GASPRICE`, and the light client committees of this epoch and the next.
///
/// As the spec writes it (and as its vectors hold), the upgrade does not carry over
/// `genesis_validators_root` (left zero), gives each validator its `activation_eligibility_epoch`
/// as its `activation_epoch` (equal at genesis), and clears the pending attestations.
pub fn upgrade_to_phase1<E: EthSpec>(
    pre: &phase0::BeaconState<E>,
    config: &ChainConfig,
) -> Result<BeaconState<E>, GenesisError> {
    let epoch = compute_epoch_at_slot(pre.slot, config).map_err(BeaconStateError::from)?;
    let validators = (0u64..)
        .zip(pre.validators.iter())
        .map(|(index, v)| {
            Ok(Validator {
                pubkey: v.pubkey,
                withdrawal_credentials: v.withdrawal_credentials,
                effective_balance: v.effective_balance,
                slashed: v.slashed,
                activation_eligibility_epoch: v.activation_eligibility_epoch,
                activation_epoch: v.activation_eligibility_epoch,
                exit_epoch: v.exit_epoch,
                withdrawable_epoch: v.withdrawable_epoch,
                next_custody_secret_to_reveal: get_custody_period_for_validator(
                    index, epoch, config,
                )?,
                all_custody_secrets_revealed_epoch: FAR_FUTURE_EPOCH,
            })
        })
        .collect::<Result<Vec<_>, BeaconStateError>>()?;
    let shard_state = ShardState {
        slot: compute_previous_slot(pre.slot),
        gasprice: config.min_gasprice,
        latest_block_root: Root::ZERO,
    };
    let shard_count = usize::try_from(config.initial_active_shards).map_err(|_| {
        GenesisError::ConfigOutOfRange {
            what: "INITIAL_ACTIVE_SHARDS",
        }
    })?;
    let online_period = OnlineEpochs::try_from(config.online_period).map_err(|_| {
        GenesisError::ConfigOutOfRange {
            what: "ONLINE_PERIOD",
        }
    })?;

    let mut post = BeaconState::<E> {
        genesis_time: pre.genesis_time,
        slot: pre.slot,
        fork: Fork {
            previous_version: pre.fork.current_version,
            current_version: config.phase_1_fork_version,
            epoch,
        },
        latest_block_header: pre.latest_block_header.clone(),
        block_roots: pre.block_roots.clone(),
        state_roots: pre.state_roots.clone(),
        historical_roots: pre.historical_roots.clone(),
        eth1_data: pre.eth1_data.clone(),
        eth1_data_votes: pre.eth1_data_votes.clone(),
        eth1_deposit_index: pre.eth1_deposit_index,
        validators: VariableList::new(validators)
            .map_err(|_| BeaconStateError::ListFull { what: "validators" })?,
        balances: pre.balances.clone(),
        randao_mixes: pre.randao_mixes.clone(),
        slashings: pre.slashings.clone(),
        justification_bits: pre.justification_bits.clone(),
        previous_justified_checkpoint: pre.previous_justified_checkpoint.clone(),
        current_justified_checkpoint: pre.current_justified_checkpoint.clone(),
        finalized_checkpoint: pre.finalized_checkpoint.clone(),
        current_epoch_start_shard: 0,
        shard_states: VariableList::new(vec![shard_state; shard_count]).map_err(|_| {
            GenesisError::ConfigOutOfRange {
                what: "INITIAL_ACTIVE_SHARDS",
            }
        })?,
        online_countdown: VariableList::new(vec![online_period; pre.validators.len()]).map_err(
            |_| BeaconStateError::ListFull {
                what: "online_countdown",
            },
        )?,
        ..BeaconState::default()
    };
    let next_epoch = epoch
        .checked_add(1)
        .ok_or(BeaconStateError::Overflow { what: "epoch + 1" })?;
    let current = get_light_client_committee(&post, epoch, config)?;
    post.current_light_committee = committee_to_compact_committee(&post, &current, config)?;
    let next = get_light_client_committee(&post, next_epoch, config)?;
    post.next_light_committee = committee_to_compact_committee(&post, &next, config)?;
    Ok(post)
}
