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

/// `MAX_CUSTODY_CHUNK_CHALLENGE_RESPONSES`, the limit of `BeaconBlockBody.chunk_challenge_responses`.
///
/// Not the preset's `MAX_CUSTODY_CHUNK_CHALLENGE_RESP` (8 in `minimal`): the spec's container names
/// the constant of the custody game document, which no preset file overrides, so the limit is
/// 16 under every preset (the `ssz_static` vectors are built that way). The preset key is read
/// but shapes nothing, so it is an ordinary run-time value of `ChainConfig`.
pub type MaxCustodyChunkChallengeResponses = typenum::U16;
