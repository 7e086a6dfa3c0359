//! Report PDUs: classifying the counter OID a Report carries (usmStats of RFC 3414 section 5,
//! snmpMPDStats of RFC 3412 section 5, snmpUnavailableContexts/snmpUnknownContexts of RFC 3413
//! section 4.1) with an explanation a person can act on, and the usmStats counters an
//! authoritative engine keeps and reports (RFC 3414 section 3.2).

use std::fmt;

use super::UserName;
use crate::proto::oid::Oid;
use crate::proto::pdu::{PduBody, PduType};
use crate::proto::value::Value;

const USM_STATS: [u32; 9] = [1, 3, 6, 1, 6, 3, 15, 1, 1];
const MPD_STATS: [u32; 9] = [1, 3, 6, 1, 6, 3, 11, 2, 1];
const TARGET_OBJECTS: [u32; 8] = [1, 3, 6, 1, 6, 3, 12, 1];

/// What a Report says went wrong, by the counter in its first varbind. Open.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub enum UsmReport {
    /// usmStatsUnsupportedSecLevels .1.3.6.1.6.3.15.1.1.1.0
    UnsupportedSecLevels,
    /// usmStatsNotInTimeWindows .1.3.6.1.6.3.15.1.1.2.0
    NotInTimeWindows,
    /// usmStatsUnknownUserNames .1.3.6.1.6.3.15.1.1.3.0
    UnknownUserNames,
    /// usmStatsUnknownEngineIDs .1.3.6.1.6.3.15.1.1.4.0
    UnknownEngineIds,
    /// usmStatsWrongDigests .1.3.6.1.6.3.15.1.1.5.0
    WrongDigests,
    /// usmStatsDecryptionErrors .1.3.6.1.6.3.15.1.1.6.0
    DecryptionErrors,
    /// snmpUnknownSecurityModels .1.3.6.1.6.3.11.2.1.1.0
    UnknownSecurityModels,
    /// snmpInvalidMsgs .1.3.6.1.6.3.11.2.1.2.0
    InvalidMsgs,
    /// snmpUnknownPDUHandlers .1.3.6.1.6.3.11.2.1.3.0
    UnknownPduHandlers,
    /// snmpUnavailableContexts .1.3.6.1.6.3.12.1.4.0
    UnavailableContexts,
    /// snmpUnknownContexts .1.3.6.1.6.3.12.1.5.0
    UnknownContexts,
    Unknown(Oid),
}

impl UsmReport {
    pub const USM: [UsmReport; 6] = [
        UsmReport::UnsupportedSecLevels,
        UsmReport::NotInTimeWindows,
        UsmReport::UnknownUserNames,
        UsmReport::UnknownEngineIds,
        UsmReport::WrongDigests,
        UsmReport::DecryptionErrors,
    ];

    /// The Report counters of RFC 3412 and RFC 3413 that are not USM's.
    const OTHERS: [UsmReport; 5] = [
        UsmReport::UnknownSecurityModels,
        UsmReport::InvalidMsgs,
        UsmReport::UnknownPduHandlers,
        UsmReport::UnavailableContexts,
        UsmReport::UnknownContexts,
    ];

    fn known() -> impl Iterator<Item = UsmReport> {
        Self::USM.into_iter().chain(Self::OTHERS)
    }

    /// The counter's instance OID (with its `.0`), as agents put it in the Report.
    pub fn oid(&self) -> Oid {
        let (arc, last): (&[u32], u32) = match self {
            UsmReport::UnsupportedSecLevels => (&USM_STATS, 1),
            UsmReport::NotInTimeWindows => (&USM_STATS, 2),
            UsmReport::UnknownUserNames => (&USM_STATS, 3),
            UsmReport::UnknownEngineIds => (&USM_STATS, 4),
            UsmReport::WrongDigests => (&USM_STATS, 5),
            UsmReport::DecryptionErrors => (&USM_STATS, 6),
            UsmReport::UnknownSecurityModels => (&MPD_STATS, 1),
            UsmReport::InvalidMsgs => (&MPD_STATS, 2),
            UsmReport::UnknownPduHandlers => (&MPD_STATS, 3),
            UsmReport::UnavailableContexts => (&TARGET_OBJECTS, 4),
            UsmReport::UnknownContexts => (&TARGET_OBJECTS, 5),
            UsmReport::Unknown(oid) => return oid.clone(),
        };
        Oid::from_slice(arc).child(&[last, 0])
    }

