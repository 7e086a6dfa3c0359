//! Golden tests against conversations captured from Net-SNMP 5.9.3 (snmpget/snmpset/
//! snmpbulkget against the test bed snmpd, snmptrap/snmpinform to snmptrapd) through a
//! loopback proxy: tests/fixtures/usm/*.txt. Each message is verified and decrypted with our
//! code, and rebuilt by our code byte for byte (with Net-SNMP's msgID and salt).

use super::test_util::{Direction, Fixture, all_fixtures, fixture, user};
use super::*;
use crate::proto::ber::{DecodeError, Quirks, Reader};
use crate::proto::message::{Message, MsgFlags, MsgId, ScopedPduData, V3Message, Version};
use crate::proto::oid::Oid;
use crate::proto::pdu::{ErrorStatus, PduBody, PduType, RequestId, VarBind};
use crate::proto::value::Value;

fn oid(s: &str) -> Oid {
    s.parse().unwrap()
}

fn v3(bytes: &[u8]) -> V3Message {
    match Message::decode(bytes).unwrap().0 {
        Message::V3(m) => m,
        other => panic!("not v3: {other:?}"),
    }
}

fn usm_params(bytes: &[u8]) -> UsmSecurityParameters {
    UsmSecurityParameters::decode(&v3(bytes).security_parameters)
        .unwrap()
        .0
}

/// The salt counter that makes our next message use the salt `bytes` carries.
fn salt_for(f: &Fixture, bytes: &[u8]) -> SaltCounter {
    let params = usm_params(bytes);
    let p = params.priv_params;
    match p.len() {
        0 => SaltCounter::new(0),
        8 => SaltCounter::new(u64::from_be_bytes(p.try_into().unwrap())),
        n => panic!("{}: salt of {n} bytes", f.name),
    }
}

fn table_of(f: &Fixture) -> UserTable {
    let mut t = UserTable::new();
    t.insert(f.credentials());
    t
}

fn report_count(bytes: &[u8], creds: &mut Credentials) -> (UsmReport, u32) {
    let r = receive(bytes, creds).unwrap();
    let (report, count) = r.report().unwrap();
    (report, count.unwrap())
}

