//! `shardnet stake`: new validators from a mnemonic, their EIP-2335 keystores and deposit data,
//! 32 ETH each sent to shard 0's deposit contract from a funded account, the keystores
//! imported into a node, and the validators followed until active. `shardnet stake status`
//! shows where they stand later.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use alloy_primitives::{Bytes, U256, keccak256};
use anyhow::{Context, bail};
use clap::{Args, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use node::datadir::LOCAL_TESTNET_KDF;
use primitives::bls::Keystore;
use primitives::bls::keystore::{EncryptOptions, KdfSettings};
use serde_json::json;
use shard::TransferRequest;
use ssz::Encode;
use testnet::staking::{
    FULL_DEPOSIT_GWEI, deposit_data, deposit_domain, derive_validator_keys, mnemonic_seed,
    new_mnemonic,
};

use super::account::{FromArgs, WEI_PER_ETH, account_state, wait_for_receipt};
use super::network::{Network, client};
use super::stake_status::{follow_until, read_keystore_pubkeys, show_status};

/// Gas for one deposit: the contract's tree update and event, with room to spare.
const DEPOSIT_GAS: u64 = 200_000;

/// `shardnet stake`.
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct StakeArgs {
    #[command(subcommand)]
    command: Option<StakeCommand>,
    #[command(flatten)]
    deposit: DepositArgs,
}

#[derive(Debug, Subcommand)]
enum StakeCommand {
    /// Show where validators stand: deposited, pending (with an ETA), active, exited.
    Status(super::stake_status::StatusArgs),
}

/// The flags of a deposit.
#[derive(Debug, Args)]
struct DepositArgs {
    /// The node's HTTP URL: the network is read from it, deposits are sent to its shard 0
    /// JSON-RPC, the validators are followed through it and, without --import-node, the
    /// keystores are imported into it.
    #[arg(long, value_name = "URL", required = true)]
    node: Option<String>,
    /// The HTTP URL of the node that runs the new validators: the keystores go to its
    /// Keymanager API instead of --node's. It must be on the same network (genesis validators
    /// root) as --node.
    #[arg(long, value_name = "URL")]
    import_node: Option<String>,
    #[command(flatten)]
    from: Option<FromArgs>,
    /// How many validators.
    #[arg(long, value_name = "N", required = true)]
    count: Option<u32>,
    /// The first EIP-2334 account index (`m/12381/3600/i/0/0`) of the new validators.
    #[arg(long, value_name = "I", default_value_t = 0)]
    validator_index: u32,
    /// A file holding the BIP-39 mnemonic of the keys; without it a new mnemonic is made and
    /// printed once: write it down.
    #[arg(long, value_name = "FILE")]
    mnemonic_file: Option<PathBuf>,
    /// A file whose first line is the keystores' password; without it a random password is
    /// made and written to `OUT/password.txt`.
    #[arg(long, value_name = "FILE")]
    password_file: Option<PathBuf>,
    /// Where the keystores (`OUT/keystores/`), the deposit data (`OUT/deposit_data.json`) and
    /// a made password go.
    #[arg(long, value_name = "DIR", required = true)]
    out: Option<PathBuf>,
    /// The Keymanager API's bearer token, when the node requires one.
    #[arg(long, value_name = "TOKEN")]
    keymanager_token: Option<String>,
    /// Encrypt the keystores with the light scrypt setting of local testnets (n = 2^12)
    /// instead of EIP-2335's n = 2^18: for throwaway keys only.
    #[arg(long)]
    light_kdf: bool,
    /// Return once the keystores are imported, without following the validators.
    #[arg(long)]
    no_wait: bool,
    /// How long to follow the validators before giving up, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 3600)]
    timeout: u64,
}

/// Runs `shardnet stake`.
pub fn run(args: &StakeArgs) -> anyhow::Result<()> {
    match &args.command {
        Some(StakeCommand::Status(status)) => super::stake_status::run(status),
        None => run_deposit(&args.deposit),
    }
}

fn run_deposit(args: &DepositArgs) -> anyhow::Result<()> {
    let (Some(url), Some(from), Some(count), Some(out)) =
        (&args.node, &args.from, args.count, &args.out)
    else {
        bail!("--node, --from or --from-index, --count and --out are required");
    };
    if count == 0 {
        bail!("--count must be at least 1");
    }
    let client = client(url)?;
    let network = Network::fetch(&client)?;
    let import_client = match &args.import_node {
        Some(import_url) => {
            let import_client = super::network::client(import_url)?;
            let genesis = import_client
                .genesis()
                .with_context(|| format!("reading the genesis of {}", import_client.base_url()))?;
            if genesis.genesis_validators_root != network.genesis_validators_root {
                bail!(
                    "{} is on another network than {} (genesis validators root {} against {})",
                    import_client.base_url(),
                    client.base_url(),
                    genesis.genesis_validators_root,
                    network.genesis_validators_root
                );
            }
            import_client
        }
        None => client.clone(),
    };
    let phrase = match &args.mnemonic_file {
        Some(path) => fs::read_to_string(path)
            .with_context(|| format!("reading the mnemonic from {}", path.display()))?,
        None => {
            let phrase = new_mnemonic()?;
            println!("new mnemonic (write it down; it is shown once):\n\n  {phrase}\n");
            phrase
        }
    };
    let seed = mnemonic_seed(&phrase)?;
    let signer = from.signer(0, network.active_shards)?;
    let (balance, mut nonce) = account_state(&client, 0, signer.address())?;
    let per_deposit = U256::from(FULL_DEPOSIT_GWEI) * U256::from(1_000_000_000u64);
    let needed = (per_deposit + U256::from(network.max_fee_per_gas()) * U256::from(DEPOSIT_GAS))
        * U256::from(count);
    if U256::from(balance) < needed {
        bail!(
            "account {} holds {} ETH on shard 0, {count} deposits need up to {} ETH",
            signer.address(),
            balance / WEI_PER_ETH,
            needed / U256::from(WEI_PER_ETH)
        );
    }

    let password = match &args.password_file {
        Some(path) => fs::read_to_string(path)
            .with_context(|| format!("reading the password from {}", path.display()))?
            .lines()
            .next()
            .unwrap_or_default()
            .to_owned(),
        None => random_password()?,
    };
    if password.is_empty() {
        bail!("the keystore password is empty");
    }
    let keystore_dir = out.join("keystores");
    fs::create_dir_all(&keystore_dir)
        .with_context(|| format!("creating {}", keystore_dir.display()))?;
    if args.password_file.is_none() {
        write_new(&out.join("password.txt"), &format!("{password}\n"))?;
    }

    let keys = derive_validator_keys(seed.as_ref(), args.validator_index, count)?;
    let kdf = if args.light_kdf {
        LOCAL_TESTNET_KDF
    } else {
        KdfSettings::SCRYPT
    };
    let bar = ProgressBar::new(u64::from(count)).with_style(
        ProgressStyle::with_template("{msg} {bar:30} {pos}/{len}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.set_message("encrypting keystores");
    let domain = deposit_domain(network.domain_deposit, network.genesis_fork_version);
    let mut keystores = Vec::new();
    let mut deposits = Vec::new();
    for key in &keys {
        let keystore = Keystore::encrypt(
            &key.signing,
            &password,
            Some(&key.signing_path),
            &EncryptOptions::default().with_kdf(kdf),
        )?;
        let pubkey = keystore.pubkey().to_string();
        let name = format!(
            "keystore-{}-{}.json",
            key.signing_path.to_string().replace('/', "_"),
            pubkey.trim_start_matches("0x")
        );
        let text = keystore.to_json()?;
        write_new(&keystore_dir.join(name), &text)?;
        keystores.push(text);
        deposits.push(deposit_data(
            key,
            FULL_DEPOSIT_GWEI,
            network.bls_withdrawal_prefix,
            domain,
        ));
        bar.inc(1);
    }
    bar.finish_and_clear();
    write_new(
        &out.join("deposit_data.json"),
        &serde_json::to_string_pretty(&deposits)?,
    )?;
    println!(
        "{count} keystores in {}, deposit data in {}",
        keystore_dir.display(),
        out.join("deposit_data.json").display()
    );

    // One deposit transaction per validator, then their receipts.
    let chain_id = network.chain_id(0)?;
    let mut hashes = Vec::new();
    for data in &deposits {
        let raw = signer.sign_eip1559_call(
            &TransferRequest {
                chain_id,
                nonce,
                to: network.deposit_contract,
                value: per_deposit,
                gas_limit: DEPOSIT_GAS,
                max_fee_per_gas: network.max_fee_per_gas(),
                max_priority_fee_per_gas: 1_000_000_000,
            },
            Bytes::from(data.as_ssz_bytes()),
        );
        client
            .rpc(
                0,
                "eth_sendRawTransaction",
                json!([format!("0x{}", hex::encode(&raw))]),
            )
            .with_context(|| format!("sending the deposit of {}", data.pubkey))?;
        hashes.push(keccak256(&raw));
        nonce += 1;
    }
    let bar = ProgressBar::new(u64::from(count)).with_style(
        ProgressStyle::with_template("{msg} {bar:30} {pos}/{len} ({elapsed})")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.set_message("deposits included on shard 0");
    let poll = Duration::from_secs_f64((network.seconds_per_slot / 2.0).max(0.1));
    for (hash, data) in hashes.iter().zip(&deposits) {
        let receipt = wait_for_receipt(
            &client,
            0,
            *hash,
            poll,
            Duration::from_secs(args.timeout),
            |_| true,
        )?;
        if receipt["success"] != json!(true) {
            bar.abandon();
            bail!("the deposit of {} ({hash}) failed: {receipt}", data.pubkey);
        }
        bar.inc(1);
    }
    bar.finish_and_clear();
    println!(
        "{count} deposits of 32 ETH included on shard 0 (from {})",
        signer.address()
    );

    let statuses = import_client
        .import_keystores(
            &keystores,
            &vec![password; keystores.len()],
            args.keymanager_token.as_deref(),
        )
        .context("importing the keystores into the node")?;
    for (status, data) in statuses.iter().zip(&deposits) {
        if status.status != "imported" && status.status != "duplicate" {
            bail!(
                "the node did not import {}: {} {}",
                data.pubkey,
                status.status,
                status.message.as_deref().unwrap_or_default()
            );
        }
    }
    println!("keystores imported into {}", import_client.base_url());
    if args.no_wait {
        return Ok(());
    }
    let pubkeys = read_keystore_pubkeys(&keystore_dir)?;
    follow_until(
        &client,
        &network,
        &pubkeys,
        "active",
        Duration::from_secs(args.timeout),
    )?;
    show_status(&client, &network, &pubkeys)
}

/// 32 random bytes as hex.
fn random_password() -> anyhow::Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|error| anyhow::anyhow!("no randomness: {error}"))?;
    Ok(hex::encode(bytes))
}

/// Writes a new file, refusing to replace one.
fn write_new(path: &Path, text: &str) -> anyhow::Result<()> {
    use std::io::Write as _;
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .with_context(|| format!("creating {}", path.display()))?;
    file.write_all(text.as_bytes())
        .with_context(|| format!("writing {}", path.display()))
}
