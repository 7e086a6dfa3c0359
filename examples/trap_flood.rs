//! A trap flood for bench/trap-flood.sh: several sender threads, each with its own socket,
//! send pre-encoded notifications to a loopback receiver at a paced total rate, with a
//! malformed datagram every Nth. Loopback targets only.
//!
//! usage: trap_flood TARGET COUNT RATE [SENDERS] [MALFORMED_EVERY] [v2c|v3]
//!   TARGET           127.0.0.1:PORT (or [::1]:PORT)
//!   COUNT            valid notifications to send in all (malformed ones come on top)
//!   RATE             datagrams per second in all, 0 for as fast as possible
//!   SENDERS          threads (default 4)
//!   MALFORMED_EVERY  one garbage datagram after every N valid ones (default 0: none)
//!   v3               authPriv SHA/AES-128 as user sha-aes from engine
//!                    0x80001F880474622D7472617073 (the test bed's sender), default v2c
//!                    with community public
//!
//! Prints one line: `sent VALID valid MALFORMED malformed in SECONDS s = RATE/s`.

use std::net::{SocketAddr, UdpSocket};
use std::sync::Arc;
use std::time::{Duration, Instant};

use mibscope::proto::engine::{Engine, KeyExtensionPolicy, Security, Target, UsmTarget};
use mibscope::proto::message::CommunityMessage;
use mibscope::proto::usm::{
    AuthProtocol, Credentials, EngineBoots, EngineTime, Passphrase, PrivProtocol, SecurityLevel,
    UserName,
};
use mibscope::proto::{
    Community, Message, Oid, Pdu, PduBody, PduType, RequestId, Value, VarBind, Version,
};

fn varbinds() -> Vec<VarBind> {
    let oid = |s: &str| s.parse::<Oid>().unwrap();
    vec![
        VarBind::new(oid("1.3.6.1.2.1.1.3.0"), Value::TimeTicks(654_321)),
        VarBind::new(
            oid("1.3.6.1.6.3.1.1.4.1.0"),
            Value::ObjectId(oid("1.3.6.1.4.1.8072.2.3.0.1")),
        ),
        VarBind::new(oid("1.3.6.1.4.1.8072.2.3.2.1"), Value::Integer(1)),
        VarBind::new(
            oid("1.3.6.1.4.1.8072.2.3.2.2"),
            Value::OctetString(b"tb-flood".to_vec()),
        ),
    ]
}

fn message(version: &str, target: SocketAddr) -> Vec<u8> {
    let pdu = PduBody::Pdu(Pdu::request(PduType::TrapV2, RequestId(1), varbinds()));
    if version != "v3" {
        return Message::Community(CommunityMessage {
            version: Version::V2c,
            community: Community::new("public"),
            pdu,
        })
        .encode();
    }
    let pass = |what, text: &str| Passphrase::new(what, text).unwrap();
    let credentials = Credentials::from_passphrases(
        UserName::new("sha-aes"),
        Some((AuthProtocol::Sha1, pass("auth", "sha-aes_authpass"))),
        Some((
            "AES".parse::<PrivProtocol>().unwrap(),
            pass("priv", "sha-aes_privpass"),
        )),
    )
    .unwrap();
    let t = Target {
        addr: target,
        security: Security::Usm(Arc::new(UsmTarget {
            credentials: Arc::new(credentials),
            level: SecurityLevel::AuthPriv,
            context_name: Vec::new(),
            context_engine_id: None,
            engine_id: Some("0x80001F880474622D7472617073".parse().unwrap()),
            boots_time: Some((EngineBoots(1), EngineTime(100))),
            key_extension: KeyExtensionPolicy::AsNamed,
        })),
        timeout: Duration::from_secs(1),
        retries: 0,
    };
    let mut engine = Engine::new(1);
    engine.send_trap(&t, pdu).unwrap();
    engine.poll_transmit().unwrap().payload
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 4 {
        eprintln!("usage: trap_flood TARGET COUNT RATE [SENDERS] [MALFORMED_EVERY] [v2c|v3]");
        std::process::exit(2);
    }
    let target: SocketAddr = args[1].parse().expect("TARGET: ADDRESS:PORT");
    assert!(target.ip().is_loopback(), "loopback targets only");
    let count: u64 = args[2].parse().expect("COUNT");
    let rate: f64 = args[3].parse().expect("RATE");
    let senders: u64 = args.get(4).map_or(4, |s| s.parse().expect("SENDERS"));
    let malformed_every: u64 = args
        .get(5)
        .map_or(0, |s| s.parse().expect("MALFORMED_EVERY"));
    let version = args.get(6).map_or("v2c", String::as_str);
    let good = Arc::new(message(version, target));
    // Garbage of several kinds: a truncated message and bytes that are no BER at all.
    let bad: Arc<Vec<Vec<u8>>> = Arc::new(vec![
        good[..good.len() / 2].to_vec(),
        b"\x30\x82\xff\xff not SNMP".to_vec(),
        vec![0u8; 64],
    ]);
    let started = Instant::now();
    let threads: Vec<_> = (0..senders)
        .map(|i| {
            let (good, bad) = (Arc::clone(&good), Arc::clone(&bad));
            let mine = count / senders + u64::from(i < count % senders);
            let per_thread = rate / senders as f64;
            std::thread::spawn(move || {
                let socket = UdpSocket::bind(if target.is_ipv6() {
                    "[::1]:0"
                } else {
                    "127.0.0.1:0"
                })
                .unwrap();
                let (mut valid, mut malformed) = (0u64, 0u64);
                let t0 = Instant::now();
                let mut sent = 0u64;
                while valid < mine {
                    if malformed_every > 0
                        && valid > 0
                        && valid % malformed_every == 0
                        && malformed < valid / malformed_every
                    {
                        let _ = socket.send_to(&bad[(malformed % 3) as usize], target);
                        malformed += 1;
                    } else {
                        if socket.send_to(&good, target).is_ok() {
                            valid += 1;
                        }
                    }
                    sent += 1;
                    if per_thread > 0.0 && sent % 32 == 0 {
                        let due = Duration::from_secs_f64(sent as f64 / per_thread);
                        let now = t0.elapsed();
                        if due > now {
                            std::thread::sleep(due - now);
                        }
                    }
                }
                (valid, malformed)
            })
        })
        .collect();
    let (mut valid, mut malformed) = (0, 0);
    for t in threads {
        let (v, m) = t.join().unwrap();
        valid += v;
        malformed += m;
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "sent {valid} valid {malformed} malformed in {secs:.3} s = {:.0}/s",
        (valid + malformed) as f64 / secs
    );
}