/// The four-datagram conversations (probe, report, request, response) of a Get, Set or
/// GetBulk, one per test bed user and algorithm.
#[test]
fn every_user_conversation() {
    let mut seen = 0;
    for f in all_fixtures() {
        if f.name.starts_with("fail-")
            || f.name.starts_with("trap-")
            || f.name.starts_with("inform-")
        {
            continue;
        }
        let name = f.name;
        let [
            (Direction::ToAgent, probe),
            (Direction::ToManager, report),
            (Direction::ToAgent, request),
            (Direction::ToManager, response),
        ] = &f.datagrams[..]
        else {
            panic!("{name}: not probe/report/request/response");
        };
        let mut creds = f.credentials();
        let mut table = table_of(&f);

        // Our discovery probe is Net-SNMP's, given the same msgID and request-id.
        let probe_msg = v3(probe);
        let ScopedPduData::Plaintext(probe_scoped) = &probe_msg.data else {
            panic!()
        };
        let PduBody::Pdu(probe_pdu) = &probe_scoped.pdu else {
            panic!()
        };
        assert_eq!(
            discovery_probe(probe_msg.msg_id, probe_pdu.request_id, probe_msg.max_size),
            *probe,
            "{name}: probe"
        );

        // The manager reads the discovery report.
        let discovered = receive(report, &mut creds).unwrap();
        assert_eq!(discovered.level, SecurityLevel::NoAuthNoPriv);
        assert_eq!(discovered.engine_id, f.engine_id, "{name}");
        let (kind, count) = report_count(report, &mut creds);
        assert_eq!(kind, UsmReport::UnknownEngineIds, "{name}");

        // Our agent answers the probe with the same report, byte for byte.
        let request_params = usm_params(request);
        let response_params = usm_params(response);
        let mut agent = LocalEngine::new(f.engine_id.clone(), discovered.boots, 0);
        agent.stats.unknown_engine_ids = count - 1;
        let rejected = agent
            .receive(probe, discovered.time, &mut table)
            .unwrap_err();
        assert!(
            matches!(rejected.error, UsmError::UnknownEngineId { .. }),
            "{name}: {}",
            rejected.error
        );
        assert_eq!(
            rejected.report.as_deref(),
            Some(&report[..]),
            "{name}: report"
        );

        // Our agent accepts the request: HMAC verified, PDU decrypted.
        let mut agent = LocalEngine::new(f.engine_id.clone(), discovered.boots, 0);
        let accepted = agent
            .receive(request, request_params.time, &mut table)
            .unwrap_or_else(|r| panic!("{name}: {}", r.error));
        assert_eq!(Some(accepted.level), f.level, "{name}");
        assert_eq!(accepted.user, f.user);
        let kind = accepted.scoped_pdu.pdu.kind();
        assert!(
            matches!(
                kind,
                PduType::GetRequest | PduType::SetRequest | PduType::GetBulkRequest
            ),
            "{name}: {kind:?}"
        );

        // Our manager builds the same request, given Net-SNMP's msgID and salt.
        let keys = creds.keys_for(&f.engine_id).unwrap();
        let request_msg = v3(request);
        let ours = encode(
            &Outgoing {
                msg_id: request_msg.msg_id,
                max_size: request_msg.max_size,
                reportable: true,
                level: accepted.level,
                engine_id: &f.engine_id,
                boots: request_params.boots,
                time: request_params.time,
                user: &f.user,
                keys: Some(&keys),
                scoped_pdu: &accepted.scoped_pdu,
            },
            &mut salt_for(&f, request),
        )
        .unwrap();
        assert_eq!(ours, *request, "{name}: request");

        // The manager verifies and decrypts the response.
        let answer = receive(response, &mut creds).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(answer.level, accepted.level, "{name}");
        assert_eq!(answer.msg_id, request_msg.msg_id);
        let PduBody::Pdu(pdu) = &answer.scoped_pdu.pdu else {
            panic!()
        };
        assert_eq!(pdu.kind, PduType::Response, "{name}");
        assert_eq!(pdu.error_status, ErrorStatus::NoError, "{name}");
        match name {
            "set-sha256-aes192" => assert_eq!(
                pdu.varbinds,
                vec![VarBind::new(
                    oid("1.3.6.1.2.1.1.6.0"),
                    Value::OctetString(b"usm-golden".to_vec())
                )]
            ),
            "bulk-sha512-aes256c" => {
                assert_eq!(pdu.varbinds.len(), 5);
                assert_eq!(
                    pdu.varbinds[4].value,
                    Value::OctetString(b"tb-agent".to_vec())
                );
            }
            "ro-sha-aes" => assert_eq!(
                pdu.varbinds,
                vec![VarBind::new(oid("1.3.6.1.2.1.2.1.0"), Value::Integer(4))]
            ),
            _ => assert_eq!(
                pdu.varbinds,
                vec![VarBind::new(
                    oid("1.3.6.1.2.1.1.5.0"),
                    Value::OctetString(b"tb-agent".to_vec())
                )],
                "{name}"
            ),
        }

        // Our agent builds the same response, given Net-SNMP's salt.
        let mut agent = LocalEngine::new(f.engine_id.clone(), response_params.boots, 0);
        agent.salt = salt_for(&f, response);
        let ours = agent
            .respond(
                &accepted,
                response_params.time,
                answer.scoped_pdu.pdu.clone(),
            )
            .unwrap();
        assert_eq!(ours, *response, "{name}: response");
        seen += 1;
    }
    assert_eq!(seen, 46);
}

