//! The simulated agent is a good neighbour: no response exceeds its configured cap (by
//! default 1472 bytes, an Ethernet frame's UDP payload), however many repetitions a GetBulk
//! asks for, and `--max-size` below RFC 3417's 484 bytes is refused.

mod common;

use std::net::UdpSocket;
use std::time::Duration;

use common::agent::{have_tool, mibscope, run, start_agent_binary, stop_agent_binary};
use mibscope::proto::message::CommunityMessage;
use mibscope::proto::{Community, Message, Pdu, PduBody, RequestId, VarBind, Version};

/// Sends one v2c GetBulk of `.1` with `max_repetitions` and returns the reply's size and
/// how many varbinds it carries.
fn bulk_reply(agent: &str, max_repetitions: u32) -> (usize, usize) {
    let addr = agent.trim_start_matches("udp:");
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    socket
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let request = Message::Community(CommunityMessage {
        version: Version::V2c,
        community: Community::new("public"),
        pdu: PduBody::Pdu(Pdu::get_bulk(
            RequestId(7),
            0,
            max_repetitions,
            vec![VarBind::null(".1".parse().unwrap())],
        )),
    })
    .encode();
    socket.send_to(&request, addr).unwrap();
    let mut buf = vec![0u8; 70_000];
    let (n, _) = socket.recv_from(&mut buf).expect("the agent answers");
    let (message, _) = Message::decode(&buf[..n]).expect("the reply decodes");
    let Message::Community(reply) = message else {
        panic!("not a community reply")
    };
    let PduBody::Pdu(pdu) = reply.pdu else {
        panic!("not a PDU")
    };
    (n, pdu.varbinds.len())
}

#[test]
fn responses_stay_within_the_cap() {
    let (child, addr) = start_agent_binary(&["--listen".as_ref(), "127.0.0.1:0".as_ref()]);
    let (size, varbinds) = bulk_reply(&addr, 2_147_483_647);
    let (small_size, small_varbinds) = bulk_reply(&addr, 5);
    let _ = stop_agent_binary(child);
    assert!(
        size <= 1472,
        "a {size}-byte answer to max-repetitions 2^31-1"
    );
    assert!(
        size > 1000 && varbinds > 20,
        "{size} bytes, {varbinds} varbinds"
    );
    assert_eq!(small_varbinds, 5, "{small_size} bytes");

    // A configured cap holds too, and Net-SNMP's snmpbulkget reads what fits.
    let (child, addr) = start_agent_binary(&[
        "--listen".as_ref(),
        "127.0.0.1:0".as_ref(),
        "--max-size".as_ref(),
        "484".as_ref(),
    ]);
    let (size, varbinds) = bulk_reply(&addr, 2_147_483_647);
    let theirs = have_tool("snmpbulkget").then(|| {
        common::agent::net_snmp(
            "snmpbulkget",
            &["-v2c", "-c", "public", "-Cr2147483647", &addr, ".1"],
        )
    });
    let _ = stop_agent_binary(child);
    assert!(size <= 484 && varbinds > 3, "{size} bytes, {varbinds}");
    if let Some(theirs) = theirs {
        assert_eq!(theirs.status, Some(0), "{}", theirs.stderr);
        // Multi-line strings (the switch's sysDescr) make more lines than varbinds.
        assert!(
            theirs.stdout.lines().count() >= varbinds,
            "{}",
            theirs.stdout
        );
    }
}

#[test]
fn max_size_below_the_rfc_minimum_is_refused() {
    for (size, accepted) in [
        ("483", false),
        ("0", false),
        ("65508", false),
        ("484", true),
    ] {
        let ran = run(mibscope(), &["agent", "--max-size", size, "--check"]);
        if accepted {
            assert_eq!(ran.status, Some(0), "--max-size {size}: {}", ran.stderr);
        } else {
            assert_eq!(ran.status, Some(1), "--max-size {size}: {}", ran.stderr);
            assert!(
                ran.stderr.contains("484..65507") && ran.stderr.contains("RFC 3417"),
                "{}",
                ran.stderr
            );
        }
    }
}
