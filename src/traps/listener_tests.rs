//! The listener on loopback: feeds, overflow, the drain at shutdown, one receiver for
//! IPv4 and IPv6, the policy replaced while it runs, learned engines remembered.
use std::time::Duration;

use super::*;
use crate::proto::engine::{Engine, KeyExtensionPolicy, Security, Target, UsmTarget};
use crate::proto::message::CommunityMessage;
use crate::proto::usm::{Credentials, EngineTime, SecurityLevel, test_util};
use crate::proto::{Community, Message, Pdu, PduBody, PduType, RequestId, Version};
use crate::traps::access::{CommunityRule, TrapUser};
use crate::traps::receiver::DropReason;

fn community(text: &str) -> CommunityRule {
    CommunityRule {
        community: Community::new(text),
        label: text.into(),
        networks: vec![],
    }
}

fn options() -> ListenerOptions {
    let mut o = ListenerOptions::loopback_ephemeral();
    o.access.communities.push(community("public"));
    o
}

fn community_trap(community: &str, id: i64) -> Vec<u8> {
    Message::Community(CommunityMessage {
        version: Version::V2c,
        community: Community::new(community),
        pdu: PduBody::Pdu(Pdu::request(PduType::TrapV2, RequestId(id), vec![])),
    })
    .encode()
}

fn trap(id: i64) -> Vec<u8> {
    community_trap("public", id)
}

fn sha_aes() -> Arc<Credentials> {
    Arc::new(test_util::sha_aes(
        "sha-aes",
        "sha-aes_authpass",
        "sha-aes_privpass",
    ))
}

/// A v3 authPriv trap from `engine` at (boots, time).
fn v3_trap(engine: &str, boots: u32, time: u32) -> Vec<u8> {
    let target = Target {
        addr: "127.0.0.1:162".parse().unwrap(),
        security: Security::Usm(Arc::new(UsmTarget {
            credentials: sha_aes(),
            level: SecurityLevel::AuthPriv,
            context_name: Vec::new(),
            context_engine_id: None,
            engine_id: Some(engine.parse().unwrap()),
            boots_time: Some((EngineBoots(boots), EngineTime(time))),
            key_extension: KeyExtensionPolicy::AsNamed,
        })),
        timeout: Duration::from_secs(1),
        retries: 0,
    };
    let mut engine = Engine::new(1);
    let pdu = PduBody::Pdu(Pdu::request(PduType::TrapV2, RequestId(1), vec![]));
    engine.send_trap(&target, pdu).unwrap();
    engine.poll_transmit().unwrap().payload
}