#[test]
fn wrong_auth_passphrase() {
    let f = fixture("fail-wrong-auth");
    let request = f.sent(Direction::ToAgent).nth(1).unwrap();
    let report = f.sent(Direction::ToManager).nth(1).unwrap();
    // The agent's real user: the right pass phrases.
    let mut real = UserTable::new();
    real.insert(user(
        &f.user.to_string(),
        (AuthProtocol::Sha1, "sha-aes_authpass"),
        Some((PrivProtocol::Aes128, "sha-aes_privpass")),
    ));
    let params = usm_params(request);
    let mut agent = LocalEngine::new(f.engine_id.clone(), params.boots, 0);
    let (kind, count) = report_count(report, &mut f.credentials());
    assert_eq!(kind, UsmReport::WrongDigests);
    agent.stats.wrong_digests = count - 1;
    let rejected = agent.receive(request, params.time, &mut real).unwrap_err();
    assert!(
        matches!(&rejected.error, UsmError::WrongDigest { user, .. } if *user == f.user),
        "{}",
        rejected.error
    );
    let text = rejected.error.to_string();
    assert!(
        text.contains("-a/-A") && text.contains("'sha-aes'"),
        "{text}"
    );
    assert_eq!(rejected.report.as_deref(), Some(report), "report");
    assert_eq!(agent.stats.wrong_digests, count);
    // With the (wrong) pass phrase the client used, the request is fine.
    let mut agent = LocalEngine::new(f.engine_id.clone(), params.boots, 0);
    agent
        .receive(request, params.time, &mut table_of(&f))
        .unwrap();
}

#[test]
fn report_classification_of_net_snmp_reports() {
    for (name, expected, level) in [
        (
            "fail-wrong-auth",
            UsmReport::WrongDigests,
            SecurityLevel::NoAuthNoPriv,
        ),
        (
            "fail-unknown-user",
            UsmReport::UnknownUserNames,
            SecurityLevel::NoAuthNoPriv,
        ),
        (
            "fail-unsupported-level",
            UsmReport::UnsupportedSecLevels,
            SecurityLevel::NoAuthNoPriv,
        ),
        (
            "fail-not-in-time-window",
            UsmReport::NotInTimeWindows,
            SecurityLevel::AuthNoPriv,
        ),
    ] {
        let f = fixture(name);
        let mut creds = f.credentials();
        let reports: Vec<Received> = f
            .sent(Direction::ToManager)
            .map(|b| receive(b, &mut creds).unwrap())
            .filter(|r| {
                r.report()
                    .is_some_and(|(k, _)| k != UsmReport::UnknownEngineIds)
            })
            .collect();
        assert_eq!(reports.len(), 1, "{name}");
        assert_eq!(reports[0].report().unwrap().0, expected, "{name}");
        assert_eq!(reports[0].level, level, "{name}");
        assert!(!expected.explain(&f.user).is_empty());
    }
}

