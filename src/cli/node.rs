//! `shardnet node`: runs a node on a data directory (the chains, its validators' duties, the
//! HTTP server) until Ctrl-C or SIGTERM.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, anyhow, bail};
use clap::Args;
use network::Bootnode;
use network::transport::QuicTransport;
use node::clock::SystemClock;
use node::config::{NodeConfig, TrackShards};
use node::datadir::load_or_create_node_key;
use node::datadir::{AnyDataDir, DataDir, is_initialized};
use node::http::{HttpOptions, NodeBackend, router_with, serve};
use node::metrics::NodeMetrics;
use node::p2p::{NetworkInputs, default_limits};
use node::{Node, NodeHandle, NodeInputs, Phase, ShardBlockQuery};
use primitives::EthSpec;
use primitives::types::{Bytes32, Shard};
use storage::RedbStore;
use tracing::{info, warn};

/// `shardnet node`.
#[derive(Debug, Args)]
pub struct NodeArgs {
    /// The data directory (`shardnet init` writes one).
    #[arg(long, value_name = "DIR")]
    pub datadir: PathBuf,
    #[command(flatten)]
    pub run: RunArgs,
    /// Where the node listens for peers, over QUIC (overrides `[network] listen`).
    #[arg(long, value_name = "IP:PORT")]
    pub p2p_listen: Option<SocketAddr>,
    /// The peers to dial and keep connected, `PEER_ID@IP:PORT` separated by commas
    /// (overrides `[network] bootnodes`; an empty value means none).
    #[arg(long, value_name = "PEER_ID@IP:PORT,...", value_parser = parse_bootnodes)]
    pub bootnodes: Option<Bootnodes>,
}

/// A list of bootnodes from the command line.
#[derive(Debug, Clone)]
pub struct Bootnodes(pub Vec<Bootnode>);

fn parse_bootnodes(text: &str) -> Result<Bootnodes, String> {
    text.split(',')
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .map(|part| {
            part.parse::<Bootnode>()
                .map_err(|error| format!("bootnode `{part}`: {error}"))
        })
        .collect::<Result<_, _>>()
        .map(Bootnodes)
}

/// The network a `shardnet node` joins: where it listens and whom it dials.
#[derive(Debug, Clone, Default)]
pub struct NetworkArgs {
    /// Overrides `[network] listen`.
    pub listen: Option<SocketAddr>,
    /// Overrides `[network] bootnodes`.
    pub bootnodes: Option<Vec<Bootnode>>,
}

/// The flags of a running node (shared by `node` and `dev`).
#[derive(Debug, Args)]
pub struct RunArgs {
    /// The node configuration file (default: the data directory's `node.toml`, if any).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Where the HTTP server listens (overrides `[http] listen`).
    #[arg(long, value_name = "ADDR:PORT")]
    pub http_listen: Option<SocketAddr>,
    /// The shards to follow: `all`, or a comma-separated list such as `0,1` (overrides
    /// `track_shards`).
    #[arg(long, value_name = "all|S,S,...", value_parser = parse_track_shards)]
    pub track_shards: Option<TrackShards>,
}

fn parse_track_shards(text: &str) -> Result<TrackShards, String> {
    if text.trim() == "all" {
        return Ok(TrackShards::All);
    }
    text.split(',')
        .map(|part| {
            part.trim()
                .parse::<Shard>()
                .map_err(|error| format!("`{part}` is not a shard number: {error}"))
        })
        .collect::<Result<_, _>>()
        .map(TrackShards::Some)
}

/// Runs `shardnet node`.
pub fn run(args: &NodeArgs) -> anyhow::Result<()> {
    let network = NetworkArgs {
        listen: args.p2p_listen,
        bootnodes: args.bootnodes.clone().map(|b| b.0),
    };
    run_on(&args.datadir, &args.run, false, Some(network))
}

/// Opens the data directory `datadir` and runs its node until a signal stops it; `banner`
/// prints the endpoints and the test mnemonic first. With `network`, the node joins the
/// peer-to-peer network of `[network]` (with those overrides); without, it runs alone.
pub fn run_on(
    datadir: &Path,
    args: &RunArgs,
    banner: bool,
    network: Option<NetworkArgs>,
) -> anyhow::Result<()> {
    if !is_initialized(datadir) {
        bail!(
            "no data directory at {} (create one with `shardnet init --datadir {}`)",
            datadir.display(),
            datadir.display()
        );
    }
    let opened = AnyDataDir::open(datadir)
        .with_context(|| format!("opening the data directory {}", datadir.display()))?;
    match opened {
        AnyDataDir::Minimal(dir) => run_node(dir, args, banner, network),
        AnyDataDir::Mainnet(dir) => run_node(dir, args, banner, network),
    }
}

