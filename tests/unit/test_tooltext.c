/*
 * The WinDbg, fltmc and vssadmin importers on outputs written here: the
 * layouts the formats document (old and new !analyze, x86 and x64 stacks,
 * lm, !vm, !locks, !thread, !pool, fltmc filters and instances, vssadmin in
 * three languages), bad input, and hostile input.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../core/case.h"
#include "../../importers/importer.h"
#include "../tap.h"

static char tmpdir[] = "/tmp/wbtooltextXXXXXX";
static wb_case *c;
static int nfile;

/* Import text (written to a file) with importer `as` (NULL: detection);
 * returns the evidence id, or 0 with err filled. */
static int64_t
import_text(const char *text, size_t len, const char *as, const struct wb_importer **used,
	    struct wb_err *err)
{
	char *path = xasprintf("%s/in%d.txt", tmpdir, ++nfile);
	FILE *f = fopen(path, "wb");
	struct wb_import_opts opts = {.as = as, .force = true};
	int64_t ev = 0;

	fwrite(text, 1, len, f);
	fclose(f);
	if (importer_run(c, path, &opts, &ev, used, err) < 0)
		ev = 0;
	free(path);
	return ev;
}

static int64_t
import_str(const char *text, const char *as)
{
	struct wb_err err;
	int64_t ev = import_text(text, strlen(text), as, NULL, &err);

	if (!ev)
		printf("# import failed: %s\n", err.msg);
	return ev;
}

/* First value (or text with want_text) of a fact; "" when absent. */
static const char *
fact(int64_t ev, const char *key, int want_text)
{
	static char buf[1024];
	sqlite3_stmt *st;

	buf[0] = '\0';
	sqlite3_prepare_v2(case_db(c),
			   "SELECT value, text FROM facts WHERE evidence_id = ? AND key = ? ORDER BY id LIMIT 1",
			   -1, &st, NULL);
	sqlite3_bind_int64(st, 1, ev);
	sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, want_text))
		snprintf(buf, sizeof buf, "%s", (const char *)sqlite3_column_text(st, want_text));
	sqlite3_finalize(st);
	return buf;
}

