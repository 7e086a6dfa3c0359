//! The receiver core on a simulated clock: traps captured from Net-SNMP's snmptrap, and
//! our own engine as the sender of informs and v3 traps.
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use super::*;
use crate::proto::engine::{Engine, KeyExtensionPolicy, Operation, Security, Target, UsmTarget};
use crate::proto::message::Community;
use crate::proto::pdu::{GenericTrap, TrapV1};
use crate::proto::usm::test_util::{self, Direction, fixture};
use crate::proto::usm::{Credentials, EngineBoots, EngineTime, Passphrase, PrivProtocol};
use crate::proto::{Oid, Value, VarBind};
use crate::traps::access::{CommunityRule, TrapUser};
use crate::traps::notification::SNMP_TRAP_ADDRESS_0;

const SENDER: &str = "0x80001F880474622D7472617073";
const RECEIVER: &str = "0x80001F880474622D7472617064";

fn oid(s: &str) -> Oid {
    s.parse().unwrap()
}

fn from() -> SocketAddr {
    "127.0.0.1:40000".parse().unwrap()
}

fn sha_aes(pass_suffix: &str) -> Credentials {
    test_util::sha_aes(
        "sha-aes",
        &format!("sha-aes_authpass{pass_suffix}"),
        &format!("sha-aes_privpass{pass_suffix}"),
    )
}

fn user(credentials: Credentials, engine_id: Option<&str>) -> TrapUser {
    TrapUser {
        credentials: Arc::new(credentials),
        engine_id: engine_id.map(|e| e.parse().unwrap()),
        min_level: None,
    }
}

fn receiver(access: Access, now: Instant) -> Receiver {
    Receiver::new(
        access,
        LocalIdentity {
            engine_id: RECEIVER.parse().unwrap(),
            boots: EngineBoots(3),
            salt_seed: 1,
        },
        now,
    )
}

fn public() -> Access {
    Access {
        communities: vec![CommunityRule {
            community: Community::new("public"),
            label: "#1".into(),
            networks: vec!["127.0.0.0/8".parse().unwrap()],
        }],
        ..Access::default()
    }
}

fn varbinds(trap: &str) -> Vec<VarBind> {
    vec![
        VarBind::new(oid("1.3.6.1.2.1.1.3.0"), Value::TimeTicks(654_321)),
        VarBind::new(oid("1.3.6.1.6.3.1.1.4.1.0"), Value::ObjectId(oid(trap))),
        VarBind::new(oid("1.3.6.1.2.1.2.2.1.1.3"), Value::Integer(3)),
    ]
}

fn community_message(version: Version, community: &str, pdu: PduBody) -> Vec<u8> {
    Message::Community(CommunityMessage {
        version,
        community: Community::new(community),
        pdu,
    })
    .encode()
}

fn handle(r: &mut Receiver, now: Instant, bytes: &[u8]) -> Handled {
    r.handle_datagram(now, SystemTime::now(), from(), None, bytes)
}

#[test]
fn v1_trap_is_translated_per_rfc3584() {
    let now = Instant::now();
    let mut r = receiver(public(), now);
    let trap = TrapV1 {
        enterprise: oid("1.3.6.1.4.1.8072.3.2.10"),
        agent_addr: [127, 0, 0, 1],
        generic_trap: GenericTrap::LinkDown,
        specific_trap: 0,
        time_stamp: 123_456,
        varbinds: vec![VarBind::new(
            oid("1.3.6.1.2.1.2.2.1.1.3"),
            Value::Integer(3),
        )],
    };
    let h = handle(
        &mut r,
        now,
        &community_message(Version::V1, "public", PduBody::TrapV1(trap)),
    );
    let n = h.notification.expect("accepted");
    assert!(h.reply.is_none());
    assert_eq!(n.kind, NotificationKind::TrapV1);
    assert_eq!(n.trap_oid, oid("1.3.6.1.6.3.1.1.5.3"));
    assert_eq!(n.uptime, Some(123_456));
    assert_eq!(
        n.security,
        NotificationSecurity::Community { label: "#1".into() }
    );
    assert!(
        n.varbinds
            .iter()
            .any(|vb| vb.oid.arcs() == SNMP_TRAP_ADDRESS_0)
    );
    assert_eq!(n.payload().len(), 3);
    assert_eq!(n.v1.unwrap().generic_trap, GenericTrap::LinkDown);
}

