//! Unit tests of the gossip engine.

use super::*;

const DIGEST: ForkDigest = [0xaa, 0xbb, 0xcc, 0xdd];
const P1: PeerId = PeerId::from_bytes([1; 32]);
const P2: PeerId = PeerId::from_bytes([2; 32]);
const P3: PeerId = PeerId::from_bytes([3; 32]);

fn now() -> Duration {
    Duration::from_secs(1000)
}

fn full(topic: Topic) -> GossipTopic {
    GossipTopic {
        fork_digest: DIGEST,
        topic,
    }
}

fn engine(subs: &[Topic]) -> GossipEngine {
    let mut e = GossipEngine::new(GossipConfig::new(DIGEST));
    for t in subs {
        e.subscribe(*t);
    }
    e
}

/// Connects `peer` and has it announce `topics`.
fn connect(e: &mut GossipEngine, peer: PeerId, topics: &[Topic]) {
    assert!(e.on_peer_connected(peer, now()));
    let sub = GossipWire::Subscribe(topics.iter().map(|t| full(*t)).collect());
    e.on_message(peer, &sub.encode(), now());
}

fn publish_bytes(topic: Topic, ssz: &[u8]) -> Vec<u8> {
    GossipWire::Publish {
        topic: full(topic),
        data: framing::compress(ssz, &FrameLimits::default()).unwrap(),
    }
    .encode()
}

fn sends(actions: &[GossipAction]) -> Vec<(PeerId, GossipWire)> {
    actions
        .iter()
        .filter_map(|a| match a {
            GossipAction::Send { peer, bytes } => Some((
                *peer,
                GossipWire::decode(bytes, &FrameLimits::default()).unwrap(),
            )),
            _ => None,
        })
        .collect()
}

fn publishes_to(actions: &[GossipAction]) -> Vec<PeerId> {
    sends(actions)
        .into_iter()
        .filter(|(_, m)| matches!(m, GossipWire::Publish { .. }))
        .map(|(p, _)| p)
        .collect()
}

fn delivered(actions: &[GossipAction]) -> Vec<(MessageId, PeerId, Topic, Vec<u8>)> {
    actions
        .iter()
        .filter_map(|a| match a {
            GossipAction::Deliver {
                id,
                source,
                topic,
                ssz,
            } => Some((*id, *source, *topic, ssz.clone())),
            _ => None,
        })
        .collect()
}

fn disconnected(actions: &[GossipAction]) -> Vec<PeerId> {
    actions
        .iter()
        .filter_map(|a| match a {
            GossipAction::Disconnect {
                peer,
                ban_until: Some(_),
                ..
            } => Some(*peer),
            _ => None,
        })
        .collect()
}

#[test]
fn message_id_is_first_8_bytes_of_sha256_of_data() {
    let data = b"compressed bytes";
    let digest = Sha256::digest(data);
    assert_eq!(message_id(data).as_slice(), &digest[..8]);
}

#[test]
fn subscriptions_are_exchanged_on_connect() {
    let mut a = engine(&[Topic::BeaconBlock, Topic::ShardBlock(2)]);
    let mut b = engine(&[Topic::ShardTx(0)]);
    assert!(a.on_peer_connected(P2, now()));
    assert!(b.on_peer_connected(P1, now()));
    for (peer, _) in sends(&a.drain_actions()) {
        assert_eq!(peer, P2);
    }
    // Replay a's announcement into b (as P1) by re-encoding.
    let mut a2 = engine(&[Topic::BeaconBlock, Topic::ShardBlock(2)]);
    a2.on_peer_connected(P2, now());
    for a in a2.drain_actions() {
        if let GossipAction::Send { bytes, .. } = a {
            b.on_message(P1, &bytes, now());
        }
    }
    assert!(b.peer_subscribed(&P1, Topic::BeaconBlock));
    assert!(b.peer_subscribed(&P1, Topic::ShardBlock(2)));
    assert!(!b.peer_subscribed(&P1, Topic::ShardBlock(1)));
    // Later changes are announced too.
    a2.unsubscribe(Topic::BeaconBlock);
    for a in a2.drain_actions() {
        if let GossipAction::Send { bytes, .. } = a {
            b.on_message(P1, &bytes, now());
        }
    }
    assert!(!b.peer_subscribed(&P1, Topic::BeaconBlock));
}

