//! `shardnet`: create, run and measure a sharded proof-of-stake testnet.
//!
//! Each subcommand is one module of [`cli`].

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
