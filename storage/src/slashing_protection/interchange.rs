//! The EIP-3076 slashing protection interchange format, version 5 (JSON).
//!
//! ```json
//! {
//!   "metadata": { "interchange_format_version": "5", "genesis_validators_root": "0x04700007..." },
//!   "data": [{
//!     "pubkey": "0xb845089a...",
//!     "signed_blocks": [{ "slot": "81952", "signing_root": "0x4ff6f743..." }],
//!     "signed_attestations": [{ "source_epoch": "2290", "target_epoch": "3007", "signing_root": "0x5877..." }]
//!   }]
//! }
//! ```
//!
//! Integers are decimal strings, signing roots are optional. A "minimal" file holds one record
//! per validator (its highest slot, source and target), a "complete" one the whole history; an
//! importer keeps, per validator, the maximum of what it had and what it imports as watermarks,
//! so either form protects.

use primitives::types::{Epoch, PublicKeyBytes, Root, Slot};
use serde::{Deserialize, Serialize};

use super::InterchangeError;

/// The only format version this crate reads and writes.
pub const INTERCHANGE_FORMAT_VERSION: u64 = 5;

/// A whole interchange file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Interchange {
    /// Format version and chain.
    pub metadata: InterchangeMetadata,
    /// Per validator, what it signed. A public key may appear more than once; its entries are
    /// merged.
    pub data: Vec<InterchangeData>,
}

/// The file's metadata.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InterchangeMetadata {
    /// Always 5, written as the string `"5"`.
    #[serde(with = "serde_utils::quoted_u64")]
    pub interchange_format_version: u64,
    /// The chain the signatures are for.
    pub genesis_validators_root: Root,
}

/// What one validator signed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InterchangeData {
    /// The validator's public key.
    pub pubkey: PublicKeyBytes,
    /// Signed beacon blocks.
    #[serde(default)]
    pub signed_blocks: Vec<SignedBlock>,
    /// Signed attestations.
    #[serde(default)]
    pub signed_attestations: Vec<SignedAttestation>,
}

/// A signed beacon block.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignedBlock {
    /// The block's slot.
    #[serde(with = "serde_utils::quoted_u64")]
    pub slot: Slot,
    /// The block's signing root, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signing_root: Option<Root>,
}

/// A signed attestation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignedAttestation {
    /// The source epoch.
    #[serde(with = "serde_utils::quoted_u64")]
    pub source_epoch: Epoch,
    /// The target epoch.
    #[serde(with = "serde_utils::quoted_u64")]
    pub target_epoch: Epoch,
    /// The attestation's signing root, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signing_root: Option<Root>,
}

impl Interchange {
    /// Parses a file's JSON.
    pub fn from_json_str(json: &str) -> Result<Self, InterchangeError> {
        Ok(serde_json::from_str(json)?)
    }

    /// Parses a file's JSON from a reader.
    pub fn from_json_reader(reader: impl std::io::Read) -> Result<Self, InterchangeError> {
        Ok(serde_json::from_reader(reader)?)
    }

    /// The file's JSON, pretty-printed.
    pub fn to_json_string(&self) -> Result<String, InterchangeError> {
        Ok(serde_json::to_string_pretty(self)?)
    }

    /// An empty interchange for the chain of `genesis_validators_root`.
    pub fn empty(genesis_validators_root: Root) -> Self {
        Self {
            metadata: InterchangeMetadata {
                interchange_format_version: INTERCHANGE_FORMAT_VERSION,
                genesis_validators_root,
            },
            data: Vec::new(),
        }
    }
}
