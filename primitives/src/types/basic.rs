//! The spec's custom types (`Slot`, `Epoch`, `Root`, ...).

/// Root of a Merkle tree (`Root`), and any 32-byte hash (`Bytes32`).
pub type Hash256 = alloy_primitives::B256;
/// `Root`.
pub type Root = Hash256;
/// `Bytes32`.
pub type Bytes32 = Hash256;
/// `Slot`.
pub type Slot = u64;
/// `Epoch`.
pub type Epoch = u64;
/// `CommitteeIndex`.
pub type CommitteeIndex = u64;
/// `ValidatorIndex`.
pub type ValidatorIndex = u64;
/// `Gwei`.
pub type Gwei = u64;
/// `Shard`.
pub type Shard = u64;
/// `OnlineEpochs` (phase 1).
pub type OnlineEpochs = u8;
/// `Version`: a fork version.
pub type Version = [u8; 4];
/// `DomainType`.
pub type DomainType = [u8; 4];
/// `ForkDigest`.
pub type ForkDigest = [u8; 4];
/// `Domain`.
pub type Domain = Hash256;
