//! `mibscope traps --forward` relaying to a real Net-SNMP snmptrapd, as snmptrapd's own
//! `forward` does: SNMPv3 re-encoded as a configured user (traps from our receiver's engine
//! id, informs to snmptrapd's engine after discovery, acknowledged) and SNMPv2c (v1 traps
//! in their RFC 3584 form, informs relayed as informs and acknowledged).

mod common;

use std::time::Duration;

use common::traps::{
    Daemon, RECEIVER_ENGINE_ID, Snmptrapd, final_stats, sha_aes_args, write_config,
};
use common::{missing, net_snmp, stderr};

/// snmptrapd's own engine id (informs are authoritative there).
const TRAPD_ENGINE_ID: &str = "0x80001F880474622D7472617064";
const FWD: &str = "fwd SHA fwd_authpass AES fwd_privpass";

fn run_ok(tool: &str, args: &[&str]) {
    let out = net_snmp(tool, args);
    assert!(
        out.status.success(),
        "{tool} {args:?} failed: {}",
        stderr(&out)
    );
}

/// snmpinform with `options`, acknowledged at the first try.
fn inform(options: &[&str], target: &str, uptime: &str, trap_oid: &str) {
    let mut args = options.to_vec();
    args.extend(["-r", "0", target, uptime, trap_oid]);
    run_ok("snmpinform", &args);
}

#[test]
fn relays_v3_and_informs_to_snmptrapd() {
    if missing("snmptrapd") || missing("snmptrap") || missing("snmpinform") {
        return;
    }
    let trapd = Snmptrapd::start(&format!(
        "exactEngineID {TRAPD_ENGINE_ID}\nauthCommunity log public\n\
         createUser -e {RECEIVER_ENGINE_ID} {FWD}\ncreateUser {FWD}\nauthUser log fwd priv\n"
    ));
    // Relays as SNMPv3 user fwd, informs as informs.
    let dir = common::tempdir("traps-forward");
    let config = write_config(
        &dir,
        &format!(
            "[[community]]\ncommunity = \"public\"\n\n[[user]]\nname = \"fwd\"\n\
             auth_protocol = \"SHA\"\nauth_passphrase = \"fwd_authpass\"\n\
             priv_protocol = \"AES\"\npriv_passphrase = \"fwd_privpass\"\n\n\
             [forward]\ntargets = [\"{}\"]\nuser = \"fwd\"\ninforms = true\n",
            trapd.target()
        ),
    );
    let v3_relay = Daemon::start(&[
        "--config",
        config.to_str().unwrap(),
        "--receiver-engine-id",
        RECEIVER_ENGINE_ID,
        "--json",
    ]);
    let target = v3_relay.target();
    run_ok(
        "snmptrap",
        &[
            "-v2c",
            "-c",
            "public",
            &target,
            "123",
            ".1.3.6.1.6.3.1.1.5.3",
        ],
    );
    inform(
        &["-v2c", "-c", "public"],
        &target,
        "124",
        ".1.3.6.1.6.3.1.1.5.4",
    );
    let fwd = sha_aes_args("fwd", "fwd_authpass", "fwd_privpass");
    let fwd: Vec<&str> = fwd.iter().map(String::as_str).collect();
    inform(&fwd, &target, "125", ".1.3.6.1.6.3.1.1.5.1");
    let lines = trapd.wait_for_lines(3, Duration::from_secs(15));
    assert_eq!(lines.len(), 3, "{lines:#?}");
    let trap = lines
        .iter()
        .find(|l| l.contains("TRAP2, SNMP v3, user fwd"))
        .unwrap_or_else(|| panic!("a v3 trap from user fwd: {lines:#?}"));
    assert!(trap.contains("OID: .1.3.6.1.6.3.1.1.5.3"), "{trap}");
    assert!(trap.contains("Timeticks: (123)"), "{trap}");
    let informs: Vec<&String> = lines
        .iter()
        .filter(|l| l.contains("INFORM, SNMP v3, user fwd"))
        .collect();
    assert_eq!(informs.len(), 2, "{lines:#?}");
    assert!(
        informs
            .iter()
            .any(|l| l.contains("OID: .1.3.6.1.6.3.1.1.5.4"))
    );
    assert!(
        informs
            .iter()
            .any(|l| l.contains("OID: .1.3.6.1.6.3.1.1.5.1"))
    );
    let stopped = v3_relay.stop();
    let stats = final_stats(&stopped.stdout);
    // Both informs acknowledged by snmptrapd, nothing failed.
    assert_eq!(stats["forwarded"], 3, "{stats}");
    assert_eq!(stats["forward_failed"], 0, "{stats}");

    // Relays as SNMPv2c, informs as informs (flags only).
    let v2c_relay = Daemon::start(&[
        "-c",
        "public",
        "--json",
        "--forward",
        &trapd.target(),
        "--forward-informs",
    ]);
    let target = v2c_relay.target();
    run_ok(
        "snmptrap",
        &[
            "-v1",
            "-c",
            "public",
            &target,
            ".1.3.6.1.4.1.8072.3.2.10",
            "192.0.2.9",
            "2",
            "0",
            "4242",
        ],
    );
    inform(
        &["-v2c", "-c", "public"],
        &target,
        "126",
        ".1.3.6.1.6.3.1.1.5.4",
    );
    let lines = trapd.wait_for_lines(5, Duration::from_secs(15));
    assert_eq!(lines.len(), 5, "{lines:#?}");
    // The v1 trap in its RFC 3584 form: snmpTrapOID.0 linkDown, snmpTrapAddress.0.
    let v1 = &lines[3..]
        .iter()
        .find(|l| l.contains("TRAP2, SNMP v2c"))
        .unwrap_or_else(|| panic!("{lines:#?}"));
    assert!(v1.contains("OID: .1.3.6.1.6.3.1.1.5.3"), "{v1}");
    assert!(
        v1.contains(".1.3.6.1.6.3.18.1.3.0 = IpAddress: 192.0.2.9"),
        "{v1}"
    );
    assert!(
        lines[3..].iter().any(|l| l.contains("INFORM, SNMP v2c")),
        "{lines:#?}"
    );
    let stopped = v2c_relay.stop();
    let stats = final_stats(&stopped.stdout);
    assert_eq!(stats["forwarded"], 2, "{stats}");
    assert_eq!(stats["forward_failed"], 0, "{stats}");
}
