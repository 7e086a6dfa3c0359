//! `get`, `getnext`, `bulkget` and `set`: one request (a few, when snmpget's error fixing
//! retries without a failed varbind), printed as snmpget/snmpset print.

use std::io::Write;
use std::net::Ipv4Addr;

use clap::Args;

use super::options::{AppFlag, RequestOptions, Session, parse_app_flags, parse_oid};
use super::{CliError, Outcome, report_error_status, report_request_error};
use crate::output::syntax::{BaseType, RenderHints};
use crate::output::{OutputOptions, write_varbind_named};
use crate::proto::engine::{MaxRepetitions, Operation, Response};
use crate::proto::value::OpaqueValue;
use crate::proto::{ErrorStatus, Oid, Value, VarBind};

#[derive(Args, Debug)]
#[command(allow_negative_numbers = true)]
pub struct GetArgs {
    #[command(flatten)]
    pub request: RequestOptions,
    /// Application options: f (do not fix errors and retry the request)
    #[arg(short = 'C', value_name = "APPOPTS", action = clap::ArgAction::Append)]
    pub app: Vec<String>,
    /// Objects to fetch
    #[arg(value_name = "OID", required = true)]
    pub oids: Vec<String>,
}

#[derive(Args, Debug)]
pub struct BulkGetArgs {
    #[command(flatten)]
    pub request: RequestOptions,
    /// Application options: n<NUM> non-repeaters (default 0), r<NUM> max-repetitions
    /// (default 10)
    #[arg(short = 'C', value_name = "APPOPTS", action = clap::ArgAction::Append)]
    pub app: Vec<String>,
    /// Objects: the first non-repeaters are fetched once (GetNext), the others repeated up
    /// to max-repetitions times
    #[arg(value_name = "OID", required = true)]
    pub oids: Vec<String>,
}

#[derive(Args, Debug)]
#[command(allow_negative_numbers = true)]
pub struct SetArgs {
    #[command(flatten)]
    pub request: RequestOptions,
    /// OID TYPE VALUE, repeated. TYPE: i INTEGER, u Unsigned32, c Counter32, C Counter64,
    /// t TimeTicks, a IpAddress, o OID, s string, x hex string, d decimal bytes, b BITS,
    /// n NULL, U/I Opaque unsigned/signed 64-bit, F/D Opaque float/double
    /// (a value may start with '-': snmpset -c private agent oid s "-x")
    #[arg(
        value_name = "OID TYPE VALUE",
        required = true,
        num_args = 1..,
        allow_hyphen_values = true
    )]
    pub assignments: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GetKind {
    Get,
    GetNext,
}

fn print_all(varbinds: &[VarBind], options: &OutputOptions) -> Result<(), CliError> {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for vb in varbinds {
        write_varbind_named(&mut out, vb, options, super::options::output_names())?;
    }
    out.flush()?;
    Ok(())
}

pub async fn run_get(args: GetArgs, kind: GetKind) -> Result<Outcome, CliError> {
    let session = args.request.session().await?;
    let fix = !parse_app_flags(&args.app, "f", "", "")?.contains(&AppFlag::Letter('f'));
    let mut oids = args
        .oids
        .iter()
        .map(|s| parse_oid(s))
        .collect::<Result<Vec<Oid>, _>>()?;
    let mut outcome = Outcome::Success;
    loop {
        let op = match kind {
            GetKind::Get => Operation::Get(oids.clone()),
            GetKind::GetNext => Operation::GetNext(oids.clone()),
        };
        let response = match session.client.request(&session.target, op).await {
            Ok(r) => r,
            Err(e) => {
                report_request_error(&e, &session.label, true);
                return Ok(Outcome::Failure);
            }
        };
        // snmpget ends "Error in packet" without a period, snmpgetnext with one.
        if conclude(&session, &response, kind == GetKind::GetNext)? == Outcome::Success {
            return Ok(outcome);
        }
        outcome = Outcome::AgentError;
        // snmpget's default: drop the failed varbind and ask again for the rest.
        match fixed_request(&oids, &response) {
            Some(rest) if fix => oids = rest,
            _ => return Ok(outcome),
        }
    }
}

/// The request without the varbind the error points at, when anything remains
/// (Net-SNMP's snmp_fix_pdu).
fn fixed_request(oids: &[Oid], response: &Response) -> Option<Vec<Oid>> {
    let failed = usize::try_from(response.error_index - 1).ok()?;
    if failed >= oids.len() || oids.len() < 2 {
        return None;
    }
    Some(
        oids.iter()
            .enumerate()
            .filter(|(i, _)| *i != failed)
            .map(|(_, o)| o.clone())
            .collect(),
    )
}

