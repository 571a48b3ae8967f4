//! `shardnet testnet`: bring a whole local network up (one genesis, a data directory and a
//! node per validator slice, as processes or Docker containers), watch it, read its logs,
//! stop and restart single nodes, and bring it down.
//!
//! `up` refuses a directory that already holds a testnet unless `--force` (which recreates
//! it, its nodes stopped first); `start` runs the nodes of an existing testnet again from
//! their databases.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::{Args, Subcommand, ValueEnum};
use indicatif::{MultiProgress, ProgressBar, ProgressStyle};
use node::config::TrackShards;
use testnet::process::{self, STOP_GRACE, Stopped};
use testnet::spec::TestnetSpec;
use testnet::state::{Backend, TestnetState};
use testnet::status::{self, ThroughputMeter};
use testnet::{NodeClient, docker, layout};

/// `shardnet testnet`.
#[derive(Debug, Args)]
pub struct TestnetArgs {
    #[command(subcommand)]
    command: TestnetCommand,
}

#[derive(Debug, Subcommand)]
enum TestnetCommand {
    /// Write a new testnet (genesis, one data directory per node) and start its nodes; shows
    /// a live status line per node until Ctrl-C, which stops them (or returns at once with
    /// --detach, the nodes left running).
    Up(Box<UpArgs>),
    /// Print each node's slot, head, finality, peers and throughput (once, or --watch).
    Status(StatusArgs),
    /// Print a node's log (all nodes' without --node), or follow it.
    Logs(LogsArgs),
    /// Stop every node of the testnet (SIGTERM, then SIGKILL after a grace period).
    Down(DirArgs),
    /// Start the stopped nodes of an existing testnet again (one with --node).
    Start(NodeSelect),
    /// Stop one node (SIGTERM, or SIGKILL with --kill as a crash would).
    Stop(StopArgs),
}

/// Where the testnet is.
#[derive(Debug, Args)]
struct DirArgs {
    /// The testnet directory.
    #[arg(long, value_name = "DIR", default_value = ".shardnet/testnet")]
    dir: PathBuf,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum BackendArg {
    /// One `shardnet node` process per node on this host.
    Process,
    /// One container per node under Docker Compose, on a private network.
    Docker,
}

#[derive(Debug, Args)]
struct UpArgs {
    #[command(flatten)]
    dir: DirArgs,
    /// A testnet description (TOML); the flags below override it.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Number of nodes [default: 4].
    #[arg(long, value_name = "N")]
    nodes: Option<usize>,
    /// Number of interop validators, split evenly over the nodes [default: 64].
    #[arg(long, value_name = "N")]
    validators: Option<u64>,
    /// Validators per node instead of an even split, e.g. `--validator-split 20,20,20,4`
    /// (summing to the validator count).
    #[arg(long, value_name = "N,N,...", value_delimiter = ',')]
    validator_split: Option<Vec<u64>>,
    /// Number of active shards [default: 4].
    #[arg(long, value_name = "N")]
    shards: Option<u64>,
    /// `minimal` or `mainnet` [default: minimal].
    #[arg(long)]
    preset: Option<String>,
    /// Slot time in milliseconds [default: 2000].
    #[arg(long, value_name = "MS")]
    slot_ms: Option<u64>,
    /// Seconds from now to genesis [default: 5].
    #[arg(long, value_name = "SECS")]
    genesis_delay: Option<u64>,
    /// Replace a constant, e.g. `--override SLOTS_PER_EPOCH=4` (repeatable).
    #[arg(long = "override", value_name = "KEY=VALUE", value_parser = parse_override)]
    overrides: Vec<(String, String)>,
    /// The shards node N tracks, e.g. `--track-shards 1=0,1` (repeatable; others track all).
    #[arg(long, value_name = "N=all|S,S,...", value_parser = parse_track)]
    track_shards: Vec<(usize, TrackShards)>,
    /// Node i serves HTTP on BASE + i [default: free ports].
    #[arg(long, value_name = "PORT")]
    base_http_port: Option<u16>,
    /// Node i listens for QUIC on BASE + i [default: free ports].
    #[arg(long, value_name = "PORT")]
    base_p2p_port: Option<u16>,
    /// What runs the nodes.
    #[arg(long, value_enum, default_value_t = BackendArg::Process)]
    backend: BackendArg,
    /// The static shardnet binary the Docker image holds (docker backend; default: this
    /// binary if static, else one built from the source tree).
    #[arg(long, value_name = "FILE")]
    binary: Option<PathBuf>,
    /// Return once the nodes answer, leaving them running.
    #[arg(long)]
    detach: bool,
    /// Replace a testnet already in the directory (stopping its nodes first).
    #[arg(long)]
    force: bool,
}

#[derive(Debug, Args)]
struct StatusArgs {
    #[command(flatten)]
    dir: DirArgs,
    /// Refresh every slot until Ctrl-C.
    #[arg(long)]
    watch: bool,
}

#[derive(Debug, Args)]
struct LogsArgs {
    #[command(flatten)]
    dir: DirArgs,
    /// Only this node's log.
    #[arg(long, value_name = "N")]
    node: Option<usize>,
    /// Keep printing what is appended, until Ctrl-C.
    #[arg(long)]
    follow: bool,
}

#[derive(Debug, Args)]
struct NodeSelect {
    #[command(flatten)]
    dir: DirArgs,
    /// The node (0-based); all stopped nodes without it.
    #[arg(long, value_name = "N")]
    node: Option<usize>,
}

#[derive(Debug, Args)]
struct StopArgs {
    #[command(flatten)]
    dir: DirArgs,
    /// The node (0-based).
    #[arg(long, value_name = "N")]
    node: usize,
    /// SIGKILL at once instead of a clean stop.
    #[arg(long)]
    kill: bool,
}

fn parse_override(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((key, value)) if !key.trim().is_empty() => {
            Ok((key.trim().to_owned(), value.trim().to_owned()))
        }
        _ => Err(format!("`{text}` is not of the form KEY=VALUE")),
    }
}

