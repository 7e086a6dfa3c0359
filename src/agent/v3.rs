//! The agent's SNMPv3 message layer: the authoritative side of the User-based Security
//! Model (RFC 3414 section 3.2, done by `proto::usm::LocalEngine`), then the checks RFC 3412
//! and RFC 3413 make before a PDU reaches the command responder (PDU class, context engine
//! id, context name, access), and the Reports each failure calls for.
//!
//! Choices, where the RFCs leave room or Net-SNMP's snmpd differs:
//! - A request whose scoped PDU cannot be decrypted gets a usmStatsDecryptionErrors Report
//!   (RFC 3414 section 3.2 step 8 with RFC 3412 section 7.1 step 3). Net-SNMP's snmpd stays
//!   silent instead (it reads the garbage as a parse error), so its managers time out; ours
//!   tell the manager which key is wrong.
//! - The only context is the default one, `""`; any other name gets a snmpUnknownContexts
//!   Report (RFC 3413 section 3.2, RFC 3415 section 3.2's noSuchContext). A contextEngineID
//!   other than ours (or empty) gets snmpUnknownPDUHandlers (RFC 3412 section 4.2.2.1).
//! - Access is per user: read-only or read-write, over the whole tree, at the user's own
//!   security level or above (Net-SNMP's `rouser`/`rwuser NAME noauth|auth|priv` with the
//!   user's level). A request below it is answered authorizationError (RFC 3413 section
//!   3.2 step 3).
//!
//! Users come from a spec (`V3User::from_str`), a file of specs (`parse_users`) or the
//! shared test bed's matrix (`testbed_users`).

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;

use super::responder::Rights;
use crate::proto::ber::{DecodeError, Writer};
use crate::proto::message::{MsgFlags, ScopedPdu, ScopedPduData, SecurityModel, V3Message};
use crate::proto::usm::{
    AuthProtocol, Credentials, EngineBoots, EngineId, EngineTime, KeyError, LocalEngine,
    MAX_ENGINE_BOOTS, Passphrase, PrivProtocol, Received, Rejected, SecurityLevel, UserName,
    UserTable, UsmError, UsmReport, UsmSecurityParameters,
};
use crate::proto::{ErrorStatus, Message, Pdu, PduBody, PduType, Value, VarBind};

/// The engine id the agent uses unless told otherwise: RFC 3411's text format under
/// Net-SNMP's enterprise number, as the shared test bed's ids are: 0x80 0x00 0x1F 0x88
/// (enterprise 8072), format 0x04 (text), then "mibscope".
pub const DEFAULT_ENGINE_ID: &str = "80001F88046D696273636F7065";

/// [`DEFAULT_ENGINE_ID`] as an `EngineId`.
pub fn default_engine_id() -> EngineId {
    EngineId::new(*b"\x80\x00\x1F\x88\x04mibscope")
}

/// RFC 3417 section 3.2 / RFC 3412 section 6.4: every SNMP engine accepts 484 bytes, so a
/// smaller msgMaxSize is read as this.
pub const MIN_MAX_SIZE: usize = 484;

/// Why a user spec or a users file was refused. Never quotes a pass phrase.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum V3ConfigError {
    #[error("a v3 user spec is NAME[:AUTH:AUTHPASS[:PRIV:PRIVPASS]][:rw|:ro]; this one is empty")]
    Empty,
    #[error(
        "a v3 user spec is NAME[:AUTH:AUTHPASS[:PRIV:PRIVPASS]][:rw|:ro]; this one has {0} fields (a ':' inside a pass phrase is written '\\:')"
    )]
    FieldCount(usize),
    #[error(
        "user '{user}': the authentication protocol (field 2) is not one of MD5, SHA, SHA-224, SHA-256, SHA-384, SHA-512"
    )]
    AuthProtocol { user: String },
    #[error(
        "user '{user}': the privacy protocol (field 4) is not one of DES, 3DES, AES, AES-192, AES-256, AES-192-C, AES-256-C"
    )]
    PrivProtocol { user: String },
    #[error("user '{user}': {source}")]
    Key { user: String, source: KeyError },
    #[error("user name '{0}' is longer than 32 bytes (RFC 3414 section 2.4)")]
    NameTooLong(String),
    #[error("line {line}: {source}")]
    Line {
        line: usize,
        source: Box<V3ConfigError>,
    },
    #[error("user '{0}' is defined twice")]
    Duplicate(String),
}

