//! UsmSecurityParameters (RFC 3414 section 2.4), the content of msgSecurityParameters:
//! encoded with the BER `Writer`, decoded leniently with the `Reader`, and the position of
//! msgAuthenticationParameters so the HMAC can be computed over the whole message and
//! patched in (RFC 3414 6.3.1 step 3, 7.3.1 step 3).

use std::cell::Cell;
use std::ops::Range;

use super::{EngineBoots, EngineId, EngineTime, UserName};
use crate::proto::ber::{DecodeError, Quirks, Reader, Writer, tag};

/// ```text
/// UsmSecurityParameters ::= SEQUENCE {
///     msgAuthoritativeEngineID     OCTET STRING,
///     msgAuthoritativeEngineBoots  INTEGER (0..2147483647),
///     msgAuthoritativeEngineTime   INTEGER (0..2147483647),
///     msgUserName                  OCTET STRING (SIZE(0..32)),
///     msgAuthenticationParameters  OCTET STRING,
///     msgPrivacyParameters         OCTET STRING }
/// ```
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct UsmSecurityParameters {
    pub engine_id: EngineId,
    pub boots: EngineBoots,
    pub time: EngineTime,
    pub user: UserName,
    /// The truncated HMAC (zeros while it is being computed), empty without authentication.
    pub auth_params: Vec<u8>,
    /// The salt, empty without privacy.
    pub priv_params: Vec<u8>,
}

impl UsmSecurityParameters {
    /// The encoding, and where msgAuthenticationParameters' content lies in it.
    pub fn encode(&self) -> (Vec<u8>, Range<usize>) {
        let mut w = Writer::new();
        let open = w.begin(tag::SEQUENCE);
        w.octets(tag::OCTET_STRING, self.engine_id.as_bytes());
        w.integer(tag::INTEGER, i64::from(self.boots.0));
        w.integer(tag::INTEGER, i64::from(self.time.0));
        w.octets(tag::OCTET_STRING, self.user.as_bytes());
        w.octets(tag::OCTET_STRING, &self.auth_params);
        let auth_end = w.len();
        w.octets(tag::OCTET_STRING, &self.priv_params);
        let before_end = w.len();
        w.end(open);
        // A long-form SEQUENCE length shifts the content right by the bytes it added.
        let shift = w.len() - before_end;
        let auth = auth_end + shift - self.auth_params.len()..auth_end + shift;
        (w.into_bytes(), auth)
    }

    /// Decodes msgSecurityParameters' content.
    pub fn decode(bytes: &[u8]) -> Result<(UsmSecurityParameters, Quirks), DecodeError> {
        let quirks = Cell::new(Quirks::default());
        let r = Reader::new(bytes, &quirks);
        let (params, _) = Self::decode_from(&r, 0, bytes)?;
        Ok((params, quirks.get()))
    }

    /// Decodes `bytes`, which sit at offset `at` of a message read by `parent`; offsets in
    /// errors and the returned msgAuthenticationParameters range are message offsets.
    pub(crate) fn decode_from(
        parent: &Reader<'_, '_>,
        at: usize,
        bytes: &[u8],
    ) -> Result<(UsmSecurityParameters, Range<usize>), DecodeError> {
        let mut outer = parent.sub(at, bytes);
        let mut s = outer.read_constructed(tag::SEQUENCE, "UsmSecurityParameters")?;
        outer.expect_end("msgSecurityParameters")?;
        let engine_id = EngineId::new(s.read_octets("msgAuthoritativeEngineID")?);
        let boots = EngineBoots(read_u31(&mut s, "msgAuthoritativeEngineBoots")?);
        let time = EngineTime(read_u31(&mut s, "msgAuthoritativeEngineTime")?);
        let user = UserName::new(s.read_octets("msgUserName")?);
        let (auth_at, auth_params) =
            s.read_tagged(tag::OCTET_STRING, "msgAuthenticationParameters")?;
        let priv_params = s.read_octets("msgPrivacyParameters")?.to_vec();
        s.expect_end("UsmSecurityParameters")?;
        let params = UsmSecurityParameters {
            engine_id,
            boots,
            time,
            user,
            auth_params: auth_params.to_vec(),
            priv_params,
        };
        Ok((params, auth_at..auth_at + auth_params.len()))
    }
}

