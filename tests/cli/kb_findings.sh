#!/bin/sh
# CLI: matching after import, wb findings (text, JSON, decisions), guided
# checklists, and wb triage, on WinDbg text written the way customers send it.
. "$WB_SRCDIR/tests/lib.sh"

# !analyze -v of the volsnap legacy-tracing crash (addresses of our own).
analyze() {	# analyze FILE DRIVER-FRAMES...
	out=$1
	shift
	{
		printf 'Windows 10 Kernel Version 17763 MP (4 procs) Free x64\n'
		printf 'Product: Server, suite: TerminalServer SingleUserTS\n\n'
		printf '0: kd> !analyze -v\n'
		printf 'SYSTEM_THREAD_EXCEPTION_NOT_HANDLED (7e)\nArguments:\n'
		printf 'Arg1: ffffffffc0000005, The exception code that was not handled\n'
		printf 'Arg2: fffff8012a4b1c2b, The address that the exception occurred at\n'
		printf 'Arg3: ffffb4815d3f6f08, Exception Record Address\n'
		printf 'Arg4: ffffb4815d3f6750, Context Record Address\n\n'
		printf 'STACK_TEXT:  \n'
		n=0
		for f in nt!KeBugCheckEx nt!KiPageFault+0x406 nt!IofCallDriver+0x4b "$@" nt!ExpWorkerThread+0xe9 nt!KiStartSystemThread+0x16; do
			printf 'ffffb481`5d3f7%03x fffff801`2a4d3%03x : 00000000`00000000 00000000`00000000 00000000`00000000 00000000`00000000 : %s\n' "$n" "$n" "$f"
			n=$((n + 1))
		done
		printf '\nOSBUILD:  17763\n'
	} > "$out"
}
analyze "$TEST_TMP/vss.txt" volsnap!VspQueryDeviceNameFromTarget+0x93 volsnap!VspQueryVolumeName+0x3a \
	volsnap!VspDiagTrace+0x197 volsnap!VspAdjustBitmap+0x14c
analyze "$TEST_TMP/other.txt" contosoflt!QueryName+0x21 contosoflt!PreCreate+0x1c0 FLTMGR!FltpPerformPreCallbacks+0x2f7

run_wb 0 new c
run_wb 0 import c "$TEST_TMP/vss.txt"
like "$ERR" 'findings: [0-9]+ proposed, best vss-legacy-trace-bugcheck' "import re-runs matching"
is "$("$WB" sql c "SELECT article FROM findings WHERE rank = 1")" "article
vss-legacy-trace-bugcheck" "findings are stored in the case"

run_wb 0 findings c
like "$OUT" '^ 1\. vss-legacy-trace-bugcheck +open +score' "text: best finding first"
like "$OUT" 'stack\.frame = volsnap!VspDiagTrace\+0x197 +\(fact [0-9]+, evidence 1, text_lines #[0-9]+\)' "text: the exact fact and evidence row"
like "$OUT" 'why lower: vss-legacy-trace-bugcheck ranks higher: score' "text: why one beats another"
run_wb 0 findings c --json
like "$OUT" '^    "article": "vss-legacy-trace-bugcheck",' "json: array of findings"
is "$(printf '%s\n' "$OUT" | grep -m1 '"article"')" '    "article": "vss-legacy-trace-bugcheck",' "json: best first"
like "$OUT" '"value": "volsnap!VspDiagTrace\+0x197"' "json: hits carry the facts"
like "$OUT" '"missing": \[' "json: missing clauses listed"
run_wb 0 findings c --lang ja
like "$OUT" 'VSS レガシー トレース有効時' "Japanese titles with --lang ja"

