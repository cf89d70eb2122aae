#!/bin/sh
# A whole guided case in the UI, from an empty case to the report: import the
# customer's files from inside the UI, see the findings and why, confirm one,
# walk its checklist, take a note, resize in the middle, write the report.
. "$WB_SRCDIR/tests/lib.sh"
. "$WB_SRCDIR/tests/tui/tuilib.sh"
command -v python3 >/dev/null 2>&1 || skip_all "python3 not found (demo/make-demo writes the evidence)"
[ -f "$WB_KB" ] || skip_all "no compiled knowledge base at $WB_KB"

# The demo's evidence files (its own case is not used here).
python3 "$WB_SRCDIR/demo/make-demo" "$WB_BUILDDIR" "$TEST_TMP/demo" >"$TEST_TMP/demo.log" 2>&1 ||
	{ sed 's/^/# /' "$TEST_TMP/demo.log"; skip_all "demo/make-demo failed"; }
EV="$TEST_TMP/demo/evidence"

run_wb 0 new fs01 --title "FS01 bugchecks during backup" --symptom "bugcheck" --tz +09:00
tui_start 80 24 fs01
shows 'none yet: press i' "an empty case"

n=0
for f in customer-mail.txt analyze.txt vssadmin.txt fltmc.txt vss-diag.reg System-events.txt \
	procmon-systemwriter.CSV; do
	n=$((n + 1))
	opts=""
	[ "$f" = procmon-systemwriter.CSV ] && opts="--date 2026-11-24 "
	[ "$f" = customer-mail.txt ] && opts="--as notes "
	keys i
	type_text "$opts$EV/$f"
	keys Enter
	shows "imported .*$f as evidence #$n" "import $f from the UI" 60
	if [ "$n" = 3 ]; then
		tm resize-window -x 132 -y 43
		shows 'evidence 3  findings [0-9]+ *$' "resized to 132x43 between two imports"
	fi
done
shows 'evidence 7  findings 3 *$' "seven files, three findings"
like "$(screen)" 'vss-legacy-trace-bugcheck +Bugcheck 0x7E' "the overview shows the top finding"
keys 2
shows 'procmon +[0-9]+ ' "the evidence list"
run_wb 0 sql fs01 "SELECT min(ts) FROM timeline WHERE evidence_id = 6"
before=$(printf '%s\n' "$OUT" | tail -1)
keys / ; type_text 'System-events'; keys Enter Z
shows "^zone of this file's local times: *\$" "Z asks for the zone of a file's local times"
type_text '+08:00'; keys Enter
shows 'evidence #6: local times now read as \+08:00' "the assumption is changed"
shows '^ +6 eventlog .*\+08:00' "and shown in the list"
run_wb 0 sql fs01 "SELECT min(ts) FROM timeline WHERE evidence_id = 6"
is "$(printf '%s\n' "$OUT" | tail -1)" "$((before + 3600000000))" "its timeline moved by the hour"
keys Z ; type_text '+09:00'; keys Enter
shows 'now read as \+09:00' "and back"
like "$(screen)" 'local times at the case time zone \+09:00|\+09:00' "the zone assumed is shown"

keys 4 Enter
shows '^Why vss-legacy-trace-bugcheck' "the best finding explained"
keys c ; type_text 'stack and registry match'; keys Enter
shows 'confirmed by [^ ]+ at .*stack and registry match' "confirmed with a reason"
keys j d ; keys Enter
shows 'a reason is required' "dismissing needs a reason"
keys q j d ; type_text 'no WSB on this server'; keys Enter
shows 'missing-system-writer: dismissed' "the second finding dismissed"
keys Enter
shows 'dismissed by [^ ]+ at .*no WSB on this server' "its decision is kept"
keys o ; type_text 'customer found WSB after all'; keys Enter
shows 'reopened by [^ ]+ at .*customer found WSB after all' "o reopens it, with a reason"
keys q 1
shows '^ +[0-9.]+ +open +vss-legacy' "back on the overview"
tm resize-window -x 80 -y 24
shows 'Top findings' "resized back to 80x24"

keys 4 g S
shows 'checklist vss-legacy-trace-bugcheck started' "S starts the checklist of the finding"
shows '^-> \[ \] [^ ]+ ask:' "steps the evidence answers are ticked; the first question is current"
like "$(screen)" '\[x\] [^ ]+ (collect|check): ' "some steps were ticked by the evidence"
checklist_answer_all >/dev/null
ok $? "the questions answered"
shows 'given: ' "answers are shown"
shows '^-> \[ \] [^ ]+ do: ' "an action is the current step"
cmd=$(screen | sed -n 's/^ *\$ //p' | head -1 | cut -c1-30)
tm pipe-pane -o "cat >>'$TEST_TMP/stream'"
keys / ; type_text '^ +\$ '; keys Enter y
shows 'copied to the clipboard' "y copies the step's command"
tm pipe-pane
copied=$(tr -d '\000' <"$TEST_TMP/stream" | sed -n "s/.*$(printf '\033')\]52;c;\([A-Za-z0-9+\/=]*\)$(printf '\007').*/\1/p" | head -1 | base64 -d 2>/dev/null)
like "$copied" "^$(printf '%s' "$cmd" | sed 's/[][\.*^$()+?{}|]/\\&/g')" "the terminal got the command through OSC 52 ($cmd...)"
keys A ; type_text 'customer will disable tracing tonight'; keys Enter
shows 'note: customer will disable tracing tonight' "a note on the step"
keys 6
shows 'customer will disable tracing tonight' "the step note is a case note"

mkdir -p "$TEST_TMP/reports"
keys : ; type_text "report $TEST_TMP/reports/fs01.html"; keys Enter
shows 'html report written to' "the report from the UI"
run_wb 0 report fs01 --format html
is "$(cat "$TEST_TMP/reports/fs01.html")" "$OUT" "identical to wb report"
like "$OUT" 'stack and registry match' "the report has the decision"
like "$OUT" 'customer will disable tracing tonight' "and the note"
keys Q
shows 'WB-EXIT=0' "quit"
done_testing
