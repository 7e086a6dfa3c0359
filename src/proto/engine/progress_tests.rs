//! Cancellation and progress events, on a simulated clock.
use std::time::Duration;

use super::tests::{agent_addr, answer_get, oid, reply, request_of, target};
use super::v3_tests::{Agent, run, sha_aes};
use super::*;
use crate::proto::oid::Oid;
use crate::proto::pdu::ErrorStatus;
use crate::proto::usm::UsmReport;

fn drain(e: &mut Engine) -> Vec<ProgressEvent> {
    std::iter::from_fn(|| e.poll_progress()).collect()
}

fn progress_of(e: &mut Engine, op: OpId) -> Vec<Progress> {
    drain(e)
        .into_iter()
        .filter(|p| p.op == op)
        .map(|p| p.progress)
        .collect()
}

/// Starts a 4-varbind Get (`observed` or not, no retries) and answers it tooBig: the engine
/// splits it in two.
fn get_split_by_too_big(e: &mut Engine, now: Instant, observed: bool) -> OpId {
    let oids: Vec<Oid> = (1..=4)
        .map(|i| oid(&format!("1.3.6.1.2.1.2.2.1.2.{i}")))
        .collect();
    let op = if observed {
        e.start_observed(now, target(0), Operation::Get(oids))
    } else {
        e.start(now, target(3), Operation::Get(oids))
    };
    let req = request_of(&e.poll_transmit().unwrap());
    e.handle_datagram(
        now,
        agent_addr(),
        &reply(&req, ErrorStatus::TooBig, 0, vec![]),
    );
    op
}

#[test]
fn a_cancelled_request_is_never_sent_again() {
    let t0 = Instant::now();
    let mut e = Engine::new(1);
    let op = e.start(
        t0,
        target(5),
        Operation::Get(vec![oid("1.3.6.1.2.1.1.1.0")]),
    );
    let req = request_of(&e.poll_transmit().unwrap());
    e.cancel(op);
    assert_eq!(e.pending(), 0);
    assert_eq!(e.poll_timeout(), None, "no retransmission left to time");
    e.handle_timeout(t0 + Duration::from_secs(30));
    assert!(e.poll_transmit().is_none());
    assert!(
        e.poll_event().is_none(),
        "a cancelled operation has no outcome"
    );
    // Its late reply is counted, not delivered.
    let bytes = reply(&req, ErrorStatus::NoError, 0, answer_get(&req));
    e.handle_datagram(t0, agent_addr(), &bytes);
    assert!(e.poll_event().is_none());
    assert_eq!(e.stats().unmatched, 1);
    assert_eq!(e.stats().retransmissions, 0);
    // Cancelling again, or an unknown id, changes nothing.
    e.cancel(op);
    e.cancel(OpId(999));
}

#[test]
fn cancelling_one_of_a_split_request_stops_every_part() {
    let t0 = Instant::now();
    let mut e = Engine::new(1);
    let op = get_split_by_too_big(&mut e, t0, false);
    assert_eq!(std::iter::from_fn(|| e.poll_transmit()).count(), 2);
    e.cancel(op);
    assert_eq!(e.poll_timeout(), None);
    e.handle_timeout(t0 + Duration::from_secs(30));
    assert!(e.poll_transmit().is_none());
}

#[test]
fn cancelling_while_waiting_for_discovery_stops_the_probe_once_nobody_waits() {
    let t0 = Instant::now();
    let mut e = Engine::new(5);
    let target = sha_aes();
    let a = e.start(
        t0,
        Arc::clone(&target),
        Operation::Get(vec![oid("1.3.6.1.2.1.1.5.0")]),
    );
    let b = e.start(
        t0,
        Arc::clone(&target),
        Operation::Get(vec![oid("1.3.6.1.2.1.1.6.0")]),
    );
    // One probe for both.
    assert!(e.poll_transmit().is_some());
    assert!(e.poll_transmit().is_none());
    e.cancel(a);
    // b still waits: the probe goes on.
    let deadline = e.poll_timeout().expect("discovery still timed");
    e.handle_timeout(deadline);
    assert!(e.poll_transmit().is_some(), "discovery retransmitted for b");
    e.cancel(b);
    assert_eq!(e.poll_timeout(), None);
    e.handle_timeout(deadline + Duration::from_secs(30));
    assert!(e.poll_transmit().is_none());
    assert!(e.poll_event().is_none());
    assert_eq!(e.pending(), 0);
}

