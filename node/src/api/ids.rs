//! The path identifiers of the Beacon API: `{state_id}`, `{block_id}` and validator ids.

use std::str::FromStr;

use primitives::types::{PublicKeyBytes, Root, Slot, ValidatorIndex};

use super::ApiError;

/// `{state_id}`: `head`, `genesis`, `finalized`, `justified`, a slot, or a `0x` state root.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StateId {
    /// The state of the canonical head.
    Head,
    /// The genesis state.
    Genesis,
    /// The state of the finalized checkpoint.
    Finalized,
    /// The state of the justified checkpoint.
    Justified,
    /// The canonical state at this slot.
    Slot(Slot),
    /// The state with this root.
    Root(Root),
}

/// `{block_id}`: `head`, `genesis`, `finalized`, a slot, or a `0x` block root.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockId {
    /// The canonical head block.
    Head,
    /// The genesis block.
    Genesis,
    /// The block of the finalized checkpoint.
    Finalized,
    /// The canonical block at this slot (none if the slot was skipped).
    Slot(Slot),
    /// The block with this root.
    Root(Root),
}

/// A validator as the `id` query names it: its index or its public key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValidatorId {
    /// The registry index.
    Index(ValidatorIndex),
    /// The BLS public key.
    PublicKey(PublicKeyBytes),
}

impl FromStr for StateId {
    type Err = ApiError;

    fn from_str(text: &str) -> Result<Self, ApiError> {
        Ok(match text {
            "head" => Self::Head,
            "genesis" => Self::Genesis,
            "finalized" => Self::Finalized,
            "justified" => Self::Justified,
            _ => match parse_slot_or_root(text, "state")? {
                SlotOrRoot::Slot(slot) => Self::Slot(slot),
                SlotOrRoot::Root(root) => Self::Root(root),
            },
        })
    }
}

impl FromStr for BlockId {
    type Err = ApiError;

    fn from_str(text: &str) -> Result<Self, ApiError> {
        Ok(match text {
            "head" => Self::Head,
            "genesis" => Self::Genesis,
            "finalized" => Self::Finalized,
            _ => match parse_slot_or_root(text, "block")? {
                SlotOrRoot::Slot(slot) => Self::Slot(slot),
                SlotOrRoot::Root(root) => Self::Root(root),
            },
        })
    }
}

impl FromStr for ValidatorId {
    type Err = ApiError;

    fn from_str(text: &str) -> Result<Self, ApiError> {
        if let Some(hex_digits) = text.strip_prefix("0x") {
            let bytes = decode_hex(hex_digits, 48, "validator public key")?;
            let pubkey = PublicKeyBytes::from_slice(&bytes).ok_or_else(|| {
                ApiError::bad_request(format!("invalid validator public key `{text}`"))
            })?;
            return Ok(Self::PublicKey(pubkey));
        }
        text.parse().map(Self::Index).map_err(|_| {
            ApiError::bad_request(format!(
                "invalid validator id `{text}`: expected an index or a 0x-prefixed public key"
            ))
        })
    }
}

enum SlotOrRoot {
    Slot(Slot),
    Root(Root),
}

fn parse_slot_or_root(text: &str, what: &str) -> Result<SlotOrRoot, ApiError> {
    if let Some(hex_digits) = text.strip_prefix("0x") {
        let bytes = decode_hex(hex_digits, 32, &format!("{what} root"))?;
        return Ok(SlotOrRoot::Root(Root::from_slice(&bytes)));
    }
    text.parse().map(SlotOrRoot::Slot).map_err(|_| {
        ApiError::bad_request(format!(
            "invalid {what} id `{text}`: expected head, genesis, finalized{}, a slot or a 0x-prefixed root",
            if what == "state" { ", justified" } else { "" }
        ))
    })
}

fn decode_hex(digits: &str, length: usize, what: &str) -> Result<Vec<u8>, ApiError> {
    let bytes = hex::decode(digits)
        .map_err(|error| ApiError::bad_request(format!("invalid {what} `0x{digits}`: {error}")))?;
    if bytes.len() != length {
        return Err(ApiError::bad_request(format!(
            "invalid {what}: {} bytes, expected {length}",
            bytes.len()
        )));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_ids() {
        assert_eq!("head".parse::<StateId>().unwrap(), StateId::Head);
        assert_eq!("justified".parse::<StateId>().unwrap(), StateId::Justified);
        assert_eq!("12".parse::<StateId>().unwrap(), StateId::Slot(12));
        let root = format!("0x{}", "ab".repeat(32));
        assert_eq!(
            root.parse::<StateId>().unwrap(),
            StateId::Root(Root::repeat_byte(0xab))
        );
        for bad in [
            "",
            "latest",
            "-1",
            "0x12",
            "0xzz",
            &format!("0x{}", "ab".repeat(33)),
        ] {
            let error = bad.parse::<StateId>().unwrap_err();
            assert_eq!(error.code, 400, "{bad}");
        }
        assert_eq!(
            "18446744073709551616".parse::<StateId>().unwrap_err().code,
            400
        );
    }

    #[test]
    fn block_ids_have_no_justified() {
        assert_eq!("genesis".parse::<BlockId>().unwrap(), BlockId::Genesis);
        assert_eq!("0".parse::<BlockId>().unwrap(), BlockId::Slot(0));
        let error = "justified".parse::<BlockId>().unwrap_err();
        assert!(error.message.contains("block id"), "{error}");
    }

    #[test]
    fn validator_ids() {
        assert_eq!("7".parse::<ValidatorId>().unwrap(), ValidatorId::Index(7));
        let key = format!("0x{}", "a0".repeat(48));
        assert!(matches!(
            key.parse::<ValidatorId>().unwrap(),
            ValidatorId::PublicKey(_)
        ));
        for bad in ["x", "0x00", "-3", "1.5"] {
            assert_eq!(bad.parse::<ValidatorId>().unwrap_err().code, 400, "{bad}");
        }
    }
}