/// One SNMPv3 user of the agent: its secrets and what it may do.
#[derive(Clone)]
pub struct V3User {
    pub credentials: Credentials,
    pub rights: Rights,
    /// Requests below this level are refused with authorizationError.
    pub min_level: SecurityLevel,
}

impl fmt::Debug for V3User {
    /// Without secrets: `Credentials` prints only the user and protocol names.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("V3User")
            .field("credentials", &self.credentials)
            .field("rights", &self.rights)
            .field("min_level", &self.min_level)
            .finish()
    }
}

impl V3User {
    /// A user at the highest level its credentials allow, which is also its minimum.
    pub fn new(credentials: Credentials, rights: Rights) -> V3User {
        let min_level = credentials.max_level();
        V3User {
            credentials,
            rights,
            min_level,
        }
    }

    pub fn name(&self) -> &UserName {
        self.credentials.user()
    }
}

/// `NAME[:AUTH:AUTHPASS[:PRIV:PRIVPASS]][:rw|:ro]`, e.g. `admin:SHA-256:authpass1:AES:privpass1:rw`.
/// Protocols as Net-SNMP spells them (`-a`, `-x`); read-only unless `:rw`. In a pass phrase
/// `\:` stands for ':' and `\\` for '\'.
impl FromStr for V3User {
    type Err = V3ConfigError;

    fn from_str(spec: &str) -> Result<Self, Self::Err> {
        let mut fields = split_escaped(spec.trim());
        if fields.first().is_none_or(String::is_empty) {
            return Err(V3ConfigError::Empty);
        }
        let rights = match fields.last().map(|f| f.to_ascii_lowercase()) {
            Some(f) if fields.len() > 1 && f == "rw" => Some(Rights::ReadWrite),
            Some(f) if fields.len() > 1 && f == "ro" => Some(Rights::ReadOnly),
            _ => None,
        };
        if rights.is_some() {
            fields.pop();
        }
        let name = fields[0].clone();
        if name.len() > 32 {
            return Err(V3ConfigError::NameTooLong(name));
        }
        let key_error = |source| V3ConfigError::Key {
            user: name.clone(),
            source,
        };
        let auth = |i: usize| -> Result<(AuthProtocol, Passphrase), V3ConfigError> {
            let protocol = fields[i]
                .parse::<AuthProtocol>()
                .map_err(|_| V3ConfigError::AuthProtocol { user: name.clone() })?;
            let pass =
                Passphrase::new("authentication", fields[i + 1].as_bytes()).map_err(key_error)?;
            Ok((protocol, pass))
        };
        let privacy = |i: usize| -> Result<(PrivProtocol, Passphrase), V3ConfigError> {
            let protocol = fields[i]
                .parse::<PrivProtocol>()
                .map_err(|_| V3ConfigError::PrivProtocol { user: name.clone() })?;
            let pass = Passphrase::new("privacy", fields[i + 1].as_bytes()).map_err(key_error)?;
            Ok((protocol, pass))
        };
        let user = UserName::new(name.as_bytes());
        let credentials = match fields.len() {
            1 => Credentials::no_auth(user),
            3 => Credentials::from_passphrases(user, Some(auth(1)?), None).map_err(key_error)?,
            5 => Credentials::from_passphrases(user, Some(auth(1)?), Some(privacy(3)?))
                .map_err(key_error)?,
            n => return Err(V3ConfigError::FieldCount(n)),
        };
        Ok(V3User::new(credentials, rights.unwrap_or(Rights::ReadOnly)))
    }
}

/// Splits at ':' not preceded by '\'; `\:` and `\\` unescape.
fn split_escaped(text: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(next @ (':' | '\\')) => push_char(&mut fields, next),
                Some(other) => {
                    push_char(&mut fields, '\\');
                    push_char(&mut fields, other);
                }
                None => push_char(&mut fields, '\\'),
            },
            ':' => fields.push(String::new()),
            other => push_char(&mut fields, other),
        }
    }
    fields
}

fn push_char(fields: &mut [String], c: char) {
    if let Some(last) = fields.last_mut() {
        last.push(c);
    }
}

