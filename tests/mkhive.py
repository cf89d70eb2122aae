#!/usr/bin/env python3
"""mkhive.py: write small registry hives (regf 1.5) for wb's tests and fuzz seeds.

    mkhive.py OUT [--software] [--noname] [--loop] [--deep N] [--dirty]

The hive holds a SYSTEM-like tree: Select\\Current = 1, ControlSet001 with
CrashControl, Disk, a minifilter instance and VSS\\Diag\\SPP with one record;
with --software a SOFTWARE-like one (Microsoft\\Windows NT\\CurrentVersion and
a Symantec KStackMinFree under WOW6432Node).  --noname leaves the hive's own
file name empty, so wb must tell SYSTEM from SOFTWARE by content.
--loop makes a key list its own parent as a subkey (a hostile cycle),
--deep N adds a chain of N nested keys, --dirty writes differing sequence
numbers.  Layout from the public regf format description (base block,
hive bins, nk/vk/lf cells); nothing here is copied from other code.
"""
import struct
import sys

HBIN = 4096


class Hive:
    def __init__(self):
        self.cells = bytearray()   # hive bin data after the 32-byte header

    def cell(self, payload):
        """Allocate a cell; returns its offset relative to the first hive bin."""
        size = (len(payload) + 4 + 7) & ~7
        off = 32 + len(self.cells)
        self.cells += struct.pack("<i", -size) + payload + b"\0" * (size - 4 - len(payload))
        return off


def nk(h, name, parent, flags=0x20):
    """An nk cell with placeholders; returns (offset, patch function)."""
    raw = name.encode("ascii")
    body = bytearray(b"nk" + struct.pack("<H", flags) + struct.pack("<Q", 0x01D6186C0DE1C000))
    body += struct.pack("<IIIIIIIIIIIIIIIHH", 0, parent, 0, 0, 0xFFFFFFFF, 0xFFFFFFFF,
                        0, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0, 0, 0, 0, 0,
                        len(raw), 0)
    body += raw
    return h.cell(bytes(body))


def patch_u32(h, cell_off, field_off, value):
    pos = cell_off - 32 + 4 + field_off
    h.cells[pos:pos + 4] = struct.pack("<I", value)


def set_subkeys(h, key, subs):
    """subs: list of (offset, name); an lf list sorted by name."""
    subs = sorted(subs, key=lambda s: s[1].upper())
    body = b"lf" + struct.pack("<H", len(subs))
    for off, name in subs:
        body += struct.pack("<I", off) + name.encode("ascii")[:4].ljust(4, b"\0")
    lst = h.cell(body)
    patch_u32(h, key, 0x14, len(subs))
    patch_u32(h, key, 0x1C, lst)


def set_values(h, key, values):
    """values: list of (name, type, data bytes)."""
    offs = []
    for name, vtype, data in values:
        raw = name.encode("ascii")
        if len(data) <= 4:
            size, doff = len(data) | 0x80000000, struct.unpack("<I", data.ljust(4, b"\0"))[0]
        else:
            size, doff = len(data), h.cell(data)
        offs.append(h.cell(b"vk" + struct.pack("<HIIIHH", len(raw), size, doff, vtype, 1, 0) + raw))
    lst = h.cell(b"".join(struct.pack("<I", o) for o in offs))
    patch_u32(h, key, 0x24, len(offs))
    patch_u32(h, key, 0x28, lst)


def utf16z(s):
    return s.encode("utf-16-le") + b"\0\0"


def system_tree(h, loop, deep):
    """A SYSTEM-like tree; returns the root key."""
    root = nk(h, "ROOT", 0, flags=0x2C)
    select = nk(h, "Select", root)
    set_values(h, select, [("Current", 4, struct.pack("<I", 1))])
    cs = nk(h, "ControlSet001", root)
    control = nk(h, "Control", cs)
    crash = nk(h, "CrashControl", control)
    set_values(h, crash, [("CrashDumpEnabled", 4, struct.pack("<I", 7)),
                          ("DumpFile", 2, utf16z("%SystemRoot%\\MEMORY.DMP"))])
    set_subkeys(h, control, [(crash, "CrashControl")])
    services = nk(h, "Services", cs)
    disk = nk(h, "disk", services)
    set_values(h, disk, [("TimeOutValue", 4, struct.pack("<I", 190))])
    flt = nk(h, "wbflt", services)
    inst = nk(h, "Instances", flt)
    one = nk(h, "wbflt Instance", inst)
    set_values(h, one, [("Altitude", 1, utf16z("370030"))])
    set_subkeys(h, inst, [(one, "wbflt Instance")])
    set_subkeys(h, flt, [(inst, "Instances")])
    vss = nk(h, "VSS", services)
    diag = nk(h, "Diag", vss)
    spp = nk(h, "SPP", diag)
    record = struct.pack("<IIQIIIII", 0x48, 0, 0x01DA9BB02F5BC000, 4242, 77, 2000, 0, 0)
    set_values(h, spp, [("SppCreate (Enter)", 3, record.ljust(0x48, b"\0"))])
    set_subkeys(h, diag, [(spp, "SPP")])
    set_subkeys(h, vss, [(diag, "Diag")])
    subs = [(disk, "disk"), (flt, "wbflt"), (vss, "VSS")]
    if loop:
        subs.append((cs, "Loop"))   # ControlSet001\Services\Loop is ControlSet001 again
    set_subkeys(h, services, subs)
    set_subkeys(h, cs, [(control, "Control"), (services, "Services")])
    top = [(select, "Select"), (cs, "ControlSet001")]
    if deep:
        parent = root
        chain = []
        for i in range(deep):
            k = nk(h, "d%d" % i, parent)
            chain.append(k)
            parent = k
        for a, b in zip(chain, chain[1:]):
            set_subkeys(h, a, [(b, "d")])
        top.append((chain[0], "Deep"))
    set_subkeys(h, root, top)
    return root


