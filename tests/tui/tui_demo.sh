#!/bin/sh
# A guided case on the demo evidence: findings and why (with jumps into the
# evidence), confirm with a reason, the checklist, the KB, Procmon with its
# VSS writer panel and column filters, the timeline in the case zone.
. "$WB_SRCDIR/tests/lib.sh"
. "$WB_SRCDIR/tests/tui/tuilib.sh"
command -v python3 >/dev/null 2>&1 || skip_all "python3 not found (demo/make-demo needs it)"
[ -f "$WB_KB" ] || skip_all "no compiled knowledge base at $WB_KB"

python3 "$WB_SRCDIR/demo/make-demo" "$WB_BUILDDIR" "$TEST_TMP/demo" >"$TEST_TMP/demo.log" 2>&1 ||
	{ sed 's/^/# /' "$TEST_TMP/demo.log"; skip_all "demo/make-demo failed"; }
CASE="$TEST_TMP/demo/demo.wb"

tui_start 80 24 "$CASE"
shows 'Top findings' "the demo case opens"
like "$(screen)" '^ +[0-9.]+ +open +vss-legacy-trace-bugcheck' "the overview lists the top findings"
keys 4
shows '^Score +State +Decision +Article' "4 shows the findings"
like "$(screen)" 'vss-legacy-trace-bugcheck +Bugcheck 0x7E' "each finding with its title"
keys Enter
shows '^Why vss-legacy-trace-bugcheck' "Enter explains the finding"
like "$(screen)" 'Evidence that matches' "the clauses that hit"
like "$(screen)" 'bugcheck.code = 0x0000007E +\(evidence #[0-9]+, text_lines:[0-9]+\)' "each fact names its evidence row"
keys / ; type_text 'bugcheck.code = '; keys Enter Enter
shows 'understood as bugcheck.code' "Enter on a fact opens the evidence at that line"
keys q
shows '^Why vss-legacy-trace-bugcheck' "q goes back to the explanation"
keys c
shows '^confirm, reason: *$' "c asks for a reason"
type_text 'VSS tracing was left on; the stack matches'; keys Enter
shows 'vss-legacy-trace-bugcheck: confirmed' "the finding is confirmed"
shows 'confirmed by [^ ]+ at .*: VSS tracing was left on' "the decision is shown with who, when and why"
run_wb 0 sql "$CASE" "SELECT state, reason FROM decisions"
is "$OUT" "$(printf 'state\treason\nconfirmed\tVSS tracing was left on; the stack matches')" "the decision is stored"
run_wb 0 sql "$CASE" "SELECT count(*) FROM audit WHERE action LIKE '%vss-legacy-trace-bugcheck%VSS tracing was left on%'"
is "$OUT" "count(*)
1" "and audit-logged"

keys S
shows 'checklist vss-legacy-trace-bugcheck started' "S starts the article's checklist"
shows '^-> \[ \]' "the current step is marked"
like "$(screen)" '\[x\] get-dump collect: .*' "collect steps tick themselves from the evidence"
like "$(screen)" '^-> \[ \] [^ ]+ ask: ' "the first open step is a question"
q=$(screen | sed -n 's/^-> \[ \] \([^ ]*\) ask: .*/\1/p' | head -1)
keys / ; type_text "^-> "; keys Enter x
shows "$q' is a question: answer it" "x does not tick a question"
answered=$(checklist_answer_all)
ok $? "a answers the questions ($(echo $answered))"
like "$(screen)" "\\[=\\] $q ask: " "an answered question is marked"
like "$(screen)" 'given: ' "with its answer"
shows '^-> \[ \] [^ ]+ do: ' "then an action becomes the current step"
step=$(screen | sed -n 's/^-> \[ \] \([^ ]*\) do: .*/\1/p' | head -1)
like "$(screen)" '^ +\$ [^ ]' "do steps show their command"
keys / ; type_text "^-> "; keys Enter x
shows "\\[x\\] $step do: " "x marks it done"
run_wb 0 sql "$CASE" "SELECT state FROM checklist WHERE step = '$step' ORDER BY id DESC LIMIT 1"
is "$OUT" "state
done" "the step's state is stored"
keys A ; type_text 'customer ran it at 10:05'; keys Enter
shows 'note: customer ran it at 10:05' "A adds a note to the step"

keys 7
shows '^apc-disabled-io +issue +Stop 0xA' "7 lists the KB articles: id, kind, title"
keys / ; type_text '^vss-legacy'; keys Enter Enter
shows '^Article vss-legacy-trace-bugcheck' "Enter reads an article"
like "$(screen)" '^Summary' "with its summary"
keys q

keys 2 G Enter
shows '^Procmon #[0-9]+: procmon-systemwriter.CSV' "the Procmon viewer opens from the evidence list"
keys v
shows 'What happened just before each Leave' "v shows the VSS writer analysis"
like "$(screen)" 'System Writer +IDENTIFY \(Leave\)' "the writer's Leave"
keys / ; type_text 'IDENTIFY \(Leave\)'; keys Enter Enter
shows 'RegSetValue' "Enter jumps to the Procmon row"
like "$(screen)" 'Path: .*System Writer.IDENTIFY' "the row is the Leave"
keys q q w ; type_text 'result is access denied'; keys Enter
shows '\[result is access denied\] +1/1' "a column filter (Procmon style)"
keys w ; type_text 'process is svchost.exe exclude'; keys Enter
shows '0/0' "filters add up (exclude)"
keys w Enter
shows '1/[0-9]{3,} *$' "an empty :where clears the filters"
keys w ; type_text 'colour is red'; keys Enter
shows 'unknown column colour' "a bad column is reported"

keys 4 : ; type_text 'lang'; keys Enter
shows 'knowledge base texts in Japanese' ":lang switches the KB texts to Japanese"
shows 'vss-legacy-trace-bugcheck +VSS レガシー' "article titles in Japanese"
keys : ; type_text 'lang'; keys Enter
shows 'vss-legacy-trace-bugcheck +Bugcheck 0x7E' "and back to English"
keys : ; type_text "report $TEST_TMP/reports/case.md"; keys Enter
shows 'reports/case\.md: No such file' "a report into a missing folder fails with a message"
mkdir -p "$TEST_TMP/reports"
keys : ; type_text "report $TEST_TMP/reports/case.md"; keys Enter
shows 'md report written to .*/reports/case\.md' ":report writes the report"
run_wb 0 report "$CASE" --format md
is "$(cat "$TEST_TMP/reports/case.md")" "$OUT" "the same report as wb report"
keys : ; type_text "report $TEST_TMP/reports/case.doc"; keys Enter
shows 'name the format with the extension' "an unknown extension is refused"

keys 3
shows '^Timeline \(UTC\)' "the timeline"
keys / ; type_text 'WinDbg: bugcheck'; keys Enter
shows 'Enter opens text_lines row' "the detail pane says where the entry comes from"
keys Enter
shows '^Text #[0-9]+: analyze\.txt' "Enter opens the evidence at that entry"
like "$(screen)" 'understood as' "on the line it came from"
keys q
keys z
shows '^Timeline \(\+09:00\)' "z shows the case zone"
keys Q
shows 'WB-EXIT=0' "quit"
done_testing