/// A users file: one spec per line (as `--v3-user` takes it), `#` comments and blank lines
/// ignored.
pub fn parse_users(text: &str) -> Result<Vec<V3User>, V3ConfigError> {
    let mut users = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let user = line.parse::<V3User>().map_err(|e| V3ConfigError::Line {
            line: i + 1,
            source: Box::new(e),
        })?;
        users.push(user);
    }
    Ok(users)
}

/// The shared test bed's 45 users (its README, "SNMPv3 users"), with its pass phrase rule
/// `<user>_authpass` / `<user>_privpass`. Test credentials, published on purpose.
/// Differences: `sysonly-sha-aes` is read-only over the whole tree (the agent has no views).
pub fn testbed_users() -> Vec<V3User> {
    const AUTH: [(&str, AuthProtocol); 6] = [
        ("md5", AuthProtocol::Md5),
        ("sha", AuthProtocol::Sha1),
        ("sha224", AuthProtocol::Sha224),
        ("sha256", AuthProtocol::Sha256),
        ("sha384", AuthProtocol::Sha384),
        ("sha512", AuthProtocol::Sha512),
    ];
    const PRIV: [(&str, PrivProtocol); 6] = [
        ("des", PrivProtocol::Des),
        ("aes", PrivProtocol::Aes128),
        ("aes192", PrivProtocol::Aes192),
        ("aes256", PrivProtocol::Aes256),
        ("aes192c", PrivProtocol::Aes192Cisco),
        ("aes256c", PrivProtocol::Aes256Cisco),
    ];
    let pass = |what, user: &str, suffix: &str| {
        Passphrase::new(what, format!("{user}_{suffix}"))
            .unwrap_or_else(|_| unreachable!("test bed pass phrases are long enough"))
    };
    let make = |name: &str, auth: Option<&AuthProtocol>, privacy: Option<&PrivProtocol>| {
        let auth = auth.map(|a| (a.clone(), pass("authentication", name, "authpass")));
        let privacy = privacy.map(|p| (p.clone(), pass("privacy", name, "privpass")));
        Credentials::from_passphrases(UserName::new(name.as_bytes()), auth, privacy)
            .unwrap_or_else(|_| unreachable!("test bed protocols are known and consistent"))
    };
    let mut users = vec![V3User::new(
        Credentials::no_auth(UserName::new("noauth")),
        Rights::ReadOnly,
    )];
    for (auth_name, auth) in &AUTH {
        users.push(V3User::new(
            make(auth_name, Some(auth), None),
            Rights::ReadWrite,
        ));
    }
    for (auth_name, auth) in &AUTH {
        for (priv_name, privacy) in &PRIV {
            let name = format!("{auth_name}-{priv_name}");
            users.push(V3User::new(
                make(&name, Some(auth), Some(privacy)),
                Rights::ReadWrite,
            ));
        }
    }
    for name in ["ro-sha-aes", "sysonly-sha-aes"] {
        users.push(V3User::new(
            make(name, Some(&AuthProtocol::Sha1), Some(&PrivProtocol::Aes128)),
            Rights::ReadOnly,
        ));
    }
    users
}

/// What makes an agent speak SNMPv3: its engine id and its users.
#[derive(Clone, Debug)]
pub struct UsmConfig {
    pub engine_id: EngineId,
    pub users: Vec<V3User>,
}

impl UsmConfig {
    /// The default engine id with `users`.
    pub fn with_users(users: Vec<V3User>) -> UsmConfig {
        UsmConfig {
            engine_id: default_engine_id(),
            users,
        }
    }

    /// The default engine id with the test bed's 45 users.
    pub fn testbed() -> UsmConfig {
        UsmConfig::with_users(testbed_users())
    }
}

/// A v3 request that passed every check, for the command responder.
#[derive(Clone, Debug)]
pub struct V3Request {
    pub received: Received,
    pub pdu: Pdu,
    /// None: the user may not access anything at this security level (authorizationError).
    pub rights: Option<Rights>,
}

/// Why a v3 message was discarded without an answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Discarded {
    /// Not decodable (snmpInASNParseErrs).
    Malformed(DecodeError),
    /// msgSecurityModel is not USM (snmpUnknownSecurityModels, RFC 3412 section 7.2 step 4).
    UnknownSecurityModel(i64),
    /// Privacy without authentication (snmpInvalidMsgs, RFC 3412 section 7.2 step 5).
    InvalidFlags(u8),
    /// USM refused it and no Report was due (the message was not reportable).
    Refused(UsmError),
    /// A PDU the agent does not answer (a Response, Report, or Trap).
    NotARequest(PduType),
}

