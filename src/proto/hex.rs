//! Hex text to bytes, the one parser every caller uses (engine ids, keys, `set ... x`,
//! snapshots, captured messages, test fixtures): `0x` or `0X` in front is optional, and
//! whitespace, `:` and `-` between digits are skipped (`80:00:1f:88`, `80 00 1f 88`,
//! `0x80001f88`). Callers turn `HexError` into a message naming what they were reading.

/// Why text is not hex bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum HexError {
    #[error("'{0}' is not a hex digit")]
    NotHex(char),
    #[error("an odd number of hex digits ({0})")]
    OddLength(usize),
}

/// The bytes `text` spells in hex (empty text is no bytes).
pub fn decode(text: &str) -> Result<Vec<u8>, HexError> {
    let t = text.trim();
    let t = t
        .strip_prefix("0x")
        .or_else(|| t.strip_prefix("0X"))
        .unwrap_or(t);
    let mut out = Vec::with_capacity(t.len() / 2);
    let mut high: Option<u8> = None;
    let mut digits = 0;
    for c in t.chars() {
        if c.is_ascii_whitespace() || c == ':' || c == '-' {
            continue;
        }
        let v = c.to_digit(16).ok_or(HexError::NotHex(c))? as u8;
        digits += 1;
        match high.take() {
            None => high = Some(v),
            Some(h) => out.push(h << 4 | v),
        }
    }
    if high.is_some() {
        return Err(HexError::OddLength(digits));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_spelling_callers_accept() {
        let want = Ok(vec![0x80, 0x00, 0x1f, 0x88]);
        for text in [
            "80001f88",
            "0x80001F88",
            "0X80001f88",
            " 80:00:1f:88 ",
            "80 00 1f 88",
            "80-00-1f-88",
            "80 00\n1f\t88",
        ] {
            assert_eq!(decode(text), want, "{text:?}");
        }
        assert_eq!(decode(""), Ok(vec![]));
        assert_eq!(decode("0x"), Ok(vec![]));
    }

    #[test]
    fn errors_say_what_is_wrong() {
        assert_eq!(decode("800"), Err(HexError::OddLength(3)));
        assert_eq!(decode("8 0 0"), Err(HexError::OddLength(3)));
        assert_eq!(decode("80g1"), Err(HexError::NotHex('g')));
        assert_eq!(decode("0x0x12"), Err(HexError::NotHex('x')));
        assert_eq!(
            decode("zz").unwrap_err().to_string(),
            "'z' is not a hex digit"
        );
    }
}
