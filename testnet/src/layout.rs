//! Writing a testnet directory: one genesis shared by every node, one data directory per node
//! (`node0/`, `node1/`, ...) holding its slice of the validators' keystores, its network key
//! and a `node.toml` whose bootnodes are every other node, pinned to its peer id.

use std::net::{Ipv4Addr, SocketAddr, TcpListener, UdpSocket};
use std::path::{Path, PathBuf};

use network::Bootnode;
use node::config::NodeConfig;
use node::datadir::{
    AnyDataDir, CreateOptions, DataDirError, NODE_CONFIG_FILE, load_or_create_node_key,
};

use crate::spec::{SpecError, TestnetSpec};
use crate::state::{Backend, NodeState, STATE_FILE, TestnetState};

/// The HTTP port every container serves on, inside its own network namespace.
pub const CONTAINER_HTTP_PORT: u16 = 5052;
/// The QUIC port every container listens on.
pub const CONTAINER_P2P_PORT: u16 = 9000;
/// The compose network's subnet; node `i` is `172.29.0.(10 + i)`.
pub const DOCKER_SUBNET: &str = "172.29.0.0/24";

/// Why a testnet directory could not be written.
#[derive(Debug, thiserror::Error)]
pub enum LayoutError {
    /// The description is refused.
    #[error(transparent)]
    Spec(#[from] SpecError),
    /// A testnet is already in the directory.
    #[error(
        "{dir} already holds a testnet ({STATE_FILE}): pass --force to replace it, or `shardnet testnet start` to run it again"
    )]
    Exists {
        /// The testnet directory.
        dir: PathBuf,
    },
    /// A fixed port is taken.
    #[error("{protocol} port {port} of node {node} is already in use (choose other base ports)")]
    PortTaken {
        /// `HTTP` or `QUIC`.
        protocol: &'static str,
        /// The port.
        port: u16,
        /// The node.
        node: usize,
    },
    /// No free port could be found.
    #[error("cannot find a free {protocol} port: {source}")]
    NoFreePort {
        /// `HTTP` or `QUIC`.
        protocol: &'static str,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A node's data directory could not be written.
    #[error("node {node}: {source}")]
    DataDir {
        /// The node.
        node: usize,
        /// The cause.
        source: DataDirError,
    },
    /// The nodes' genesis states differ (the description is not deterministic).
    #[error("node {node} wrote a different genesis than node 0")]
    GenesisMismatch {
        /// The node.
        node: usize,
    },
    /// Writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
}

impl LayoutError {
    /// Whether user input (the description, the directory) is at fault.
    pub fn is_bad_data(&self) -> bool {
        matches!(self, Self::Spec(error) if error.is_bad_data())
    }
}

/// The data directory of node `index` in the testnet directory `dir`.
pub fn node_dir(dir: &Path, index: usize) -> PathBuf {
    dir.join(format!("node{index}"))
}

/// The static address of node `index` on the compose network.
pub fn docker_ip(index: usize) -> Ipv4Addr {
    Ipv4Addr::new(172, 29, 0, 10 + index as u8)
}

