//! `shardnet load`: transfers pre-signed per shard from the development accounts, offered to
//! the nodes at a rate or at saturation, with a share crossing shards; reports offered,
//! accepted and included load (text or JSON).

use std::time::Duration;

use alloy_primitives::U256;
use anyhow::{Context, bail};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use node::datadir::TEST_MNEMONIC;
use testnet::load::{
    FeeParams, LoadPlan, Pacing, RunOptions, load_senders, presign, run as run_load,
};

use super::network::{Network, client};

/// `shardnet load`.
#[derive(Debug, Args)]
pub struct LoadArgs {
    /// The nodes' HTTP URLs, comma-separated; shard `i` of `--shards` is sent to node
    /// `i mod count`.
    #[arg(long, value_name = "URL,...", value_delimiter = ',', required = true)]
    node: Vec<String>,
    /// The shards to send from (default: every active shard).
    #[arg(long, value_name = "S,...", value_delimiter = ',')]
    shards: Vec<u64>,
    /// Transfers a second in all, spread over the shards.
    #[arg(
        long,
        value_name = "TPS",
        required_unless_present = "saturate",
        conflicts_with = "saturate"
    )]
    rate: Option<f64>,
    /// Send as fast as the nodes take them.
    #[arg(long)]
    saturate: bool,
    /// How long to offer load: `30s`, `2m`, `500ms`.
    #[arg(long, value_name = "TIME", default_value = "30s", value_parser = parse_duration)]
    duration: Duration,
    /// The share of transfers to an account of another shard, 0 to 1.
    #[arg(long, value_name = "SHARE", default_value_t = 0.0)]
    cross_shard: f64,
    /// Sending accounts per shard (the development accounts `0..N`).
    #[arg(long, value_name = "N", default_value_t = 16)]
    accounts: usize,
    /// Transfers signed per shard when saturating.
    #[arg(long, value_name = "N", default_value_t = 20_000)]
    presign: u64,
    /// Slots to wait for inclusion after the last newly included transfer.
    #[arg(long, value_name = "SLOTS", default_value_t = 8)]
    inclusion_slots: u64,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
}

/// `30s`, `2m`, `500ms`, or plain seconds.
pub(super) fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let (number, unit) = match text.find(|c: char| !(c.is_ascii_digit() || c == '.')) {
        Some(at) => text.split_at(at),
        None => (text, "s"),
    };
    let value: f64 = number
        .parse()
        .map_err(|_| format!("`{text}` is not a duration such as 30s, 2m or 500ms"))?;
    let seconds = match unit {
        "ms" => value / 1000.0,
        "s" => value,
        "m" => value * 60.0,
        _ => return Err(format!("unknown unit `{unit}` in `{text}`: use ms, s or m")),
    };
    Duration::try_from_secs_f64(seconds).map_err(|error| format!("`{text}`: {error}"))
}

/// Runs `shardnet load`.
pub fn run(args: &LoadArgs) -> anyhow::Result<()> {
    let clients = args
        .node
        .iter()
        .map(|url| client(url))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let network = Network::fetch(&clients[0])?;
    let shards = if args.shards.is_empty() {
        (0..network.active_shards).collect()
    } else {
        args.shards.clone()
    };
    let plan = LoadPlan {
        shards,
        active_shards: network.active_shards,
        accounts: args.accounts,
        pacing: match args.rate {
            Some(rate) => Pacing::Rate(rate),
            None => Pacing::Saturate,
        },
        duration: args.duration,
        cross_shard: args.cross_shard,
        saturate_budget: args.presign,
    };
    plan.validate()?;
    let senders = load_senders(TEST_MNEMONIC, args.accounts, network.active_shards)?;
    let mut nonces = std::collections::HashMap::new();
    for (i, &shard) in plan.shards.iter().enumerate() {
        let client = &clients[i % clients.len()];
        for (k, account) in senders.shards[shard as usize].iter().enumerate() {
            let (_, nonce) = client
                .account(shard, &format!("{}", account.address()))
                .with_context(|| format!("reading the nonce of {}", account.address()))?;
            nonces.insert((shard, k), nonce);
        }
    }
    let fees = FeeParams {
        base_chain_id: network.base_chain_id,
        max_fee_per_gas: network.max_fee_per_gas(),
        max_priority_fee_per_gas: 1_000_000_000,
        value: U256::from(1_000_000_000u64),
    };
    let total = plan.transfers_per_shard() * plan.shards.len() as u64;
    let bar = progress(total, "signing");
    let signed = presign(
        &plan,
        &senders,
        &|shard, k| nonces.get(&(shard, k)).copied().unwrap_or(0),
        &fees,
        &|n| bar.inc(n),
    )?;
    bar.finish_and_clear();
    let bar = progress(total, "sending");
    let options = RunOptions {
        seconds_per_slot: network.seconds_per_slot,
        inclusion_wait: Duration::from_secs_f64(
            network.seconds_per_slot * args.inclusion_slots as f64,
        ),
    };
    let report = run_load(&clients, &plan, &signed, &options, &|n| bar.inc(n))?;
    bar.finish_and_clear();
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{report}");
    }
    if report.offered == 0 {
        bail!("nothing was sent");
    }
    Ok(())
}

fn progress(total: u64, what: &'static str) -> ProgressBar {
    ProgressBar::new(total)
        .with_style(
            ProgressStyle::with_template("{msg} {bar:30} {pos}/{len} ({per_sec}, {elapsed})")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        )
        .with_message(what)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse() {
        assert_eq!(parse_duration("30s").unwrap(), Duration::from_secs(30));
        assert_eq!(parse_duration("2m").unwrap(), Duration::from_secs(120));
        assert_eq!(parse_duration("500ms").unwrap(), Duration::from_millis(500));
        assert_eq!(parse_duration("7").unwrap(), Duration::from_secs(7));
        for bad in ["", "s", "3h", "-1s", "abc"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }
}
