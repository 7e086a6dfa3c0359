//! The trap receiver's core per datagram (`Receiver::handle_datagram`), the hot path of
//! `mibscope traps`: an SNMPv2c trap, an SNMPv3 authPriv (SHA/AES-128) trap from a sender
//! engine the user is configured for, the same from an engine learned at the first message,
//! and a malformed datagram. No sockets: bytes in, a notification out.

use std::hint::black_box;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use mibscope::proto::engine::{Engine, KeyExtensionPolicy, Security, Target, UsmTarget};
use mibscope::proto::message::CommunityMessage;
use mibscope::proto::usm::{
    Credentials, EngineBoots, EngineId, EngineTime, Passphrase, SecurityLevel, UserName,
};
use mibscope::proto::{
    Community, Message, Oid, Pdu, PduBody, PduType, RequestId, Value, VarBind, Version,
};
use mibscope::traps::{Access, CommunityRule, LocalIdentity, Receiver, TrapUser};

const SENDER: &str = "0x80001F880474622D7472617073";
const LEARNED: &str = "0x80001F88046C6561726E6564";

fn varbinds() -> Vec<VarBind> {
    let oid = |s: &str| s.parse::<Oid>().unwrap();
    vec![
        VarBind::new(oid("1.3.6.1.2.1.1.3.0"), Value::TimeTicks(654_321)),
        VarBind::new(
            oid("1.3.6.1.6.3.1.1.4.1.0"),
            Value::ObjectId(oid("1.3.6.1.6.3.1.1.5.3")),
        ),
        VarBind::new(oid("1.3.6.1.2.1.2.2.1.1.3"), Value::Integer(3)),
        VarBind::new(
            oid("1.3.6.1.2.1.2.2.1.2.3"),
            Value::OctetString(b"GigabitEthernet1/0/3".to_vec()),
        ),
    ]
}

fn credentials() -> Arc<Credentials> {
    let pass = |what, text: &str| Passphrase::new(what, text).unwrap();
    Arc::new(
        Credentials::from_passphrases(
            UserName::new("sha-aes"),
            Some(("SHA".parse().unwrap(), pass("auth", "sha-aes_authpass"))),
            Some(("AES".parse().unwrap(), pass("priv", "sha-aes_privpass"))),
        )
        .unwrap(),
    )
}

fn v2c_trap() -> Vec<u8> {
    Message::Community(CommunityMessage {
        version: Version::V2c,
        community: Community::new("public"),
        pdu: PduBody::Pdu(Pdu::request(PduType::TrapV2, RequestId(7), varbinds())),
    })
    .encode()
}

fn v3_trap(engine_id: &str) -> Vec<u8> {
    let target = Target {
        addr: "127.0.0.1:162".parse().unwrap(),
        security: Security::Usm(Arc::new(UsmTarget {
            credentials: credentials(),
            level: SecurityLevel::AuthPriv,
            context_name: Vec::new(),
            context_engine_id: None,
            engine_id: Some(engine_id.parse().unwrap()),
            boots_time: Some((EngineBoots(1), EngineTime(100))),
            key_extension: KeyExtensionPolicy::AsNamed,
        })),
        timeout: Duration::from_secs(1),
        retries: 0,
    };
    let mut engine = Engine::new(1);
    let pdu = PduBody::Pdu(Pdu::request(PduType::TrapV2, RequestId(7), varbinds()));
    engine.send_trap(&target, pdu).unwrap();
    engine.poll_transmit().unwrap().payload
}

fn receiver() -> Receiver {
    let credentials = credentials();
    let access = Access {
        communities: vec![CommunityRule {
            community: Community::new("public"),
            label: "public".into(),
            networks: vec!["127.0.0.0/8".parse().unwrap()],
        }],
        users: vec![
            TrapUser {
                credentials: Arc::clone(&credentials),
                engine_id: Some(SENDER.parse().unwrap()),
                min_level: None,
            },
            TrapUser {
                credentials,
                engine_id: None,
                min_level: None,
            },
        ],
        learn_engine_ids: true,
        ..Access::default()
    };
    let identity = LocalIdentity {
        engine_id: EngineId::new(b"\x80\x00\x1f\x88\x04receiver".to_vec()),
        boots: EngineBoots(1),
        salt_seed: 1,
    };
    Receiver::new(access, identity, Instant::now())
}

fn bench(c: &mut Criterion) {
    let from: SocketAddr = "127.0.0.1:40000".parse().unwrap();
    let mut r = receiver();
    let cases = [
        ("v2c trap", v2c_trap()),
        ("v3 authPriv trap, configured engine", v3_trap(SENDER)),
        ("v3 authPriv trap, learned engine", v3_trap(LEARNED)),
        ("malformed", b"\x30\x82\xff\xff not SNMP".to_vec()),
    ];
    let mut group = c.benchmark_group("trap receiver");
    group.throughput(Throughput::Elements(1));
    for (name, bytes) in &cases {
        // The first message from the learned engine learns it (a key derivation).
        let first = r.handle_datagram(Instant::now(), SystemTime::now(), from, None, bytes);
        assert_eq!(
            first.notification.is_some(),
            *name != "malformed",
            "{name}: {:?}",
            first.dropped
        );
        group.bench_function(*name, |b| {
            b.iter(|| {
                black_box(r.handle_datagram(
                    Instant::now(),
                    SystemTime::now(),
                    from,
                    None,
                    black_box(bytes),
                ))
            });
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
