#!/bin/sh
# Two engineers at once: two imports into one case and readers running
# meanwhile all succeed; nobody sees "database is locked".
. "$WB_SRCDIR/tests/lib.sh"

awk 'BEGIN { for (i = 1; i <= 200000; i++) printf "first file line %d\n", i }' >"$TEST_TMP/a.txt"
awk 'BEGIN { for (i = 1; i <= 200000; i++) printf "second file line %d\n", i }' >"$TEST_TMP/b.txt"
run_wb 0 new shared
"$WB" import --quiet shared "$TEST_TMP/a.txt" >"$TEST_TMP/a.out" 2>&1 &
pa=$!
"$WB" import --quiet shared "$TEST_TMP/b.txt" >"$TEST_TMP/b.out" 2>&1 &
pb=$!
reads=0
read_fail=0
while kill -0 $pa 2>/dev/null || kill -0 $pb 2>/dev/null; do
	"$WB" evidence shared >/dev/null 2>>"$TEST_TMP/r.err" || read_fail=$((read_fail + 1))
	"$WB" note shared "note while importing $reads" >/dev/null 2>>"$TEST_TMP/r.err" || read_fail=$((read_fail + 1))
	reads=$((reads + 1))
done
wait $pa
ra=$?
wait $pb
rb=$?
is "$ra" 0 "first import succeeds: $(cat "$TEST_TMP/a.out")"
is "$rb" 0 "second import succeeds: $(cat "$TEST_TMP/b.out")"
is "$read_fail" 0 "$reads rounds of reads and notes during the imports all succeed"
unlike "$(cat "$TEST_TMP/a.out" "$TEST_TMP/b.out" "$TEST_TMP/r.err")" "locked" "nobody sees 'database is locked'"
run_wb 0 sql shared "SELECT count(*) FROM text_lines"
is "$OUT" "count(*)
400000" "both imports complete"
done_testing
