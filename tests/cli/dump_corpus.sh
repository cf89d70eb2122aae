#!/bin/sh
# CLI: wb import of the real dumps in the shared corpus (read in place):
# the Windows 10 kernel minidump with the manifest's expected values, and
# two user-mode minidumps that must be recognised as user-mode.
. "$WB_SRCDIR/tests/lib.sh"
need_corpus dumps
dumps=$WB_CORPUS/dumps
triage=$dumps/rizin-testbins__triage_x64.dmp

q() {	# q SQL: one query on case c, header dropped
	"$WB" sql c "$1" | tail -n +2
}

run_wb 0 new c
run_wb 0 import c "$triage"
like "$OUT" "evidence 1 \(dump\), [0-9]+ records, 0 warnings" "the minidump imports"
is "$(q "SELECT value || ' ' || num FROM facts WHERE key = 'bugcheck.code'")" "0x1000007E 268435582" "bugcheck code"
is "$(q "SELECT value FROM facts WHERE key = 'bugcheck.name'")" "SYSTEM_THREAD_EXCEPTION_NOT_HANDLED_M" "bugcheck name"
is "$(q "SELECT group_concat(value, ' ') FROM (SELECT value FROM facts WHERE key LIKE 'bugcheck.arg_' ORDER BY key)")" \
	"0xFFFFFFFFC0000005 0xFFFFF8048B58334C 0xFFFF850429891EE8 0xFFFF850429891720" "bugcheck parameters"
is "$(q "SELECT value FROM facts WHERE key = 'os.build'")" "19041" "build"
is "$(q "SELECT text FROM facts WHERE key = 'os.build'")" "19041.1.amd64fre.vb_release.191206-1406" "NtBuildLab through the data blocks"
is "$(q "SELECT value FROM facts WHERE key = 'os.version'")" "10.0.19041" "version"
is "$(q "SELECT value FROM facts WHERE key = 'os.product'")" "Windows 10" "product from the build and ProductType"
is "$(q "SELECT value || ' ' || num FROM facts WHERE key = 'os.product_type'")" "WinNt 1" "ProductType as WinDbg prints it"
is "$(q "SELECT value FROM facts WHERE key = 'dump.type'")" "kernel minidump" "dump type"
is "$(q "SELECT count(*) FROM facts WHERE key = 'module.loaded'")" "151" "151 drivers"
is "$(q "SELECT name || ' ' || printf('0x%X', base) || ' ' || printf('0x%X', size) FROM dump_module ORDER BY id LIMIT 1")" \
	"ntoskrnl.exe 0xFFFFF8047BA00000 0x1046000" "entry 0 is ntoskrnl.exe with its base and size"
is "$(q "SELECT group_concat(value, ',') FROM (SELECT value FROM facts WHERE key = 'module.unloaded' ORDER BY id)")" \
	"dam.sys,WdBoot.sys,hwpolicy.sys,mcupdate.dll" "4 unloaded drivers"
is "$(q "SELECT value FROM facts WHERE key = 'fault.module'")" "amdppm.sys" "wb blames amdppm.sys"
like "$(q "SELECT text FROM facts WHERE key = 'fault.module'")" "P2 0xfffff8048b58334c .* amdppm.sys\+0x334c" \
	"the reason names P2 inside amdppm.sys+0x334C"
is "$(q "SELECT value || ' ' || num FROM facts WHERE key = 'stack.frame' ORDER BY num LIMIT 1")" "amdppm+0x334c 0" \
	"frame 0 is the context RIP in amdppm"
like "$(q "SELECT group_concat(value, ' ') FROM (SELECT value FROM facts WHERE key = 'stack.frame' ORDER BY num)")" \
	"amdppm\+0x313f .*amdppm\+0x3234 .*Wdf01000\+.*nt\+" "stack scan: amdppm chain, then Wdf01000, then the kernel"
is "$(q "SELECT level || ' ' || kind || ' ' || ts FROM timeline")" "critical bugcheck 1613871502987765" \
	"crash time 2021-02-21T01:38:22.98Z on the timeline"
is "$(q "SELECT format || ' ' || machine || ' ' || processors FROM dump")" "PAGEDU64 kernel minidump x64 16" "dump row"
like "$(q "SELECT detail FROM dump WHERE evidence_id = 1")" '"stack_source":"exception context at P4 0xffff850429891720"' \
	"the stack comes from the exception context that P4 names"
is "$(q "SELECT hash_scope FROM evidence WHERE id = 1")" "full" "a small dump is hashed whole"
is "$(q "SELECT sha256 FROM evidence WHERE id = 1")" \
	"6875e8ff013eddb9d562165067be24e2a231a8851690bb101f6597ca9534cd28" "SHA-256 as in the manifest"

# user-mode minidumps: recognised, summarised, never taken for kernel dumps
run_wb 0 import c "$dumps/rizin-testbins__calc.dmp"
like "$OUT" "evidence 2 \(dump\)" "calc.dmp imports"
is "$(q "SELECT value FROM facts WHERE evidence_id = 2 AND key = 'dump.type'")" "user-mode minidump" "calc.dmp is user-mode"
is "$(q "SELECT count(*) FROM facts WHERE evidence_id = 2 AND key LIKE 'bugcheck.%'")" "0" "calc.dmp has no bugcheck"
is "$(q "SELECT value || ' ' || text FROM facts WHERE evidence_id = 2 AND key = 'exception.code'")" \
	"0x80000003 address 0x7776ae10, thread 1628" "calc.dmp exception"
is "$(q "SELECT count(*) FROM facts WHERE evidence_id = 2 AND key = 'module.loaded'")" "28" "calc.dmp has 28 modules"
is "$(q "SELECT value FROM facts WHERE evidence_id = 2 AND key = 'os.version'")" "6.1.7601" "calc.dmp is Windows 7 SP1"
is "$(q "SELECT machine FROM dump WHERE evidence_id = 2")" "x64" "calc.dmp is x64"
is "$(q "SELECT value FROM facts WHERE evidence_id = 2 AND key = 'os.product'")" "Windows 7" "calc.dmp: Windows 7 (a workstation)"
run_wb 0 import c "$dumps/rust-minidump__test.dmp"
is "$(q "SELECT value FROM facts WHERE evidence_id = 3 AND key = 'dump.type'")" "user-mode minidump" "test.dmp is user-mode"
is "$(q "SELECT value FROM facts WHERE evidence_id = 3 AND key = 'exception.code'")" "0xC0000005" "test.dmp access violation"
is "$(q "SELECT value FROM facts WHERE evidence_id = 3 AND key = 'os.version'")" "5.1.2600" "test.dmp is Windows XP"
is "$(q "SELECT machine FROM dump WHERE evidence_id = 3")" "x86" "test.dmp is x86"
is "$(q "SELECT value FROM facts WHERE evidence_id = 3 AND key = 'stack.frame' AND num = 0")" "test_app+0x429e" \
	"test.dmp frame 0 is the exception address"

# damaged copies: a clear error naming file and offset, and nothing stored
head -c 100000 "$triage" >"$TEST_TMP/cut.dmp"
run_wb 1 import c "$TEST_TMP/cut.dmp"
like "$ERR" "cut.dmp: offset 0x2008: expected \"TRGD\" at ValidOffset" "a truncated minidump is refused with the offset"
is "$(q "SELECT count(*) FROM evidence")" "3" "the failed import left nothing behind"
done_testing
