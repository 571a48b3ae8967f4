//! The Docker backend: a static `shardnet` binary in an image `FROM scratch`, and a Compose
//! file with one container per node on a private network, each node's data directory mounted
//! at `/data`, its peers dialled at their static addresses on that network and its HTTP port
//! published on the host's loopback: the layout of a testnet spread over several hosts.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::layout::{CONTAINER_HTTP_PORT, DOCKER_SUBNET, docker_ip};
use crate::state::TestnetState;

/// The tag of the image `up` builds.
pub const IMAGE: &str = "shardnet-testnet:latest";
/// The Rust target a static binary is built for.
pub const STATIC_TARGET: &str = "x86_64-unknown-linux-gnu";
/// The compose file's name inside the testnet directory.
pub const COMPOSE_FILE: &str = "docker-compose.yml";

/// Why a Docker step failed.
#[derive(Debug, thiserror::Error)]
pub enum DockerError {
    /// A command could not be run at all.
    #[error("cannot run `{command}`: {source}")]
    Spawn {
        /// The command.
        command: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A command failed.
    #[error("`{command}` failed ({status}): {output}")]
    Failed {
        /// The command.
        command: String,
        /// Its exit status.
        status: String,
        /// The end of its output.
        output: String,
    },
    /// Neither `docker compose` nor `docker-compose` works.
    #[error("Docker Compose is not installed (neither `docker compose` nor `docker-compose` runs)")]
    NoCompose,
    /// No static binary is at hand and none can be built.
    #[error("no static shardnet binary: {0}")]
    NoBinary(String),
    /// A file could not be written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
}

impl DockerError {
    /// Never: these are failures of the host's tools.
    pub fn is_bad_data(&self) -> bool {
        false
    }
}

/// Whether a Docker engine answers (`docker info` succeeds).
pub fn engine_available() -> bool {
    Command::new("docker")
        .arg("info")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

/// The Compose command: `docker compose` (v2) or `docker-compose` (v1).
pub fn compose_command() -> Result<Vec<String>, DockerError> {
    let works = |program: &str, args: &[&str]| {
        Command::new(program)
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|status| status.success())
    };
    if works("docker", &["compose", "version"]) {
        Ok(vec![String::from("docker"), String::from("compose")])
    } else if works("docker-compose", &["version"]) {
        Ok(vec![String::from("docker-compose")])
    } else {
        Err(DockerError::NoCompose)
    }
}

/// Runs `program args`, its output captured; fails with the output's end.
fn run(program: &str, args: &[&str], dir: Option<&Path>) -> Result<String, DockerError> {
    let command = format!("{program} {}", args.join(" "));
    let mut builder = Command::new(program);
    builder.args(args).stdin(Stdio::null());
    if let Some(dir) = dir {
        builder.current_dir(dir);
    }
    let output = builder.output().map_err(|source| DockerError::Spawn {
        command: command.clone(),
        source,
    })?;
    let mut text = String::from_utf8_lossy(&output.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&output.stderr));
    if output.status.success() {
        return Ok(text);
    }
    let tail: Vec<&str> = text.lines().rev().take(15).collect();
    Err(DockerError::Failed {
        command,
        status: output.status.to_string(),
        output: tail.into_iter().rev().collect::<Vec<_>>().join("\n"),
    })
}

/// Whether the ELF file at `path` is statically linked (it has no `PT_INTERP` program
/// header, so it needs no dynamic loader: it runs in an empty image).
pub fn is_static_elf(path: &Path) -> bool {
    let Ok(bytes) = std::fs::read(path) else {
        return false;
    };
    let read = |at: usize, len: usize| bytes.get(at..at + len);
    let (Some(magic), Some(class)) = (read(0, 4), read(4, 1)) else {
        return false;
    };
    if magic != b"\x7fELF" || class != [2] {
        return false;
    }
    let word = |at: usize| read(at, 8).map(|b| u64::from_le_bytes(b.try_into().unwrap_or([0; 8])));
    let half = |at: usize| read(at, 2).map(|b| u16::from_le_bytes([b[0], b[1]]));
    let (Some(phoff), Some(phentsize), Some(phnum)) = (word(0x20), half(0x36), half(0x38)) else {
        return false;
    };
    (0..usize::from(phnum)).all(|i| {
        let at = usize::try_from(phoff).unwrap_or(usize::MAX) + i * usize::from(phentsize);
        read(at, 4).is_some_and(|kind| kind != 3u32.to_le_bytes())
    })
}