/// The agent side of each failure, compared with what Net-SNMP's agent sent.
#[test]
fn our_agent_reports_like_net_snmp() {
    // Unknown user.
    let f = fixture("fail-unknown-user");
    let request = f.sent(Direction::ToAgent).nth(1).unwrap();
    let report = f.sent(Direction::ToManager).nth(1).unwrap();
    let p = usm_params(request);
    let (_, count) = report_count(report, &mut f.credentials());
    let mut agent = LocalEngine::new(f.engine_id.clone(), p.boots, 0);
    agent.stats.unknown_user_names = count - 1;
    let rejected = agent
        .receive(request, p.time, &mut UserTable::new())
        .unwrap_err();
    assert!(matches!(rejected.error, UsmError::UnknownUser { .. }));
    assert_eq!(
        rejected.report.as_deref(),
        Some(report),
        "unknown user report"
    );

    // Unsupported security level: user md5 (authNoPriv) asked for authPriv.
    let f = fixture("fail-unsupported-level");
    let request = f.sent(Direction::ToAgent).nth(1).unwrap();
    let report = f.sent(Direction::ToManager).nth(1).unwrap();
    let p = usm_params(request);
    let (_, count) = report_count(report, &mut f.credentials());
    let mut users = UserTable::new();
    users.insert(user("md5", (AuthProtocol::Md5, "md5_authpass"), None));
    let mut agent = LocalEngine::new(f.engine_id.clone(), p.boots, 0);
    agent.stats.unsupported_sec_levels = count - 1;
    let rejected = agent.receive(request, p.time, &mut users).unwrap_err();
    assert!(matches!(
        rejected.error,
        UsmError::UnsupportedSecurityLevel {
            requested: SecurityLevel::AuthPriv,
            supported: SecurityLevel::AuthNoPriv,
            ..
        }
    ));
    assert_eq!(
        rejected.report.as_deref(),
        Some(report),
        "unsupported level report"
    );

    // Not in time window: snmpget -Z 1,1 sent boots 1 time 1; the agent is later.
    let f = fixture("fail-not-in-time-window");
    let datagrams: Vec<&[u8]> = f.datagrams.iter().map(|(_, b)| &b[..]).collect();
    let (stale, report, retry, response) = (datagrams[0], datagrams[1], datagrams[2], datagrams[3]);
    let rp = usm_params(report);
    let sp = usm_params(stale);
    assert!(!time::in_authoritative_window(
        rp.boots, rp.time, sp.boots, sp.time
    ));
    let mut creds = f.credentials();
    let reported = receive(report, &mut creds).unwrap();
    assert_eq!(reported.level, SecurityLevel::AuthNoPriv);
    let (kind, count) = reported.report().map(|(k, c)| (k, c.unwrap())).unwrap();
    assert_eq!(kind, UsmReport::NotInTimeWindows);
    let mut agent = LocalEngine::new(f.engine_id.clone(), rp.boots, 0);
    agent.stats.not_in_time_windows = count - 1;
    let rejected = agent
        .receive(stale, rp.time, &mut table_of(&f))
        .unwrap_err();
    assert!(
        matches!(rejected.error, UsmError::NotInTimeWindow { .. }),
        "{}",
        rejected.error
    );
    assert_eq!(
        rejected.report.as_deref(),
        Some(report),
        "time window report"
    );
    // The manager resynchronises from the authenticated report and the retry is in time.
    let now = std::time::Instant::now();
    let mut remote = RemoteEngine::new(f.engine_id.clone(), EngineBoots(1), EngineTime(1), now);
    assert!(remote.observe(reported.boots, reported.time, now).is_ok());
    assert_eq!(remote.time_at(now), reported.time);
    let retry_params = usm_params(retry);
    assert_eq!(
        (retry_params.boots, retry_params.time),
        (reported.boots, reported.time)
    );
    agent.receive(retry, rp.time, &mut table_of(&f)).unwrap();
    receive(response, &mut creds).unwrap();
}

#[test]
fn wrong_privacy_passphrase() {
    // Net-SNMP's agent stays silent here; ours reports usmStatsDecryptionErrors.
    let f = fixture("fail-wrong-priv");
    let request = f.sent(Direction::ToAgent).nth(1).unwrap();
    let p = usm_params(request);
    let mut real = UserTable::new();
    real.insert(user(
        &f.user.to_string(),
        (AuthProtocol::Sha1, "sha-aes_authpass"),
        Some((PrivProtocol::Aes128, "sha-aes_privpass")),
    ));
    let mut agent = LocalEngine::new(f.engine_id.clone(), p.boots, 0);
    let rejected = agent.receive(request, p.time, &mut real).unwrap_err();
    assert!(
        matches!(
            &rejected.error,
            UsmError::DecryptionFailed {
                protocol: PrivProtocol::Aes128,
                ..
            }
        ),
        "{}",
        rejected.error
    );
    assert!(rejected.error.to_string().contains("-x/-X"));
    let report = rejected.report.expect("a report");
    let got = receive(&report, &mut f.credentials()).unwrap();
    assert_eq!(got.report(), Some((UsmReport::DecryptionErrors, Some(1))));
    assert_eq!(agent.stats.decryption_errors, 1);
}

