//! The eth1 chain of a shardnet network, and what a beacon proposer takes from it: the
//! candidate eth1 data votes and the deposits the block owes.
//!
//! shardnet has no separate eth1 chain: shard 0 hosts the deposit contract (DESIGN §2.3), so
//! the "eth1 chain" is shard 0's chain. Its blocks are the canonical shard-0 blocks up to the
//! one crosslinked in the finalized beacon state, plus the shard's genesis; each has the
//! `Eth1Data { deposit_root, deposit_count, block_hash }` of its post-state's deposit contract,
//! `block_hash` being the shard block's root, and the timestamp of its slot.
//!
//! Where the spec waits `ETH1_FOLLOW_DISTANCE * SECONDS_PER_ETH1_BLOCK` so that a vote never
//! names a block that may still be reorganised away, shardnet waits for finality: only
//! finalized shard-0 blocks are candidates, and `ETH1_FOLLOW_DISTANCE` and
//! `SECONDS_PER_ETH1_BLOCK` are not used. The rest of `validator.md`'s rules stay:
//! - a candidate is not newer than the start of the state's voting period (so that the
//!   proposers of a period choose among the same blocks, whatever finality did meanwhile);
//! - only the most recent blocks are candidates, two voting periods' worth of slots (the
//!   spec's window is twice the follow distance; a window in time would be empty whenever
//!   finality lags more than it, so shardnet counts blocks instead);
//! - [`get_eth1_vote`] chooses among them.
//!
//! When the vote, counted with the block's own, wins the period (or the state's eth1 data
//! already asks for more deposits than were processed), the block must carry the pending
//! deposits from `state.eth1_deposit_index` on, up to `MAX_DEPOSITS`, proven against the eth1
//! data the block leaves in the state: [`eth1_inputs`] reads them from the deposit contract of
//! the shard-0 block that eth1 data names.

use beacon::duties::get_eth1_vote;
use primitives::types::{BeaconState, Deposit, Eth1Data, Slot};
use primitives::{ChainConfig, EthSpec};
use shard::DepositContract;
use storage::Store;
use tracing::warn;
use typenum::Unsigned;

use crate::service::NodeChains;
use crate::shards::ShardChain;

/// The shard whose chain is the network's eth1 chain.
pub const ETH1_SHARD: u64 = 0;

/// Why the eth1 inputs of a block could not be gathered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Eth1Error {
    /// `EPOCHS_PER_ETH1_VOTING_PERIOD * SLOTS_PER_EPOCH` is zero or overflows.
    #[error("invalid eth1 voting period")]
    VotingPeriod,
    /// The deposits the block owes are not in any deposit contract state the node holds.
    #[error("deposits {from}..{to} of eth1 data with {count} deposits are not known")]
    DepositsUnavailable {
        /// The first deposit owed.
        from: u64,
        /// One past the last deposit owed.
        to: u64,
        /// The deposit count the proofs are against.
        count: u64,
    },
}

/// What a beacon block proposer takes from the eth1 chain.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Eth1Inputs {
    /// The candidate eth1 data votes, oldest first (`BlockInputs::eth1_candidates`).
    pub candidates: Vec<Eth1Data>,
    /// The deposits the block owes, in order, with their proofs (`BlockInputs::deposits`).
    pub deposits: Vec<Deposit>,
}

/// One block of the eth1 chain: its slot and the eth1 data of its post-state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Eth1ChainBlock {
    /// The shard-0 block's slot (its timestamp is that slot's time).
    pub slot: Slot,
    /// The eth1 data of its deposit contract, `block_hash` being its root.
    pub eth1_data: Eth1Data,
}

/// `EPOCHS_PER_ETH1_VOTING_PERIOD * SLOTS_PER_EPOCH`, non-zero.
fn period_slots(config: &ChainConfig) -> Result<u64, Eth1Error> {
    config
        .epochs_per_eth1_voting_period
        .checked_mul(config.slots_per_epoch)
        .filter(|n| *n > 0)
        .ok_or(Eth1Error::VotingPeriod)
}

