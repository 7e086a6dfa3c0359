//! The sans-IO agent driven by hand: v1/v2c answers, refusals and drops with their reasons,
//! every fault (loss, delay, duplicates, wrong ids, tooBig, restarts, non-increasing).

use std::time::Duration;

use std::num::NonZeroU64;

use super::*;
use crate::agent::faults::{NonIncreasing, Probability};
use crate::proto::ErrorStatus;
use crate::proto::{Oid, Value, VarBind};

const SNAPSHOT: &str = r#"
.1.3.6.1.2.1.1.1.0 STRING "test switch"
.1.3.6.1.2.1.1.3.0 Timeticks uptime
.1.3.6.1.2.1.1.5.0 STRING "sw1"
.1.3.6.1.2.1.2.2.1.10.1 Counter32 100 rate=10
.1.3.6.1.2.1.11.1.0 Counter32 0
.1.3.6.1.2.1.11.4.0 Counter32 0
.1.3.6.1.2.1.11.6.0 Counter32 0
"#;

fn oid(s: &str) -> Oid {
    s.parse().unwrap()
}

fn manager() -> SocketAddr {
    "127.0.0.1:50000".parse().unwrap()
}

fn agent(config: AgentConfig, t0: Instant) -> Agent {
    Agent::from_snapshot(
        &Snapshot::parse(SNAPSHOT, "t").unwrap(),
        &StoreOptions::default(),
        config,
        t0,
    )
}

fn get(version: Version, community: &str, id: i64, oids: &[&str]) -> Vec<u8> {
    let pdu = Pdu::request(
        PduType::GetRequest,
        RequestId(id),
        oids.iter().map(|o| VarBind::null(oid(o))).collect(),
    );
    community_message(version, &Community::new(community), pdu)
}

fn decode(t: &Transmit) -> (Version, Pdu) {
    match Message::decode(&t.payload).unwrap().0 {
        Message::Community(CommunityMessage {
            version,
            pdu: PduBody::Pdu(p),
            ..
        }) => (version, p),
        other => panic!("{other:?}"),
    }
}

#[test]
fn answers_v1_and_v2c_to_the_sender_in_kind() {
    let t0 = Instant::now();
    let mut a = agent(AgentConfig::default(), t0);
    for version in [Version::V1, Version::V2c] {
        let h = a.handle_datagram(
            t0,
            manager(),
            &get(version, "public", 42, &["1.3.6.1.2.1.1.5.0"]),
        );
        assert_eq!(h.transmits.len(), 1);
        let t = &h.transmits[0];
        assert_eq!((t.dest, t.send_at), (manager(), t0));
        let (v, p) = decode(t);
        assert_eq!(v, version);
        assert_eq!(p.request_id, RequestId(42));
        assert_eq!(p.varbinds[0].value, Value::OctetString(b"sw1".to_vec()));
        assert!(matches!(h.event, Event::Answered { copies: 1, .. }));
    }
    assert_eq!(a.stats().answered, 2);
}

#[test]
fn wrong_community_is_counted_not_answered_and_not_logged() {
    let t0 = Instant::now();
    let mut a = agent(AgentConfig::default(), t0);
    let h = a.handle_datagram(
        t0,
        manager(),
        &get(Version::V2c, "s3cret-guess", 1, &["1.3.6.1.2.1.1.5.0"]),
    );
    assert!(h.transmits.is_empty());
    assert_eq!(h.event, Event::Dropped(Dropped::BadCommunity(Version::V2c)));
    assert!(!h.event.to_string().contains("s3cret"));
    assert_eq!(a.stats().bad_community, 1);
    // snmpInBadCommunityNames and snmpInPkts are visible over SNMP.
    let h = a.handle_datagram(
        t0,
        manager(),
        &get(
            Version::V2c,
            "public",
            2,
            &["1.3.6.1.2.1.11.4.0", "1.3.6.1.2.1.11.1.0"],
        ),
    );
    let (_, p) = decode(&h.transmits[0]);
    assert_eq!(p.varbinds[0].value, Value::Counter32(1));
    assert_eq!(p.varbinds[1].value, Value::Counter32(2));
    // Community strings stay out of Debug output too.
    assert!(!format!("{:?}", a.config()).contains("private"));
}

