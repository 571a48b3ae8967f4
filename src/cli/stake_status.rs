//! `shardnet stake status`: where validators stand (waiting for their deposit to reach the
//! beacon state, pending with an ETA from the activation queue and churn, active, exited), and
//! the follower that `stake` and `exit` use to wait for a stage.

use std::fs;
use std::path::{Path, PathBuf};
use std::thread::sleep;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use node::api::ValidatorStatus;
use primitives::bls::Keystore;
use testnet::NodeClient;
use testnet::client::ValidatorSummary;
use testnet::staking::{Stage, activation_eta_epochs};

use super::network::{Network, client};

/// `FAR_FUTURE_EPOCH`.
const FAR_FUTURE_EPOCH: u64 = u64::MAX;

/// `shardnet stake status`.
#[derive(Debug, Args)]
pub struct StatusArgs {
    /// The node's HTTP URL.
    #[arg(long, value_name = "URL")]
    node: String,
    /// A directory of EIP-2335 keystores (`stake --out DIR` writes `DIR/keystores`).
    #[arg(long, value_name = "DIR", required_unless_present = "pubkeys")]
    keystores: Option<PathBuf>,
    /// Validator public keys (`0x` hex), comma-separated.
    #[arg(long, value_name = "PUBKEY,...", value_delimiter = ',')]
    pubkeys: Vec<String>,
}

/// Runs `shardnet stake status`.
pub fn run(args: &StatusArgs) -> anyhow::Result<()> {
    let client = client(&args.node)?;
    let mut pubkeys = args.pubkeys.clone();
    for pubkey in &pubkeys {
        let digits = pubkey.trim_start_matches("0x");
        if !pubkey.starts_with("0x") || digits.len() != 96 || hex::decode(digits).is_err() {
            bail!("`{pubkey}` is not a validator public key (0x and 48 bytes of hex)");
        }
    }
    if let Some(dir) = &args.keystores {
        pubkeys.extend(read_keystore_pubkeys(dir)?);
    }
    let network = Network::fetch(&client)?;
    show_status(&client, &network, &pubkeys)
}

/// The public keys of the keystores (`*.json`) in `dir`, sorted.
pub fn read_keystore_pubkeys(dir: &Path) -> anyhow::Result<Vec<String>> {
    let entries = fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))?;
    let mut pubkeys = Vec::new();
    for entry in entries {
        let path = entry?.path();
        if path.extension().is_none_or(|ext| ext != "json") {
            continue;
        }
        let text =
            fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
        let keystore =
            Keystore::from_json(&text).with_context(|| format!("keystore {}", path.display()))?;
        pubkeys.push(keystore.pubkey().to_string());
    }
    if pubkeys.is_empty() {
        bail!("no keystore (*.json) in {}", dir.display());
    }
    pubkeys.sort();
    Ok(pubkeys)
}

/// One validator as the node sees it: absent (deposit not yet in the beacon state) or listed.
struct Standing {
    pubkey: String,
    summary: Option<ValidatorSummary>,
    eta_epochs: Option<u64>,
}

/// The chain's view of `pubkeys` at the head, with activation ETAs.
fn standings(
    client: &NodeClient,
    network: &Network,
    pubkeys: &[String],
) -> anyhow::Result<(u64, Vec<Standing>)> {
    let ids: Vec<&str> = pubkeys.iter().map(String::as_str).collect();
    let listed = client
        .validators("head", &ids, &[])
        .context("reading the validators")?;
    let queue = client
        .validators("head", &[], &["pending_queued"])
        .context("reading the activation queue")?;
    let active = client
        .validators("head", &[], &["active"])
        .context("reading the active validators")?
        .len() as u64;
    let epoch = network.epoch_of(client.head().context("reading the head")?.slot());
    let finalized = client
        .finality_checkpoints("head")
        .context("reading finality")?
        .finalized
        .epoch;
    let mut queue_order: Vec<(u64, u64)> = queue
        .iter()
        .map(|v| (v.validator.activation_eligibility_epoch, v.index))
        .collect();
    queue_order.sort_unstable();
    let queued = queue_order.len() as u64;
    let out = pubkeys
        .iter()
        .map(|pubkey| {
            let summary = listed
                .iter()
                .find(|v| v.validator.pubkey.to_string() == *pubkey)
                .cloned();
            let stage = match &summary {
                None => Some(Stage::Deposited),
                Some(v) => match v.status {
                    ValidatorStatus::PendingInitialized => Some(Stage::PendingInitialized),
                    ValidatorStatus::PendingQueued => {
                        let key = (v.validator.activation_eligibility_epoch, v.index);
                        Some(Stage::PendingQueued {
                            ahead: queue_order.iter().filter(|other| **other < key).count() as u64,
                            eligibility_epoch: v.validator.activation_eligibility_epoch,
                            activation_epoch: (v.validator.activation_epoch != FAR_FUTURE_EPOCH)
                                .then_some(v.validator.activation_epoch),
                        })
                    }
                    _ => None,
                },
            };
            let eta_epochs = stage.map(|stage| {
                activation_eta_epochs(stage, epoch, finalized, active, queued, &network.churn)
            });
            Standing {
                pubkey: pubkey.clone(),
                summary,
                eta_epochs,
            }
        })
        .collect();
    Ok((epoch, out))
}

