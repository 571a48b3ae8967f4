//! A minimal node loop for the transport tests: feeds transport events to a gossip engine,
//! carries out its actions, accepts every delivered message and answers `status` requests.

#![allow(dead_code)]

use std::time::{Duration, Instant};

use network::gossip::GossipError;
use network::rpc::{self, ResponseChunk, ResponseCode};
use network::{
    FrameLimits, GossipAction, GossipConfig, GossipEngine, PeerId, Request, Response, Topic,
    Transport, TransportEvent, Verdict,
};
use primitives::types::{Root, Status};
use tokio::sync::{mpsc, oneshot};

/// The fork digest of the test network.
pub const DIGEST: [u8; 4] = [1, 2, 3, 4];

/// Commands a test sends to a running node.
pub enum Command {
    /// Publish a message.
    Publish(Topic, Vec<u8>, oneshot::Sender<Result<(), GossipError>>),
    /// The connected peers subscribed to a topic.
    SubscribedPeers(Topic, oneshot::Sender<Vec<PeerId>>),
}

/// A message the node delivered (and accepted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivered {
    /// The peer it came from.
    pub source: PeerId,
    /// Its topic.
    pub topic: Topic,
    /// The SSZ payload.
    pub ssz: Vec<u8>,
}

/// A `Status` unique to a node, so responses show who answered.
pub fn status_of(id: &PeerId) -> Status {
    Status {
        fork_digest: DIGEST,
        finalized_root: Root::from(*id.as_bytes()),
        finalized_epoch: 1,
        head_root: Root::ZERO,
        head_slot: 42,
    }
}

/// Runs a node until the command channel closes.
pub async fn run_node<T: Transport + Clone>(
    transport: T,
    mut events: mpsc::Receiver<TransportEvent>,
    topics: Vec<Topic>,
    mut commands: mpsc::UnboundedReceiver<Command>,
    delivered: mpsc::UnboundedSender<Delivered>,
) {
    let start = Instant::now();
    let mut engine = GossipEngine::new(GossipConfig::new(DIGEST));
    for t in topics {
        engine.subscribe(t);
    }
    let status = status_of(&transport.local_peer_id());
    let mut tick = tokio::time::interval(Duration::from_millis(200));
    loop {
        let now = start.elapsed();
        tokio::select! {
            event = events.recv() => match event {
                None => return,
                Some(TransportEvent::Connected { peer }) => {
                    engine.on_peer_connected(peer, now);
                }
                Some(TransportEvent::Disconnected { peer }) => engine.on_peer_disconnected(&peer),
                Some(TransportEvent::Gossip { peer, bytes }) => engine.on_message(peer, &bytes, now),
                Some(TransportEvent::Fault { peer, misbehaviour }) => {
                    engine.on_fault(peer, misbehaviour, now);
                }
                Some(TransportEvent::Request { peer, bytes, responder }) => {
                    let limits = FrameLimits::default();
                    let chunks = match Request::decode(&bytes, &limits) {
                        Ok(Request::Status(_)) => {
                            vec![ResponseChunk::success(&Response::Status(status.clone()))]
                        }
                        Ok(_) => vec![ResponseChunk::error(ResponseCode::ServerError, "unserved")],
                        Err(e) => {
                            engine.on_fault(peer, e.misbehaviour(), now);
                            vec![ResponseChunk::error(ResponseCode::InvalidRequest, &e.to_string())]
                        }
                    };
                    if let Ok(bytes) = rpc::encode_response(&chunks, &limits) {
                        responder.respond(bytes);
                    }
                }
            },
            command = commands.recv() => match command {
                None => return,
                Some(Command::Publish(topic, ssz, done)) => {
                    let _ = done.send(engine.publish(topic, &ssz, now).map(|_| ()));
                }
                Some(Command::SubscribedPeers(topic, reply)) => {
                    let peers = engine
                        .peers()
                        .copied()
                        .filter(|p| engine.peer_subscribed(p, topic))
                        .collect();
                    let _ = reply.send(peers);
                }
            },
            _ = tick.tick() => engine.tick(now),
        }
        while let Some(action) = engine.poll_action() {
            match action {
                GossipAction::Send { peer, bytes } => {
                    let _ = transport.send_gossip(peer, bytes);
                }
                GossipAction::Deliver {
                    id,
                    source,
                    topic,
                    ssz,
                } => {
                    let _ = delivered.send(Delivered { source, topic, ssz });
                    engine.on_verdict(id, Verdict::Accept, start.elapsed());
                }
                GossipAction::Disconnect { peer, .. } => transport.disconnect(peer),
            }
        }
    }
}

/// A handle on a running node.
pub struct NodeHandle {
    /// The command channel.
    pub commands: mpsc::UnboundedSender<Command>,
    /// Messages the node delivered.
    pub delivered: mpsc::UnboundedReceiver<Delivered>,
}

/// Starts [`run_node`] on a task.
pub fn spawn_node<T: Transport + Clone>(
    transport: T,
    events: mpsc::Receiver<TransportEvent>,
    topics: Vec<Topic>,
) -> NodeHandle {
    let (ctx, crx) = mpsc::unbounded_channel();
    let (dtx, drx) = mpsc::unbounded_channel();
    tokio::spawn(run_node(transport, events, topics, crx, dtx));
    NodeHandle {
        commands: ctx,
        delivered: drx,
    }
}

impl NodeHandle {
    /// Waits until `count` peers subscribed to `topic` are connected.
    pub async fn wait_subscribed(&self, topic: Topic, count: usize) {
        for _ in 0..200 {
            let (tx, rx) = oneshot::channel();
            let _ = self.commands.send(Command::SubscribedPeers(topic, tx));
            if rx.await.map(|p| p.len()).unwrap_or(0) >= count {
                return;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("peers never subscribed to {topic}");
    }

    /// Publishes a message.
    pub async fn publish(&self, topic: Topic, ssz: &[u8]) {
        let (tx, rx) = oneshot::channel();
        let _ = self
            .commands
            .send(Command::Publish(topic, ssz.to_vec(), tx));
        rx.await.unwrap().unwrap();
    }

    /// The next delivered message, within 5 seconds.
    pub async fn next_delivered(&mut self) -> Delivered {
        tokio::time::timeout(Duration::from_secs(5), self.delivered.recv())
            .await
            .expect("no message delivered in time")
            .expect("node stopped")
    }

    /// Whether a message is delivered within `wait`.
    pub async fn delivers_within(&mut self, wait: Duration) -> bool {
        tokio::time::timeout(wait, self.delivered.recv())
            .await
            .is_ok()
    }
}

/// Sends a `status` request and decodes the answer.
pub async fn request_status<T: Transport>(transport: &T, peer: PeerId) -> Status {
    let limits = FrameLimits::default();
    let request = Request::Status(status_of(&transport.local_peer_id()))
        .encode(&limits)
        .unwrap();
    let bytes = transport.request(peer, request).await.unwrap();
    let chunks = rpc::decode_response(network::Protocol::Status, &bytes, &limits).unwrap();
    assert_eq!(chunks.len(), 1);
    assert_eq!(chunks[0].code, ResponseCode::Success);
    match Response::from_ssz_bytes(network::Protocol::Status, &chunks[0].ssz).unwrap() {
        Response::Status(s) => s,
        other => panic!("unexpected response {other:?}"),
    }
}
