//! The deposit contract that shard 0 hosts: Ethereum's incremental Merkle tree of deposits.
//!
//! shardnet has no eth1 chain: staking is a transaction to `DEPOSIT_CONTRACT_ADDRESS` on shard 0,
//! and the beacon chain's eth1-data votes follow shard 0's state (see DESIGN §2.3). The tree is
//! the one of the phase 0 deposit contract (`deposit_contract.sol`): depth
//! [`DEPOSIT_CONTRACT_TREE_DEPTH`], one `branch` node per level, `zero_hashes` for empty
//! subtrees, and a root that mixes in the little-endian deposit count, so that it is exactly
//! `hash_tree_root(List[DepositData, 2**32])` of the deposits made so far.
//!
//! **Calldata.** A deposit transaction carries the SSZ encoding of [`DepositData`] as its input:
//! `pubkey` (48 bytes) ‖ `withdrawal_credentials` (32) ‖ `amount` (gwei, 8 bytes little-endian)
//! ‖ `signature` (96), 184 bytes, no selector. The contract checks what the Solidity contract
//! checks; any failure reverts (see [`DepositRevert`]). It does not check the BLS signature:
//! the beacon chain does, when it processes the deposit.
//!
//! The contract keeps only `branch` and the count; a node also keeps the logged deposits (the
//! `DepositEvent`s an eth1 client would index) so that proposers can build [`Deposit`]s with
//! their proofs ([`DepositContract::deposit_proof`]).

use alloy_primitives::{B256, U256};
use ethereum_hashing::{ZERO_HASHES, hash32_concat};
use primitives::deposit_tree::{DepositTree, DepositTreeFull};
use primitives::types::{DEPOSIT_CONTRACT_TREE_DEPTH, Deposit, DepositData, Eth1Data, Gwei};
use ssz::Decode;
use ssz_types::FixedVector;
use tree_hash::TreeHash;

/// `DEPOSIT_CONTRACT_TREE_DEPTH` as an array length.
const DEPTH: usize = DEPOSIT_CONTRACT_TREE_DEPTH as usize;

/// `MAX_DEPOSIT_COUNT` of the contract: `2**DEPOSIT_CONTRACT_TREE_DEPTH - 1`.
pub const MAX_DEPOSIT_COUNT: u64 = (1 << DEPOSIT_CONTRACT_TREE_DEPTH) - 1;

/// The length of a deposit's calldata: the SSZ encoding of `DepositData`.
pub const DEPOSIT_CALLDATA_LEN: usize = 48 + 32 + 8 + 96;

/// Wei per gwei: deposit amounts are in gwei, transaction values in wei.
const WEI_PER_GWEI: u64 = 1_000_000_000;

/// Why a deposit transaction reverts. The transaction stays valid: the sender pays its gas, its
/// nonce is used, the value stays with it and the receipt says it failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DepositRevert {
    /// The calldata is not the SSZ encoding of a `DepositData`.
    #[error("calldata is not an SSZ DepositData ({len} bytes, {DEPOSIT_CALLDATA_LEN} expected)")]
    InvalidCalldata {
        /// The calldata length.
        len: usize,
    },
    /// The value is below `MIN_DEPOSIT_AMOUNT` ("deposit value too low").
    #[error("deposit value {value} wei below the minimum {min} gwei")]
    ValueTooLow {
        /// The transferred value, in wei.
        value: U256,
        /// `MIN_DEPOSIT_AMOUNT`, in gwei.
        min: Gwei,
    },
    /// The value is not a whole number of gwei ("deposit value not multiple of gwei").
    #[error("deposit value {value} wei is not a multiple of a gwei")]
    ValueNotMultipleOfGwei {
        /// The transferred value, in wei.
        value: U256,
    },
    /// The value in gwei does not fit a `uint64` ("deposit value too high").
    #[error("deposit value {value} wei does not fit 64 bits of gwei")]
    ValueTooHigh {
        /// The transferred value, in wei.
        value: U256,
    },
    /// The `DepositData` states another amount than the value sent (the Solidity contract
    /// catches this through its `deposit_data_root` check).
    #[error("DepositData amount {amount} gwei, but {sent} gwei were sent")]
    AmountMismatch {
        /// `DepositData.amount`.
        amount: Gwei,
        /// The transferred value, in gwei.
        sent: Gwei,
    },
    /// The tree holds `MAX_DEPOSIT_COUNT` deposits ("merkle tree full").
    #[error("the deposit tree is full")]
    TreeFull,
    /// A transaction to the contract's address on a shard other than shard 0, where there is no
    /// contract: it reverts rather than strand the value at an address nobody controls.
    #[error("the deposit contract lives on shard 0, not on shard {shard}")]
    NotDepositShard {
        /// The shard that executed the transaction.
        shard: u64,
    },
}