/// A static `shardnet` binary: `current` if it is one; otherwise one built from the source
/// tree `workspace` into `target_dir` (`cargo build --release --target
/// x86_64-unknown-linux-gnu` with `-C target-feature=+crt-static`), its output in `log`.
pub fn static_binary(
    current: &Path,
    workspace: &Path,
    target_dir: &Path,
    log: &Path,
) -> Result<PathBuf, DockerError> {
    if is_static_elf(current) {
        return Ok(current.to_path_buf());
    }
    if !workspace.join("Cargo.toml").exists() {
        return Err(DockerError::NoBinary(format!(
            "{} is dynamically linked and the source tree {} is not here to build one (pass --binary)",
            current.display(),
            workspace.display()
        )));
    }
    let log_file = std::fs::File::create(log).map_err(|source| DockerError::Io {
        path: log.to_path_buf(),
        source,
    })?;
    let log_err = log_file.try_clone().map_err(|source| DockerError::Io {
        path: log.to_path_buf(),
        source,
    })?;
    let command = format!(
        "cargo build --release --target {STATIC_TARGET} --bin shardnet (log in {})",
        log.display()
    );
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| String::from("cargo")))
        .args([
            "build",
            "--release",
            "--target",
            STATIC_TARGET,
            "--bin",
            "shardnet",
        ])
        .current_dir(workspace)
        .env("CARGO_TARGET_DIR", target_dir)
        .env("RUSTFLAGS", "-C target-feature=+crt-static")
        .stdin(Stdio::null())
        .stdout(log_file)
        .stderr(log_err)
        .status()
        .map_err(|source| DockerError::Spawn {
            command: command.clone(),
            source,
        })?;
    if !status.success() {
        let text = std::fs::read_to_string(log).unwrap_or_default();
        let tail: Vec<&str> = text.lines().rev().take(15).collect();
        return Err(DockerError::Failed {
            command,
            status: status.to_string(),
            output: tail.into_iter().rev().collect::<Vec<_>>().join("\n"),
        });
    }
    let binary = target_dir
        .join(STATIC_TARGET)
        .join("release")
        .join("shardnet");
    if !is_static_elf(&binary) {
        return Err(DockerError::NoBinary(format!(
            "{} was built but is not statically linked",
            binary.display()
        )));
    }
    Ok(binary)
}

/// Builds [`IMAGE`] `FROM scratch` holding only `binary`, from a build context in `dir`.
pub fn build_image(dir: &Path, binary: &Path) -> Result<(), DockerError> {
    let context = dir.join("image");
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| DockerError::Io { path, source }
    };
    std::fs::create_dir_all(&context).map_err(io(&context))?;
    let copy = context.join("shardnet");
    std::fs::copy(binary, &copy).map_err(io(&copy))?;
    let dockerfile = context.join("Dockerfile");
    std::fs::write(
        &dockerfile,
        "FROM scratch\nCOPY shardnet /shardnet\nENTRYPOINT [\"/shardnet\"]\n",
    )
    .map_err(io(&dockerfile))?;
    let context_text = context.to_string_lossy().into_owned();
    run(
        "docker",
        &["build", "--quiet", "-t", IMAGE, &context_text],
        None,
    )?;
    Ok(())
}

/// The Compose project name of a testnet directory.
pub fn project_name(dir: &Path) -> String {
    let name: String = dir
        .canonicalize()
        .unwrap_or_else(|_| dir.to_path_buf())
        .to_string_lossy()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    let hash = name
        .bytes()
        .fold(0u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b)));
    format!("shardnet_{hash:08x}")
}

