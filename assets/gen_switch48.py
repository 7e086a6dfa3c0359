#!/usr/bin/env python3
"""Generates assets/switch48.snapshot: a 48-port access switch for `mibscope agent`.

The switch looks like a Catalyst 2960-X with 48 Gigabit ports, two 10G uplinks bundled in
Port-channel1, three VLAN interfaces, the management port, Null0 and Loopback0. Values are
drawn from a seeded generator, so running this again gives the same file:

    python3 assets/gen_switch48.py > assets/switch48.snapshot

The snapshot format is documented in src/agent/snapshot.rs.
"""

import random

R = random.Random(48)
BOOT_AGE = 37 * 86400 + 5 * 3600 + 17 * 60  # seconds the counters have been counting
BASE_MAC = 0x70105C3A8B00

MIB2 = "1.3.6.1.2.1"
IF_ENTRY = MIB2 + ".2.2.1"
IFX_ENTRY = MIB2 + ".31.1.1.1"
U32 = 2**32

lines = []  # (oid tuple, text)


def emit(oid, typ, value="", attrs=""):
    arcs = tuple(int(a) for a in oid.strip(".").split("."))
    text = f".{oid.strip('.')} {typ}"
    if value != "":
        text += f" {value}"
    if attrs:
        text += f" {attrs}"
    lines.append((arcs, text))


def q(s):
    out = s.replace("\\", "\\\\").replace('"', '\\"').replace("\r", "\\r").replace("\n", "\\n")
    return f'"{out}"'


def mac(n):
    v = BASE_MAC + n
    return ":".join(f"{(v >> (8 * i)) & 0xFF:02x}" for i in reversed(range(6)))


def rate_text(r):
    r = round(r, 3)
    return str(int(r)) if r == int(r) else f"{r:.3f}".rstrip("0")


def counter_pair(col32, colhc, idx, rate, age=BOOT_AGE):
    """A 64-bit counter and its 32-bit twin (the low 32 bits), advancing together."""
    base = int(rate * age * R.uniform(0.85, 1.15))
    attrs = f"rate={rate_text(rate)}" if rate > 0 else ""
    emit(f"{col32}.{idx}", "Counter32", base % U32, attrs)
    emit(f"{colhc}.{idx}", "Counter64", base, attrs)
    return base


# ---------------------------------------------------------------- interfaces
# (ifIndex, ifDescr, ifName, ifType, mtu, speed Mb/s, admin, oper, alias, in B/s, out B/s)
ifaces = []
ifaces.append((1, "Vlan1", "Vl1", 53, 1500, 1000, 2, 2, "", 0, 0))
ifaces.append((10, "Vlan10", "Vl10", 53, 1500, 1000, 1, 1, "mgmt", 2400, 1800))
ifaces.append((20, "Vlan20", "Vl20", 53, 1500, 1000, 1, 1, "users", 900, 650))
te_in = [R.uniform(40e6, 90e6) for _ in range(2)]
te_out = [R.uniform(8e6, 30e6) for _ in range(2)]
ifaces.append((5001, "Port-channel1", "Po1", 161, 1500, 20000, 1, 1,
               "uplink dist-sw-b2 Po12", sum(te_in), sum(te_out)))

ALIASES = {
    1: "ap-b2-1-01", 2: "ap-b2-1-02", 3: "ap-b2-1-03", 5: "printer-b2-hp-01",
    6: "printer-b2-hp-02", 9: "phone", 10: "phone", 11: "phone", 12: "phone",
    17: "cam-b2-lobby", 18: "cam-b2-dock", 24: "badge-reader-b2", 33: "conf-b2-1.12 av",
    40: "lab bench 3", 44: "do not use - bad jack",
}
for port in range(1, 49):
    idx = 10100 + port
    admin = 2 if port in (45, 46, 47, 48) else 1
    if admin == 2:
        oper, speed = 2, 10
    elif port in (5, 6, 17, 18, 24):  # printers, cameras, badge reader: 100 Mb/s
        oper, speed = 1, 100
    elif port in (13, 14, 15, 16, 29, 31, 34, 36, 38, 39, 41, 42, 43, 44) or port > 44:
        oper, speed = 2, 10  # no link: auto ports report 10 Mb/s
    else:
        oper, speed = 1, 1000
    if oper == 1 and speed == 1000 and port in (1, 2, 3):  # access points
        rin, rout = R.uniform(1.5e6, 6e6), R.uniform(4e6, 12e6)
    elif oper == 1 and speed == 1000:
        rin, rout = R.uniform(8e3, 900e3), R.uniform(20e3, 2.5e6)
    elif oper == 1:
        rin, rout = R.uniform(500, 60e3), R.uniform(300, 20e3)
    else:
        rin = rout = 0
    ifaces.append((idx, f"GigabitEthernet1/0/{port}", f"Gi1/0/{port}", 6, 1500, speed,
                   admin, oper, ALIASES.get(port, ""), rin, rout))
