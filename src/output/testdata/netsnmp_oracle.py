#!/usr/bin/env python3
"""Reference outputs from Net-SNMP for mibscope's output tests.

A tiny SNMP v2c responder answers every GET with value bytes we choose (any TLV, malformed
ones included); Net-SNMP's own `snmpget` (5.9.3) prints them, and what it prints is frozen as
JSON lines that the tests in src/output/netsnmp_golden.rs read. Running the tests needs
neither snmpd nor this script; regenerating the files needs Net-SNMP's client tools.

    python3 netsnmp_oracle.py --plain > netsnmp-plain.jsonl     # no MIBs, every type x -O flags
    python3 netsnmp_oracle.py --one 'HEX' [-O..] [-M dir -m ALL] [OID]   # ad-hoc look

Each line: label, oid, value (the value TLV in hex, exactly as the responder sent it), args
(snmpget options before -O), and outputs: for each -O flag set, stdout of
`snmpget -v2c -c public -r 0 -t 2 -m '' ARGS -OFLAGS 127.0.0.1:PORT OID`, byte for byte.
A response Net-SNMP refuses to decode prints nothing (its "Timeout" goes to stderr).
"""
import json
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
    mib = [] if "-m" in args else ["-m", ""]
    fmt = [] if any(a.startswith("-O") for a in args) else ["-On"]
    cmd = base + mib + fmt + list(args)
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
    ("noSuchObject", "80 00"),
    ("noSuchInstance", "81 00"),
    ("endOfMibView", "82 00"),
]

PLAIN_FLAGS = ["", "q", "Q", "v", "x", "a", "T", "t", "e", "U", "b", "E", "X", "qv", "Qv",
               "qx", "qT", "xT", "qt", "Qt", "qq", "vx", "Qa", "QQ", "aT", "tv"]


def plain_cases():
    for n, (label, value) in enumerate(PLAIN_VALUES, start=1):
        for flags in PLAIN_FLAGS:
            args = ["-On"] + (["-O" + flags] if flags else [])
            yield {"label": label, "oid": ".1.3.6.1.4.1.99999.%d.0" % n, "value": value, "args": args}


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