impl DepositRevert {
    /// The revert reason as a one-byte code for receipts (0 is kept for "no revert").
    pub fn code(&self) -> u8 {
        match self {
            Self::InvalidCalldata { .. } => 1,
            Self::ValueTooLow { .. } => 2,
            Self::ValueNotMultipleOfGwei { .. } => 3,
            Self::ValueTooHigh { .. } => 4,
            Self::AmountMismatch { .. } => 5,
            Self::TreeFull => 6,
            Self::NotDepositShard { .. } => 7,
        }
    }
}

/// Decodes a deposit transaction's calldata and checks it against the value sent, as the
/// contract's `deposit` does; returns the `DepositData` to append.
pub fn validate_deposit(
    calldata: &[u8],
    value: U256,
    min_deposit_amount: Gwei,
) -> Result<DepositData, DepositRevert> {
    let invalid = DepositRevert::InvalidCalldata {
        len: calldata.len(),
    };
    if calldata.len() != DEPOSIT_CALLDATA_LEN {
        return Err(invalid);
    }
    let data = DepositData::from_ssz_bytes(calldata).map_err(|_| invalid)?;
    let min_wei = U256::from(min_deposit_amount).saturating_mul(U256::from(WEI_PER_GWEI));
    if value < min_wei {
        return Err(DepositRevert::ValueTooLow {
            value,
            min: min_deposit_amount,
        });
    }
    let (gwei, remainder) = value.div_rem(U256::from(WEI_PER_GWEI));
    if !remainder.is_zero() {
        return Err(DepositRevert::ValueNotMultipleOfGwei { value });
    }
    let sent = u64::try_from(gwei).map_err(|_| DepositRevert::ValueTooHigh { value })?;
    if data.amount != sent {
        return Err(DepositRevert::AmountMismatch {
            amount: data.amount,
            sent,
        });
    }
    Ok(data)
}

/// The deposit contract's state: the incremental tree and the deposits it logged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DepositContract {
    /// The incremental tree (`branch` and `deposit_count` of the contract).
    tree: DepositTree,
    /// Every deposit, in order (the contract's `DepositEvent` log).
    deposits: Vec<DepositData>,
    /// `hash_tree_root` of each deposit: the tree's leaves.
    leaves: Vec<B256>,
}

impl Default for DepositContract {
    fn default() -> Self {
        Self::new()
    }
}

impl DepositContract {
    /// A contract with no deposit.
    pub fn new() -> Self {
        Self {
            tree: DepositTree::default(),
            deposits: Vec::new(),
            leaves: Vec::new(),
        }
    }

    /// `get_deposit_count`: the number of deposits, as a `u64`.
    pub fn deposit_count(&self) -> u64 {
        self.leaves.len() as u64
    }

    /// Appends a deposit as the contract's `deposit` does after its checks; returns its index.
    pub fn deposit(&mut self, data: DepositData) -> Result<u64, DepositRevert> {
        let index = self.deposit_count();
        if index >= MAX_DEPOSIT_COUNT {
            return Err(DepositRevert::TreeFull);
        }
        let leaf = data.tree_hash_root();
        self.tree
            .push(leaf)
            .map_err(|DepositTreeFull| DepositRevert::TreeFull)?;
        self.leaves.push(leaf);
        self.deposits.push(data);
        Ok(index)
    }

    /// `get_deposit_root`: `sha256(node ‖ le64(deposit_count) ‖ 24 zero bytes)`, equal to
    /// `hash_tree_root(List[DepositData, 2**32])` of the deposits.
    pub fn get_deposit_root(&self) -> B256 {
        self.tree.root()
    }

    /// The deposit at `index`.
    pub fn deposit_data(&self, index: u64) -> Option<&DepositData> {
        self.deposits.get(usize::try_from(index).ok()?)
    }

    /// Every deposit, in order.
    pub fn deposits(&self) -> &[DepositData] {
        &self.deposits
    }

    /// The `Eth1Data` a beacon proposer votes for this contract state, with `block_hash` the root
    /// of the shard-0 block whose post-state this is.
    pub fn eth1_data(&self, block_hash: B256) -> Eth1Data {
        Eth1Data {
            deposit_root: self.get_deposit_root(),
            deposit_count: self.deposit_count(),
            block_hash,
        }
    }

    /// The proof of deposit `index` against the current root: the 33-element branch that the
    /// spec's `is_valid_merkle_branch(leaf, branch, DEPOSIT_CONTRACT_TREE_DEPTH + 1, index,
    /// deposit_root)` accepts.
    pub fn deposit_proof(&self, index: u64) -> Option<Vec<B256>> {
        self.deposit_proof_at(index, self.deposit_count())
    }

