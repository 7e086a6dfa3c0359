//! The command responder: one request PDU in, its Response PDU out, by RFC 3416 section 4.2
//! (v2 semantics) or RFC 1157 section 4.1 with RFC 3584 section 4.2 (v1 semantics). It knows
//! no messages, communities or security models: the message layer (`agent::dispatcher` for
//! v1/v2c, later USM for v3) says which semantics apply, what the requester may do, and how
//! many bytes a PDU makes once wrapped in a message.

use std::time::Instant;

use super::faults::NonIncreasing;
use super::store::{Lookup, ObjectStore, SetError};
use crate::proto::ber::Writer;
use crate::proto::value::ValueKind;
use crate::proto::{ErrorStatus, Oid, Pdu, PduType, Value, VarBind};

/// Which protocol rules a request is answered by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Semantics {
    /// SNMPv1: noSuchName with an error-index, no exception values, no Counter64, no GetBulk.
    V1,
    /// SNMPv2c and SNMPv3: exception values, GetBulk, the v2 error-status values.
    V2,
}

/// What the requester's credentials allow (its community, later its v3 user and VACM view).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Rights {
    ReadOnly,
    ReadWrite,
}

/// A request as the message layer hands it over.
pub struct Request<'a> {
    pub pdu: &'a Pdu,
    pub semantics: Semantics,
    pub rights: Rights,
    pub now: Instant,
    /// The largest message the response may make (a local constraint, or the requester's
    /// msgMaxSize with v3).
    pub max_size: usize,
}

/// What became of a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Answer {
    Response(Pdu),
    /// Not a request this responder answers (a Response, a Trap, GetBulk in v1, ...).
    NotARequest,
    /// Even the tooBig response would not fit in `max_size` (RFC 3416 section 4.2.1 says to
    /// count snmpSilentDrops and send nothing).
    SilentDrop,
}

/// Answers `request` from `store`. `encoded_len` gives the size of the message that would
/// carry a PDU; `non_increasing` is the fault that makes GetNext/GetBulk go backwards.
pub fn respond(
    store: &mut ObjectStore,
    request: &Request<'_>,
    encoded_len: &dyn Fn(&Pdu) -> usize,
    non_increasing: Option<&NonIncreasing>,
) -> Answer {
    let pdu = request.pdu;
    let reader = Reader {
        store,
        now: request.now,
        semantics: request.semantics,
        non_increasing,
    };
    let response = match (pdu.kind, request.semantics) {
        (PduType::GetRequest, _) => reader.get(pdu),
        (PduType::GetNextRequest, _) => reader.get_next(pdu),
        (PduType::GetBulkRequest, Semantics::V2) => {
            return reader.get_bulk(pdu, request.max_size, encoded_len);
        }
        (PduType::SetRequest, _) => set(store, request),
        _ => return Answer::NotARequest,
    };
    fit(pdu, response, request, encoded_len)
}

/// Sends `response` if it fits, else tooBig (RFC 3416 section 4.2.1; RFC 1157 section
/// 4.1.2 keeps the request's varbinds in a v1 tooBig).
fn fit(
    request_pdu: &Pdu,
    response: Pdu,
    request: &Request<'_>,
    encoded_len: &dyn Fn(&Pdu) -> usize,
) -> Answer {
    if encoded_len(&response) <= request.max_size {
        return Answer::Response(response);
    }
    too_big(
        request_pdu,
        request.semantics,
        request.max_size,
        encoded_len,
    )
}

/// The tooBig response to `request_pdu`, if it fits in `max_size`.
pub fn too_big(
    request_pdu: &Pdu,
    semantics: Semantics,
    max_size: usize,
    encoded_len: &dyn Fn(&Pdu) -> usize,
) -> Answer {
    let varbinds = match semantics {
        Semantics::V1 => request_pdu.varbinds.clone(),
        Semantics::V2 => Vec::new(),
    };
    let mut too_big = request_pdu.response(ErrorStatus::TooBig, 0, varbinds);
    if encoded_len(&too_big) > max_size {
        too_big.varbinds.clear();
    }
    if encoded_len(&too_big) > max_size {
        return Answer::SilentDrop;
    }
    Answer::Response(too_big)
}

/// Read access to the store for Get, GetNext and GetBulk.
struct Reader<'s> {
    store: &'s ObjectStore,
    now: Instant,
    semantics: Semantics,
    non_increasing: Option<&'s NonIncreasing>,
}