#[test]
fn v2c_inform_is_acknowledged_with_its_request_id_and_varbinds() {
    let now = Instant::now();
    let mut r = receiver(public(), now);
    let inform = Pdu::request(
        PduType::InformRequest,
        RequestId(4242),
        varbinds("1.3.6.1.6.3.1.1.5.4"),
    );
    let h = handle(
        &mut r,
        now,
        &community_message(Version::V2c, "public", PduBody::Pdu(inform.clone())),
    );
    let n = h.notification.unwrap();
    assert_eq!(n.kind, NotificationKind::Inform);
    assert_eq!(n.request_id, RequestId(4242));
    assert_eq!(n.trap_oid, oid("1.3.6.1.6.3.1.1.5.4"));
    let (Message::Community(reply), _) = Message::decode(&h.reply.unwrap()).unwrap() else {
        panic!()
    };
    assert_eq!(reply.community, Community::new("public"));
    let PduBody::Pdu(response) = reply.pdu else {
        panic!()
    };
    assert_eq!(response.kind, PduType::Response);
    assert_eq!(response.request_id, RequestId(4242));
    assert_eq!(response.varbinds, inform.varbinds);
    assert_eq!(r.stats().acknowledged, 1);
}

#[test]
fn refusals_are_counted_by_reason() {
    let now = Instant::now();
    let mut r = receiver(public(), now);
    let trap = PduBody::Pdu(Pdu::request(
        PduType::TrapV2,
        RequestId(1),
        varbinds("1.3.6.1.6.3.1.1.5.3"),
    ));
    let wrong = community_message(Version::V2c, "private", trap.clone());
    assert_eq!(
        handle(&mut r, now, &wrong).dropped.unwrap().reason,
        DropReason::UnknownCommunity
    );
    // The right community from outside its network.
    let far: SocketAddr = "198.51.100.7:162".parse().unwrap();
    let right = community_message(Version::V2c, "public", trap.clone());
    let h = r.handle_datagram(now, SystemTime::now(), far, None, &right);
    assert_eq!(h.dropped.unwrap().reason, DropReason::UnknownCommunity);
    // Garbage, a truncated message, a Get, an empty datagram.
    for bad in [
        &b"\x30\x03\x02\x01"[..],
        &right[..right.len() - 3],
        b"",
        b"\xff",
    ] {
        assert_eq!(
            handle(&mut r, now, bad).dropped.unwrap().reason,
            DropReason::Malformed
        );
    }
    let get = community_message(
        Version::V2c,
        "public",
        PduBody::Pdu(Pdu::request(PduType::GetRequest, RequestId(2), vec![])),
    );
    let h = handle(&mut r, now, &get);
    assert_eq!(h.dropped.unwrap().reason, DropReason::NotANotification);
    assert!(h.reply.is_none());
    let stats = r.stats();
    assert_eq!(stats.dropped(DropReason::UnknownCommunity), 2);
    assert_eq!(stats.dropped(DropReason::Malformed), 4);
    assert_eq!(stats.dropped(DropReason::NotANotification), 1);
    assert_eq!(stats.accepted, 0);
    assert_eq!(stats.datagrams, 7);
    // --accept-any-community takes it.
    let mut any = receiver(
        Access {
            accept_any_community: true,
            ..Access::default()
        },
        now,
    );
    let n = handle(&mut any, now, &wrong).notification.unwrap();
    assert_eq!(
        n.security,
        NotificationSecurity::Community {
            label: "any".into()
        }
    );
}

