//! SSZ lengths that are spec constants rather than preset values.

use typenum::{U4, U33, U64};

/// `DEPOSIT_CONTRACT_TREE_DEPTH + 1`: the length of a deposit's Merkle proof (with the list
/// length mix-in).
pub type DepositProofLength = U33;
/// `JUSTIFICATION_BITS_LENGTH`.
pub type JustificationBitsLength = U4;
/// `ATTESTATION_SUBNET_COUNT` (p2p interface).
pub type AttestationSubnetCount = U64;
/// `BEACON_CHAIN_ROOT_IN_SHARD_BLOCK_HEADER_DEPTH` (light client sync).
pub type BeaconChainRootInShardBlockHeaderDepth = U4;

/// `DEPOSIT_CONTRACT_TREE_DEPTH`.
pub const DEPOSIT_CONTRACT_TREE_DEPTH: u64 = 32;