impl Reader<'_> {
    /// An error response echoing the request's varbinds (RFC 1157 section 4.1.2: "of
    /// identical form"; RFC 3416 section 4.2.5 for Set).
    fn error(pdu: &Pdu, status: ErrorStatus, index: usize) -> Pdu {
        pdu.response(status, index as i64 + 1, pdu.varbinds.clone())
    }

    /// RFC 3416 section 4.2.1; RFC 1157 section 4.1.2 with RFC 3584 section 4.2.2.1 (a v1
    /// requester cannot see Counter64: noSuchName).
    fn get(&self, pdu: &Pdu) -> Pdu {
        let mut out = Vec::with_capacity(pdu.varbinds.len());
        for (i, vb) in pdu.varbinds.iter().enumerate() {
            let value = match (self.store.get(&vb.oid, self.now), self.semantics) {
                (Lookup::Found(v), Semantics::V2) => v,
                (Lookup::Found(v), Semantics::V1) if v.kind() != ValueKind::Counter64 => v,
                (Lookup::NoSuchInstance, Semantics::V2) => Value::NoSuchInstance,
                (Lookup::NoSuchObject, Semantics::V2) => Value::NoSuchObject,
                (_, Semantics::V1) => return Self::error(pdu, ErrorStatus::NoSuchName, i),
            };
            out.push(VarBind::new(vb.oid.clone(), value));
        }
        pdu.response(ErrorStatus::NoError, 0, out)
    }

    /// RFC 3416 section 4.2.2; v1: noSuchName past the end, Counter64 skipped.
    fn get_next(&self, pdu: &Pdu) -> Pdu {
        let mut out = Vec::with_capacity(pdu.varbinds.len());
        for (i, vb) in pdu.varbinds.iter().enumerate() {
            match (self.successor(&vb.oid), self.semantics) {
                (Some(next), _) => out.push(next),
                (None, Semantics::V2) => {
                    out.push(VarBind::new(vb.oid.clone(), Value::EndOfMibView));
                }
                (None, Semantics::V1) => return Self::error(pdu, ErrorStatus::NoSuchName, i),
            }
        }
        pdu.response(ErrorStatus::NoError, 0, out)
    }

    /// RFC 3416 section 4.2.3. The response is cut to fit `max_size` ("the ordered set of
    /// variable bindings with some of the variable bindings at the end of the set
    /// removed"), and ends early once every repeater is at endOfMibView. When not one
    /// varbind fits, the answer is tooBig rather than an empty list.
    fn get_bulk(&self, pdu: &Pdu, max_size: usize, encoded_len: &dyn Fn(&Pdu) -> usize) -> Answer {
        let n = (pdu.non_repeaters() as usize).min(pdu.varbinds.len());
        let m = pdu.max_repetitions();
        let end = |oid: &Oid| VarBind::new(oid.clone(), Value::EndOfMibView);
        let mut out = Vec::new();
        // Running size of the varbinds: once past max_size nothing more can fit.
        let mut size = 0usize;
        let mut push = |out: &mut Vec<VarBind>, vb: VarBind| {
            size += varbind_len(&vb);
            out.push(vb);
            size <= max_size
        };
        let mut room = true;
        for vb in &pdu.varbinds[..n] {
            let next = self.successor(&vb.oid).unwrap_or_else(|| end(&vb.oid));
            room = push(&mut out, next);
            if !room {
                break;
            }
        }
        let mut last: Vec<Oid> = pdu.varbinds[n..].iter().map(|vb| vb.oid.clone()).collect();
        if room && !last.is_empty() {
            'repetitions: for _ in 0..m {
                let mut any = false;
                for oid in &mut last {
                    let next = match self.successor(oid) {
                        Some(next) => {
                            any = true;
                            oid.clone_from(&next.oid);
                            next
                        }
                        None => end(oid),
                    };
                    if !push(&mut out, next) {
                        break 'repetitions;
                    }
                }
                if !any {
                    break;
                }
            }
        }
        // Cut to the longest prefix that fits.
        let mut response = pdu.response(ErrorStatus::NoError, 0, out);
        if encoded_len(&response) > max_size {
            let all = std::mem::take(&mut response.varbinds);
            let (mut lo, mut hi) = (0usize, all.len());
            while lo < hi {
                let mid = (lo + hi).div_ceil(2);
                response.varbinds = all[..mid].to_vec();
                if encoded_len(&response) <= max_size {
                    lo = mid;
                } else {
                    hi = mid - 1;
                }
            }
            // Not even one varbind fits: an empty Response would read as "nothing there",
            // so say tooBig, which a manager can act on.
            if lo == 0 {
                return too_big(pdu, Semantics::V2, max_size, encoded_len);
            }
            response.varbinds = all[..lo].to_vec();
        }
        Answer::Response(response)
    }

    /// The next object after `oid` that this requester may see, or what the non-increasing
    /// fault puts there instead.
    fn successor(&self, oid: &Oid) -> Option<VarBind> {
        let visible = |k: ValueKind| self.semantics == Semantics::V2 || k != ValueKind::Counter64;
        let next = self.store.next_after(oid, self.now, visible)?;
        let Some(fault) = self.non_increasing else {
            return Some(next);
        };
        if next.oid < fault.from {
            return Some(next);
        }
        let back = match &fault.back_to {
            Some(to) => self.store.at_or_before(to, self.now),
            None => self.store.at_or_before(oid, self.now),
        };
        Some(back.unwrap_or(next))
    }
}

