//! `state_transition` on a chain built by hand: interop validators, blocks signed by the slot's
//! proposer, RANDAO reveals and state roots computed here, in each signature strategy.

use primitives::bls::interop_secret_key;
use primitives::signing::compute_signing_root;
use primitives::types::{
    BeaconBlock, BeaconBlockBody, BeaconState, Fork, Root, ShardState, SignatureBytes,
    SignedBeaconBlock, Slot, Validator,
};
use primitives::{ChainConfig, MinimalEthSpec, PresetName};
use tree_hash::TreeHash;

use crate::accessors::{get_beacon_proposer_index, get_current_epoch, get_domain};
use crate::per_block::{BlockProcessingError, HeaderInvalid};
use crate::per_slot::{SlotProcessingError, process_slots};
use crate::signatures::SignatureInvalid;
use crate::{
    FAR_FUTURE_EPOCH, SignatureStrategy, StateTransitionError, state_transition,
    verify_block_signature,
};

type E = MinimalEthSpec;
type State = BeaconState<E>;

const VALIDATORS: u64 = 64;
const STRATEGIES: [SignatureStrategy; 3] = [
    SignatureStrategy::Batch,
    SignatureStrategy::Individually,
    SignatureStrategy::Skip,
];

fn config() -> ChainConfig {
    ChainConfig::preset(PresetName::Minimal)
}

/// A phase 1 state at slot 0 with `VALIDATORS` active interop validators and no pending
/// deposit.
fn genesis(config: &ChainConfig) -> State {
    let mut state = State {
        fork: Fork {
            previous_version: config.genesis_fork_version,
            current_version: config.genesis_fork_version,
            epoch: 0,
        },
        ..State::default()
    };
    for index in 0..VALIDATORS {
        let validator = Validator {
            pubkey: interop_secret_key(index).unwrap().public_key().to_bytes(),
            effective_balance: config.max_effective_balance,
            exit_epoch: FAR_FUTURE_EPOCH,
            withdrawable_epoch: FAR_FUTURE_EPOCH,
            all_custody_secrets_revealed_epoch: FAR_FUTURE_EPOCH,
            ..Validator::default()
        };
        state.validators.push(validator).unwrap();
        state.balances.push(config.max_effective_balance).unwrap();
        state
            .online_countdown
            .push(config.online_period.try_into().unwrap())
            .unwrap();
    }
    for _ in 0..config.initial_active_shards {
        state
            .shard_states
            .push(ShardState {
                slot: 0,
                gasprice: config.min_gasprice,
                latest_block_root: Root::ZERO,
            })
            .unwrap();
    }
    state.eth1_data.deposit_count = VALIDATORS;
    state.eth1_deposit_index = VALIDATORS;
    state.latest_block_header.body_root = BeaconBlockBody::<E>::default().tree_hash_root();
    state.genesis_validators_root = state.validators.tree_hash_root();
    state
}

/// A valid unsigned block at `slot` on `state`: the slot's proposer, its RANDAO reveal, the
/// parent root and the post-state's root.
fn block_at(state: &State, slot: Slot, config: &ChainConfig) -> BeaconBlock<E> {
    let mut advanced = state.clone();
    process_slots(&mut advanced, slot, config).unwrap();
    let proposer_index = get_beacon_proposer_index(&advanced, config).unwrap();
    let epoch = get_current_epoch(&advanced, config).unwrap();
    let domain = get_domain(&advanced, config.domain_randao, Some(epoch), config).unwrap();
    let randao_reveal = interop_secret_key(proposer_index)
        .unwrap()
        .sign(compute_signing_root(&epoch, domain))
        .to_bytes();
    let mut block = BeaconBlock {
        slot,
        proposer_index,
        parent_root: advanced.latest_block_header.tree_hash_root(),
        state_root: Root::ZERO,
        body: BeaconBlockBody {
            randao_reveal,
            eth1_data: advanced.eth1_data.clone(),
            ..BeaconBlockBody::default()
        },
    };
    let unsigned = SignedBeaconBlock {
        message: block.clone(),
        signature: SignatureBytes::default(),
    };
    let post = state_transition(state, &unsigned, SignatureStrategy::Skip, false, config).unwrap();
    block.state_root = post.tree_hash_root();
    block
}