fn parse_track(text: &str) -> Result<(usize, TrackShards), String> {
    let (node, shards) = text
        .split_once('=')
        .ok_or_else(|| format!("`{text}` is not of the form N=all or N=S,S,..."))?;
    let node = node
        .trim()
        .parse()
        .map_err(|error| format!("`{node}` is not a node number: {error}"))?;
    let shards = if shards.trim() == "all" {
        TrackShards::All
    } else {
        TrackShards::Some(
            shards
                .split(',')
                .map(|part| {
                    part.trim()
                        .parse()
                        .map_err(|error| format!("`{part}` is not a shard number: {error}"))
                })
                .collect::<Result<_, _>>()?,
        )
    };
    Ok((node, shards))
}

/// Runs `shardnet testnet`.
pub fn run(args: &TestnetArgs) -> anyhow::Result<()> {
    match &args.command {
        TestnetCommand::Up(args) => up(args),
        TestnetCommand::Status(args) => status(&args.dir.dir, args.watch),
        TestnetCommand::Logs(args) => logs(args),
        TestnetCommand::Down(args) => down(args),
        TestnetCommand::Start(args) => start(&args.dir.dir, args.node),
        TestnetCommand::Stop(args) => stop(args),
    }
}

impl UpArgs {
    /// The description: the file's (or the defaults), then the flags.
    fn spec(&self) -> anyhow::Result<TestnetSpec> {
        let mut spec = match &self.config {
            Some(path) => TestnetSpec::load(path)?,
            None => TestnetSpec::default(),
        };
        if let Some(nodes) = self.nodes {
            spec.nodes = nodes;
        }
        if let Some(validators) = self.validators {
            spec.validators = validators;
        }
        if let Some(split) = &self.validator_split {
            spec.validator_split.clone_from(split);
        }
        if let Some(shards) = self.shards {
            spec.shards = shards;
        }
        if let Some(preset) = &self.preset {
            spec.preset.clone_from(preset);
        }
        if let Some(slot_ms) = self.slot_ms {
            spec.slot_ms = slot_ms;
        }
        if let Some(delay) = self.genesis_delay {
            spec.genesis_delay_secs = delay;
        }
        for (key, value) in &self.overrides {
            spec.overrides
                .insert(key.clone(), toml::Value::String(value.clone()));
        }
        for (node, shards) in &self.track_shards {
            if *node >= spec.nodes {
                bail!(
                    "--track-shards names node {node}, the testnet has {} nodes",
                    spec.nodes
                );
            }
            if spec.track_shards.len() <= *node {
                spec.track_shards.resize(node + 1, TrackShards::All);
            }
            spec.track_shards[*node] = shards.clone();
        }
        if self.base_http_port.is_some() {
            spec.base_http_port = self.base_http_port;
        }
        if self.base_p2p_port.is_some() {
            spec.base_p2p_port = self.base_p2p_port;
        }
        spec.check()?;
        Ok(spec)
    }
}

