//! The in-memory transport: the partition switch, limits, and the gossip engine running on it.

mod common;

use std::time::Duration;

use common::{request_status, spawn_node, status_of};
use network::transport::{MemoryNetwork, MemoryTransport, TransportError, TransportLimits};
use network::{Misbehaviour, PeerId, Topic, Transport, TransportEvent};
use tokio::sync::mpsc;

fn id(n: u8) -> PeerId {
    PeerId::from_bytes([n; 32])
}

fn endpoint(
    net: &MemoryNetwork,
    n: u8,
    limits: TransportLimits,
) -> (MemoryTransport, mpsc::Receiver<TransportEvent>) {
    MemoryTransport::new(net, id(n), limits)
}

async fn next_event(rx: &mut mpsc::Receiver<TransportEvent>) -> TransportEvent {
    tokio::time::timeout(Duration::from_secs(1), rx.recv())
        .await
        .expect("no event")
        .expect("closed")
}

#[tokio::test]
async fn partition_switch_drops_traffic_and_heals() {
    let net = MemoryNetwork::new();
    let (a, a_rx) = endpoint(&net, 1, TransportLimits::default());
    let (b, b_rx) = endpoint(&net, 2, TransportLimits::default());
    let (c, c_rx) = endpoint(&net, 3, TransportLimits::default());
    a.dial(id(2), id(2)).await.unwrap();
    a.dial(id(3), id(3)).await.unwrap();
    b.dial(id(3), id(3)).await.unwrap();

    let topics = vec![Topic::BeaconBlock];
    let na = spawn_node(a.clone(), a_rx, topics.clone());
    let mut nb = spawn_node(b.clone(), b_rx, topics.clone());
    let mut nc = spawn_node(c.clone(), c_rx, topics.clone());
    na.wait_subscribed(Topic::BeaconBlock, 2).await;
    nb.wait_subscribed(Topic::BeaconBlock, 2).await;
    nc.wait_subscribed(Topic::BeaconBlock, 2).await;

    na.publish(Topic::BeaconBlock, b"before").await;
    assert_eq!(nb.next_delivered().await.ssz, b"before".to_vec());
    assert_eq!(nc.next_delivered().await.ssz, b"before".to_vec());

    // Partition C away: C blocks both others.
    c.set_blocked(id(1), true);
    c.set_blocked(id(2), true);
    assert!(c.connected_peers().is_empty());
    assert_eq!(a.connected_peers(), vec![id(2)]);
    assert_eq!(
        a.dial(id(3), id(3)).await,
        Err(TransportError::Blocked(id(3)))
    );
    assert!(matches!(
        a.request(id(3), vec![]).await,
        Err(TransportError::NotConnected(_) | TransportError::Blocked(_))
    ));
    na.publish(Topic::BeaconBlock, b"during").await;
    assert_eq!(nb.next_delivered().await.ssz, b"during".to_vec());
    assert!(!nc.delivers_within(Duration::from_millis(200)).await);

    // Heal: C lifts the blocks and dials back in.
    c.set_blocked(id(1), false);
    c.set_blocked(id(2), false);
    c.dial(id(1), id(1)).await.unwrap();
    c.dial(id(2), id(2)).await.unwrap();
    na.wait_subscribed(Topic::BeaconBlock, 2).await;
    na.publish(Topic::BeaconBlock, b"after").await;
    assert_eq!(nc.next_delivered().await.ssz, b"after".to_vec());
    assert_eq!(nb.next_delivered().await.ssz, b"after".to_vec());
    assert_eq!(request_status(&c, id(1)).await, status_of(&id(1)));
}

#[tokio::test]
async fn request_response_over_memory() {
    let net = MemoryNetwork::new();
    let (a, a_rx) = endpoint(&net, 1, TransportLimits::default());
    let (b, b_rx) = endpoint(&net, 2, TransportLimits::default());
    a.dial(id(2), id(2)).await.unwrap();
    let _na = spawn_node(a.clone(), a_rx, vec![]);
    let _nb = spawn_node(b.clone(), b_rx, vec![]);
    assert_eq!(request_status(&a, id(2)).await, status_of(&id(2)));
    assert_eq!(request_status(&b, id(1)).await, status_of(&id(1)));
}