/// `block` signed by validator `signer` under `DOMAIN_BEACON_PROPOSER` of the block's epoch.
fn sign(
    state: &State,
    block: BeaconBlock<E>,
    signer: u64,
    config: &ChainConfig,
) -> SignedBeaconBlock<E> {
    let epoch = block.slot / config.slots_per_epoch;
    let domain = get_domain(state, config.domain_beacon_proposer, Some(epoch), config).unwrap();
    let signature = interop_secret_key(signer)
        .unwrap()
        .sign(compute_signing_root(&block, domain))
        .to_bytes();
    SignedBeaconBlock {
        message: block,
        signature,
    }
}

/// A valid signed block at `slot` on `state`.
fn signed_block_at(state: &State, slot: Slot, config: &ChainConfig) -> SignedBeaconBlock<E> {
    let block = block_at(state, slot, config);
    let proposer = block.proposer_index;
    sign(state, block, proposer, config)
}

/// Applies `block` to `state` in every strategy, checks that each refuses it with the error
/// `expected` gives for the strategy (`None`: accepted) and that `state` is unchanged.
fn check_each_strategy(
    state: &State,
    block: &SignedBeaconBlock<E>,
    expected: impl Fn(SignatureStrategy) -> Option<StateTransitionError>,
    config: &ChainConfig,
) {
    let before = state.clone();
    for strategy in STRATEGIES {
        let result = state_transition(state, block, strategy, true, config);
        match expected(strategy) {
            None => assert!(result.is_ok(), "{strategy:?}: {result:?}"),
            Some(error) => {
                assert_eq!(result, Err(error.clone()), "{strategy:?}");
                assert!(error.is_bad_data(), "{strategy:?}: {error}");
            }
        }
        assert_eq!(*state, before, "{strategy:?} changed the input state");
    }
}

#[test]
fn a_chain_of_valid_blocks_is_accepted_in_every_strategy() {
    let config = config();
    let mut state = genesis(&config);
    // Slot 9 skips slots 3 to 8, across the epoch boundary and its epoch processing; slot 17
    // crosses the next with a previous epoch that has a block root per slot.
    for slot in [1, 2, 9, 10, 17] {
        let block = signed_block_at(&state, slot, &config);
        let posts: Vec<State> = STRATEGIES
            .iter()
            .map(|strategy| state_transition(&state, &block, *strategy, true, &config).unwrap())
            .collect();
        assert!(posts.iter().all(|post| *post == posts[0]));
        let post = posts.into_iter().next().unwrap();
        assert_eq!(post.slot, slot);
        assert_eq!(post.latest_block_header.slot, slot);
        assert_eq!(
            post.latest_block_header.proposer_index,
            block.message.proposer_index
        );
        assert_eq!(post.tree_hash_root(), block.message.state_root);
        assert_eq!(verify_block_signature(&post, &block, &config), Ok(()));
        state = post;
    }
    // The RANDAO mixes of the epochs the blocks were in moved away from the genesis mixes.
    assert_ne!(state.randao_mixes[2], Root::ZERO);
}

#[test]
fn a_wrong_state_root_is_refused_unless_results_are_not_validated() {
    let config = config();
    let state = genesis(&config);
    let mut block = block_at(&state, 1, &config);
    let computed = block.state_root;
    block.state_root = Root::repeat_byte(1);
    let proposer = block.proposer_index;
    let block = sign(&state, block, proposer, &config);
    check_each_strategy(
        &state,
        &block,
        |_| {
            Some(StateTransitionError::StateRootMismatch {
                block: Root::repeat_byte(1),
                computed,
            })
        },
        &config,
    );
    let post = state_transition(&state, &block, SignatureStrategy::Batch, false, &config).unwrap();
    assert_eq!(post.tree_hash_root(), computed);
}

#[test]
fn a_block_by_another_than_the_proposer_is_refused() {
    let config = config();
    let state = genesis(&config);
    let mut block = block_at(&state, 1, &config);
    let expected = block.proposer_index;
    let other = (expected + 1) % VALIDATORS;
    block.proposer_index = other;
    // Signed by the validator it names, so only the header check can refuse it.
    let block = sign(&state, block, other, &config);
    check_each_strategy(
        &state,
        &block,
        |_| {
            Some(StateTransitionError::Block(
                BlockProcessingError::HeaderInvalid {
                    reason: HeaderInvalid::ProposerIndexMismatch {
                        block: other,
                        expected,
                    },
                },
            ))
        },
        &config,
    );
}

