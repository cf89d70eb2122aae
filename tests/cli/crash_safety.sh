#!/bin/sh
# Crash safety: `wb import` killed with SIGKILL at random points leaves a
# consistent case in which the evidence is wholly present or wholly absent;
# a write limit (a full disk) gives a clear error and no damage.
. "$WB_SRCDIR/tests/lib.sh"
[ -n "${SQLITE3_BIN:-}" ] || skip_all "sqlite3 CLI not found"

lines=300000
awk -v n=$lines 'BEGIN { for (i = 1; i <= n; i++) printf "line %d of a long customer log, with some words\n", i }' >"$TEST_TMP/big.txt"
run_wb 0 new crash
case=$WB_CASES/crash.wb

# Time a whole import first, to spread the kills over its length.
start=$(date +%s%N)
"$WB" import --quiet crash "$TEST_TMP/big.txt" >/dev/null
full_ms=$(( ($(date +%s%N) - start) / 1000000 ))
"$WB" sql crash "SELECT 1" >/dev/null
"$SQLITE3_BIN" "$case" "PRAGMA foreign_keys=ON; DELETE FROM evidence" || true
echo "# one import takes ${full_ms} ms"

runs=20
present=0
absent=0
seed=42
for i in $(seq 1 $runs); do
	seed=$(( (seed * 1103515245 + 12345) % 2147483648 ))
	delay_ms=$(( seed % (full_ms + 50) ))
	"$WB" import --quiet --force crash "$TEST_TMP/big.txt" >/dev/null 2>&1 &
	pid=$!
	sleep "$(printf '0.%03d' "$delay_ms")" 2>/dev/null || sleep 1
	[ "$delay_ms" -ge 1000 ] && sleep $((delay_ms / 1000))
	kill -KILL $pid 2>/dev/null
	wait $pid 2>/dev/null
	check=$("$SQLITE3_BIN" "$case" "PRAGMA integrity_check")
	ev=$("$SQLITE3_BIN" "$case" "SELECT count(*) FROM evidence")
	rows=$("$SQLITE3_BIN" "$case" "SELECT count(*) FROM text_lines")
	whole=no
	[ "$ev" = 0 ] && [ "$rows" = 0 ] && whole=yes
	[ "$ev" = 1 ] && [ "$rows" = $lines ] && whole=yes
	if [ "$check" = ok ] && [ $whole = yes ]; then
		if [ "$ev" = 1 ]; then present=$((present + 1)); else absent=$((absent + 1)); fi
		ok 0 "kill $i after ${delay_ms} ms: integrity ok, evidence $([ "$ev" = 1 ] && echo present || echo absent) and whole"
	else
		ok 1 "kill $i after ${delay_ms} ms: integrity '$check', $ev evidence, $rows of $lines rows"
	fi
	"$SQLITE3_BIN" "$case" "PRAGMA foreign_keys=ON; DELETE FROM evidence"
done
echo "# $present runs completed before the kill, $absent were rolled back"

# A full disk: the file size limit makes writes fail part-way through.
run_wb 0 new full
(
	trap '' XFSZ
	ulimit -f 2048	# 1 MiB in 512-byte blocks
	"$WB" import --quiet full "$TEST_TMP/big.txt" >"$TEST_TMP/full.out" 2>"$TEST_TMP/full.err"
	echo $? >"$TEST_TMP/full.rc"
)
is "$(cat "$TEST_TMP/full.rc")" 1 "import fails when the disk is full"
like "$(cat "$TEST_TMP/full.err")" "disk is full or a file size limit" "the error says what happened: $(cat "$TEST_TMP/full.err")"
is "$("$SQLITE3_BIN" "$WB_CASES/full.wb" "PRAGMA integrity_check")" ok "case intact after a full disk"
is "$("$SQLITE3_BIN" "$WB_CASES/full.wb" "SELECT count(*) FROM evidence")" 0 "nothing half-imported"
run_wb 0 import --quiet full "$WB_SRCDIR/README.md" --as notes
done_testing