fn run_node<E: EthSpec>(
    dir: DataDir<E>,
    args: &RunArgs,
    banner: bool,
    network: Option<NetworkArgs>,
) -> anyhow::Result<()> {
    let mut config = match &args.config {
        Some(path) => NodeConfig::load(path)?,
        None => dir.node_config.clone(),
    };
    if let Some(listen) = args.http_listen {
        config.http.listen = listen;
    }
    if let Some(track) = &args.track_shards {
        config.track_shards = track.clone();
    }
    if let Some(network) = &network {
        if let Some(listen) = network.listen {
            config.network.listen = listen;
        }
        if let Some(bootnodes) = &network.bootnodes {
            config.network.bootnodes = bootnodes.clone();
        }
    }
    let networked = network.is_some();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("shardnet")
        .build()
        .context("starting the async runtime")?;
    let result = runtime.block_on(serve_node(dir, config, banner, networked));
    // Duty work in flight finishes its atomic write; nothing else is waited for.
    runtime.shutdown_timeout(Duration::from_secs(5));
    result
}

async fn serve_node<E: EthSpec>(
    mut dir: DataDir<E>,
    config: NodeConfig,
    banner: bool,
    networked: bool,
) -> anyhow::Result<()> {
    let listen = config.http.listen;
    let keymanager_token = config
        .http
        .keymanager_token()
        .context("reading the Keymanager API token")?;
    // Bind first: a port in use is the most common reason a node does not start.
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|error| match error.kind() {
            std::io::ErrorKind::AddrInUse => {
                anyhow!("HTTP address {listen} is already in use (pick another with --http-listen)")
            }
            _ => anyhow!("cannot listen on {listen}: {error}"),
        })?;
    let database = dir.database_path();
    if let Some(parent) = database.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("creating {}", parent.display()))?;
    }
    let store = RedbStore::open(&database)
        .with_context(|| format!("opening the database {}", database.display()))?;
    let slashing_protection = store.slashing_protection();
    let shard_genesis: BTreeMap<Shard, _> = (0u64..)
        .zip(dir.shard_states.iter().cloned())
        .filter(|(shard, _)| config.track_shards.tracks(*shard))
        .collect();
    let tracked: Vec<Shard> = shard_genesis.keys().copied().collect();
    let keys = if config.validator.enabled {
        std::mem::take(&mut dir.validator_keys)
            .into_iter()
            .map(|key| key.secret_key)
            .collect()
    } else {
        Vec::new()
    };
    let inputs = NodeInputs {
        config: dir.chain_config.clone(),
        genesis_state: dir.genesis_state.clone(),
        shard_genesis,
        keys,
        store,
        slashing_protection,
        clock: Arc::new(SystemClock),
        mempool_capacity: config.mempool.max_transactions,
        graffiti: graffiti(&config.validator.graffiti),
    };
    let node = if networked {
        let key = load_or_create_node_key(&dir.path).context("loading the node key")?;
        let peer_id = key.peer_id();
        let p2p = config.network.listen;
        let (transport, events) = QuicTransport::bind(p2p, key, default_limits())
            .map_err(|error| anyhow!("cannot listen for peers on {p2p}: {error}"))?;
        let bound = transport
            .local_addr()
            .map_err(|error| anyhow!("reading the peer-to-peer address: {error}"))?;
        info!(%peer_id, listen = %bound, bootnodes = config.network.bootnodes.len(), "peer-to-peer network");
        Node::start_networked(
            inputs,
            NetworkInputs {
                transport: Arc::new(transport),
                events,
                bootnodes: config
                    .network
                    .bootnodes
                    .iter()
                    .map(|b| (b.addr, b.peer_id))
                    .collect(),
                listen_addresses: vec![bound.to_string()],
                max_peers: config.network.max_peers,
            },
        )
    } else {
        Node::start(inputs)
    }
    .context("starting the node")?;
    let handle = node.handle();
    let metrics = Arc::new(NodeMetrics::new());
    let backend = Arc::new(
        NodeBackend::new(handle.clone(), &listen.to_string(), metrics)
            .with_data_dir(dir.path.clone()),
    );
    let router = router_with(
        Arc::clone(&backend),
        &HttpOptions {
            max_body_bytes: config.http.max_body_bytes,
            keymanager_token,
        },
    );
    let server = tokio::spawn(serve(listener, router));
    let local = format!("http://{listen}");
    info!(
        http = %local,
        validators = handle.validator_count(),
        shards = ?tracked,
        genesis_time = dir.genesis_state.genesis_time,
        "node started"
    );
    if banner {
        println!("HTTP API        {local}");
        for shard in &tracked {
            let chain_id = dir.chain_config.base_chain_id.saturating_add(*shard);
            println!("JSON-RPC shard {shard} {local}/rpc/{shard} (chain id {chain_id})");
        }
        println!(
            "test mnemonic   \"{}\" ({} accounts of {} wei per shard)",
            dir.shard_genesis.mnemonic,
            dir.shard_genesis.accounts_per_shard,
            dir.shard_genesis.balance_wei
        );
        println!("stop with Ctrl-C");
    }
    let status = tokio::spawn(report_each_slot(handle, Arc::clone(&backend)));

    let outcome = tokio::select! {
        signal = shutdown_signal() => signal.map(|name| info!(signal = name, "shutting down")),
        served = server => match served {
            Ok(Ok(())) => Err(anyhow!("the HTTP server stopped")),
            Ok(Err(error)) => Err(anyhow!("the HTTP server failed: {error}")),
            Err(error) => Err(anyhow!("the HTTP server failed: {error}")),
        },
    };
    status.abort();
    node.abort();
    outcome
}