def software_tree(h):
    """A SOFTWARE-like tree: the OS version and a Symantec tuning value."""
    root = nk(h, "CMI-CreateHive{199DAFC2-6F16-4946-BF90-5A3FC3A60902}", 0, flags=0x2C)
    ms = nk(h, "Microsoft", root)
    nt = nk(h, "Windows NT", ms)
    cv = nk(h, "CurrentVersion", nt)
    set_values(h, cv, [("ProductName", 1, utf16z("Windows Server 2019 Standard")),
                       ("EditionID", 1, utf16z("ServerStandard")),
                       ("CurrentVersion", 1, utf16z("6.3")),
                       ("CurrentBuild", 1, utf16z("17763")),
                       ("CurrentBuildNumber", 1, utf16z("17763")),
                       ("CurrentMajorVersionNumber", 4, struct.pack("<I", 10)),
                       ("CurrentMinorVersionNumber", 4, struct.pack("<I", 0)),
                       ("UBR", 4, struct.pack("<I", 4010))])
    set_subkeys(h, nt, [(cv, "CurrentVersion")])
    set_subkeys(h, ms, [(nt, "Windows NT")])
    wow = nk(h, "WOW6432Node", root)
    parent, chain = wow, []
    for name in ("INTEL", "LANDesk", "VirusProtect6", "CurrentVersion", "Storages",
                 "Filesystem", "RealTimeScan"):
        k = nk(h, name, parent)
        chain.append((k, name))
        parent = k
    set_values(h, chain[-1][0], [("KStackMinFree", 4, struct.pack("<I", 0x1800))])
    for (a, _), (b, name) in zip(chain, chain[1:]):
        set_subkeys(h, a, [(b, name)])
    set_subkeys(h, wow, [chain[0]])
    set_subkeys(h, root, [(ms, "Microsoft"), (wow, "WOW6432Node")])
    return root


def build(loop=False, deep=0, dirty=False, software=False, hive_name=None):
    h = Hive()
    root = software_tree(h) if software else system_tree(h, loop, deep)
    if hive_name is None:
        hive_name = "\\SystemRoot\\System32\\Config\\" + ("SOFTWARE" if software else "SYSTEM")

    data = bytearray(h.cells)
    total = (32 + len(data) + HBIN - 1) // HBIN * HBIN
    free = total - 32 - len(data)
    if free:
        data += struct.pack("<i", free) + b"\0" * (free - 4)
    hbin = b"hbin" + struct.pack("<IIII", 0, total, 0, 0) + struct.pack("<QI", 0, 0) + bytes(data)

    base = bytearray(HBIN)
    seq1, seq2 = (5, 4) if dirty else (5, 5)
    struct.pack_into("<4sIIQIIIIII", base, 0, b"regf", seq1, seq2, 0x01DA9BB02F5BC000,
                     1, 5, 0, 1, root, total)
    struct.pack_into("<I", base, 0x2C, 1)
    name = hive_name.encode("utf-16-le")[-64:]
    base[0x30:0x30 + len(name)] = name
    checksum = 0
    for i in range(0, 0x1FC, 4):
        checksum ^= struct.unpack_from("<I", base, i)[0]
    struct.pack_into("<I", base, 0x1FC, checksum)
    return bytes(base) + hbin


def main():
    args = sys.argv[1:]
    if not args:
        sys.exit(__doc__)
    out = args[0]
    deep = int(args[args.index("--deep") + 1]) if "--deep" in args else 0
    with open(out, "wb") as f:
        f.write(build(loop="--loop" in args, deep=deep, dirty="--dirty" in args,
                      software="--software" in args,
                      hive_name="" if "--noname" in args else None))


if __name__ == "__main__":
    main()