/// What became of a v3 message that is not a request for the responder.
#[derive(Clone, Debug)]
pub enum Refusal {
    /// Answered with a Report (RFC 3412 section 7.1 step 3).
    Reported {
        report: UsmReport,
        payload: Vec<u8>,
        /// What went wrong, for the log; no secrets.
        reason: String,
    },
    Discarded(Discarded),
}

/// The counters of RFC 3412 and RFC 3413 this layer keeps (USM's are the engine's).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct LayerCounters {
    unknown_security_models: u32,
    invalid_msgs: u32,
    unknown_pdu_handlers: u32,
    unknown_contexts: u32,
}

/// The authoritative engine, its users, and the counters its Reports carry.
pub struct V3Layer {
    engine: LocalEngine,
    users: UserTable,
    access: HashMap<UserName, (Rights, SecurityLevel)>,
    counters: LayerCounters,
}

impl fmt::Debug for V3Layer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("V3Layer")
            .field("engine_id", &self.engine.engine_id)
            .field("boots", &self.engine.boots)
            .field("users", &self.users.len())
            .finish_non_exhaustive()
    }
}

impl V3Layer {
    /// `boots` is snmpEngineBoots at the start; `salt_seed` starts the salt counter.
    pub fn new(config: &UsmConfig, boots: u32, max_size: usize, salt_seed: u32) -> V3Layer {
        let mut engine = LocalEngine::new(
            config.engine_id.clone(),
            EngineBoots(boots.clamp(1, MAX_ENGINE_BOOTS)),
            salt_seed,
        );
        engine.max_size = max_size.clamp(MIN_MAX_SIZE, i32::MAX as usize) as i64;
        let mut users = UserTable::new();
        let mut access = HashMap::new();
        for user in &config.users {
            access.insert(user.name().clone(), (user.rights, user.min_level));
            users.insert(user.credentials.clone());
        }
        V3Layer {
            engine,
            users,
            access,
            counters: LayerCounters::default(),
        }
    }

    pub fn engine_id(&self) -> &EngineId {
        &self.engine.engine_id
    }

    pub fn boots(&self) -> EngineBoots {
        self.engine.boots
    }

    pub fn user_count(&self) -> usize {
        self.users.len()
    }

    /// A restart: snmpEngineBoots becomes `boots` (the agent's boot count), the counters
    /// start from 0. The caller restarts snmpEngineTime.
    pub fn reboot(&mut self, boots: u32) {
        let boots = boots.clamp(1, MAX_ENGINE_BOOTS);
        // `reboot` adds one and reseeds the salt counter with the new boots.
        self.engine.boots = EngineBoots(boots - 1);
        self.engine.reboot();
        self.engine.stats = Default::default();
        self.counters = LayerCounters::default();
    }

    /// The current value of a Report counter.
    pub fn counter(&self, report: &UsmReport) -> u32 {
        match report {
            UsmReport::UnknownSecurityModels => self.counters.unknown_security_models,
            UsmReport::InvalidMsgs => self.counters.invalid_msgs,
            UsmReport::UnknownPduHandlers => self.counters.unknown_pdu_handlers,
            UsmReport::UnknownContexts => self.counters.unknown_contexts,
            other => self.engine.stats.get(other).unwrap_or(0),
        }
    }

    /// The engine objects' values (`ObjectStore::set_engine_values`).
    pub fn engine_values(&self) -> super::store::EngineValues {
        let reports = [
            UsmReport::UnknownSecurityModels,
            UsmReport::InvalidMsgs,
            UsmReport::UnknownPduHandlers,
            UsmReport::UnknownContexts,
        ];
        super::store::EngineValues {
            engine_id: self.engine.engine_id.as_bytes().to_vec(),
            boots: self.engine.boots.0,
            max_message_size: self.engine.max_size as u32,
            counters: reports
                .into_iter()
                .chain(UsmReport::USM)
                .map(|r| {
                    let n = self.counter(&r);
                    (r, n)
                })
                .collect(),
        }
    }