/// The first slot of the voting period of `slot`.
fn period_start_slot(slot: Slot, config: &ChainConfig) -> Result<Slot, Eth1Error> {
    let period = period_slots(config)?;
    Ok(slot.saturating_sub(slot.checked_rem(period).unwrap_or(0)))
}

/// The candidate votes for a block at `state.slot` among `chain` (the eth1 chain's blocks,
/// newest first): the blocks not newer than the voting period's start, at most the
/// [`max_candidates`] most recent of them, that would not move the deposit count back;
/// returned oldest first.
pub fn candidate_votes<E: EthSpec>(
    state: &BeaconState<E>,
    chain: impl IntoIterator<Item = Eth1ChainBlock>,
    config: &ChainConfig,
) -> Result<Vec<Eth1Data>, Eth1Error> {
    let start = period_start_slot(state.slot, config)?;
    let limit = max_candidates(config)?;
    let mut candidates = Vec::new();
    for block in chain {
        if block.slot > start {
            continue;
        }
        // Older blocks have fewer deposits (the tree only grows).
        if candidates.len() >= limit
            || block.eth1_data.deposit_count < state.eth1_data.deposit_count
        {
            break;
        }
        candidates.push(block.eth1_data);
    }
    candidates.reverse();
    Ok(candidates)
}

/// The most candidates a proposer considers: two voting periods' worth of blocks. At most one
/// block per slot becomes a candidate during a period, so a vote cast early in the period
/// stays among the candidates of its later proposers, as the spec's window of twice the
/// follow distance ensures.
pub fn max_candidates(config: &ChainConfig) -> Result<usize, Eth1Error> {
    let slots = period_slots(config)?.saturating_mul(2);
    Ok(usize::try_from(slots).unwrap_or(usize::MAX))
}

/// The eth1 data a block voting `vote` at `state.slot` leaves in the state: the vote when,
/// with the block's own, it has more than half the period's slots, else the state's.
pub fn eth1_data_after_vote<E: EthSpec>(
    state: &BeaconState<E>,
    vote: &Eth1Data,
    config: &ChainConfig,
) -> Result<Eth1Data, Eth1Error> {
    let votes = state
        .eth1_data_votes
        .iter()
        .filter(|v| *v == vote)
        .count()
        .saturating_add(1) as u64;
    Ok(if votes.saturating_mul(2) > period_slots(config)? {
        vote.clone()
    } else {
        state.eth1_data.clone()
    })
}

/// The range of deposits a block leaving `eth1_data` in `state` owes: from the state's
/// `eth1_deposit_index`, at most `MAX_DEPOSITS`.
pub fn owed_deposit_range<E: EthSpec>(
    state: &BeaconState<E>,
    eth1_data: &Eth1Data,
    config: &ChainConfig,
) -> std::ops::Range<u64> {
    let from = state.eth1_deposit_index;
    let count = eth1_data
        .deposit_count
        .saturating_sub(from)
        .min(config.max_deposits)
        .min(E::MaxDeposits::to_u64());
    from..from.saturating_add(count)
}

/// The deposits `range` from `contract`, proven against the tree of `deposit_count` deposits.
pub fn deposits_from(
    contract: &DepositContract,
    range: std::ops::Range<u64>,
    deposit_count: u64,
) -> Result<Vec<Deposit>, Eth1Error> {
    let unavailable = Eth1Error::DepositsUnavailable {
        from: range.start,
        to: range.end,
        count: deposit_count,
    };
    if contract.deposit_count() < deposit_count {
        return Err(unavailable);
    }
    range
        .map(|index| contract.deposit_at(index, deposit_count))
        .collect::<Option<Vec<_>>>()
        .ok_or(unavailable)
}

