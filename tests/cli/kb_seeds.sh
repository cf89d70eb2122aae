#!/bin/sh
# Seed issues end to end: tool output as customers paste it goes through the
# real importers, and wb findings proposes the documented issue (or not).
. "$WB_SRCDIR/tests/lib.sh"

first() {	# first CASE: the article ranked first and its state
	"$WB" findings "$1" --json | grep -m2 -E '"(article|state)"' | sed 's/.*": "//; s/",$//' | tr '\n' ' '
}
proposed() {	# proposed CASE ARTICLE: 0 when the article is an open finding
	"$WB" findings "$1" --json | tr -d '\n' | grep -q "\"article\": \"$2\",[^{}]*\"state\": \"open\""
}

# filter-load-order: fltmc with a legacy filter above a higher minifilter.
cat > "$TEST_TMP/fltmc.txt" <<'TXT'
C:\Windows\system32>fltmc

Filter Name                     Num Instances    Altitude    Frame
------------------------------  -------------  ------------  -----
AVLegacy                                        389998.99   <Legacy>
EncryptionLegacy                                149998.99   <Legacy>
AVMiniFilter                           3        328000         0
luafv                                  1        135000         0
FileInfo                               13       45000          0
TXT
run_wb 0 new flt
run_wb 0 import flt "$TEST_TMP/fltmc.txt"
is "$(first flt)" "filter-load-order open " "fltmc: inverted order proposes filter-load-order"
grep -v Legacy "$TEST_TMP/fltmc.txt" > "$TEST_TMP/fltmc-ok.txt"
run_wb 0 new flt2
run_wb 0 import flt2 "$TEST_TMP/fltmc-ok.txt"
proposed flt2 filter-load-order
is "$?" 1 "fltmc: minifilters in order are not a finding"

# missing-system-writer: vssadmin list writers without System Writer.
writer() {
	printf "Writer name: '%s'\n   Writer Id: {%s}\n   Writer Instance Id: {1bddd48e-5052-49db-9b07-b96f96727e6b}\n   State: [1] Stable\n   Last error: No error\n\n" "$1" "$2"
}
{
	printf 'vssadmin 1.1 - Volume Shadow Copy Service administrative command-line tool\n(C) Copyright 2001-2013 Microsoft Corp.\n\n'
	writer 'Task Scheduler Writer' d61d61c8-d73a-4eee-8cdd-f6f9786b7124
	writer 'VSS Metadata Store Writer' 75dfb225-e2e4-4d39-9ac9-ffaff65ddf06
	writer 'Registry Writer' afbab4a2-367d-4d15-a586-71dbb18f8485
	writer 'COM+ REGDB Writer' 542da469-d3e1-473c-9f4f-7847f01fc64f
	writer 'WMI Writer' a6ad56c2-b509-4e6c-bb19-49d8f43532f0
	writer 'ASR Writer' be000cbe-11fe-4426-9c58-531aa6355fc4
} > "$TEST_TMP/writers.txt"
run_wb 0 new sw
run_wb 0 import sw "$TEST_TMP/writers.txt"
is "$(first sw)" "missing-system-writer open " "vssadmin: missing System Writer proposes missing-system-writer"
run_wb 0 findings sw
like "$OUT" 'collect: A Process Monitor capture' "and says what to collect next"
{
	cat "$TEST_TMP/writers.txt"
	writer 'System Writer' e8132975-6f93-4464-a53e-1050253ae220
} > "$TEST_TMP/writers-ok.txt"
run_wb 0 new sw2
run_wb 0 import sw2 "$TEST_TMP/writers-ok.txt"
proposed sw2 missing-system-writer
is "$?" 1 "vssadmin: a healthy writer list is not a finding"

# commit-failures: !vm output.
cat > "$TEST_TMP/vm.txt" <<'TXT'
13: kd> !vm 1

*** Virtual Memory Usage ***
      Physical Memory:    12580300 (  50321200 Kb)
      Page File: \??\C:\pagefile.sys
        Current:  50331648 Kb  Free Space:  50306732 Kb
        Minimum:  50331648 Kb  Maximum:     50331648 Kb
      Available Pages:     4606721 (  18426884 Kb)
      Committed pages:     5565215 (  22260860 Kb)
      Commit limit:       25162749 ( 100650996 Kb)

      ********** 48440 commit requests have failed  **********