#[tokio::test]
async fn one_receiver_for_every_socket_and_its_policy_replaced_while_it_runs() {
    if std::net::UdpSocket::bind("[::1]:0").is_err() {
        eprintln!("skipping: no IPv6 loopback here");
        return;
    }
    const CONFIGURED: &str = "0x80001F880474622D7472617073";
    const LEARNED: &str = "0x80001F88046F746865722D73656E646572";
    let mut o = options();
    o.listen.push("[::1]:0".parse().unwrap());
    o.access.learn_engine_ids = true;
    o.access.users = vec![
        TrapUser {
            credentials: sha_aes(),
            engine_id: Some(CONFIGURED.parse().unwrap()),
            min_level: None,
        },
        TrapUser {
            credentials: sha_aes(),
            engine_id: None,
            min_level: None,
        },
    ];
    let mut startup = Startup::default();
    let mut feed = startup.subscribe(100);
    let listener = Listener::spawn_with(o.clone(), startup).await.unwrap();
    let mut events = listener.events(100);
    let mut learned = listener.watch_learned();
    let (v4, v6) = (listener.local_addrs()[0], listener.local_addrs()[1]);
    let to_v4 = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let to_v6 = std::net::UdpSocket::bind("[::1]:0").unwrap();
    // One sender clock: a replay through the other socket is out of the window.
    to_v4.send_to(&v3_trap(CONFIGURED, 2, 1000), v4).unwrap();
    feed.recv().await.unwrap();
    to_v6.send_to(&v3_trap(CONFIGURED, 2, 700), v6).unwrap();
    let Some(ListenerEvent::Dropped { dropped, .. }) = events.recv().await else {
        panic!("a drop event")
    };
    assert_eq!(dropped.reason, DropReason::NotInTimeWindow);
    // An engine learned through one socket is known through the other, and after a
    // reload that stops learning.
    to_v6.send_to(&v3_trap(LEARNED, 1, 10), v6).unwrap();
    feed.recv().await.unwrap();
    learned.changed().await.unwrap();
    assert_eq!(listener.learned_engines().len(), 1);
    let mut access = o.access.clone();
    access.learn_engine_ids = false;
    access.communities = vec![community("private")];
    listener.set_access(access).await.unwrap();
    to_v4.send_to(&v3_trap(LEARNED, 1, 20), v4).unwrap();
    feed.recv().await.unwrap();
    // The new communities: "private" in, "public" out.
    to_v4.send_to(&community_trap("private", 7), v4).unwrap();
    assert_eq!(feed.recv().await.unwrap().request_id, RequestId(7));
    to_v6.send_to(&trap(8), v6).unwrap();
    let (stats, learned) = listener.shutdown_with_learned().await;
    assert_eq!(stats.accepted, 4, "{stats:?}");
    assert_eq!(stats.dropped(DropReason::NotInTimeWindow), 1);
    assert_eq!(stats.dropped(DropReason::UnknownCommunity), 1);
    assert_eq!(stats.learned_engines, 1);
    assert_eq!(learned[0].engine_id.to_string(), LEARNED);
    // Remembered at the next start: accepted with learning off.
    let mut o = o;
    o.access.learn_engine_ids = false;
    let mut startup = Startup::remembering(learned);
    let mut feed = startup.subscribe(10);
    let listener = Listener::spawn_with(o, startup).await.unwrap();
    to_v4
        .send_to(&v3_trap(LEARNED, 1, 30), listener.local_addrs()[0])
        .unwrap();
    assert!(feed.recv().await.is_some());
    assert_eq!(listener.shutdown().await.accepted, 1);
}

#[tokio::test]
async fn feeds_subscribers_counts_overflow_and_drains_at_shutdown() {
    let listener = Listener::spawn(options()).await.unwrap();
    assert!(listener.receive_buffers()[0] > 0);
    let addr = listener.local_addrs()[0];
    let mut big = listener.subscribe(1000);
    let small = listener.subscribe(2);
    let mut events = listener.events(10);
    let sender = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    for id in 1..=20 {
        sender.send_to(&trap(id), addr).unwrap();
    }
    sender.send_to(b"garbage", addr).unwrap();
    // Shut down at once: what the socket holds is still read.
    let stats = listener.shutdown().await;
    assert_eq!(stats.datagrams, 21);
    assert_eq!(stats.accepted, 20);
    let mut ids = Vec::new();
    while let Some(n) = big.recv().await {
        ids.push(n.request_id.0);
    }
    assert_eq!(ids, (1..=20).collect::<Vec<_>>());
    assert_eq!(small.overflow(), 18);
    assert!(matches!(
        events.recv().await,
        Some(ListenerEvent::Dropped { .. })
    ));
}

#[test]
fn the_daemons_feed_is_there_before_the_first_datagram() {
    // Datagrams sent the moment the sockets are bound, before the caller could have
    // subscribed: every one reaches the feed that came with the start.
    let (background, mut feed) = BackgroundListener::start(options(), 100).unwrap();
    let addr = background.listener().local_addrs()[0];
    let sender = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    for id in 1..=10 {
        sender.send_to(&trap(id), addr).unwrap();
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let ids = runtime.block_on(async {
        let stats = background.shutdown().await;
        assert_eq!(stats.accepted, 10);
        let mut ids = Vec::new();
        while let Some(n) = feed.recv().await {
            ids.push(n.request_id.0);
        }
        ids
    });
    assert_eq!(ids, (1..=10).collect::<Vec<_>>());
}