#[test]
fn v3_traps_from_snmptrap_need_the_user_keyed_to_the_sender_engine() {
    let now = Instant::now();
    let f = fixture("trap-sha-aes");
    let trap = f.sent(Direction::Notification).next().unwrap();
    let with = |users: Vec<TrapUser>, learn: bool| {
        receiver(
            Access {
                users,
                learn_engine_ids: learn,
                ..Access::default()
            },
            now,
        )
    };
    // Keyed to the sender: accepted, named as snmptrapd names it.
    let mut r = with(vec![user(sha_aes(""), Some(SENDER))], false);
    let h = handle(&mut r, now, trap);
    let n = h.notification.expect("accepted");
    assert!(h.reply.is_none());
    assert_eq!(n.trap_oid, oid("1.3.6.1.6.3.1.1.5.3"));
    let NotificationSecurity::Usm {
        user: name,
        level,
        engine_id,
        ..
    } = &n.security
    else {
        panic!()
    };
    assert_eq!(
        (name.to_string().as_str(), *level),
        ("sha-aes", SecurityLevel::AuthPriv)
    );
    assert_eq!(engine_id.to_string(), SENDER);
    // Keyed to our own engine only: unknown engine id, unless learning.
    let mut r = with(vec![user(sha_aes(""), None)], false);
    assert_eq!(
        handle(&mut r, now, trap).dropped.unwrap().reason,
        DropReason::UnknownEngineId
    );
    let mut r = with(vec![user(sha_aes(""), None)], true);
    let h = handle(&mut r, now, trap);
    assert!(h.notification.is_some());
    assert_eq!(h.learned.unwrap().0.to_string(), SENDER);
    let h = handle(&mut r, now, trap);
    assert!(
        h.notification.is_some() && h.learned.is_none(),
        "learned once"
    );
    assert_eq!(r.stats().learned_engines, 1);
    // Wrong pass phrases: wrong digest; right auth, wrong privacy: decryption failure.
    let mut r = with(vec![user(sha_aes("x"), Some(SENDER))], false);
    assert_eq!(
        handle(&mut r, now, trap).dropped.unwrap().reason,
        DropReason::WrongDigest
    );
    let half = Credentials::from_passphrases(
        UserName::new("sha-aes"),
        Some((
            "SHA".parse().unwrap(),
            Passphrase::new("a", "sha-aes_authpass").unwrap(),
        )),
        Some((
            PrivProtocol::ALL[1].clone(),
            Passphrase::new("p", "sha-aes_privpassx").unwrap(),
        )),
    )
    .unwrap();
    let mut r = with(vec![user(half, Some(SENDER))], false);
    assert_eq!(
        handle(&mut r, now, trap).dropped.unwrap().reason,
        DropReason::DecryptionFailure
    );
    // Several keys for one name (another pool's pass phrase first): the one that verifies.
    let mut r = with(
        vec![
            user(sha_aes("x"), Some(SENDER)),
            user(sha_aes(""), Some(SENDER)),
        ],
        false,
    );
    assert!(handle(&mut r, now, trap).notification.is_some());
    // No such user.
    let mut r = with(vec![], false);
    assert_eq!(
        handle(&mut r, now, trap).dropped.unwrap().reason,
        DropReason::UnknownUser
    );
}

#[test]
fn learned_engines_are_listed_remembered_and_survive_a_policy_change() {
    let now = Instant::now();
    let f = fixture("trap-sha-aes");
    let trap = f.sent(Direction::Notification).next().unwrap();
    let learning = |users: Vec<TrapUser>| Access {
        users,
        learn_engine_ids: true,
        ..Access::default()
    };
    let mut r = receiver(learning(vec![user(sha_aes(""), None)]), now);
    assert!(handle(&mut r, now, trap).learned.is_some());
    let learned = r.learned_engines();
    assert_eq!(
        learned,
        vec![LearnedEngine {
            engine_id: SENDER.parse().unwrap(),
            user: UserName::new("sha-aes"),
        }]
    );
    // A restart: remembered, so accepted without learning it again.
    let mut restarted = receiver(learning(vec![user(sha_aes(""), None)]), now);
    restarted.remember(learned.clone());
    let h = handle(&mut restarted, now, trap);
    assert!(h.notification.is_some() && h.learned.is_none(), "{h:?}");
    assert_eq!(restarted.stats().learned_engines, 0);
    // A reload with other pass phrases for the user: the learned engine is tried with the
    // new keys (wrong digest), and with the right ones again once they are back.
    let policy = |users| Policy::new(learning(users), &RECEIVER.parse().unwrap());
    assert!(
        restarted
            .set_policy(policy(vec![user(sha_aes("x"), None)]))
            .is_ok()
    );
    assert_eq!(
        handle(&mut restarted, now, trap).dropped.unwrap().reason,
        DropReason::WrongDigest
    );
    assert!(
        restarted
            .set_policy(policy(vec![user(sha_aes(""), None)]))
            .is_ok()
    );
    let h = handle(&mut restarted, now, trap);
    assert!(h.notification.is_some() && h.learned.is_none(), "{h:?}");
    assert_eq!(restarted.learned_engines(), learned);
    // Learning turned off (trust on first use is over): the learned engine is still
    // accepted, a new one is not.
    let off = || {
        let mut a = learning(vec![user(sha_aes(""), None)]);
        a.learn_engine_ids = false;
        Policy::new(a, &RECEIVER.parse().unwrap())
    };
    assert!(restarted.set_policy(off()).is_ok());
    assert!(handle(&mut restarted, now, trap).notification.is_some());
    let mut fresh = receiver(learning(vec![user(sha_aes(""), None)]), now);
    assert!(fresh.set_policy(off()).is_ok());
    assert_eq!(
        handle(&mut fresh, now, trap).dropped.unwrap().reason,
        DropReason::UnknownEngineId
    );
    // A policy for another engine id is refused: informs would not verify.
    let other = Policy::new(learning(vec![]), &SENDER.parse().unwrap());
    assert!(restarted.set_policy(other).is_err());
}

