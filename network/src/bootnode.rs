//! A bootnode entry, `{peer_id_hex}@{ip}:{port}`: the address to dial and the identity the
//! connection is pinned to.

use std::fmt;
use std::net::SocketAddr;
use std::str::FromStr;

use thiserror::Error;

use crate::peer_id::PeerId;

/// A peer to dial at start-up, pinned to its identity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Bootnode {
    /// The identity the remote must prove.
    pub peer_id: PeerId,
    /// Its UDP address.
    pub addr: SocketAddr,
}

/// Why a bootnode entry could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum BootnodeError {
    /// No `@` between identity and address.
    #[error("expected PEER_ID@IP:PORT")]
    Shape,
    /// The identity is not 32 hex-encoded bytes.
    #[error("invalid peer id")]
    PeerId,
    /// The address is not `IP:PORT`.
    #[error("invalid socket address")]
    Address,
}

impl FromStr for Bootnode {
    type Err = BootnodeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (id, addr) = s.trim().split_once('@').ok_or(BootnodeError::Shape)?;
        Ok(Self {
            peer_id: PeerId::from_hex(id).ok_or(BootnodeError::PeerId)?,
            addr: addr.parse().map_err(|_| BootnodeError::Address)?,
        })
    }
}

impl fmt::Display for Bootnode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}@{}", self.peer_id, self.addr)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_errors() {
        let b = Bootnode {
            peer_id: PeerId::from_bytes([0xab; 32]),
            addr: "127.0.0.1:9000".parse().unwrap(),
        };
        assert_eq!(b.to_string().parse::<Bootnode>(), Ok(b));
        assert_eq!("x".parse::<Bootnode>(), Err(BootnodeError::Shape));
        assert_eq!(
            "00@127.0.0.1:1".parse::<Bootnode>(),
            Err(BootnodeError::PeerId)
        );
        let bad_addr = format!("{}@nowhere", b.peer_id);
        assert_eq!(bad_addr.parse::<Bootnode>(), Err(BootnodeError::Address));
    }
}
