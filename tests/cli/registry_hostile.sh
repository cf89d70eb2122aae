#!/bin/sh
# Hives written by tests/mkhive.py (no corpus needed): the facts of small
# SYSTEM and SOFTWARE hives, then hostile ones: a subkey loop, nesting deeper than any real
# hive, a dirty base block, truncation at every 512 bytes and flipped bytes.
# wb must import what libregf can read or refuse with a clear error; it must
# never crash or hang.
. "$WB_SRCDIR/tests/lib.sh"
# libregf's own leak on unreadable keys (docs/REGISTRY.md) is not wb's.
LSAN_OPTIONS="suppressions=$WB_SRCDIR/tests/lsan-libregf.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export LSAN_OPTIONS
VALGRIND_OPTS="--suppressions=$WB_SRCDIR/tests/valgrind-libregf.supp${VALGRIND_OPTS:+ $VALGRIND_OPTS}"
export VALGRIND_OPTS
command -v python3 >/dev/null || skip_all "python3 not installed"

sql() {
	"$WB" sql c "$1" | sed 1d
}
python3 "$WB_SRCDIR/tests/mkhive.py" "$TEST_TMP/mini"
python3 "$WB_SRCDIR/tests/mkhive.py" "$TEST_TMP/loop" --loop
python3 "$WB_SRCDIR/tests/mkhive.py" "$TEST_TMP/deep" --deep 2000 --dirty

run_wb 0 new c
run_wb 0 import c "$TEST_TMP/mini"
like "$OUT" 'evidence 1 \(hive\), 19 records, 0 warnings' "small SYSTEM hive: 13 keys and 6 values"
fact() {
	sql "SELECT group_concat(coalesce(value, '') || '|' || coalesce(num, ''), ' ; ') FROM facts WHERE evidence_id = $1 AND key = '$2'"
}
is "$(fact 1 crash.dump_type)" "automatic|7" "crash.dump_type from a hive"
is "$(fact 1 disk.timeout)" "190|190" "disk.timeout from Services\\disk"
is "$(fact 1 filter)" "wbflt|370030" "filter altitude"
is "$(fact 1 vss.diag.unfinished)" "SPP\\SppCreate|" "an Enter without Leave in a hive"
is "$(sql "SELECT ts FROM facts WHERE evidence_id = 1 AND key = 'vss.diag.op'")" \
	"$(python3 -c 'print((0x01DA9BB02F5BC000 // 10) - 11644473600 * 1000000)')" "Diag FILETIME decoded to microseconds"
is "$(sql "SELECT count(*) FROM registry WHERE evidence_id = 1 AND name IS NULL AND written IS NOT NULL")" 13 \
	"every key row has its last-written time"

run_wb 0 import c "$TEST_TMP/loop"
like "$OUT" 'evidence 2 \(hive\), 19 records, 1 warnings' "subkey loop: each key once, one warning"
like "$(sql "SELECT message FROM evidence_warning WHERE evidence_id = 2")" \
	'HKLM\\SYSTEM\\ControlSet001\\Services\\ControlSet001: key already seen \(a loop in the hive\)' "the loop is named"

run_wb 0 import c "$TEST_TMP/deep"
w=$(sql "SELECT group_concat(message, '|') FROM evidence_warning WHERE evidence_id = 3")
like "$w" 'deeper than 512 keys; subkeys not read' "2000 nested keys: stops at 512 with a warning"
like "$w" 'dirty hive: sequence numbers 5 and 4 differ' "dirty base block warned"

# SOFTWARE hives: by the name the hive carries, and by content without one.
python3 "$WB_SRCDIR/tests/mkhive.py" "$TEST_TMP/software" --software
python3 "$WB_SRCDIR/tests/mkhive.py" "$TEST_TMP/unnamed" --software --noname
python3 "$WB_SRCDIR/tests/mkhive.py" "$TEST_TMP/unnamed-system" --noname
run_wb 0 import c "$TEST_TMP/software"
run_wb 0 import c "$TEST_TMP/unnamed"
run_wb 0 import c "$TEST_TMP/unnamed-system"
like "$(sql "SELECT group_concat(summary, ' | ') FROM evidence WHERE id IN (4, 5, 6)")" \
	'^registry hive SOFTWARE as HKLM\\SOFTWARE .* \| registry hive \(unnamed\) as HKLM\\SOFTWARE .* \| registry hive \(unnamed\) as HKLM\\SYSTEM ' \
	"the hive's root: from its own name, else from its content"
for n in 4 5; do
	is "$(sql "SELECT group_concat(f, ' ') FROM (SELECT key || '=' || value AS f FROM facts WHERE evidence_id = $n AND key IN ('os.build', 'os.version', 'os.product', 'av.kstack_min_free') ORDER BY key)")" \
		"av.kstack_min_free=0x00001800 os.build=17763 os.product=Windows Server 2019 Standard os.version=10.0.17763.4010" \
		"SOFTWARE facts (evidence $n)"
done

# Truncated at every 512 bytes, and single bytes flipped all over the file.
size=$(wc -c <"$TEST_TMP/mini")
crashed=0
tried=0
cut=512
while [ "$cut" -lt "$size" ]; do
	head -c "$cut" "$TEST_TMP/mini" >"$TEST_TMP/cut"
	timeout 20 "$WB" import --force c "$TEST_TMP/cut" >/dev/null 2>"$TEST_TMP/err"
	rc=$?
	tried=$((tried + 1))
	if [ $rc -gt 1 ]; then
		crashed=$((crashed + 1))
		echo "# truncated at $cut: exit $rc"
	elif [ $rc = 1 ] && ! grep -q "$TEST_TMP/cut: " "$TEST_TMP/err"; then
		crashed=$((crashed + 1))
		echo "# truncated at $cut: error without the file name: $(cat "$TEST_TMP/err")"
	fi
	cut=$((cut + 512))
done
is "$crashed" 0 "$tried truncated hives: each imports or fails with a named error"
crashed=0
tried=0
for off in $(seq 4096 97 8191) 0 4 8 36 40 44; do
	python3 - "$TEST_TMP/mini" "$TEST_TMP/flip" "$off" <<'EOF'
import sys
data = bytearray(open(sys.argv[1], "rb").read())
off = int(sys.argv[3])
data[off] ^= 0xA5 if off % 2 else 0xFF
open(sys.argv[2], "wb").write(data)
EOF
	timeout 20 "$WB" import --force --as hive c "$TEST_TMP/flip" >/dev/null 2>&1
	rc=$?
	tried=$((tried + 1))
	if [ $rc -gt 1 ]; then
		crashed=$((crashed + 1))
		echo "# byte $off flipped: exit $rc"
	fi
done
is "$crashed" 0 "$tried hives with a flipped byte: none crashes or hangs"
done_testing