#[test]
fn sender_clocks_survive_a_policy_change() {
    let now = Instant::now();
    let access = || Access {
        users: vec![user(sha_aes(""), Some(SENDER))],
        ..Access::default()
    };
    let mut r = receiver(access(), now);
    let mut sender = Engine::new(1);
    let mut send = |boots, time| link_down(&mut sender, &from_sender_at(boots, time));
    let (fresh, replayed) = (send(2, 1000), send(2, 700));
    assert!(handle(&mut r, now, &fresh).notification.is_some());
    assert!(
        r.set_policy(Policy::new(access(), &RECEIVER.parse().unwrap()))
            .is_ok()
    );
    assert_eq!(
        handle(&mut r, now, &replayed).dropped.unwrap().reason,
        DropReason::NotInTimeWindow,
        "the sender's clock is still known after the reload"
    );
}

/// A linkDown SNMPv2-Trap as `sender` sends it to `target`.
fn link_down(sender: &mut Engine, target: &Target) -> Vec<u8> {
    let pdu = PduBody::Pdu(Pdu::request(
        PduType::TrapV2,
        RequestId(1),
        varbinds("1.3.6.1.6.3.1.1.5.3"),
    ));
    sender.send_trap(target, pdu).unwrap();
    sender.poll_transmit().unwrap().payload
}

/// The authPriv user's target from engine SENDER when its clock reads `boots`, `time`.
fn from_sender_at(boots: u32, time: u32) -> Target {
    usm_target(from(), Some(SENDER), Some((boots, time)))
}

fn usm_target(addr: SocketAddr, engine_id: Option<&str>, boots_time: Option<(u32, u32)>) -> Target {
    Target {
        addr,
        security: Security::Usm(Arc::new(UsmTarget {
            credentials: Arc::new(sha_aes("")),
            level: SecurityLevel::AuthPriv,
            context_name: Vec::new(),
            context_engine_id: None,
            engine_id: engine_id.map(|e| e.parse().unwrap()),
            boots_time: boots_time.map(|(b, t)| (EngineBoots(b), EngineTime(t))),
            key_extension: KeyExtensionPolicy::AsNamed,
        })),
        timeout: Duration::from_secs(1),
        retries: 1,
    }
}

#[test]
fn v3_inform_without_engine_id_is_discovered_and_acknowledged() {
    let t0 = Instant::now();
    let mut r = receiver(
        Access {
            users: vec![user(sha_aes(""), None)],
            ..Access::default()
        },
        t0,
    );
    let mut sender = Engine::new(9);
    let receiver_addr: SocketAddr = "127.0.0.1:162".parse().unwrap();
    let now = t0 + Duration::from_secs(30);
    sender.start(
        now,
        Arc::new(usm_target(receiver_addr, None, None)),
        Operation::Inform(varbinds("1.3.6.1.6.3.1.1.5.4")),
    );
    let mut notifications = Vec::new();
    for _ in 0..4 {
        while let Some(t) = sender.poll_transmit() {
            let h = r.handle_datagram(now, SystemTime::now(), from(), None, &t.payload);
            assert!(h.dropped.is_none(), "{:?}", h.dropped);
            notifications.extend(h.notification);
            if let Some(reply) = h.reply {
                sender.handle_datagram(now, receiver_addr, &reply);
            }
        }
    }
    let ev = sender.poll_event().expect("inform finished");
    let response = ev.result.expect("acknowledged");
    assert_eq!(response.varbinds, varbinds("1.3.6.1.6.3.1.1.5.4"));
    assert_eq!(notifications.len(), 1, "one inform, no retransmission");
    assert_eq!(notifications[0].kind, NotificationKind::Inform);
    let stats = r.stats();
    assert_eq!(
        (stats.discovery, stats.acknowledged, stats.informs),
        (1, 1, 1)
    );
    assert_eq!(sender.stats().retransmissions, 0);
}

