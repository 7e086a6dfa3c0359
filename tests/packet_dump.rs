//! Packet dumps (issue 10 item 5): `snmpget -d` output read back by `mibscope decode`, and
//! mibscope's own `-d` laid out as Net-SNMP lays it out, its hex lines what Net-SNMP's own
//! dump routine prints for the same datagrams (snmpd dumps what it received from us).

mod common;

use std::time::{Duration, Instant};

use common::*;

const SYS_NAME: &str = ".1.3.6.1.2.1.1.5.0";

/// `mibscope decode -f FILE` on `text`.
fn decode_file(text: &[u8], extra: &[&str]) -> std::process::Output {
    let dir = tempdir("dump");
    let path = dir.join("dump.txt");
    std::fs::write(&path, text).unwrap();
    let mut args = vec!["decode", "-f", path.to_str().unwrap()];
    args.extend_from_slice(extra);
    let out = mibscope(&args);
    let _ = std::fs::remove_dir_all(&dir);
    out
}

#[test]
fn decode_reads_every_packet_of_snmpgets_dump() {
    let user = "createUser sha-aes SHA sha-aes_authpass AES sha-aes_privpass\nrwuser sha-aes priv";
    let Some(agent) = Snmpd::start(user) else {
        return;
    };
    let a = agent.agent();
    // The whole output, header lines, the value line and all (2>&1).
    let got = net_snmp("snmpget", &["-d", "-v2c", "-c", "public", &a, SYS_NAME]);
    assert!(got.status.success(), "{}", stderr(&got));
    let mut whole = got.stderr.clone();
    whole.extend_from_slice(&got.stdout);
    let out = decode_file(&whole, &[]);
    let report = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{report}{}", stderr(&out));
    assert!(
        report.starts_with("Packet 1 of 2: Sending 43 bytes to UDP: [127.0.0.1]:"),
        "{report}"
    );
    assert!(report.contains("PDU: GetRequest"), "{report}");
    assert!(
        report.contains("\nPacket 2 of 2: Received 56 byte packet from UDP: [127.0.0.1]:"),
        "{report}"
    );
    assert!(report.contains("PDU: Response"), "{report}");
    assert!(
        report.contains(&format!("{SYS_NAME} = STRING: \"interop-agent\"")),
        "{report}"
    );

    // SNMPv3 authPriv: discovery, its Report, the request and the answer, verified and
    // decrypted with the user's pass phrases.
    let mut args = v3_args("sha-aes");
    args.extend([a.clone(), SYS_NAME.to_string()]);
    let mut v3: Vec<&str> = vec!["-d"];
    v3.extend(args.iter().map(String::as_str));
    let got = net_snmp("snmpget", &v3);
    assert!(got.status.success(), "{}", stderr(&got));
    // The same credentials without -v3 and -l (decode reads the version from each message,
    // and discovery is sent noAuthNoPriv).
    let credentials: Vec<&str> = args[1..args.len() - 2]
        .chunks(2)
        .filter(|pair| pair[0] != "-l")
        .flatten()
        .map(String::as_str)
        .collect();
    let out = decode_file(&got.stderr, &credentials);
    let report = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{report}{}", stderr(&out));
    assert_eq!(report.matches("\nPacket ").count() + 1, 4, "{report}");
    assert!(report.contains("PDU: Report"), "{report}");
    assert_eq!(
        report.matches("privacy: decrypted with AES").count(),
        2,
        "{report}"
    );
    assert!(
        report.contains(&format!("{SYS_NAME} = STRING: \"interop-agent\"")),
        "{report}"
    );

    // A dump cut short says so and still decodes what it can.
    let cut: String = String::from_utf8_lossy(&got.stderr)
        .lines()
        .take(5)
        .map(|l| format!("{l}\n"))
        .collect();
    let out = decode_file(cut.as_bytes(), &[]);
    assert!(
        stdout(&out).contains("the dump holds 48 of the 64 bytes its header announces"),
        "{}",
        stdout(&out)
    );
    assert_eq!(out.status.code(), Some(1));
}

/// The lines of a dump with what differs between two runs masked: ports, and each hex
/// line (compared on their own below) as `<hex>`.
fn layout(dump: &str) -> Vec<String> {
    dump.lines()
        .map(|l| {
            if l.split_once(": ")
                .is_some_and(|(o, _)| o.len() >= 4 && o.bytes().all(|b| b.is_ascii_digit()))
            {
                return "<hex>".to_string();
            }
            // `...:23161->[0.0.0.0]:40000`: the local port is the run's own.
            match l.rsplit_once("]:") {
                Some((head, port)) if port.bytes().all(|b| b.is_ascii_digit()) => {
                    format!("{head}]:PORT")
                }
                _ => l.to_string(),
            }
        })
        .collect()
}

fn hex_lines(dump: &str) -> Vec<&str> {
    dump.lines()
        .filter(|l| {
            l.split_once(": ")
                .is_some_and(|(o, _)| o.len() >= 4 && o.bytes().all(|b| b.is_ascii_digit()))
        })
        .collect()
}

#[test]
fn our_dump_is_laid_out_as_net_snmps() {
    // snmpd dumps each datagram it receives and sends (the library's dumpPacket), with
    // Net-SNMP's own xdump: the reference for our hex lines.
    let Some(agent) = Snmpd::start("[snmp] dumpPacket yes") else {
        return;
    };
    let a = agent.agent();
    let args = ["-d", "-v2c", "-c", "public", a.as_str(), SYS_NAME];
    let theirs = net_snmp("snmpget", &args);
    let ours = mibscope_numeric(&["get", "-d", "-v2c", "-c", "public", &a, SYS_NAME]);
    assert_eq!(stdout(&ours), stdout(&theirs));
    assert_eq!(ours.status.code(), Some(0));
    let (our_dump, their_dump) = (stderr(&ours), stderr(&theirs));
    assert_eq!(layout(&our_dump), layout(&their_dump), "{our_dump}");
    assert!(
        our_dump.starts_with(&format!(
            "\nSending 43 bytes to UDP: [127.0.0.1]:{}->[0.0.0.0]:",
            agent.port
        )),
        "{our_dump}"
    );

    // The same datagrams as snmpd printed them, byte for byte.
    let ours_hex = hex_lines(&our_dump);
    assert_eq!(ours_hex.len(), 7, "{our_dump}");
    let log = agent.dir.join("snmpd.log");
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let text = String::from_utf8_lossy(&std::fs::read(&log).unwrap_or_default()).into_owned();
        let theirs_hex = hex_lines(&text);
        if theirs_hex.ends_with(&ours_hex) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "snmpd's dump does not end with ours:\n{text}\nours:\n{our_dump}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }

    // And ours reads back.
    let out = decode_file(our_dump.as_bytes(), &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stdout(&out).contains("Packet 2 of 2: Received 56 byte packet"));
}