#[test]
fn malformed_and_unsupported_datagrams_are_dropped_with_a_reason() {
    let t0 = Instant::now();
    let mut a = agent(AgentConfig::default(), t0);
    let h = a.handle_datagram(t0, manager(), b"\x30\x03\x02\x01");
    assert!(h.transmits.is_empty());
    let Event::Dropped(Dropped::Malformed(e)) = &h.event else {
        panic!("{:?}", h.event)
    };
    assert!(
        h.event
            .to_string()
            .starts_with("malformed datagram dropped: "),
        "{e}"
    );
    // A v1 GetBulk is not a v1 PDU.
    let bulk = community_message(
        Version::V1,
        &Community::new("public"),
        Pdu::get_bulk(RequestId(3), 0, 5, vec![VarBind::null(oid("1.3"))]),
    );
    let h = a.handle_datagram(t0, manager(), &bulk);
    assert_eq!(
        h.event,
        Event::Dropped(Dropped::NotARequest(Version::V1, PduType::GetBulkRequest))
    );
    // A Response sent to the agent.
    let resp = community_message(
        Version::V2c,
        &Community::new("public"),
        Pdu::request(PduType::Response, RequestId(4), vec![]),
    );
    assert!(a.handle_datagram(t0, manager(), &resp).transmits.is_empty());
    // v3 without `AgentConfig::usm` is not served.
    let v3 = [
        0x30, 0x3e, 0x02, 0x01, 0x03, 0x30, 0x11, 0x02, 0x04, 0x16, 0xf8, 0xa4, 0x34, 0x02, 0x03,
        0x00, 0xff, 0xe3, 0x04, 0x01, 0x04, 0x02, 0x01, 0x03, 0x04, 0x10, 0x30, 0x0e, 0x04, 0x00,
        0x02, 0x01, 0x00, 0x02, 0x01, 0x00, 0x04, 0x00, 0x04, 0x00, 0x04, 0x00, 0x30, 0x14, 0x04,
        0x00, 0x04, 0x00, 0xa0, 0x0e, 0x02, 0x04, 0x3f, 0xfd, 0xef, 0xcb, 0x02, 0x01, 0x00, 0x02,
        0x01, 0x00, 0x30, 0x00,
    ];
    let h = a.handle_datagram(t0, manager(), &v3);
    assert_eq!(h.event, Event::Dropped(Dropped::BadVersion(Version::V3)));
    let s = a.stats();
    assert_eq!(
        (s.malformed, s.not_requests, s.bad_version, s.answered),
        (1, 2, 1, 0)
    );
}

#[test]
fn garbage_never_panics() {
    let t0 = Instant::now();
    let mut a = agent(AgentConfig::default(), t0);
    let good = get(
        Version::V2c,
        "public",
        9,
        &["1.3.6.1.2.1.1.5.0", "1.3.6.1.2.1.1.1.0"],
    );
    let mut rng = SeededRng::new(99);
    for n in 0..good.len() {
        a.handle_datagram(t0, manager(), &good[..n]);
    }
    for _ in 0..20_000 {
        let h = a.handle_datagram(t0, manager(), &rng.mangle(&good));
        assert!(h.transmits.len() <= 1);
    }
    for len in [0usize, 1, 2, 100, 2000] {
        let noise: Vec<u8> = (0..len).map(|_| rng.next_u64() as u8).collect();
        a.handle_datagram(t0, manager(), &noise);
    }
}

#[test]
fn loss_is_seeded_and_about_the_asked_rate() {
    let t0 = Instant::now();
    let run = |seed: u64| {
        let config = AgentConfig {
            faults: Faults {
                loss: Probability::percent(20.0).unwrap(),
                ..Faults::default()
            },
            seed,
            ..AgentConfig::default()
        };
        let mut a = agent(config, t0);
        (0..1000)
            .map(|i| {
                a.handle_datagram(
                    t0,
                    manager(),
                    &get(Version::V2c, "public", i, &["1.3.6.1.2.1.1.5.0"]),
                )
                .transmits
                .is_empty()
            })
            .collect::<Vec<bool>>()
    };
    let a = run(5);
    assert_eq!(a, run(5));
    assert_ne!(a, run(6));
    let lost = a.iter().filter(|l| **l).count();
    assert!((150..250).contains(&lost), "{lost}");
}

