//! The application flags of `-C` (Net-SNMP's tool-specific letters), split into letters,
//! numbers (`-Cr25`) and OIDs (`-CE .1.3.6.1`).

use super::parse_oid;
use crate::cli::CliError;
use crate::proto::Oid;

/// Application flags given with `-C`, split into letters and their arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AppFlag {
    Letter(char),
    Number(char, u32),
    Oid(char, Oid),
}

/// Parses `-C` arguments. `numeric` letters take a number right after them (`-Cr25`);
/// `oid` letters take an OID, attached or as the next word (`-CE .1.3.6.1`).
pub fn parse_app_flags(
    values: &[String],
    letters: &str,
    numeric: &str,
    oid: &str,
) -> Result<Vec<AppFlag>, CliError> {
    let mut flags = Vec::new();
    for value in values {
        let mut chars = value.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if numeric.contains(c) {
                let digits: String = value[i + 1..]
                    .chars()
                    .take_while(char::is_ascii_digit)
                    .collect();
                if digits.is_empty() {
                    return Err(CliError::Usage(format!(
                        "-C{c} needs a number right after it, as in -C{c}10"
                    )));
                }
                // SNMP's counts are Integer32 (RFC 3416 section 3: max-repetitions,
                // non-repeaters); no -C number is meaningful beyond that.
                let n = digits
                    .parse::<u32>()
                    .ok()
                    .filter(|n| i32::try_from(*n).is_ok())
                    .ok_or_else(|| {
                        CliError::Usage(format!(
                            "-C{c}{}: the number must be 0..2147483647",
                            crate::proto::oid::elide(&digits)
                        ))
                    })?;
                flags.push(AppFlag::Number(c, n));
                for _ in 0..digits.len() {
                    chars.next();
                }
            } else if oid.contains(c) {
                let rest = &value[i + 1..];
                if rest.is_empty() {
                    return Err(CliError::Usage(format!("-C{c} needs an OID")));
                }
                flags.push(AppFlag::Oid(c, parse_oid(rest)?));
                break;
            } else if letters.contains(c) {
                flags.push(AppFlag::Letter(c));
            } else {
                return Err(CliError::Usage(format!("Unknown flag passed to -C: {c}")));
            }
        }
    }
    Ok(flags)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn app_flags() {
        let v = vec![
            "cr25".to_string(),
            "n1p".to_string(),
            "E.1.3.6.1.2".to_string(),
        ];
        let flags = parse_app_flags(&v, "cipItT", "rn", "E").unwrap();
        assert_eq!(
            flags,
            vec![
                AppFlag::Letter('c'),
                AppFlag::Number('r', 25),
                AppFlag::Number('n', 1),
                AppFlag::Letter('p'),
                AppFlag::Oid('E', "1.3.6.1.2".parse().unwrap()),
            ]
        );
        assert!(parse_app_flags(&["z".into()], "c", "", "").is_err());
        assert!(parse_app_flags(&["r".into()], "", "r", "").is_err());
        assert!(parse_app_flags(&["r2147483647".into()], "", "r", "").is_ok());
        let e = parse_app_flags(&["r2147483648".into()], "", "r", "").unwrap_err();
        assert!(e.to_string().contains("0..2147483647"), "{e}");
        let e = parse_app_flags(&[format!("r{}", "9".repeat(5000))], "", "r", "").unwrap_err();
        assert!(e.to_string().len() < 200, "{e}");
    }
}