TXT
run_wb 0 new vm
run_wb 0 import vm "$TEST_TMP/vm.txt"
is "$(first vm)" "commit-failures open " "!vm: commit failures propose commit-failures"
grep -v 'commit requests have failed' "$TEST_TMP/vm.txt" > "$TEST_TMP/vm-ok.txt"
run_wb 0 new vm2
run_wb 0 import vm2 "$TEST_TMP/vm-ok.txt"
proposed vm2 commit-failures
is "$?" 1 "!vm without failures is not a finding"

# azure-critical-service-failed: the !analyze -v of the source, one line per field.
cat > "$TEST_TMP/azure.txt" <<'TXT'
kd> !analyze -v
CRITICAL_SERVICE_FAILED (5a)
Arguments:
Arg1: 0000000000000001
Arg2: ffffa20c8e2b1070
Arg3: ffff9d0a1c33e320
Arg4: ffffffffc0000428

BUILD_VERSION_STRING:  10.0.17763.2237 (WinBuild.160101.0800)
STACK_TEXT:  
ffffc701`1dc74948 fffff803`b2ff4b4a : 00000000`0000005a 00000000`00000001 ffffa20c`8e2b1070 ffff9d0a`1c33e320 : nt!KeBugCheckEx
ffffc701`1dc74950 fffff803`b3205df3 : ffffa20c`8e2b1f58 ffffa20c`8e2b1f58 ffffc701`1dc74b80 ffffa20c`00000006 : nt!IopLoadDriver+0x19f8e6

MODULE_NAME: mycrypt
IMAGE_NAME:  mycrypt.sys
FAILURE_BUCKET_ID:  0x5A_c0000428_IMAGE_mycrypt.sys
TXT
run_wb 0 new az
run_wb 0 import az "$TEST_TMP/azure.txt"
is "$(first az)" "azure-critical-service-failed open " "!analyze 0x5A c0000428 proposes azure-critical-service-failed"
run_wb 0 findings az
like "$OUT" 'fault.status = c0000428 ' "the invalid image hash is shown as evidence"
like "$OUT" 'fault.module = mycrypt.sys ' "with the image that failed"

# vss-legacy-trace-bugcheck: a kn stack from a 2016 dump (0x1000007E form).
kn() {	# kn BUILD
	printf 'Windows 10 Kernel Version %s MP (8 procs) Free x64\n' "$1"
	printf 'BugCheck 1000007E, {ffffffffc0000005, fffff8062709f4eb, ffffcc81b5f3e4d8, ffffcc81b5f3dd20}\n\n'
	printf '2: kd> kn\n # Child-SP          RetAddr               Call Site\n'
	n=0
	for f in nt!KeBugCheckEx nt!PspSystemThreadStartup\$filt\$0+0x44 nt!_C_specific_handler+0x9f \
		nt!RtlDispatchException+0x421 nt!KiDispatchException+0x1e4 nt!KiExceptionDispatch+0xc2 \
		nt!KiPageFault+0x406 nt!IofCallDriver+0x4b volsnap!VspQueryDeviceNameFromTarget+0x93 \
		volsnap!VspQueryVolumeName+0x3a volsnap!VspDiagTrace+0x197 volsnap!VspAdjustBitmap+0x14c \
		nt!ExpWorkerThread+0xe9 nt!PspSystemThreadStartup+0x41 nt!KiStartSystemThread+0x16; do
		printf '%02x ffffcc81`b5f3%04x fffff806`2716%04x     %s\n' "$n" $((0xdc98 + n * 64)) $((n * 97)) "$f"
		n=$((n + 1))
	done
}
kn 14393 > "$TEST_TMP/kn.txt"
run_wb 0 new kn
run_wb 0 import kn "$TEST_TMP/kn.txt"
is "$(first kn)" "vss-legacy-trace-bugcheck open " "kn stack on 2016: vss-legacy-trace-bugcheck first"
kn 20348 > "$TEST_TMP/kn2022.txt"
run_wb 0 new kn2022
run_wb 0 import kn2022 "$TEST_TMP/kn2022.txt"
proposed kn2022 vss-legacy-trace-bugcheck
is "$?" 1 "the same stack on build 20348 is not proposed"
run_wb 0 findings kn2022
like "$OUT" 'x ruled out Build 20348 \(Windows Server 2022\) or later' "and says why it is ruled out"

done_testing