static int64_t
fact_num(int64_t ev, const char *key, const char *value)
{
	sqlite3_stmt *st;
	int64_t n = -1;

	sqlite3_prepare_v2(case_db(c), "SELECT num FROM facts WHERE evidence_id = ? AND key = ? AND value = ?",
			   -1, &st, NULL);
	sqlite3_bind_int64(st, 1, ev);
	sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, value, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

static int64_t
count(const char *sql, int64_t ev)
{
	sqlite3_stmt *st;
	int64_t n = -1;

	sqlite3_prepare_v2(case_db(c), sql, -1, &st, NULL);
	sqlite3_bind_int64(st, 1, ev);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

/* An old debugger (2008 era) on a 32-bit Server 2003 kernel dump: old key
 * set, x86 kv stack with FPO data, lm with an unloaded module list. */
static const char old_analyze[] =
	"Microsoft (R) Windows Debugger Version 6.9.0003.113 X86\n"
	"Loading Dump File [D:\\cases\\4711\\MEMORY.DMP]\n"
	"Kernel Summary Dump File: Only kernel address space is available\n"
	"Windows Server 2003 Kernel Version 3790 (Service Pack 2) MP (4 procs) Free x86 compatible\n"
	"Product: LanManNt, suite: Enterprise TerminalServer SingleUserTS\n"
	"Built by: 3790.srv03_sp2_gdr.080813-1204\n"
	"Debug session time: Tue Mar  3 02:15:07.250 2009 (GMT+9)\n"
	"System Uptime: 1 days 2:03:04.500\n"
	"BugCheck 1000008E, {c0000005, f7a1c2d4, b9e8f9c0, 0}\n"
	"Probably caused by : symevent.sys ( symevent!SYMEvent_AllocVMData+84 )\n"
	"\n"
	"kd> !analyze -v\n"
	"KERNEL_MODE_EXCEPTION_NOT_HANDLED_M (1000008e)\n"
	"This is a very common bugcheck.\n"
	"Arguments:\n"
	"Arg1: c0000005, The exception code that was not handled\n"
	"Arg2: f7a1c2d4, The address that the exception occurred at\n"
	"Arg3: b9e8f9c0, Trap Frame\n"
	"Arg4: 00000000\n"
	"\n"
	"Debugging Details:\n"
	"------------------\n"
	"\n"
	"EXCEPTION_CODE: (NTSTATUS) 0xc0000005 - The instruction referenced memory.\n"
	"\n"
	"FAULTING_IP: \n"
	"symevent!SYMEvent_AllocVMData+84\n"
	"f7a1c2d4 8b4608          mov     eax,dword ptr [esi+8]\n"
	"\n"
	"DEFAULT_BUCKET_ID:  DRIVER_FAULT\n"
	"BUGCHECK_STR:  0x8E\n"
	"PROCESS_NAME:  rtvscan.exe\n"
	"\n"
	"STACK_TEXT:  \n"
	"b9e8fa3c f7a1b9e2 86f3c020 00000001 00000000 symevent!SYMEvent_AllocVMData+0x84\n"
	"b9e8fa64 f7a12f10 86f3c020 b9e8fa90 8089d4e2 symevent!SYMEvent_GetVMDataPtr+0x72\n"
	"b9e8fa70 8081df85 89a1e5a8 87e8d0e8 806e7410 NT!_IofCallDriver@8+0x45\n"
	"\n"
	"FOLLOWUP_NAME:  MachineOwner\n"
	"MODULE_NAME: symevent\n"
	"IMAGE_NAME:  symevent.sys\n"
	"BUCKET_ID:  0x8E_symevent!SYMEvent_AllocVMData+84\n"
	"\n"
	"kd> kv\n"
	"ChildEBP RetAddr  Args to Child              \n"
	"b9e8fa3c f7a1b9e2 86f3c020 00000001 00000000 symevent!SYMEvent_AllocVMData+0x84 (FPO: [Non-Fpo])\n"
	"b9e8fa64 f7a12f10 86f3c020 b9e8fa90 8089d4e2 symevent!SYMEvent_GetVMDataPtr+0x72 (FPO: [2,0,4])\n"
	"b9e8fa70 8081df85 89a1e5a8 87e8d0e8 806e7410 NT!_IofCallDriver@8+0x45 (FPO: [0,0,0])\n"
	"(Inline) -------- -------- -------- -------- nt!IopfCallDriver+0x21\n"
	"\n"
	"kd> lm\n"
	"start    end        module name\n"
	"804de000 80710000   nt         (pdb symbols)          c:\\sym\\ntkrnlmp.pdb\n"
	"f7a10000 f7a2a000   SYMEVENT   (no symbols)           \n"
	"f7b00000 f7b10000   SAVRT      (deferred)             \n"
	"\n"
	"Unloaded modules:\n"
	"f7c00000 f7c08000   oldflt.sys\n";

static void
test_old_analyze(void)
{
	int64_t ev = import_str(old_analyze, NULL);

	ok(ev > 0, "old !analyze session imports by detection");
	is_str(fact(ev, "bugcheck.code", 0), "0x1000008E", "_M code kept as reported");
	is_str(fact(ev, "bugcheck.name", 0), "KERNEL_MODE_EXCEPTION_NOT_HANDLED_M", "_M name");
	is_str(fact(ev, "bugcheck.base", 0), "0x0000008E", "base code for matching families");
	is_str(fact(ev, "bugcheck.arg2", 0), "0xF7A1C2D4", "arguments from the short BugCheck line");
	is_str(fact(ev, "fault.status", 0), "c0000005", "exception code as fault.status");
	is_str(fact(ev, "os.build", 0), "3790", "build from Kernel Version");
	is_str(fact(ev, "os.product_type", 0), "LanManNt", "product type (domain controller)");
	is_str(fact(ev, "fault.image_name", 0), "symevent.sys", "IMAGE_NAME, lower case");
	is_str(fact(ev, "fault.process", 0), "rtvscan.exe", "process");
	is_str(fact(ev, "fault.module", 0), "symevent.sys", "culprit from P2 inside SYMEVENT's lm range");
	ok(strstr(fact(ev, "fault.module", 1), "P2 0xf7a1c2d4") != NULL, "reason names P2: %s",
	   fact(ev, "fault.module", 1));
	ok(fact_num(ev, "stack.frame", "symevent!SYMEvent_GetVMDataPtr+0x72") == 1,
	   "x86 frame normalised with its index");
	ok(fact_num(ev, "stack.frame", "NT!_IofCallDriver@8+0x45") == 2, "stdcall decoration kept");
	ok(fact_num(ev, "stack.frame", "nt!IopfCallDriver+0x21") == 3, "inline x86 frame");
	is_int(count("SELECT count(*) FROM facts WHERE evidence_id = ? AND key = 'stack.frame' AND "
		     "value = 'symevent!SYMEvent_AllocVMData+0x84'", ev), 1,
	       "STACK_TEXT and kv show one stack: its frames are written once");
	ok(fact_num(ev, "module.loaded", "ntoskrnl.exe") >= 0, "lm nt is ntoskrnl.exe");
	ok(fact_num(ev, "module.loaded", "symevent") >= 0, "lm module without a known extension kept as named");
	ok(fact_num(ev, "module.unloaded", "oldflt.sys") >= 0, "unloaded module");
	is_int(count("SELECT count(*) FROM timeline WHERE evidence_id = ? AND kind = 'bugcheck' AND "
		     "ts = 1236014107250000", ev), 1,
	       "timeline entry at the session time in UTC (02:15:07.25 at GMT+9 is 17:15:07.25 the day before)");
	is_int(count("SELECT count(*) FROM timeline WHERE evidence_id = ? AND kind = 'boot' AND "
		     "ts = 1236014107250000 - 93784500000", ev), 1, "boot time = session time - System Uptime");
	is_str(fact(ev, "bugcheck.code", 1), "KERNEL_MODE_EXCEPTION_NOT_HANDLED_M", "code fact text is the name");
	is_int(count("SELECT count(*) FROM text_lines WHERE evidence_id = ? AND section = 'kv' AND "
		     "parsed = 'stack.frame'", ev), 4, "kv frame lines marked as understood, in their section");
	is_int(count("SELECT count(*) FROM text_lines WHERE evidence_id = ?", ev), 58, "every line kept");
}

/* A current debugger on Server 2019: the VSS legacy tracing crash. */
static const char new_analyze[] =
	"13: kd> !analyze -v\n"
	"*******************************************************************************\n"
	"*                        Bugcheck Analysis                                    *\n"
	"*******************************************************************************\n"
	"\n"
	"SYSTEM_THREAD_EXCEPTION_NOT_HANDLED (7e)\n"
	"Arguments:\n"
	"Arg1: ffffffffc0000005, The exception code that was not handled\n"
	"Arg2: fffff80a1c2e4a17, The address that the exception occurred at\n"
	"Arg3: ffffd50c8a3f7528, Exception Record Address\n"
	"Arg4: ffffd50c8a3f6d70, Context Record Address\n"
	"\n"
	"KEY_VALUES_STRING: 1\n"
	"\n"
	"    Key  : Failure.Bucket\n"
	"    Value: AV_volsnap!VspDiagTrace\n"
	"\n"
	"    Key  : WER.OS.Version\n"
	"    Value: 10.0.17763.1\n"
	"\n"
	"BUGCHECK_CODE:  7e\n"
	"BUGCHECK_P1: ffffffffc0000005\n"
	"BUGCHECK_P2: fffff80a1c2e4a17\n"
	"BUGCHECK_P3: ffffd50c8a3f7528\n"
	"BUGCHECK_P4: ffffd50c8a3f6d70\n"
	"\n"
	"EXCEPTION_RECORD:  ffffd50c8a3f7528 -- (.exr 0xffffd50c8a3f7528)\n"
	"ExceptionAddress: fffff80a1c2e4a17 (volsnap!VspDiagTrace+0x0000000000000197)\n"
	"   ExceptionCode: c0000005 (Access violation)\n"
	"\n"
	"PROCESS_NAME:  System\n"
	"\n"
	"STACK_TEXT:  \n"
	"ffffd50c`8a3f7760 fffff80a`1c2e3b02     : 00000000`00000000 00000000`00000001 : volsnap!VspDiagTrace+0x197\n"
	"ffffd50c`8a3f77d0 fffff80a`1c2d1e44     : 00000000`00000000 00000000`00000001 : volsnap!VspQueryVolumeName+0x56\n"
	"ffffd50c`8a3f7810 fffff803`6e2a5c19     : 00000000`00000000 00000000`00000001 : volsnap!VspQueryDeviceNameFromTarget+0x8c\n"
	"ffffd50c`8a3f7850 fffff803`6e31a7a5     : 00000000`00000000 00000000`00000001 : nt!IofCallDriver+0x59\n"
	"\n"
	"SYMBOL_NAME:  volsnap!VspDiagTrace+197\n"
	"MODULE_NAME: volsnap\n"
	"IMAGE_NAME:  volsnap.sys\n"
	"IMAGE_VERSION:  10.0.17763.2989\n"
	"FAILURE_BUCKET_ID:  AV_volsnap!VspDiagTrace\n"
	"OS_VERSION:  10.0.17763.1\n"
	"\n"
	"13: kd> !vm\n"
	"      Committed pages:     5565215 (  22260860 Kb)\n"
	"      Commit limit:       25162749 ( 100650996 Kb)\n"
	"      ********** 48440 commit requests have failed  **********\n"
	"\n"
	"13: kd> !locks\n"
	"Resource @ nt!PiEngineLock (0xfffff8036ea81b80)    Exclusively owned\n"
	"    Contention Count = 6\n"
	"    NumberOfExclusiveWaiters = 2\n"
	"     Threads: ffffc40c3cd8a040-01<*>\n"
	"Resource @ nt!IopDeviceTreeLock (0xfffff8036ea81c80)    Shared 1 owning threads\n"
	"     Threads: ffffc40c3cd8a040-01<*>\n"
	"2 total locks\n"
	"\n"
	"13: kd> !thread ffffc40c3cd8a040\n"
	"THREAD ffffc40c3cd8a040  Cid 0004.005c  Teb: 0000000000000000 Win32Thread: 0000000000000000 WAIT: (Executive) KernelMode Non-Alertable\n"
	"IRP List:\n"
	"    ffffc40c41527510: (0006,0310) Flags: 00000000  Mdl: 00000000\n"
	"Wait Start TickCount      14791337       Ticks: 15577 (0:00:04:03.002)\n"
	" # Child-SP          RetAddr               Call Site\n"
	"00 fffff880`02b0ee70 fffff803`6e27ba32     nt!KiSwapContext+0x7a\n"
	"01 fffff880`02b0f150 fffff880`0173f54e     tcpip!FlPnpEvent+0x17d\n"
	"\n"
	"13: kd> !pool ffffc40c41a1b820\n"
	"Pool page ffffc40c41a1b820 region is Nonpaged pool\n"
	"*ffffc40c41a1b000 size:  810 previous size:    0  (Allocated) *Vsnp\n"
	"ffffc40c41a1b810 is freed (or corrupt) pool\n";

static void
test_new_analyze(void)
{
	int64_t ev = import_str(new_analyze, NULL);

	ok(ev > 0, "new !analyze session imports");
	is_str(fact(ev, "bugcheck.code", 0), "0x0000007E", "code normalised");
	is_int(fact_num(ev, "bugcheck.code", "0x0000007E"), 126, "code num");
	is_str(fact(ev, "bugcheck.arg1", 0), "0xFFFFFFFFC0000005", "P1");
	is_str(fact(ev, "fault.status", 0), "c0000005", "status from EXCEPTION_CODE (ExceptionCode)");
	is_str(fact(ev, "fault.bucket", 0), "AV_volsnap!VspDiagTrace", "FAILURE_BUCKET_ID wins over Failure.Bucket");
	is_str(fact(ev, "fault.bucket", 1), "FAILURE_BUCKET_ID", "bucket source");
	is_str(fact(ev, "fault.symbol", 0), "volsnap!VspDiagTrace+0x197", "SYMBOL_NAME normalised to +0x");
	is_str(fact(ev, "fault.image_version", 0), "10.0.17763.2989", "IMAGE_VERSION");
	is_str(fact(ev, "os.version", 0), "10.0.17763.1", "OS_VERSION");
	is_str(fact(ev, "fault.module", 0), "volsnap.sys", "culprit volsnap");
	ok(strstr(fact(ev, "fault.module", 1), "P2 0xfffff80a1c2e4a17") &&
	   strstr(fact(ev, "fault.module", 1), "volsnap!VspDiagTrace+0x197"),
	   "P2 is the exception address the .exr resolved: %s", fact(ev, "fault.module", 1));
	is_int(fact_num(ev, "stack.frame", "volsnap!VspDiagTrace+0x197"), 0, "top frame index 0");
	is_int(fact_num(ev, "stack.frame", "volsnap!VspQueryDeviceNameFromTarget+0x8c"), 2, "frame 2");
	is_int(fact_num(ev, "mem.commit_failures", "48440"), 48440, "!vm commit failures");
	is_int(fact_num(ev, "mem.commit_limit_kb", "100650996"), 100650996, "!vm commit limit in KB");
	is_str(fact(ev, "lock.exclusive", 0), "nt!PiEngineLock", "exclusively owned resource");
	ok(strstr(fact(ev, "lock.exclusive", 1), "ffffc40c3cd8a040") &&
	   strstr(fact(ev, "lock.exclusive", 1), "exclusive waiters 2"), "owner and waiters: %s",
	   fact(ev, "lock.exclusive", 1));
	is_int(count("SELECT count(*) FROM facts WHERE evidence_id = ? AND key = 'lock.exclusive'", ev), 1,
	       "shared resources are not lock.exclusive");
	is_int(fact_num(ev, "thread", "ffffc40c3cd8a040"), 15577, "!thread wait ticks");
	ok(strstr(fact(ev, "thread", 1), "WAIT: (Executive)") && strstr(fact(ev, "thread", 1), "1 IRP"),
	   "thread state and IRP count: %s", fact(ev, "thread", 1));
	ok(fact_num(ev, "stack.frame", "tcpip!FlPnpEvent+0x17d") == 1, "!thread stack frames written");
	is_str(fact(ev, "pool.tag", 0), "Vsnp", "!pool marked block's tag");
	ok(strstr(fact(ev, "pool.corruption", 1), "freed (or corrupt)") != NULL, "pool corruption line");
	is_int(count("SELECT count(*) FROM text_lines WHERE evidence_id = ? AND section = '!analyze -v' AND "
		     "parsed = 'stack.frame'", ev), 4, "STACK_TEXT lines marked, section !analyze -v");
	is_int(count("SELECT count(*) FROM facts f JOIN text_lines t ON t.id = f.ref_id WHERE "
		     "f.evidence_id = ? AND f.key = 'bugcheck.code' AND t.text LIKE 'BUGCHECK_CODE:%'", ev), 1,
	       "bugcheck.code points at the BUGCHECK_CODE line");
}

static void
test_stack_layouts(void)
{
	static const char text[] =
		"0:000> kn\n"
		" # Child-SP          RetAddr           Call Site\n"
		"00 00000089`2f7fe6b8 00007ffa`db88dae4 ntdll!NtWaitForSingleObject+0x14\n"
		"01 00000089`2f7fe6c0 00007ff6`1a2b3c4d KERNELBASE!WaitForSingleObjectEx+0x94\n"
		"02 00000089`2f7fe760 00000000`00000000 0x00007ff6`1a2b3c4d\n"
		"\n"
		"kd> kf\n"
		" #   Memory  Child-SP          RetAddr               Call Site\n"
		"00           fffff803`7a483d08 fffff803`769d5929     nt!KeBugCheckEx\n"
		"01         8 fffff803`7a483d10 fffff803`769d0783     nt!KiBugCheckDispatch+0x69\n"
		"02       140 fffff803`7a483e50 fffff803`768620e3     nt!KiDoubleFaultAbort+0x2c3\n"
		"03        50 (Inline Function) --------`--------     myfs!AllocZero+0x16 [c:\\src\\myfs\\alloc.h @ 114]\n"
		"04         0 ffff8402`8b90a290 fffff803`baae9995     myfs!Dispatch<<lambda_1> >+0x3a [c:\\src\\x.c @ 97]\n"
		"05        30 ffff8402`8b90a2c0 fffff803`baae643b     nt! ?? ::FNODOBFM::`string'+0x7bde\n"
		"\n"
		"0:000> kp\n"
		" # Child-SP          RetAddr           Call Site\n"
		"00 00000089`2f7fe6b8 00007ffa`db88dae4 app!Parse(char * text = 0x00000089`2f7fe700 \"x\", int n = 0n3)+0x2a [c:\\src\\p.c @ 12]\n"
		"01 00000089`2f7fe6c0 00007ff6`1a2b3c4d app!<lambda_1>::operator()(int x = 0n1)+0x10\n"
		"02 00000089`2f7fe760 00000000`00000000 app!Run::operator()+0x8\n";
	int64_t ev = import_str(text, "windbg");

	ok(ev > 0, "user-mode and kf stacks import");
	is_int(fact_num(ev, "stack.frame", "KERNELBASE!WaitForSingleObjectEx+0x94"), 1, "0:000> prompt, numbered");
	is_int(fact_num(ev, "stack.frame", "0x00007ff6`1a2b3c4d"), 2, "frame without symbols kept as address");
	is_int(fact_num(ev, "stack.frame", "myfs!AllocZero+0x16"), 3, "inline frame, source cut");
	is_int(fact_num(ev, "stack.frame", "myfs!Dispatch<<lambda_1> >+0x3a"), 4, "template names kept");
	is_int(fact_num(ev, "stack.frame", "nt! ?? ::FNODOBFM::`string'+0x7bde"), 5, "odd names with spaces kept");
	is_int(fact_num(ev, "stack.frame", "app!Parse+0x2a"), 0, "kp parameters dropped from the name");
	is_int(fact_num(ev, "stack.frame", "app!<lambda_1>::operator()+0x10"), 1, "operator() keeps its parentheses");
	is_int(fact_num(ev, "stack.frame", "app!Run::operator()+0x8"), 2, "operator() without kp parameters");
	is_str(fact(ev, "bugcheck.code", 0), "0x0000007F", "KiDoubleFaultAbort implies 0x7F");
	ok(strstr(fact(ev, "bugcheck.code", 1), "implied by nt!KiDoubleFaultAbort") != NULL, "and says so");
	is_str(fact(ev, "bugcheck.arg1", 0), "0x8", "P1 8 = double fault");
	is_str(fact(ev, "fault.module", 0), "myfs.sys", "culprit: first driver above the trap frames");
}

/* What web pages make of debugger output: line breaks lost, stacks cut to
 * frame numbers and symbols, runs of spaces turned into no-break spaces. */
static void
test_web_pastes(void)
{
	static const char flattened[] =
		"    kd> !analyze -v \n"
		"    * * * Bugcheck Analysis * * * \n"
		"    CRITICAL_SERVICE_FAILED (5a) Arguments: Arg1: 0000000000000001 Arg2: ffffc50a2bfe7070 "
		"Arg3: ffffa80b1a13d320 Arg4: ffffffffc0000428 Debugging \n"
		"    DUMP_TYPE: 1 BUGCHECK_P1: 1 BUGCHECK_P2: ffffc50a2bfe7070 BUGCHECK_P3: ffffa80b1a13d320 "
		"BUGCHECK_P4: ffffffffc0000428 BUGCHECK_STR: 0x5A_c0000428 \n"
		"    PROCESS_NAME: System CURRENT_IRQL: 0 STACK_TEXT: ffffb601`2dc74948 fffff802`a2ff4b4a : "
		"00000000`0000005a 00000000`00000001 : nt!KeBugCheckEx [d:\\os\\ke\\procstat.asm @ 127] "
		"ffffb601`2dc74950 fffff802`a3205df3 : 00000000`00000000 00000000`00000006 : "
		"nt!IopLoadDriver+0x19f8e6 \n"
		"    MODULE_NAME: cryptflt IMAGE_NAME: cryptflt.sys IMAGE_VERSION: STACK_COMMAND: kb "
		"FAILURE_BUCKET_ID: 0x5A_c0000428_IMAGE_cryptflt.sys OSBUILD: 14393 \n";
	static const char abridged[] =
		"# Child-SP RetAddr Call Site\n"
		"00 nt!KeBugCheckEx\n"
		"01 nt!KiPageFault+0x406\n"
		"02 nt!IofCallDriver+0x4b\n"
		"03 volsnap!VspQueryDeviceNameFromTarget+0x93\n"
		"04 volsnap!VspDiagTrace+0x197\n"
		"\n"
		"Resource @ nt!PiEngineLock (0xfffff80001a81b80)\xc2\xa0\xc2\xa0\xc2\xa0 Exclusively owned\n";
	int64_t ev = import_str(flattened, NULL);

	ok(ev > 0, "!analyze with its line breaks lost imports");
	is_str(fact(ev, "bugcheck.code", 0), "0x0000005A", "code from the run-together title");
	is_str(fact(ev, "bugcheck.arg4", 0), "0xFFFFFFFFC0000428", "arguments from run-together Arg lines");
	is_str(fact(ev, "fault.status", 0), "c0000428", "status from the bucket");
	is_str(fact(ev, "fault.image_name", 0), "cryptflt.sys", "IMAGE_NAME from the middle of a line");
	is_str(fact(ev, "fault.process", 0), "System", "PROCESS_NAME cut before the next key");
	is_int(fact_num(ev, "stack.frame", "nt!IopLoadDriver+0x19f8e6"), 1, "run-together STACK_TEXT frames");
	is_str(fact(ev, "fault.module", 0), "cryptflt.sys", "culprit from IMAGE_NAME (the stack is all kernel)");
	is_int(count("SELECT count(*) FROM facts f JOIN text_lines t ON t.id = f.ref_id WHERE f.evidence_id = ? "
		     "AND f.key = 'stack.frame' AND t.text LIKE '%STACK_TEXT:%'", ev), 2,
	       "frames point at the line that holds them");

	ev = import_str(abridged, "windbg");
	is_int(fact_num(ev, "stack.frame", "volsnap!VspDiagTrace+0x197"), 4,
	       "frame numbers and symbols only (an article's abridged stack)");
	is_str(fact(ev, "fault.module", 0), "volsnap.sys", "culprit from the abridged stack");
	is_str(fact(ev, "lock.exclusive", 0), "nt!PiEngineLock", "no-break spaces read as spaces");
	is_int(count("SELECT count(*) FROM text_lines WHERE evidence_id = ? AND text LIKE '%\xc2\xa0%'", ev), 1,
	       "the stored text keeps them");
}

static void
test_irp_and_hints(void)
{
	static const char text[] =
		"kd> !analyze -v\n"
		"DRIVER_POWER_STATE_FAILURE (9f)\n"
		"Arguments:\n"
		"Arg1: 0000000000000003, A device object has been blocking an Irp for too long a time\n"
		"Arg2: ffffb30a1c5e2060, Physical Device Object of the stack\n"
		"Arg3: fffff8036ea6c3d8, nt!TRIAGE_9F_POWER on Win7 and higher\n"
		"Arg4: ffffb30a1d061bd0, The blocked IRP\n"
		"*** WARNING: Unable to verify timestamp for vendorbus.sys\n"
		"kd> !irp ffffb30a1d061bd0\n"
		"Irp is active with 3 stacks 2 is current (= 0xffffb30a1d061e08)\n"
		" [N/A(0), N/A(0)]\n"
		"            0  0 00000000 00000000 00000000-00000000\n"
		">[IRP_MJ_POWER(16), IRP_MN_SET_POWER(2)]\n"
		"            0 e1 ffffb30a1c783060 00000000 00000000-00000000    pending\n"
		"           \\Driver\\usbvendor\n"
		"            Args: 00016600 00000001 00000004 00000006\n";
	int64_t ev = import_str(text, NULL);

	ok(ev > 0, "0x9F with !irp imports");
	is_str(fact(ev, "irp.current", 0), "\\Driver\\usbvendor", "current stack location's driver");
	is_str(fact(ev, "fault.module", 0), "usbvendor.sys", "the driver holding the blocked IRP (P4)");
	ok(strstr(fact(ev, "fault.module", 1), "blocked power IRP") != NULL, "reason: %s", fact(ev, "fault.module", 1));

	{
		static const char pnp_lock[] =
			"7: kd> !analyze -v\n"
			"DRIVER_POWER_STATE_FAILURE (9f)\n"
			"Arguments:\n"
			"Arg1: 0000000000000004, The power transition timed out waiting to synchronize with the Pnp\n"
			"Arg2: 000000000000012c, Timeout in seconds.\n"
			"Arg3: ffffd406009e7400, The thread currently holding on to the Pnp lock.\n"
			"Arg4: ffffd108a230f050, nt!TRIAGE_9F_PNP on Win7 and higher\n"
			"STACK_TEXT:\n"
			"ffffa08a`1c2f7958 fffff805`27e0b969     : 00000000`0000009f : nt!KeBugCheckEx\n"
			"ffffa08a`1c2f7960 fffff805`27e07c69     : 00000000`00000000 : nt!PopBuildDeviceNotifyListWatchdog+0x1c\n"
			"\n"
			"7: kd> !thread ffffd406009e7400\n"
			"THREAD ffffd406009e7400  Cid 0004.0090  Teb: 0000000000000000 Win32Thread: 0000000000000000 WAIT: (Executive) KernelMode Non-Alertable\n"
			" # Child-SP          RetAddr               Call Site\n"
			"00 fffff880`02b0ee70 fffff803`6e27ba32     nt!KiSwapContext+0x7a\n"
			"01 fffff880`02b0ef00 fffff803`6e27ba40     nt!KeWaitForSingleObject+0x1a3\n"
			"02 fffff880`02b0f150 fffff880`0173f54e     extfs!FsdShutdown+0x91\n";
		int64_t ev3 = import_str(pnp_lock, NULL);

		is_str(fact(ev3, "fault.module", 0), "extfs.sys",
		       "0x9F P1 4: the stack of the thread P3 names (it holds the PnP lock)");
	}
	{
		static const char hint_only[] =
			"kd> !analyze -v\n"
			"DRIVER_POWER_STATE_FAILURE (9f)\n"
			"Arguments:\n"
			"Arg1: 0000000000000003, A device object has been blocking an Irp for too long a time\n"
			"*** WARNING: Unable to verify timestamp for vendorbus.sys\n";
		int64_t ev2 = import_str(hint_only, NULL);

		is_str(fact(ev2, "fault.module", 0), "vendorbus.sys", "only a debugger warning names a driver");
		ok(fact_num(ev2, "fault.module", "vendorbus.sys") < 50, "with low confidence");
	}
}

static void
test_lm_twice(void)
{
	static const char text[] =
		"1: kd> lm\n"
		"start             end                 module name\n"
		"fffff801`63ec0000 fffff801`649a7000   gfxdrv   T (no symbols)           \n"
		"fffff801`60000000 fffff801`60400000   nt         (pdb symbols)          c:\\sym\\ntkrnlmp.pdb\n"
		"\n"
		"1: kd> lmvm gfxdrv\n"
		"Browse full module list\n"
		"start             end                 module name\n"
		"fffff801`63ec0000 fffff801`649a7000   gfxdrv   T (no symbols)           \n"
		"    Loaded symbol image file: gfxdrv.sys\n"
		"    Image path: \\SystemRoot\\system32\\DRIVERS\\gfxdrv.sys\n"
		"    Image name: gfxdrv.sys\n"
		"    Timestamp:        Wed Jul  8 15:43:44 2015 (559DA7A0)\n";
	int64_t ev = import_str(text, NULL);

	is_int(count("SELECT count(*) FROM facts WHERE evidence_id = ? AND key = 'module.loaded'", ev), 2,
	       "a module listed by lm and again by lmvm is one fact");
	ok(fact_num(ev, "module.loaded", "gfxdrv.sys") >= 0, "named by lmvm's Image name");
	ok(strstr(fact(ev, "module.loaded", 1), "559DA7A0") != NULL, "with lmvm's details: %s",
	   fact(ev, "module.loaded", 1));
	is_int(count("SELECT count(*) FROM text_lines WHERE evidence_id = ? AND parsed = 'module.loaded'", ev), 7,
	       "rows and detail lines marked");
}

static void
test_bad_and_hostile(void)
{
	struct wb_err err;
	const struct wb_importer *used = NULL;
	int64_t before = case_scalar(c, "SELECT count(*) FROM evidence", -1), ev;
	char *big;
	size_t n;

	ev = import_text("just a note\nnothing here\n", 24, "windbg", NULL, &err);
	ok(ev == 0 && strstr(err.msg, "no WinDbg output found") && strstr(err.msg, tmpdir),
	   "text without debugger output refused with the file named: %s", err.msg);
	is_int(case_scalar(c, "SELECT count(*) FROM evidence", -1), before, "and the case is unchanged");
	is_int(case_scalar(c, "SELECT count(*) FROM text_lines WHERE text = 'just a note'", -1), 0, "no lines left behind");

	ev = import_text("Filter Name\nnothing\n", 20, "fltmc", NULL, &err);
	ok(ev == 0 && strstr(err.msg, "no fltmc output found"), "fltmc without a table refused: %s", err.msg);
	ev = import_text("Writer name: none\n", 18, "vssadmin", NULL, &err);
	ok(ev == 0 && strstr(err.msg, "no vssadmin writer found"), "vssadmin without writers refused: %s", err.msg);

	ev = import_str("Debug session time: Wed Sep 31 25:03:39.545 2023 (UTC - 7:00)\nBugCheck 7E, {c0000005, 0, 0, 0}\n",
			NULL);
	ok(ev > 0 && !strcmp(fact(ev, "bugcheck.code", 0), "0x0000007E"), "session with an impossible time imports");
	is_int(count("SELECT count(*) FROM timeline WHERE evidence_id = ?", ev), 0, "and puts nothing on the timeline");

	/* Hostile: escape sequences, NULs, huge hex, deep stacks, long lines. */
	{
		struct wb_buf b = {0};

		buf_puts(&b, "kd> !analyze -v\x1b]0;pwned\x07\n");
		buf_puts(&b, "BUGCHECK_CODE:  ffffffffffffffffffff\n");
		buf_puts(&b, "Arg1: fffffffffffffffffffffffffffff, overflow\n");
		buf_puts(&b, "BUGCHECK_P2: zz\n");
		buf_puts(&b, "STACK_TEXT:\n");
		for (int i = 0; i < 3000; i++)
			buf_printf(&b, "ffff0000`%08x ffff0000`%08x : drv%d!f+0x%x\n", i, i + 1, i % 7, i);
		buf_puts(&b, "\nlm\nstart end module name\n");
		buf_puts(&b, "ffffffff`ffffffff 00000000`00000000 backwards\n");
		buf_puts(&b, "Debug session time: Foo Bar 99 99:99:99 2024 (UTC + 99:00)\n");
		buf_puts(&b, "Resource @ ");
		buf_puts(&b, "\n");
		n = b.len;
		big = xmalloc(n + 200000);
		memcpy(big, b.data, n);
		memset(big + n, '!', 200000);
		n += 200000;
		buf_fini(&b);
	}
	ev = import_text(big, n, NULL, &used, &err);
	ok(ev > 0, "hostile debugger text imports without crashing: %s", ev ? "" : err.msg);
	ok(used && !strcmp(used->name, "windbg"), "and is detected as WinDbg text");
	is_str(fact(ev, "bugcheck.code", 0), "", "an overflowing code is not a code");
	is_int(count("SELECT count(*) FROM facts WHERE evidence_id = ? AND key = 'stack.frame'", ev), 1024,
	       "a stack is capped at 1024 frames");
	free(big);
}

static void
test_fltmc(void)
{
	static const char filters[] =
		"C:\\>fltmc\n"
		"\n"
		"Filter Name                     Num Instances    Altitude    Frame\n"
		"------------------------------  -------------  ------------  -----\n"
		"VirusScanOld                                    329998.99   <Legacy>\n"
		"CryptLegacy                                     149998.99   <Legacy>\n"
		"NoAltLegacy                                                 <Legacy>\n"
		"bindflt                                 1       409800         1\n"
		"ScanMini                                3       328000         0\n"
		"luafv                                   1       135000         0\n"
		"FileInfo                               13       40500          0\n";
	static const char instances[] =
		"Filter                Volume Name                              Altitude        Instance Name       Frame   SprtFtrs  VlStatus\n"
		"--------------------  -------------------------------------  ------------  ----------------------  -----   --------  --------\n"
		"WdFilter              C:                                       328010     WdFilter Instance         0     0000000f\n"
		"FileInfo                                                        40500     FileInfo                  0     0000000f\n"
		"FileInfo              \\Device\\Mup                               40500     FileInfo                  0     0000000f\n";
	static const char denied[] = "Filter listing failed with error: 0x80070005\nAccess is denied.\n";
	const struct wb_importer *used = NULL;
	struct wb_err err;
	int64_t ev = import_text(filters, strlen(filters), NULL, &used, &err);

	ok(ev > 0 && used && !strcmp(used->name, "fltmc"), "fltmc filters detected and imported");
	is_int(fact_num(ev, "filter", "ScanMini"), 328000, "minifilter altitude");
	ok(strstr(fact(ev, "filter", 1), "legacy") != NULL, "legacy filter described");
	is_int(fact_num(ev, "filter", "NoAltLegacy"), 0, "legacy filter without altitude kept");
	is_int(count("SELECT count(*) FROM facts WHERE evidence_id = ? AND key = 'filter.order_inverted'", ev), 1,
	       "one inversion");
	is_str(fact(ev, "filter.order_inverted", 0), "CryptLegacy above ScanMini",
	       "the legacy filter below ScanMini's altitude sits above it");
	ok(strstr(fact(ev, "filter.order_inverted", 1), "149998.99") != NULL, "text gives both altitudes");
	is_int(count("SELECT count(*) FROM text_lines WHERE evidence_id = ? AND parsed = 'filter'", ev), 7,
	       "filter rows marked");

	ev = import_str(instances, NULL);
	is_int(count("SELECT count(*) FROM facts WHERE evidence_id = ? AND key = 'filter.instance'", ev), 3,
	       "three instances");
	ok(strstr(fact(ev, "filter.instance", 1), "instance WdFilter Instance") != NULL,
	   "instance names with spaces cut by the underline: %s", fact(ev, "filter.instance", 1));
	is_int(count("SELECT count(*) FROM facts WHERE evidence_id = ? AND key = 'filter.instance' AND "
		     "text LIKE '%(unnamed)%'", ev), 1, "empty volume name");

	ev = import_str(denied, "fltmc");
	is_str(fact(ev, "filter.error", 0), "0x80070005", "listing error kept as a fact");
}

static void
test_vssadmin(void)
{
	static const char english[] =
		"vssadmin 1.1 - Volume Shadow Copy Service administrative command-line tool\n"
		"(C) Copyright 2001-2013 Microsoft Corp.\n"
		"\n"
		"Writer name: 'Task Scheduler Writer'\n"
		"   Writer Id: {d61d61c8-d73a-4eee-8cdd-f6f9786b7124}\n"
		"   Writer Instance Id: {1bddd48e-5052-49db-9b07-b96f96727e6b}\n"
		"   State: [1] Stable\n"
		"   Last error: No error\n"
		"\n"
		"Writer name: 'System Writer'\n"
		"   Writer Id: {e8132975-6f93-4464-a53e-1050253ae220}\n"
		"   Writer Instance Id: {7e3c2f9b-1111-4c2d-9e8f-0a1b2c3d4e5f}\n"
		"   State: [5] Waiting for completion\n"
		"   Last error: No error\n"
		"\n"
		"Writer name: 'COM+ REGDB Writer'\n"
		"   Writer Id: {542da469-d3e1-473c-9f4f-7847f01fc64f}\n"
		"   Writer Instance Id: {aa3c2f9b-1111-4c2d-9e8f-0a1b2c3d4e5f}\n"
		"   State: [1] Stable\n"
		"   Last error: No error\n"
		"\n"
		"Writer name: 'Registry Writer'\n"
		"   Writer Id: {afbab4a2-367d-4d15-a586-71dbb18f8485}\n"
		"   Writer Instance Id: {bb3c2f9b-1111-4c2d-9e8f-0a1b2c3d4e5f}\n"
		"   State: [11] Failed\n"
		"   Last error: Timed out\n"
		"\n"
		"Writer name: 'WMI Writer'\n"
		"   Writer Id: {a6ad56c2-b509-4e6c-bb19-49d8f43532f0}\n"
		"   Writer Instance Id: {cc3c2f9b-1111-4c2d-9e8f-0a1b2c3d4e5f}\n"
		"   State: [1] Stable\n"
		"   Last error: No error\n"
		"\n"
		"Writer name: 'ASR Writer'\n"
		"   Writer Id: {be000cbe-11fe-4426-9c58-531aa6355fc4}\n"
		"   Writer Instance Id: {dd3c2f9b-1111-4c2d-9e8f-0a1b2c3d4e5f}\n"
		"   State: [1] Stable\n"
		"   Last error: No error\n";
	static const char german[] =
		"vssadmin 1.1 - Verwaltungsbefehlszeilenprogramm des Volumeschattenkopie-Dienstes\n"
		"(C) Copyright 2001-2013 Microsoft Corp.\n"
		"\n"
		"Verfassername: \"Registry Writer\"\n"
		"   Verfasserkennung: {afbab4a2-367d-4d15-a586-71dbb18f8485}\n"
		"   Verfasserinstanzkennung: {ee3c2f9b-1111-4c2d-9e8f-0a1b2c3d4e5f}\n"
		"   Status: [1] Stabil\n"
		"   Letzter Fehler: Kein Fehler\n"
		"\n"
		"Verfassername: \"WMI Writer\"\n"
		"   Verfasserkennung: {a6ad56c2-b509-4e6c-bb19-49d8f43532f0}\n"
		"   Verfasserinstanzkennung: {ff3c2f9b-1111-4c2d-9e8f-0a1b2c3d4e5f}\n"
		"   Status: [7] Fehlgeschlagen\n"
		"   Letzter Fehler: Nicht wiederholbarer Fehler\n";
	static const char japanese_utf16_src[] =
		"ライター名: 'System Writer'\n"
		"   ライター ID: {e8132975-6f93-4464-a53e-1050253ae220}\n"
		"   ライター インスタンス ID: {7e3c2f9b-1111-4c2d-9e8f-0a1b2c3d4e5f}\n"
		"   状態: [1] 安定\n"
		"   最後のエラー: エラーなし\n";
	const struct wb_importer *used = NULL;
	struct wb_err err;
	int64_t ev = import_text(english, strlen(english), NULL, &used, &err);

	ok(ev > 0 && used && !strcmp(used->name, "vssadmin"), "English listing detected and imported");
	is_int(count("SELECT count(*) FROM facts WHERE evidence_id = ? AND key = 'vss.writer'", ev), 6, "six writers");
	is_int(fact_num(ev, "vss.writer", "Registry Writer"), 11, "state number is the num");
	ok(strstr(fact(ev, "vss.writer.error", 1), "Timed out") != NULL, "last error of the failed writer");
	is_int(count("SELECT count(*) FROM facts WHERE evidence_id = ? AND key = 'vss.writer.missing'", ev), 0,
	       "nothing missing when the five in-box writers are listed");

	ev = import_str(german, NULL);
	is_int(fact_num(ev, "vss.writer", "WMI Writer"), 7, "German: state read from the number");
	is_int(count("SELECT count(*) FROM facts WHERE evidence_id = ? AND key = 'vss.writer' AND "
		     "value = 'WMI Writer' AND text LIKE '%(failed at prepare backup)%'", ev), 1,
	       "state meaning from the number");
	is_int(count("SELECT count(*) FROM facts WHERE evidence_id = ? AND key = 'vss.writer.missing' AND "
		     "value IN ('System Writer', 'COM+ REGDB Writer', 'ASR Writer')", ev), 3,
	       "German listing without System, COM+ REGDB and ASR Writer");
	is_int(count("SELECT count(*) FROM facts WHERE evidence_id = ? AND key = 'vss.writer.error'", ev), 1,
	       "'Kein Fehler' is no error");

	/* Japanese, saved as UTF-16LE with a BOM (as `> file` from PowerShell). */
	{
		struct wb_buf b = {0};
		const unsigned char *s = (const unsigned char *)japanese_utf16_src;

		buf_append(&b, "\xff\xfe", 2);
		while (*s) {	/* UTF-8 -> UTF-16LE for BMP characters */
			unsigned cp;
			char u[2];

			if (*s < 0x80)
				cp = *s++;
			else if (*s < 0xe0) {
				cp = (unsigned)(s[0] & 0x1f) << 6 | (s[1] & 0x3f);
				s += 2;
			} else {
				cp = (unsigned)(s[0] & 0x0f) << 12 | (unsigned)(s[1] & 0x3f) << 6 | (s[2] & 0x3f);
				s += 3;
			}
			u[0] = (char)(cp & 0xff);
			u[1] = (char)(cp >> 8);
			buf_append(&b, u, 2);
		}
		ev = import_text(b.data, b.len, "vssadmin", NULL, &err);
		buf_fini(&b);
	}
	ok(ev > 0, "Japanese UTF-16 listing imports: %s", ev ? "" : err.msg);
	is_int(fact_num(ev, "vss.writer", "System Writer"), 1, "Japanese: System Writer stable");
	is_int(count("SELECT count(*) FROM facts WHERE evidence_id = ? AND key = 'vss.writer.missing'", ev), 0,
	       "one pasted writer without the banner is not a complete listing");
}

int
main(void)
{
	struct wb_err err;
	char *path;

	if (!mkdtemp(tmpdir))
		return tap_skip_all("no temporary directory");
	path = xasprintf("%s/t.wb", tmpdir);
	if (case_open(path, CASE_CREATE, NULL, NULL, &c, &err) < 0) {
		ok(0, "case: %s", err.msg);
		return tap_done();
	}
	test_old_analyze();
	test_new_analyze();
	test_stack_layouts();
	test_web_pastes();
	test_irp_and_hints();
	test_lm_twice();
	test_bad_and_hostile();
	test_fltmc();
	test_vssadmin();
	case_close(c);
	{
		char *cmd = xasprintf("rm -rf '%s'", tmpdir);

		if (system(cmd) != 0)
			printf("# could not remove %s\n", tmpdir);
		free(cmd);
	}
	free(path);
	return tap_done();
}
