//! Engine tests on a simulated clock: v1/v2c agents answered by hand, v3 agents by
//! `usm::LocalEngine`.
use std::time::Duration;

use super::*;
use crate::proto::message::Community;
use crate::proto::oid::Oid;
use crate::proto::pdu::{ErrorStatus, PduType};
use crate::proto::value::Value;

pub(super) fn target(retries: u32) -> Arc<Target> {
    Arc::new(Target {
        addr: "127.0.0.1:161".parse().unwrap(),
        security: Security::Community {
            version: Version::V2c,
            community: Community::new("public"),
        },
        timeout: Duration::from_secs(1),
        retries,
    })
}

pub(super) fn oid(s: &str) -> Oid {
    s.parse().unwrap()
}

/// Decodes a request the engine sent, as an agent would.
pub(super) fn request_of(t: &Transmit) -> Pdu {
    match Message::decode(&t.payload).unwrap().0 {
        Message::Community(CommunityMessage {
            pdu: PduBody::Pdu(p),
            ..
        }) => p,
        other => panic!("{other:?}"),
    }
}

pub(super) fn reply(to: &Pdu, status: ErrorStatus, index: i64, varbinds: Vec<VarBind>) -> Vec<u8> {
    Message::Community(CommunityMessage {
        version: Version::V2c,
        community: Community::new("public"),
        pdu: PduBody::Pdu(to.response(status, index, varbinds)),
    })
    .encode()
}

pub(super) fn agent_addr() -> SocketAddr {
    "127.0.0.1:161".parse().unwrap()
}

pub(super) fn answer_get(p: &Pdu) -> Vec<VarBind> {
    p.varbinds
        .iter()
        .map(|vb| {
            VarBind::new(
                vb.oid.clone(),
                Value::Integer(i64::from(vb.oid.arcs().last().copied().unwrap_or(0))),
            )
        })
        .collect()
}

#[test]
fn get_round_trip() {
    let now = Instant::now();
    let mut e = Engine::new(100);
    let op = e.start(
        now,
        target(0),
        Operation::Get(vec![oid("1.3.6.1.2.1.1.5.0")]),
    );
    let t = e.poll_transmit().unwrap();
    assert_eq!(t.dest, agent_addr());
    let req = request_of(&t);
    assert_eq!(req.kind, PduType::GetRequest);
    e.handle_datagram(
        now,
        agent_addr(),
        &reply(&req, ErrorStatus::NoError, 0, answer_get(&req)),
    );
    let ev = e.poll_event().unwrap();
    assert_eq!(ev.op, op);
    let r = ev.result.unwrap();
    assert_eq!(
        r.varbinds,
        vec![VarBind::new(oid("1.3.6.1.2.1.1.5.0"), Value::Integer(0))]
    );
    assert_eq!(e.pending(), 0);
    assert_eq!(e.poll_timeout(), None);
}

#[test]
fn retries_then_times_out() {
    let t0 = Instant::now();
    let mut e = Engine::new(1);
    e.start(t0, target(2), Operation::Get(vec![oid("1.3.6.1")]));
    let first = e.poll_transmit().unwrap();
    assert_eq!(e.poll_timeout(), Some(t0 + Duration::from_secs(1)));
    // Nothing happens before the deadline.
    e.handle_timeout(t0 + Duration::from_millis(999));
    assert!(e.poll_transmit().is_none());
    // Two retransmissions of the same bytes, one second apart.
    let t1 = t0 + Duration::from_secs(1);
    e.handle_timeout(t1);
    assert_eq!(e.poll_transmit().unwrap(), first);
    let t2 = t1 + Duration::from_secs(1);
    e.handle_timeout(t2);
    assert_eq!(e.poll_transmit().unwrap(), first);
    assert!(e.poll_event().is_none());
    e.handle_timeout(t2 + Duration::from_secs(1));
    let ev = e.poll_event().unwrap();
    assert_eq!(
        ev.result,
        Err(RequestError::Timeout {
            addr: agent_addr(),
            attempts: 3,
            hint: None
        })
    );
    assert_eq!(e.stats().retransmissions, 2);
    assert_eq!(e.stats().timeouts, 1);
}