/// `-x AES-192` against a user configured `AES-192-C`: the Blumenthal-extended key cannot
/// decrypt what needs the Reeder one, and switching the extension fixes it.
#[test]
fn wrong_key_extension_and_the_other_one() {
    let f = fixture("fail-wrong-extension");
    let request = f.sent(Direction::ToAgent).nth(1).unwrap();
    let p = usm_params(request);
    let client = f.credentials();
    assert_eq!(client.privacy_protocol(), Some(&PrivProtocol::Aes192));
    let agent_user = client
        .with_privacy_protocol(PrivProtocol::Aes192Cisco)
        .unwrap();
    let mut users = UserTable::new();
    users.insert(agent_user);
    let mut agent = LocalEngine::new(f.engine_id.clone(), p.boots, 0);
    let rejected = agent.receive(request, p.time, &mut users).unwrap_err();
    let text = rejected.error.to_string();
    assert!(text.contains("try -x AES-192)"), "{text}");
    let mut agent = LocalEngine::new(f.engine_id.clone(), p.boots, 0);
    let ok = agent.receive(request, p.time, &mut table_of(&f)).unwrap();
    assert_eq!(ok.scoped_pdu.pdu.kind(), PduType::GetRequest);
}

/// v3 traps from snmptrap, sender engine tb-traps: the receiver is non-authoritative and
/// localizes the user's keys to the sender's engine id.
#[test]
fn v3_traps_from_snmptrap() {
    for name in ["trap-sha-aes", "trap-md5-des", "trap-sha512-aes256c"] {
        let f = fixture(name);
        let trap = f.sent(Direction::Notification).next().unwrap();
        let got = receive(trap, &mut f.credentials()).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(got.engine_id, f.engine_id);
        assert_eq!(got.level, SecurityLevel::AuthPriv);
        assert!(!got.flags.reportable());
        let pdu = &got.scoped_pdu.pdu;
        assert_eq!(pdu.kind(), PduType::TrapV2, "{name}");
        assert_eq!(
            pdu.varbinds()[1],
            VarBind::new(
                oid("1.3.6.1.6.3.1.1.4.1.0"),
                Value::ObjectId(oid("1.3.6.1.6.3.1.1.5.3"))
            ),
            "{name}"
        );
        // A receiver that is authoritative for its own engine id accepts it only as a
        // notification from a foreign engine, and never answers with a report.
        let mut receiver = LocalEngine::new(
            "0x80001F880474622D7472617064".parse().unwrap(),
            EngineBoots(1),
            0,
        );
        let refused = receiver
            .receive(trap, EngineTime(5), &mut table_of(&f))
            .unwrap_err();
        assert!(matches!(refused.error, UsmError::UnknownEngineId { .. }));
        assert!(refused.report.is_none(), "traps are not reportable");
        receiver.foreign = ForeignEngineIds::AcceptNotifications;
        let got = receiver
            .receive(trap, EngineTime(5), &mut table_of(&f))
            .unwrap();
        assert_eq!(got.scoped_pdu.pdu.kind(), PduType::TrapV2);
    }
}

/// snmpinform to snmptrapd (engine tb-trapd, authoritative for informs): our receiver
/// answers discovery and the inform exactly as snmptrapd did.
#[test]
fn v3_inform_to_an_authoritative_receiver() {
    let f = fixture("inform-sha256-aes256");
    let [(_, probe), (_, report), (_, inform), (_, response)] = &f.datagrams[..] else {
        panic!()
    };
    let mut creds = f.credentials();
    let discovered = receive(report, &mut creds).unwrap();
    let (kind, count) = discovered.report().unwrap();
    assert_eq!(kind, UsmReport::UnknownEngineIds);
    let mut receiver = LocalEngine::new(f.engine_id.clone(), discovered.boots, 0);
    receiver.foreign = ForeignEngineIds::AcceptNotifications;
    receiver.stats.unknown_engine_ids = count.unwrap() - 1;
    let rejected = receiver
        .receive(probe, discovered.time, &mut table_of(&f))
        .unwrap_err();
    assert_eq!(rejected.report.as_deref(), Some(&report[..]));
    let ip = usm_params(inform);
    let accepted = receiver
        .receive(inform, ip.time, &mut table_of(&f))
        .unwrap();
    assert_eq!(accepted.scoped_pdu.pdu.kind(), PduType::InformRequest);
    let answer = receive(response, &mut creds).unwrap();
    assert_eq!(answer.scoped_pdu.pdu.kind(), PduType::Response);
    let rp = usm_params(response);
    receiver.salt = salt_for(&f, response);
    let ours = receiver
        .respond(&accepted, rp.time, answer.scoped_pdu.pdu.clone())
        .unwrap();
    assert_eq!(ours, *response);
}

