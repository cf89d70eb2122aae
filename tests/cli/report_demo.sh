#!/bin/sh
# wb report on the demo case (demo/make-demo: a whole fictional customer's
# evidence through the real importers and matcher), after a decision and a
# checklist session: every format is written, well-formed and stable, and
# the findings quote the evidence rows they rest on.
. "$WB_SRCDIR/tests/lib.sh"
command -v python3 >/dev/null 2>&1 || skip_all "python3 not found (demo/make-demo)"
command -v jq >/dev/null 2>&1 || skip_all "jq not found"

python3 "$WB_SRCDIR/demo/make-demo" "$WB_BUILDDIR" "$TEST_TMP/demo" >"$TEST_TMP/demo.log" 2>&1
ok $? "demo case built"
case=$TEST_TMP/demo/demo.wb
"$WB" findings "$case" --json >"$TEST_TMP/findings.json"
top=$(jq -r '.[0].article' "$TEST_TMP/findings.json")
"$WB" findings "$case" --confirm "$top" --reason "stack and registry agree" >/dev/null
"$WB" checklist "$case" playbook-backup-fails >/dev/null

for fmt in md html txt json; do
	"$WB" report "$case" --format $fmt >"$TEST_TMP/demo.$fmt" 2>"$TEST_TMP/err"
	is "$?" 0 "demo: --format $fmt exits 0"
	is "$(cat "$TEST_TMP/err")" "" "demo: --format $fmt says nothing on stderr"
	"$WB" report "$case" --format $fmt | cmp -s - "$TEST_TMP/demo.$fmt"
	ok $? "demo: --format $fmt is byte-identical on a second run"
done

json=$TEST_TMP/demo.json
is "$(jq '.findings | length' "$json")" "$(jq 'length' "$TEST_TMP/findings.json")" "every finding is in the report"
is "$(jq -r '.findings[0].article' "$json")" "$top" "best finding first"
is "$(jq -r '.findings[0].decision.state' "$json")" confirmed "its decision is reported"
is "$(jq -r '.findings[0].decision.reason' "$json")" "stack and registry agree" "with the reason"
is "$(jq '[.findings[] | .hits[] | .quotes[] | select(.text == null)] | length' "$json")" 0 \
	"every matched evidence row is quoted"
is "$(jq '[.findings[0].hits[].quotes[]] | length > 0' "$json")" true "the best finding quotes evidence"
is "$(jq '.evidence | length' "$json")" "$("$WB" evidence "$case" --json | jq length)" "every evidence file listed"
is "$(jq -r '[.evidence[].sha256 | test("^[0-9a-f]{64}$")] | all' "$json")" true "with its SHA-256"
is "$(jq '.checklist[0].steps | length > 0' "$json")" true "the checklist session with its steps"
is "$(jq '[.timeline.windows[].entries[] | select(.key)] | length > 0' "$json")" true \
	"the timeline excerpt has the key events"

width=$(wc -L <"$TEST_TMP/demo.txt")
[ "$width" -le 80 ]
ok $? "demo: plain text within 80 columns (widest line: $width)"
if command -v xmllint >/dev/null 2>&1; then
	xmllint --noout "$TEST_TMP/demo.html" 2>"$TEST_TMP/xml"
	ok $? "demo: HTML is well-formed XML"
	sed 's/^/#   /' "$TEST_TMP/xml" | head -10
	xmllint --html --noout "$TEST_TMP/demo.html" 2>"$TEST_TMP/xml"
	ok $? "demo: HTML parses as HTML without errors"
fi
like "$(cat "$TEST_TMP/demo.md")" "^### 1\\. $top: " "demo: Markdown heads the best finding"
done_testing
