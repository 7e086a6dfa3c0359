//! Engine tests for SNMPv3 on a simulated clock: the engine against `usm::LocalEngine`
//! acting as the agent (discovery, resynchronisation, Reports explained, msgID matching).
use std::time::Duration;

use super::tests::{agent_addr, inform_varbinds, oid};
use super::*;
use crate::proto::pdu::{ErrorStatus, PduType};
use crate::proto::usm::{
    AuthProtocol, Credentials, EngineBoots, EngineId, EngineTime, LocalEngine, Passphrase,
    PrivProtocol, SecurityLevel, UserName, UserTable, UsmError, UsmReport,
};
use crate::proto::value::Value;

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