/// Prints one line per validator.
pub fn show_status(
    client: &NodeClient,
    network: &Network,
    pubkeys: &[String],
) -> anyhow::Result<()> {
    let (epoch, standings) = standings(client, network, pubkeys)?;
    println!("epoch {epoch}");
    for standing in standings {
        let short = &standing.pubkey[..standing.pubkey.len().min(18)];
        match &standing.summary {
            None => println!(
                "{short}..  not in the beacon state yet (deposit pending){}",
                eta_text(network, standing.eta_epochs)
            ),
            Some(v) => println!(
                "{short}..  index {:>5}  {:<20} balance {:.4} ETH{}",
                v.index,
                v.status.as_str(),
                v.balance as f64 / 1e9,
                eta_text(network, standing.eta_epochs)
            ),
        }
    }
    Ok(())
}

fn eta_text(network: &Network, eta: Option<u64>) -> String {
    eta.map_or_else(String::new, |epochs| {
        format!(
            "  active in ~{epochs} epochs (~{:.0} s)",
            network.epochs_to_secs(epochs)
        )
    })
}

/// Follows `pubkeys` with a progress bar until every one has reached the status class
/// `target` (`active` or `exited`; a later stage counts), or `timeout`.
pub fn follow_until(
    client: &NodeClient,
    network: &Network,
    pubkeys: &[String],
    target: &str,
    timeout: Duration,
) -> anyhow::Result<()> {
    let rank = |class: &str| match class {
        "pending" => 0,
        "active" => 1,
        "exited" => 2,
        _ => 3,
    };
    let wanted = rank(target);
    let bar = ProgressBar::new(pubkeys.len() as u64).with_style(
        ProgressStyle::with_template("{bar:30} {pos}/{len} {target} {msg} ({elapsed})")
            .map(|style| {
                style.with_key("target", {
                    let target = target.to_owned();
                    move |_: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                        let _ = write!(w, "{target}");
                    }
                })
            })
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.enable_steady_tick(Duration::from_millis(250));
    let deadline = Instant::now() + timeout;
    let poll = Duration::from_secs_f64(network.seconds_per_slot.max(0.2));
    loop {
        let (epoch, standings) = standings(client, network, pubkeys)?;
        let done = standings
            .iter()
            .filter(|s| {
                s.summary
                    .as_ref()
                    .is_some_and(|v| rank(v.status.class()) >= wanted)
            })
            .count();
        bar.set_position(done as u64);
        let mut counts = std::collections::BTreeMap::<&str, usize>::new();
        for s in &standings {
            let name = s
                .summary
                .as_ref()
                .map_or("deposited", |v| v.status.as_str());
            *counts.entry(name).or_default() += 1;
        }
        let stages = counts
            .iter()
            .map(|(name, count)| format!("{count} {name}"))
            .collect::<Vec<_>>()
            .join(", ");
        let eta = standings.iter().filter_map(|s| s.eta_epochs).max();
        bar.set_message(format!(
            "| epoch {epoch} | {stages}{}",
            if target == "active" {
                eta_text(network, eta)
            } else {
                String::new()
            }
        ));
        if done == pubkeys.len() {
            bar.finish_and_clear();
            return Ok(());
        }
        if Instant::now() >= deadline {
            bar.abandon();
            bail!("not every validator {target} after {timeout:?}: {stages}");
        }
        sleep(poll);
    }
}