/// RFC 3416 section 4.2.5 for v2; RFC 1157 section 4.1.5 with RFC 3584 section 4.4's
/// error mapping for v1. All varbinds are checked before any is written, so a Set is done
/// entirely or not at all.
fn set(store: &mut ObjectStore, request: &Request<'_>) -> Pdu {
    let pdu = request.pdu;
    let v1 = request.semantics == Semantics::V1;
    if request.rights == Rights::ReadOnly {
        // The write view of a read-only community is empty (RFC 3584 section 5.2.1).
        let status = if v1 {
            ErrorStatus::NoSuchName
        } else {
            ErrorStatus::NoAccess
        };
        return Reader::error(pdu, status, 0);
    }
    for (i, vb) in pdu.varbinds.iter().enumerate() {
        if let Err(e) = store.check_set(&vb.oid, &vb.value) {
            let status = match (e, v1) {
                (SetError::NotWritable | SetError::NoCreation, true) => ErrorStatus::NoSuchName,
                (SetError::WrongType | SetError::WrongLength | SetError::WrongValue, true) => {
                    ErrorStatus::BadValue
                }
                (SetError::NotWritable, false) => ErrorStatus::NotWritable,
                (SetError::NoCreation, false) => ErrorStatus::NoCreation,
                (SetError::WrongType, false) => ErrorStatus::WrongType,
                (SetError::WrongLength, false) => ErrorStatus::WrongLength,
                (SetError::WrongValue, false) => ErrorStatus::WrongValue,
            };
            return Reader::error(pdu, status, i);
        }
    }
    for vb in &pdu.varbinds {
        store.set(&vb.oid, vb.value.clone(), request.now);
    }
    pdu.response(ErrorStatus::NoError, 0, pdu.varbinds.clone())
}