/// INTEGER (0..2147483647). Values up to 2^32-1 are kept (agents with an unsigned counter
/// exist); negative ones are refused.
fn read_u31(r: &mut Reader<'_, '_>, what: &'static str) -> Result<u32, DecodeError> {
    let at = r.offset();
    let v = r.read_integer(what)?;
    u32::try_from(v).map_err(|_| DecodeError::Invalid {
        offset: at,
        what,
        reason: "outside 0..4294967295",
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::ber::Quirk;
    use crate::proto::usm::test_util::hex;

    /// (description, value, encoding) pairs, each checked in both directions.
    fn table() -> Vec<(&'static str, UsmSecurityParameters, Vec<u8>)> {
        vec![
            (
                "discovery probe (snmpget)",
                UsmSecurityParameters::default(),
                hex("30 0e 04 00 02 01 00 02 01 00 04 00 04 00 04 00"),
            ),
            (
                "snmpd report to the probe",
                UsmSecurityParameters {
                    engine_id: EngineId::new(hex("80001f880474622d6167656e74")),
                    boots: EngineBoots(1),
                    time: EngineTime(8),
                    ..Default::default()
                },
                hex(
                    "30 1b 04 0d 80 00 1f 88 04 74 62 2d 61 67 65 6e 74 02 01 01 02 01 08 04 00 04 00 04 00",
                ),
            ),
            (
                "snmpget sha-aes request",
                UsmSecurityParameters {
                    engine_id: EngineId::new(hex("80001f880474622d6167656e74")),
                    boots: EngineBoots(1),
                    time: EngineTime(8),
                    user: UserName::new("sha-aes"),
                    auth_params: hex("749cf2a416ee75d6b69e9057"),
                    priv_params: hex("fa8ce02c7431e108"),
                },
                hex(
                    "30 36 04 0d 80 00 1f 88 04 74 62 2d 61 67 65 6e 74 02 01 01 02 01 08
                     04 07 73 68 61 2d 61 65 73 04 0c 74 9c f2 a4 16 ee 75 d6 b6 9e 90 57
                     04 08 fa 8c e0 2c 74 31 e1 08",
                ),
            ),
            (
                "boots and time at their maximum",
                UsmSecurityParameters {
                    engine_id: EngineId::new(vec![0x80, 0, 0, 0, 1]),
                    boots: EngineBoots(2_147_483_647),
                    time: EngineTime(2_147_483_647),
                    ..Default::default()
                },
                hex(
                    "30 19 04 05 80 00 00 00 01 02 04 7f ff ff ff 02 04 7f ff ff ff 04 00 04 00 04 00",
                ),
            ),
        ]
    }

    #[test]
    fn table_both_directions() {
        for (what, params, bytes) in table() {
            let (encoded, auth) = params.encode();
            assert_eq!(encoded, bytes, "encode {what}");
            assert_eq!(encoded[auth.clone()], params.auth_params[..], "{what}");
            let (decoded, quirks) = UsmSecurityParameters::decode(&bytes).unwrap();
            assert_eq!(decoded, params, "decode {what}");
            assert!(quirks.is_empty(), "{what}: {quirks:?}");
        }
    }

    #[test]
    fn auth_range_with_a_long_sequence_length() {
        // 32-byte engine id, 32-byte user and a 48-byte HMAC: the SEQUENCE needs 0x81 xx.
        let params = UsmSecurityParameters {
            engine_id: EngineId::new(vec![0x80; 32]),
            boots: EngineBoots(5),
            time: EngineTime(500_000),
            user: UserName::new(vec![b'u'; 32]),
            auth_params: (1..=48).collect(),
            priv_params: vec![9; 8],
        };
        let (encoded, auth) = params.encode();
        assert_eq!(encoded[1], 0x81);
        assert_eq!(encoded[auth.clone()], params.auth_params[..]);
        let q = Cell::new(Quirks::default());
        let parent = Reader::new(&encoded, &q);
        let (decoded, range) = UsmSecurityParameters::decode_from(&parent, 0, &encoded).unwrap();
        assert_eq!(decoded, params);
        assert_eq!(range, auth);
    }

    #[test]
    fn lenient_and_strict_parts() {
        // Long-form lengths are tolerated and noted.
        let bytes = hex("30 81 0e 04 00 02 01 00 02 01 00 04 00 04 00 04 00");
        let (p, quirks) = UsmSecurityParameters::decode(&bytes).unwrap();
        assert_eq!(p, UsmSecurityParameters::default());
        assert!(quirks.contains(Quirk::NonMinimalLength));
        // Negative boots, a missing field, an extra field, junk after the SEQUENCE.
        for bad in [
            "30 0e 04 00 02 01 ff 02 01 00 04 00 04 00 04 00",
            "30 0c 04 00 02 01 00 02 01 00 04 00 04 00",
            "30 10 04 00 02 01 00 02 01 00 04 00 04 00 04 00 04 00",
            "30 0e 04 00 02 01 00 02 01 00 04 00 04 00 04 00 00",
            "04 0e 04 00 02 01 00 02 01 00 04 00 04 00 04 00",
        ] {
            assert!(UsmSecurityParameters::decode(&hex(bad)).is_err(), "{bad}");
        }
        // Every truncation fails cleanly.
        let (good, _) = table().remove(2).1.encode();
        for n in 0..good.len() {
            assert!(UsmSecurityParameters::decode(&good[..n]).is_err(), "{n}");
        }
    }
}
