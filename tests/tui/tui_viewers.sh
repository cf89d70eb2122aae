#!/bin/sh
# The evidence viewers: tool output with what wb understood, events,
# registry (demo case), and a crash dump from the shared corpus.
. "$WB_SRCDIR/tests/lib.sh"
. "$WB_SRCDIR/tests/tui/tuilib.sh"
command -v python3 >/dev/null 2>&1 || skip_all "python3 not found (demo/make-demo needs it)"

python3 "$WB_SRCDIR/demo/make-demo" "$WB_BUILDDIR" "$TEST_TMP/demo" >"$TEST_TMP/demo.log" 2>&1 ||
	{ sed 's/^/# /' "$TEST_TMP/demo.log"; skip_all "demo/make-demo failed"; }

tui_start 80 24 "$TEST_TMP/demo/demo.wb"
shows 'Top findings' "the demo case opens"
keys 2 / ; type_text 'analyze\.txt'; keys Enter Enter
shows '^Text #[0-9]+: analyze\.txt' "tool output opens in the text viewer"
like "$(screen)" '^ +7> Windows 10 Kernel Version 17763' "lines wb understood are marked"
keys / ; type_text 'Kernel Version'; keys Enter
shows 'understood as [a-z_.]+' "the detail pane says what the line was understood as"
keys q / ; type_text 'System-events'; keys Enter Enter
shows '^Events #[0-9]+: System-events\.txt' "event logs open in the events viewer"
like "$(screen)" 'error +VSS +8193 Volume Shadow Copy' "level, provider, id and message"
like "$(screen)" 'critical +Microsoft-Windows-Kern +41 ' "a critical event"
like "$(screen)" 'Message: Volume Shadow Copy Service error' "the detail pane has the whole message"
keys e
shows '^2026-11-23 [0-9:]+ critical' "e goes to the next error or critical event"
keys q / ; type_text 'vss-diag'; keys Enter Enter
shows '^Registry #[0-9]+: vss-diag\.reg' "registry files open in the registry viewer"
like "$(screen)" '<.*System Writer IDENTIFY \(Enter\) REG_BINARY' "long keys show their end"
keys Q
shows 'WB-EXIT=0' "quit"

if [ ! -f "$WB_CORPUS/dumps/rizin-testbins__triage_x64.dmp" ]; then
	echo "# SKIP dump viewer: $WB_CORPUS/dumps/rizin-testbins__triage_x64.dmp not found (shared corpus absent)"
	done_testing
fi
run_wb 0 new dmp
run_wb 0 import dmp "$WB_CORPUS/dumps/rizin-testbins__triage_x64.dmp"
tui_start 80 24 dmp
shows 'Overview' "a case with a kernel minidump"
keys 2 Enter
shows '^Dump #1: rizin-testbins__triage_x64\.dmp' "the dump viewer opens"
like "$(screen)" '^Bug check 0x1000007E SYSTEM_THREAD_EXCEPTION_NOT_HANDLED_M' "the bug check with its name"
like "$(screen)" 'arg2 0xfffff8048b58334c +address where the exception occurred' "the parameter holding the address is explained"
like "$(screen)" '^Culprit +amdppm\.sys' "the culprit"
like "$(screen)" 'is amdppm\.sys\+0x334c' "and why"
keys / ; type_text '^Modules'; keys Enter Enter
shows '^Modules of dump 1 +1/' "Enter lists the modules"
keys s
shows 'sorted by name' "s sorts (by name)"
first=$(screen | sed -n '5p' | awk '{ print $1 }')
last=$(screen | sed -n '6p' | awk '{ print $1 }')
ok "$([ "$(printf '%s\n%s\n' "$first" "$last" | LC_ALL=C sort -f | head -1)" = "$first" ]; echo $?)" "rows in name order ($first, $last)"
keys '|' ; type_text '^amdppm'; keys Enter
shows '1/1 *$' "| filters the modules"
like "$(screen)" '^amdppm\.sys +0xfffff8048b580000' "the module and its base"
keys q / ; type_text '^Stack frames'; keys Enter Enter
shows '^ +0 0xfffff8048b58334c amdppm\+0x334c' "Enter lists the stack frames"
keys Q
shows 'WB-EXIT=0' "quit"
done_testing