    /// The proof of deposit `index` against the root the tree had at `deposit_count` deposits
    /// (what a beacon state's `eth1_data` may still point at). Costs about `2 * deposit_count`
    /// hashes: it rebuilds the tree over those leaves.
    pub fn deposit_proof_at(&self, index: u64, deposit_count: u64) -> Option<Vec<B256>> {
        if index >= deposit_count {
            return None;
        }
        let leaves = self.leaves.get(..usize::try_from(deposit_count).ok()?)?;
        let mut position = usize::try_from(index).ok()?;
        let mut layer: Vec<B256> = leaves.to_vec();
        let mut proof = Vec::with_capacity(DEPTH.saturating_add(1));
        for height in 0..DEPTH {
            let zero = zero_hash(height);
            proof.push(layer.get(position ^ 1).copied().unwrap_or(zero));
            layer = layer
                .chunks(2)
                .map(|pair| match pair {
                    [left, right] => B256::from(hash32_concat(&left.0, &right.0)),
                    [left] => B256::from(hash32_concat(&left.0, &zero.0)),
                    _ => zero_hash(height.saturating_add(1)),
                })
                .collect();
            position >>= 1;
        }
        proof.push(length_chunk(deposit_count));
        Some(proof)
    }

    /// The spec's `Deposit` for deposit `index`, proved against the root at `deposit_count`.
    pub fn deposit_at(&self, index: u64, deposit_count: u64) -> Option<Deposit> {
        let proof = self.deposit_proof_at(index, deposit_count)?;
        Some(Deposit {
            proof: FixedVector::new(proof).ok()?,
            data: self.deposit_data(index)?.clone(),
        })
    }
}

/// The root of an empty subtree of `height` levels.
fn zero_hash(height: usize) -> B256 {
    // ZERO_HASHES covers 48 levels; the tree has DEPOSIT_CONTRACT_TREE_DEPTH of them.
    ZERO_HASHES
        .get(height)
        .map(|hash| B256::from(*hash))
        .unwrap_or_default()
}

/// `le64(count) ‖ 24 zero bytes`: the count as the contract and SSZ mix it in.
fn length_chunk(count: u64) -> B256 {
    let mut chunk = B256::ZERO;
    if let Some(prefix) = chunk.0.get_mut(..8) {
        prefix.copy_from_slice(&count.to_le_bytes());
    }
    chunk
}

#[cfg(test)]
mod tests {
    use primitives::types::{PublicKeyBytes, SignatureBytes};
    use ssz::Encode;
    use ssz_types::VariableList;
    use typenum::U4294967296;

    use super::*;

    const ETH: u64 = 1_000_000_000;
    const MIN: Gwei = ETH;

    type DepositList = VariableList<DepositData, U4294967296>;

    fn data(i: u64, amount: Gwei) -> DepositData {
        let mut pubkey = [0u8; 48];
        pubkey[..8].copy_from_slice(&i.to_le_bytes());
        DepositData {
            pubkey: PublicKeyBytes(pubkey),
            withdrawal_credentials: B256::repeat_byte(i as u8),
            amount,
            signature: SignatureBytes([i as u8 ^ 0x5a; 96]),
        }
    }

    fn wei(gwei: u64) -> U256 {
        U256::from(gwei) * U256::from(WEI_PER_GWEI)
    }

    /// The spec's `is_valid_merkle_branch`, written out as the spec writes it.
    fn spec_is_valid_merkle_branch(
        leaf: B256,
        branch: &[B256],
        depth: u64,
        index: u64,
        root: B256,
    ) -> bool {
        let mut value = leaf;
        for i in 0..depth {
            let sibling = branch[i as usize];
            value = if (index / 2u64.pow(i as u32)) % 2 == 1 {
                B256::from(hash32_concat(&sibling.0, &value.0))
            } else {
                B256::from(hash32_concat(&value.0, &sibling.0))
            };
        }
        value == root
    }

    fn contract_with(n: u64) -> (DepositContract, Vec<DepositData>) {
        let mut contract = DepositContract::new();
        let all: Vec<DepositData> = (0..n).map(|i| data(i, 32 * ETH + i)).collect();
        for (i, d) in all.iter().enumerate() {
            assert_eq!(contract.deposit(d.clone()).unwrap(), i as u64);
        }
        (contract, all)
    }

    #[test]
    fn root_equals_the_ssz_list_root_for_0_to_3_and_many_deposits() {
        for n in [0u64, 1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 100, 1000] {
            let (contract, all) = contract_with(n);
            let naive = DepositList::new(all).unwrap().tree_hash_root();
            assert_eq!(contract.get_deposit_root(), naive, "{n} deposits");
            assert_eq!(contract.deposit_count(), n);
        }
    }