fn up(args: &UpArgs) -> anyhow::Result<()> {
    let spec = args.spec()?;
    let dir = &args.dir.dir;
    let backend = match args.backend {
        BackendArg::Process => Backend::Process,
        BackendArg::Docker => Backend::Docker,
    };
    if args.force
        && let Ok(old) = TestnetState::load(dir)
    {
        stop_everything(&old)?;
    }
    if backend == Backend::Docker {
        // The image first: building it may take minutes, the genesis comes after.
        prepare_image(dir, args.binary.as_deref())?;
    }
    let bar = ProgressBar::new(spec.validators).with_style(
        ProgressStyle::with_template("writing {msg} {bar:30} {pos}/{len} keystores")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.set_message(format!("{} data directories", spec.nodes));
    let tick = || bar.inc(1);
    let mut state = layout::create(dir, &spec, backend, args.force, Some(&tick))?;
    bar.finish_and_clear();
    println!(
        "wrote {} ({} nodes, {} validators, {} shards, {} ms slots, genesis in {} s)",
        dir.display(),
        state.nodes.len(),
        spec.validators,
        state.shards,
        state.slot_ms,
        state.genesis_time.saturating_sub(node::datadir::unix_now())
    );
    match backend {
        Backend::Process => {
            let exe = std::env::current_exe().context("finding the shardnet binary")?;
            for index in 0..state.nodes.len() {
                let pid = process::start(&exe, &state.nodes[index])?;
                state.nodes[index].pid = Some(pid);
                state.save()?;
            }
        }
        Backend::Docker => {
            docker::up(&mut state)?;
            state.save()?;
            println!("containers up ({}):", docker::project_name(dir));
            print!("{}", docker::ps(&state)?);
        }
    }
    wait_answering(&state)?;
    print_endpoints(&state);
    if args.detach {
        println!(
            "running; `shardnet testnet status --dir {0}` to watch, `shardnet testnet down --dir {0}` to stop",
            dir.display()
        );
        return Ok(());
    }
    let stop = stop_flag()?;
    watch(&state, &stop)?;
    println!("stopping the nodes");
    stop_everything(&state)
}

/// Finds or builds the static binary and builds the image `FROM scratch` around it.
fn prepare_image(dir: &Path, binary: Option<&Path>) -> anyhow::Result<()> {
    if !docker::engine_available() {
        bail!("the Docker engine does not answer (`docker info` fails)");
    }
    docker::compose_command()?;
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let spinner = ProgressBar::new_spinner();
    spinner.enable_steady_tick(Duration::from_millis(120));
    let binary = match binary {
        Some(path) => {
            if !docker::is_static_elf(path) {
                bail!("{} is not a statically linked binary", path.display());
            }
            path.to_path_buf()
        }
        None => {
            let current = std::env::current_exe().context("finding the shardnet binary")?;
            let workspace = Path::new(env!("CARGO_MANIFEST_DIR"));
            // `<target>/{debug,release}/shardnet`: build beside it, reusing its artifacts.
            let target = std::env::var_os("CARGO_TARGET_DIR")
                .map(PathBuf::from)
                .or_else(|| current.parent()?.parent().map(Path::to_path_buf))
                .unwrap_or_else(|| workspace.join("target"));
            let log = dir.join("build.log");
            spinner.set_message(format!(
                "building a static shardnet for the image (cargo build --release --target {}, log in {})",
                docker::STATIC_TARGET,
                log.display()
            ));
            docker::static_binary(&current, workspace, &target, &log)?
        }
    };
    spinner.set_message(format!(
        "building the image {} from {}",
        docker::IMAGE,
        binary.display()
    ));
    docker::build_image(dir, &binary)?;
    spinner.finish_and_clear();
    println!(
        "image {} built FROM scratch with {}",
        docker::IMAGE,
        binary.display()
    );
    Ok(())
}

/// Waits until every node answers HTTP, failing with the log's end if a node exits first.
fn wait_answering(state: &TestnetState) -> anyhow::Result<()> {
    let deadline = Instant::now() + Duration::from_secs(120);
    for node in &state.nodes {
        let client = NodeClient::new(node.http_url.clone());
        loop {
            match client.version() {
                Ok(_) => break,
                Err(error) if Instant::now() >= deadline => {
                    bail!(
                        "node {} did not answer at {}: {error}",
                        node.index,
                        node.http_url
                    )
                }
                Err(_) => {}
            }
            if state.backend == Backend::Process
                && let Some(pid) = node.pid
                && !process::is_running(pid, &node.datadir)
            {
                bail!(
                    "node {} exited at start; the end of {}:\n{}",
                    node.index,
                    node.log.display(),
                    log_tail(&node.log, 20)
                );
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }
    Ok(())
}

fn log_tail(path: &Path, lines: usize) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

fn print_endpoints(state: &TestnetState) {
    for node in &state.nodes {
        println!(
            "node{}  validators {}..{}  peer id {}",
            node.index, node.validators.0, node.validators.1, node.peer_id
        );
        println!("  HTTP API  {}", node.http_url);
        println!("  metrics   {}/metrics", node.http_url);
        println!("  QUIC      {}", node.p2p_addr);
        for shard in 0..state.shards {
            println!("  JSON-RPC shard {shard}  {}/rpc/{shard}", node.http_url);
        }
        match state.backend {
            Backend::Process => println!("  log       {}", node.log.display()),
            Backend::Docker => println!(
                "  log       shardnet testnet logs --dir {} --node {}",
                state.dir.display(),
                node.index
            ),
        }
    }
}

/// A flag set by Ctrl-C or SIGTERM.
fn stop_flag() -> anyhow::Result<Arc<AtomicBool>> {
    let flag = Arc::new(AtomicBool::new(false));
    let set = flag.clone();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the signal listener")?;
    std::thread::spawn(move || {
        runtime.block_on(async {
            let Ok(mut terminate) =
                tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            else {
                return;
            };
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = terminate.recv() => {}
            }
        });
        set.store(true, Ordering::SeqCst);
    });
    Ok(flag)
}

/// A live status line per node until `stop` is set.
fn watch(state: &TestnetState, stop: &AtomicBool) -> anyhow::Result<()> {
    let bars = MultiProgress::new();
    let style = ProgressStyle::with_template("{spinner} {msg}")
        .unwrap_or_else(|_| ProgressStyle::default_spinner());
    let lines: Vec<ProgressBar> = state
        .nodes
        .iter()
        .map(|_| bars.add(ProgressBar::new_spinner().with_style(style.clone())))
        .collect();
    let mut meters = vec![ThroughputMeter::default(); state.nodes.len()];
    let period = Duration::from_millis(state.slot_ms.clamp(250, 2000));
    // Without a terminal the bars draw nothing: the same lines are printed once a slot.
    let plain = bars.is_hidden();
    let mut last_printed = None;
    while !stop.load(Ordering::SeqCst) {
        let slot = status::current_slot(state);
        let print = plain && last_printed != Some(slot);
        for ((node, line), meter) in state.nodes.iter().zip(&lines).zip(&mut meters) {
            let result = status::query(node);
            let tps = result.as_ref().map_or(0.0, |s| meter.sample(s));
            let text = status::line(node.index, slot, &result, tps);
            if print {
                println!("{text}");
            }
            line.set_message(text);
            line.tick();
        }
        if print {
            last_printed = Some(slot);
        }
        let until = Instant::now() + period;
        while Instant::now() < until && !stop.load(Ordering::SeqCst) {
            std::thread::sleep(Duration::from_millis(50));
        }
    }
    for line in lines {
        line.finish();
    }
    Ok(())
}

fn status(dir: &Path, watch_it: bool) -> anyhow::Result<()> {
    let state = TestnetState::load(dir)?;
    report_stale(&state);
    if state.backend == Backend::Docker {
        print!("{}", docker::ps(&state)?);
    }
    if watch_it {
        let stop = stop_flag()?;
        return watch(&state, &stop);
    }
    let slot = status::current_slot(&state);
    let mut out = std::io::stdout().lock();
    for node in &state.nodes {
        let result = status::query(node);
        writeln!(out, "{}", status::line(node.index, slot, &result, 0.0))?;
    }
    Ok(())
}

/// Says which recorded node processes are gone.
fn report_stale(state: &TestnetState) {
    if state.backend != Backend::Process {
        return;
    }
    let gone: Vec<String> = state
        .nodes
        .iter()
        .filter(|node| {
            !node
                .pid
                .is_some_and(|pid| process::is_running(pid, &node.datadir))
        })
        .map(|node| format!("node{}", node.index))
        .collect();
    if gone.len() == state.nodes.len() {
        println!(
            "no node of {} is running (the testnet was stopped): `shardnet testnet start --dir {}` runs it again",
            state.dir.display(),
            state.dir.display()
        );
    } else if !gone.is_empty() {
        println!("not running: {}", gone.join(", "));
    }
}

fn logs(args: &LogsArgs) -> anyhow::Result<()> {
    let state = TestnetState::load(&args.dir.dir)?;
    if state.backend == Backend::Docker {
        return docker::logs(&state, args.node, args.follow).map_err(Into::into);
    }
    let nodes: Vec<_> = match args.node {
        Some(index) => vec![
            state
                .node(index)
                .with_context(|| format!("the testnet has no node {index}"))?,
        ],
        None => state.nodes.iter().collect(),
    };
    let prefix = nodes.len() > 1;
    let mut offsets = vec![0u64; nodes.len()];
    let stop = if args.follow {
        Some(stop_flag()?)
    } else {
        None
    };
    loop {
        let mut out = std::io::stdout().lock();
        for (node, offset) in nodes.iter().zip(&mut offsets) {
            let text = read_from(&node.log, offset)?;
            for line in text.lines() {
                if prefix {
                    writeln!(out, "node{} | {line}", node.index)?;
                } else {
                    writeln!(out, "{line}")?;
                }
            }
        }
        out.flush()?;
        drop(out);
        match &stop {
            Some(stop) if !stop.load(Ordering::SeqCst) => {
                std::thread::sleep(Duration::from_millis(200));
            }
            _ => return Ok(()),
        }
    }
}

/// The complete lines of `path` after `offset`, advancing it.
fn read_from(path: &Path, offset: &mut u64) -> anyhow::Result<String> {
    use std::io::{Read, Seek, SeekFrom};
    let Ok(mut file) = std::fs::File::open(path) else {
        return Ok(String::new());
    };
    file.seek(SeekFrom::Start(*offset))
        .with_context(|| format!("reading {}", path.display()))?;
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes)
        .with_context(|| format!("reading {}", path.display()))?;
    let complete = bytes
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |at| at + 1);
    *offset += complete as u64;
    Ok(String::from_utf8_lossy(&bytes[..complete]).into_owned())
}