#[test]
fn publish_reaches_only_subscribed_peers() {
    let mut e = engine(&[]);
    connect(&mut e, P1, &[Topic::ShardBlock(1)]);
    connect(&mut e, P2, &[Topic::ShardBlock(2)]);
    connect(&mut e, P3, &[Topic::ShardBlock(1), Topic::ShardBlock(2)]);
    e.drain_actions();
    e.publish(Topic::ShardBlock(1), b"block for shard 1", now())
        .unwrap();
    let mut to = publishes_to(&e.drain_actions());
    to.sort();
    assert_eq!(to, vec![P1, P3]);
    assert_eq!(
        e.publish(Topic::ShardBlock(1), b"block for shard 1", now()),
        Err(GossipError::Duplicate)
    );
}

#[test]
fn unsubscribed_topics_are_not_delivered() {
    let mut e = engine(&[Topic::BeaconBlock]);
    connect(&mut e, P1, &[]);
    e.drain_actions();
    e.on_message(P1, &publish_bytes(Topic::ShardBlock(3), b"x"), now());
    assert!(e.drain_actions().is_empty());
}

#[test]
fn duplicates_are_delivered_once() {
    let mut e = engine(&[Topic::BeaconBlock]);
    connect(&mut e, P1, &[Topic::BeaconBlock]);
    connect(&mut e, P2, &[Topic::BeaconBlock]);
    e.drain_actions();
    let msg = publish_bytes(Topic::BeaconBlock, b"block");
    e.on_message(P1, &msg, now());
    e.on_message(P2, &msg, now());
    let d = delivered(&e.drain_actions());
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].1, P1);
    assert_eq!(d[0].3, b"block".to_vec());
    // Honest duplicates from another peer cost nothing.
    assert_eq!(e.peer_manager().score(&P2, now()), 0.0);
}

#[test]
fn forwards_only_after_accept_and_not_to_senders() {
    let mut e = engine(&[Topic::BeaconBlock]);
    connect(&mut e, P1, &[Topic::BeaconBlock]);
    connect(&mut e, P2, &[Topic::BeaconBlock]);
    connect(&mut e, P3, &[Topic::BeaconBlock]);
    e.drain_actions();
    let msg = publish_bytes(Topic::BeaconBlock, b"block");
    e.on_message(P1, &msg, now());
    e.on_message(P2, &msg, now());
    let actions = e.drain_actions();
    assert!(
        publishes_to(&actions).is_empty(),
        "nothing forwarded before the verdict"
    );
    let id = delivered(&actions)[0].0;
    e.on_verdict(id, Verdict::Accept, now());
    // P1 is the source and P2 already has it: only P3 gets it.
    assert_eq!(publishes_to(&e.drain_actions()), vec![P3]);
    // A second verdict for the same id does nothing.
    e.on_verdict(id, Verdict::Accept, now());
    assert!(e.drain_actions().is_empty());
}

#[test]
fn ignored_messages_are_not_forwarded_nor_penalized() {
    let mut e = engine(&[Topic::VoluntaryExit]);
    connect(&mut e, P1, &[Topic::VoluntaryExit]);
    connect(&mut e, P2, &[Topic::VoluntaryExit]);
    e.drain_actions();
    e.on_message(P1, &publish_bytes(Topic::VoluntaryExit, b"exit"), now());
    let id = delivered(&e.drain_actions())[0].0;
    e.on_verdict(id, Verdict::Ignore, now());
    assert!(e.drain_actions().is_empty());
    assert_eq!(e.peer_manager().score(&P1, now()), 0.0);
}