    #[test]
    fn empty_root_is_the_known_empty_deposit_root() {
        // The root of the deposit contract as deployed on mainnet, before any deposit.
        let empty: B256 = "0xd70a234731285c6804c2a4f56711ddb8c82c99740f207854891028af34e27e5e"
            .parse()
            .unwrap();
        assert_eq!(DepositContract::new().get_deposit_root(), empty);
    }

    #[test]
    fn proofs_pass_the_spec_merkle_branch_check_now_and_at_past_counts() {
        let (contract, all) = contract_with(37);
        let root = contract.get_deposit_root();
        for (index, d) in all.iter().enumerate() {
            let index = index as u64;
            let proof = contract.deposit_proof(index).unwrap();
            assert_eq!(proof.len(), DEPTH + 1);
            let leaf = d.tree_hash_root();
            assert!(spec_is_valid_merkle_branch(
                leaf,
                &proof,
                DEPOSIT_CONTRACT_TREE_DEPTH + 1,
                index,
                root
            ));
            assert!(!spec_is_valid_merkle_branch(
                leaf,
                &proof,
                DEPOSIT_CONTRACT_TREE_DEPTH + 1,
                index ^ 1,
                root
            ));
            assert!(!spec_is_valid_merkle_branch(
                data(99, 1).tree_hash_root(),
                &proof,
                DEPOSIT_CONTRACT_TREE_DEPTH + 1,
                index,
                root
            ));
        }
        assert!(contract.deposit_proof(37).is_none());
        // Against the root of the first 20 deposits, as a beacon state's eth1_data may be.
        let (past, _) = contract_with(20);
        let past_root = past.get_deposit_root();
        for index in 0..20u64 {
            let deposit = contract.deposit_at(index, 20).unwrap();
            assert_eq!(deposit.data, all[index as usize]);
            assert!(spec_is_valid_merkle_branch(
                deposit.data.tree_hash_root(),
                &deposit.proof,
                DEPOSIT_CONTRACT_TREE_DEPTH + 1,
                index,
                past_root
            ));
        }
        assert!(contract.deposit_at(20, 20).is_none());
        assert!(contract.deposit_proof_at(0, 38).is_none());
    }

    #[test]
    fn eth1_data_carries_root_count_and_block() {
        let (contract, _) = contract_with(3);
        let block = B256::repeat_byte(0xbb);
        assert_eq!(
            contract.eth1_data(block),
            Eth1Data {
                deposit_root: contract.get_deposit_root(),
                deposit_count: 3,
                block_hash: block,
            }
        );
    }

    #[test]
    fn calldata_is_the_ssz_deposit_data() {
        let d = data(1, 32 * ETH);
        let calldata = d.as_ssz_bytes();
        assert_eq!(calldata.len(), DEPOSIT_CALLDATA_LEN);
        // amount sits after pubkey and withdrawal credentials, little-endian.
        assert_eq!(calldata[80..88], (32 * ETH).to_le_bytes());
        assert_eq!(validate_deposit(&calldata, wei(32 * ETH), MIN), Ok(d));
    }

    #[test]
    fn the_contract_checks_revert() {
        let d = data(1, 32 * ETH);
        let calldata = d.as_ssz_bytes();
        let mut long = calldata.clone();
        long.push(0);
        for bad in [&calldata[..183], &long[..], &[][..]] {
            assert_eq!(
                validate_deposit(bad, wei(32 * ETH), MIN),
                Err(DepositRevert::InvalidCalldata { len: bad.len() })
            );
        }
        assert_eq!(
            validate_deposit(&calldata, wei(31 * ETH), MIN),
            Err(DepositRevert::AmountMismatch {
                amount: 32 * ETH,
                sent: 31 * ETH
            })
        );
        let odd = wei(32 * ETH) + U256::from(1u64);
        assert_eq!(
            validate_deposit(&calldata, odd, MIN),
            Err(DepositRevert::ValueNotMultipleOfGwei { value: odd })
        );
        let small = data(2, MIN - 1).as_ssz_bytes();
        assert_eq!(
            validate_deposit(&small, wei(MIN - 1), MIN),
            Err(DepositRevert::ValueTooLow {
                value: wei(MIN - 1),
                min: MIN
            })
        );
        let huge = wei(u64::MAX) + wei(1);
        assert_eq!(
            validate_deposit(&calldata, huge, MIN),
            Err(DepositRevert::ValueTooHigh { value: huge })
        );
        // The minimum itself is accepted.
        let exact = data(3, MIN);
        assert_eq!(
            validate_deposit(&exact.as_ssz_bytes(), wei(MIN), MIN),
            Ok(exact)
        );
    }
}