#[test]
fn reply_after_retransmission_is_accepted_and_duplicates_ignored() {
    let t0 = Instant::now();
    let mut e = Engine::new(1);
    e.start(
        t0,
        target(3),
        Operation::Get(vec![oid("1.3.6.1.2.1.1.1.0")]),
    );
    let req = request_of(&e.poll_transmit().unwrap());
    e.handle_timeout(t0 + Duration::from_secs(1));
    assert!(e.poll_transmit().is_some());
    let bytes = reply(&req, ErrorStatus::NoError, 0, answer_get(&req));
    e.handle_datagram(t0, agent_addr(), &bytes);
    assert!(e.poll_event().unwrap().result.is_ok());
    // The agent answers the retransmission too: counted, not delivered.
    e.handle_datagram(t0, agent_addr(), &bytes);
    assert!(e.poll_event().is_none());
    assert_eq!(e.stats().unmatched, 1);
    assert_eq!(e.poll_timeout(), None);
}

#[test]
fn reply_from_another_address_is_dropped_and_counted() {
    let t0 = Instant::now();
    let mut e = Engine::new(1);
    e.start(
        t0,
        target(0),
        Operation::Get(vec![oid("1.3.6.1.2.1.1.1.0")]),
    );
    let req = request_of(&e.poll_transmit().unwrap());
    let bytes = reply(&req, ErrorStatus::NoError, 0, answer_get(&req));
    e.handle_datagram(t0, "127.0.0.2:161".parse().unwrap(), &bytes);
    e.handle_datagram(t0, "127.0.0.1:1161".parse().unwrap(), &bytes);
    assert!(e.poll_event().is_none());
    assert_eq!(e.stats().wrong_source, 2);
    // The right agent's reply still completes it; an IPv4-mapped source is the same host.
    e.handle_datagram(t0, "[::ffff:127.0.0.1]:161".parse().unwrap(), &bytes);
    assert!(e.poll_event().unwrap().result.is_ok());
}

#[test]
fn wrong_request_id_and_garbage_are_ignored() {
    let t0 = Instant::now();
    let mut e = Engine::new(1);
    e.start(
        t0,
        target(0),
        Operation::Get(vec![oid("1.3.6.1.2.1.1.1.0")]),
    );
    let mut req = request_of(&e.poll_transmit().unwrap());
    e.handle_datagram(t0, agent_addr(), b"\x30\x03garbage");
    let real_id = req.request_id;
    req.request_id = RequestId(real_id.0 + 1);
    e.handle_datagram(
        t0,
        agent_addr(),
        &reply(&req, ErrorStatus::NoError, 0, vec![]),
    );
    assert!(e.poll_event().is_none());
    assert_eq!(e.stats().malformed, 1);
    assert_eq!(e.stats().unmatched, 1);
}

#[test]
fn too_big_get_is_split_and_reassembled_in_order() {
    let t0 = Instant::now();
    let mut e = Engine::new(1);
    let oids: Vec<Oid> = (1..=5)
        .map(|i| oid(&format!("1.3.6.1.2.1.2.2.1.2.{i}")))
        .collect();
    e.start(t0, target(0), Operation::Get(oids.clone()));
    // The "agent" refuses anything with more than 2 varbinds.
    let mut served = 0;
    while let Some(t) = e.poll_transmit() {
        let req = request_of(&t);
        let bytes = if req.varbinds.len() > 2 {
            reply(&req, ErrorStatus::TooBig, 0, vec![])
        } else {
            served += 1;
            reply(&req, ErrorStatus::NoError, 0, answer_get(&req))
        };
        e.handle_datagram(t0, agent_addr(), &bytes);
    }
    let r = e.poll_event().unwrap().result.unwrap();
    let got: Vec<Oid> = r.varbinds.iter().map(|vb| vb.oid.clone()).collect();
    assert_eq!(got, oids);
    assert_eq!(served, 3);
    assert!(e.stats().too_big_recoveries >= 2);
}

