//! `shardnet exit`: a voluntary exit signed with a validator's keystore in the network's
//! domain at the current epoch, submitted to the node's pool, and the validator followed until
//! it has exited.

use std::fs;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, bail};
use clap::Args;
use primitives::bls::Keystore;
use primitives::types::VoluntaryExit;
use testnet::staking::{sign_voluntary_exit, voluntary_exit_domain};

use super::network::{Network, client};
use super::stake_status::{follow_until, show_status};

/// `shardnet exit`.
#[derive(Debug, Args)]
pub struct ExitArgs {
    /// The node's HTTP URL.
    #[arg(long, value_name = "URL")]
    node: String,
    /// The validator's EIP-2335 keystore.
    #[arg(long, value_name = "FILE")]
    keystore: PathBuf,
    /// A file whose first line is the keystore's password.
    #[arg(long, value_name = "FILE")]
    password_file: PathBuf,
    /// Return once the exit is submitted, without following the validator.
    #[arg(long)]
    no_wait: bool,
    /// How long to follow the validator before giving up, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 3600)]
    timeout: u64,
}

/// Runs `shardnet exit`.
pub fn run(args: &ExitArgs) -> anyhow::Result<()> {
    let text = fs::read_to_string(&args.keystore)
        .with_context(|| format!("reading {}", args.keystore.display()))?;
    let keystore = Keystore::from_json(&text)
        .with_context(|| format!("keystore {}", args.keystore.display()))?;
    let password = fs::read_to_string(&args.password_file)
        .with_context(|| format!("reading {}", args.password_file.display()))?;
    let password = password.lines().next().unwrap_or_default();
    let secret = keystore
        .decrypt(password)
        .with_context(|| format!("opening {}", args.keystore.display()))?;
    let client = client(&args.node)?;
    let network = Network::fetch(&client)?;
    let pubkey = keystore.pubkey().to_string();
    let validator = match client.validator("head", &pubkey) {
        Ok(validator) => validator,
        Err(error) if error.status() == Some(404) => {
            bail!("validator {pubkey} is not in the beacon state (not deposited yet?)")
        }
        Err(error) => return Err(error).context("reading the validator"),
    };
    if validator.status.class() != "active" {
        bail!(
            "validator {} is {}: only an active validator can exit",
            validator.index,
            validator.status.as_str()
        );
    }
    let epoch = network.epoch_of(client.head().context("reading the head")?.slot());
    let fork = client.fork("head").context("reading the fork")?;
    let domain = voluntary_exit_domain(
        network.domain_voluntary_exit,
        &fork,
        epoch,
        network.genesis_validators_root,
    );
    let exit = sign_voluntary_exit(
        &secret,
        VoluntaryExit {
            epoch,
            validator_index: validator.index,
        },
        domain,
    );
    client
        .submit_voluntary_exit(&exit)
        .context("submitting the voluntary exit")?;
    println!(
        "voluntary exit of validator {} at epoch {epoch} submitted",
        validator.index
    );
    if args.no_wait {
        return Ok(());
    }
    let pubkeys = [pubkey];
    follow_until(
        &client,
        &network,
        &pubkeys,
        "exited",
        Duration::from_secs(args.timeout),
    )?;
    show_status(&client, &network, &pubkeys)?;
    let validator = client.validator("head", &pubkeys[0])?;
    println!(
        "withdrawable from epoch {}",
        validator.validator.withdrawable_epoch
    );
    Ok(())
}