    /// Security and then dispatch checks for one message, at our snmpEngineTime `time`.
    pub fn accept(&mut self, bytes: &[u8], time: EngineTime) -> Result<V3Request, Refusal> {
        let received = match self.engine.receive(bytes, time, &mut self.users) {
            Ok(r) => r,
            Err(rejected) => return Err(self.usm_refusal(rejected)),
        };
        let pdu = match &received.scoped_pdu.pdu {
            PduBody::Pdu(p) => p.clone(),
            PduBody::TrapV1(_) => {
                return Err(Refusal::Discarded(Discarded::NotARequest(PduType::TrapV1)));
            }
        };
        match pdu.kind {
            PduType::GetRequest
            | PduType::GetNextRequest
            | PduType::GetBulkRequest
            | PduType::SetRequest => {}
            // Confirmed class, but this engine has no notification receiver.
            PduType::InformRequest => {
                self.counters.unknown_pdu_handlers += 1;
                let n = self.counters.unknown_pdu_handlers;
                return Err(self.report(
                    &received,
                    &pdu,
                    time,
                    (UsmReport::UnknownPduHandlers, n),
                    "InformRequest: this agent receives no notifications".into(),
                ));
            }
            PduType::TrapV2 => {
                self.counters.unknown_pdu_handlers += 1;
                return Err(Refusal::Discarded(Discarded::NotARequest(pdu.kind)));
            }
            other => return Err(Refusal::Discarded(Discarded::NotARequest(other))),
        }
        // RFC 3412 section 4.2.2.1: the command responder registered for our engine id.
        let context_engine = &received.scoped_pdu.context_engine_id;
        if !context_engine.is_empty() && context_engine[..] != *self.engine.engine_id.as_bytes() {
            self.counters.unknown_pdu_handlers += 1;
            let n = self.counters.unknown_pdu_handlers;
            let reason = format!(
                "contextEngineID {} is not this engine's {}",
                EngineId::new(context_engine.clone()),
                self.engine.engine_id
            );
            return Err(self.report(
                &received,
                &pdu,
                time,
                (UsmReport::UnknownPduHandlers, n),
                reason,
            ));
        }
        // RFC 3413 section 3.2: the only context is the default one.
        if !received.scoped_pdu.context_name.is_empty() {
            self.counters.unknown_contexts += 1;
            let n = self.counters.unknown_contexts;
            let reason = format!(
                "unknown context \"{}\" (only the default context \"\" exists)",
                String::from_utf8_lossy(&received.scoped_pdu.context_name).escape_debug()
            );
            return Err(self.report(
                &received,
                &pdu,
                time,
                (UsmReport::UnknownContexts, n),
                reason,
            ));
        }
        let rights = self
            .access
            .get(&received.user)
            .filter(|(_, min_level)| received.level >= *min_level)
            .map(|(rights, _)| *rights);
        Ok(V3Request {
            received,
            pdu,
            rights,
        })
    }

    /// Encodes the response to `request` (RFC 3412 section 7.1 prepareResponseMessage).
    pub fn respond(
        &mut self,
        request: &V3Request,
        time: EngineTime,
        pdu: Pdu,
    ) -> Result<Vec<u8>, UsmError> {
        self.engine
            .respond(&request.received, time, PduBody::Pdu(pdu))
    }

    /// The largest response `request` may get: its msgMaxSize (at least 484) or our own
    /// limit, whichever is smaller.
    pub fn max_response_size(&self, request: &V3Request, local_limit: usize) -> usize {
        let asked = usize::try_from(request.received.max_size)
            .unwrap_or(MIN_MAX_SIZE)
            .max(MIN_MAX_SIZE);
        asked.min(local_limit)
    }

