#!/bin/sh
# Registry hives of the shared corpus (decompressed into the test's temp dir):
# every one imports or fails with a clear error; key and value counts agree
# with libregf-utils' regfexport; facts agree with the values regfexport shows.
. "$WB_SRCDIR/tests/lib.sh"
# libregf's own leak on unreadable keys (docs/REGISTRY.md) is not wb's.
LSAN_OPTIONS="suppressions=$WB_SRCDIR/tests/lsan-libregf.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export LSAN_OPTIONS
VALGRIND_OPTS="--suppressions=$WB_SRCDIR/tests/valgrind-libregf.supp${VALGRIND_OPTS:+ $VALGRIND_OPTS}"
export VALGRIND_OPTS
need_corpus registry
command -v xz >/dev/null || skip_all "xz not installed (Debian package xz-utils)"

reg=$WB_CORPUS/registry
for f in SYSTEM SYSTEM_2 SYSTEM_B SYSTEM_B.LOG1 SYSTEM_B.LOG2 corrupted_system_hive BCD; do
	xz -dc "$reg/$f.xz" >"$TEST_TMP/$f" || skip_all "cannot decompress $f.xz"
done
have_regfexport=0
command -v regfexport >/dev/null && have_regfexport=1

# sql QUERY: one-column answer of `wb sql` without its header.
sql() {
	"$WB" sql c "$1" | sed 1d
}

# regf_value HIVE-EXPORT KEY-PATH-SUFFIX VALUE: the "Data:" regfexport shows.
regf_value() {
	awk -v key="$2" -v val="$3" '
		/^Key path: / { inkey = (tolower(substr($0, length($0) - length(key) + 1)) == tolower(key)) }
		inkey && /^Value: / { sub(/^Value: [0-9]+ /, ""); inval = (tolower($0) == tolower(val)) }
		inkey && inval && /^Data: / { sub(/^Data: /, ""); print; exit }' "$1"
}

run_wb 0 new c
n=0
for f in SYSTEM SYSTEM_2 SYSTEM_B BCD; do
	n=$((n + 1))
	start=$(date +%s.%N)
	run_wb 0 import c "$TEST_TMP/$f"
	end=$(date +%s.%N)
	echo "# $f imported in $(echo "$end - $start" | bc 2>/dev/null || echo '?') s"
	like "$OUT" "evidence $n \\(hive\\)" "$f imports as a hive"
	keys=$(sql "SELECT count(*) FROM registry WHERE evidence_id = $n AND name IS NULL")
	values=$(sql "SELECT count(*) FROM registry WHERE evidence_id = $n AND name IS NOT NULL")
	if [ $have_regfexport = 1 ]; then
		regfexport "$TEST_TMP/$f" >"$TEST_TMP/$f.export" 2>/dev/null
		is "$keys" "$(grep -c '^Key path:' "$TEST_TMP/$f.export")" "$f: keys agree with regfexport"
		is "$values" "$(grep -c '^Value: ' "$TEST_TMP/$f.export")" "$f: values agree with regfexport"
	else
		ok 0 "$f: regfexport not installed (libregf-utils) # SKIP"
		ok 0 "$f: regfexport not installed (libregf-utils) # SKIP"
	fi
	ok "$([ "$values" -gt 50 ] && echo 0 || echo 1)" "$f: values stored ($values)"
done