#[test]
fn wrong_key_is_wrong_digest() {
    let f = fixture("sha512-aes256");
    let response = f.sent(Direction::ToManager).nth(1).unwrap();
    let mut wrong = user(
        &f.user.to_string(),
        (AuthProtocol::Sha512, "not the passphrase"),
        Some((PrivProtocol::Aes256, "sha512-aes256_privpass")),
    );
    let err = receive(response, &mut wrong).unwrap_err();
    assert!(
        matches!(
            err,
            UsmError::WrongDigest {
                reason: AuthError::WrongDigest,
                ..
            }
        ),
        "{err}"
    );
    // The right pass phrase with the wrong protocol: the HMAC length already differs.
    let mut wrong_protocol = user(
        &f.user.to_string(),
        (AuthProtocol::Sha256, "sha512-aes256_authpass"),
        Some((PrivProtocol::Aes256, "sha512-aes256_privpass")),
    );
    let err = receive(response, &mut wrong_protocol).unwrap_err();
    assert!(
        matches!(
            err,
            UsmError::WrongDigest {
                reason: AuthError::WrongLength { .. },
                ..
            }
        ),
        "{err}"
    );
    // A user we do not have.
    let mut other = Credentials::no_auth(UserName::new("someone-else"));
    assert!(matches!(
        receive(response, &mut other),
        Err(UsmError::UnknownUser { .. })
    ));
    // Keys without privacy for an authPriv message.
    let mut auth_only = user(
        &f.user.to_string(),
        (AuthProtocol::Sha512, "sha512-aes256_authpass"),
        None,
    );
    assert!(matches!(
        receive(response, &mut auth_only),
        Err(UsmError::UnsupportedSecurityLevel { .. })
    ));
}

/// Any change to an authenticated message, and any truncation, is an error, never a panic.
#[test]
fn tampered_and_truncated_messages_are_errors() {
    for name in ["md5-des", "sha-aes", "sha256-aes192c", "sha384", "noauth"] {
        let f = fixture(name);
        let response = f.sent(Direction::ToManager).nth(1).unwrap();
        let mut creds = f.credentials();
        assert!(receive(response, &mut creds).is_ok());
        for n in 0..response.len() {
            assert!(
                receive(&response[..n], &mut creds).is_err(),
                "{name}: prefix {n}"
            );
        }
        if f.level == Some(SecurityLevel::NoAuthNoPriv) {
            continue;
        }
        let level = f.level.unwrap();
        for i in 0..response.len() {
            let mut bad = response.to_vec();
            bad[i] ^= 0x01;
            // Clearing the auth flag makes an unauthenticated message, which the level
            // check refuses.
            let outcome = receive(&bad, &mut creds).and_then(|r| r.check_level(level));
            assert!(outcome.is_err(), "{name}: byte {i} flipped");
        }
    }
    // Tampered ciphertext with a matching HMAC (an attacker with the auth key only):
    // decryption yields garbage, which is a DecryptionFailed error.
    let f = fixture("md5-des");
    let response = f.sent(Direction::ToManager).nth(1).unwrap();
    let keys = f.credentials().keys_for(&f.engine_id).unwrap();
    let (auth_protocol, auth_key) = keys.auth.clone().unwrap();
    let ScopedPduData::Encrypted(ct) = v3(response).data else {
        panic!()
    };
    let start = response.len() - ct.len();
    for cut in [0usize, 3, 8] {
        let mut bad = response.to_vec();
        bad[start] ^= 0xff;
        let mut bad_msg = v3(&bad);
        if let ScopedPduData::Encrypted(c) = &mut bad_msg.data {
            c.truncate(c.len() - cut);
        }
        let mut bytes = Message::V3(bad_msg.clone()).encode();
        let (_, _, layout) = Message::decode_with_layout(&bytes).unwrap();
        let q = std::cell::Cell::new(Quirks::default());
        let at = layout.unwrap().security_parameters_at;
        let (_, range) = UsmSecurityParameters::decode_from(
            &Reader::new(&bytes, &q),
            at,
            &bad_msg.security_parameters,
        )
        .unwrap();
        bytes[range.clone()].fill(0);
        auth_protocol
            .sign(auth_key.as_bytes(), &mut bytes, range)
            .unwrap();
        let err = receive(&bytes, &mut f.credentials()).unwrap_err();
        assert!(
            matches!(err, UsmError::DecryptionFailed { .. }),
            "cut {cut}: {err}"
        );
    }
}