    /// The exact size of the message `respond` would make of `pdu` at `time`, without
    /// encrypting or signing it: the ciphertext is as long as the padded plaintext
    /// (RFC 3414 section 8.1.1.2, RFC 3826 section 3.1.4), the HMAC as the protocol's.
    pub fn response_len(&self, request: &V3Request, time: EngineTime, pdu: &Pdu) -> usize {
        let received = &request.received;
        let scoped = ScopedPdu {
            context_engine_id: received.scoped_pdu.context_engine_id.clone(),
            context_name: received.scoped_pdu.context_name.clone(),
            pdu: PduBody::Pdu(pdu.clone()),
        };
        let keys = received.keys.as_deref();
        let auth = keys
            .and_then(|k| k.auth.as_ref())
            .filter(|_| received.level >= SecurityLevel::AuthNoPriv);
        let privacy = keys
            .and_then(|k| k.privacy.as_ref())
            .filter(|_| received.level == SecurityLevel::AuthPriv);
        let params = UsmSecurityParameters {
            engine_id: self.engine.engine_id.clone(),
            boots: self.engine.boots,
            time,
            user: received.user.clone(),
            auth_params: auth.map_or(Vec::new(), |(p, _)| vec![0; p.mac_len()]),
            priv_params: if privacy.is_some() {
                vec![0; 8]
            } else {
                Vec::new()
            },
        };
        let data = match privacy {
            None => ScopedPduData::Plaintext(scoped),
            Some((protocol, _)) => {
                let mut w = Writer::new();
                scoped.encode(&mut w);
                let plain = w.len();
                let len = match protocol {
                    PrivProtocol::Des | PrivProtocol::TripleDes => plain.div_ceil(8).max(1) * 8,
                    _ => plain,
                };
                ScopedPduData::Encrypted(vec![0; len])
            }
        };
        Message::V3(V3Message {
            msg_id: received.msg_id,
            max_size: self.engine.max_size,
            flags: MsgFlags(received.level.flag_bits()),
            security_model: SecurityModel::Usm,
            security_parameters: params.encode().0,
            data,
        })
        .encode()
        .len()
    }

    /// The Report for an accepted message that cannot be dispatched, at the message's own
    /// security level, if the message was reportable.
    fn report(
        &mut self,
        received: &Received,
        request: &Pdu,
        time: EngineTime,
        (report, count): (UsmReport, u32),
        reason: String,
    ) -> Refusal {
        if !received.flags.reportable() {
            return Refusal::Discarded(Discarded::NotARequest(request.kind));
        }
        let pdu = Pdu {
            kind: PduType::Report,
            request_id: request.request_id,
            error_status: ErrorStatus::NoError,
            error_index: 0,
            varbinds: vec![VarBind::new(report.oid(), Value::Counter32(count))],
        };
        // RFC 3412 section 7.1 step 3: the Report's contextEngineID is ours.
        let mut from = received.clone();
        from.scoped_pdu.context_engine_id = self.engine.engine_id.as_bytes().to_vec();
        match self.engine.respond(&from, time, PduBody::Pdu(pdu)) {
            Ok(payload) => Refusal::Reported {
                report,
                payload,
                reason,
            },
            Err(e) => Refusal::Discarded(Discarded::Refused(e)),
        }
    }

    /// Sorts a USM rejection into a Report sent or a message discarded, counting the
    /// message-processing failures RFC 3412 section 7.2 names.
    fn usm_refusal(&mut self, rejected: Rejected) -> Refusal {
        let Rejected { error, report } = rejected;
        match error {
            UsmError::Decode(e) => Refusal::Discarded(Discarded::Malformed(e)),
            UsmError::UnknownSecurityModel(model) => {
                self.counters.unknown_security_models += 1;
                Refusal::Discarded(Discarded::UnknownSecurityModel(model))
            }
            UsmError::InvalidFlags(flags) => {
                self.counters.invalid_msgs += 1;
                Refusal::Discarded(Discarded::InvalidFlags(flags))
            }
            error => match (report, report_of(&error)) {
                (Some(payload), Some(report)) => Refusal::Reported {
                    report,
                    payload,
                    reason: match &error {
                        UsmError::UnknownEngineId { engine_id } if engine_id.is_empty() => {
                            "engine discovery: answered with our engine id, boots and time \
                             (RFC 3414 section 4)"
                                .into()
                        }
                        other => other.to_string(),
                    },
                },
                _ => Refusal::Discarded(Discarded::Refused(error)),
            },
        }
    }
}

/// The usmStats counter RFC 3414 section 3.2 reports for `error`.
fn report_of(error: &UsmError) -> Option<UsmReport> {
    Some(match error {
        UsmError::UnknownEngineId { .. } => UsmReport::UnknownEngineIds,
        UsmError::UnknownUser { .. } => UsmReport::UnknownUserNames,
        UsmError::UnsupportedSecurityLevel { .. } => UsmReport::UnsupportedSecLevels,
        UsmError::WrongDigest { .. } => UsmReport::WrongDigests,
        UsmError::NotInTimeWindow { .. } => UsmReport::NotInTimeWindows,
        UsmError::DecryptionFailed { .. } => UsmReport::DecryptionErrors,
        _ => return None,
    })
}