    /// Classifies a counter OID, with or without its `.0` (some agents leave it off).
    pub fn from_oid(oid: &Oid) -> UsmReport {
        let bare = match oid.arcs() {
            [rest @ .., 0] => Oid::from_slice(rest),
            _ => oid.clone(),
        };
        Self::known()
            .find(|r| r.oid() == *oid || r.oid().parent().as_ref() == Some(&bare))
            .unwrap_or_else(|| UsmReport::Unknown(oid.clone()))
    }

    /// The report a PDU carries: its kind and counter value, if it is a Report with a
    /// varbind (RFC 3412 section 7.2 step 3 leaves the counter as the first varbind).
    pub fn from_pdu(pdu: &PduBody) -> Option<(UsmReport, Option<u32>)> {
        if pdu.kind() != PduType::Report {
            return None;
        }
        let vb = pdu.varbinds().first()?;
        let count = match vb.value {
            Value::Counter32(n) => Some(n),
            _ => None,
        };
        Some((UsmReport::from_oid(&vb.oid), count))
    }

    /// The MIB name of the counter.
    pub fn name(&self) -> &'static str {
        match self {
            UsmReport::UnsupportedSecLevels => "usmStatsUnsupportedSecLevels",
            UsmReport::NotInTimeWindows => "usmStatsNotInTimeWindows",
            UsmReport::UnknownUserNames => "usmStatsUnknownUserNames",
            UsmReport::UnknownEngineIds => "usmStatsUnknownEngineIDs",
            UsmReport::WrongDigests => "usmStatsWrongDigests",
            UsmReport::DecryptionErrors => "usmStatsDecryptionErrors",
            UsmReport::UnknownSecurityModels => "snmpUnknownSecurityModels",
            UsmReport::InvalidMsgs => "snmpInvalidMsgs",
            UsmReport::UnknownPduHandlers => "snmpUnknownPDUHandlers",
            UsmReport::UnavailableContexts => "snmpUnavailableContexts",
            UsmReport::UnknownContexts => "snmpUnknownContexts",
            UsmReport::Unknown(_) => "unknown report",
        }
    }

    /// One line for a person: what the agent says, what is probably wrong, what to try.
    pub fn explain(&self, user: &UserName) -> String {
        match self {
            UsmReport::UnsupportedSecLevels => format!(
                "the agent refused the security level: its user '{user}' is not configured for \
                 it; try a lower -l (authNoPriv or noAuthNoPriv) or check which protocols the \
                 agent has for this user"
            ),
            UsmReport::NotInTimeWindows => "the agent says the message is outside its 150 s \
                 time window: its engine boots/time moved (reboot or clock change); \
                 resynchronise and retry (this is normal once after an agent restart)"
                .to_string(),
            UsmReport::UnknownUserNames => format!(
                "the agent has no user '{user}': check -u (user names are case-sensitive) or \
                 create the user on the agent"
            ),
            UsmReport::UnknownEngineIds => "the agent does not recognise the engine ID in the \
                 request: let mibscope discover it (omit -e) or fix -e"
                .to_string(),
            UsmReport::WrongDigests => format!(
                "authentication failed: the auth passphrase or protocol (-a/-A) does not match \
                 the agent's user '{user}'"
            ),
            UsmReport::DecryptionErrors => format!(
                "the agent could not decrypt the request: the privacy passphrase or protocol \
                 (-x/-X) does not match its user '{user}'; with AES-192/AES-256 try the other \
                 key extension (AES-192 <-> AES-192-C)"
            ),
            UsmReport::UnknownSecurityModels => {
                "the agent does not support the security model of the request".to_string()
            }
            UsmReport::InvalidMsgs => "the agent found the message header invalid (for example \
                 privacy requested without authentication)"
                .to_string(),
            UsmReport::UnknownPduHandlers => {
                "the agent has no application for this PDU type".to_string()
            }
            UsmReport::UnavailableContexts => {
                "the context (-n) exists on the agent but is unavailable".to_string()
            }
            UsmReport::UnknownContexts => {
                "the agent does not know the context (-n) or context engine ID (-E)".to_string()
            }
            UsmReport::Unknown(oid) => format!("the agent sent a Report with counter {oid}"),
        }
    }
}

impl fmt::Display for UsmReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UsmReport::Unknown(oid) => write!(f, "report {oid}"),
            known => write!(f, "{} ({})", known.name(), known.oid()),
        }
    }
}

/// The usmStats counters (Counter32, RFC 3414 section 5) of an authoritative engine.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct UsmStats {
    pub unsupported_sec_levels: u32,
    pub not_in_time_windows: u32,
    pub unknown_user_names: u32,
    pub unknown_engine_ids: u32,
    pub wrong_digests: u32,
    pub decryption_errors: u32,
}

