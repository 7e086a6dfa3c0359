//! Any datagram to the trap receiver's core: v1/v2c with a community, v3 traps from a
//! sender engine (a user keyed to it, learning on) and v3 informs (authoritative).
#![no_main]
use std::sync::Arc;
use std::time::{Instant, SystemTime};

use libfuzzer_sys::fuzz_target;
use mibscope::proto::Community;
use mibscope::proto::usm::{Credentials, EngineBoots, Passphrase, UserName};
use mibscope::traps::{Access, CommunityRule, LocalIdentity, Receiver, TrapUser};

fuzz_target!(|data: &[u8]| {
    thread_local! {
        static RECEIVER: std::cell::RefCell<Receiver> = std::cell::RefCell::new({
            let sha_aes = Credentials::from_passphrases(
                UserName::new("sha-aes"),
                Some(("SHA".parse().unwrap(), Passphrase::new("a", "sha-aes_authpass").unwrap())),
                Some(("AES".parse().unwrap(), Passphrase::new("p", "sha-aes_privpass").unwrap())),
            )
            .unwrap();
            let access = Access {
                communities: vec![CommunityRule {
                    community: Community::new("public"),
                    label: "public".into(),
                    networks: vec![],
                }],
                users: vec![
                    TrapUser {
                        credentials: Arc::new(sha_aes.clone()),
                        engine_id: Some("0x80001F880474622D7472617073".parse().unwrap()),
                        min_level: None,
                    },
                    TrapUser { credentials: Arc::new(sha_aes), engine_id: None, min_level: None },
                    TrapUser {
                        credentials: Arc::new(Credentials::no_auth(UserName::new("noauth"))),
                        engine_id: None,
                        min_level: None,
                    },
                ],
                learn_engine_ids: true,
                ..Access::default()
            };
            let identity = LocalIdentity {
                engine_id: "0x80001F880474622D7472617064".parse().unwrap(),
                boots: EngineBoots(1),
                salt_seed: 1,
            };
            Receiver::new(access, identity, Instant::now())
        });
    }
    RECEIVER.with(|r| {
        let _ = r.borrow_mut().handle_datagram(
            Instant::now(),
            SystemTime::now(),
            "127.0.0.1:40000".parse().unwrap(),
            None,
            data,
        );
    });
});
