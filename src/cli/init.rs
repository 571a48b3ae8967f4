//! `shardnet init`: writes a data directory for a new local network (interop validators,
//! prefunded accounts on every shard) holding the keystores of all its validators.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::bail;
use clap::{Args, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use node::datadir::{
    AnyDataDir, CreateOptions, DEFAULT_ACTIVE_SHARDS, DEFAULT_GENESIS_DELAY_SECS,
    DEFAULT_SECONDS_PER_SLOT, DEFAULT_VALIDATORS, DataDirError, NetworkSpec, unix_now,
};
use primitives::PresetName;

/// The presets, as the command line names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Preset {
    /// Small committees and short epochs (8 slots).
    Minimal,
    /// The spec's production constants (32-slot epochs, 128-validator committees).
    Mainnet,
}

impl From<Preset> for PresetName {
    fn from(preset: Preset) -> Self {
        match preset {
            Preset::Minimal => Self::Minimal,
            Preset::Mainnet => Self::Mainnet,
        }
    }
}

/// `shardnet init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// The data directory to write: absent or empty, or with --force a data directory to
    /// replace.
    #[arg(long, value_name = "DIR")]
    datadir: PathBuf,
    #[command(flatten)]
    network: NetworkArgs,
    /// Replace the data directory (database included) if one is already there.
    #[arg(long)]
    force: bool,
}

/// The flags that describe a new network (shared by `init` and `dev`).
#[derive(Debug, Args)]
pub struct NetworkArgs {
    /// The preset the chain configuration starts from.
    #[arg(long, value_enum, default_value_t = Preset::Minimal)]
    preset: Preset,
    /// The number of interop validators, all active at genesis.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_VALIDATORS, value_parser = parse_count)]
    validators: u64,
    /// The number of active shards (INITIAL_ACTIVE_SHARDS).
    #[arg(long, value_name = "N", default_value_t = DEFAULT_ACTIVE_SHARDS, value_parser = parse_count)]
    shards: u64,
    /// The slot duration in seconds, decimals allowed (SECONDS_PER_SLOT).
    #[arg(long, value_name = "SECS", default_value_t = DEFAULT_SECONDS_PER_SLOT as f64,
          value_parser = parse_slot_time)]
    slot_time: f64,
    /// Replace a constant of the preset, e.g. `--override SLOTS_PER_EPOCH=4` (repeatable;
    /// applied after --shards and --slot-time).
    #[arg(long = "override", value_name = "KEY=VALUE", value_parser = parse_override)]
    overrides: Vec<(String, String)>,
    /// The genesis time, in seconds since the Unix epoch.
    #[arg(long, value_name = "T", conflicts_with = "genesis_delay")]
    genesis_time: Option<u64>,
    /// Genesis this many seconds from now.
    #[arg(long, value_name = "SECS", default_value_t = DEFAULT_GENESIS_DELAY_SECS)]
    genesis_delay: u64,
}

fn parse_count(text: &str) -> Result<u64, String> {
    match text.parse::<u64>() {
        Ok(0) => Err("must be at least 1".to_owned()),
        Ok(count) => Ok(count),
        Err(error) => Err(format!("`{text}` is not a whole number: {error}")),
    }
}

fn parse_slot_time(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(seconds) if seconds.is_finite() && seconds > 0.0 => Ok(seconds),
        _ => Err(format!("`{text}` is not a positive number of seconds")),
    }
}

fn parse_override(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((key, value)) if !key.trim().is_empty() => {
            Ok((key.trim().to_owned(), value.trim().to_owned()))
        }
        _ => Err(format!("`{text}` is not of the form KEY=VALUE")),
    }
}

impl NetworkArgs {
    /// The network these arguments describe: the defaults with the flags applied.
    fn network_spec(&self) -> anyhow::Result<NetworkSpec> {
        let mut spec = NetworkSpec {
            preset: self.preset.into(),
            validators: self.validators,
            genesis_time: match self.genesis_time {
                Some(time) => time,
                None => unix_now().saturating_add(self.genesis_delay),
            },
            ..NetworkSpec::default()
        };
        spec.set_override_text("INITIAL_ACTIVE_SHARDS", &self.shards.to_string())?;
        spec.set_override_text("SECONDS_PER_SLOT", &self.slot_time.to_string())?;
        for (key, value) in &self.overrides {
            spec.set_override_text(key, value)?;
        }
        Ok(spec)
    }
}

/// Runs `shardnet init`.
pub fn run(args: &InitArgs) -> anyhow::Result<()> {
    create(&args.datadir, &args.network, args.force)
}

/// Writes the data directory `datadir` for the network `network` describes, and prints what
/// it holds.
pub fn create(datadir: &Path, network: &NetworkArgs, force: bool) -> anyhow::Result<()> {
    let spec = network.network_spec()?;
    let config = spec.chain_config()?;
    let bar = ProgressBar::new(spec.validators).with_style(
        ProgressStyle::with_template("writing keystores {bar:30} {pos}/{len} {elapsed}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let tick = || bar.inc(1);
    let options = CreateOptions {
        force,
        progress: Some(&tick),
        ..CreateOptions::default()
    };
    let created = match AnyDataDir::create(datadir, &spec, &options) {
        Ok(created) => created,
        Err(error @ DataDirError::AlreadyInitialized { .. }) => {
            bail!("{error} (pass --force to replace it)")
        }
        Err(error) => return Err(error.into()),
    };
    bar.finish_and_clear();

    let mut out = std::io::stdout().lock();
    let now = unix_now();
    let when = if created.genesis_time >= now {
        format!("in {} s", created.genesis_time.saturating_sub(now))
    } else {
        format!("{} s ago", now.saturating_sub(created.genesis_time))
    };
    let eth = spec.shards.balance_eth();
    writeln!(out, "wrote {}", created.path.display())?;
    writeln!(out, "  preset          {}", created.preset)?;
    writeln!(out, "  genesis time    {} ({when})", created.genesis_time)?;
    writeln!(out, "  genesis state   {}", created.genesis_state_root)?;
    writeln!(
        out,
        "  validators      {}, every keystore in keystores/",
        created.validators
    )?;
    writeln!(
        out,
        "  shards          {} active, {} accounts of {eth} ETH each (mnemonic in shards.yaml)",
        config.initial_active_shards, spec.shards.accounts_per_shard
    )?;
    writeln!(
        out,
        "  slots           {} s, {} an epoch",
        config.seconds_per_slot.as_millis() as f64 / 1000.0,
        config.slots_per_epoch
    )?;
    Ok(())
}