#[test]
fn drop_every_nth() {
    let t0 = Instant::now();
    let config = AgentConfig {
        faults: Faults {
            drop_every: NonZeroU64::new(3),
            ..Faults::default()
        },
        ..AgentConfig::default()
    };
    let mut a = agent(config, t0);
    let answered: Vec<bool> = (0..9)
        .map(|i| {
            !a.handle_datagram(
                t0,
                manager(),
                &get(Version::V2c, "public", i, &["1.3.6.1.2.1.1.5.0"]),
            )
            .transmits
            .is_empty()
        })
        .collect();
    assert_eq!(
        answered,
        [true, true, false, true, true, false, true, true, false]
    );
}

#[test]
fn delay_jitter_duplicates_and_wrong_ids() {
    let t0 = Instant::now();
    let config = AgentConfig {
        faults: Faults {
            delay: Duration::from_millis(200),
            jitter: Duration::from_millis(50),
            duplicate: Probability::ALWAYS,
            wrong_request_id: Probability::percent(50.0).unwrap(),
            ..Faults::default()
        },
        ..AgentConfig::default()
    };
    let mut a = agent(config, t0);
    let mut wrong = 0;
    for id in 1..=200 {
        let h = a.handle_datagram(
            t0,
            manager(),
            &get(Version::V2c, "public", id, &["1.3.6.1.2.1.1.5.0"]),
        );
        assert_eq!(h.transmits.len(), 2);
        assert_eq!(h.transmits[0], h.transmits[1]);
        let at = h.transmits[0].send_at - t0;
        assert!(
            at >= Duration::from_millis(200) && at <= Duration::from_millis(250),
            "{at:?}"
        );
        let (_, p) = decode(&h.transmits[0]);
        if p.request_id != RequestId(id) {
            wrong += 1;
            assert!(p.request_id.0 > 0 && p.request_id.0 <= i64::from(i32::MAX));
            assert!((p.request_id.0 - id).abs() > 1000);
        }
    }
    assert!((70..130).contains(&wrong), "{wrong}");
    assert_eq!(a.stats().wrong_ids_sent, wrong);
    assert_eq!(a.stats().duplicates_sent, 200);
}

#[test]
fn too_big_fault_refuses_large_responses_even_for_get_bulk() {
    let t0 = Instant::now();
    let config = AgentConfig {
        faults: Faults {
            too_big_above: Some(120),
            ..Faults::default()
        },
        ..AgentConfig::default()
    };
    let mut a = agent(config, t0);
    let bulk = |n: u32| {
        community_message(
            Version::V2c,
            &Community::new("public"),
            Pdu::get_bulk(RequestId(5), 0, n, vec![VarBind::null(oid("1.3"))]),
        )
    };
    let (_, p) = decode(&a.handle_datagram(t0, manager(), &bulk(10)).transmits[0]);
    assert_eq!((p.error_status, p.varbinds.len()), (ErrorStatus::TooBig, 0));
    let (_, p) = decode(&a.handle_datagram(t0, manager(), &bulk(1)).transmits[0]);
    assert_eq!(
        (p.error_status, p.varbinds.len()),
        (ErrorStatus::NoError, 1)
    );
    assert_eq!(a.stats().too_big_faults, 1);
}