#[test]
fn reject_lowers_score_and_repeated_rejects_ban() {
    let mut e = engine(&[Topic::BeaconBlock]);
    connect(&mut e, P1, &[Topic::BeaconBlock]);
    connect(&mut e, P2, &[Topic::BeaconBlock]);
    e.drain_actions();
    for i in 0..3u8 {
        e.on_message(P1, &publish_bytes(Topic::BeaconBlock, &[i; 10]), now());
        let actions = e.drain_actions();
        let id = delivered(&actions)[0].0;
        e.on_verdict(id, Verdict::Reject, now());
        let actions = e.drain_actions();
        assert!(publishes_to(&actions).is_empty());
        if i < 2 {
            assert!(e.peer_manager().score(&P1, now()) < 0.0);
            assert!(disconnected(&actions).is_empty());
        } else {
            assert_eq!(disconnected(&actions), vec![P1]);
        }
    }
    assert!(e.peer_manager().is_banned(&P1, now()));
    // A banned peer is refused when it comes back.
    assert!(!e.on_peer_connected(P1, now() + Duration::from_secs(5)));
    assert_eq!(disconnected(&e.drain_actions()), vec![P1]);
    // And accepted again once the ban is over.
    assert!(e.on_peer_connected(P1, now() + Duration::from_secs(601)));
}

#[test]
fn duplicate_flood_gets_peer_banned() {
    let mut e = engine(&[Topic::BeaconAttestation(3)]);
    connect(&mut e, P1, &[Topic::BeaconAttestation(3)]);
    e.drain_actions();
    let msg = publish_bytes(Topic::BeaconAttestation(3), b"attestation");
    let mut banned_after = None;
    for i in 0..100 {
        e.on_message(P1, &msg, now());
        let actions = e.drain_actions();
        if !disconnected(&actions).is_empty() {
            banned_after = Some(i);
            break;
        }
    }
    // One delivery, then 25 repeats at -2 reach -50.
    assert_eq!(banned_after, Some(25));
    assert!(e.peer_manager().is_banned(&P1, now()));
    assert_eq!(e.peers().count(), 0);
    // Further traffic from the banned peer is ignored.
    e.on_message(P1, &msg, now());
    assert!(e.drain_actions().is_empty());
}

#[test]
fn garbage_and_oversized_are_penalized() {
    let mut e = engine(&[Topic::BeaconBlock]);
    connect(&mut e, P1, &[]);
    connect(&mut e, P2, &[]);
    e.drain_actions();
    e.on_message(P1, &[0xff, 1, 2, 3], now());
    assert_eq!(e.peer_manager().score(&P1, now()), -25.0);
    // A snappy block announcing 4 GiB of output.
    let bomb = GossipWire::Publish {
        topic: full(Topic::BeaconBlock),
        data: vec![0xff, 0xff, 0xff, 0xff, 0x0f],
    };
    e.on_message(P2, &bomb.encode(), now());
    assert!(e.peer_manager().score(&P2, now()) < 0.0);
    assert!(delivered(&e.drain_actions()).is_empty());
    let big = GossipWire::Publish {
        topic: full(Topic::BeaconBlock),
        data: vec![0; FrameLimits::default().max_compressed() + 1],
    };
    e.on_message(P1, &big.encode(), now());
    assert_eq!(disconnected(&e.drain_actions()), vec![P1]);
}

#[test]
fn rate_limit_applies_per_peer() {
    let mut config = GossipConfig::new(DIGEST);
    config.rate_limit = 5;
    let mut e = GossipEngine::new(config);
    e.subscribe(Topic::BeaconBlock);
    connect(&mut e, P1, &[]); // 1 message used by the subscription
    e.drain_actions();
    for i in 0..4u8 {
        e.on_message(P1, &publish_bytes(Topic::BeaconBlock, &[i]), now());
    }
    assert_eq!(delivered(&e.drain_actions()).len(), 4);
    e.on_message(P1, &publish_bytes(Topic::BeaconBlock, &[9]), now());
    assert!(delivered(&e.drain_actions()).is_empty());
    assert_eq!(e.peer_manager().score(&P1, now()), -5.0);
    // The next window starts afresh.
    let later = now() + Duration::from_secs(1);
    e.on_message(P1, &publish_bytes(Topic::BeaconBlock, &[10]), later);
    assert_eq!(delivered(&e.drain_actions()).len(), 1);
}

