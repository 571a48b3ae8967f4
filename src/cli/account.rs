//! The funded account a command spends from (`--from KEY` or `--from-index I`), its nonce, and
//! waiting for a sent transaction's receipt.

use std::thread::sleep;
use std::time::{Duration, Instant};

use alloy_primitives::{Address, B256, U256};
use anyhow::{Context, bail};
use clap::Args;
use node::datadir::TEST_MNEMONIC;
use serde_json::Value;
use shard::{TransferSigner, genesis_accounts};
use testnet::NodeClient;

/// Wei in one ether.
pub const WEI_PER_ETH: u128 = 1_000_000_000_000_000_000;

/// Where the funds come from.
#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
pub struct FromArgs {
    /// The sending account's secp256k1 secret key, 32 bytes of hex.
    #[arg(long = "from", value_name = "KEY")]
    pub key: Option<String>,
    /// The `I`-th prefunded account of the shard, derived from the development mnemonic that
    /// `shardnet init` and `shardnet dev` fund (`test test ... junk`).
    #[arg(long = "from-index", value_name = "I")]
    pub index: Option<usize>,
}

impl FromArgs {
    /// The signer of the account, on `shard` of a chain of `active_shards`.
    pub fn signer(&self, shard: u64, active_shards: u64) -> anyhow::Result<TransferSigner> {
        if let Some(key) = &self.key {
            let digits = key.trim().trim_start_matches("0x");
            let bytes: [u8; 32] = hex::decode(digits)
                .ok()
                .and_then(|bytes| bytes.try_into().ok())
                .context("--from: a secret key is 32 bytes of hex")?;
            return TransferSigner::from_bytes(bytes).context("--from");
        }
        let index = self.index.unwrap_or(0);
        let accounts = genesis_accounts(TEST_MNEMONIC, index + 1, U256::ZERO, active_shards)
            .context("deriving the prefunded accounts")?;
        let account = accounts
            .shards
            .get(shard as usize)
            .and_then(|accounts| accounts.get(index))
            .with_context(|| format!("no prefunded account {index} on shard {shard}"))?;
        Ok(account.signer.clone())
    }
}

/// The balance (wei) and next nonce of `address` on `shard`.
pub fn account_state(
    client: &NodeClient,
    shard: u64,
    address: Address,
) -> anyhow::Result<(u128, u64)> {
    client
        .account(shard, &format!("{address}"))
        .with_context(|| format!("reading account {address} on shard {shard}"))
}

/// An amount of ether (`32`, `0.5`, `1e-3` not accepted) in wei.
pub fn parse_eth(text: &str) -> anyhow::Result<U256> {
    let (whole, fraction) = text.trim().split_once('.').unwrap_or((text.trim(), ""));
    let valid = |digits: &str| digits.chars().all(|c| c.is_ascii_digit());
    if (whole.is_empty() && fraction.is_empty()) || !valid(whole) || !valid(fraction) {
        bail!("`{text}` is not an amount of ether");
    }
    if fraction.len() > 18 {
        bail!("`{text}` has more than 18 decimals");
    }
    let whole: U256 = if whole.is_empty() {
        U256::ZERO
    } else {
        whole
            .parse()
            .with_context(|| format!("`{text}` is too large"))?
    };
    let padded = format!("{fraction:0<18}");
    let fraction: U256 = padded.parse().unwrap_or(U256::ZERO);
    whole
        .checked_mul(U256::from(WEI_PER_ETH))
        .and_then(|wei| wei.checked_add(fraction))
        .with_context(|| format!("`{text}` is too large"))
}

/// Waits for the receipt of `hash` on `shard` (the node's REST receipt), checking every
/// `poll`, until `timeout`.
pub fn wait_for_receipt(
    client: &NodeClient,
    shard: u64,
    hash: B256,
    poll: Duration,
    timeout: Duration,
    done: impl Fn(&Value) -> bool,
) -> anyhow::Result<Value> {
    let deadline = Instant::now() + timeout;
    loop {
        match client.receipt(shard, &format!("{hash}")) {
            Ok(receipt) if done(&receipt) => return Ok(receipt),
            Ok(_) => {}
            Err(error) if error.status() == Some(404) => {}
            Err(error) => return Err(error).context("reading the receipt"),
        }
        if Instant::now() >= deadline {
            bail!("transaction {hash} not done on shard {shard} after {timeout:?}");
        }
        sleep(poll);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ether_amounts_parse_to_wei() {
        assert_eq!(parse_eth("32").unwrap(), U256::from(32 * WEI_PER_ETH));
        assert_eq!(parse_eth("0.5").unwrap(), U256::from(WEI_PER_ETH / 2));
        assert_eq!(parse_eth(".25").unwrap(), U256::from(WEI_PER_ETH / 4));
        assert_eq!(
            parse_eth("1.000000000000000001").unwrap(),
            U256::from(WEI_PER_ETH + 1)
        );
        for bad in [
            "",
            ".",
            "abc",
            "1.2.3",
            "-1",
            "1e3",
            "0.0000000000000000001",
        ] {
            assert!(parse_eth(bad).is_err(), "{bad}");
        }
    }
}
