//! `shardnet tx send`: a signed EIP-1559 transfer from a funded account, within a shard or to
//! an account of another shard, sent over the shard's JSON-RPC and followed to its receipt
//! (and, across shards, until the destination credits it).

use std::time::Duration;

use alloy_primitives::{Address, B256, U256};
use anyhow::{Context, bail};
use clap::{Args, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::{Value, json};
use shard::{TransferRequest, home_shard};

use super::account::{FromArgs, account_state, parse_eth, wait_for_receipt};
use super::network::{Network, client};

/// `shardnet tx`.
#[derive(Debug, Args)]
pub struct TxArgs {
    #[command(subcommand)]
    command: TxCommand,
}

#[derive(Debug, Subcommand)]
enum TxCommand {
    /// Sign and send a transfer, print its hash and wait for its receipt.
    Send(SendArgs),
}

/// `shardnet tx send`.
#[derive(Debug, Args)]
pub struct SendArgs {
    /// The node's HTTP URL.
    #[arg(long, value_name = "URL")]
    node: String,
    /// The shard the transfer is sent on (the sender's home shard).
    #[arg(long, value_name = "S", default_value_t = 0)]
    shard: u64,
    #[command(flatten)]
    from: FromArgs,
    /// The recipient's address.
    #[arg(long, value_name = "ADDR")]
    to: String,
    /// The recipient's shard: checked against the address's home shard. A shard other than
    /// `--shard` makes a cross-shard transfer.
    #[arg(long, value_name = "T")]
    to_shard: Option<u64>,
    /// The amount, in ether (`1`, `0.25`).
    #[arg(long, value_name = "ETH")]
    value: String,
    /// Print the hash and return without waiting for the receipt.
    #[arg(long)]
    no_wait: bool,
    /// How long to wait for inclusion (and, across shards, for the credit), in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 300)]
    timeout: u64,
}

/// Runs `shardnet tx`.
pub fn run(args: &TxArgs) -> anyhow::Result<()> {
    match &args.command {
        TxCommand::Send(send) => run_send(send),
    }
}

fn run_send(args: &SendArgs) -> anyhow::Result<()> {
    let to: Address = args
        .to
        .trim()
        .parse()
        .with_context(|| format!("--to `{}` is not an address", args.to))?;
    let value = parse_eth(&args.value).context("--value")?;
    let client = client(&args.node)?;
    let network = Network::fetch(&client)?;
    let chain_id = network.chain_id(args.shard)?;
    let signer = args.from.signer(args.shard, network.active_shards)?;
    let from_home = home_shard(&signer.address(), network.active_shards)?;
    if from_home != args.shard {
        bail!(
            "account {} lives on shard {from_home}, not shard {}",
            signer.address(),
            args.shard
        );
    }
    let to_home = home_shard(&to, network.active_shards)?;
    if let Some(to_shard) = args.to_shard
        && to_shard != to_home
    {
        bail!("address {to} lives on shard {to_home}, not shard {to_shard}");
    }
    let (balance, nonce) = account_state(&client, args.shard, signer.address())?;
    let max_fee = network.max_fee_per_gas();
    let cost = value + U256::from(max_fee) * U256::from(21_000u64);
    if U256::from(balance) < cost {
        bail!(
            "account {} holds {balance} wei on shard {}, the transfer may cost {cost}",
            signer.address(),
            args.shard
        );
    }
    let raw = signer.sign_eip1559(&TransferRequest {
        chain_id,
        nonce,
        to,
        value,
        gas_limit: 21_000,
        max_fee_per_gas: max_fee,
        max_priority_fee_per_gas: 1_000_000_000,
    });
    let hash = client
        .rpc(
            args.shard,
            "eth_sendRawTransaction",
            json!([format!("0x{}", hex::encode(&raw))]),
        )
        .context("sending the transaction")?;
    let hash: B256 = serde_json::from_value(hash).context("the node's transaction hash")?;
    println!("{hash}");
    if args.no_wait {
        return Ok(());
    }
    let poll = Duration::from_secs_f64((network.seconds_per_slot / 2.0).max(0.1));
    let timeout = Duration::from_secs(args.timeout);
    let spinner = ProgressBar::new_spinner().with_style(
        ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    spinner.enable_steady_tick(Duration::from_millis(200));
    spinner.set_message(format!("waiting for inclusion on shard {}", args.shard));
    let receipt = wait_for_receipt(&client, args.shard, hash, poll, timeout, |_| true)?;
    let slot = receipt["block_slot"].as_str().unwrap_or("?").to_owned();
    if receipt["success"] != json!(true) {
        spinner.finish_and_clear();
        bail!(
            "transaction {hash} failed in shard {} slot {slot}",
            args.shard
        );
    }
    if to_home == args.shard {
        spinner.finish_and_clear();
        println!("included on shard {} at slot {slot}", args.shard);
        return Ok(());
    }
    spinner.set_message(format!(
        "included on shard {} at slot {slot}; waiting for the credit on shard {to_home}",
        args.shard
    ));
    wait_for_receipt(
        &client,
        args.shard,
        hash,
        poll,
        timeout,
        |receipt: &Value| receipt["claimed"] == json!(true),
    )?;
    spinner.finish_and_clear();
    println!(
        "included on shard {} at slot {slot}, credited to {to} on shard {to_home}",
        args.shard
    );
    Ok(())
}
