//! The command line: one module per subcommand, each with its arguments (`clap` derive) and a
//! `run` that returns `anyhow::Result`. Errors print as one line with their causes
//! (`error: a: b: c`) and exit with status 1; argument errors are clap's (status 2).

mod account;
mod bench;
mod config;
mod dev;
mod exit;
mod init;
mod load;
mod network;
mod node;
mod stake;
mod stake_status;
mod testnet;
mod tx;

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use tracing_subscriber::EnvFilter;

/// shardnet: a sharded proof-of-stake chain after Ethereum 2.0 phase 1.
#[derive(Debug, Parser)]
#[command(name = "shardnet", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Create a data directory: genesis, chain configuration, prefunded accounts and the
    /// keystores of every validator (a single node holding all of them).
    Init(init::InitArgs),
    /// Inspect the configuration of a data directory.
    Config(config::ConfigArgs),
    /// Run a node on a data directory: its chains, its validators' duties and the HTTP server
    /// (Beacon API, shard endpoints, JSON-RPC per shard, metrics), until Ctrl-C or SIGTERM.
    Node(node::NodeArgs),
    /// Create a local network's data directory if there is none (or reuse it) and run its
    /// node: one command from nothing to a running chain.
    Dev(dev::DevArgs),
    /// Make validators: keys from a mnemonic, keystores, 32 ETH deposits through shard 0's
    /// deposit contract, keystores imported into a node; then follow them until active.
    Stake(stake::StakeArgs),
    /// Exit a validator: a signed voluntary exit submitted to a node, followed until exited.
    Exit(exit::ExitArgs),
    /// Send transactions.
    Tx(tx::TxArgs),
    /// Offer load to nodes (pre-signed transfers at a rate or at saturation) and report what
    /// was accepted and included.
    Load(load::LoadArgs),
    /// A whole local network: `up`, `status`, `logs`, `start`, `stop`, `down`.
    Testnet(testnet::TestnetArgs),
    /// Measure aggregate throughput as shards are added: one local testnet per shard count
    /// under the same per-shard load; writes CSV, JSON, Markdown and an SVG plot.
    Bench(bench::BenchArgs),
}

/// Parses the arguments, runs the subcommand and turns its error into an exit status.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging();
    let result = match cli.command {
        Command::Init(args) => init::run(&args),
        Command::Config(args) => config::run(&args),
        Command::Node(args) => node::run(&args),
        Command::Dev(args) => dev::run(&args),
        Command::Stake(args) => stake::run(&args),
        Command::Exit(args) => exit::run(&args),
        Command::Tx(args) => tx::run(&args),
        Command::Load(args) => load::run(&args),
        Command::Testnet(args) => testnet::run(&args),
        Command::Bench(args) => bench::run(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // The reader went away (`shardnet config show | head`): nothing left to say.
        Err(error) if is_broken_pipe(&error) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// Logs go to standard error, filtered by `RUST_LOG` (default `info`), in colour only on a
/// terminal, so that a redirected log holds no escape codes.
fn init_logging() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
}