# SYSTEM hives: the root is HKLM\SYSTEM, Select\Current names the control set.
for n in 1 2 3; do
	f=$(sql "SELECT path FROM evidence WHERE id = $n")
	f=${f##*/}
	like "$(sql "SELECT summary FROM evidence WHERE id = $n")" \
		'registry hive SYSTEM as HKLM\\SYSTEM .*CurrentControlSet = ControlSet001' \
		"$f: summary names the hive and the control set"
	is "$(sql "SELECT count(*) FROM registry WHERE evidence_id = $n AND key LIKE 'HKLM\\SYSTEM\\ControlSet001%'")" 0 \
		"$f: ControlSet001 is stored as CurrentControlSet"
	is "$(sql "SELECT value || ' ' || num FROM facts WHERE evidence_id = $n AND key = 'boot.control_set'")" \
		"ControlSet001 1" "$f: boot.control_set fact"
	if [ $have_regfexport = 1 ]; then
		ex=$TEST_TMP/$f.export
		want=$(regf_value "$ex" 'ControlSet001\Control\CrashControl' CrashDumpEnabled)
		is "$(sql "SELECT num FROM facts WHERE evidence_id = $n AND key = 'crash.dump_type'")" "$want" \
			"$f: crash.dump_type = CrashDumpEnabled as regfexport reads it"
		want=$(regf_value "$ex" 'ControlSet001\Services\Disk' TimeOutValue)
		is "$(sql "SELECT num FROM facts WHERE evidence_id = $n AND key = 'disk.timeout'")" "$want" \
			"$f: disk.timeout = Disk\\TimeOutValue as regfexport reads it"
		want=$(regf_value "$ex" 'ControlSet001\Control\CrashControl' DumpFile)
		is "$(sql "SELECT value FROM facts WHERE evidence_id = $n AND key = 'crash.dump_file'")" "$want" \
			"$f: crash.dump_file"
		want=$(grep -ci '^Key path: .*\\ControlSet001\\Services\\[^\\]*\\Instances\\[^\\]*$' "$ex")
		got=$(sql "SELECT count(DISTINCT r.key) FROM facts f JOIN registry r ON r.id = f.ref_id WHERE f.evidence_id = $n AND f.key = 'filter'")
		is "$got" "$want" "$f: a filter fact per minifilter instance"
	fi
	is "$(sql "SELECT value FROM facts WHERE evidence_id = $n AND key = 'vss.diag'")" "enabled" \
		"$f: no (Default)=Disabled under VSS\\Diag: legacy tracing on"
	like "$(sql "SELECT group_concat(value, '|') FROM facts WHERE evidence_id = $n AND key = 'registry'")" \
		'HKLM\\SYSTEM\\CurrentControlSet\\Control\\CrashControl\\CrashDumpEnabled' \
		"$f: registry fact names the value in normal form"
	# Every SPP operation in these hives has a later Leave.
	is "$(sql "SELECT count(*) FROM facts WHERE evidence_id = $n AND key = 'vss.diag.unfinished'")" 0 \
		"$f: no unfinished VSS operation"
done

# VSS\Diag records decode to their FILETIME (the key's last write is never older).
if [ $have_regfexport = 1 ]; then
	diag=$(awk '/^Key path: / { d = (tolower($0) ~ /\\controlset001\\services\\vss\\diag\\[^\\]*$/) }
		d && /^Value: / { n++ } END { print n + 0 }' "$TEST_TMP/SYSTEM.export")
	is "$(sql "SELECT count(*) FROM facts WHERE evidence_id = 1 AND key = 'vss.diag.op' AND ts IS NOT NULL")" \
		"$diag" "SYSTEM: every record under VSS\\Diag\\* is decoded and dated ($diag)"
	is "$(sql "SELECT count(*) FROM timeline WHERE evidence_id = 1 AND kind = 'vss.diag'")" "$diag" \
		"SYSTEM: Diag records on the timeline"
fi
is "$(sql "SELECT count(*) FROM facts f JOIN registry k ON k.evidence_id = 1 AND k.name IS NULL
	AND k.key = (SELECT key FROM registry WHERE id = f.ref_id)
	WHERE f.evidence_id = 1 AND f.key = 'vss.diag.op' AND f.ts > k.written")" 0 \
	"SYSTEM: no Diag record is newer than its key's last write"
like "$(sql "SELECT text FROM facts WHERE evidence_id = 1 AND value = 'SPP\\SppCreate (Leave)'")" \
	'at 2012-04-04T20:05:08.330771Z, pid 3864, tid 204, operation 2000, phase leave' \
	"SYSTEM: SppCreate (Leave) decoded"

# Dirty hive: both sequence numbers differ; its logs are named.
w=$(sql "SELECT group_concat(message, '|') FROM evidence_warning WHERE evidence_id = 3")
like "$w" 'dirty hive: sequence numbers 1622 and 1621 differ' "SYSTEM_B: dirty hive warned"
like "$w" 'SYSTEM_B.LOG1 next to the hive reaches sequence 2107' "SYSTEM_B: LOG1 named"
like "$w" 'SYSTEM_B.LOG2 next to the hive reaches sequence 2111' "SYSTEM_B: LOG2 named"
like "$(sql "SELECT summary FROM evidence WHERE id = 3")" ', dirty' "SYSTEM_B: summary says dirty"

# BCD: a hive of its own, mounted where Windows mounts it.
like "$(sql "SELECT summary FROM evidence WHERE id = 4")" 'registry hive BCD as HKLM\\BCD00000000' \
	"BCD imports as HKLM\\BCD00000000"
is "$(sql "SELECT count(*) FROM registry WHERE evidence_id = 4 AND key LIKE 'HKLM\\BCD00000000\\Objects\\{%}\\Elements\\%' AND name = 'Element'")" \
	"$(sql "SELECT count(*) FROM registry WHERE evidence_id = 4 AND name = 'Element'")" \
	"BCD: every Element lives under Objects\\{id}\\Elements"

if [ $have_regfexport = 1 ]; then
	want=$(grep -c '^Key path: .*\\Elements\\16000009$' "$TEST_TMP/BCD.export")
	is "$(sql "SELECT count(*) || ' ' || coalesce(group_concat(DISTINCT value), '') FROM facts WHERE evidence_id = 4 AND key = 'bcd.recoveryenabled'")" \
		"$want off" "BCD: a bcd.recoveryenabled fact per recoveryenabled element, all off"
fi

# A transaction log is not a hive; a damaged hive is refused with the offset.
run_wb 1 import c "$TEST_TMP/SYSTEM_B.LOG1"
is "$ERR" "wb: $TEST_TMP/SYSTEM_B.LOG1: a registry transaction log (file type 6), not a hive: import the hive file it belongs to" \
	"LOG1 refused with the reason"
run_wb 1 import c "$TEST_TMP/corrupted_system_hive"
like "$ERR" "corrupted_system_hive: damaged hive: libregf cannot read the root key \\(.*hive bin at offset: 1866536.*\\); the chain of hive bins breaks at offset 0x1a000 \\(expected 'hbin'\\)" \
	"damaged hive: clear error with offsets"
is "$(sql "SELECT count(*) FROM evidence")" 4 "failed imports leave nothing behind"

# A truncated hive: what libregf can read, or a clear error; never a crash.
head -c 700000 "$TEST_TMP/SYSTEM" >"$TEST_TMP/truncated"
"$WB" import c "$TEST_TMP/truncated" >"$TEST_TMP/out" 2>"$TEST_TMP/err"
rc=$?
ok "$([ $rc -le 1 ] && echo 0 || echo 1)" "truncated hive: exit $rc, no crash"
if [ $rc = 0 ]; then
	like "$(sql "SELECT group_concat(message, '|') FROM evidence_warning WHERE evidence_id = 5")" \
		'breaks at offset|unreadable' "truncated hive: warnings say what is missing"
else
	like "$(cat "$TEST_TMP/err")" 'truncated: ' "truncated hive: error names the file"
fi

# Round trip: the SYSTEM hive's rows written as a regedit-style .reg export
# (UTF-16LE, wrapped hex, every value type) import as the same rows.
if command -v python3 >/dev/null; then
	"$WB" sql --json c "SELECT key, name, type, data, hex(raw) AS raw, size FROM registry WHERE evidence_id = 1 ORDER BY id" |
		python3 "$WB_SRCDIR/tests/rows2reg.py" "$TEST_TMP/system.reg"
	run_wb 0 import c "$TEST_TMP/system.reg"
	ev=$(sql "SELECT max(id) FROM evidence")
	like "$OUT" "evidence $ev \\(reg\\)" "SYSTEM as a .reg export imports"
	rows="SELECT key, name, type, data, raw FROM registry WHERE evidence_id = %s AND (data IS NOT NULL OR raw IS NOT NULL OR size IS NULL OR size = 0)"
	# shellcheck disable=SC2059
	is "$(sql "SELECT count(*) FROM ($(printf "$rows" 1) EXCEPT $(printf "$rows" "$ev"))")" 0 \
		"every key and value of the hive comes back from the .reg (except data over 64 KiB)"
	# shellcheck disable=SC2059
	is "$(sql "SELECT count(*) FROM ($(printf "$rows" "$ev") EXCEPT $(printf "$rows" 1))")" 0 \
		"and nothing else"
else
	ok 0 "python3 not installed # SKIP"
	ok 0 "python3 not installed # SKIP"
	ok 0 "python3 not installed # SKIP"
	ok 0 "python3 not installed # SKIP"
fi
done_testing