#[test]
fn v3_traps_out_of_the_time_window_and_below_the_level_are_dropped() {
    let now = Instant::now();
    let mut r = receiver(
        Access {
            users: vec![user(sha_aes(""), Some(SENDER))],
            ..Access::default()
        },
        now,
    );
    let mut sender = Engine::new(1);
    let mut send = |boots, time| link_down(&mut sender, &from_sender_at(boots, time));
    let (fresh, older, stale, rebooted) = (send(2, 1000), send(2, 900), send(2, 700), send(3, 5));
    assert!(handle(&mut r, now, &fresh).notification.is_some());
    assert!(
        handle(&mut r, now, &older).notification.is_some(),
        "within 150 s"
    );
    assert_eq!(
        handle(&mut r, now, &stale).dropped.unwrap().reason,
        DropReason::NotInTimeWindow
    );
    assert!(handle(&mut r, now, &rebooted).notification.is_some());
    // A downgrade to noAuthNoPriv by an authPriv user.
    let noauth = Target {
        security: Security::Usm(Arc::new(UsmTarget {
            credentials: Arc::new(Credentials::no_auth(UserName::new("sha-aes"))),
            level: SecurityLevel::NoAuthNoPriv,
            context_name: Vec::new(),
            context_engine_id: None,
            engine_id: Some(SENDER.parse().unwrap()),
            boots_time: None,
            key_extension: KeyExtensionPolicy::AsNamed,
        })),
        ..usm_target(from(), None, None)
    };
    let downgraded = link_down(&mut sender, &noauth);
    assert_eq!(
        handle(&mut r, now, &downgraded).dropped.unwrap().reason,
        DropReason::UnsupportedSecurityLevel
    );
}

#[test]
fn v3_inform_with_a_wrong_engine_id_gets_a_report() {
    let now = Instant::now();
    let mut r = receiver(
        Access {
            users: vec![user(sha_aes(""), None)],
            ..Access::default()
        },
        now,
    );
    let mut sender = Engine::new(2);
    sender.start(
        now,
        Arc::new(usm_target(from(), Some(SENDER), None)),
        Operation::Inform(varbinds("1.3.6.1.6.3.1.1.5.4")),
    );
    let t = sender.poll_transmit().unwrap();
    let h = handle(&mut r, now, &t.payload);
    assert_eq!(h.dropped.unwrap().reason, DropReason::UnknownEngineId);
    let report = usm::receive(&h.reply.expect("a report"), &mut Given(vec![])).unwrap();
    assert_eq!(report.engine_id.to_string(), RECEIVER);
    assert_eq!(r.stats().reports, 1);
}

/// Bytes flipped, cut and extended in real notifications (v1, v2c, an inform, a v3 trap
/// from snmptrap): never a panic, every datagram either accepted, answered or dropped with
/// a reason, and the counters add up.
#[test]
fn mutated_datagrams_never_panic_and_are_all_accounted_for() {
    let now = Instant::now();
    let mut r = receiver(
        Access {
            users: vec![user(sha_aes(""), Some(SENDER)), user(sha_aes(""), None)],
            learn_engine_ids: true,
            ..public()
        },
        now,
    );
    let v1 = community_message(
        Version::V1,
        "public",
        PduBody::TrapV1(TrapV1 {
            enterprise: oid("1.3.6.1.4.1.8072.3.2.10"),
            agent_addr: [127, 0, 0, 1],
            generic_trap: GenericTrap::EnterpriseSpecific,
            specific_trap: 3,
            time_stamp: 1,
            varbinds: varbinds("1.3.6.1.6.3.1.1.5.3"),
        }),
    );
    let v2 = community_message(
        Version::V2c,
        "public",
        PduBody::Pdu(Pdu::request(
            PduType::InformRequest,
            RequestId(7),
            varbinds("1.3.6.1.6.3.1.1.5.4"),
        )),
    );
    let f = fixture("trap-sha-aes");
    let v3 = f.sent(Direction::Notification).next().unwrap().to_vec();
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut handled = 0u64;
    for seed in [&v1, &v2, &v3] {
        for _ in 0..3000 {
            let mut bytes = seed.clone();
            match next() % 4 {
                0 => {
                    let i = (next() as usize) % bytes.len();
                    bytes[i] ^= 1 << (next() % 8);
                }
                1 => bytes.truncate((next() as usize) % bytes.len()),
                2 => {
                    let i = (next() as usize) % bytes.len();
                    bytes[i] = next() as u8;
                    let j = (next() as usize) % bytes.len();
                    bytes[j] = 0xff;
                }
                _ => bytes.extend((0..next() % 16).map(|_| next() as u8)),
            }
            let h = handle(&mut r, now, &bytes);
            assert!(
                h.notification.is_some() || h.dropped.is_some() || h.reply.is_some(),
                "a datagram vanished: {bytes:02x?}"
            );
            handled += 1;
        }
    }
    let s = r.stats();
    assert_eq!(s.datagrams, handled);
    assert_eq!(
        s.accepted + s.dropped_total() + s.discovery,
        handled,
        "{s:?}"
    );
    assert!(s.dropped(DropReason::Malformed) > 1000, "{s:?}");
}
