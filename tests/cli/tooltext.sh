#!/bin/sh
# CLI: wb import of WinDbg, fltmc and vssadmin text picks the right importer,
# wb facts shows what was understood, and a refused file changes nothing.
. "$WB_SRCDIR/tests/lib.sh"

run_wb 0 new c
cat >"$TEST_TMP/analyze.log" <<'EOT'
3: kd> !analyze -v
DRIVER_IRQL_NOT_LESS_OR_EQUAL (d1)
Arguments:
Arg1: 0000000000000010, memory referenced
Arg2: 0000000000000002, IRQL
Arg3: 0000000000000000, value 0 = read operation, 1 = write operation
Arg4: fffff8052a1c13f2, address which referenced memory

STACK_TEXT:
ffffa08a`1c2f7958 fffff805`27e0b969     : 00000000`0000000a : nt!KeBugCheckEx
ffffa08a`1c2f7960 fffff805`27e07c69     : 00000000`00000000 : nt!KiBugCheckDispatch+0x69
ffffa08a`1c2f7aa0 fffff805`2a1c13f2     : 00000000`00000000 : nt!KiPageFault+0x469
ffffa08a`1c2f7c30 fffff805`27c5e0f5     : 00000000`00000000 : vsepflt+0x213f2

3: kd> lm m vsepflt
start             end                 module name
fffff805`2a1a0000 fffff805`2a1d8000   vsepflt    (no symbols)           
EOT
run_wb 0 import c "$TEST_TMP/analyze.log"
like "$OUT" 'evidence 1 \(windbg\)' "a .log debugger session goes to the windbg importer"
run_wb 0 facts c
like "$OUT" "bugcheck.code	0x000000D1	209" "code and its number"
like "$OUT" "stack.frame	vsepflt\\+0x213f2	3" "module+offset frame with its index"
like "$OUT" "fault.module	vsepflt.sys	90	P4 0xfffff8052a1c13f2" "culprit from P4 inside the lm range"

printf '\nFilter Name                     Num Instances    Altitude    Frame\n------------------------------  -------------  ------------  -----\nvsepflt                                 3       328200         0\nLegacyAV                                        189999.99   <Legacy>\n' >"$TEST_TMP/fltmc.txt"
run_wb 0 import c "$TEST_TMP/fltmc.txt"
like "$OUT" 'evidence 2 \(fltmc\)' "fltmc output detected"
run_wb 0 facts c
like "$OUT" "filter.order_inverted	LegacyAV above vsepflt" "inversion named"

printf "Writer name: 'System Writer'\n   Writer Id: {e8132975-6f93-4464-a53e-1050253ae220}\n   Writer Instance Id: {11111111-2222-3333-4444-555555555555}\n   State: [8] Failed\n   Last error: Retryable error\n" >"$TEST_TMP/writers.txt"
run_wb 0 import c "$TEST_TMP/writers.txt"
like "$OUT" 'evidence 3 \(vssadmin\)' "vssadmin output detected"
run_wb 0 facts c
like "$OUT" "vss.writer	System Writer	8	state \\[8\\] Failed \\(failed at prepare snapshot\\)" "writer state from the number"

printf 'hello\nthis is not a debugger\n' >"$TEST_TMP/nothing.txt"
run_wb 1 import c "$TEST_TMP/nothing.txt" --as windbg
like "$ERR" "nothing.txt: no WinDbg output found" "refusal names the file and what was expected"
run_wb 0 sql c "SELECT count(*) FROM evidence"
like "$OUT" '^3$' "the refused import left nothing behind"

# The corpus part runs only where the shared corpus is (not in distcheck).
if [ -d "$WB_CORPUS/windbg" ]; then
	run_wb 0 import c "$WB_CORPUS/windbg/ie_139_Memory_Corruption.txt"
	like "$OUT" '\(windbg\)' "corpus session imports"
	run_wb 0 facts c
	like "$OUT" "fault.module	driver.sys" "culprit of the lab crash is the lab driver"
	like "$OUT" "os.build	22621" "build from the session header"
else
	echo "# shared corpus not found at $WB_CORPUS/windbg: corpus session not imported"
fi
done_testing