#[test]
fn too_big_on_one_varbind_is_reported() {
    let t0 = Instant::now();
    let mut e = Engine::new(1);
    e.start(
        t0,
        target(0),
        Operation::Get(vec![oid("1.3.6.1.2.1.1.1.0")]),
    );
    let req = request_of(&e.poll_transmit().unwrap());
    e.handle_datagram(
        t0,
        agent_addr(),
        &reply(&req, ErrorStatus::TooBig, 0, req.varbinds.clone()),
    );
    let r = e.poll_event().unwrap().result.unwrap();
    assert_eq!(r.error_status, ErrorStatus::TooBig);
}

#[test]
fn too_big_bulk_retries_with_fewer_repetitions() {
    let t0 = Instant::now();
    let mut e = Engine::new(1);
    e.start(
        t0,
        target(0),
        Operation::GetBulk {
            non_repeaters: 0,
            max_repetitions: MaxRepetitions(50),
            oids: vec![oid("1.3.6.1.2.1.2.2")],
        },
    );
    let mut seen = vec![];
    while let Some(t) = e.poll_transmit() {
        let req = request_of(&t);
        seen.push(req.max_repetitions());
        let bytes = if req.max_repetitions() > 10 {
            reply(&req, ErrorStatus::TooBig, 0, vec![])
        } else {
            reply(&req, ErrorStatus::NoError, 0, answer_get(&req))
        };
        e.handle_datagram(t0, agent_addr(), &bytes);
    }
    assert_eq!(seen, vec![50, 25, 12, 6]);
    assert_eq!(
        e.poll_event().unwrap().result.unwrap().error_status,
        ErrorStatus::NoError
    );
}

#[test]
fn error_index_points_into_the_whole_request_after_a_split() {
    let t0 = Instant::now();
    let mut e = Engine::new(1);
    let oids: Vec<Oid> = (1..=4)
        .map(|i| oid(&format!("1.3.6.1.2.1.1.{i}.0")))
        .collect();
    e.start(t0, target(0), Operation::Get(oids));
    while let Some(t) = e.poll_transmit() {
        let req = request_of(&t);
        let bytes = if req.varbinds.len() > 2 {
            reply(&req, ErrorStatus::TooBig, 0, vec![])
        } else if req.varbinds[0].oid == oid("1.3.6.1.2.1.1.3.0") {
            // Second varbind of the second half: the whole request's fourth.
            reply(&req, ErrorStatus::NoSuchName, 2, req.varbinds.clone())
        } else {
            reply(&req, ErrorStatus::NoError, 0, answer_get(&req))
        };
        e.handle_datagram(t0, agent_addr(), &bytes);
    }
    let r = e.poll_event().unwrap().result.unwrap();
    assert_eq!(r.error_status, ErrorStatus::NoSuchName);
    assert_eq!(r.error_index, 4);
}

#[test]
fn bulk_on_v1_and_empty_requests_are_refused() {
    let t0 = Instant::now();
    let mut e = Engine::new(1);
    let v1 = Arc::new(Target {
        security: Security::Community {
            version: Version::V1,
            community: Community::new("public"),
        },
        ..(*target(0)).clone()
    });
    e.start(
        t0,
        v1,
        Operation::GetBulk {
            non_repeaters: 0,
            max_repetitions: MaxRepetitions(10),
            oids: vec![oid("1.3")],
        },
    );
    assert_eq!(e.poll_event().unwrap().result, Err(RequestError::BulkOnV1));
    e.start(t0, target(0), Operation::Get(vec![]));
    assert_eq!(e.poll_event().unwrap().result, Err(RequestError::Empty));
    // An OID BER cannot carry as written is never sent as another one (.3.1 as .2.41).
    e.start(t0, target(0), Operation::Get(vec![Oid::from([3, 1])]));
    assert!(matches!(
        e.poll_event().unwrap().result,
        Err(RequestError::BadOid { .. })
    ));
    e.start(
        t0,
        target(0),
        Operation::Set(vec![VarBind::new(
            oid("1.3.6.1.2.1.1.4.0"),
            crate::proto::Value::ObjectId(Oid::from([1, 40])),
        )]),
    );
    assert!(matches!(
        e.poll_event().unwrap().result,
        Err(RequestError::BadOid { .. })
    ));
    e.start(
        t0,
        target(0),
        Operation::GetBulk {
            non_repeaters: 0,
            max_repetitions: MaxRepetitions(1 << 31),
            oids: vec![oid("1.3")],
        },
    );
    assert_eq!(
        e.poll_event().unwrap().result,
        Err(RequestError::BulkOutOfRange {
            what: "max-repetitions",
            value: 1 << 31
        })
    );
    assert!(e.poll_transmit().is_none());
}