/// The eth1 chain as `shard0` holds it, newest first: its canonical blocks from the one
/// crosslinked in the finalized beacon state back to the shard's genesis.
pub fn eth1_chain<E: EthSpec>(shard0: &ShardChain<E>) -> impl Iterator<Item = Eth1ChainBlock> {
    let finalized = shard0.finalized().number;
    (0..=finalized).rev().filter_map(move |number| {
        let info = shard0.block_by_number(number)?;
        Some(Eth1ChainBlock {
            slot: info.slot,
            eth1_data: info.execution_state.eth1_data(info.root),
        })
    })
}

/// The eth1 inputs of a block at `state.slot` (`state` is the parent's state advanced to
/// the slot): the candidate votes from shard 0's finalized chain and the deposits owed with
/// the eth1 data the block will leave.
///
/// The deposits come from the deposit contract of the shard-0 block the eth1 data names, or,
/// when that block is not held (the genesis eth1 data names no shard block), from the
/// finalized shard-0 block's contract, whose tree extends it.
pub fn eth1_inputs<E: EthSpec>(
    state: &BeaconState<E>,
    shard0: &ShardChain<E>,
    config: &ChainConfig,
) -> Result<Eth1Inputs, Eth1Error> {
    let candidates = candidate_votes(state, eth1_chain(shard0), config)?;
    let vote = get_eth1_vote(state, &candidates);
    let eth1_data = eth1_data_after_vote(state, &vote, config)?;
    let range = owed_deposit_range(state, &eth1_data, config);
    if range.is_empty() {
        return Ok(Eth1Inputs {
            candidates,
            deposits: Vec::new(),
        });
    }
    let named = shard0
        .block(&eth1_data.block_hash)
        .map(|info| &info.execution_state)
        .filter(|state| state.eth1_data(eth1_data.block_hash) == eth1_data);
    let contract = match named {
        Some(execution_state) => execution_state.deposit_contract(),
        None => shard0.finalized().execution_state.deposit_contract(),
    };
    let deposits = deposits_from(contract, range, eth1_data.deposit_count)?;
    Ok(Eth1Inputs {
        candidates,
        deposits,
    })
}

