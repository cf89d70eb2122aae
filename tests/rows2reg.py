#!/usr/bin/env python3
"""rows2reg.py: write wb `registry` rows (JSON from `wb sql --json`) as a .reg
export in regedit's own layout (version 5.00, UTF-16LE with BOM, CRLF, hex
wrapped at 25 bytes a line), so a test can import it and compare the rows.

    wb sql --json CASE "SELECT key, name, type, data, hex(raw) AS raw, size ..." | rows2reg.py OUT

Strings without control characters are written "quoted"; others, and every
REG_EXPAND_SZ / REG_MULTI_SZ, as hex(N) of their UTF-16LE bytes.  Rows whose
data was too large to store are skipped.
"""
import json
import sys

ROOTS = {"HKLM": "HKEY_LOCAL_MACHINE", "HKCU": "HKEY_CURRENT_USER",
         "HKCR": "HKEY_CLASSES_ROOT", "HKU": "HKEY_USERS", "HKCC": "HKEY_CURRENT_CONFIG"}
TYPES = {"REG_NONE": 0, "REG_SZ": 1, "REG_EXPAND_SZ": 2, "REG_BINARY": 3, "REG_DWORD": 4,
         "REG_DWORD_BIG_ENDIAN": 5, "REG_LINK": 6, "REG_MULTI_SZ": 7, "REG_RESOURCE_LIST": 8,
         "REG_FULL_RESOURCE_DESCRIPTOR": 9, "REG_RESOURCE_REQUIREMENTS_LIST": 10, "REG_QWORD": 11}


def quote(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def hexdata(prefix, data):
    out, line = prefix, prefix
    parts = ["%02x" % b for b in data]
    for i, p in enumerate(parts):
        piece = p + ("," if i + 1 < len(parts) else "")
        if len(line) + len(piece) > 76 and i + 1 < len(parts):
            out += "\\\r\n  "
            line = "  "
        out += piece
        line += piece
    return out


def value_line(row):
    name = "@" if row["name"] == "" else quote(row["name"])
    vtype = row["type"]
    num = TYPES[vtype] if vtype in TYPES else int(vtype[6:], 16)
    data, raw = row["data"], bytes.fromhex(row["raw"] or "")
    if data is None:
        if not raw and row["size"]:
            return None    # too large to have been stored
        return hexdata("%s=hex(%x):" % (name, num), raw)
    if num == 1 and all(ord(c) >= 0x20 for c in data):
        return "%s=%s" % (name, quote(data))
    if num in (1, 2, 6):
        return hexdata("%s=hex(%x):" % (name, num), (data + "\0").encode("utf-16-le"))
    if num == 7:
        strings = data.split("\n") if data else []
        return hexdata("%s=hex(7):" % name, "".join(s + "\0" for s in strings).encode("utf-16-le") + b"\0\0")
    if num == 4:
        return "%s=dword:%08x" % (name, int(data))
    if num == 5:
        return hexdata("%s=hex(5):" % name, int(data).to_bytes(4, "big"))
    if num == 11:
        return hexdata("%s=hex(b):" % name, int(data).to_bytes(8, "little"))
    raise SystemExit("rows2reg: no way to write %r" % row)


def main():
    rows = json.load(sys.stdin)
    lines = ["Windows Registry Editor Version 5.00"]
    for row in rows:
        if row["name"] is None:
            root, _, rest = row["key"].partition("\\")
            lines += ["", "[%s%s]" % (ROOTS[root], "\\" + rest if rest else "")]
        else:
            line = value_line(row)
            if line is not None:
                lines.append(line)
    with open(sys.argv[1], "wb") as f:
        f.write(b"\xff\xfe" + ("\r\n".join(lines) + "\r\n").encode("utf-16-le"))


if __name__ == "__main__":
    main()
