//! QUIC on loopback: three endpoints exchange gossip and a request/response, and a dial
//! pinned to the wrong identity is refused.

mod common;

use std::net::SocketAddr;
use std::time::Duration;

use common::{request_status, spawn_node, status_of};
use network::transport::{NodeKey, QuicTransport, TransportError, TransportLimits};
use network::{Topic, Transport, TransportEvent};
use tokio::sync::mpsc;

fn bind() -> (QuicTransport, mpsc::Receiver<TransportEvent>, SocketAddr) {
    let key = NodeKey::generate().unwrap();
    let addr: SocketAddr = "127.0.0.1:0".parse().unwrap();
    let (t, rx) = QuicTransport::bind(addr, key, TransportLimits::default()).unwrap();
    let local = t.local_addr().unwrap();
    (t, rx, local)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_nodes_gossip_and_request_over_quic() {
    let (a, a_rx, _) = bind();
    let (b, b_rx, b_addr) = bind();
    let (c, c_rx, c_addr) = bind();
    let (ida, idb, idc) = (a.local_peer_id(), b.local_peer_id(), c.local_peer_id());

    // A line A - B - C plus A - C: every node has two peers.
    a.dial(b_addr, idb).await.unwrap();
    b.dial(c_addr, idc).await.unwrap();
    a.dial(c_addr, idc).await.unwrap();

    let topics = vec![Topic::BeaconBlock, Topic::ShardBlock(1)];
    let na = spawn_node(a.clone(), a_rx, topics.clone());
    let mut nb = spawn_node(b.clone(), b_rx, topics.clone());
    // C does not track shard 1.
    let mut nc = spawn_node(c.clone(), c_rx, vec![Topic::BeaconBlock]);

    na.wait_subscribed(Topic::BeaconBlock, 2).await;
    nb.wait_subscribed(Topic::BeaconBlock, 2).await;
    nc.wait_subscribed(Topic::BeaconBlock, 2).await;
    na.wait_subscribed(Topic::ShardBlock(1), 1).await;

    // The server side learned the client's identity from its certificate.
    assert_eq!(b.connected_peers().len(), 2);
    assert!(b.connected_peers().contains(&ida));
    assert!(c.connected_peers().contains(&ida) && c.connected_peers().contains(&idb));

    na.publish(Topic::BeaconBlock, b"a beacon block").await;
    let at_b = nb.next_delivered().await;
    let at_c = nc.next_delivered().await;
    assert_eq!(at_b.ssz, b"a beacon block".to_vec());
    assert_eq!(at_c.ssz, b"a beacon block".to_vec());
    assert_eq!(at_b.topic, Topic::BeaconBlock);
    // Delivered once each, even though B forwards to C after accepting it.
    assert!(!nb.delivers_within(Duration::from_millis(300)).await);
    assert!(!nc.delivers_within(Duration::from_millis(300)).await);

    // C is not subscribed to shard 1: only B receives the shard block.
    na.publish(Topic::ShardBlock(1), b"a shard block").await;
    assert_eq!(nb.next_delivered().await.topic, Topic::ShardBlock(1));
    assert!(!nc.delivers_within(Duration::from_millis(300)).await);

    // Request/response on a bidirectional stream, both directions.
    assert_eq!(request_status(&a, idb).await, status_of(&idb));
    assert_eq!(request_status(&c, ida).await, status_of(&ida));

    a.shutdown().await;
    b.shutdown().await;
    c.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn simultaneous_dials_settle_on_one_connection() {
    for _ in 0..5 {
        let (a, a_rx, a_addr) = bind();
        let (b, b_rx, b_addr) = bind();
        let (ida, idb) = (a.local_peer_id(), b.local_peer_id());
        let na = spawn_node(a.clone(), a_rx, vec![Topic::VoluntaryExit]);
        let mut nb = spawn_node(b.clone(), b_rx, vec![Topic::VoluntaryExit]);
        let (ra, rb) = tokio::join!(a.dial(b_addr, idb), b.dial(a_addr, ida));
        assert!(ra.is_ok() || rb.is_ok(), "{ra:?} {rb:?}");
        // Whichever connection survived, both sides end up connected and subscribed.
        na.wait_subscribed(Topic::VoluntaryExit, 1).await;
        nb.wait_subscribed(Topic::VoluntaryExit, 1).await;
        assert_eq!(a.connected_peers(), vec![idb]);
        assert_eq!(b.connected_peers(), vec![ida]);
        na.publish(Topic::VoluntaryExit, b"exit").await;
        assert_eq!(nb.next_delivered().await.ssz, b"exit".to_vec());
        a.shutdown().await;
        b.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_pinned_identity_is_refused() {
    let (a, _a_rx, _) = bind();
    let (b, _b_rx, b_addr) = bind();
    let (c, _c_rx, _) = bind();
    // B's address, but C's identity expected: the handshake must fail.
    let err = a.dial(b_addr, c.local_peer_id()).await.unwrap_err();
    assert!(matches!(err, TransportError::Handshake(_)), "{err:?}");
    assert!(a.connected_peers().is_empty());
    // The right identity connects.
    a.dial(b_addr, b.local_peer_id()).await.unwrap();
    assert_eq!(a.connected_peers(), vec![b.local_peer_id()]);
    a.shutdown().await;
    b.shutdown().await;
    c.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn blocked_peer_is_cut_off_and_refused() {
    let (a, _a_rx, a_addr) = bind();
    let (b, _b_rx, b_addr) = bind();
    a.dial(b_addr, b.local_peer_id()).await.unwrap();
    a.set_blocked(b.local_peer_id(), true);
    assert!(a.connected_peers().is_empty());
    assert_eq!(
        a.send_gossip(b.local_peer_id(), vec![1]),
        Err(TransportError::Blocked(b.local_peer_id()))
    );
    // B is refused when it dials A while blocked.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let _ = b.dial(a_addr, a.local_peer_id()).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(a.connected_peers().is_empty());
    // Lifted, the peers connect again.
    a.set_blocked(b.local_peer_id(), false);
    a.dial(b_addr, b.local_peer_id()).await.unwrap();
    assert_eq!(a.connected_peers(), vec![b.local_peer_id()]);
    a.shutdown().await;
    b.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_gossip_stream_is_reported() {
    let (a, _a_rx, _) = bind();
    let key = NodeKey::generate().unwrap();
    let limits = TransportLimits {
        max_gossip_bytes: 1000,
        ..TransportLimits::default()
    };
    let (b, mut b_rx) = QuicTransport::bind("127.0.0.1:0".parse().unwrap(), key, limits).unwrap();
    a.dial(b.local_addr().unwrap(), b.local_peer_id())
        .await
        .unwrap();
    a.send_gossip(b.local_peer_id(), vec![0; 5000]).unwrap();
    let fault = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            match b_rx.recv().await {
                Some(TransportEvent::Fault { peer, misbehaviour }) => break (peer, misbehaviour),
                Some(_) => continue,
                None => panic!("closed"),
            }
        }
    })
    .await
    .unwrap();
    assert_eq!(
        fault,
        (a.local_peer_id(), network::Misbehaviour::OversizedFrame)
    );
    a.shutdown().await;
    b.shutdown().await;
}