pub async fn run_bulkget(args: BulkGetArgs) -> Result<Outcome, CliError> {
    let session = args.request.session().await?;
    let (mut non_repeaters, mut max_repetitions) = (0, 10);
    for flag in parse_app_flags(&args.app, "", "nr", "")? {
        match flag {
            AppFlag::Number('n', n) => non_repeaters = n,
            AppFlag::Number('r', n) => max_repetitions = n,
            _ => {}
        }
    }
    let oids = args
        .oids
        .iter()
        .map(|s| parse_oid(s))
        .collect::<Result<Vec<Oid>, _>>()?;
    let op = Operation::GetBulk {
        non_repeaters,
        max_repetitions: MaxRepetitions(max_repetitions),
        oids,
    };
    match session.client.request(&session.target, op).await {
        Ok(r) => conclude(&session, &r, true),
        Err(e) => {
            report_request_error(&e, &session.label, true);
            Ok(Outcome::Failure)
        }
    }
}

pub async fn run_set(args: SetArgs) -> Result<Outcome, CliError> {
    let session = args.request.session().await?;
    if args.assignments.len() % 3 != 0 {
        return Err(CliError::Usage(format!(
            "set takes OID TYPE VALUE triples; got {} words after the agent",
            args.assignments.len()
        )));
    }
    let varbinds = varbind_triples(&args.assignments)?;
    match session
        .client
        .request(&session.target, Operation::Set(varbinds))
        .await
    {
        Ok(r) => conclude(&session, &r, true),
        Err(e) => {
            report_request_error(&e, &session.label, true);
            Ok(Outcome::Failure)
        }
    }
}

/// Shows one answer as snmpget/snmpset do: the engine's notices, then the varbinds, or the
/// error-status ("Error in packet", with a period for all but snmpget).
fn conclude(session: &Session, response: &Response, period: bool) -> Result<Outcome, CliError> {
    super::report_notices(&response.notices);
    if response.error_status == ErrorStatus::NoError {
        print_all(&response.varbinds, &session.output)?;
        return Ok(Outcome::Success);
    }
    report_error_status(response, period, &session.output);
    Ok(Outcome::AgentError)
}

/// `OID TYPE VALUE` triples (snmpset's, snmptrap's) as varbinds; the caller checked that
/// the words come in threes.
pub fn varbind_triples(words: &[String]) -> Result<Vec<VarBind>, CliError> {
    words
        .chunks(3)
        .map(|t| {
            let oid = parse_oid(&t[0])?;
            let syntax = super::options::output_names()
                .resolve(oid.arcs())
                .and_then(|r| r.syntax);
            let value = parse_set_value_with(
                t.get(1).map_or("", String::as_str),
                t.get(2).map_or("", String::as_str),
                syntax,
            )
            .map_err(|e| CliError::Value(format!("{}: {e}", t[0])))?;
            Ok(VarBind::new(oid, value))
        })
        .collect()
}

/// `parse_set_value` with what the MIB says of the object: `i` also takes an enum label
/// (`i up`), and `=` takes the type from the MIB, as snmpset does.
pub fn parse_set_value_with(
    kind: &str,
    text: &str,
    syntax: Option<&RenderHints>,
) -> Result<Value, String> {
    if kind == "i"
        && text.trim().parse::<i64>().is_err()
        && let Some(s) = syntax
    {
        let label = text.trim();
        // `up` or Net-SNMP's printed form `up(1)`.
        let label = label.split_once('(').map_or(label, |(l, _)| l);
        return s
            .enums
            .iter()
            .find(|(_, name)| name == label)
            .map(|(n, _)| Value::Integer(*n))
            .ok_or_else(|| {
                let known: Vec<&str> = s.enums.iter().map(|(_, n)| n.as_str()).collect();
                if known.is_empty() {
                    format!("'{text}' is not a number, and the object has no named values")
                } else {
                    format!("'{text}' is not one of its values: {}", known.join(", "))
                }
            });
    }
    if kind == "=" {
        let Some(s) = syntax else {
            return Err(
                "type '=' takes the type from the MIB, and no loaded MIB knows this object".into(),
            );
        };
        let letter = match s.base {
            BaseType::Integer => "i",
            BaseType::Unsigned32 | BaseType::Gauge32 | BaseType::UInteger32 => "u",
            BaseType::Counter32 => "c",
            BaseType::Counter64 => "C",
            BaseType::TimeTicks => "t",
            BaseType::OctetString => "s",
            BaseType::Bits => "b",
            BaseType::ObjectId => "o",
            BaseType::IpAddress | BaseType::NetworkAddress => "a",
            other => {
                return Err(format!(
                    "type '=': the MIB's type ({other:?}) has no snmpset letter; give one"
                ));
            }
        };
        return parse_set_value_with(letter, text, Some(s));
    }
    parse_set_value(kind, text)
}

