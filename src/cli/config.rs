//! `shardnet config show`: the chain configuration and the node configuration of a data
//! directory, as their files hold them (checked, with defaults filled in).

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{Args, Subcommand};
use node::datadir::{CONFIG_FILE, NODE_CONFIG_FILE, read_chain_config, read_node_config};

/// `shardnet config`.
#[derive(Debug, Args)]
pub struct ConfigArgs {
    #[command(subcommand)]
    command: ConfigCommand,
}

#[derive(Debug, Subcommand)]
enum ConfigCommand {
    /// Print the chain configuration (config.yaml) and the node configuration (node.toml).
    Show {
        /// The data directory.
        #[arg(long, value_name = "DIR")]
        datadir: PathBuf,
    },
}

/// Runs `shardnet config`.
pub fn run(args: &ConfigArgs) -> anyhow::Result<()> {
    match &args.command {
        ConfigCommand::Show { datadir } => show(datadir),
    }
}

fn show(datadir: &Path) -> anyhow::Result<()> {
    let chain = read_chain_config(datadir)?;
    let node = read_node_config(datadir)?;
    let chain_yaml = chain
        .to_yaml()
        .context("cannot print the chain configuration")?;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "# chain configuration ({})",
        datadir.join(CONFIG_FILE).display()
    )?;
    writeln!(out, "{chain_yaml}")?;
    let origin = if datadir.join(NODE_CONFIG_FILE).exists() {
        datadir.join(NODE_CONFIG_FILE).display().to_string()
    } else {
        format!(
            "the defaults: no {}",
            datadir.join(NODE_CONFIG_FILE).display()
        )
    };
    writeln!(out, "# node configuration ({origin})")?;
    write!(out, "{}", node.to_toml())?;
    Ok(())
}
