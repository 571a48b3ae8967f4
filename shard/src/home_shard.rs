//! The home shard of an address: the one shard whose state holds its account.
//!
//! `home_shard(address, shard_count) = u64_be(address[0..8]) % shard_count`. Addresses are the
//! tail of a keccak hash, so their first bytes are uniform and accounts spread evenly over the
//! shards. The function depends on nothing but its arguments, so every node (and every wallet)
//! computes the same home shard; changing the shard count moves accounts, which is why the
//! count a block is executed with is part of its context.

use alloy_primitives::Address;

/// Why a home shard cannot be computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum HomeShardError {
    /// There is no shard to map to.
    #[error("shard count is zero")]
    NoShards,
}

impl HomeShardError {
    /// A zero shard count is a configuration fault, not a peer's.
    pub fn is_bad_data(&self) -> bool {
        false
    }
}

/// The home shard of `address` among `shard_count` shards.
pub fn home_shard(address: &Address, shard_count: u64) -> Result<u64, HomeShardError> {
    let mut prefix = [0u8; 8];
    if let Some(bytes) = address.0.get(..8) {
        prefix.copy_from_slice(bytes);
    }
    u64::from_be_bytes(prefix)
        .checked_rem(shard_count)
        .ok_or(HomeShardError::NoShards)
}

#[cfg(test)]
mod tests {
    use alloy_primitives::{address, keccak256};

    use super::*;

    #[test]
    fn home_shard_reads_the_first_eight_bytes_big_endian() {
        let address = address!("0000000000000105ffffffffffffffffffffffff");
        assert_eq!(home_shard(&address, 1 << 20).unwrap(), 0x105);
        assert_eq!(home_shard(&address, 0x100).unwrap(), 0x05);
        assert_eq!(home_shard(&address, 1).unwrap(), 0);
        assert_eq!(home_shard(&address, 0), Err(HomeShardError::NoShards));
    }

    #[test]
    fn home_shard_is_roughly_uniform() {
        for shard_count in [2u64, 7, 64] {
            let samples = 64_000u64;
            let mut counts = vec![0u64; shard_count as usize];
            for i in 0..samples {
                let address = Address::from_word(keccak256(i.to_le_bytes()));
                let shard = home_shard(&address, shard_count).unwrap();
                counts[shard as usize] += 1;
            }
            let expected = samples / shard_count;
            for (shard, count) in counts.iter().enumerate() {
                // Binomial std dev is below sqrt(expected); 6 of them is far outside chance.
                let tolerance = 6 * (expected as f64).sqrt() as u64;
                assert!(
                    count.abs_diff(expected) <= tolerance,
                    "shard {shard} of {shard_count}: {count} addresses, expected {expected}"
                );
            }
        }
    }
}