impl UsmStats {
    fn slot(&mut self, report: &UsmReport) -> Option<&mut u32> {
        Some(match report {
            UsmReport::UnsupportedSecLevels => &mut self.unsupported_sec_levels,
            UsmReport::NotInTimeWindows => &mut self.not_in_time_windows,
            UsmReport::UnknownUserNames => &mut self.unknown_user_names,
            UsmReport::UnknownEngineIds => &mut self.unknown_engine_ids,
            UsmReport::WrongDigests => &mut self.wrong_digests,
            UsmReport::DecryptionErrors => &mut self.decryption_errors,
            _ => return None,
        })
    }

    /// Counts one more; returns the new value (Counter32 wraps). None for non-USM counters.
    pub fn increment(&mut self, report: &UsmReport) -> Option<u32> {
        self.slot(report).map(|n| {
            *n = n.wrapping_add(1);
            *n
        })
    }

    pub fn get(&self, report: &UsmReport) -> Option<u32> {
        let mut copy = *self;
        copy.slot(report).map(|n| *n)
    }

    /// The counters as (instance OID, Counter32) pairs, for an agent serving usmStats.
    pub fn varbinds(&self) -> Vec<(Oid, Value)> {
        UsmReport::USM
            .iter()
            .map(|r| (r.oid(), Value::Counter32(self.get(r).unwrap_or(0))))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::pdu::{Pdu, RequestId, VarBind};

    #[test]
    fn oids_classify_both_ways() {
        for r in UsmReport::known() {
            assert_eq!(UsmReport::from_oid(&r.oid()), r);
            assert_eq!(
                UsmReport::from_oid(&r.oid().parent().unwrap()),
                r,
                "without .0"
            );
            assert!(!r.explain(&UserName::new("u")).is_empty());
        }
        let table = [
            ("1.3.6.1.6.3.15.1.1.1.0", UsmReport::UnsupportedSecLevels),
            ("1.3.6.1.6.3.15.1.1.2.0", UsmReport::NotInTimeWindows),
            ("1.3.6.1.6.3.15.1.1.3.0", UsmReport::UnknownUserNames),
            ("1.3.6.1.6.3.15.1.1.4.0", UsmReport::UnknownEngineIds),
            ("1.3.6.1.6.3.15.1.1.5.0", UsmReport::WrongDigests),
            ("1.3.6.1.6.3.15.1.1.6.0", UsmReport::DecryptionErrors),
            ("1.3.6.1.6.3.12.1.5.0", UsmReport::UnknownContexts),
        ];
        for (text, r) in table {
            assert_eq!(UsmReport::from_oid(&text.parse().unwrap()), r, "{text}");
        }
        let odd: Oid = "1.3.6.1.6.3.15.1.1.7.0".parse().unwrap();
        assert_eq!(UsmReport::from_oid(&odd), UsmReport::Unknown(odd.clone()));
        assert!(
            UsmReport::Unknown(odd)
                .explain(&UserName::new("u"))
                .contains("1.3.6.1.6.3.15.1.1.7.0")
        );
        let user = UserName::new("bob");
        assert!(UsmReport::WrongDigests.explain(&user).contains("-a/-A"));
        assert!(UsmReport::WrongDigests.explain(&user).contains("'bob'"));
        assert!(
            UsmReport::DecryptionErrors
                .explain(&user)
                .contains("AES-192-C")
        );
    }

    #[test]
    fn report_from_pdu() {
        let pdu = PduBody::Pdu(Pdu {
            kind: PduType::Report,
            request_id: RequestId(1),
            error_status: Default::default(),
            error_index: 0,
            varbinds: vec![VarBind::new(
                UsmReport::WrongDigests.oid(),
                Value::Counter32(7),
            )],
        });
        assert_eq!(
            UsmReport::from_pdu(&pdu),
            Some((UsmReport::WrongDigests, Some(7)))
        );
        let response = PduBody::Pdu(Pdu::request(PduType::Response, RequestId(1), vec![]));
        assert_eq!(UsmReport::from_pdu(&response), None);
    }

    #[test]
    fn stats_count_and_wrap() {
        let mut s = UsmStats::default();
        assert_eq!(s.increment(&UsmReport::WrongDigests), Some(1));
        assert_eq!(s.increment(&UsmReport::WrongDigests), Some(2));
        assert_eq!(s.increment(&UsmReport::InvalidMsgs), None);
        s.decryption_errors = u32::MAX;
        assert_eq!(s.increment(&UsmReport::DecryptionErrors), Some(0));
        let vbs = s.varbinds();
        assert_eq!(vbs.len(), 6);
        assert_eq!(vbs[4], (UsmReport::WrongDigests.oid(), Value::Counter32(2)));
    }
}
