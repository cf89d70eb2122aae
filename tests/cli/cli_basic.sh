#!/bin/sh
# CLI: help, wb new, wb note, wb sql, wb evidence/facts/timeline on an empty case.
. "$WB_SRCDIR/tests/lib.sh"

run_wb 2
like "$ERR" '^Usage: wb COMMAND' "no arguments prints usage on stderr"
run_wb 0 --help
like "$OUT" 'import +import evidence files' "wb --help lists commands"
run_wb 2 frobnicate
is "$(printf '%s\n' "$ERR" | head -1)" "wb: unknown command 'frobnicate'" "unknown command named"

for cmd in new open import evidence facts timeline retime findings checklist note report kb sql triage; do
	run_wb 0 $cmd --help
	like "$OUT" "^Usage: wb $cmd " "wb $cmd --help shows usage"
done

run_wb 2 new
is "$ERR" "wb new: missing CASE
Usage: wb new CASE [--title TEXT] [--symptom TEXT] [--tz +HH:MM]" "wb new without a case"
run_wb 0 new case1 --title "Backup fails" --symptom "system state backup fails" --tz +09:00
is "$OUT" "created case case1 at $WB_CASES/case1.wb" "wb new says where"
is "$(stat -c %a "$WB_CASES/case1.wb")" "600" "case file is 0600"
is "$(stat -c %a "$WB_CASES")" "700" "case directory is 0700"
run_wb 1 new case1
is "$ERR" "wb: case $WB_CASES/case1.wb already exists" "wb new refuses an existing case"
run_wb 2 new case2 --tz Tokyo
like "$ERR" "bad time zone 'Tokyo'" "wb new checks --tz"
run_wb 1 evidence nosuch
is "$ERR" "wb: no case at $WB_CASES/nosuch.wb (create it with: wb new)" "missing case named"

run_wb 0 sql case1 "SELECT value FROM case_info WHERE field IN ('title','timezone') ORDER BY field"
is "$OUT" "value
+09:00
Backup fails" "case info stored"
run_wb 1 sql case1 "DELETE FROM evidence"
like "$ERR" "only one read-only statement" "wb sql refuses writes"
run_wb 1 sql case1 "SELECT 1; DROP TABLE evidence"
like "$ERR" "only one read-only statement" "wb sql refuses a second statement"
run_wb 1 sql case1 "SELEC nonsense"
like "$ERR" '^wb: sql: near "SELEC"' "wb sql reports SQL errors"
run_wb 2 sql case1
like "$ERR" "missing CASE or SQL" "wb sql without SQL"
run_wb 0 sql --json case1 "SELECT 1 AS one, 'a' AS s, NULL AS n"
is "$(printf '%s' "$OUT" | tr -d ' \n')" '[{"one":1,"s":"a","n":null}]' "wb sql --json"

run_wb 0 note case1 "asked customer for MEMORY.DMP"
is "$OUT" "note 1 added" "wb note"
run_wb 2 note case1
like "$ERR" "missing CASE or TEXT" "wb note without text"
run_wb 0 sql case1 "SELECT text FROM notes"
is "$OUT" "text
asked customer for MEMORY.DMP" "note stored"
run_wb 0 sql case1 "SELECT action FROM audit ORDER BY id"
like "$OUT" "created case" "audit log has the creation"
like "$OUT" "added note 1" "audit log has the note"

run_wb 0 evidence case1 --json
is "$OUT" "[]" "no evidence yet"
run_wb 0 facts case1 --json
is "$OUT" "[]" "no facts yet"
run_wb 2 facts case1 --grep x
like "$ERR" "option not valid" "facts refuses --grep"
run_wb 2 timeline case1 --from yesterday
like "$ERR" "bad time 'yesterday'" "timeline checks --from"
run_wb 2 timeline case1 --grep '('
like "$ERR" "bad regular expression" "timeline checks --grep"

# A file that is not a wb case.
echo "just text" >"$TEST_TMP/notacase.wb"
run_wb 1 evidence "$TEST_TMP/notacase.wb"
like "$ERR" "is not a wb case" "non-case file refused"
# Another program's SQLite database.
if [ -n "${SQLITE3_BIN:-}" ]; then
	"$SQLITE3_BIN" "$TEST_TMP/other.wb" "CREATE TABLE t(x)"
	run_wb 1 import "$TEST_TMP/other.wb" /etc/hostname
	like "$ERR" "not a wb case" "another program's database refused"
fi
done_testing