#[test]
fn request_ids_are_unique_and_positive() {
    let t0 = Instant::now();
    let mut e = Engine::new(u32::MAX - 2);
    let mut ids = std::collections::HashSet::new();
    for _ in 0..10 {
        e.start(t0, target(0), Operation::Get(vec![oid("1.3")]));
        let req = request_of(&e.poll_transmit().unwrap());
        assert!(req.request_id.0 > 0 && req.request_id.0 <= i64::from(i32::MAX));
        assert!(ids.insert(req.request_id));
    }
}

pub(super) fn inform_varbinds() -> Vec<VarBind> {
    vec![
        VarBind::new(oid("1.3.6.1.2.1.1.3.0"), Value::TimeTicks(654_321)),
        VarBind::new(
            oid("1.3.6.1.6.3.1.1.4.1.0"),
            Value::ObjectId(oid("1.3.6.1.6.3.1.1.5.4")),
        ),
        VarBind::new(oid("1.3.6.1.2.1.2.2.1.1.3"), Value::Integer(3)),
    ]
}

#[test]
fn inform_waits_for_its_response_and_is_never_split() {
    let now = Instant::now();
    let mut e = Engine::new(7);
    let op = e.start(now, target(1), Operation::Inform(inform_varbinds()));
    let t = e.poll_transmit().unwrap();
    let req = request_of(&t);
    assert_eq!(req.kind, PduType::InformRequest);
    assert_eq!(req.varbinds, inform_varbinds());
    // tooBig is an answer too: an inform is not cut in halves.
    e.handle_datagram(
        now,
        agent_addr(),
        &reply(&req, ErrorStatus::TooBig, 0, Vec::new()),
    );
    let ev = e.poll_event().unwrap();
    assert_eq!(ev.op, op);
    assert_eq!(ev.result.unwrap().error_status, ErrorStatus::TooBig);
    assert!(e.poll_transmit().is_none());
    // Acknowledged: the Response echoes the varbinds.
    e.start(now, target(1), Operation::Inform(inform_varbinds()));
    let req = request_of(&e.poll_transmit().unwrap());
    e.handle_datagram(
        now,
        agent_addr(),
        &reply(&req, ErrorStatus::NoError, 0, req.varbinds.clone()),
    );
    let r = e.poll_event().unwrap().result.unwrap();
    assert_eq!(r.varbinds, inform_varbinds());
    // Unacknowledged: retransmitted, then a timeout.
    e.start(now, target(1), Operation::Inform(inform_varbinds()));
    e.poll_transmit().unwrap();
    e.handle_timeout(now + Duration::from_secs(1));
    assert!(e.poll_transmit().is_some(), "retransmitted");
    e.handle_timeout(now + Duration::from_secs(2));
    let err = e.poll_event().unwrap().result.unwrap_err();
    assert!(
        matches!(err, RequestError::Timeout { attempts: 2, .. }),
        "{err}"
    );
}

#[test]
fn inform_on_v1_is_refused_and_traps_go_out_unanswered() {
    let now = Instant::now();
    let mut e = Engine::new(3);
    let v1 = Arc::new(Target {
        security: Security::Community {
            version: Version::V1,
            community: Community::new("public"),
        },
        ..(*target(0)).clone()
    });
    e.start(now, v1, Operation::Inform(inform_varbinds()));
    let err = e.poll_event().unwrap().result.unwrap_err();
    assert_eq!(err, RequestError::InformOnV1);
    let trap = Pdu::request(PduType::TrapV2, RequestId(9), inform_varbinds());
    e.send_trap(&target(0), PduBody::Pdu(trap.clone())).unwrap();
    let t = e.poll_transmit().unwrap();
    assert_eq!(t.dest, agent_addr());
    assert_eq!(request_of(&t), trap);
    assert!(e.poll_timeout().is_none(), "nothing waits for an answer");
    assert_eq!(e.pending(), 0);
}