/// Encoded size of one varbind.
fn varbind_len(vb: &VarBind) -> usize {
    let mut w = Writer::new();
    let open = w.begin(crate::proto::ber::tag::SEQUENCE);
    w.oid(crate::proto::ber::tag::OBJECT_IDENTIFIER, &vb.oid);
    vb.value.encode(&mut w);
    w.end(open);
    w.len()
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::agent::snapshot::Snapshot;
    use crate::agent::store::StoreOptions;
    use crate::proto::message::CommunityMessage;
    use crate::proto::{Community, Message, PduBody, RequestId, Version};

    const SNAPSHOT: &str = r#"
.1.3.6.1.2.1.1.1.0 STRING "test switch"
.1.3.6.1.2.1.1.3.0 Timeticks uptime
.1.3.6.1.2.1.1.4.0 STRING "noc"
.1.3.6.1.2.1.1.5.0 STRING "sw1"
.1.3.6.1.2.1.2.1.0 INTEGER 2
.1.3.6.1.2.1.2.2.1.1.1 INTEGER 1
.1.3.6.1.2.1.2.2.1.1.2 INTEGER 2
.1.3.6.1.2.1.2.2.1.2.1 STRING "Gi1/0/1"
.1.3.6.1.2.1.2.2.1.2.2 STRING "Gi1/0/2"
.1.3.6.1.2.1.2.2.1.7.1 INTEGER 1
.1.3.6.1.2.1.2.2.1.7.2 INTEGER 2
.1.3.6.1.2.1.2.2.1.10.1 Counter32 100 rate=10
.1.3.6.1.2.1.2.2.1.10.2 Counter32 200
.1.3.6.1.2.1.31.1.1.1.6.1 Counter64 5000000000
.1.3.6.1.2.1.31.1.1.1.6.2 Counter64 6000000000
.1.3.6.1.2.1.31.1.1.1.18.1 STRING "uplink"
.1.3.6.1.2.1.31.1.1.1.18.2 STRING ""
"#;

    fn oid(s: &str) -> Oid {
        s.parse().unwrap()
    }

    fn store(t0: Instant) -> ObjectStore {
        ObjectStore::build(
            &Snapshot::parse(SNAPSHOT, "t").unwrap(),
            &StoreOptions::default(),
            t0,
        )
    }

    fn message_len(pdu: &Pdu) -> usize {
        Message::Community(CommunityMessage {
            version: Version::V2c,
            community: Community::new("public"),
            pdu: PduBody::Pdu(pdu.clone()),
        })
        .encode()
        .len()
    }

    struct Case {
        store: ObjectStore,
        now: Instant,
        semantics: Semantics,
        rights: Rights,
        max_size: usize,
        fault: Option<NonIncreasing>,
    }

    impl Case {
        fn new(semantics: Semantics) -> Case {
            let now = Instant::now();
            Case {
                store: store(now),
                now,
                semantics,
                rights: Rights::ReadWrite,
                max_size: 65507,
                fault: None,
            }
        }

        fn ask(&mut self, pdu: &Pdu) -> Answer {
            let request = Request {
                pdu,
                semantics: self.semantics,
                rights: self.rights,
                now: self.now,
                max_size: self.max_size,
            };
            respond(&mut self.store, &request, &message_len, self.fault.as_ref())
        }

        fn response(&mut self, pdu: &Pdu) -> Pdu {
            match self.ask(pdu) {
                Answer::Response(p) => {
                    assert_eq!(p.kind, PduType::Response);
                    assert_eq!(p.request_id, pdu.request_id);
                    p
                }
                other => panic!("{other:?}"),
            }
        }
    }

    fn request(kind: PduType, oids: &[&str]) -> Pdu {
        Pdu::request(
            kind,
            RequestId(77),
            oids.iter().map(|o| VarBind::null(oid(o))).collect(),
        )
    }

    fn set_request(items: Vec<(&str, Value)>) -> Pdu {
        Pdu::request(
            PduType::SetRequest,
            RequestId(78),
            items
                .into_iter()
                .map(|(o, v)| VarBind::new(oid(o), v))
                .collect(),
        )
    }

    fn bulk(non_repeaters: u32, max_repetitions: u32, oids: &[&str]) -> Pdu {
        Pdu::get_bulk(
            RequestId(79),
            non_repeaters,
            max_repetitions,
            oids.iter().map(|o| VarBind::null(oid(o))).collect(),
        )
    }

    fn text(s: &str) -> Value {
        Value::OctetString(s.as_bytes().to_vec())
    }

    fn names(p: &Pdu) -> Vec<String> {
        p.varbinds.iter().map(|vb| vb.oid.to_string()).collect()
    }

    #[test]
    fn v2_get_values_and_exceptions() {
        let mut c = Case::new(Semantics::V2);
        c.now += Duration::from_secs(3);
        let r = c.response(&request(
            PduType::GetRequest,
            &[
                "1.3.6.1.2.1.1.5.0",
                "1.3.6.1.2.1.1.3.0",
                "1.3.6.1.2.1.2.2.1.10.1",
                "1.3.6.1.2.1.1.5",
                "1.3.6.1.2.1.1.99.0",
                "1.3.6.1.2.1.31.1.1.1.6.1",
            ],
        ));
        assert_eq!(r.error_status, ErrorStatus::NoError);
        let values: Vec<Value> = r.varbinds.iter().map(|vb| vb.value.clone()).collect();
        assert_eq!(
            values,
            [
                text("sw1"),
                Value::TimeTicks(300),
                Value::Counter32(130),
                Value::NoSuchInstance,
                Value::NoSuchObject,
                Value::Counter64(5_000_000_000),
            ]
        );
    }

    #[test]
    fn v1_get_missing_or_counter64_is_no_such_name_with_index() {
        let mut c = Case::new(Semantics::V1);
        let req = request(
            PduType::GetRequest,
            &[
                "1.3.6.1.2.1.1.5.0",
                "1.3.6.1.2.1.1.99.0",
                "1.3.6.1.2.1.1.4.0",
            ],
        );
        let r = c.response(&req);
        assert_eq!(r.error_status, ErrorStatus::NoSuchName);
        assert_eq!(r.error_index, 2);
        assert_eq!(r.varbinds, req.varbinds);
        let r = c.response(&request(PduType::GetRequest, &["1.3.6.1.2.1.31.1.1.1.6.1"]));
        assert_eq!(
            (r.error_status, r.error_index),
            (ErrorStatus::NoSuchName, 1)
        );
    }

    #[test]
    fn get_next_in_both_semantics() {
        let mut c = Case::new(Semantics::V2);
        let r = c.response(&request(
            PduType::GetNextRequest,
            &[
                "1.3.6.1.2.1.1.1.0",
                "1.3.6.1.2.1.2.2.1.1.2",
                "1.3.6.1.2.1.2.2.1.18",
                "1.3.6.1.2.1.31.1.1.1.18.2",
            ],
        ));
        assert_eq!(
            names(&r),
            [
                ".1.3.6.1.2.1.1.3.0",
                ".1.3.6.1.2.1.2.2.1.2.1",
                ".1.3.6.1.2.1.31.1.1.1.6.1",
                ".1.3.6.1.2.1.31.1.1.1.18.2"
            ]
        );
        assert_eq!(r.varbinds[3].value, Value::EndOfMibView);

        let mut c = Case::new(Semantics::V1);
        // v1 skips the Counter64 column.
        let r = c.response(&request(
            PduType::GetNextRequest,
            &["1.3.6.1.2.1.2.2.1.10.2"],
        ));
        assert_eq!(names(&r), [".1.3.6.1.2.1.31.1.1.1.18.1"]);
        let req = request(
            PduType::GetNextRequest,
            &["1.3.6.1.2.1.1.1.0", "1.3.6.1.2.1.31.1.1.1.18.2"],
        );
        let r = c.response(&req);
        assert_eq!(
            (r.error_status, r.error_index),
            (ErrorStatus::NoSuchName, 2)
        );
        assert_eq!(r.varbinds, req.varbinds);
    }

    #[test]
    fn get_bulk_non_repeaters_and_repetitions() {
        let mut c = Case::new(Semantics::V2);
        let r = c.response(&bulk(
            1,
            3,
            &[
                "1.3.6.1.2.1.1.1.0",
                "1.3.6.1.2.1.2.2.1.1",
                "1.3.6.1.2.1.31.1.1.1.18",
            ],
        ));
        assert_eq!(
            names(&r),
            [
                ".1.3.6.1.2.1.1.3.0",
                ".1.3.6.1.2.1.2.2.1.1.1",
                ".1.3.6.1.2.1.31.1.1.1.18.1",
                ".1.3.6.1.2.1.2.2.1.1.2",
                ".1.3.6.1.2.1.31.1.1.1.18.2",
                ".1.3.6.1.2.1.2.2.1.2.1",
                ".1.3.6.1.2.1.31.1.1.1.18.2",
            ]
        );
        // The second repeater ran off the end: endOfMibView with the last name it had.
        assert_eq!(r.varbinds[6].value, Value::EndOfMibView);
        // Once every repeater is at the end, the response stops.
        let r = c.response(&bulk(0, 50, &["1.3.6.1.2.1.31.1.1.1.18.1"]));
        assert_eq!(
            names(&r),
            [".1.3.6.1.2.1.31.1.1.1.18.2", ".1.3.6.1.2.1.31.1.1.1.18.2"]
        );
        assert_eq!(r.varbinds[1].value, Value::EndOfMibView);
        // Non-repeaters beyond the varbinds count as all of them; no repeaters means none of
        // max-repetitions' work, however large.
        let r = c.response(&bulk(9, u32::MAX >> 1, &["1.3.6.1.2.1.1.1.0"]));
        assert_eq!(names(&r), [".1.3.6.1.2.1.1.3.0"]);
        let r = c.response(&bulk(0, 0, &["1.3.6.1.2.1.1.1.0"]));
        assert!(r.varbinds.is_empty());
    }

    #[test]
    fn get_bulk_is_truncated_to_the_size_limit() {
        let mut c = Case::new(Semantics::V2);
        let full = c.response(&bulk(0, 100, &["1.3"]));
        assert_eq!(full.varbinds.len(), 18); // 17 objects and endOfMibView
        assert!(message_len(&full) > 300);
        c.max_size = 300;
        let cut = c.response(&bulk(0, 100, &["1.3"]));
        assert!(message_len(&cut) <= 300);
        assert!(!cut.varbinds.is_empty());
        assert_eq!(cut.varbinds[..], full.varbinds[..cut.varbinds.len()]);
        // One more varbind would not have fitted.
        let mut more = cut.clone();
        more.varbinds
            .push(full.varbinds[cut.varbinds.len()].clone());
        assert!(message_len(&more) > 300);
        assert_eq!(cut.error_status, ErrorStatus::NoError);
        // Room for the header but not for one varbind: tooBig, not an empty answer.
        let empty = pdu_len_without_varbinds(&full);
        c.max_size = empty + 5;
        let r = c.response(&bulk(0, 100, &["1.3"]));
        assert_eq!((r.error_status, r.varbinds.len()), (ErrorStatus::TooBig, 0));
    }

    fn pdu_len_without_varbinds(p: &Pdu) -> usize {
        let mut empty = p.clone();
        empty.varbinds.clear();
        message_len(&empty)
    }

    #[test]
    fn too_big_for_get_in_v1_and_v2_and_silent_drop() {
        let oids = [
            "1.3.6.1.2.1.1.1.0",
            "1.3.6.1.2.1.1.4.0",
            "1.3.6.1.2.1.1.5.0",
        ];
        let req = request(PduType::GetRequest, &oids);
        let mut c = Case::new(Semantics::V2);
        let full = c.response(&req);
        c.max_size = message_len(&full) - 1;
        let r = c.response(&req);
        assert_eq!((r.error_status, r.error_index), (ErrorStatus::TooBig, 0));
        assert!(r.varbinds.is_empty());

        let mut c = Case::new(Semantics::V1);
        c.max_size = message_len(&full) - 1;
        let r = c.response(&req);
        assert_eq!((r.error_status, r.error_index), (ErrorStatus::TooBig, 0));
        assert_eq!(r.varbinds, req.varbinds);

        c.max_size = 10;
        assert_eq!(c.ask(&req), Answer::SilentDrop);
    }

    #[test]
    fn set_is_checked_whole_then_applied() {
        let mut c = Case::new(Semantics::V2);
        let bad = set_request(vec![
            ("1.3.6.1.2.1.1.5.0", text("new-name")),
            ("1.3.6.1.2.1.1.4.0", Value::Integer(5)),
        ]);
        let r = c.response(&bad);
        assert_eq!((r.error_status, r.error_index), (ErrorStatus::WrongType, 2));
        assert_eq!(r.varbinds, bad.varbinds);
        // Nothing was written.
        let r = c.response(&request(PduType::GetRequest, &["1.3.6.1.2.1.1.5.0"]));
        assert_eq!(r.varbinds[0].value, text("sw1"));

        let good = set_request(vec![
            ("1.3.6.1.2.1.1.5.0", text("new-name")),
            ("1.3.6.1.2.1.31.1.1.1.18.2", text("to core")),
        ]);
        let r = c.response(&good);
        assert_eq!(r.error_status, ErrorStatus::NoError);
        assert_eq!(r.varbinds, good.varbinds);
        let r = c.response(&request(
            PduType::GetRequest,
            &["1.3.6.1.2.1.1.5.0", "1.3.6.1.2.1.31.1.1.1.18.2"],
        ));
        assert_eq!(r.varbinds[0].value, text("new-name"));
        assert_eq!(r.varbinds[1].value, text("to core"));
    }

    #[test]
    fn set_errors_per_semantics() {
        // (varbind, v2 status, v1 status)
        let cases = [
            (
                ("1.3.6.1.2.1.1.1.0", text("x")),
                ErrorStatus::NotWritable,
                ErrorStatus::NoSuchName,
            ),
            (
                ("1.3.6.1.2.1.1.99.0", text("x")),
                ErrorStatus::NotWritable,
                ErrorStatus::NoSuchName,
            ),
            (
                ("1.3.6.1.2.1.31.1.1.1.18.9", text("x")),
                ErrorStatus::NoCreation,
                ErrorStatus::NoSuchName,
            ),
            (
                ("1.3.6.1.2.1.1.4.0", Value::Integer(1)),
                ErrorStatus::WrongType,
                ErrorStatus::BadValue,
            ),
            (
                ("1.3.6.1.2.1.1.4.0", Value::OctetString(vec![b'x'; 300])),
                ErrorStatus::WrongLength,
                ErrorStatus::BadValue,
            ),
            (
                ("1.3.6.1.2.1.2.2.1.7.1", Value::Integer(7)),
                ErrorStatus::WrongValue,
                ErrorStatus::BadValue,
            ),
        ];
        for ((o, v), v2, v1) in cases {
            for (semantics, want) in [(Semantics::V2, v2), (Semantics::V1, v1)] {
                let mut c = Case::new(semantics);
                let r = c.response(&set_request(vec![(o, v.clone())]));
                assert_eq!(
                    (r.error_status, r.error_index),
                    (want, 1),
                    "{o} {semantics:?}"
                );
            }
        }
        // A read-only community may not Set anything.
        for (semantics, want) in [
            (Semantics::V2, ErrorStatus::NoAccess),
            (Semantics::V1, ErrorStatus::NoSuchName),
        ] {
            let mut c = Case::new(semantics);
            c.rights = Rights::ReadOnly;
            let r = c.response(&set_request(vec![("1.3.6.1.2.1.1.5.0", text("x"))]));
            assert_eq!((r.error_status, r.error_index), (want, 1));
        }
    }

    #[test]
    fn not_requests_and_v1_bulk_are_not_answered() {
        let mut c = Case::new(Semantics::V1);
        assert_eq!(c.ask(&bulk(0, 5, &["1.3"])), Answer::NotARequest);
        let mut c = Case::new(Semantics::V2);
        assert_eq!(
            c.ask(&request(PduType::Response, &["1.3"])),
            Answer::NotARequest
        );
        assert_eq!(
            c.ask(&request(PduType::TrapV2, &["1.3"])),
            Answer::NotARequest
        );
    }

    #[test]
    fn non_increasing_fault_goes_back() {
        let mut c = Case::new(Semantics::V2);
        c.fault = Some(NonIncreasing {
            from: oid("1.3.6.1.2.1.2.2.1.2"),
            back_to: None,
        });
        // Before the fault's OID: normal.
        let r = c.response(&request(
            PduType::GetNextRequest,
            &["1.3.6.1.2.1.2.2.1.1.1"],
        ));
        assert_eq!(names(&r), [".1.3.6.1.2.1.2.2.1.1.2"]);
        // The next object would be ifDescr.1: the agent answers with what was asked.
        let r = c.response(&request(
            PduType::GetNextRequest,
            &["1.3.6.1.2.1.2.2.1.1.2"],
        ));
        assert_eq!(names(&r), [".1.3.6.1.2.1.2.2.1.1.2"]);
        assert_eq!(r.varbinds[0].value, Value::Integer(2));
        // Asked about a missing OID: the nearest object before it.
        let r = c.response(&request(
            PduType::GetNextRequest,
            &["1.3.6.1.2.1.2.2.1.1.3"],
        ));
        assert_eq!(names(&r), [".1.3.6.1.2.1.2.2.1.1.2"]);
        // GetBulk repeats the same object.
        let r = c.response(&bulk(0, 3, &["1.3.6.1.2.1.2.2.1.1.1"]));
        assert_eq!(
            names(&r),
            [
                ".1.3.6.1.2.1.2.2.1.1.2",
                ".1.3.6.1.2.1.2.2.1.1.2",
                ".1.3.6.1.2.1.2.2.1.1.2"
            ]
        );
        c.fault = Some(NonIncreasing {
            from: oid("1.3.6.1.2.1.2.2.1.2"),
            back_to: Some(oid("1.3.6.1.2.1.1.4.0")),
        });
        let r = c.response(&request(
            PduType::GetNextRequest,
            &["1.3.6.1.2.1.2.2.1.1.2"],
        ));
        assert_eq!(names(&r), [".1.3.6.1.2.1.1.4.0"]);
    }
}