/// The graffiti bytes of `text`, zero-padded (the configuration checked its length).
fn graffiti(text: &str) -> Bytes32 {
    let mut bytes = [0u8; 32];
    for (slot, byte) in bytes.iter_mut().zip(text.as_bytes()) {
        *slot = *byte;
    }
    Bytes32::from(bytes)
}

/// Waits for Ctrl-C or SIGTERM, and names it.
async fn shutdown_signal() -> anyhow::Result<&'static str> {
    #[cfg(unix)]
    {
        let mut terminate =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
                .context("listening for SIGTERM")?;
        tokio::select! {
            result = tokio::signal::ctrl_c() => result.map(|()| "SIGINT").context("listening for Ctrl-C"),
            _ = terminate.recv() => Ok("SIGTERM"),
        }
    }
    #[cfg(not(unix))]
    {
        tokio::signal::ctrl_c()
            .await
            .map(|()| "Ctrl-C")
            .context("listening for Ctrl-C")
    }
}

/// After each slot's last phase: brings the metrics up to date and logs one status line.
async fn report_each_slot<E: EthSpec, S: storage::Store + 'static>(
    node: NodeHandle<E, S>,
    backend: Arc<NodeBackend<E, S>>,
) {
    let mut progress = node.subscribe();
    while progress.changed().await.is_ok() {
        let done = *progress.borrow_and_update();
        let Some(done) = done else {
            continue;
        };
        if done.phase != Phase::Aggregate {
            continue;
        }
        let reader = node.clone();
        let backend = Arc::clone(&backend);
        let line = tokio::task::spawn_blocking(move || {
            backend.update_metrics();
            status_line(&reader)
        })
        .await;
        match line {
            Ok(line) => info!(slot = done.slot, "{line}"),
            Err(error) => warn!(%error, "status report failed"),
        }
    }
}

/// `head 12 justified 0 finalized 0 shards 0:12/3tx 1:11/0tx mempool 4`.
fn status_line<E: EthSpec, S: storage::Store>(node: &NodeHandle<E, S>) -> String {
    let head = node.head();
    let mut line = format!(
        "head {} justified {} finalized {} shards",
        head.slot,
        node.justified_checkpoint().epoch,
        node.finalized_checkpoint().epoch
    );
    let mut pending = 0usize;
    for shard in node.shards() {
        if let Ok(Some(block)) = node.shard_block(shard, ShardBlockQuery::Head) {
            let _ = write!(line, " {shard}:{}/{}tx", block.slot, block.transactions);
        }
        pending = pending.saturating_add(node.mempool_len(shard).unwrap_or_default());
    }
    let _ = write!(line, " mempool {pending}");
    line
}
