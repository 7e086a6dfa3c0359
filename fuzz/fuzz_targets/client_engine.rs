//! Replies from a hostile agent: whatever comes back to an outstanding v2c or v3 request is
//! matched, verified, decrypted and handed out without a panic.
#![no_main]
use std::sync::Arc;
use std::time::{Duration, Instant};

use libfuzzer_sys::fuzz_target;
use mibscope::proto::engine::{Engine, KeyExtensionPolicy, Operation, Security, Target, UsmTarget};
use mibscope::proto::usm::{
    Credentials, EngineBoots, EngineId, EngineTime, Passphrase, SecurityLevel, UserName,
};
use mibscope::proto::{Community, Oid, Version};

fuzz_target!(|data: &[u8]| {
    let addr = "127.0.0.1:161".parse().unwrap();
    let v2c = Arc::new(Target {
        addr,
        security: Security::Community {
            version: Version::V2c,
            community: Community::new("public"),
        },
        timeout: Duration::from_secs(1),
        retries: 1,
    });
    let credentials = Credentials::from_passphrases(
        UserName::new("sha-aes"),
        Some((
            "SHA".parse().unwrap(),
            Passphrase::new("auth", "sha-aes_authpass").unwrap(),
        )),
        Some((
            "AES".parse().unwrap(),
            Passphrase::new("priv", "sha-aes_privpass").unwrap(),
        )),
    )
    .unwrap();
    let v3 = Arc::new(Target {
        addr,
        security: Security::Usm(Arc::new(UsmTarget {
            credentials: Arc::new(credentials),
            level: SecurityLevel::AuthPriv,
            context_name: Vec::new(),
            context_engine_id: None,
            engine_id: Some(EngineId::new(b"\x80\x00\x1f\x88\x04fuzz".to_vec())),
            boots_time: Some((EngineBoots(1), EngineTime(100))),
            key_extension: KeyExtensionPolicy::Auto,
        })),
        timeout: Duration::from_secs(1),
        retries: 1,
    });
    let now = Instant::now();
    let mut e = Engine::new(7);
    let oid: Oid = "1.3.6.1.2.1.1.5.0".parse().unwrap();
    e.start(now, v2c, Operation::Get(vec![oid.clone()]));
    e.start(now, v3, Operation::GetNext(vec![oid]));
    while e.poll_transmit().is_some() {}
    e.handle_datagram(now, addr, data);
    while e.poll_event().is_some() {}
    e.handle_timeout(now + Duration::from_secs(5));
    while e.poll_event().is_some() {}
});
