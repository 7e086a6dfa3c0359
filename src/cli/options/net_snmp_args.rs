//! The Net-SNMP spellings clap cannot take as they are, rewritten before parsing: `-CE OID`,
//! the two-letter `-3m -3M -3k -3K`, the `-C` letters some tools read the next word for, and
//! `-A` given on the command line (which selects SNMPv3).

/// The `-C` letters whose value is the next word, per subcommand, as the Net-SNMP tool
/// reads them (`snmptable -Cw 80`, `snmpdelta -Cp 5`).
fn app_letters_with_value(subcommand: Option<&str>) -> &'static str {
    match subcommand {
        Some("table") => "cfrw",
        Some("delta") => "pPvFL",
        Some("netstat") => "I",
        _ => "",
    }
}

/// Splits one `-C` argument of a tool whose letters in `with_value` take a value: an
/// attached value stays (`-Cw80`), a missing one is the next word (`-Cw 80` becomes
/// `-Cw80`), and each such letter gets an argument of its own.
fn split_app_flags(
    letters: &str,
    with_value: &str,
    next: &mut impl Iterator<Item = String>,
) -> Vec<String> {
    let mut out = Vec::new();
    let mut plain = String::new();
    for (i, c) in letters.char_indices() {
        if !with_value.contains(c) {
            plain.push(c);
            continue;
        }
        let rest = &letters[i + c.len_utf8()..];
        let attached = !rest.is_empty()
            && ("fFLI".contains(c) || rest.starts_with(|d: char| d.is_ascii_digit()));
        if attached {
            out.push(format!("-C{c}{rest}"));
            break;
        }
        match next.next() {
            Some(word) => out.push(format!("-C{c}{word}")),
            None => out.push(format!("-C{c}")),
        }
    }
    if !plain.is_empty() {
        out.insert(0, format!("-C{plain}"));
    }
    out
}

/// Rewrites the Net-SNMP spellings clap cannot take as they are: the OID of `-CE` comes as
/// the next word, `-3m KEY`, `-3M`, `-3k`, `-3K` are two-letter options, and some tools'
/// `-C` letters take the next word as their value (see `app_letters_with_value`).
pub fn normalize_net_snmp_args(args: Vec<String>) -> Vec<String> {
    let with_value = app_letters_with_value(args.get(1).map(String::as_str));
    // `-A` on the command line selects SNMPv3 (the help says so); from the environment it
    // does not.
    let agent_command = matches!(
        args.get(1).map(String::as_str),
        Some(
            "get"
                | "getnext"
                | "bulkget"
                | "walk"
                | "bulkwalk"
                | "set"
                | "table"
                | "status"
                | "df"
                | "netstat"
                | "delta"
        )
    );
    let auth_given = agent_command && args.iter().skip(2).any(|a| a.starts_with("-A"));
    let mut out = Vec::with_capacity(args.len());
    let mut iter = args.into_iter();
    while let Some(arg) = iter.next() {
        if !with_value.is_empty()
            && let Some(letters) = arg.strip_prefix("-C")
            && !letters.is_empty()
        {
            out.extend(split_app_flags(letters, with_value, &mut iter));
            continue;
        }
        let long = match arg.as_str() {
            "-3m" => Some("--auth-master-key"),
            "-3M" => Some("--priv-master-key"),
            "-3k" => Some("--auth-localized-key"),
            "-3K" => Some("--priv-localized-key"),
            _ => None,
        };
        if let Some(long) = long {
            out.push(long.to_string());
            continue;
        }
        if arg == "-CE" {
            if let Some(next) = iter.next() {
                out.push(format!("-CE{next}"));
                continue;
            }
        }
        out.push(arg);
    }
    if auth_given {
        out.insert(2, "--auth-on-command-line".into());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn net_snmp_spellings_are_normalized() {
        let args: Vec<String> = ["walk", "-CE", ".1.3.6.1.2.1.2", "-3m", "0x1234", "host"]
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            normalize_net_snmp_args(args),
            [
                "walk",
                "-CE.1.3.6.1.2.1.2",
                "--auth-master-key",
                "0x1234",
                "host"
            ]
        );
    }

    #[test]
    fn table_and_delta_values_may_be_the_next_word() {
        let norm =
            |args: &[&str]| normalize_net_snmp_args(args.iter().map(ToString::to_string).collect());
        assert_eq!(
            norm(&[
                "m", "table", "-Cw", "80", "-Cbif", ",", "-Cr5", "host", "ifTable"
            ]),
            [
                "m", "table", "-Cw80", "-Cbi", "-Cf,", "-Cr5", "host", "ifTable"
            ]
        );
        assert_eq!(
            norm(&["m", "delta", "-CsTp", "2", "host", "ifInOctets.1"]),
            ["m", "delta", "-CsT", "-Cp2", "host", "ifInOctets.1"]
        );
        // Other subcommands keep -C as it is.
        assert_eq!(
            norm(&["m", "bulkwalk", "-Cr", "h"]),
            ["m", "bulkwalk", "-Cr", "h"]
        );
    }
}
