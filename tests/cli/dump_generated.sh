#!/bin/sh
# CLI: wb import of generated full, bitmap, minidump and ELF guest dumps
# (tests/dumpgen), including a sparse 4 GiB full dump that must not be read
# whole, and damaged files.
. "$WB_SRCDIR/tests/lib.sh"
gen="$WB_BUILDDIR/tests/dumpgen"
[ -x "$gen" ] || skip_all "tests/dumpgen not built"

q() {
	"$WB" sql c "$1" | tail -n +2
}

run_wb 0 new c
n=0
for kind in full bitmap triage elf-header; do
	n=$((n + 1))
	"$gen" "$kind" "$TEST_TMP/$kind.dmp" 16
	run_wb 0 import c "$TEST_TMP/$kind.dmp"
	like "$OUT" "evidence $n \(dump\)" "$kind: imports"
	is "$(q "SELECT value FROM facts WHERE evidence_id = $n AND key = 'bugcheck.code'")" "0x000000D1" "$kind: bugcheck"
	is "$(q "SELECT value FROM facts WHERE evidence_id = $n AND key = 'bugcheck.name'")" \
		"DRIVER_IRQL_NOT_LESS_OR_EQUAL" "$kind: bugcheck name"
	is "$(q "SELECT value FROM facts WHERE evidence_id = $n AND key = 'fault.module'")" "faulty.sys" "$kind: culprit"
	like "$(q "SELECT text FROM facts WHERE evidence_id = $n AND key = 'fault.module'")" "^P4 0xfffff80000202040 .*faulty.sys\+0x2040" \
		"$kind: the reason is P4"
	is "$(q "SELECT count(*) FROM facts WHERE evidence_id = $n AND key = 'module.loaded'")" "4" "$kind: modules"
	is "$(q "SELECT text FROM facts WHERE evidence_id = $n AND key = 'os.build'")" \
		"17763.1.amd64fre.rs5_release.180914-1434" "$kind: build lab"
done
is "$(q "SELECT group_concat(value, ' ') FROM (SELECT value FROM facts WHERE evidence_id = 1 AND key = 'stack.frame' ORDER BY num)")" \
	"faulty!FaultyDispatch+0x40 faulty!FaultyDispatch+0x105 storport+0x1234 nt!IofCallDriver+0x6 nt!KeBugCheckEx+0x105" \
	"full: frames named from export tables"
is "$(q "SELECT group_concat(value, ' ') FROM (SELECT value FROM facts WHERE evidence_id = 3 AND key = 'stack.frame' ORDER BY num)")" \
	"faulty+0x2040 faulty+0x2105 storport+0x1234 nt+0x3006 nt+0x2105" "triage: frames as module+offset"
is "$(q "SELECT group_concat(value, ',') FROM (SELECT value FROM facts WHERE evidence_id = 1 AND key = 'module.unloaded' ORDER BY id)")" \
	"oldfilt.sys,dump_storport.sys" "full: unloaded drivers from MmUnloadedDrivers"
is "$(q "SELECT group_concat(value, ',') FROM (SELECT value FROM facts WHERE evidence_id = 3 AND key = 'module.unloaded' ORDER BY id)")" \
	"oldfilt.sys,dump_storpor" "triage: unloaded drivers, names cut at 12 characters"
is "$(q "SELECT value FROM facts WHERE evidence_id = 1 AND key = 'os.product'")" "Windows Server 2019" "full: product"
is "$(q "SELECT value FROM facts WHERE evidence_id = 1 AND key = 'dump.type'")" "full" "full: type"
is "$(q "SELECT value FROM facts WHERE evidence_id = 2 AND key = 'dump.type'")" "bitmap" "bitmap: type"
is "$(q "SELECT value FROM facts WHERE evidence_id = 4 AND key = 'dump.type'")" "guest memory" "elf: type"
is "$(q "SELECT ts FROM timeline WHERE evidence_id = 1")" "1714558830000000" "crash time 2024-05-01T10:20:30Z"
is "$(q "SELECT source FROM dump_frame WHERE dump_id = 1 AND idx = 3")" "stack scan, call verified" "frame source kept"

# a sparse 4 GiB full dump: fingerprinted, not hashed whole
"$gen" full "$TEST_TMP/big.dmp" 4096
run_wb 0 import c "$TEST_TMP/big.dmp"
like "$(q "SELECT hash_scope FROM evidence WHERE id = 5")" "^sampled: " "a big dump is fingerprinted and says so"
is "$(q "SELECT count(*) FROM facts WHERE evidence_id = 5 AND key = 'module.loaded'")" "4" "big dump: modules"
rm -f "$TEST_TMP/big.dmp"

# damaged files: clear errors, nothing stored
head -c 5000 "$TEST_TMP/full.dmp" >"$TEST_TMP/cut.dmp"
run_wb 1 import c "$TEST_TMP/cut.dmp"
is "$ERR" "wb: $TEST_TMP/cut.dmp: offset 0: expected a 8192-byte PAGEDU64 header, the file has only 5000 bytes" \
	"a cut header is refused"
head -c 4096 /dev/zero >"$TEST_TMP/zeros.dmp"
run_wb 1 import c "$TEST_TMP/zeros.dmp"
is "$ERR" "wb: $TEST_TMP/zeros.dmp: offset 0: expected a dump signature (\"PAGEDU64\", \"PAGEDUMP\" or \"MDMP\")" \
	"a .dmp file that is no dump is explained by the dump importer"
printf 'PAGEXXXX' >"$TEST_TMP/damaged.bin"
run_wb 1 import c "$TEST_TMP/damaged.bin"
like "$ERR" "damaged.bin: offset 0: expected a dump signature" "a damaged PAGEDU64 signature is explained"
printf 'makedumpfile\0\0\0\0\0\0\0\0' >"$TEST_TMP/flat.dmp"
run_wb 1 import c "$TEST_TMP/flat.dmp"
like "$ERR" "flattened kdump .*libkdumpfile 0.5.1 cannot read it" "a flattened kdump is explained"
"$gen" elf "$TEST_TMP/noheader.dmp" 16
run_wb 0 import c "$TEST_TMP/noheader.dmp"
like "$OUT" "[1-9][0-9]* warnings" "an ELF dump without a Windows header imports with warnings"
is "$(q "SELECT count(*) FROM facts WHERE evidence_id = 6 AND key = 'module.loaded'")" "4" \
	"without a Windows header the kernel is found through the IDT and its exports"
is "$(q "SELECT count(*) FROM evidence")" "6" "failed imports left nothing behind"

"$gen" full-x86 "$TEST_TMP/x86.dmp" 16
run_wb 0 import c "$TEST_TMP/x86.dmp"
is "$(q "SELECT format || ' ' || machine || ' ' || build || ' ' || version FROM dump WHERE evidence_id = 7")" \
	"PAGEDUMP full x86 6002 6.0.6002" "x86: a 32-bit PAE full dump"
is "$(q "SELECT value FROM facts WHERE evidence_id = 7 AND key = 'fault.module'")" "faulty.sys" "x86: culprit"
is "$(q "SELECT group_concat(value, ' ') FROM (SELECT value FROM facts WHERE evidence_id = 7 AND key = 'stack.frame' ORDER BY num)")" \
	"faulty!FaultyDispatch+0x40 faulty!FaultyDispatch+0x105 storport+0x1234 nt!IofCallDriver+0x6 nt!KeBugCheckEx+0x105" \
	"x86: frames named from PE32 export tables"
done_testing