#[test]
fn max_message_size_truncates_bulk_and_refuses_get() {
    let t0 = Instant::now();
    let config = AgentConfig {
        max_message_size: MessageSize(120),
        ..AgentConfig::default()
    };
    let mut a = agent(config, t0);
    let bulk = community_message(
        Version::V2c,
        &Community::new("public"),
        Pdu::get_bulk(RequestId(5), 0, 10, vec![VarBind::null(oid("1.3"))]),
    );
    let t = &a.handle_datagram(t0, manager(), &bulk).transmits[0];
    assert!(t.payload.len() <= 120);
    let (_, p) = decode(t);
    assert_eq!(p.error_status, ErrorStatus::NoError);
    assert!(
        !p.varbinds.is_empty() && p.varbinds.len() < 7,
        "{}",
        p.varbinds.len()
    );
    let big_get = get(
        Version::V2c,
        "public",
        6,
        &[
            "1.3.6.1.2.1.1.1.0",
            "1.3.6.1.2.1.1.5.0",
            "1.3.6.1.2.1.1.3.0",
            "1.3.6.1.2.1.11.1.0",
        ]
        .repeat(2),
    );
    let (_, p) = decode(&a.handle_datagram(t0, manager(), &big_get).transmits[0]);
    assert_eq!(p.error_status, ErrorStatus::TooBig);
}

#[test]
fn restarts_by_request_count_and_by_time() {
    let t0 = Instant::now();
    let uptime = |a: &mut Agent, now: Instant| {
        let h = a.handle_datagram(
            now,
            manager(),
            &get(
                Version::V2c,
                "public",
                1,
                &["1.3.6.1.2.1.1.3.0", "1.3.6.1.2.1.2.2.1.10.1"],
            ),
        );
        let (_, p) = decode(&h.transmits[0]);
        (
            p.varbinds[0].value.clone(),
            p.varbinds[1].value.clone(),
            h.restarted,
        )
    };
    let config = AgentConfig {
        faults: Faults {
            restart: Some(RestartSchedule::AfterRequests(NonZeroU64::new(2).unwrap())),
            ..Faults::default()
        },
        ..AgentConfig::default()
    };
    let mut a = agent(config, t0);
    let t1 = t0 + Duration::from_secs(10);
    assert_eq!(uptime(&mut a, t1).0, Value::TimeTicks(1000));
    assert_eq!(uptime(&mut a, t1).1, Value::Counter32(200));
    // The second answer restarted the agent at t1.
    let t2 = t1 + Duration::from_secs(1);
    assert_eq!(
        uptime(&mut a, t2),
        (Value::TimeTicks(100), Value::Counter32(10), false)
    );
    assert_eq!(a.boots(), BootCount(2));

    let config = AgentConfig {
        faults: Faults {
            restart: Some(RestartSchedule::Every(Duration::from_secs(30))),
            ..Faults::default()
        },
        ..AgentConfig::default()
    };
    let mut a = agent(config, t0);
    assert_eq!(
        uptime(&mut a, t0 + Duration::from_secs(29)).0,
        Value::TimeTicks(2900)
    );
    // The restart happened at 30 s: one second of uptime and counting since.
    let (ticks, counter, restarted) = uptime(&mut a, t0 + Duration::from_secs(31));
    assert_eq!(
        (ticks, counter, restarted),
        (Value::TimeTicks(100), Value::Counter32(10), true)
    );
    assert_eq!(a.stats().restarts, 1);
    // Nobody asked for a while: the restarts at 60 s and 90 s both happened.
    let (ticks, _, restarted) = uptime(&mut a, t0 + Duration::from_secs(95));
    assert_eq!((ticks, restarted), (Value::TimeTicks(500), true));
    assert_eq!(a.boots(), BootCount(4));
    a.restart(t0 + Duration::from_secs(96));
    assert_eq!(a.boots(), BootCount(5));
}

#[test]
fn non_increasing_fault_reaches_get_next() {
    let t0 = Instant::now();
    let config = AgentConfig {
        faults: Faults {
            non_increasing: Some(NonIncreasing {
                from: oid("1.3.6.1.2.1.1.5.0"),
                back_to: None,
            }),
            ..Faults::default()
        },
        ..AgentConfig::default()
    };
    let mut a = agent(config, t0);
    let next = community_message(
        Version::V2c,
        &Community::new("public"),
        Pdu::request(
            PduType::GetNextRequest,
            RequestId(8),
            vec![VarBind::null(oid("1.3.6.1.2.1.1.3.0"))],
        ),
    );
    let (_, p) = decode(&a.handle_datagram(t0, manager(), &next).transmits[0]);
    assert_eq!(p.varbinds[0].oid, oid("1.3.6.1.2.1.1.3.0"));
}