run_wb 2 findings c --confirm vss-legacy-trace-bugcheck
like "$ERR" 'needs --reason' "a decision needs a reason"
run_wb 1 findings c --dismiss no-such-article --reason x
like "$ERR" "no article 'no-such-article'" "decisions name real articles"
run_wb 0 findings c --confirm vss-legacy-trace-bugcheck --reason "stack matches; customer on 17763"
is "$OUT" "vss-legacy-trace-bugcheck: confirmed" "confirm"
run_wb 0 findings c --dismiss bugcheck-exception --reason "specific article confirmed"
run_wb 0 import c "$TEST_TMP/other.txt"
run_wb 0 findings c --json
like "$OUT" '"state": "confirmed"' "the confirmation survives a re-run"
like "$OUT" '"state": "dismissed"' "the dismissal survives a re-run"
like "$("$WB" sql c "SELECT action FROM audit")" 'finding vss-legacy-trace-bugcheck confirmed: stack matches; customer on 17763' "decisions are audit-logged"

# A case where the same stop comes from another driver.
run_wb 0 new neg
run_wb 0 import neg "$TEST_TMP/other.txt"
run_wb 0 findings neg
unlike "$OUT" 'vss-legacy-trace-bugcheck' "same stop from another driver: volsnap article not proposed"
like "$OUT" '^ 1\. bugcheck-exception +open' "the family triage article is proposed instead"

# Guided checklist from the finding.
run_wb 0 checklist c
like "$OUT" 'playbook-bugcheck' "without ID: the playbooks to start from"
run_wb 0 checklist c vss-legacy-trace-bugcheck
like "$OUT" '^\[x\]   get-dump +collect' "collect step done by the imported evidence"
like "$OUT" '^\[x\]   stack-has-diagtrace +check' "check step done by the stack"
like "$OUT" 'evidence: stack\.frame = volsnap!VspDiagTrace\+0x197' "check step shows the evidence"
like "$OUT" '^\[ \] > uses-wsb +ask' "next step is the question"
unlike "$OUT" 'install-kb5022840' "steps behind the answer are hidden"
run_wb 1 checklist c vss-legacy-trace-bugcheck --answer uses-wsb=maybe
like "$ERR" "answer 'maybe' is not one of: yes, no" "answers are checked"
run_wb 0 checklist c vss-legacy-trace-bugcheck --answer uses-wsb=yes --answer which-os=2019 --done install-kb5022840 --note "install-kb5022840=sent to the customer"
like "$OUT" '^\[x\]   install-kb5022840 +do' "answering shows and marks the KB step"
like "$OUT" 'note: sent to the customer' "note kept on the step"
like "$OUT" 'Set-ItemProperty -Path HKLM' "the do step carries the command"
run_wb 0 checklist c vss-legacy-trace-bugcheck --json
like "$OUT" '"next": "disable-tracing"' "json: resumes at the next pending step"
like "$OUT" '"automatic": true' "json: evidence-decided steps are marked"
run_wb 0 checklist c
like "$OUT" 'vss-legacy-trace-bugcheck +[0-9]+/[0-9]+' "the started session is listed with progress"
run_wb 2 checklist c --done x
like "$ERR" 'need a checklist ID' "actions need an ID"
run_wb 1 checklist c no-such-list
like "$ERR" "no article or playbook 'no-such-list'" "unknown checklist named"

# wb triage: temporary case, findings, nothing left behind.
mkdir -p "$TEST_TMP/tmp"
TMPDIR="$TEST_TMP/tmp" "$WB" triage "$TEST_TMP/vss.txt" > "$TEST_TMP/triage.out" 2>"$TEST_TMP/triage.err"
is "$?" 0 "triage exits 0"
like "$(cat "$TEST_TMP/triage.out")" '^ 1\. vss-legacy-trace-bugcheck +open' "triage prints the findings"
is "$(ls "$TEST_TMP/tmp")" "" "triage removes its temporary case"
run_wb 0 triage --json "$TEST_TMP/other.txt"
like "$OUT" '"article": "bugcheck-exception"' "triage --json"
run_wb 1 triage "$TEST_TMP/nothing-here.txt"
like "$ERR" 'nothing-here.txt' "triage names a file it cannot import"

done_testing
