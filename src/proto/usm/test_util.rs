//! Helpers for the USM tests: hex literals and the captured Net-SNMP conversations under
//! tests/fixtures/usm/.

use super::{
    AuthProtocol, Credentials, EngineId, Passphrase, PrivProtocol, SecurityLevel, UserName,
};

/// Bytes from hex digits, spaces and newlines between them skipped.
pub fn hex(s: &str) -> Vec<u8> {
    crate::proto::hex::decode(s).unwrap_or_else(|e| panic!("{e} in {s:?}"))
}

/// A pass phrase long enough to be one.
pub fn passphrase(text: &str) -> Passphrase {
    Passphrase::new("test", text).unwrap()
}

/// The engine id of RFC 3414's test vectors (A.3): 00..02.
pub fn rfc3414_engine() -> EngineId {
    EngineId::new(hex("000000000000000000000002"))
}

/// A user with pass phrases, as the test bed configures them.
pub fn user(
    name: &str,
    auth: (AuthProtocol, &str),
    privacy: Option<(PrivProtocol, &str)>,
) -> Credentials {
    Credentials::from_passphrases(
        UserName::new(name),
        Some((auth.0, Passphrase::new("authentication", auth.1).unwrap())),
        privacy.map(|(p, pass)| (p, Passphrase::new("privacy", pass).unwrap())),
    )
    .unwrap()
}

/// A user with SHA-1 authentication and AES-128 privacy and these pass phrases.
pub fn sha_aes(name: &str, auth: &str, privacy: &str) -> Credentials {
    user(
        name,
        (AuthProtocol::Sha1, auth),
        Some((PrivProtocol::Aes128, privacy)),
    )
}

/// Who sent a captured datagram.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// Manager to agent ("C>A"): requests, discovery probes, informs.
    ToAgent,
    /// Agent to manager ("A>C"): responses and reports.
    ToManager,
    /// A trap sender to the receiver ("S>R").
    Notification,
}

/// One captured exchange: the credentials it used and the datagrams in order.
pub struct Fixture {
    pub name: &'static str,
    pub user: UserName,
    pub level: Option<SecurityLevel>,
    pub auth: Option<(AuthProtocol, String)>,
    pub privacy: Option<(PrivProtocol, String)>,
    /// The authoritative engine of the exchange.
    pub engine_id: EngineId,
    pub datagrams: Vec<(Direction, Vec<u8>)>,
}

impl Fixture {
    pub fn parse(name: &'static str, text: &str) -> Fixture {
        let mut f = Fixture {
            name,
            user: UserName::default(),
            level: None,
            auth: None,
            privacy: None,
            engine_id: EngineId::default(),
            datagrams: Vec::new(),
        };
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            let words: Vec<&str> = line.split_whitespace().collect();
            match words[..] {
                ["user", u] => f.user = UserName::new(u),
                ["level", l] => f.level = Some(l.parse().unwrap()),
                ["auth", p, pass] => f.auth = Some((p.parse().unwrap(), pass.to_string())),
                ["priv", p, pass] => f.privacy = Some((p.parse().unwrap(), pass.to_string())),
                ["engine", e] => f.engine_id = e.parse().unwrap(),
                ["C>A", h] => f.datagrams.push((Direction::ToAgent, hex(h))),
                ["A>C", h] => f.datagrams.push((Direction::ToManager, hex(h))),
                ["S>R", h] => f.datagrams.push((Direction::Notification, hex(h))),
                _ => panic!("{name}: unexpected line {line:?}"),
            }
        }
        f
    }

    /// The credentials the fixture's client used.
    pub fn credentials(&self) -> Credentials {
        let pass = |what, p: &str| Passphrase::new(what, p).unwrap();
        Credentials::from_passphrases(
            self.user.clone(),
            self.auth
                .as_ref()
                .map(|(p, s)| (p.clone(), pass("authentication", s))),
            self.privacy
                .as_ref()
                .map(|(p, s)| (p.clone(), pass("privacy", s))),
        )
        .unwrap()
    }

    pub fn sent(&self, direction: Direction) -> impl Iterator<Item = &[u8]> {
        self.datagrams
            .iter()
            .filter(move |(d, _)| *d == direction)
            .map(|(_, b)| &b[..])
    }
}

macro_rules! fixtures {
    ($($name:literal),* $(,)?) => {
        /// Every captured conversation, parsed.
        pub fn all_fixtures() -> Vec<Fixture> {
            vec![$(Fixture::parse(
                $name,
                include_str!(concat!("../../../tests/fixtures/usm/", $name, ".txt")),
            )),*]
        }
    };
}

fixtures!(
    "noauth",
    "md5",
    "sha",
    "sha224",
    "sha256",
    "sha384",
    "sha512",
    "md5-des",
    "md5-aes",
    "md5-aes192",
    "md5-aes256",
    "md5-aes192c",
    "md5-aes256c",
    "sha-des",
    "sha-aes",
    "sha-aes192",
    "sha-aes256",
    "sha-aes192c",
    "sha-aes256c",
    "sha224-des",
    "sha224-aes",
    "sha224-aes192",
    "sha224-aes256",
    "sha224-aes192c",
    "sha224-aes256c",
    "sha256-des",
    "sha256-aes",
    "sha256-aes192",
    "sha256-aes256",
    "sha256-aes192c",
    "sha256-aes256c",
    "sha384-des",
    "sha384-aes",
    "sha384-aes192",
    "sha384-aes256",
    "sha384-aes192c",
    "sha384-aes256c",
    "sha512-des",
    "sha512-aes",
    "sha512-aes192",
    "sha512-aes256",
    "sha512-aes192c",
    "sha512-aes256c",
    "ro-sha-aes",
    "set-sha256-aes192",
    "bulk-sha512-aes256c",
    "fail-wrong-auth",
    "fail-wrong-priv",
    "fail-unknown-user",
    "fail-unsupported-level",
    "fail-wrong-extension",
    "fail-not-in-time-window",
    "trap-sha-aes",
    "trap-md5-des",
    "trap-sha512-aes256c",
    "inform-sha256-aes256",
);

pub fn fixture(name: &str) -> Fixture {
    all_fixtures()
        .into_iter()
        .find(|f| f.name == name)
        .unwrap_or_else(|| panic!("no fixture {name}"))
}