#[test]
fn other_fork_digest_is_dropped() {
    let mut e = engine(&[Topic::BeaconBlock]);
    connect(&mut e, P1, &[]);
    e.drain_actions();
    let msg = GossipWire::Publish {
        topic: GossipTopic {
            fork_digest: [0; 4],
            topic: Topic::BeaconBlock,
        },
        data: framing::compress(b"x", &FrameLimits::default()).unwrap(),
    };
    e.on_message(P1, &msg.encode(), now());
    assert!(e.drain_actions().is_empty());
}

#[test]
fn a_message_dropped_for_a_full_queue_is_taken_from_the_next_peer() {
    let mut config = GossipConfig::new(DIGEST);
    config.max_pending = 1;
    let mut e = GossipEngine::new(config);
    e.subscribe(Topic::BeaconBlock);
    connect(&mut e, P1, &[]);
    connect(&mut e, P2, &[]);
    e.drain_actions();
    e.on_message(P1, &publish_bytes(Topic::BeaconBlock, b"first"), now());
    assert_eq!(delivered(&e.drain_actions()).len(), 1);
    // The queue is full: dropped unvalidated.
    e.on_message(P1, &publish_bytes(Topic::BeaconBlock, b"second"), now());
    assert!(delivered(&e.drain_actions()).is_empty());
    let id = message_id(&framing::compress(b"first", &FrameLimits::default()).unwrap());
    e.on_verdict(id, Verdict::Accept, now());
    e.drain_actions();
    // Another peer's copy is new, not a duplicate; nobody is penalised.
    e.on_message(P2, &publish_bytes(Topic::BeaconBlock, b"second"), now());
    let taken = delivered(&e.drain_actions());
    assert_eq!(taken.len(), 1);
    assert_eq!(taken[0].1, P2);
    // P1 holds the reward of its accepted message and no penalty.
    assert!(e.peer_manager().score(&P1, now()) > 0.0);
    assert_eq!(e.peer_manager().score(&P2, now()), 0.0);
}

#[test]
fn pending_verdicts_time_out() {
    let mut e = engine(&[Topic::BeaconBlock]);
    connect(&mut e, P1, &[]);
    connect(&mut e, P2, &[Topic::BeaconBlock]);
    e.drain_actions();
    e.on_message(P1, &publish_bytes(Topic::BeaconBlock, b"b"), now());
    let id = delivered(&e.drain_actions())[0].0;
    e.tick(now() + Duration::from_secs(13));
    e.on_verdict(id, Verdict::Accept, now() + Duration::from_secs(13));
    assert!(e.drain_actions().is_empty());
}

mod fuzz {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        /// Whatever a peer sends, the engine neither panics nor delivers anything that was not
        /// a well-formed publish on a subscribed topic.
        #[test]
        fn random_messages_never_panic(
            messages in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..300), 1..40)
        ) {
            let mut e = engine(&[Topic::BeaconBlock, Topic::ShardTx(0)]);
            connect(&mut e, P1, &[Topic::BeaconBlock]);
            e.drain_actions();
            for bytes in &messages {
                e.on_message(P1, bytes, now());
                for action in e.drain_actions() {
                    if let GossipAction::Deliver { topic, ssz, .. } = action {
                        prop_assert!(e.subscriptions().contains(&topic));
                        prop_assert!(ssz.len() <= FrameLimits::default().max_uncompressed);
                    }
                }
            }
        }
    }
}