for n in (1, 2):
    ifaces.append((10148 + n, f"TenGigabitEthernet1/0/{n}", f"Te1/0/{n}", 6, 1500, 10000, 1, 1,
                   f"dist-sw-b2-0{n} Te1/1/{n}", te_in[n - 1], te_out[n - 1]))
ifaces.append((14001, "FastEthernet0", "Fa0", 6, 1500, 10, 1, 2, "oob mgmt", 0, 0))
ifaces.append((14501, "Null0", "Nu0", 1, 1500, 10000, 1, 1, "", 0, 0))
ifaces.append((14502, "Loopback0", "Lo0", 24, 1514, 8000, 1, 1, "router-id", 40, 40))

PHYSICAL = lambda t: t == 6  # noqa: E731

emit(MIB2 + ".2.1.0", "INTEGER", len(ifaces))
errors_in = {10107: (1834, 0.02), 10122: (12, 0.0), 10149: (3, 0.0)}
discards_out = {10149: (48213, 0.05), 10150: (20571, 0.02), 5001: (68784, 0.07), 10101: (911, 0.01)}
discards_in = {10101: (40, 0.0), 10133: (7, 0.0)}

for (idx, descr, name, typ, mtu, speed, admin, oper, alias, rin, rout) in ifaces:
    e = IF_ENTRY
    emit(f"{e}.1.{idx}", "INTEGER", idx)
    emit(f"{e}.2.{idx}", "STRING", q(descr))
    emit(f"{e}.3.{idx}", "INTEGER", typ)
    emit(f"{e}.4.{idx}", "INTEGER", mtu)
    emit(f"{e}.5.{idx}", "Gauge32", min(speed * 1_000_000, U32 - 1))
    # Ports count up from the base MAC; VLAN interfaces share one; Null0 and Loopback0 have none.
    if typ == 6:
        phys = mac(idx - 10100 if idx < 14000 else 0xC0)
    else:
        phys = {53: mac(0x40), 161: mac(0x81)}.get(typ, "")
    emit(f"{e}.6.{idx}", "Hex-STRING", phys if phys else '""')
    emit(f"{e}.7.{idx}", "INTEGER", admin)
    emit(f"{e}.8.{idx}", "INTEGER", oper if admin == 1 else 2)
    last_change = R.randint(4300, 6200) if oper == 1 else (3150 if admin == 2 else 0)
    emit(f"{e}.9.{idx}", "Timeticks", last_change)
    up = oper == 1 and admin == 1
    rin, rout = (rin, rout) if up else (0, 0)
    # Octets, unicast/multicast/broadcast packets, in both directions.
    in_pkt = rin / 780 if rin else 0
    out_pkt = rout / 690 if rout else 0
    mc_in, bc_in = (in_pkt * 0.012, in_pkt * 0.004) if up else (0, 0)
    mc_out, bc_out = (out_pkt * 0.03, out_pkt * 0.02) if up else (0, 0)
    x = IFX_ENTRY
    # Down ports keep what they counted before they went down.
    age = BOOT_AGE if up else 0
    counter_pair(f"{e}.10", f"{x}.6", idx, rin, age)
    counter_pair(f"{e}.11", f"{x}.7", idx, in_pkt, age)
    nu_in = counter_pair(f"{x}.2", f"{x}.8", idx, mc_in, age) + counter_pair(f"{x}.3", f"{x}.9", idx, bc_in, age)
    emit(f"{e}.12.{idx}", "Counter32", nu_in % U32, f"rate={rate_text(mc_in + bc_in)}" if up and rin else "")
    d_base, d_rate = discards_in.get(idx, (0, 0.0))
    emit(f"{e}.13.{idx}", "Counter32", d_base, f"rate={rate_text(d_rate)}" if d_rate else "")
    err_base, err_rate = errors_in.get(idx, (0, 0.0))
    emit(f"{e}.14.{idx}", "Counter32", err_base, f"rate={rate_text(err_rate)}" if err_rate else "")
    emit(f"{e}.15.{idx}", "Counter32", R.randint(0, 400) if up and typ == 6 else 0)
    counter_pair(f"{e}.16", f"{x}.10", idx, rout, age)
    counter_pair(f"{e}.17", f"{x}.11", idx, out_pkt, age)
    nu_out = counter_pair(f"{x}.4", f"{x}.12", idx, mc_out, age) + counter_pair(f"{x}.5", f"{x}.13", idx, bc_out, age)
    emit(f"{e}.18.{idx}", "Counter32", nu_out % U32, f"rate={rate_text(mc_out + bc_out)}" if up and rout else "")
    do_base, do_rate = discards_out.get(idx, (0, 0.0))
    emit(f"{e}.19.{idx}", "Counter32", do_base, f"rate={rate_text(do_rate)}" if do_rate else "")
    emit(f"{e}.20.{idx}", "Counter32", 0)
    emit(f"{e}.21.{idx}", "Gauge32", 0)
    emit(f"{e}.22.{idx}", "OID", ".0.0")
    # The ifXTable columns that are not counters.
    emit(f"{x}.1.{idx}", "STRING", q(name))
    emit(f"{x}.14.{idx}", "INTEGER", 1 if typ in (6, 161) else 2)
    emit(f"{x}.15.{idx}", "Gauge32", speed)
    emit(f"{x}.16.{idx}", "INTEGER", 2)
    emit(f"{x}.17.{idx}", "INTEGER", 1 if PHYSICAL(typ) else 2)
    emit(f"{x}.18.{idx}", "STRING", q(alias))
    emit(f"{x}.19.{idx}", "Timeticks", 0)

