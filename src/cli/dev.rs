//! `shardnet dev`: one command from nothing to a running local chain. Writes a data directory
//! for a new network where none is (or reuses the one there) and runs its node, printing the
//! HTTP endpoint, each shard's JSON-RPC URL and the mnemonic of the prefunded accounts.

use std::path::PathBuf;

use clap::Args;
use node::datadir::is_initialized;

use super::init::{NetworkArgs, create};
use super::node::{RunArgs, run_on};

/// `shardnet dev`.
#[derive(Debug, Args)]
pub struct DevArgs {
    /// The data directory: created when absent, reused (chain and database included) when
    /// present.
    #[arg(long, value_name = "DIR", default_value = ".shardnet/dev")]
    datadir: PathBuf,
    /// Start a new network: replace the data directory if one is there.
    #[arg(long)]
    reset: bool,
    #[command(flatten)]
    network: NetworkArgs,
    #[command(flatten)]
    run: RunArgs,
}

/// Runs `shardnet dev`.
pub fn run(args: &DevArgs) -> anyhow::Result<()> {
    if args.reset || !is_initialized(&args.datadir) {
        create(&args.datadir, &args.network, args.reset)?;
    } else {
        println!(
            "reusing {} (network flags apply to a new one: pass --reset)",
            args.datadir.display()
        );
    }
    run_on(&args.datadir, &args.run, true, None)
}
