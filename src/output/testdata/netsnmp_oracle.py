#!/usr/bin/env python3
"""Reference outputs from Net-SNMP for mibscope's output tests.

A tiny SNMP v2c responder answers every GET with value bytes we choose (any TLV, malformed
ones included); Net-SNMP's own `snmpget` (5.9.3) prints them, and what it prints is frozen as
JSON lines that the tests in src/output/netsnmp_golden.rs read. Running the tests needs
neither snmpd nor this script; regenerating the files needs Net-SNMP's client tools.

    python3 netsnmp_oracle.py --plain > netsnmp-plain.jsonl     # no MIBs, every type x -O flags
    python3 netsnmp_oracle.py --mib > netsnmp-mib.jsonl         # with MIBs, -m ALL
    python3 netsnmp_oracle.py --mib-nodes > netsnmp-mib-nodes.json   # snmptranslate -Td of those
    python3 netsnmp_oracle.py --testbed 127.0.0.1:PORT > netsnmp-testbed.jsonl  # real snmpd data
    python3 netsnmp_oracle.py --mib-nodes netsnmp-testbed.jsonl > netsnmp-mib-nodes.json
    python3 netsnmp_oracle.py --one 'HEX' [-O..] [-m ALL] [OID]   # ad-hoc look

--testbed walks subtrees of a running test bed agent (../shared/testbed/start-agent) with
GetBulk, keeps each varbind's value bytes, and replays them through the responder to snmpget
(40 varbinds per request, a sentinel varbind between them to split the output).

With MIBs, "-m ALL" means `-M <corpus>/rfc:testdata/mibs -m ALL`: the IETF modules of
../shared/mibs/vendor-corpus.tar.xz unpacked under target/mib-corpus (MIB_DIRS overrides the
rfc folder) and testdata/mibs/MIBSCOPE-OUTPUT-TEST-MIB.txt.

Each line: label, oid, value (the value TLV in hex, exactly as the responder sent it), args
(snmpget options before -O), and outputs: for each -O flag set, stdout of
`snmpget -v2c -c public -r 0 -t 2 -m '' ARGS -OFLAGS 127.0.0.1:PORT OID`, byte for byte.
A response Net-SNMP refuses to decode prints nothing (its "Timeout" goes to stderr).
"""
import json
import os
import re
import socket
import subprocess
import sys
import threading


def ber_len(n):
    if n < 0x80:
        return bytes([n])
    b = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(b)]) + b


def tlv(tag, content):
    return bytes([tag]) + ber_len(len(content)) + content


def read_tlv(buf, i):
    tag = buf[i]
    n = buf[i + 1]
    i += 2
    if n & 0x80:
        k = n & 0x7F
        n = int.from_bytes(buf[i:i + k], "big")
        i += k
    return tag, buf[i:i + n], i + n