/// Converts a snmpset TYPE letter and VALUE text into a value.
pub fn parse_set_value(kind: &str, text: &str) -> Result<Value, String> {
    let number = |what: &str| format!("'{text}' is not a valid {what}");
    Ok(match kind {
        "i" => Value::Integer(i64::from(
            text.trim()
                .parse::<i32>()
                .map_err(|_| number("INTEGER (-2147483648..2147483647)"))?,
        )),
        "u" => Value::Gauge32(
            text.trim()
                .parse()
                .map_err(|_| number("unsigned 32-bit number"))?,
        ),
        "c" => Value::Counter32(text.trim().parse().map_err(|_| number("Counter32"))?),
        "C" => Value::Counter64(text.trim().parse().map_err(|_| number("Counter64"))?),
        "t" => Value::TimeTicks(text.trim().parse().map_err(|_| number("TimeTicks value"))?),
        "a" => Value::IpAddress(
            text.trim()
                .parse::<Ipv4Addr>()
                .map_err(|_| number("IPv4 address"))?
                .octets(),
        ),
        "o" => Value::ObjectId(parse_oid(text).map_err(|e| e.to_string())?),
        "s" => Value::OctetString(text.as_bytes().to_vec()),
        "x" => Value::OctetString(parse_hex(text)?),
        "d" => Value::OctetString(
            text.split(['.', ' '])
                .filter(|p| !p.is_empty())
                .map(|p| {
                    p.parse::<u8>()
                        .map_err(|_| format!("'{p}' in '{text}' is not a byte 0..255"))
                })
                .collect::<Result<_, _>>()?,
        ),
        "b" => Value::OctetString(parse_bits(text)?),
        "n" => Value::Null,
        "U" => Value::Opaque(
            OpaqueValue::UInt64(
                text.trim()
                    .parse()
                    .map_err(|_| number("unsigned 64-bit number"))?,
            )
            .encode(),
        ),
        "I" => Value::Opaque(
            OpaqueValue::Int64(
                text.trim()
                    .parse()
                    .map_err(|_| number("signed 64-bit number"))?,
            )
            .encode(),
        ),
        "F" => Value::Opaque(
            OpaqueValue::Float(text.trim().parse().map_err(|_| number("float"))?).encode(),
        ),
        "D" => Value::Opaque(
            OpaqueValue::Double(text.trim().parse().map_err(|_| number("double"))?).encode(),
        ),
        "=" => return Err("type '=' takes the type from the MIB".into()),
        other => {
            return Err(format!(
                "unknown type '{other}': use one of i u c C t a o s x d b n U I F D"
            ));
        }
    })
}

fn parse_hex(text: &str) -> Result<Vec<u8>, String> {
    use crate::proto::hex::{HexError, decode};
    decode(text).map_err(|e| match e {
        HexError::OddLength(_) => format!("hex string '{text}' has an odd number of digits"),
        HexError::NotHex(c) => format!("'{c}' in '{text}' is not hex"),
    })
}

/// BITS: bit numbers separated by spaces or commas; bit 0 is the top bit of the first byte
/// (RFC 2578 section 7.1.4).
fn parse_bits(text: &str) -> Result<Vec<u8>, String> {
    let mut bytes: Vec<u8> = Vec::new();
    for part in text.split([' ', ',']).filter(|p| !p.is_empty()) {
        let bit: usize = part
            .parse()
            .ok()
            .filter(|b| *b < 65_536)
            .ok_or_else(|| format!("'{part}' is not a bit number"))?;
        if bytes.len() <= bit / 8 {
            bytes.resize(bit / 8 + 1, 0);
        }
        bytes[bit / 8] |= 0x80 >> (bit % 8);
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_values() {
        assert_eq!(parse_set_value("i", "-5"), Ok(Value::Integer(-5)));
        assert_eq!(
            parse_set_value("u", "4294967295"),
            Ok(Value::Gauge32(u32::MAX))
        );
        assert_eq!(
            parse_set_value("a", "10.0.0.1"),
            Ok(Value::IpAddress([10, 0, 0, 1]))
        );
        assert_eq!(
            parse_set_value("x", "0a 0B:ff"),
            Ok(Value::OctetString(vec![10, 11, 255]))
        );
        assert_eq!(
            parse_set_value("x", "0x0aff"),
            Ok(Value::OctetString(vec![10, 255]))
        );
        assert_eq!(
            parse_set_value("d", "1.2.255"),
            Ok(Value::OctetString(vec![1, 2, 255]))
        );
        assert_eq!(
            parse_set_value("b", "0 9"),
            Ok(Value::OctetString(vec![0x80, 0x40]))
        );
        assert_eq!(
            parse_set_value("C", "18446744073709551615"),
            Ok(Value::Counter64(u64::MAX))
        );
        assert_eq!(
            parse_set_value("o", ".1.3.6.1"),
            Ok(Value::ObjectId("1.3.6.1".parse().unwrap()))
        );
        assert_eq!(parse_set_value("n", "x"), Ok(Value::Null));
        for (k, v) in [
            ("i", "2147483648"),
            ("u", "-1"),
            ("x", "abc"),
            ("a", "1.2.3"),
            ("d", "256"),
            ("q", "1"),
        ] {
            assert!(parse_set_value(k, v).is_err(), "{k} {v}");
        }
    }
}