emit(MIB2 + ".31.1.5.0", "Timeticks", 0)  # ifTableLastChange
emit(MIB2 + ".31.1.6.0", "Timeticks", 0)  # ifStackLastChange

# ---------------------------------------------------------------- system
emit(MIB2 + ".1.1.0", "STRING", q(
    "Cisco IOS Software, C2960X Software (C2960X-UNIVERSALK9-M), Version 15.2(7)E8, RELEASE SOFTWARE (fc3)\r\n"
    "Technical Support: http://www.cisco.com/techsupport\r\n"
    "Copyright (c) 1986-2023 by Cisco Systems, Inc.\r\n"
    "Compiled Fri 24-Feb-23 03:11 by mcpre"))
emit(MIB2 + ".1.2.0", "OID", ".1.3.6.1.4.1.9.1.1208")
emit(MIB2 + ".1.3.0", "Timeticks", "uptime")
emit(MIB2 + ".1.4.0", "STRING", q("Network Operations <noc@example.net>"), "rw size=0..255")
emit(MIB2 + ".1.5.0", "STRING", q("acc-sw-b2-01"), "rw size=0..255")
emit(MIB2 + ".1.6.0", "STRING", q("Building 2, floor 1, IDF 1.3, rack 4"), "rw size=0..255")
emit(MIB2 + ".1.7.0", "INTEGER", 2)
emit(MIB2 + ".1.8.0", "Timeticks", 0)

# ---------------------------------------------------------------- ip
emit(MIB2 + ".4.1.0", "INTEGER", "notForwarding(2)")
emit(MIB2 + ".4.2.0", "INTEGER", 255)
ip_in = 6.5
for col, base_rate in ((3, ip_in), (4, 0), (5, 0.0008), (6, 0), (7, 0.0002), (8, 0), (9, ip_in * 0.98),
                       (10, ip_in * 0.93), (11, 0), (12, 0.0001)):
    base = int(base_rate * BOOT_AGE)
    emit(f"{MIB2}.4.{col}.0", "Counter32", base % U32, f"rate={rate_text(base_rate)}" if base_rate else "")
for addr, ifidx, mask in (("10.20.10.11", 10, "255.255.255.0"), ("10.20.20.2", 20, "255.255.255.0"),
                          ("10.255.0.11", 14502, "255.255.255.255")):
    t = MIB2 + ".4.20.1"
    emit(f"{t}.1.{addr}", "IpAddress", addr)
    emit(f"{t}.2.{addr}", "INTEGER", ifidx)
    emit(f"{t}.3.{addr}", "IpAddress", mask)
    emit(f"{t}.4.{addr}", "INTEGER", 1)
    emit(f"{t}.5.{addr}", "INTEGER", 18024)

# ---------------------------------------------------------------- snmp group
# The agent keeps these counters live; snmpEnableAuthenTraps is writable.
for col in (1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 24, 25, 26, 27, 28, 29, 31, 32):
    emit(f"{MIB2}.11.{col}.0", "Counter32", 0)
emit(MIB2 + ".11.30.0", "INTEGER", "disabled(2)")

# ---------------------------------------------------------------- bridge
B = MIB2 + ".17"
emit(B + ".1.1.0", "Hex-STRING", mac(0x80))
emit(B + ".1.2.0", "INTEGER", 49)
emit(B + ".1.3.0", "INTEGER", "transparent-only(2)")
bridge_ports = [(p, 10100 + p) for p in range(1, 49)] + [(49, 5001)]
for port, ifidx in bridge_ports:
    emit(f"{B}.1.4.1.1.{port}", "INTEGER", port)
    emit(f"{B}.1.4.1.2.{port}", "INTEGER", ifidx)
    emit(f"{B}.1.4.1.3.{port}", "OID", ".0.0")
    emit(f"{B}.1.4.1.4.{port}", "Counter32", 0)
    emit(f"{B}.1.4.1.5.{port}", "Counter32", 0)