/// [`eth1_inputs`] from the node's shard-0 chain; a node that does not track shard 0, or
/// cannot gather them, proposes with no candidates and no deposits (the block then votes for
/// the state's eth1 data, and fails only when deposits are owed).
pub fn block_eth1_inputs<E: EthSpec, S: Store>(
    chains: &NodeChains<E, S>,
    state: &BeaconState<E>,
) -> Eth1Inputs {
    let Some(shard0) = chains.shards.get(&ETH1_SHARD) else {
        return Eth1Inputs::default();
    };
    eth1_inputs(state, shard0, chains.beacon.config()).unwrap_or_else(|error| {
        warn!(slot = state.slot, %error, "no eth1 inputs");
        Eth1Inputs::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::B256;
    use beacon::genesis::{interop_deposit_data, interop_genesis_state};
    use beacon::per_block::process_deposit;
    use beacon::signatures::VerifySignatures;
    use primitives::{MinimalEthSpec, PresetName};

    type E = MinimalEthSpec;

    const GENESIS_VALIDATORS: u64 = 16;

    fn config() -> ChainConfig {
        ChainConfig::preset(PresetName::Minimal)
            .with_overrides_yaml("EPOCHS_PER_ETH1_VOTING_PERIOD: 1\nSLOTS_PER_EPOCH: 4\n")
            .unwrap()
    }

    fn genesis(config: &ChainConfig) -> (BeaconState<E>, DepositContract) {
        let state = interop_genesis_state::<E>(GENESIS_VALIDATORS, 1_600_000_000, config).unwrap();
        let mut contract = DepositContract::new();
        for index in 0..GENESIS_VALIDATORS {
            let data = interop_deposit_data(index, config.max_effective_balance, config).unwrap();
            contract.deposit(data).unwrap();
        }
        (state, contract)
    }

    fn block(slot: Slot, count: u64) -> Eth1ChainBlock {
        Eth1ChainBlock {
            slot,
            eth1_data: Eth1Data {
                deposit_root: B256::repeat_byte(count as u8),
                deposit_count: count,
                block_hash: B256::repeat_byte(slot as u8),
            },
        }
    }

    #[test]
    fn candidates_are_the_latest_blocks_before_the_period_start() {
        let config = config();
        let (mut state, _) = genesis(&config);
        // Period of 4 slots; slot 26 is in the period starting at 24; 8 candidates at most.
        state.slot = 26;
        let chain: Vec<_> = (0..=25).rev().map(|slot| block(slot, 16 + slot)).collect();
        let candidates = candidate_votes(&state, chain, &config).unwrap();
        let slots: Vec<u64> = candidates.iter().map(|c| c.deposit_count - 16).collect();
        assert_eq!(slots, (17..=24).collect::<Vec<_>>());
        // However far finality lags, the latest finalized blocks are candidates.
        let chain: Vec<_> = (0..=3).rev().map(|slot| block(slot, 16 + slot)).collect();
        let candidates = candidate_votes(&state, chain, &config).unwrap();
        assert_eq!(candidates.len(), 4);
    }

    #[test]
    fn candidates_never_move_the_deposit_count_back() {
        let config = config();
        let (mut state, _) = genesis(&config);
        state.slot = 8;
        state.eth1_data.deposit_count = 20;
        let chain = vec![block(8, 21), block(7, 20), block(6, 19), block(5, 19)];
        let candidates = candidate_votes(&state, chain, &config).unwrap();
        assert_eq!(
            candidates
                .iter()
                .map(|c| c.deposit_count)
                .collect::<Vec<_>>(),
            [20, 21]
        );
    }

    #[test]
    fn a_vote_wins_once_it_has_more_than_half_the_period() {
        let config = config();
        let (mut state, _) = genesis(&config);
        let vote = block(3, 20).eth1_data;
        state.eth1_data_votes.push(vote.clone()).unwrap();
        // 1 + 1 of 4: not yet.
        assert_eq!(
            eth1_data_after_vote(&state, &vote, &config).unwrap(),
            state.eth1_data
        );
        state.eth1_data_votes.push(vote.clone()).unwrap();
        assert_eq!(eth1_data_after_vote(&state, &vote, &config).unwrap(), vote);
    }

    #[test]
    fn owed_deposits_pass_process_deposit() {
        let config = config();
        let (mut state, mut contract) = genesis(&config);
        let total = GENESIS_VALIDATORS + 20;
        for index in GENESIS_VALIDATORS..total {
            let data = interop_deposit_data(index, config.max_effective_balance, &config).unwrap();
            contract.deposit(data).unwrap();
        }
        // The eth1 data names the tree at 34 deposits; the contract has gone on to 36.
        let count = total - 2;
        let mut at_count = DepositContract::new();
        for data in &contract.deposits()[..count as usize] {
            at_count.deposit(data.clone()).unwrap();
        }
        state.eth1_data = at_count.eth1_data(B256::repeat_byte(9));
        let range = owed_deposit_range(&state, &state.eth1_data.clone(), &config);
        assert_eq!(range, GENESIS_VALIDATORS..GENESIS_VALIDATORS + 16);
        let deposits = deposits_from(&contract, range, count).unwrap();
        for deposit in &deposits {
            process_deposit(
                &mut state,
                deposit,
                &VerifySignatures::Individually,
                &config,
            )
            .unwrap();
        }
        assert_eq!(state.validators.len() as u64, GENESIS_VALIDATORS + 16);
        // The rest next block: two more.
        let range = owed_deposit_range(&state, &state.eth1_data.clone(), &config);
        assert_eq!(range, GENESIS_VALIDATORS + 16..count);
        // A contract that has not seen them yet cannot prove them.
        assert_eq!(
            deposits_from(&DepositContract::new(), range.clone(), count),
            Err(Eth1Error::DepositsUnavailable {
                from: range.start,
                to: range.end,
                count,
            })
        );
    }
}