/// Writes the testnet `spec` describes into `dir` for `backend`: the shared genesis, the data
/// directories, node keys and bootnode lists. `force` replaces a testnet already there (its
/// nodes must be stopped). `progress` is called once per keystore written.
pub fn create(
    dir: &Path,
    spec: &TestnetSpec,
    backend: Backend,
    force: bool,
    progress: Option<&(dyn Fn() + Sync)>,
) -> Result<TestnetState, LayoutError> {
    let network = spec.network_spec(spec.genesis_time_from_now())?;
    let config = network.chain_config().map_err(SpecError::from)?;
    if TestnetState::path(dir).exists() && !force {
        return Err(LayoutError::Exists {
            dir: dir.to_path_buf(),
        });
    }
    std::fs::create_dir_all(dir).map_err(|source| LayoutError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let http_ports = ports(spec, backend, "HTTP", spec.base_http_port)?;
    let p2p_ports = ports(spec, backend, "QUIC", spec.base_p2p_port)?;

    let mut nodes = Vec::with_capacity(spec.nodes);
    let mut configs = Vec::with_capacity(spec.nodes);
    let mut genesis_root = None;
    for index in 0..spec.nodes {
        let datadir = node_dir(dir, index);
        let keystores = spec.keystores_of(index);
        let mut node_config = NodeConfig {
            track_shards: spec.track_shards_of(index),
            ..NodeConfig::default()
        };
        let (http_url, p2p_addr) = match backend {
            Backend::Process => {
                node_config.http.listen = SocketAddr::from(([127, 0, 0, 1], http_ports[index]));
                node_config.network.listen = SocketAddr::from(([127, 0, 0, 1], p2p_ports[index]));
                (
                    format!("http://127.0.0.1:{}", http_ports[index]),
                    node_config.network.listen,
                )
            }
            Backend::Docker => {
                node_config.http.listen = SocketAddr::from(([0, 0, 0, 0], CONTAINER_HTTP_PORT));
                node_config.network.listen = SocketAddr::from(([0, 0, 0, 0], CONTAINER_P2P_PORT));
                (
                    format!("http://127.0.0.1:{}", http_ports[index]),
                    SocketAddr::from((docker_ip(index), CONTAINER_P2P_PORT)),
                )
            }
        };
        let options = CreateOptions {
            force,
            keystores: Some(keystores.clone()),
            node_config: node_config.clone(),
            progress,
            ..CreateOptions::default()
        };
        let created = AnyDataDir::create(&datadir, &network, &options).map_err(|source| {
            LayoutError::DataDir {
                node: index,
                source,
            }
        })?;
        match genesis_root {
            None => genesis_root = Some(created.genesis_state_root),
            Some(root) if root != created.genesis_state_root => {
                return Err(LayoutError::GenesisMismatch { node: index });
            }
            Some(_) => {}
        }
        let key = load_or_create_node_key(&datadir).map_err(|source| LayoutError::DataDir {
            node: index,
            source,
        })?;
        nodes.push(NodeState {
            index,
            log: datadir.join("node.log"),
            datadir,
            http_url,
            p2p_addr: p2p_addr.to_string(),
            peer_id: key.peer_id().to_string(),
            validators: (keystores.start, keystores.end),
            pid: None,
            container: None,
        });
        configs.push((node_config, key.peer_id(), p2p_addr));
    }

    // Every node dials every other: a full mesh of pinned bootnodes.
    for (index, (node_config, _, _)) in configs.iter().enumerate() {
        let mut node_config = node_config.clone();
        node_config.network.bootnodes = configs
            .iter()
            .enumerate()
            .filter(|(other, _)| *other != index)
            .map(|(_, (_, peer_id, addr))| Bootnode {
                peer_id: *peer_id,
                addr: *addr,
            })
            .collect();
        let path = nodes[index].datadir.join(NODE_CONFIG_FILE);
        std::fs::write(&path, node_config.to_toml())
            .map_err(|source| LayoutError::Io { path, source })?;
    }

    let state = TestnetState {
        dir: dir.to_path_buf(),
        backend,
        genesis_time: network.genesis_time,
        slot_ms: config.seconds_per_slot.as_millis(),
        shards: config.initial_active_shards,
        slots_per_epoch: config.slots_per_epoch,
        nodes,
        compose_file: None,
    };
    state.save().map_err(|error| LayoutError::Io {
        path: TestnetState::path(dir),
        source: std::io::Error::other(error.to_string()),
    })?;
    Ok(state)
}

/// One port per node: `base + i` (each checked free on 127.0.0.1) or, without a base, a port
/// the system hands out. Containers publish HTTP on the host the same way; their QUIC ports
/// stay inside the compose network.
fn ports(
    spec: &TestnetSpec,
    backend: Backend,
    protocol: &'static str,
    base: Option<u16>,
) -> Result<Vec<u16>, LayoutError> {
    let udp = protocol == "QUIC";
    if udp && backend == Backend::Docker {
        return Ok(vec![CONTAINER_P2P_PORT; spec.nodes]);
    }
    let mut held_udp = Vec::new();
    let mut held_tcp = Vec::new();
    let mut ports = Vec::with_capacity(spec.nodes);
    for node in 0..spec.nodes {
        let wanted = base.map_or(0, |base| base + node as u16);
        let bound = if udp {
            UdpSocket::bind(("127.0.0.1", wanted)).and_then(|socket| {
                let port = socket.local_addr()?.port();
                held_udp.push(socket);
                Ok(port)
            })
        } else {
            TcpListener::bind(("127.0.0.1", wanted)).and_then(|listener| {
                let port = listener.local_addr()?.port();
                held_tcp.push(listener);
                Ok(port)
            })
        };
        match bound {
            Ok(port) => ports.push(port),
            Err(_) if wanted != 0 => {
                return Err(LayoutError::PortTaken {
                    protocol,
                    port: wanted,
                    node,
                });
            }
            Err(source) => return Err(LayoutError::NoFreePort { protocol, source }),
        }
    }
    // The sockets are held until every port is chosen, so that no two nodes get the same.
    drop((held_udp, held_tcp));
    Ok(ports)
}