emit(B + ".4.2.0", "INTEGER", 300)
oper_of = {i[0]: (i[6] == 1 and i[7] == 1) for i in ifaces}
fdb = []
for port, ifidx in bridge_ports:
    if not oper_of.get(ifidx):
        continue
    hosts = 14 if port == 49 else (2 if port in (9, 10, 11, 12) else 1)
    for _ in range(hosts):
        oui = R.choice([0x001B21, 0x3C5282, 0xF8B156, 0x00E04C, 0xA4BB6D, 0x0050B6])
        m = (oui << 24) | R.randint(0, 0xFFFFFF)
        fdb.append((m, port))
for m, port in fdb:
    octets = [(m >> (8 * i)) & 0xFF for i in reversed(range(6))]
    index = ".".join(str(o) for o in octets)
    emit(f"{B}.4.3.1.1.{index}", "Hex-STRING", ":".join(f"{o:02x}" for o in octets))
    emit(f"{B}.4.3.1.2.{index}", "INTEGER", port)
    emit(f"{B}.4.3.1.3.{index}", "INTEGER", "learned(3)")

# ---------------------------------------------------------------- entity
E = MIB2 + ".47.1.1.1.1"
entities = [
    # index, descr, vendor type, contained in, class, rel pos, name, hw, fw, sw, serial, model, fru
    (1001, "WS-C2960X-48TD-L", ".1.3.6.1.4.1.9.12.3.1.3.1208", 0, 3, -1, "1", "V06", "", "15.2(7)E8",
     "FOC2231Z1QK", "WS-C2960X-48TD-L", 2),
    (1002, "Switch 1 - Power Supply 0", ".1.3.6.1.4.1.9.12.3.1.6.316", 1001, 6, 0,
     "Switch 1 - Power Supply 0", "", "", "", "", "", 2),
    (1003, "Switch 1 - FAN 0", ".1.3.6.1.4.1.9.12.3.1.7.246", 1001, 7, 1, "Switch 1 - FAN 0", "", "", "",
     "", "", 2),
    (1049, "SFP-10GBase-SR", ".1.3.6.1.4.1.9.12.3.1.9.76.4", 1001, 9, 49, "TenGigabitEthernet1/0/1",
     "V03", "", "", "AVD2219K3LM", "SFP-10G-SR", 1),
    (1050, "SFP-10GBase-SR", ".1.3.6.1.4.1.9.12.3.1.9.76.4", 1001, 9, 50, "TenGigabitEthernet1/0/2",
     "V03", "", "", "AVD2219K3LP", "SFP-10G-SR", 1),
]
for (idx, descr, vtype, within, klass, pos, name, hw, fw, sw, serial, model, fru) in entities:
    emit(f"{E}.2.{idx}", "STRING", q(descr))
    emit(f"{E}.3.{idx}", "OID", vtype)
    emit(f"{E}.4.{idx}", "INTEGER", within)
    emit(f"{E}.5.{idx}", "INTEGER", klass)
    emit(f"{E}.6.{idx}", "INTEGER", pos)
    emit(f"{E}.7.{idx}", "STRING", q(name))
    emit(f"{E}.8.{idx}", "STRING", q(hw))
    emit(f"{E}.9.{idx}", "STRING", q(fw))
    emit(f"{E}.10.{idx}", "STRING", q(sw))
    emit(f"{E}.11.{idx}", "STRING", q(serial))
    emit(f"{E}.12.{idx}", "STRING", q("Cisco Systems, Inc."))
    emit(f"{E}.13.{idx}", "STRING", q(model))
    emit(f"{E}.14.{idx}", "STRING", '""', "rw size=0..32")
    emit(f"{E}.15.{idx}", "STRING", '""', "rw size=0..32")
    emit(f"{E}.16.{idx}", "INTEGER", fru)

# ---------------------------------------------------------------- output
print("""# A 48-port access switch for `mibscope agent` (the embedded default snapshot).
# Generated by assets/gen_switch48.py; the format is documented in src/agent/snapshot.rs:
#   OID TYPE VALUE [rw|ro] [rate=PER_SECOND] [range=MIN..MAX] [size=MIN..MAX]
#   @rate PREFIX PER_SECOND [when COLUMN = N]     @writable PREFIX
# sysUpTime counts from the agent's start; counters with a rate advance from the
# values below. sysContact, sysName, sysLocation, ifAdminStatus and ifAlias accept Set.
#
# ifInUnknownProtos creeps up on every interface that is up:
@rate .1.3.6.1.2.1.2.2.1.15 0.01 when .1.3.6.1.2.1.2.2.1.8 = up(1)
""")
for _, text in sorted(lines):
    print(text)