#[test]
fn a_bad_proposer_signature_is_refused_at_once_or_by_the_batch() {
    let config = config();
    let state = genesis(&config);
    let block = block_at(&state, 1, &config);
    let wrong_signer = (block.proposer_index + 1) % VALIDATORS;
    let block = sign(&state, block, wrong_signer, &config);
    check_each_strategy(
        &state,
        &block,
        |strategy| match strategy {
            SignatureStrategy::Individually => Some(StateTransitionError::BlockSignatureInvalid(
                SignatureInvalid::Mismatch,
            )),
            // The proposer's set and the RANDAO reveal's.
            SignatureStrategy::Batch => {
                Some(StateTransitionError::SignatureBatchInvalid { sets: 2 })
            }
            SignatureStrategy::Skip => None,
        },
        &config,
    );
    assert_eq!(
        verify_block_signature(&state, &block, &config),
        Err(SignatureInvalid::Mismatch)
    );
}

#[test]
fn a_bad_randao_reveal_is_refused_at_once_or_by_the_batch() {
    let config = config();
    let state = genesis(&config);
    let mut block = block_at(&state, 1, &config);
    // A valid signature, of the wrong epoch.
    let domain = get_domain(&state, config.domain_randao, Some(1), &config).unwrap();
    block.body.randao_reveal = interop_secret_key(block.proposer_index)
        .unwrap()
        .sign(compute_signing_root(&1u64, domain))
        .to_bytes();
    // The state root of the block as it is, so that only a signature check can refuse it.
    let unsigned = SignedBeaconBlock {
        message: block.clone(),
        signature: SignatureBytes::default(),
    };
    block.state_root = state_transition(&state, &unsigned, SignatureStrategy::Skip, false, &config)
        .unwrap()
        .tree_hash_root();
    let proposer = block.proposer_index;
    let block = sign(&state, block, proposer, &config);
    check_each_strategy(
        &state,
        &block,
        |strategy| match strategy {
            SignatureStrategy::Individually => Some(StateTransitionError::Block(
                BlockProcessingError::RandaoInvalid {
                    reason: SignatureInvalid::Mismatch,
                },
            )),
            SignatureStrategy::Batch => {
                Some(StateTransitionError::SignatureBatchInvalid { sets: 2 })
            }
            SignatureStrategy::Skip => None,
        },
        &config,
    );
}

#[test]
fn a_block_not_after_the_state_slot_is_refused() {
    let config = config();
    let state = genesis(&config);
    let block = signed_block_at(&state, 1, &config);
    let post = state_transition(&state, &block, SignatureStrategy::Batch, true, &config).unwrap();
    check_each_strategy(
        &post,
        &block,
        |_| {
            Some(StateTransitionError::Slots(
                SlotProcessingError::SlotNotAfterState {
                    slot: 1,
                    state_slot: 1,
                },
            ))
        },
        &config,
    );
}

#[test]
fn a_block_without_the_outstanding_deposits_is_refused() {
    let config = config();
    let mut state = genesis(&config);
    state.eth1_data.deposit_count = VALIDATORS + 3;
    let mut block = block_at(&genesis(&config), 1, &config);
    let mut advanced = state.clone();
    process_slots(&mut advanced, 1, &config).unwrap();
    block.parent_root = advanced.latest_block_header.tree_hash_root();
    block.body.eth1_data = state.eth1_data.clone();
    let proposer = block.proposer_index;
    let block = sign(&state, block, proposer, &config);
    check_each_strategy(
        &state,
        &block,
        |_| {
            Some(StateTransitionError::Block(
                BlockProcessingError::DepositCountMismatch {
                    expected: 3,
                    found: 0,
                },
            ))
        },
        &config,
    );
}

#[test]
fn the_transition_counts_the_signature_sets_it_verified() {
    let config = config();
    let state = genesis(&config);
    let block = signed_block_at(&state, 1, &config);
    let count = |strategy, validate_result| {
        crate::state_transition_counted(&state, &block, strategy, validate_result, &config)
            .unwrap()
            .signature_sets
    };
    // The proposer's signature and the RANDAO reveal.
    assert_eq!(count(SignatureStrategy::Batch, true), 2);
    assert_eq!(count(SignatureStrategy::Individually, true), 2);
    assert_eq!(count(SignatureStrategy::Skip, true), 0);
    // Without result validation the proposer's signature is not checked.
    assert_eq!(count(SignatureStrategy::Batch, false), 1);
}