/// The compose file of `state`: one service per node on a private bridge network with static
/// addresses, data directories mounted, HTTP published on the host's loopback.
pub fn compose_file(state: &TestnetState) -> String {
    let uid = rustix::process::getuid().as_raw();
    let gid = rustix::process::getgid().as_raw();
    let mut text = format!(
        "version: \"2.4\"\nnetworks:\n  shardnet:\n    driver: bridge\n    ipam:\n      config:\n        - subnet: {DOCKER_SUBNET}\nservices:\n"
    );
    for node in &state.nodes {
        let datadir = node
            .datadir
            .canonicalize()
            .unwrap_or_else(|_| node.datadir.clone());
        let host_port = node
            .http_url
            .rsplit(':')
            .next()
            .unwrap_or_default()
            .to_owned();
        text.push_str(&format!(
            "  node{i}:\n    image: {IMAGE}\n    command: [\"node\", \"--datadir\", \"/data\"]\n    user: \"{uid}:{gid}\"\n    environment:\n      NO_COLOR: \"1\"\n    volumes:\n      - \"{datadir}:/data\"\n    ports:\n      - \"127.0.0.1:{host_port}:{CONTAINER_HTTP_PORT}\"\n    networks:\n      shardnet:\n        ipv4_address: {ip}\n    stop_grace_period: 10s\n",
            i = node.index,
            datadir = datadir.display(),
            ip = docker_ip(node.index),
        ));
    }
    text
}

fn compose(state: &TestnetState, args: &[&str]) -> Result<String, DockerError> {
    let command = compose_command()?;
    let file = state
        .compose_file
        .clone()
        .unwrap_or_else(|| state.dir.join(COMPOSE_FILE));
    let file = file.to_string_lossy().into_owned();
    let project = project_name(&state.dir);
    let mut full: Vec<&str> = command[1..].iter().map(String::as_str).collect();
    full.extend(["-f", &file, "-p", &project]);
    full.extend(args);
    run(&command[0], &full, None)
}

/// Writes the compose file of `state` and starts its containers (`up -d`).
pub fn up(state: &mut TestnetState) -> Result<(), DockerError> {
    let path = state.dir.join(COMPOSE_FILE);
    std::fs::write(&path, compose_file(state)).map_err(|source| DockerError::Io {
        path: path.clone(),
        source,
    })?;
    state.compose_file = Some(path);
    let project = project_name(&state.dir);
    for node in &mut state.nodes {
        node.container = Some(format!("{project}_node{}", node.index));
    }
    compose(state, &["up", "-d"])?;
    Ok(())
}

/// `compose ps`: the containers and their state.
pub fn ps(state: &TestnetState) -> Result<String, DockerError> {
    compose(state, &["ps"])
}

/// Prints the containers' logs (one node's with `node`), following them with `follow`.
pub fn logs(state: &TestnetState, node: Option<usize>, follow: bool) -> Result<(), DockerError> {
    let command = compose_command()?;
    let file = state.dir.join(COMPOSE_FILE).to_string_lossy().into_owned();
    let project = project_name(&state.dir);
    let service = node.map(|index| format!("node{index}"));
    let mut args: Vec<&str> = command[1..].iter().map(String::as_str).collect();
    args.extend(["-f", &file, "-p", &project, "logs", "--no-color"]);
    if follow {
        args.push("--follow");
    }
    if let Some(service) = &service {
        args.push(service);
    }
    let status = Command::new(&command[0])
        .args(&args)
        .status()
        .map_err(|source| DockerError::Spawn {
            command: command.join(" "),
            source,
        })?;
    if status.success() {
        Ok(())
    } else {
        Err(DockerError::Failed {
            command: format!("{} {}", command[0], args.join(" ")),
            status: status.to_string(),
            output: String::new(),
        })
    }
}

/// Stops and removes the containers and the network (`compose down`).
pub fn down(state: &TestnetState) -> Result<(), DockerError> {
    compose(state, &["down", "--timeout", "10"]).map(drop)
}

/// Starts the stopped containers (one with `node`).
pub fn start(state: &TestnetState, node: Option<usize>) -> Result<(), DockerError> {
    match node {
        Some(index) => compose(state, &["start", &format!("node{index}")]),
        None => compose(state, &["up", "-d"]),
    }
    .map(drop)
}

/// Stops one container (SIGTERM then SIGKILL), or kills it at once with `kill`.
pub fn stop(state: &TestnetState, node: usize, kill: bool) -> Result<(), DockerError> {
    let service = format!("node{node}");
    if kill {
        compose(state, &["kill", &service])
    } else {
        compose(state, &["stop", "--timeout", "10", &service])
    }
    .map(drop)
}
