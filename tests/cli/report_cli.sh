#!/bin/sh
# wb report: options, usage errors and exit codes, -o (0600, atomic, format
# from the extension), the knowledge base's texts, the timeline cap.
. "$WB_SRCDIR/tests/lib.sh"
. "$WB_SRCDIR/tests/cli/report_case.sh"

run_wb 0 report --help
like "$OUT" '^Usage: wb report CASE' "--help shows usage"
like "$OUT" '--format FMT' "--help explains --format"
run_wb 2 report
is "$ERR" "wb report: missing CASE
Usage: wb report CASE [--format md|html|txt|json] [-o FILE] [--now] [--lang ja]" "missing CASE is a usage error"
run_wb 2 report rep extra
like "$ERR" 'too many arguments' "a second argument is a usage error"
run_wb 2 report rep --format pdf
like "$ERR" "unknown format 'pdf' \(md, html, txt or json\)" "unknown format named"
run_wb 2 report rep --frobnicate
like "$ERR" 'unknown option' "unknown option"
run_wb 2 report rep --window 0
like "$ERR" '--window takes minutes' "--window checked"
run_wb 1 report nosuch
is "$ERR" "wb: no case at $WB_CASES/nosuch.wb (create it with: wb new)" "missing case named"

# -o: the file, 0600 whatever the umask, replaced as a whole.
"$WB" report rep --format md >"$TEST_TMP/stdout.md"
(umask 022; "$WB" report rep -o "$TEST_TMP/out.md") 2>"$TEST_TMP/err"
is "$?" 0 "-o exits 0"
is "$(cat "$TEST_TMP/err")" "" "-o says nothing"
cmp -s "$TEST_TMP/out.md" "$TEST_TMP/stdout.md"
ok $? "-o writes what stdout would get"
is "$(stat -c %a "$TEST_TMP/out.md")" 600 "report file is 0600"
echo old >"$TEST_TMP/old.txt"
chmod 644 "$TEST_TMP/old.txt"
run_wb 0 report rep -o "$TEST_TMP/old.txt"
like "$(head -1 "$TEST_TMP/old.txt")" '^Case report: rep$' "-o FILE.txt writes plain text and replaces the old file"
is "$(stat -c %a "$TEST_TMP/old.txt")" 600 "a replaced file is 0600 too"
run_wb 0 report rep -o "$TEST_TMP/r.html"
is "$(head -1 "$TEST_TMP/r.html")" '<!DOCTYPE html>' "-o FILE.html writes HTML"
run_wb 0 report rep --output "$TEST_TMP/r.json"
like "$(head -3 "$TEST_TMP/r.json")" '"report": "wb case report"' "--output FILE.json writes JSON"
run_wb 0 report rep --format md -o "$TEST_TMP/forced.html"
is "$(head -1 "$TEST_TMP/forced.html")" '# Case report: rep' "--format wins over the extension"
run_wb 1 report rep -o "$TEST_TMP/nodir/r.md"
like "$ERR" "^wb: cannot create $TEST_TMP/nodir/r.md" "unwritable -o names the file"
is "$(ls "$TEST_TMP" | grep -c '\.md\.')" 0 "no temporary file left behind"
# Something that is not a regular file is written in place, not replaced.
if mkfifo "$TEST_TMP/fifo" 2>/dev/null; then
	timeout 20 cat "$TEST_TMP/fifo" >"$TEST_TMP/fifo.out" &
	run_wb 0 report rep -o "$TEST_TMP/fifo"
	wait
	[ -p "$TEST_TMP/fifo" ]
	ok $? "-o on a FIFO leaves the FIFO"
	cmp -s "$TEST_TMP/fifo.out" "$TEST_TMP/stdout.md"
	ok $? "and writes the report through it"
fi
if [ -c /dev/full ]; then
	"$WB" report rep >/dev/full 2>"$TEST_TMP/err"
	is "$?" 1 "a full standard output is an error"
	like "$(cat "$TEST_TMP/err")" '^wb: cannot write the report' "and says so"
fi

# The case is opened read-only: a report changes nothing.
before=$("$SQLITE3_BIN" "$WB_CASES/rep.wb" "SELECT count(*) FROM audit")
run_wb 0 report rep
is "$("$SQLITE3_BIN" "$WB_CASES/rep.wb" "SELECT count(*) FROM audit")" "$before" "a report writes nothing to the case"

# The knowledge base adds the article's title, summary and resolution.
if [ -f "$WB_KB" ]; then
	rep_sql "UPDATE findings SET article = 'vss-legacy-trace-bugcheck' WHERE article = 'test-volsnap'"
	run_wb 0 report rep --format json
	like "$OUT" '"resolution": "[^"]' "the KB's resolution is in the report"
	if command -v jq >/dev/null 2>&1; then
		"$WB" kb show vss-legacy-trace-bugcheck --json >"$TEST_TMP/article.json"
		is "$(printf '%s' "$OUT" | jq -r '.findings[0].title')" \
			"$(jq -r '.title.en' "$TEST_TMP/article.json")" "the KB's title replaces the matcher's"
		run_wb 0 report rep --lang ja --format json
		is "$(printf '%s' "$OUT" | jq -r '.findings[0].summary')" \
			"$(jq -r '.summary.ja' "$TEST_TMP/article.json")" "--lang ja gives the Japanese summary"
		run_wb 0 report rep --lang ja --format txt
		like "$OUT" "$(jq -r '.title.ja' "$TEST_TMP/article.json" | cut -c1-12)" "and the Japanese title in the text report"
	fi
	rep_sql "UPDATE findings SET article = 'test-volsnap' WHERE article = 'vss-legacy-trace-bugcheck'"
fi
WB_KB="$TEST_TMP/nokb.sqlite" "$WB" report rep >"$TEST_TMP/nokb.md" 2>"$TEST_TMP/err"
is "$?" 0 "without a knowledge base the report is still written"
like "$(cat "$TEST_TMP/err")" 'article texts left out' "and says what is missing"

# Around a key event: at most 10 entries either side.
rep_sql "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 30)
	INSERT INTO timeline (evidence_id, ts, level, kind, summary)
	SELECT 1, 1714529700000000 - i * 1000000, 'info', 'event', 'before ' || i FROM n"
run_wb 0 report rep --format json
if command -v jq >/dev/null 2>&1; then
	is "$(printf '%s' "$OUT" | jq -r '[.timeline.windows[0].entries[] | .summary | select(startswith("before"))]
		| [length, .[0], .[-1]] | map(tostring) | join(" ")')" "10 before 10 before 1" \
		"the 10 entries just before a key event, no more"
fi

# The timeline excerpt is capped; the report says so.
rep_sql "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300)
	INSERT INTO timeline (evidence_id, ts, level, kind, summary)
	SELECT 1, 1714529700000000 + i * 1000000, 'error', 'event', 'error ' || i FROM n"
run_wb 0 report rep --format json
if command -v jq >/dev/null 2>&1; then
	is "$(printf '%s' "$OUT" | jq '[.timeline.windows[].entries | length] | add')" 200 "at most 200 timeline entries"
	is "$(printf '%s' "$OUT" | jq '.timeline.truncated')" true "truncated is said"
fi
run_wb 0 report rep --format txt
like "$OUT" 'The excerpt stops after 200 entries' "the text report says the excerpt was cut"
run_wb 0 report rep --format json --window 1
if command -v jq >/dev/null 2>&1; then
	is "$(printf '%s' "$OUT" | jq -c '[.timeline.window_minutes, .timeline.windows[0].from]')" \
		'[1,"2024-05-01T02:14:00.000000Z"]' "--window sets the window"
fi
done_testing