#[test]
fn retries_are_reported_to_observed_operations_only() {
    let t0 = Instant::now();
    let mut e = Engine::new(1);
    let watched = e.start_observed(t0, target(2), Operation::Get(vec![oid("1.3.6.1")]));
    let quiet = e.start(t0, target(2), Operation::Get(vec![oid("1.3.6.2")]));
    while e.pending() > 0 {
        while e.poll_transmit().is_some() {}
        let now = e.poll_timeout().unwrap();
        e.handle_timeout(now);
    }
    let events = drain(&mut e);
    assert!(events.iter().all(|p| p.op == watched), "{events:?}");
    let steps: Vec<Progress> = events.into_iter().map(|p| p.progress).collect();
    assert_eq!(
        steps,
        vec![
            Progress::Sent {
                attempt: 1,
                attempts: 3
            },
            Progress::Sent {
                attempt: 2,
                attempts: 3
            },
            Progress::Sent {
                attempt: 3,
                attempts: 3
            },
        ]
    );
    assert_eq!(steps[1].to_string(), "no reply yet: retry 1/2");
    let outcomes: Vec<OpId> = std::iter::from_fn(|| e.poll_event())
        .map(|ev| ev.op)
        .collect();
    assert!(outcomes.contains(&watched) && outcomes.contains(&quiet));
}

#[test]
fn too_big_recovery_is_reported() {
    let t0 = Instant::now();
    let mut e = Engine::new(1);
    let op = get_split_by_too_big(&mut e, t0, true);
    assert_eq!(
        progress_of(&mut e, op),
        vec![
            Progress::Sent {
                attempt: 1,
                attempts: 1
            },
            Progress::TooBig(TooBigRecovery::Split { varbinds: 4 }),
            Progress::Sent {
                attempt: 1,
                attempts: 1
            },
            Progress::Sent {
                attempt: 1,
                attempts: 1
            },
        ]
    );
    let mut e = Engine::new(1);
    let bulk = e.start_observed(
        t0,
        target(0),
        Operation::GetBulk {
            non_repeaters: 0,
            max_repetitions: MaxRepetitions(20),
            oids: vec![oid("1.3.6.1.2.1.2")],
        },
    );
    let req = request_of(&e.poll_transmit().unwrap());
    e.handle_datagram(
        t0,
        agent_addr(),
        &reply(&req, ErrorStatus::TooBig, 0, vec![]),
    );
    assert_eq!(
        progress_of(&mut e, bulk),
        vec![
            Progress::Sent {
                attempt: 1,
                attempts: 1
            },
            Progress::TooBig(TooBigRecovery::FewerRepetitions {
                max_repetitions: MaxRepetitions(10)
            }),
            Progress::Sent {
                attempt: 1,
                attempts: 1
            },
        ]
    );
}

#[test]
fn discovery_and_resynchronisation_are_reported() {
    let t0 = Instant::now();
    let mut agent = Agent::new(t0);
    let mut e = Engine::new(5);
    let target = sha_aes();
    let op = e.start_observed(
        t0,
        Arc::clone(&target),
        Operation::Get(vec![oid("1.3.6.1.2.1.1.5.0")]),
    );
    run(&mut e, t0, |t, b| agent.answer(t, b)).unwrap();
    assert_eq!(
        progress_of(&mut e, op),
        vec![
            Progress::Discovering {
                attempt: 1,
                attempts: 2
            },
            Progress::Discovered {
                engine_id: agent.engine.engine_id.clone()
            },
            Progress::Sent {
                attempt: 1,
                attempts: 2
            },
        ]
    );
    let t1 = t0 + Duration::from_secs(60);
    agent.reboot(t1);
    let op = e.start_observed(
        t1,
        Arc::clone(&target),
        Operation::Get(vec![oid("1.3.6.1.2.1.1.5.0")]),
    );
    run(&mut e, t1, |t, b| agent.answer(t, b)).unwrap();
    assert_eq!(
        progress_of(&mut e, op),
        vec![
            Progress::Sent {
                attempt: 1,
                attempts: 2
            },
            Progress::Resynchronising {
                report: UsmReport::NotInTimeWindows
            },
            Progress::Sent {
                attempt: 1,
                attempts: 2
            },
        ]
    );
}
