#!/usr/bin/env python3
"""mkevtx.py: write a small hostile EVTX file for wb's fuzz regression inputs.

    mkevtx.py OUT [--bad-chunk-header]

One chunk with two records.  Record 1 is the binary XML <Event/>; record 2
opens <Event and then, where a close-start-element token (0x02 or 0x03) must
follow the name, has an end-element token (0x04).  libfwevt as bundled in
Debian's libevtx 20181227 returns from libfwevt_xml_document_read_element
without freeing the element tag and sub token it allocated (upstream libfwevt
fixed this in 2021), so every read of record 2 leaks inside libevtx; see
tests/fuzz/lsan.supp.  The output is tests/fuzz/regress/fuzz_evtx/
unclosed-start-element.evtx.

--bad-chunk-header gives the chunk a header size of 4096 instead of 128:
libevtx_file_open() fails, and libevtx 20181227 leaks the recovered-records
list it had created (libevtx_file_open_read's error path; upstream fixed it
in 2020).  Output: tests/fuzz/regress/fuzz_evtx/bad-chunk-header-size.evtx.

Layout from the public EVTX format description (file header, chunk header,
records, binary XML tokens); nothing here is copied from other code.
"""
import struct
import sys
import zlib

CHUNK = 65536
RECORDS = 512          # chunk offset of the first record


def name(text):
    """An inline binary XML name: next offset, hash, length, UTF-16LE, NUL."""
    h = 0
    for ch in text:
        h = (h * 65599 + ord(ch)) & 0xFFFFFFFF
    return struct.pack("<IHH", 0, h & 0xFFFF, len(text)) + text.encode("utf-16-le") + b"\0\0"


def element(at, text, after):
    """Open-start-element token at chunk offset `at` with its name inline,
    followed by the bytes `after` (the close token and what follows it)."""
    nm = name(text)
    name_at = at + 1 + 2 + 4 + 4       # token, dependency id, size, name offset
    body = struct.pack("<I", name_at) + nm + after
    return struct.pack("<BHI", 0x01, 0xFFFF, len(body)) + body


def record(at, ident, xml_at_fn):
    xml = b"\x0f\x01\x01\x00" + xml_at_fn(at + 24 + 4) + b"\x00"   # fragment header ... end of stream
    size = 24 + len(xml) + 4
    pad = (-size) % 8
    xml += b"\0" * pad
    size += pad
    return b"**\0\0" + struct.pack("<IQQ", size, ident, 0x01D0000000000000) + xml + struct.pack("<I", size)


def main():
    out = sys.argv[1]
    bad_header = "--bad-chunk-header" in sys.argv[2:]
    recs = bytearray()
    offsets = []
    # <Event/>: close-empty-element.
    offsets.append(RECORDS + len(recs))
    recs += record(RECORDS + len(recs), 1, lambda at: element(at, "Event", b"\x03"))
    # <Event then an end-element token where 0x02/0x03 must be.
    offsets.append(RECORDS + len(recs))
    recs += record(RECORDS + len(recs), 2, lambda at: element(at, "Event", b"\x04"))

    chunk = bytearray(CHUNK)
    free = RECORDS + len(recs)
    chunk[RECORDS:free] = recs
    struct.pack_into("<8sQQQQIIII", chunk, 0, b"ElfChnk\0", 1, 2, 1, 2,
                     4096 if bad_header else 128, offsets[-1], free,
                     zlib.crc32(bytes(chunk[RECORDS:free])))
    crc = zlib.crc32(bytes(chunk[0:120]) + bytes(chunk[128:512]))
    struct.pack_into("<I", chunk, 124, crc)

    header = bytearray(4096)
    struct.pack_into("<8sQQQIHHHH", header, 0, b"ElfFile\0", 0, 0, 3, 128, 1, 3, 4096, 1)
    struct.pack_into("<I", header, 120, 0)             # flags: clean
    struct.pack_into("<I", header, 124, zlib.crc32(bytes(header[0:120])))

    with open(out, "wb") as f:
        f.write(header + chunk)


if __name__ == "__main__":
    main()