fn down(args: &DirArgs) -> anyhow::Result<()> {
    let state = TestnetState::load(&args.dir)?;
    stop_everything(&state)
}

/// Stops every node of `state`, saying what was stopped.
fn stop_everything(state: &TestnetState) -> anyhow::Result<()> {
    if state.backend == Backend::Docker {
        docker::down(state)?;
        println!(
            "stopped and removed the containers of {}",
            state.dir.display()
        );
        return Ok(());
    }
    let outcomes = process::stop_all(&state.nodes, STOP_GRACE);
    let mut stopped = 0;
    for (node, outcome) in state.nodes.iter().zip(outcomes) {
        let pid = node.pid.map_or(String::from("-"), |pid| pid.to_string());
        match outcome? {
            Stopped::NotRunning => println!("node{}: was not running", node.index),
            Stopped::Terminated => {
                stopped += 1;
                println!("node{}: stopped (pid {pid})", node.index);
            }
            Stopped::Killed => {
                stopped += 1;
                println!(
                    "node{}: killed after {} s (pid {pid})",
                    node.index,
                    STOP_GRACE.as_secs()
                );
            }
        }
    }
    if stopped == 0 {
        println!(
            "nothing was running in {} (the processes were already gone)",
            state.dir.display()
        );
    }
    Ok(())
}