#[test]
fn not_v3_and_bad_headers() {
    let v2c = hex_v2c();
    assert_eq!(
        receive(&v2c, &mut UserTable::new()).unwrap_err(),
        UsmError::NotV3(Version::V2c.name())
    );
    // A discovery probe with privacy but no authentication in msgFlags.
    let mut probe = discovery_probe(MsgId(1), RequestId(2), 1500);
    let flags_at = probe
        .windows(3)
        .position(|w| w == [0x04, 0x01, 0x04])
        .unwrap()
        + 2;
    probe[flags_at] = MsgFlags::PRIV | MsgFlags::REPORTABLE;
    assert_eq!(
        receive(&probe, &mut UserTable::new()).unwrap_err(),
        UsmError::InvalidFlags(0x06)
    );
    // Authenticated flag on a probe: the empty engine id is unknown.
    probe[flags_at] = MsgFlags::AUTH | MsgFlags::REPORTABLE;
    assert!(matches!(
        receive(&probe, &mut UserTable::new()).unwrap_err(),
        UsmError::UnknownEngineId { .. }
    ));
    // Privacy flag with a plaintext scoped PDU.
    probe[flags_at] = MsgFlags::AUTH | MsgFlags::PRIV;
    assert!(matches!(
        receive(&probe, &mut UserTable::new()).unwrap_err(),
        UsmError::Decode(DecodeError::Invalid {
            what: "msgData",
            ..
        })
    ));
}

fn hex_v2c() -> Vec<u8> {
    super::test_util::hex(
        "30 29 02 01 01 04 06 70 75 62 6c 69 63 a0 1c 02 04 35 94 cf 6e 02 01 00 02 01 00
         30 0e 30 0c 06 08 2b 06 01 02 01 01 05 00 05 00",
    )
}

/// Received messages carry their keys; their Debug output must not show them.
#[test]
fn received_debug_hides_keys() {
    let f = fixture("sha-aes256c");
    let response = f.sent(Direction::ToManager).nth(1).unwrap();
    let got = receive(response, &mut f.credentials()).unwrap();
    let keys = got.keys.clone().unwrap();
    let text = format!("{got:?}");
    let auth = keys.auth.as_ref().unwrap().1.as_bytes();
    let privacy = keys.privacy.as_ref().unwrap().1.as_bytes();
    for secret in [auth, privacy] {
        assert!(
            !text.contains(format!("{:?}", &secret[..6]).trim_end_matches(']')),
            "{text}"
        );
        let hex: String = secret.iter().map(|b| format!("{b:02x}")).collect();
        assert!(!text.to_lowercase().contains(&hex[..12]), "{text}");
    }
    assert!(!text.contains("_authpass") && !text.contains("_privpass"));
    assert!(text.contains("redacted"));
}

/// `inspect` shows header and security parameters of a message it cannot verify.
#[test]
fn inspect_without_keys() {
    let f = fixture("sha512-aes256");
    let request = f.sent(Direction::ToAgent).nth(1).unwrap();
    let i = inspect(request).unwrap();
    assert_eq!(i.level, SecurityLevel::AuthPriv);
    assert_eq!(i.params.user, f.user);
    assert_eq!(i.params.engine_id, f.engine_id);
    assert_eq!(i.auth_at.len(), 48);
    assert_eq!(request[i.auth_at.clone()], i.params.auth_params[..]);
    assert!(matches!(i.msg.data, ScopedPduData::Encrypted(_)));
}
