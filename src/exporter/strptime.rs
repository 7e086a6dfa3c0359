//! Dates as text to Unix seconds: the `datetime_pattern` of a `ParseDateAndTime` override
//! (strftime directives, as snmp_exporter's timefmt), and the calendar arithmetic the
//! DateAndTime type needs. Times without a zone are UTC.

/// Seconds since 1970-01-01T00:00:00Z of a UTC civil time. Months and days out of range
/// carry over, as Go's `time.Date` normalizes them.
pub fn unix_seconds(year: i64, month: i64, day: i64, hour: i64, minute: i64, second: i64) -> i64 {
    let m0 = month - 1;
    let (year, month) = (year + m0.div_euclid(12), m0.rem_euclid(12) + 1);
    days_from_civil(year, month, 1) * 86_400
        + (day - 1) * 86_400
        + hour * 3600
        + minute * 60
        + second
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// Parses `text` by a strftime-style `pattern`: `%Y %y %m %d %e %H %M %S %b %B %h %F %T
/// %z %%`; other characters match themselves, a space matches any run of spaces. `None`
/// when the text does not fit.
pub fn parse(text: &str, pattern: &str) -> Option<f64> {
    let (mut year, mut month, mut day, mut hour, mut minute, mut second) = (1900, 1, 1, 0, 0, 0);
    let mut offset = 0i64;
    let t = text.as_bytes();
    let mut pos = 0usize;
    let mut chars = pattern.chars().peekable();
    let number = |pos: &mut usize, max_digits: usize| -> Option<i64> {
        let start = *pos;
        while *pos < t.len() && *pos - start < max_digits && t[*pos].is_ascii_digit() {
            *pos += 1;
        }
        std::str::from_utf8(&t[start..*pos]).ok()?.parse().ok()
    };
    while let Some(c) = chars.next() {
        if c == ' ' {
            while pos < t.len() && t[pos] == b' ' {
                pos += 1;
            }
            continue;
        }
        if c != '%' {
            let mut buf = [0u8; 4];
            let want = c.encode_utf8(&mut buf).as_bytes();
            if !t[pos..].starts_with(want) {
                return None;
            }
            pos += want.len();
            continue;
        }
        match chars.next()? {
            'Y' => year = number(&mut pos, 4)?,
            'y' => {
                let y = number(&mut pos, 2)?;
                year = if y < 69 { 2000 + y } else { 1900 + y };
            }
            'm' => month = number(&mut pos, 2)?,
            'd' => day = number(&mut pos, 2)?,
            'e' => {
                while pos < t.len() && t[pos] == b' ' {
                    pos += 1;
                }
                day = number(&mut pos, 2)?;
            }
            'H' => hour = number(&mut pos, 2)?,
            'M' => minute = number(&mut pos, 2)?,
            'S' => second = number(&mut pos, 2)?,
            'b' | 'B' | 'h' => {
                let rest = std::str::from_utf8(&t[pos..]).ok()?.to_ascii_lowercase();
                let (i, len) = MONTHS.iter().enumerate().find_map(|(i, name)| {
                    if rest.starts_with(name) {
                        Some((i, name.len()))
                    } else if rest.starts_with(&name[..3]) {
                        Some((i, 3))
                    } else {
                        None
                    }
                })?;
                month = i as i64 + 1;
                pos += len;
            }
            'F' => {
                year = number(&mut pos, 4)?;
                expect(t, &mut pos, b'-')?;
                month = number(&mut pos, 2)?;
                expect(t, &mut pos, b'-')?;
                day = number(&mut pos, 2)?;
            }
            'T' => {
                hour = number(&mut pos, 2)?;
                expect(t, &mut pos, b':')?;
                minute = number(&mut pos, 2)?;
                expect(t, &mut pos, b':')?;
                second = number(&mut pos, 2)?;
            }
            'z' => {
                if t.get(pos) == Some(&b'Z') {
                    pos += 1;
                } else {
                    let sign = match t.get(pos)? {
                        b'+' => 1,
                        b'-' => -1,
                        _ => return None,
                    };
                    pos += 1;
                    let hh = number(&mut pos, 2)?;
                    if t.get(pos) == Some(&b':') {
                        pos += 1;
                    }
                    let mm = number(&mut pos, 2)?;
                    offset = sign * (hh * 60 + mm);
                }
            }
            '%' => expect(t, &mut pos, b'%')?,
            _ => return None,
        }
    }
    if pos != t.len() || !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    Some((unix_seconds(year, month, day, hour, minute, second) - offset * 60) as f64)
}

fn expect(t: &[u8], pos: &mut usize, b: u8) -> Option<()> {
    (t.get(*pos) == Some(&b)).then(|| *pos += 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar() {
        assert_eq!(unix_seconds(1970, 1, 1, 0, 0, 0), 0);
        assert_eq!(unix_seconds(2024, 1, 1, 0, 0, 0), 1_704_067_200);
        assert_eq!(unix_seconds(2000, 2, 29, 12, 0, 0), 951_825_600);
        // Month 13 is January of the next year, as Go normalizes.
        assert_eq!(unix_seconds(2023, 13, 1, 0, 0, 0), 1_704_067_200);
    }

    #[test]
    fn patterns() {
        assert_eq!(
            parse("2024-01-01 00:00:10", "%Y-%m-%d %H:%M:%S"),
            Some(1_704_067_210.0)
        );
        assert_eq!(
            parse("Jan  1 2024 01:00:00 +0100", "%b %e %Y %T %z"),
            Some(1_704_067_200.0)
        );
        assert_eq!(
            parse("2024-01-01T00:00:00Z", "%FT%T%z"),
            Some(1_704_067_200.0)
        );
        assert_eq!(parse("2024-13-01", "%Y-%m-%d"), None);
        assert_eq!(parse("junk", "%Y"), None);
        assert_eq!(parse("2024-01-01 trailing", "%Y-%m-%d"), None);
    }
}
