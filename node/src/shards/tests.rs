use alloy_primitives::U256;
use beacon::genesis::interop_genesis_state;
use primitives::types::{ShardBlock, SignatureBytes};
use primitives::{MinimalEthSpec, PresetName};
use shard::payload::PayloadLimits;
use shard::{TransferRequest, build_payload, genesis_accounts};
use ssz::Encode;
use ssz_types::VariableList;

use super::*;

type E = MinimalEthSpec;

const MNEMONIC: &str = "test test test test test test test test test test test junk";

struct Fixture {
    config: ChainConfig,
    chain: ShardChain<E>,
    raws: Vec<Vec<u8>>,
}

/// A one-shard chain at genesis and three transfers of one sender (nonces 0, 1, 2), signed
/// but not yet submitted.
fn fixture() -> Fixture {
    let config = ChainConfig::preset(PresetName::Minimal)
        .with_overrides_yaml("INITIAL_ACTIVE_SHARDS: 1\n")
        .unwrap();
    let beacon = interop_genesis_state::<E>(64, 1_600_000_000, &config).unwrap();
    let balance = U256::from(10u64).pow(U256::from(21u64));
    let accounts = genesis_accounts(MNEMONIC, 2, balance, 1).unwrap();
    let state = ExecutionState::new(accounts.account_state(0).unwrap());
    let chain = ShardChain::new(0, config.clone(), &beacon, &beacon, state, 100).unwrap();
    let [from, to] = &accounts.shards[0][..] else {
        panic!("two accounts");
    };
    let raws = (0..3)
        .map(|nonce| {
            Vec::from(from.signer.sign_eip1559(&TransferRequest {
                chain_id: chain.chain_id(),
                nonce,
                to: to.address(),
                value: U256::from(1_000u64),
                gas_limit: 21_000,
                max_fee_per_gas: u128::from(config.max_gasprice) * 1_000_000_000,
                max_priority_fee_per_gas: 1_000_000_000,
            }))
        })
        .collect();
    Fixture {
        config,
        chain,
        raws,
    }
}

impl Fixture {
    /// A child of the genesis block at `slot` holding the first `count` pooled transactions
    /// (in nonce order), executed and added to the chain (not made head).
    fn child_of_genesis(&mut self, slot: Slot, count: usize) -> Root {
        let genesis = self.chain.genesis.clone();
        let context = self.chain.child_context(&genesis.root).unwrap();
        let mut state = (*genesis.execution_state).clone();
        let candidates = self.chain.mempool().best_transactions(
            state.accounts(),
            PayloadLimits::from_config(&self.config),
            context.gasprice,
        );
        let built =
            build_payload(&mut state, &candidates[..count], &context, &self.config).unwrap();
        assert_eq!(built.payload.transactions.len(), count);
        let block = SignedShardBlock {
            message: ShardBlock::<E> {
                shard_parent_root: genesis.root,
                beacon_parent_root: Root::ZERO,
                slot,
                shard: 0,
                proposer_index: 0,
                body: VariableList::new(built.payload.as_ssz_bytes()).unwrap(),
            },
            signature: SignatureBytes::default(),
        };
        let info = self.chain.execute(&block, &StoredBlockClaims).unwrap();
        let root = info.root;
        self.chain.insert(info);
        root
    }
}

#[test]
fn a_reorganisation_puts_the_abandoned_blocks_transactions_back_in_the_pool() {
    let mut f = fixture();
    let hashes: Vec<B256> = f
        .raws
        .iter()
        .map(|raw| f.chain.submit_transaction(raw).unwrap())
        .collect();
    // Two siblings: `long` includes all three transfers, `short` only the first.
    let long = f.child_of_genesis(1, 3);
    let short = f.child_of_genesis(2, 1);

    f.chain.adopt_head(long);
    assert_eq!(f.chain.head().root, long);
    assert!(
        f.chain.mempool().is_empty(),
        "included transfers left the pool"
    );

    f.chain.adopt_head(short);
    assert_eq!(f.chain.head().root, short);
    assert!(!f.chain.is_canonical(&long));
    // The first transfer is in the new head's chain; the other two are pending again, and
    // executable on the new head in nonce order.
    assert!(!f.chain.mempool().contains(&hashes[0]));
    assert!(f.chain.mempool().contains(&hashes[1]));
    assert!(f.chain.mempool().contains(&hashes[2]));
    assert_eq!(f.chain.mempool().len(), 2);
    let head = f.chain.head();
    let next = f.chain.mempool().best_transactions(
        head.execution_state.accounts(),
        PayloadLimits::from_config(&f.config),
        head.gasprice,
    );
    let next: Vec<B256> = next.iter().map(|(tx, _)| tx.hash()).collect();
    assert_eq!(next, hashes[1..]);
}

#[test]
fn moving_the_head_forward_retracts_nothing() {
    let mut f = fixture();
    f.chain.submit_transaction(&f.raws[0]).unwrap();
    let block = f.child_of_genesis(1, 1);
    let genesis = f.chain.genesis.root;
    assert_eq!(f.chain.set_canonical_head(genesis), Vec::<Root>::new());
    assert_eq!(f.chain.set_canonical_head(block), Vec::<Root>::new());
    assert_eq!(f.chain.set_canonical_head(genesis), vec![block]);
    // An unknown head changes nothing.
    assert_eq!(
        f.chain.set_canonical_head(Root::repeat_byte(9)),
        Vec::<Root>::new()
    );
    assert_eq!(f.chain.head().root, genesis);
}