fn start(dir: &Path, only: Option<usize>) -> anyhow::Result<()> {
    let mut state = TestnetState::load(dir)?;
    if let Some(index) = only
        && state.node(index).is_none()
    {
        bail!("the testnet has no node {index}");
    }
    if state.backend == Backend::Docker {
        docker::start(&state, only)?;
        println!("started");
        return Ok(());
    }
    let exe = std::env::current_exe().context("finding the shardnet binary")?;
    for index in 0..state.nodes.len() {
        if only.is_some_and(|only| only != index) {
            continue;
        }
        let node = &state.nodes[index];
        if let Some(pid) = node
            .pid
            .filter(|&pid| process::is_running(pid, &node.datadir))
        {
            println!("node{index}: already running (pid {pid})");
            continue;
        }
        let pid = process::start(&exe, node)?;
        state.nodes[index].pid = Some(pid);
        state.save()?;
        println!(
            "node{index}: started (pid {pid}), HTTP API {}",
            state.nodes[index].http_url
        );
    }
    Ok(())
}

fn stop(args: &StopArgs) -> anyhow::Result<()> {
    let state = TestnetState::load(&args.dir.dir)?;
    let node = state
        .node(args.node)
        .with_context(|| format!("the testnet has no node {}", args.node))?;
    if state.backend == Backend::Docker {
        docker::stop(&state, args.node, args.kill)?;
        println!("node{}: stopped", args.node);
        return Ok(());
    }
    let outcome = if args.kill {
        process::kill(node)?
    } else {
        process::stop(node, STOP_GRACE)?
    };
    match outcome {
        Stopped::NotRunning => println!("node{}: was not running", args.node),
        Stopped::Terminated => println!("node{}: stopped", args.node),
        Stopped::Killed => println!("node{}: killed", args.node),
    }
    Ok(())
}
