//! Engine tests on a simulated clock: v1/v2c agents answered by hand, v3 agents by
//! `usm::LocalEngine`.
use super::*;
use crate::proto::message::Community;
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

fn inform_varbinds() -> Vec<VarBind> {
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

/// SNMPv3: the engine against `usm::LocalEngine` acting as the agent, on a simulated clock.
pub(super) mod v3 {
    use super::*;
    use crate::proto::usm::{
        AuthProtocol, Credentials, EngineBoots, EngineId, EngineTime, LocalEngine, Passphrase,
        PrivProtocol, SecurityLevel, UserName, UserTable, UsmError, UsmReport,
    };

    pub(crate) struct Agent {
        pub(crate) engine: LocalEngine,
        users: UserTable,
        started: Instant,
        /// Net-SNMP drops what it cannot decrypt instead of reporting it.
        silent_on_decryption_error: bool,
        answered: u32,
    }

    impl Agent {
        pub(crate) fn new(now: Instant) -> Agent {
            let mut users = UserTable::new();
            users.insert(creds(
                "sha-aes",
                Some(("SHA", "sha-aes_authpass")),
                Some(("AES", "sha-aes_privpass")),
            ));
            users.insert(creds("md5", Some(("MD5", "md5_authpass")), None));
            users.insert(creds(
                "sha-aes192c",
                Some(("SHA", "sha-aes192c_authpass")),
                Some(("AES-192-C", "sha-aes192c_privpass")),
            ));
            users.insert(Credentials::no_auth(UserName::new("noauth")));
            Agent {
                engine: LocalEngine::new(
                    EngineId::new(b"\x80\x00\x1f\x88\x04sim-agent".to_vec()),
                    EngineBoots(7),
                    99,
                ),
                users,
                started: now,
                silent_on_decryption_error: true,
                answered: 0,
            }
        }

        fn time(&self, now: Instant) -> EngineTime {
            EngineTime(u32::try_from(now.duration_since(self.started).as_secs()).unwrap() + 1000)
        }

        pub(crate) fn reboot(&mut self, now: Instant) {
            self.engine.reboot();
            self.started = now + Duration::from_secs(1000);
        }

        pub(crate) fn answer(&mut self, now: Instant, bytes: &[u8]) -> Option<Vec<u8>> {
            let time = self.time(now);
            match self.engine.receive(bytes, time, &mut self.users) {
                Ok(req) => {
                    let PduBody::Pdu(p) = &req.scoped_pdu.pdu else {
                        return None;
                    };
                    let varbinds = p
                        .varbinds
                        .iter()
                        .map(|vb| {
                            VarBind::new(vb.oid.clone(), Value::OctetString(b"v3 value".to_vec()))
                        })
                        .collect();
                    let response = p.response(ErrorStatus::NoError, 0, varbinds);
                    self.answered += 1;
                    Some(
                        self.engine
                            .respond(&req, time, PduBody::Pdu(response))
                            .unwrap(),
                    )
                }
                Err(rejected) => {
                    if self.silent_on_decryption_error
                        && matches!(rejected.error, UsmError::DecryptionFailed { .. })
                    {
                        return None;
                    }
                    rejected.report
                }
            }
        }
    }

    fn creds(user: &str, auth: Option<(&str, &str)>, privacy: Option<(&str, &str)>) -> Credentials {
        Credentials::from_passphrases(
            UserName::new(user),
            auth.map(|(p, k)| {
                (
                    p.parse::<AuthProtocol>().unwrap(),
                    Passphrase::new("auth", k).unwrap(),
                )
            }),
            privacy.map(|(p, k)| {
                (
                    p.parse::<PrivProtocol>().unwrap(),
                    Passphrase::new("priv", k).unwrap(),
                )
            }),
        )
        .unwrap()
    }

    fn target_with(
        credentials: Credentials,
        level: SecurityLevel,
        key_extension: KeyExtensionPolicy,
    ) -> Arc<Target> {
        Arc::new(Target {
            addr: agent_addr(),
            security: Security::Usm(Arc::new(UsmTarget {
                credentials: Arc::new(credentials),
                level,
                context_name: Vec::new(),
                context_engine_id: None,
                engine_id: None,
                boots_time: None,
                key_extension,
            })),
            timeout: Duration::from_secs(1),
            retries: 1,
        })
    }

    pub(crate) fn sha_aes() -> Arc<Target> {
        target_with(
            creds(
                "sha-aes",
                Some(("SHA", "sha-aes_authpass")),
                Some(("AES", "sha-aes_privpass")),
            ),
            SecurityLevel::AuthPriv,
            KeyExtensionPolicy::AsNamed,
        )
    }

    /// Carries datagrams both ways until the operation finishes, firing timeouts as the
    /// simulated clock reaches them; `answer` plays the agent (`None`: no reply).
    pub(crate) fn run(
        e: &mut Engine,
        now: Instant,
        mut answer: impl FnMut(Instant, &[u8]) -> Option<Vec<u8>>,
    ) -> Result<Response, RequestError> {
        let mut now = now;
        for _ in 0..100 {
            while let Some(t) = e.poll_transmit() {
                if let Some(reply) = answer(now, &t.payload) {
                    e.handle_datagram(now, agent_addr(), &reply);
                }
            }
            if let Some(ev) = e.poll_event() {
                return ev.result;
            }
            now = e.poll_timeout().expect("engine waits for nothing");
            e.handle_timeout(now);
        }
        panic!("operation did not finish");
    }

    fn get(
        e: &mut Engine,
        agent: &mut Agent,
        now: Instant,
        target: &Arc<Target>,
    ) -> Result<Response, RequestError> {
        e.start(
            now,
            Arc::clone(target),
            Operation::Get(vec![oid("1.3.6.1.2.1.1.5.0")]),
        );
        run(e, now, |t, bytes| agent.answer(t, bytes))
    }

    #[test]
    fn discovers_once_then_gets_at_auth_priv() {
        let t0 = Instant::now();
        let mut agent = Agent::new(t0);
        let mut e = Engine::new(5);
        let target = sha_aes();
        let r = get(&mut e, &mut agent, t0, &target).unwrap();
        assert_eq!(
            r.varbinds[0].value,
            Value::OctetString(b"v3 value".to_vec())
        );
        // A second request to the same agent needs no discovery.
        get(&mut e, &mut agent, t0 + Duration::from_secs(5), &target).unwrap();
        assert_eq!(e.stats().discoveries, 1);
        assert_eq!(agent.answered, 2);
        for level_target in [
            target_with(
                creds("md5", Some(("MD5", "md5_authpass")), None),
                SecurityLevel::AuthNoPriv,
                KeyExtensionPolicy::AsNamed,
            ),
            target_with(
                Credentials::no_auth(UserName::new("noauth")),
                SecurityLevel::NoAuthNoPriv,
                KeyExtensionPolicy::AsNamed,
            ),
        ] {
            assert!(get(&mut e, &mut agent, t0, &level_target).is_ok());
        }
    }

    #[test]
    fn agent_reboot_is_resynchronised() {
        let t0 = Instant::now();
        let mut agent = Agent::new(t0);
        let mut e = Engine::new(5);
        let target = sha_aes();
        get(&mut e, &mut agent, t0, &target).unwrap();
        let t1 = t0 + Duration::from_secs(60);
        agent.reboot(t1);
        // Our notion of boots/time is stale: the agent reports notInTimeWindows
        // (authenticated), we take its boots/time and resend, once.
        let r = get(&mut e, &mut agent, t1, &target);
        assert!(r.is_ok(), "{r:?}");
        assert_eq!(e.stats().time_resyncs, 1);
        assert_eq!(e.stats().timeouts, 0);
    }

    #[test]
    fn reports_become_explanations() {
        let t0 = Instant::now();
        let cases: Vec<(Arc<Target>, UsmReport, &str)> = vec![
            (
                target_with(
                    creds(
                        "sha-aes",
                        Some(("SHA", "wrong-passphrase")),
                        Some(("AES", "sha-aes_privpass")),
                    ),
                    SecurityLevel::AuthPriv,
                    KeyExtensionPolicy::AsNamed,
                ),
                UsmReport::WrongDigests,
                "-a/-A",
            ),
            (
                target_with(
                    creds("nobody", Some(("SHA", "whatever-pass")), None),
                    SecurityLevel::AuthNoPriv,
                    KeyExtensionPolicy::AsNamed,
                ),
                UsmReport::UnknownUserNames,
                "no user 'nobody'",
            ),
            (
                target_with(
                    creds(
                        "md5",
                        Some(("MD5", "md5_authpass")),
                        Some(("DES", "md5_privpass")),
                    ),
                    SecurityLevel::AuthPriv,
                    KeyExtensionPolicy::AsNamed,
                ),
                UsmReport::UnsupportedSecLevels,
                "-l",
            ),
        ];
        for (target, want, needle) in cases {
            let mut agent = Agent::new(t0);
            let mut e = Engine::new(5);
            match get(&mut e, &mut agent, t0, &target) {
                Err(RequestError::Report {
                    report,
                    explanation,
                }) => {
                    assert_eq!(report, want);
                    assert!(explanation.contains(needle), "{explanation}");
                }
                other => panic!("{want:?}: {other:?}"),
            }
        }
    }

    #[test]
    fn wrong_privacy_passphrase_explained_whether_reported_or_silent() {
        let t0 = Instant::now();
        let target = target_with(
            creds(
                "sha-aes",
                Some(("SHA", "sha-aes_authpass")),
                Some(("AES", "not-the-privpass")),
            ),
            SecurityLevel::AuthPriv,
            KeyExtensionPolicy::AsNamed,
        );
        // A Net-SNMP-like agent stays silent: a timeout with a hint.
        let mut agent = Agent::new(t0);
        let mut e = Engine::new(5);
        match get(&mut e, &mut agent, t0, &target) {
            Err(RequestError::Timeout {
                hint: Some(hint), ..
            }) => {
                let text = hint.to_string();
                assert!(text.contains("answered engine discovery"), "{text}");
                assert!(text.contains("-x/-X"), "{text}");
            }
            other => panic!("{other:?}"),
        }
        // An agent that reports decryption errors.
        let mut agent = Agent::new(t0);
        agent.silent_on_decryption_error = false;
        let mut e = Engine::new(5);
        match get(&mut e, &mut agent, t0, &target) {
            Err(RequestError::Report {
                report: UsmReport::DecryptionErrors,
                explanation,
            }) => {
                assert!(explanation.contains("-x/-X"), "{explanation}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn aes_key_extension_auto_finds_the_other_one() {
        let t0 = Instant::now();
        // The agent's user has AES-192-C (Reeder); we say AES-192 (Blumenthal).
        let mine = || {
            creds(
                "sha-aes192c",
                Some(("SHA", "sha-aes192c_authpass")),
                Some(("AES-192", "sha-aes192c_privpass")),
            )
        };
        let mut agent = Agent::new(t0);
        let mut e = Engine::new(5);
        let as_named = target_with(mine(), SecurityLevel::AuthPriv, KeyExtensionPolicy::AsNamed);
        match get(&mut e, &mut agent, t0, &as_named) {
            Err(RequestError::Timeout { hint: Some(h), .. }) => {
                assert!(h.to_string().contains("AES-192-C"), "{h}");
            }
            other => panic!("{other:?}"),
        }
        let auto = target_with(mine(), SecurityLevel::AuthPriv, KeyExtensionPolicy::Auto);
        let r = get(&mut e, &mut agent, t0, &auto).unwrap();
        assert_eq!(
            r.notices,
            vec![Notice::KeyExtension {
                tried: "AES-192".parse().unwrap(),
                worked: "AES-192-C".parse().unwrap()
            }]
        );
        // The engine remembers: the next request goes straight to the one that works.
        let sent_before = e.stats().requests_sent;
        let r = get(&mut e, &mut agent, t0, &auto).unwrap();
        assert!(r.notices.is_empty());
        assert_eq!(e.stats().requests_sent, sent_before + 1);
    }

    #[test]
    fn no_discovery_reply_is_explained() {
        let t0 = Instant::now();
        let mut e = Engine::new(5);
        e.start(
            t0,
            sha_aes(),
            Operation::Get(vec![oid("1.3.6.1.2.1.1.5.0")]),
        );
        let mut sent = 0;
        let result = run(&mut e, t0, |_, _| {
            sent += 1;
            None
        });
        assert!(
            matches!(
                result,
                Err(RequestError::Timeout {
                    hint: Some(TimeoutHint::NoDiscoveryReply),
                    attempts: 2,
                    ..
                })
            ),
            "{result:?}"
        );
        assert_eq!(sent, 2);
        assert_eq!(e.pending(), 0);
    }

    #[test]
    fn replies_that_fail_authentication_are_dropped_and_explained() {
        let t0 = Instant::now();
        let mut agent = Agent::new(t0);
        let mut e = Engine::new(5);
        e.start(
            t0,
            sha_aes(),
            Operation::Get(vec![oid("1.3.6.1.2.1.1.5.0")]),
        );
        let result = run(&mut e, t0, |t, bytes| {
            let mut reply = agent.answer(t, bytes)?;
            // Tamper with authenticated replies (not the discovery report).
            if reply.len() > 100 {
                let n = reply.len();
                reply[n - 1] ^= 0x01;
            }
            Some(reply)
        });
        assert!(
            matches!(
                result,
                Err(RequestError::Timeout {
                    hint: Some(TimeoutHint::RepliesFailedAuthentication { count: 2 }),
                    ..
                })
            ),
            "{result:?}"
        );
        assert_eq!(e.stats().security_failures, 2);
    }

    #[test]
    fn given_engine_id_skips_discovery_and_syncs_time_from_the_report() {
        let t0 = Instant::now();
        let mut agent = Agent::new(t0);
        let mut e = Engine::new(5);
        let target = Arc::new(Target {
            addr: agent_addr(),
            security: Security::Usm(Arc::new(UsmTarget {
                credentials: Arc::new(creds(
                    "sha-aes",
                    Some(("SHA", "sha-aes_authpass")),
                    Some(("AES", "sha-aes_privpass")),
                )),
                level: SecurityLevel::AuthPriv,
                context_name: Vec::new(),
                context_engine_id: None,
                engine_id: Some(agent.engine.engine_id.clone()),
                boots_time: None,
                key_extension: KeyExtensionPolicy::AsNamed,
            })),
            timeout: Duration::from_secs(1),
            retries: 0,
        });
        assert!(get(&mut e, &mut agent, t0, &target).is_ok());
        assert_eq!(e.stats().discoveries, 0);
        assert_eq!(e.stats().time_resyncs, 1);
    }

    #[test]
    fn a_request_that_cannot_be_secured_fails_with_the_usm_error() {
        let t0 = Instant::now();
        let mut agent = Agent::new(t0);
        let mut e = Engine::new(5);
        // authPriv asked for a user with no secrets: the request cannot be built.
        let target = target_with(
            Credentials::no_auth(UserName::new("noauth")),
            SecurityLevel::AuthPriv,
            KeyExtensionPolicy::AsNamed,
        );
        match get(&mut e, &mut agent, t0, &target) {
            Err(RequestError::Security(UsmError::MissingKeys { level, .. })) => {
                assert_eq!(level, SecurityLevel::AuthPriv);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn v3_replies_are_matched_by_msg_id_and_source() {
        let t0 = Instant::now();
        let mut agent = Agent::new(t0);
        let mut e = Engine::new(5);
        let target = sha_aes();
        get(&mut e, &mut agent, t0, &target).unwrap();
        e.start(
            t0,
            Arc::clone(&target),
            Operation::Get(vec![oid("1.3.6.1.2.1.1.5.0")]),
        );
        let first = e.poll_transmit().unwrap();
        let reply = agent.answer(t0, &first.payload).unwrap();
        // From elsewhere: dropped. Retransmitted (new msgID), then the answer to the first
        // transmission arrives: still accepted.
        e.handle_datagram(t0, "127.0.0.9:161".parse().unwrap(), &reply);
        assert_eq!(e.stats().wrong_source, 1);
        let t1 = t0 + Duration::from_secs(1);
        e.handle_timeout(t1);
        let second = e.poll_transmit().unwrap();
        assert_ne!(first.payload, second.payload);
        e.handle_datagram(t1, agent_addr(), &reply);
        assert!(e.poll_event().unwrap().result.is_ok());
        // And a duplicate of it is unmatched.
        e.handle_datagram(t1, agent_addr(), &reply);
        assert!(e.poll_event().is_none());
    }

    #[test]
    fn v3_inform_discovers_the_receiver_and_is_acknowledged() {
        let t0 = Instant::now();
        let mut receiver = Agent::new(t0);
        let mut e = Engine::new(11);
        e.start(t0, sha_aes(), Operation::Inform(inform_varbinds()));
        let r = run(&mut e, t0, |t, bytes| receiver.answer(t, bytes)).unwrap();
        assert_eq!(r.varbinds.len(), 3);
        assert_eq!(e.stats().discoveries, 1);
        assert_eq!(receiver.answered, 1);
    }

    #[test]
    fn v3_trap_is_authoritative_at_the_sender() {
        let sender: EngineId = "0x80001F880474622D7472617073".parse().unwrap();
        let credentials = creds(
            "sha-aes",
            Some(("SHA", "sha-aes_authpass")),
            Some(("AES", "sha-aes_privpass")),
        );
        let trap_target = |engine_id: Option<EngineId>| Target {
            addr: agent_addr(),
            security: Security::Usm(Arc::new(UsmTarget {
                credentials: Arc::new(credentials.clone()),
                level: SecurityLevel::AuthPriv,
                context_name: Vec::new(),
                context_engine_id: None,
                engine_id,
                boots_time: Some((EngineBoots(4), EngineTime(77))),
                key_extension: KeyExtensionPolicy::AsNamed,
            })),
            timeout: Duration::from_secs(1),
            retries: 0,
        };
        let mut e = Engine::new(1);
        let pdu = PduBody::Pdu(Pdu::request(
            PduType::TrapV2,
            RequestId(5),
            inform_varbinds(),
        ));
        assert_eq!(
            e.send_trap(&trap_target(None), pdu.clone()),
            Err(RequestError::NoSenderEngineId)
        );
        e.send_trap(&trap_target(Some(sender.clone())), pdu.clone())
            .unwrap();
        let t = e.poll_transmit().unwrap();
        // A receiver holding the user localized to the sender's engine id accepts it.
        let mut users = UserTable::new();
        users.insert(credentials.clone());
        let got = crate::proto::usm::receive(&t.payload, &mut users).unwrap();
        assert_eq!(got.engine_id, sender);
        assert_eq!((got.boots, got.time), (EngineBoots(4), EngineTime(77)));
        assert!(!got.flags.reportable());
        assert_eq!(got.scoped_pdu.pdu, pdu);
        assert_eq!(got.scoped_pdu.context_engine_id, sender.as_bytes());
    }
}