def parse_oid(content):
    arcs, v = [], 0
    for b in content:
        v = (v << 7) | (b & 0x7F)
        if not b & 0x80:
            arcs.append(v)
            v = 0
    first = arcs.pop(0)
    head = [min(first // 40, 2), first - 40 * min(first // 40, 2)]
    return "." + ".".join(str(a) for a in head + arcs)


def encode_oid(text):
    arcs = [int(a) for a in text.strip(".").split(".")]
    out = bytearray()
    for a in [arcs[0] * 40 + arcs[1]] + arcs[2:]:
        chunk = [a & 0x7F]
        a >>= 7
        while a:
            chunk.append(0x80 | (a & 0x7F))
            a >>= 7
        out += bytes(reversed(chunk))
    return tlv(0x06, bytes(out))


class Responder:
    """Answers GetRequests: each requested OID gets the value bytes mapped to it."""

    def __init__(self):
        self.values = {}
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        while True:
            data, peer = self.sock.recvfrom(65535)
            try:
                _, msg, _ = read_tlv(data, 0)
                _, ver, i = read_tlv(msg, 0)
                _, community, i = read_tlv(msg, i)
                _, pdu, _ = read_tlv(msg, i)
                _, reqid, j = read_tlv(pdu, 0)
                _, _, j = read_tlv(pdu, j)
                _, _, j = read_tlv(pdu, j)
                _, vbl, _ = read_tlv(pdu, j)
                vbs, k = b"", 0
                while k < len(vbl):
                    _, vb, k = read_tlv(vbl, k)
                    _, oid, _ = read_tlv(vb, 0)
                    name = parse_oid(oid)
                    value = self.values.get(name, bytes([0x80, 0]))
                    vbs += tlv(0x30, tlv(0x06, oid) + value)
                body = tlv(0x02, reqid) + tlv(0x02, b"\0") + tlv(0x02, b"\0") + tlv(0x30, vbs)
                reply = tlv(0x30, tlv(0x02, ver) + tlv(0x04, community) + tlv(0xA2, body))
                self.sock.sendto(reply, peer)
            except Exception as e:  # a bad request: say so, keep serving
                print("responder:", e, file=sys.stderr)


def snmpget(responder, oid, value_hex, args):
    responder.values[oid] = bytes.fromhex(value_hex.replace(" ", ""))
    base = ["snmpget", "-v2c", "-c", "public", "-r", "0", "-t", "2"]
    # "-m ALL" loads the corpus' IETF modules and the test MIB (MIB_ARGS); else no MIBs.
    mib = ["-M", MIB_DIRS] if "-m" in args else ["-m", ""]
    cmd = base + mib + list(args)
    agent = "127.0.0.1:%d" % responder.port
    p = subprocess.run(cmd + [agent, oid], capture_output=True, env={"LANG": "C.UTF-8", "PATH": "/usr/bin:/bin", "HOME": "/nonexistent"})
    shown = " ".join("''" if a == "" else a for a in cmd + ["AGENT", oid])
    return shown, p.stdout.decode("latin-1"), p.stderr.decode("latin-1")


def s(text):
    """An OCTET STRING TLV holding these bytes."""
    data = text if isinstance(text, bytes) else text.encode("utf-8")
    return tlv(0x04, data).hex(" ")


# Values without MIBs: every SMI type, the corners of the printable-vs-hex guess, the Opaque
# specials and the exceptions. (label, value TLV hex)
PLAIN_VALUES = [
    ("integer zero", "02 01 00"),
    ("integer 42", "02 01 2a"),
    ("integer -42", "02 01 d6"),
    ("integer max", "02 04 7f ff ff ff"),
    ("integer min", "02 04 80 00 00 00"),
    ("string empty", s("")),
    ("string text", s("testbed typed string")),
    ("string trailing nul", s(b"abc\0")),
    ("string only nul", s(b"\0")),
    ("string embedded nul", s(b"a\0cd")),
    ("string whitespace controls", s(b"a\tb\nc\rd\x0be\x0cf")),
    ("string quote backslash", s('say "hi" \\ ok')),
    ("string utf8", s("h\u00e9llo")),
    ("string del", s(b"ab\x7f")),
    ("string spaces", s("   ")),
    ("string mac", s(bytes.fromhex("d227e07eab48"))),
    ("string binary 16", s(bytes(range(16)))),
    ("string binary 17", s(bytes(range(17)))),
    ("string binary 32", s(bytes(range(0x80, 0xa0)))),
    ("string binary 33", s(bytes(range(0x80, 0xa1)))),
    ("string printable 20", s("ABCDEFGHIJKLMNOPQRST")),
    ("string printable 100", s("0123456789" * 10)),
    ("null", "05 00"),
    ("oid enterprise", "06 08 2b 06 01 04 01 bf 08 02"),
    ("oid zero dot zero", "06 01 00"),
    ("oid iso.3", "06 01 2b"),
    ("oid big arcs", "06 0c 2b 06 01 04 01 8f ff ff ff 7f 81 00"),
    ("ipaddress loopback", "40 04 7f 00 00 01"),
    ("ipaddress high", "40 04 c0 a8 ff fe"),
    ("counter32 zero", "41 01 00"),
    ("counter32 max", "41 05 00 ff ff ff ff"),
    ("gauge32 42", "42 01 2a"),
    ("gauge32 max", "42 05 00 ff ff ff ff"),
    ("timeticks zero", "43 01 00"),
    ("timeticks 42 days", "43 04 15 a5 04 c8"),
    ("timeticks one day", "43 04 00 83 d6 00"),
    ("timeticks 1:00:00.01", "43 03 05 7e 41"),
    ("timeticks max", "43 05 00 ff ff ff ff"),
    ("opaque raw", "44 03 01 02 03"),
    ("opaque empty", "44 00"),
    ("opaque float", "44 07 9f 78 04 3f c0 00 00"),
    ("opaque float negative small", "44 07 9f 78 04 be 20 00 00"),
    ("opaque double", "44 0b 9f 79 08 c0 02 00 00 00 00 00 00"),
    ("opaque double big", "44 0b 9f 79 08 44 9a 13 b8 c5 6b b3 4a"),
    ("opaque int64 negative", "44 09 9f 7a 06 fe e0 8e 04 fb 35"),
    ("opaque int64 positive", "44 04 9f 7a 01 05"),
    ("opaque uint64 max", "44 0c 9f 7b 09 00 ff ff ff ff ff ff ff ff"),
    ("opaque counter64", "44 05 9f 76 02 01 00"),
    ("opaque float bad length", "44 08 9f 78 05 3f c0 00 00 00"),
    ("nsapaddress", "45 03 47 00 05"),
    ("counter64 zero", "46 01 00"),
    ("counter64 5e9", "46 05 01 2a 05 f2 00"),
    ("counter64 max", "46 09 00 ff ff ff ff ff ff ff ff"),
    ("uinteger32", "47 01 07"),
    ("bit string", "03 02 00 80"),
    ("oid empty", "06 00"),
    ("counter32 without leading zero", "41 04 ff ff ff ff"),
    ("integer wider than 32 bits", "02 05 00 ff ff ff ff"),
    ("noSuchObject", "80 00"),
    ("noSuchInstance", "81 00"),
    ("endOfMibView", "82 00"),
]

PLAIN_FLAGS = ["", "q", "Q", "v", "x", "a", "T", "t", "e", "U", "b", "E", "X", "qv", "Qv",
               "qx", "qT", "xT", "qt", "Qt", "qq", "vx", "Qa", "QQ", "aT", "tv"]


# --- With MIBs: IETF modules from the corpus plus testdata/mibs/MIBSCOPE-OUTPUT-TEST-MIB ------

HERE = os.path.dirname(os.path.abspath(__file__))
MIB_DIRS = os.environ.get("MIB_DIRS", os.path.join(HERE, "../../../target/mib-corpus/rfc")) + ":" + os.path.join(HERE, "mibs")
MIB_ARGS = ["-M", MIB_DIRS, "-m", "ALL"]

MT = ".1.3.6.1.4.1.99999"
S = MT + ".1."     # mtScalars
T = MT + ".2."     # mtTables


def i(n):
    """An INTEGER TLV."""
    return tlv(0x02, n.to_bytes(max(1, (n.bit_length() + 8) // 8), "big", signed=True)).hex(" ")


def u(tag, n):
    """An unsigned TLV (Counter32, Gauge32, TimeTicks, Counter64, UInteger32)."""
    b = n.to_bytes(max(1, (n.bit_length() + 7) // 8), "big")
    if b[0] & 0x80:
        b = b"\0" + b
    return tlv(tag, b).hex(" ")


def o(text):
    return encode_oid(text).hex(" ")


def h(hexbytes):
    return s(bytes.fromhex(hexbytes.replace(" ", "")))


def dotted(data):
    """Arcs for a length-prefixed string index."""
    data = data if isinstance(data, bytes) else data.encode()
    return ".".join([str(len(data))] + [str(b) for b in data])


FE80 = "254.128.0.0.0.0.0.0.2.27.33.255.254.10.11.12"

# (label, OID, value TLV hex, OIDs whose names the output also shows)
MIB_VALUES = [
    ("sysDescr text", ".1.3.6.1.2.1.1.1.0", s("Linux vm 6.1 x86_64"), []),
    ("sysDescr binary bytes", ".1.3.6.1.2.1.1.1.0", s(b"ab\x01\xffcd"), []),
    ("sysDescr embedded nul", ".1.3.6.1.2.1.1.1.0", s(b'a"b\0c\\d'), []),
    ("sysObjectID", ".1.3.6.1.2.1.1.2.0", o(".1.3.6.1.4.1.8072.3.2.10"), [".1.3.6.1.4.1.8072.3.2.10"]),
    ("sysUpTime", ".1.3.6.1.2.1.1.3.0", u(0x43, 12345), []),
    ("sysUpTime wrong type", ".1.3.6.1.2.1.1.3.0", i(5), []),
    ("sysContact quote", ".1.3.6.1.2.1.1.4.0", s('say "hi"'), []),
    ("sysName trailing nul", ".1.3.6.1.2.1.1.5.0", s(b"host\0"), []),
    ("sysORID", ".1.3.6.1.2.1.1.9.1.2.1", o(".1.3.6.1.6.3.1"), [".1.3.6.1.6.3.1"]),
    ("ifDescr", ".1.3.6.1.2.1.2.2.1.2.3", s("eth0"), []),
    ("ifDescr wrong type", ".1.3.6.1.2.1.2.2.1.2.3", i(5), []),
    ("ifDescr extra arcs", ".1.3.6.1.2.1.2.2.1.2.3.5", s("x"), []),
    ("ifDescr noSuchInstance", ".1.3.6.1.2.1.2.2.1.2.99", "81 00", []),
    ("ifType enum", ".1.3.6.1.2.1.2.2.1.3.3", i(6), []),
    ("ifType unnamed", ".1.3.6.1.2.1.2.2.1.3.3", i(9999), []),
    ("ifMtu", ".1.3.6.1.2.1.2.2.1.4.3", i(1500), []),
    ("ifSpeed", ".1.3.6.1.2.1.2.2.1.5.3", u(0x42, 4294967295), []),
    ("ifSpeed wrong type", ".1.3.6.1.2.1.2.2.1.5.3", u(0x41, 5), []),
    ("ifPhysAddress", ".1.3.6.1.2.1.2.2.1.6.3", h("001b210a0b0c"), []),
    ("ifPhysAddress empty", ".1.3.6.1.2.1.2.2.1.6.3", s(""), []),
    ("ifAdminStatus", ".1.3.6.1.2.1.2.2.1.7.3", i(1), []),
    ("ifAdminStatus wrong type", ".1.3.6.1.2.1.2.2.1.7.3", u(0x42, 1), []),
    ("ifLastChange", ".1.3.6.1.2.1.2.2.1.9.3", u(0x43, 0), []),
    ("ifInOctets", ".1.3.6.1.2.1.2.2.1.10.3", u(0x41, 3000000000), []),
    ("ifSpecific zeroDotZero", ".1.3.6.1.2.1.2.2.1.22.3", o(".0.0"), [".0.0"]),
    ("ifEntry unknown column", ".1.3.6.1.2.1.2.2.1.99.3", i(1), []),
    ("ifEntry itself", ".1.3.6.1.2.1.2.2.1", "05 00", []),
    ("ifHCInOctets", ".1.3.6.1.2.1.31.1.1.1.6.3", u(0x46, 18446744073709551615), []),
    ("ifAlias empty", ".1.3.6.1.2.1.31.1.1.1.18.3", s(""), []),
    ("ifHighSpeed", ".1.3.6.1.2.1.31.1.1.1.15.3", u(0x42, 10000), []),
    ("ifStackStatus", ".1.3.6.1.2.1.31.1.2.1.3.0.3", i(1), []),
    ("hrSystemDate", ".1.3.6.1.2.1.25.1.2.0", h("07ea0b1509352c002b0000"), []),
    ("hrSystemDate short", ".1.3.6.1.2.1.25.1.2.0", h("07ea0b1509352c00"), []),
    ("hrStorageType", ".1.3.6.1.2.1.25.2.3.1.2.1", o(".1.3.6.1.2.1.25.2.1.4"), [".1.3.6.1.2.1.25.2.1.4"]),
    ("hrStorageAllocationUnits", ".1.3.6.1.2.1.25.2.3.1.4.1", i(4096), []),
    ("hrSWRunPerfMem", ".1.3.6.1.2.1.25.5.1.1.2.1", i(1234), []),
    ("ipAddressIfIndex ipv4", ".1.3.6.1.2.1.4.34.1.3.1.4.127.0.0.1", i(1), []),
    ("ipAddressIfIndex ipv6", ".1.3.6.1.2.1.4.34.1.3.2.16." + FE80, i(2), []),
    ("ipAddressIfIndex ipv4z", ".1.3.6.1.2.1.4.34.1.3.3.8.169.254.1.2.0.0.0.3", i(3), []),
    ("ipAddressIfIndex ipv6z", ".1.3.6.1.2.1.4.34.1.3.4.20." + FE80 + ".0.0.1.1", i(4), []),
    ("ipAddressIfIndex ipv4 wrong length", ".1.3.6.1.2.1.4.34.1.3.1.5.1.2.3.4.5", i(5), []),
    ("ipAddressIfIndex dns", ".1.3.6.1.2.1.4.34.1.3.16.3.97.98.99", i(6), []),
    ("ipAddressPrefix", ".1.3.6.1.2.1.4.34.1.5.1.4.127.0.0.1", o(".1.3.6.1.2.1.4.32.1.5.1.1.4.127.0.0.0.8"), [".1.3.6.1.2.1.4.32.1.5.1.1.4.127.0.0.0.8"]),
    ("inetCidrRouteIfIndex", ".1.3.6.1.2.1.4.24.7.1.7.1.4.198.18.0.0.30.3.0.0.3.1.4.0.0.0.0", i(3), []),
    ("vacmAccessContextMatch", ".1.3.6.1.6.3.16.1.4.1.4." + dotted("grpmd5") + ".0.3.2", i(2), []),
    ("usmUserSecurityName", ".1.3.6.1.6.3.15.1.2.2.1.3." + dotted(bytes.fromhex("80001f880474622d6167656e74")) + "." + dotted("md5"), s("md5"), []),
    ("snmpEngineID", ".1.3.6.1.6.3.10.2.1.1.0", h("80001f880474622d6167656e74"), []),
    ("snmpTargetAddrTAddress", ".1.3.6.1.6.3.12.1.2.1.3.97.98.99", h("7f00000100a2"), []),
    ("dot1dTpFdbAddress", ".1.3.6.1.2.1.17.4.3.1.1.0.27.33.10.11.12", h("001b210a0b0c"), []),
    ("unknown enterprise", ".1.3.6.1.4.1.99998.1.0", i(1), []),
    ("joint-iso-ccitt", ".2.5.4", "05 00", []),
    # MIBSCOPE-OUTPUT-TEST-MIB scalars
    ("HexColon", S + "1.0", h("001b210a"), []),
    ("HexColon one byte", S + "1.0", h("05"), []),
    ("HexPlain", S + "2.0", h("001b0a"), []),
    ("HexWide odd length", S + "3.0", h("0001abcdef"), []),
    ("HexFour", S + "4.0", h("0102030405060708"), []),
    ("DottedDecimal", S + "5.0", h("c0000201"), []),
    ("OctalSpaced", S + "6.0", h("0809ff"), []),
    ("CountedHex", S + "7.0", h("0702abcdef"), []),
    ("StarHex", S + "8.0", h("02abcd01ef"), []),
    ("ShortText", S + "9.0", s("abcdefghij"), []),
    ("Utf8Text", S + "10.0", s("h\u00e9llo"), []),
    ("PrefixAddr", S + "11.0", h("0a00000018"), []),
    ("PrefixAddr longer", S + "11.0", h("0a0000001863"), []),
    ("TermHex", S + "12.0", h("010203"), []),
    ("BadLetter unreached", S + "13.0", h("01"), []),
    ("BadLetter reached", S + "13.0", h("0102"), []),
    ("NoLetter", S + "14.0", s("abc"), []),
    ("Tenths", S + "15.0", i(123), []),
    ("Tenths negative", S + "15.0", i(-5), []),
    ("Cents", S + "16.0", i(12345), []),
    ("Cents negative", S + "16.0", i(-12345), []),
    ("Cents small", S + "16.0", i(5), []),
    ("Shift5", S + "17.0", i(42), []),
    ("HexInt", S + "18.0", i(255), []),
    ("HexInt negative", S + "18.0", i(-1), []),
    ("OctInt", S + "19.0", i(8), []),
    ("BinInt", S + "20.0", i(5), []),
    ("BinInt negative", S + "20.0", i(-1), []),
    ("GaugeTenths", S + "21.0", u(0x42, 4294967295), []),
    ("UnsignedHex", S + "22.0", u(0x42, 255), []),
    ("Integer32 units", S + "23.0", i(42), []),
    ("enum off", S + "24.0", i(0), []),
    ("enum negative", S + "24.0", i(-1), []),
    ("enum unnamed", S + "24.0", i(7), []),
    ("Colors", S + "25.0", i(2), []),
    ("Unsigned32 units", S + "26.0", u(0x42, 5), []),
    ("Unsigned32 given UInteger32", S + "26.0", u(0x47, 5), []),
    ("Gauge32 units", S + "27.0", u(0x42, 50), []),
    ("Counter32 units", S + "28.0", u(0x41, 7), []),
    ("Counter64 units", S + "29.0", u(0x46, 5000000000), []),
    ("TimeTicks units", S + "30.0", u(0x43, 8640001), []),
    ("OID value", S + "31.0", o(".1.3.6.1.2.1.2.2.1.2.3"), [".1.3.6.1.2.1.2.2.1.2.3"]),
    ("IpAddress", S + "32.0", "40 04 c0 00 02 01", []),
    ("Opaque raw units", S + "33.0", "44 03 01 02 03", []),
    ("Opaque float units", S + "33.0", "44 07 9f 78 04 3f c0 00 00", []),
    ("Opaque int64 units", S + "33.0", "44 04 9f 7a 01 fb", []),
    ("DisplayString units", S + "34.0", s("hello"), []),
    ("OCTET STRING units", S + "35.0", s("abc"), []),
    ("OCTET STRING units binary", S + "35.0", h("0102"), []),
    ("OCTET STRING units empty", S + "35.0", s(""), []),
    ("PhysAddress", S + "36.0", h("d227e07eab48"), []),
    ("MacAddress", S + "37.0", h("000a0b0c0d0e"), []),
    ("DateAndTime", S + "38.0", h("07ea0b1509352c00"), []),
    ("BITS one", S + "39.0", h("80"), []),
    ("BITS two bytes", S + "39.0", h("4100"), []),
    ("BITS wrong type", S + "39.0", i(3), []),
    ("BITS gappy", S + "40.0", h("e080"), []),
    ("BITS gappy named", S + "40.0", h("a080"), []),
    ("InetAddressType", S + "41.0", i(1), []),
    ("InetAddress value", S + "42.0", h("c0000201"), []),
    # MIBSCOPE-OUTPUT-TEST-MIB tables (the value column is a DisplayString)
    ("index int and enum", T + "1.1.3.5.2", s("v"), []),
    ("index enum unnamed", T + "1.1.3.5.9", s("v"), []),
    ("index int max", T + "1.1.3.4294967295.1", s("v"), []),
    ("index string", T + "2.1.2.3.97.98.99", s("v"), []),
    ("index string empty", T + "2.1.2.0", s("v"), []),
    ("index string unprintable", T + "2.1.2.3.1.200.34", s("v"), []),
    ("index string too short", T + "2.1.2.5.97.98", s("v"), []),
    ("index fixed", T + "3.1.2.0.27.33.10.11.12", s("v"), []),
    ("index fixed too short", T + "3.1.2.1.2.3", s("v"), []),
    ("index implied string", T + "4.1.2.97.98.99", s("v"), []),
    ("index oid", T + "5.1.2.3.1.3.6", s("v"), [".1.3.6"]),
    ("index oid named", T + "5.1.2.11.1.3.6.1.2.1.2.2.1.2.3", s("v"), [".1.3.6.1.2.1.2.2.1.2.3"]),
    ("index implied oid", T + "6.1.2.1.3.6.1.2.1.1.5.0", s("v"), [".1.3.6.1.2.1.1.5.0"]),
    ("index ip and port", T + "7.1.3.192.168.1.1.161", s("v"), []),
    ("index ip too short", T + "7.1.3.192.168", s("v"), []),
    ("index inet ipv4", T + "8.1.3.1.4.10.0.0.1", s("v"), []),
    ("index inet ipv6", T + "8.1.3.2.16." + FE80, s("v"), []),
    ("index inet bad length", T + "8.1.3.1.3.1.2.3", s("v"), []),
    ("index timeticks", T + "9.1.2.360001", s("v"), []),
    ("index hinted", T + "10.1.3.3.0.27.33.192.0.2.1", s("v"), []),
    ("index counter", T + "11.1.3.5.6", s("v"), []),
    ("index augments", T + "99.1.1.5.2", i(9), []),
    ("table itself", T + "1", "05 00", []),
]

MIB_FLAGS = ["", "n", "s", "f", "u", "q", "Q", "v", "e", "U", "X", "b", "E", "t", "x", "a", "T",
             "sX", "fX", "uX", "qX", "EX", "Xt", "qe", "Qv"]


def translate(args):
    p = subprocess.run(["snmptranslate"] + MIB_ARGS + args, capture_output=True)
    return p.stdout.decode("latin-1")


SYNTAX_BASE = [
    ("OCTET STRING", "OctetString"), ("OBJECT IDENTIFIER", "ObjectId"), ("INTEGER", "Integer"),
    ("Integer32", "Integer"), ("Unsigned32", "Unsigned32"), ("Gauge32", "Gauge32"),
    ("Counter32", "Counter32"), ("Counter64", "Counter64"), ("TimeTicks", "TimeTicks"),
    ("IpAddress", "IpAddress"), ("NetworkAddress", "NetworkAddress"), ("Opaque", "Opaque"),
    ("BITS", "Bits"), ("UInteger32", "UInteger32"), ("NsapAddress", "NsapAddress"),
]


def describe(oid_or_name):
    """Net-SNMP's view of one node: snmptranslate -Td, parsed."""
    text = translate(["-Td", oid_or_name])
    if len(text.splitlines()) < 2 and not oid_or_name.startswith("."):
        text = translate(["-IR", "-Td", oid_or_name.split("::")[-1]])
    lines = text.splitlines()
    if len(lines) < 2:
        return None
    node = {"label": lines[1].split()[0], "module": None, "syntax": None, "index": None, "augments": None}
    syntax = {}
    for line in lines:
        if line.startswith("  -- FROM"):
            mod = line.split("\t", 1)[1].split(",")[0].strip()
            node["module"] = None if mod.startswith("#") else mod
        elif line.startswith("  -- TEXTUAL CONVENTION"):
            syntax["tc"] = line.split("CONVENTION", 1)[1].strip()
        elif line.startswith("  SYNTAX"):
            body = line.split("\t", 1)[1].strip()
            for prefix, base in SYNTAX_BASE:
                if body.startswith(prefix):
                    syntax["base"] = base
                    break
            else:
                syntax["base"] = "Other"
            names = re.findall(r"([A-Za-z][\w-]*)\((-?\d+)\)", body.split("{", 1)[1]) if "{" in body else []
            key = "bits" if syntax["base"] == "Bits" else "enums"
            syntax[key] = [[int(n), label] for label, n in names]
            fixed = re.search(r"\((\d+)\)\s*$", body)
            if fixed and syntax["base"] == "OctetString":
                syntax["fixed_size"] = int(fixed.group(1))
        elif line.startswith("  DISPLAY-HINT"):
            syntax["display_hint"] = line.split("\t", 1)[1].strip()[1:-1]
        elif line.startswith("  UNITS"):
            syntax["units"] = line.split("\t")[-1].strip()[1:-1]
        elif line.startswith("  INDEX"):
            inner = line.split("{", 1)[1].rsplit("}", 1)[0]
            node["index"] = [{"name": p.replace("IMPLIED", "").strip(), "implied": "IMPLIED" in p}
                             for p in inner.split(",")]
        elif line.startswith("  AUGMENTS"):
            node["augments"] = line.split("{", 1)[1].rsplit("}", 1)[0].strip()
    if "base" in syntax:
        node["syntax"] = syntax
    path = re.search(r"::= \{ (.*) \}", text)
    node["path"] = path.group(1).split() if path else []
    return node


def testbed_oids(paths):
    """The OIDs recorded in testbed fixtures, and the OIDs their values carry."""
    oids = set()
    for path in paths:
        for line in open(path):
            rec = json.loads(line)
            oids.add(rec["oid"])
            value = bytes.fromhex(rec["value"].replace(" ", ""))
            if value[0] == 0x06 and len(value) > 2:
                oids.add(parse_oid(value[2:]))
    return oids


def node_table(oids):
    """Every node on the paths of `oids`, as snmptranslate describes it, keyed by numeric OID,
    plus the syntax of every index object those nodes name."""
    nodes, objects = {}, {}
    for oid in oids:
        top = describe(oid)
        if top is None:
            continue
        tokens = top["path"]
        labelled = [t for t in tokens if "(" in t]
        depth = len(labelled) if labelled and labelled[-1].startswith(top["label"] + "(") else len(labelled) + 1
        arcs = oid.strip(".").split(".")
        for d in range(1, depth + 1):
            prefix = "." + ".".join(arcs[:d])
            if prefix in nodes:
                continue
            node = describe(prefix)
            tree = translate(["-Tp", prefix])
            node["has_children"] = tree.count("+--") > 1
            if node["augments"]:
                target = describe(node["module"] + "::" + node["augments"])
                node["index"] = target["index"] if target else None
            for part in node["index"] or []:
                name = part["name"]
                if name not in objects:
                    obj = describe((node["module"] + "::" + name) if node["module"] else name) or describe(name)
                    objects[name] = obj["syntax"] if obj else None
            del node["path"]
            del node["augments"]
            nodes[prefix] = node
    return {"nodes": nodes, "index_objects": objects}


# --- Real agent data: varbinds recorded from the test bed's snmpd, replayed to snmpget ---------

TESTBED_SUBTREES = [
    ("system", ".1.3.6.1.2.1.1", 0),
    ("ifTable", ".1.3.6.1.2.1.2.2", 0),
    ("ifXTable", ".1.3.6.1.2.1.31.1.1", 0),
    ("hrStorageTable", ".1.3.6.1.2.1.25.2.3", 0),
    ("hrSystem", ".1.3.6.1.2.1.25.1", 0),
    ("hrSWInstalledName", ".1.3.6.1.2.1.25.6.3.1.2", 20),
    ("hrSWInstalledDate", ".1.3.6.1.2.1.25.6.3.1.5", 20),
    ("ipAddressTable", ".1.3.6.1.2.1.4.34", 0),
    ("inetCidrRouteTable", ".1.3.6.1.2.1.4.24.7", 0),
    ("tcpListenerTable", ".1.3.6.1.2.1.6.20", 0),
    ("snmpEngine", ".1.3.6.1.6.3.10.2.1", 0),
    ("vacmAccessTable", ".1.3.6.1.6.3.16.1.4", 40),
    ("usmUserSecurityName", ".1.3.6.1.6.3.15.1.2.2.1.3", 10),
    ("typed objects", ".1.3.6.1.4.1.8072.2.255", 0),
]

TESTBED_FLAGS = ["", "n", "f", "s", "X", "q", "e", "x", "T", "U", "Qv"]


def bulkwalk(agent, root, limit):
    """(oid, value TLV hex) under root, by GetBulk, straight from the agent."""
    host, port = agent.rsplit(":", 1)
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.settimeout(2)
    out, current, reqid = [], root, 1
    while True:
        vb = tlv(0x30, encode_oid(current) + tlv(0x05, b""))
        pdu = tlv(0xA5, tlv(0x02, bytes([reqid])) + tlv(0x02, b"\0") + tlv(0x02, bytes([25])) + tlv(0x30, vb))
        msg = tlv(0x30, tlv(0x02, b"\x01") + tlv(0x04, b"public") + pdu)
        sock.sendto(msg, (host, int(port)))
        data, _ = sock.recvfrom(65535)
        _, body, _ = read_tlv(data, 0)
        _, _, k = read_tlv(body, 0)
        _, _, k = read_tlv(body, k)
        _, rpdu, _ = read_tlv(body, k)
        j = 0
        for _ in range(3):
            _, _, j = read_tlv(rpdu, j)
        _, vbl, _ = read_tlv(rpdu, j)
        k = 0
        while k < len(vbl):
            _, vbody, k = read_tlv(vbl, k)
            _, oidc, m = read_tlv(vbody, 0)
            name = parse_oid(oidc)
            value = vbody[m:]
            if not (name + ".").startswith(root + ".") or value[0] in (0x80, 0x81, 0x82):
                return out
            out.append((name, value.hex(" ")))
            if limit and len(out) >= limit:
                return out
            current = name
        reqid = (reqid % 120) + 1


SENTINEL_OID = ".1.3.6.1.4.1.99997.424242.0"
SENTINEL_VALUE = "02 03 06 79 32"   # INTEGER 424242


def snmpget_batch(responder, varbinds, args):
    """One snmpget for many varbinds, a sentinel between them to split the output."""
    oids = []
    for n, (oid, value) in enumerate(varbinds):
        responder.values[oid] = bytes.fromhex(value.replace(" ", ""))
        oids += [oid, SENTINEL_OID]
    responder.values[SENTINEL_OID] = bytes.fromhex(SENTINEL_VALUE.replace(" ", ""))
    # "-m ALL" loads the corpus' IETF modules and the test MIB, as in snmpget() above.
    # -Ir: snmpget would refuse an OID whose index breaks the MIB's ranges before sending it.
    cmd = ["snmpget", "-v2c", "-c", "public", "-r", "0", "-t", "5", "-Ir", "-M", MIB_DIRS] + args
    p = subprocess.run(cmd + ["127.0.0.1:%d" % responder.port] + oids, capture_output=True,
                       env={"LANG": "C.UTF-8", "PATH": "/usr/bin:/bin", "HOME": "/nonexistent"})
    text = p.stdout.decode("latin-1")
    # The sentinel prints as one line ending in 424242 in every style.
    parts = re.split(r"(?m)^[^\n]*424242\n", text)
    assert parts[-1] == "" and len(parts) == len(varbinds) + 1, (args, len(parts), len(varbinds), p.stderr[:300])
    return parts[:-1]


def observe_batched(responder, records, flag_sets):
    """Fills each record's outputs for every flag set, up to 40 records per snmpget (an OID
    appears once per request, so records that share an OID go to different requests)."""
    batches = []
    for r in records:
        for b in batches:
            if len(b) < 40 and all(x["oid"] != r["oid"] for x in b):
                b.append(r)
                break
        else:
            batches.append([r])
    for flags in flag_sets:
        for batch in batches:
            args = batch[0]["args"] + (["-O" + flags] if flags else [])
            outs = snmpget_batch(responder, [(r["oid"], r["value"]) for r in batch], args)
            for r, out in zip(batch, outs):
                r["outputs"][flags] = out
    for r in records:
        print(json.dumps(r, ensure_ascii=True))


def testbed(responder, agent):
    records = []
    for label, root, limit in TESTBED_SUBTREES:
        for oid, value in bulkwalk(agent, root, limit):
            records.append({"label": "testbed " + label, "oid": oid, "value": value,
                            "args": ["-m", "ALL"], "outputs": {}})
    observe_batched(responder, records, TESTBED_FLAGS)


def observe(responder, cases):
    """Runs each case's snmpget once per flag set; one JSON line per case."""
    for case in cases:
        outputs, stderr = {}, {}
        for flags in case.pop("flags"):
            args = case.get("args", []) + (["-O" + flags] if flags else [])
            cmd, out, err = snmpget(responder, case["oid"], case["value"], args)
            outputs[flags] = out
            if err:
                stderr[flags] = err
        rec = dict(case, outputs=outputs)
        if stderr:
            rec["stderr"] = stderr
        print(json.dumps(rec, ensure_ascii=True), flush=True)


def main():
    r = Responder()
    if sys.argv[1] == "--plain":
        cases = [
            {"label": label, "oid": ".1.3.6.1.4.1.99999.%d.0" % n, "value": value,
             "args": ["-On"], "flags": PLAIN_FLAGS}
            for n, (label, value) in enumerate(PLAIN_VALUES, start=1)
        ]
        observe(r, cases)
        return
    if sys.argv[1] == "--mib":
        records = [
            {"label": label, "oid": oid, "value": value, "args": ["-m", "ALL"], "outputs": {}}
            for label, oid, value, _ in MIB_VALUES
        ]
        observe_batched(r, records, MIB_FLAGS)
        return
    if sys.argv[1] == "--testbed":
        testbed(r, sys.argv[2])
        return
    if sys.argv[1] == "--mib-nodes":
        # the recorded cases, plus every OID of the test bed fixtures given and their OID values
        oids = {oid for _, oid, _, extra in MIB_VALUES for oid in [oid] + extra}
        oids = sorted(oids | testbed_oids(sys.argv[2:]))
        json.dump(node_table(oids), sys.stdout, indent=1, sort_keys=True)
        print()
        return
    if sys.argv[1] == "--one":
        value, rest = sys.argv[2], sys.argv[3:]
        oid = rest.pop() if rest and rest[-1].startswith(".") else ".1.3.6.1.4.1.99999.1.0"
        cmd, out, err = snmpget(r, oid, value, rest)
        sys.stdout.write(out)
        sys.stderr.write(err)
        return
    raise SystemExit(__doc__)


if __name__ == "__main__":
    main()