#[tokio::test]
async fn limits_are_reported_as_faults() {
    let net = MemoryNetwork::new();
    let (a, _a_rx) = endpoint(&net, 1, TransportLimits::default());
    let limits = TransportLimits {
        max_gossip_bytes: 100,
        messages_per_second: 0,
        burst: 2,
        ..TransportLimits::default()
    };
    let (_b, mut b_rx) = endpoint(&net, 2, limits);
    a.dial(id(2), id(2)).await.unwrap();
    assert!(matches!(
        next_event(&mut b_rx).await,
        TransportEvent::Connected { .. }
    ));
    a.send_gossip(id(2), vec![0; 101]).unwrap();
    assert!(matches!(
        next_event(&mut b_rx).await,
        TransportEvent::Fault {
            misbehaviour: Misbehaviour::OversizedFrame,
            ..
        }
    ));
    for _ in 0..2 {
        a.send_gossip(id(2), vec![1]).unwrap();
        assert!(matches!(
            next_event(&mut b_rx).await,
            TransportEvent::Gossip { .. }
        ));
    }
    a.send_gossip(id(2), vec![1]).unwrap();
    assert!(matches!(
        next_event(&mut b_rx).await,
        TransportEvent::Fault {
            misbehaviour: Misbehaviour::RateLimitExceeded,
            ..
        }
    ));
}

#[tokio::test]
async fn dial_checks_identity() {
    let net = MemoryNetwork::new();
    let (a, _a_rx) = endpoint(&net, 1, TransportLimits::default());
    let (_b, _b_rx) = endpoint(&net, 2, TransportLimits::default());
    assert!(matches!(
        a.dial(id(2), id(3)).await,
        Err(TransportError::Handshake(_))
    ));
    assert!(a.dial(id(9), id(9)).await.is_err());
}

/// Waits until `transport` has no connection with `peer`.
async fn wait_disconnected(transport: &MemoryTransport, peer: PeerId) {
    for _ in 0..100 {
        if !transport.connected_peers().contains(&peer) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("{peer:?} still connected");
}

fn publish_bytes(topic: Topic, ssz: &[u8]) -> Vec<u8> {
    network::wire::GossipWire::Publish {
        topic: network::GossipTopic {
            fork_digest: common::DIGEST,
            topic,
        },
        data: network::framing::compress(ssz, &network::FrameLimits::default()).unwrap(),
    }
    .encode()
}

#[tokio::test]
async fn garbage_sender_is_banned_and_refused_on_reconnect() {
    let net = MemoryNetwork::new();
    let (honest, h_rx) = endpoint(&net, 1, TransportLimits::default());
    let (evil, _e_rx) = endpoint(&net, 2, TransportLimits::default());
    let _node = spawn_node(honest.clone(), h_rx, vec![Topic::BeaconBlock]);
    evil.dial(id(1), id(1)).await.unwrap();
    // Garbage (-25) then an undecodable snappy block (-25): at -50 the peer is banned.
    evil.send_gossip(id(1), vec![0xee; 40]).unwrap();
    let bomb = network::wire::GossipWire::Publish {
        topic: network::GossipTopic {
            fork_digest: common::DIGEST,
            topic: Topic::BeaconBlock,
        },
        data: vec![0xff, 0xff, 0xff, 0xff, 0x0f],
    };
    evil.send_gossip(id(1), bomb.encode()).unwrap();
    wait_disconnected(&honest, id(2)).await;
    // Coming back does not help: the engine refuses the banned peer at once.
    evil.dial(id(1), id(1)).await.unwrap();
    wait_disconnected(&honest, id(2)).await;
}

#[tokio::test]
async fn duplicate_flood_gets_sender_banned() {
    let net = MemoryNetwork::new();
    let (honest, h_rx) = endpoint(&net, 1, TransportLimits::default());
    let (evil, _e_rx) = endpoint(&net, 2, TransportLimits::default());
    let mut node = spawn_node(honest.clone(), h_rx, vec![Topic::BeaconBlock]);
    evil.dial(id(1), id(1)).await.unwrap();
    let msg = publish_bytes(Topic::BeaconBlock, b"the same block");
    for _ in 0..30 {
        let _ = evil.send_gossip(id(1), msg.clone());
    }
    wait_disconnected(&honest, id(2)).await;
    // The first copy was delivered once, the repeats never.
    assert_eq!(node.next_delivered().await.ssz, b"the same block".to_vec());
    assert!(!node.delivers_within(Duration::from_millis(100)).await);
}
