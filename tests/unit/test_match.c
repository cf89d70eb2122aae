/*
 * Matching against the shipped knowledge base ($WB_KB): for every seed
 * issue, generated cases the way real ones present (different bugcheck
 * variants, builds, offsets, frame positions and module-name case, other
 * drivers around, English and Japanese event text) must rank the article
 * first, and negative cases (fixed build, same stop from another driver,
 * healthy writer list, ...) must not propose it.  Facts are inserted
 * directly into a case database, as importers would.  Also: same-row
 * clauses, min_count, missing evidence, exclusions, ranking explanations,
 * decisions surviving re-runs, and guided checklists.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../core/case.h"
#include "../../kb/checklist.h"
#include "../../kb/kb.h"
#include "../../kb/match.h"
#include "../tap.h"

#define NO_NUM INT64_MIN

static char tmpdir[] = "/tmp/wbmatchXXXXXX";
static struct wb_kb *kb;
static int ncase;

/* ---- building a case's facts ---- */

struct fb {
	wb_case *c;
	int64_t ev;		/* current evidence id */
	int64_t row;		/* next evidence row id */
	uint32_t rng;
};

static uint32_t
rnd(struct fb *b)
{
	b->rng = b->rng * 1103515245u + 12345u;
	return (b->rng >> 8) & 0xffffff;
}

static void
sql(struct fb *b, const char *q)
{
	char *msg = NULL;

	if (sqlite3_exec(case_db(b->c), q, NULL, NULL, &msg) != SQLITE_OK) {
		printf("# sql error: %s\n# in: %s\n", msg, q);
		sqlite3_free(msg);
	}
}

static void
evidence(struct fb *b, const char *kind)
{
	char *q = sqlite3_mprintf("INSERT INTO evidence (kind, importer, importer_version, path, size, imported_at, "
				  "imported_by, status) VALUES (%Q, 'test', '1', '/evidence/%q', 1, 'now', 'test', 'ok')",
				  kind, kind);

	sql(b, q);
	sqlite3_free(q);
	b->ev = sqlite3_last_insert_rowid(case_db(b->c));
}

static void
fact_row(struct fb *b, const char *key, const char *value, int64_t num, const char *text,
	 const char *ref_table, int64_t ref_id)
{
	sqlite3_stmt *st;

	sqlite3_prepare_v2(case_db(b->c), "INSERT INTO facts (evidence_id, key, value, num, text, ref_table, ref_id) "
			   "VALUES (?, ?, ?, ?, ?, ?, ?)", -1, &st, NULL);
	sqlite3_bind_int64(st, 1, b->ev);
	sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, value, -1, SQLITE_STATIC);
	if (num != NO_NUM)
		sqlite3_bind_int64(st, 4, num);
	sqlite3_bind_text(st, 5, text, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, ref_table, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, ref_id);
	if (sqlite3_step(st) != SQLITE_DONE)
		printf("# insert failed: %s\n", sqlite3_errmsg(case_db(b->c)));
	sqlite3_finalize(st);
}

/* A fact from a new evidence row of its own. */
static void
fact(struct fb *b, const char *key, const char *value, int64_t num, const char *text)
{
	fact_row(b, key, value, num, text, "text_lines", b->row++);
}

static void
bugcheck(struct fb *b, uint32_t code, const uint64_t args[4])
{
	char v[32];

	snprintf(v, sizeof v, "0x%08X", code);
	fact_row(b, "bugcheck.code", v, code, NULL, "dump", 1);
	for (int i = 0; i < 4 && args; i++) {
		char key[32];

		snprintf(key, sizeof key, "bugcheck.arg%d", i + 1);
		snprintf(v, sizeof v, "0x%016llx", (unsigned long long)args[i]);
		fact_row(b, key, v, (int64_t)args[i], NULL, "dump", 1);
	}
}

static void
build(struct fb *b, int n)
{
	char v[16];

	snprintf(v, sizeof v, "%d", n);
	fact_row(b, "os.build", v, n, NULL, "dump", 1);
}

/* Frames innermost first; "+" in a name keeps its offset, otherwise a random
 * one is added (or none, for variant layouts without offsets). */
static void
stack(struct fb *b, const char *const *frames, bool offsets)
{
	for (int i = 0; frames[i]; i++) {
		char v[160];

		if (strchr(frames[i], '+') || !offsets || !strchr(frames[i], '!'))
			snprintf(v, sizeof v, "%s", frames[i]);
		else
			snprintf(v, sizeof v, "%s+0x%x", frames[i], rnd(b) % 0x800);
		fact_row(b, "stack.frame", v, i, NULL, "dump_frame", b->row++);
	}
}

static void
modules(struct fb *b, const char *const *names)
{
	for (int i = 0; names[i]; i++) {
		char text[96];

		snprintf(text, sizeof text, "base 0xfffff880%08x size 0x%x", rnd(b) << 4, rnd(b) % 0x100000);
		fact_row(b, "module.loaded", names[i], NO_NUM, text, "dump_module", b->row++);
	}
}

static const char *const common_modules[] = {
	"ntoskrnl.exe", "hal.dll", "ntfs.sys", "fltmgr.sys", "volmgr.sys", "storport.sys", "ndis.sys",
	"tcpip.sys", "volsnap.sys", NULL,
};

/* ---- the seed issues: positive and negative generators ---- */

/* vss-legacy-trace-bugcheck */
static void
vss_pos(struct fb *b, int v)
{
	static const uint32_t codes[] = {0x7E, 0x1000007E, 0x50, 0x10000050};
	const char *upper[] = {"nt!KeBugCheckEx", "nt!PspSystemThreadStartup$filt$0", "nt!_C_specific_handler",
			       "nt!RtlDispatchException", "nt!KiExceptionDispatch", "nt!KiPageFault",
			       "nt!IofCallDriver", v % 3 ? "volsnap!VspQueryDeviceNameFromTarget" : "VOLSNAP!VspQueryDeviceNameFromTarget",
			       "volsnap!VspQueryVolumeName", v % 2 ? "volsnap!VspDiagTrace+0x197" : "volsnap!VspDiagTrace",
			       "volsnap!VspAdjustBitmap", "nt!ExpWorkerThread", "nt!PspSystemThreadStartup",
			       "nt!KiStartSystemThread", NULL};
	/* !analyze -v of a 0x50 often starts at the fault: no exception frames. */
	const char *page_fault[] = {"nt!KeBugCheckEx", "nt!MmAccessFault", "nt!KiPageFault", "nt!IofCallDriver",
				    "volsnap!VspQueryDeviceNameFromTarget", "volsnap!VspQueryVolumeName",
				    "volsnap!VspDiagTrace", "volsnap!VspWriteVolumePhase2", "nt!ExpWorkerThread", NULL};
	const char *const others[] = {"mfehidk.sys", "symefasi64.sys", "vsepflt.sys", "bkupflt.sys", NULL};
	uint64_t args[4] = {0xc0000005, 0xfffff80000000000ull | rnd(b), 0xffff000000000000ull | rnd(b), 0};

	evidence(b, "dump");
	bugcheck(b, codes[v % 4], args);
	build(b, v % 2 ? 17763 : 14393);
	modules(b, common_modules);
	if (v % 3 == 1)
		modules(b, others + (v % 2));
	stack(b, (v % 4 >= 2) ? page_fault : upper, v % 5 != 4);
}

static void
vss_neg_fixed_build(struct fb *b, int v)
{
	vss_pos(b, v);
	fact_row(b, "os.build", "20348", 20348, NULL, "dump", 1);
	sql(b, "DELETE FROM facts WHERE key = 'os.build' AND num <> 20348");
}

static void
vss_neg_other_driver(struct fb *b, int v)
{
	const char *frames[] = {"nt!KeBugCheckEx", "nt!KiPageFault", "nt!IofCallDriver", "contosoflt!FilterQueryName",
				"contosoflt!FilterPreCreate", "FLTMGR!FltpPerformPreCallbacks", "nt!IopParseDevice", NULL};
	uint64_t args[4] = {0xc0000005, 0xfffff88004e4fbe1ull, 0, 0};

	evidence(b, "dump");
	bugcheck(b, v % 2 ? 0x7E : 0x50, args);
	build(b, 17763);
	modules(b, common_modules);
	stack(b, frames, true);
}

static void
vss_neg_tracing_off(struct fb *b, int v)
{
	vss_pos(b, v);
	evidence(b, "registry");
	if (v % 2)	/* the registry importer's summary fact */
		fact(b, "vss.diag", "disabled", NO_NUM, "(Default) = Disabled: legacy VSS tracing is off");
	else
		fact(b, "registry", "HKLM\\SYSTEM\\CurrentControlSet\\Services\\VSS\\Diag\\(Default)", NO_NUM, "Disabled");
}

/* symantec-kstack-0x7f */
static void
sav_pos(struct fb *b, int v)
{
	const char *sav_mods[] = {"savrt.sys", "savrtpel.sys", "symevent.sys", NULL};
	const char *sav_stack[] = {"nt!KiTrap08", "nt!IopfCallDriver", v % 2 ? "SAVRT+0x2c5e1" : "savrt!SymAPIFilter",
				   "nt!IofCallDriver", "fltmgr!FltpDispatch", "Ntfs!NtfsFsdCreate", NULL};
	uint64_t args[4] = {8, 0x80042000 + (rnd(b) & 0xff0), 0, 0};

	evidence(b, v % 3 ? "dump" : "tooltext");
	bugcheck(b, v % 4 == 3 ? 0x1000007F : 0x7F, args);
	build(b, 3790);
	modules(b, (const char *const[]){"ntkrnlpa.exe", "hal.dll", "Ntfs.sys", NULL});
	if (v % 2 == 0)
		modules(b, sav_mods + (v % 3 == 2));
	if (v % 2 == 1 || v % 3 == 0)
		stack(b, sav_stack, v % 5 != 1);
}

static void
sav_neg_other_av(struct fb *b, int v)
{
	const char *stackv[] = {"nt!KiTrap08", "nt!IofCallDriver", "naiavf5x!AvScanFile", "Ntfs!NtfsFsdCreate", NULL};
	uint64_t args[4] = {8, 0x80042000, 0, 0};

	evidence(b, "dump");
	bugcheck(b, 0x7F, args);
	build(b, 3790);
	modules(b, (const char *const[]){"ntkrnlpa.exe", "naiavf5x.sys", "mfehidk.sys", NULL});
	if (v % 2)
		stack(b, stackv, true);
}

static void
sav_neg_tuned(struct fb *b, int v)
{
	sav_pos(b, v * 2);
	evidence(b, "registry");
	fact(b, "av.kstack_min_free", "0x00002200", 0x2200,
	     "HKLM\\SOFTWARE\\INTEL\\LANDesk\\VirusProtect6\\CurrentVersion\\Storages\\Filesystem\\RealTimeScan\\KStackMinFree");
}

static void
sav_neg_other_stop(struct fb *b, int v)
{
	uint64_t args[4] = {0xc0000005, 0x80000000 | rnd(b), 0, 0};

	(void)v;
	evidence(b, "dump");
	bugcheck(b, 0x8E, args);
	build(b, 3790);
	modules(b, (const char *const[]){"ntkrnlpa.exe", "savrt.sys", "symevent.sys", NULL});
}

/* azure-critical-service-failed */
static void
azure_pos(struct fb *b, int v)
{
	static const char *const drivers[] = {"filecrypt.sys", "cbfs6.sys", "mydisk.sys", "netvsc.sys"};
	uint64_t args[4] = {1, 0xffffd80f00000000ull | rnd(b), 0xffffb00b00000000ull | rnd(b), 0xffffffffc0000428ull};
	char bucket[96];

	evidence(b, v % 2 ? "dump" : "tooltext");
	bugcheck(b, 0x5A, v % 3 ? args : NULL);
	build(b, v % 2 ? 14393 : 17763);
	snprintf(bucket, sizeof bucket, "0x5A_c0000428_IMAGE_%s", drivers[v % 4]);
	if (v % 3 != 1)
		fact_row(b, "fault.bucket", bucket, NO_NUM, NULL, "text_lines", 40);
	fact_row(b, "fault.module", drivers[v % 4], 60, "IMAGE_NAME", "text_lines", 41);
	stack(b, (const char *const[]){"nt!KeBugCheckEx", "nt!IopLoadDriver", "nt!IopLoadUnloadDriver",
				       "nt!ExpWorkerThread", NULL}, true);
}

static void
azure_neg(struct fb *b, int v)
{
	uint64_t args[4] = {v % 2 ? 0x1 : 0x3, 0xffffd80f4bfe7070ull, 0, 0};

	evidence(b, "dump");
	/* Same driver, other stop; or the critical-process stop. */
	bugcheck(b, v % 2 ? 0x7E : 0xEF, args);
	fact_row(b, "fault.module", "filecrypt.sys", 60, NULL, "text_lines", 41);
}

/* vmware-vshield-drivers */
static void
vmw_pos(struct fb *b, int v)
{
	const char *stack_crash[] = {"nt!KeBugCheckEx", "nt!KiPageFault", v % 2 ? "vsepflt!VFileFltPostOp" : "vsepflt+0x5a12",
				     "FLTMGR!FltpPerformPostCallbacks", "nt!IopfCompleteRequest", NULL};
	const char *stack_hang[] = {"nt!KiSwapContext", "nt!KeWaitForSingleObject", "vnetflt!VnetTdiSend",
				    "tdx!TdxSendDatagram", NULL};
	uint64_t args[4] = {0xffffe00012345678ull, 2, 0, 0xfffff88001234567ull};

	evidence(b, "dump");
	bugcheck(b, v % 3 == 2 ? 0xE2 : (v % 2 ? 0xD1 : 0x50), args);
	modules(b, common_modules);
	modules(b, (const char *const[]){"vsepflt.sys", "vnetflt.sys", "vmci.sys", NULL});
	stack(b, v % 3 == 2 ? stack_hang : stack_crash, true);
	if (v % 3 == 0)
		fact_row(b, "fault.module", "vsepflt.sys", 80, NULL, "dump", 1);
}

static void
vmw_neg(struct fb *b, int v)
{
	uint64_t args[4] = {0xffffe00012345678ull, 2, 0, 0xfffff88001234567ull};

	evidence(b, "dump");
	bugcheck(b, 0xD1, args);
	modules(b, common_modules);
	modules(b, (const char *const[]){"vsepflt.sys", "vnetflt.sys", NULL});
	stack(b, (const char *const[]){"nt!KeBugCheckEx", "nt!KiPageFault", "e1q62x64!RxIndicate", "ndis!ndisMIndicateNetBufferListsToOpen", NULL}, v % 2);
	fact_row(b, "fault.module", "e1q62x64.sys", 80, NULL, "dump", 1);
}

/* missing-system-writer */
static const char *const sw_8193_en =
	"Volume Shadow Copy Service error: Unexpected error calling routine XML document is too long.  hr = 0x80070018, "
	"The program issued a command but the command length is incorrect. . Operation: Writer Exposing its Metadata "
	"Context: Execution Context: Requestor Writer Instance ID: {636923A0-89C2-4823-ADEF-023A739B2515} "
	"Writer Class Id: {E8132975-6F93-4464-A53E-1050253AE220} Writer Name: System Writer";
static const char *const sw_8193_ja =
	"ボリューム シャドウ コピー サービス エラー: ルーチン XML ドキュメントが長すぎます。 の呼び出し中に予期しないエラーが"
	"発生しました。hr = 0x80070018。操作: ライターのメタデータの公開中 コンテキスト: ライター名: System Writer";
static const char *const sw_8193_examine =
	"Volume Shadow Copy Service error: Unexpected error calling routine CreateVssExamineWriterMetadata.  "
	"hr = 0x80042302, A Volume Shadow Copy Service component encountered an unexpected error.";

static void
writers(struct fb *b, bool with_system)
{
	static const char *const names[] = {"Task Scheduler Writer", "VSS Metadata Store Writer", "Performance Counters Writer",
					    "ASR Writer", "Registry Writer", "COM+ REGDB Writer", "WMI Writer", NULL};

	evidence(b, "tooltext");
	for (int i = 0; names[i]; i++)
		fact(b, "vss.writer", names[i], 1, "State: [1] Stable; Last error: No error");
	if (with_system)
		fact(b, "vss.writer", "System Writer", 1, "State: [1] Stable; Last error: No error");
	else
		fact(b, "vss.writer.missing", "System Writer", NO_NUM, "not listed by vssadmin list writers");
}

static void
sw_pos(struct fb *b, int v)
{
	if (v % 3 != 2)
		writers(b, false);
	evidence(b, "eventlog");
	fact(b, "event", "Service Control Manager/7036", 7036, "The Cryptographic Services service entered the running state.");
	if (v % 3 != 1)
		fact(b, "event", "VSS/8193", 8193, v % 2 ? sw_8193_ja : sw_8193_en);
	fact(b, "event", "VSS/8193", 8193, sw_8193_examine);
	if (v % 2 == 0) {
		char dir[128];

		evidence(b, "procmon");
		fact(b, "procmon.vss", "System Writer", 1234 + v, "IDENTIFY (Leave)");
		snprintf(dir, sizeof dir, "C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\Temporary ASP.NET Files\\root\\%x", rnd(b));
		fact(b, "procmon.last_before_leave", dir, NO_NUM, "svchost.exe QueryDirectory");
		fact(b, "procmon.dir_fanout", "C:\\Windows\\Microsoft.NET\\assembly\\GAC_MSIL", 12000 + (int64_t)(rnd(b) % 5000), NULL);
	}
}

static void
sw_neg_healthy(struct fb *b, int v)
{
	writers(b, true);
	evidence(b, "eventlog");
	fact(b, "event", "VSS/8224", 8224, "The VSS service is shutting down due to idle timeout.");
	if (v % 2)	/* another writer failed: not this issue */
		fact(b, "event", "VSS/8229", 8229, "A VSS writer has rejected an event with error 0x800423f4. Writer name: [SqlServerWriter]");
}

/* pool-corruption */
static void
pool_pos(struct fb *b, int v)
{
	uint64_t args[4] = {0x20, 0xfffffa8001a1b000ull + (rnd(b) & 0xff0), 0xfffffa8001a1b810ull, 0x4810081};

	evidence(b, "dump");
	modules(b, common_modules);
	switch (v % 4) {
	case 0:		/* BAD_POOL_HEADER */
		bugcheck(b, 0x19, args);
		stack(b, (const char *const[]){"nt!KeBugCheckEx", "nt!ExFreePoolWithTag", "contoso!FreeBuffer", NULL}, true);
		break;
	case 1:		/* 0x3B in the allocator, non-canonical rax */
		args[0] = 0xc0000005;
		bugcheck(b, 0x3B, args);
		stack(b, (const char *const[]){"nt!KeBugCheckEx", "nt!KiBugCheckDispatch", "nt!KiSystemServiceHandler",
					       "nt!RtlDispatchException", "nt!KiGeneralProtectionFault",
					       "nt!ExAllocatePoolWithTag+0x44a", "nt!ObpAllocateObject", NULL}, true);
		break;
	case 2:		/* BAD_POOL_CALLER, new !analyze layout without offsets */
		bugcheck(b, 0xC2, args);
		stack(b, (const char *const[]){"nt!KeBugCheckEx", "nt!ExFreeHeapPool", "nt!ExFreePool", "mydrv", NULL}, false);
		break;
	default:	/* special pool caught it */
		bugcheck(b, 0xD6, args);
		stack(b, (const char *const[]){"nt!KeBugCheckEx", "nt!MmAccessFault", "nt!KiPageFault", "myfault+0x14eb",
					       "nt!IovCallDriver", NULL}, true);
		evidence(b, "registry");
		fact(b, "registry", "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Session Manager\\Memory Management\\VerifyDrivers",
		     NO_NUM, "myfault.sys");
		break;
	}
}

static void
pool_neg(struct fb *b, int v)
{
	uint64_t args[4] = {0xc0000005, 0xfffff96000123456ull, 0xfffff88004763560ull, 0};

	evidence(b, "dump");
	modules(b, common_modules);
	bugcheck(b, v % 2 ? 0x3B : 0xA, args);
	/* The allocator deep in the stack is a normal caller, not the fault. */
	stack(b, (const char *const[]){"nt!KeBugCheckEx", "nt!KiBugCheckDispatch", "nt!KiPageFault",
				       "win32kfull!xxxSendMessage", "win32kfull!NtUserMessageCall", "win32k!W32pServiceTable",
				       "nt!KiSystemServiceCopyEnd", "nt!ExAllocatePoolWithTag", NULL}, true);
}

/* apc-disabled-io */
static void
apc_pos(struct fb *b, int v)
{
	const char *k[] = {"nt!KeBugCheckEx", "nt!KiBugCheckDispatch", "nt!KiPageFault",
			   v % 2 ? "nt!memcpy" : "nt!IopCompleteRequest", v % 2 ? "nt!IopCompleteRequest" : "nt!KiDeliverApc",
			   v % 2 ? "nt!KiDeliverApc" : "nt!KiCheckForKernelApcDelivery",
			   v % 2 ? "nt!KiCheckForKernelApcDelivery" : "nt!MiMapViewOfSection",
			   v % 2 ? "nt!MiMapViewOfSection" : "nt!NtMapViewOfSection", "nt!KiSystemServiceCopyEnd", NULL};
	uint64_t args[4] = {0xfffff88007bf3900ull + (rnd(b) & 0xff), 2, 1, 0xfffff800030d8b56ull};

	evidence(b, "dump");
	bugcheck(b, v % 3 == 2 ? 0x50 : 0xA, args);
	modules(b, common_modules);
	stack(b, k, v % 4 != 3);
	if (v % 2) {
		evidence(b, "tooltext");	/* !verifier 100 log */
		stack(b, (const char *const[]){"nt!IovAllocateIrp", "nt!IoBuildDeviceIoControlRequest",
					       "fltmgr!FltGetVolumeGuidName", "baddriver+0x12be1", NULL}, true);
	}
}

static void
apc_neg(struct fb *b, int v)
{
	uint64_t args[4] = {0x10, 2, 0, 0xfffff88001234567ull};

	evidence(b, "dump");
	bugcheck(b, v % 2 ? 0xA : 0x7E, args);
	modules(b, common_modules);
	if (v % 2)	/* same stop from a NIC driver */
		stack(b, (const char *const[]){"nt!KeBugCheckEx", "nt!KiPageFault", "e1q62x64!RxProcess",
					       "ndis!ndisMiniportDpc", "nt!KiRetireDpcList", NULL}, true);
	else		/* I/O completion, but not from an APC */
		stack(b, (const char *const[]){"nt!KeBugCheckEx", "nt!KiPageFault", "nt!IopCompleteRequest",
					       "nt!IopfCompleteRequest", "storport!RaidUnitCompleteRequest", NULL}, true);
}

/* storage-event-153-129 */
static void
retry_event(struct fb *b, const char *srb, const char *op)
{
	char msg[200];
	int64_t row = b->row++;

	snprintf(msg, sizeof msg, "The IO operation at logical block address 0x%x for Disk %u (PDO name: \\Device\\%08x) was retried.",
		 rnd(b), rnd(b) % 4, rnd(b) % 64);
	fact_row(b, "event", "Disk/153", 153, msg, "events", row);
	fact_row(b, "disk.retry", srb, NO_NUM, op, "events", row);
	fact_row(b, "disk.retry.op", op, NO_NUM, NULL, "events", row);
}

static void
storage_pos(struct fb *b, int v)
{
	evidence(b, "eventlog");
	fact(b, "event", "EventLog/6005", 6005, "The Event log service was started.");
	for (int i = 0; i < 3 + (v % 4) * 5; i++)
		retry_event(b, (v + i) % 3 ? "SRB_STATUS_TIMEOUT" : "SRB_STATUS_BUS_RESET", i % 2 ? "SCSIOP_WRITE" : "SCSIOP_READ");
	if (v % 2)
		fact(b, "event", v % 4 == 1 ? "storahci/129" : "LSI_SAS3/129", 129, "Reset to device, \\Device\\RaidPort1, was issued.");
}

static void
storage_neg(struct fb *b, int v)
{
	evidence(b, "eventlog");
	fact(b, "event", "Disk/7", 7, "The device, \\Device\\Harddisk0\\DR0, has a bad block.");
	fact(b, "event", "Ntfs/98", 98, "Volume C: (\\Device\\HarddiskVolume2) is healthy.  No action is needed.");
	if (v % 2)
		fact(b, "event", "EventLog/6008", 6008, "The previous system shutdown at 3:47:22 AM on 4/9/2026 was unexpected.");
}

/* commit-failures */
static void
commit_pos(struct fb *b, int v)
{
	evidence(b, "tooltext");
	if (v % 2)
		bugcheck(b, 0xE2, NULL);
	fact(b, "mem.commit_limit_kb", "100650996", 100650996, NULL);
	fact(b, "mem.commit_failures", "48440", 48440 + v * 17, "48440 commit requests have failed");
	if (v % 3 == 0) {
		evidence(b, "eventlog");
		fact(b, "event", "Resource-Exhaustion-Detector/2004", 2004,
		     "Windows successfully diagnosed a low virtual memory condition.");
	}
}

static void
commit_neg(struct fb *b, int v)
{
	evidence(b, "tooltext");
	bugcheck(b, 0xE2, NULL);
	fact(b, "mem.commit_limit_kb", "100650996", 100650996, NULL);
	if (v % 2)
		fact(b, "mem.commit_failures", "0", 0, NULL);
}

/* ndis-pnp-pending-nbl */
static void
ndis_pos(struct fb *b, int v)
{
	evidence(b, "tooltext");
	bugcheck(b, v % 2 ? 0xE2 : 0x9F, NULL);
	fact(b, "lock.exclusive", "nt!PiEngineLock", NO_NUM, "Threads: fffffa800cd8a040-01<*>");
	fact(b, "lock.shared", "nt!IopDeviceTreeLock", NO_NUM, NULL);
	stack(b, (const char *const[]){"nt!KiSwapContext", "nt!KiCommitThreadWait", "nt!KeWaitForSingleObject",
				       v % 3 ? "nt! ?? ::FNODOBFM::`string'+0x12ff6" : "nt!ExWaitForRundownProtectionReleaseCacheAware",
				       "tcpip!FlPnpEvent", "tcpip!Fl48PnpEvent", "NDIS!ndisPnPNotifyBinding",
				       "NDIS!ndisPnPNotifyAllTransports", "NDIS!ndisCloseMiniportBindings",
				       "NDIS!ndisPnPRemoveDevice", "nt!IopRemoveDevice", "nt!PnpRemoveLockedDeviceNode",
				       "nt!ExpWorkerThread", NULL}, v % 4 != 2);
}

static void
ndis_neg(struct fb *b, int v)
{
	evidence(b, "tooltext");
	bugcheck(b, 0xE2, NULL);
	fact(b, "lock.exclusive", "nt!PiEngineLock", NO_NUM, NULL);
	if (v % 2)	/* PnP removal of a disk, not a NIC */
		stack(b, (const char *const[]){"nt!KiSwapContext", "nt!KeWaitForSingleObject", "storport!RaUnitRemoveDevice",
					       "storport!RaidUnitPnpIrp", "nt!IopRemoveDevice", NULL}, true);
	else		/* tcpip busy sending, no PnP */
		stack(b, (const char *const[]){"nt!KiSwapContext", "tcpip!TcpTcbSend", "tcpip!TcpEnqueueTcbSend",
					       "afd!AfdTLSendComplete", NULL}, true);
}

/* filter-load-order */
static void
fltmc(struct fb *b, bool inverted, bool legacy)
{
	evidence(b, "tooltext");
	fact(b, "filter", "AVMiniFilter", 328000, "frame 0, 3 instances");
	fact(b, "filter", "luafv", 135000, "frame 0, 1 instance");
	fact(b, "filter", "FileInfo", 45000, "frame 0, 13 instances");
	if (legacy) {
		fact(b, "filter", "AVLegacy", 389998, "<Legacy>");
		fact(b, "filter", "EncryptionLegacy", 149998, "<Legacy>");
	}
	if (inverted)
		fact(b, "filter.order_inverted", "EncryptionLegacy", 149998,
		     "legacy EncryptionLegacy (149998.99) is above minifilter AVMiniFilter (328000)");
}

static void
filter_pos(struct fb *b, int v)
{
	fltmc(b, true, v % 2 == 0);
}

static void
filter_neg(struct fb *b, int v)
{
	fltmc(b, false, v % 2 == 0);
}

struct scenario {
	const char *article;
	const char *what;
	void (*make)(struct fb *b, int variant);
	int variants;
	bool positive;
};

static const struct scenario scenarios[] = {
	{"vss-legacy-trace-bugcheck", "0x7E/0x50, 2016/2019, k/kv/!analyze layouts", vss_pos, 12, true},
	{"vss-legacy-trace-bugcheck", "fixed build 20348", vss_neg_fixed_build, 4, false},
	{"vss-legacy-trace-bugcheck", "same stop from another driver", vss_neg_other_driver, 4, false},
	{"vss-legacy-trace-bugcheck", "legacy tracing already disabled", vss_neg_tracing_off, 4, false},
	{"symantec-kstack-0x7f", "0x7F double fault with SAV drivers", sav_pos, 8, true},
	{"symantec-kstack-0x7f", "0x7F with another antivirus", sav_neg_other_av, 4, false},
	{"symantec-kstack-0x7f", "SAV loaded, other stop", sav_neg_other_stop, 2, false},
	{"symantec-kstack-0x7f", "KStackMinFree already 0x2200", sav_neg_tuned, 2, false},
	{"azure-critical-service-failed", "0x5A with c0000428 driver", azure_pos, 8, true},
	{"azure-critical-service-failed", "same driver, other stops", azure_neg, 4, false},
	{"vmware-vshield-drivers", "crash or hang in vsepflt/vnetflt", vmw_pos, 6, true},
	{"vmware-vshield-drivers", "loaded, crash in a NIC driver", vmw_neg, 4, false},
	{"missing-system-writer", "missing writer, en/ja 8193, procmon", sw_pos, 8, true},
	{"missing-system-writer", "healthy writer list", sw_neg_healthy, 4, false},
	{"pool-corruption", "0x19/0x3B/0xC2/0xD6", pool_pos, 8, true},
	{"pool-corruption", "0x3B/0xA with the allocator deep in the stack", pool_neg, 4, false},
	{"apc-disabled-io", "IopCompleteRequest under KiDeliverApc", apc_pos, 8, true},
	{"apc-disabled-io", "same stop, no APC completion", apc_neg, 4, false},
	{"storage-event-153-129", "153 retries, 129 resets", storage_pos, 8, true},
	{"storage-event-153-129", "other disk events", storage_neg, 4, false},
	{"commit-failures", "!vm commit failures", commit_pos, 6, true},
	{"commit-failures", "no commit failures", commit_neg, 4, false},
	{"ndis-pnp-pending-nbl", "PnP remove stuck in tcpip!FlPnpEvent", ndis_pos, 8, true},
	{"ndis-pnp-pending-nbl", "PiEngineLock held by another PnP, tcpip busy", ndis_neg, 4, false},
	{"filter-load-order", "legacy filter above a higher minifilter", filter_pos, 4, true},
	{"filter-load-order", "fltmc in order", filter_neg, 4, false},
};

/* ---- running a case ---- */

static wb_case *
new_case(void)
{
	char *path = xasprintf("%s/case%d.wb", tmpdir, ++ncase);
	struct wb_err err;
	wb_case *c = NULL;

	if (case_open(path, CASE_CREATE | CASE_MUST_NOT_EXIST, "t", NULL, &c, &err) < 0)
		printf("# %s\n", err.msg);
	free(path);
	return c;
}

static const struct match_finding *
find_finding(const struct match_result *r, const char *id)
{
	for (size_t i = 0; i < r->n; i++)
		if (!strcmp(r->findings[i].article->id, id))
			return &r->findings[i];
	return NULL;
}

static void
test_seeds(void)
{
	/* Per article: positives ranked first, negatives not proposed. */
	struct {
		const char *id;
		int pos, pos_first, neg, neg_ok;
	} counts[16] = {{0}};
	size_t narticles = 0;

	for (size_t s = 0; s < sizeof scenarios / sizeof scenarios[0]; s++) {
		const struct scenario *sc = &scenarios[s];
		size_t k;

		for (k = 0; k < narticles && strcmp(counts[k].id, sc->article); k++)
			;
		if (k == narticles)
			counts[narticles++].id = sc->article;
		for (int v = 0; v < sc->variants; v++) {
			struct fb b = {.c = new_case(), .row = 1, .rng = (uint32_t)(s * 7919 + (size_t)v * 104729 + 1)};
			struct match_result r;
			struct wb_err err;
			const struct match_finding *f;

			sc->make(&b, v);
			if (match_run(b.c, kb, &r, &err) < 0) {
				ok(0, "%s: %s #%d: match_run: %s", sc->article, sc->what, v, err.msg);
				case_close(b.c);
				continue;
			}
			f = find_finding(&r, sc->article);
			if (sc->positive) {
				bool first = r.n && !strcmp(r.findings[0].article->id, sc->article) &&
					     r.findings[0].state == MATCH_OPEN;

				counts[k].pos++;
				counts[k].pos_first += first;
				ok(first, "%s ranks first: %s #%d (first: %s)", sc->article, sc->what, v,
				   r.n ? r.findings[0].article->id : "none");
			} else {
				bool proposed = f && f->state == MATCH_OPEN;

				counts[k].neg++;
				counts[k].neg_ok += !proposed;
				ok(!proposed, "%s not proposed: %s #%d (%s)", sc->article, sc->what, v,
				   f ? match_state_name(f->state) : "not a finding");
			}
			ok(!find_finding(&r, "kdnet-setup"), "a howto is never a finding (%s #%d)", sc->what, v);
			match_result_fini(&r);
			case_close(b.c);
		}
	}
	printf("# seed issue                     positives ranked first   negatives not proposed\n");
	for (size_t k = 0; k < narticles; k++)
		printf("# %-30s %3d/%-3d                  %3d/%-3d\n", counts[k].id, counts[k].pos_first, counts[k].pos,
		       counts[k].neg_ok, counts[k].neg);
}

/* ---- engine behaviour on small synthetic articles ---- */

static struct kb_article *
article(const char *json)
{
	json_error_t jerr;
	json_t *doc = json_loads(json, 0, &jerr);
	struct kb_article *a = NULL;
	struct wb_err err;

	if (!doc) {
		printf("# bad test JSON: %s\n", jerr.text);
		return NULL;
	}
	if (kb_parse_json(doc, "test", &a, &err) < 0)
		printf("# %s\n", err.msg);
	json_decref(doc);
	return a;
}

static void
test_same_row_and_counts(void)
{
	struct wb_kb *k = kb_new();
	struct fb b = {.c = new_case(), .row = 1, .rng = 5};
	struct match_result r;
	struct wb_err err;
	const struct match_finding *f = NULL;

	kb_add(k, article("{\"id\": \"t-row\", \"title\": \"t\", \"signature\": ["
			  "{\"require\": \"event with timeout on the same row\", \"same_row\": ["
			  "{\"key\": \"event\", \"eq\": \"Disk/153\"}, {\"key\": \"disk.retry\", \"regex\": \"TIMEOUT\"}]},"
			  "{\"support\": \"three or more\", \"id\": \"many\", \"weight\": \"2\", \"min_count\": \"3\","
			  " \"fact\": {\"key\": \"event\", \"eq\": \"Disk/153\"}}]}"));
	evidence(&b, "eventlog");
	/* Row 1: 153 with BUS_RESET; row 2: an event with a timeout but not 153. */
	fact_row(&b, "event", "Disk/153", 153, NULL, "events", 1);
	fact_row(&b, "disk.retry", "SRB_STATUS_BUS_RESET", NO_NUM, NULL, "events", 1);
	fact_row(&b, "event", "Disk/51", 51, NULL, "events", 2);
	fact_row(&b, "disk.retry", "SRB_STATUS_TIMEOUT", NO_NUM, NULL, "events", 2);
	ok(match_run(b.c, k, &r, &err) == 0 && !find_finding(&r, "t-row"),
	   "same_row: facts from different rows do not combine");
	match_result_fini(&r);
	fact_row(&b, "event", "Disk/153", 153, NULL, "events", 3);
	fact_row(&b, "disk.retry", "SRB_STATUS_TIMEOUT", NO_NUM, NULL, "events", 3);
	ok(match_run(b.c, k, &r, &err) == 0 && (f = find_finding(&r, "t-row")) && f->state == MATCH_OPEN,
	   "same_row: both facts on row 3 hit");
	if (f) {
		ok(f->clauses[0].nfacts == 2 && f->clauses[0].facts[0].ref_id == 3 && f->clauses[0].facts[1].ref_id == 3,
		   "the hit names both facts of events row 3");
		is_int(f->clauses[1].state, MATCH_FAILED, "min_count 3 not reached with two 153 events");
		is_int(f->score, 5, "score is the require weight only");
	}
	match_result_fini(&r);
	fact_row(&b, "event", "Disk/153", 153, NULL, "events", 4);
	ok(match_run(b.c, k, &r, &err) == 0 && (f = find_finding(&r, "t-row")) && f->clauses[1].state == MATCH_HIT &&
	   f->score == 7, "min_count reached with the third event: score 5 + 2");
	match_result_fini(&r);
	case_close(b.c);
	kb_free(k);
}

static void
test_partial_and_excluded(void)
{
	struct fb b = {.c = new_case(), .row = 1, .rng = 9};
	struct match_result r;
	struct wb_err err;
	const struct match_finding *f = NULL;
	uint64_t args[4] = {0xc0000005, 0, 0, 0};
	json_t *j;

	evidence(&b, "eventlog");
	bugcheck(&b, 0x7E, args);	/* from a BugCheck 1001 event: no stack yet */
	ok(match_run(b.c, kb, &r, &err) == 0, "match a case with only a stop code");
	f = find_finding(&r, "vss-legacy-trace-bugcheck");
	ok(f && f->state == MATCH_PARTIAL, "without a stack the volsnap article is partial, not proposed");
	if (f) {
		j = match_finding_json(f, NULL, NULL);
		ok(json_array_size(json_object_get(j, "missing")) >= 1 &&
		   strstr(json_string_value(json_object_get(json_array_get(json_object_get(j, "missing"), 0), "collect")), "stack"),
		   "missing says to collect the crash stack");
		json_decref(j);
	}
	ok(r.n && !strcmp(r.findings[0].article->id, "bugcheck-exception"),
	   "the triage article for 0x7E is proposed first meanwhile");
	ok(r.n > 1 && r.findings[1].why_rank && strstr(r.findings[1].why_rank, "ranks higher"),
	   "the second finding says why the first ranks higher");
	match_result_fini(&r);

	/* A raw dump: frames without symbols are not a "no". */
	evidence(&b, "dump");
	stack(&b, (const char *const[]){"nt!KeBugCheckEx+0x107", "volsnap+0x1b3c7", "volsnap+0x2f0a1",
				       "nt!IofCallDriver+0x55", NULL}, false);
	ok(match_run(b.c, kb, &r, &err) == 0, "match with unsymbolized frames");
	f = find_finding(&r, "vss-legacy-trace-bugcheck");
	ok(f && f->state == MATCH_PARTIAL, "without symbols the volsnap article stays partial");
	if (f) {
		char *text;

		j = match_finding_json(f, NULL, NULL);
		text = json_dumps(j, 0);
		ok(strstr(text, "The crash stack with symbols") != NULL, "and asks for a symbolized stack");
		free(text);
		json_decref(j);
	}
	match_result_fini(&r);

	vss_pos(&b, 1);
	fact_row(&b, "os.build", "20348", 20348, NULL, "dump", 1);
	ok(match_run(b.c, kb, &r, &err) == 0, "match again with a fixed build");
	f = find_finding(&r, "vss-legacy-trace-bugcheck");
	ok(f && f->state == MATCH_RULED_OUT, "build 20348 rules the article out");
	if (f) {
		j = match_finding_json(f, NULL, NULL);
		ok(strstr(json_string_value(json_object_get(json_array_get(json_object_get(j, "excluded_by"), 0), "label")), "20348") != NULL,
		   "excluded_by names the fixed build");
		json_decref(j);
	}
	match_result_fini(&r);
	case_close(b.c);
}

static void
test_decisions(void)
{
	struct fb b = {.c = new_case(), .row = 1, .rng = 3};
	struct match_result r;
	struct wb_err err;
	char *reason = NULL, *d;

	storage_pos(&b, 2);
	ok(match_run(b.c, kb, NULL, &err) == 0, "first match");
	ok(match_decide(b.c, "storage-event-153-129", "confirmed", "", &err) < 0 && strstr(err.msg, "reason"),
	   "a decision needs a reason");
	ok(match_decide(b.c, "storage-event-153-129", "confirmed", "HBA firmware 2.1 known bad", &err) == 0, "confirm");
	retry_event(&b, "SRB_STATUS_TIMEOUT", "SCSIOP_READ");
	ok(match_run(b.c, kb, &r, &err) == 0 && r.n, "re-run after more evidence");
	d = match_decision(b.c, "storage-event-153-129", &reason);
	is_str(d, "confirmed", "the decision survives the re-run");
	is_str(reason, "HBA firmware 2.1 known bad", "with its reason");
	free(d);
	free(reason);
	is_int(case_scalar(b.c, "SELECT count(*) FROM audit WHERE action LIKE 'finding storage-event-153-129 confirmed%'", 0), 1,
	       "the decision is in the audit log");
	ok(match_decide(b.c, "storage-event-153-129", "dismissed", "customer replaced the HBA", &err) == 0 &&
	   (d = match_decision(b.c, "storage-event-153-129", NULL)) && !strcmp(d, "dismissed"), "dismiss later");
	free(d);
	is_int(case_scalar(b.c, "SELECT rank FROM findings WHERE article = 'storage-event-153-129'", 0), 1,
	       "findings table holds the rank");
	match_result_fini(&r);
	case_close(b.c);
}

static const struct cl_step *
step(const struct cl_session *s, const char *id)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->steps[i].step->id, id))
			return &s->steps[i];
	return NULL;
}

static void
test_checklist(void)
{
	struct fb b = {.c = new_case(), .row = 1, .rng = 11};
	const struct kb_article *a = kb_find(kb, "vss-legacy-trace-bugcheck");
	struct cl_session s;
	struct wb_err err;
	char **ids;

	if (!a) {
		ok(0, "vss-legacy-trace-bugcheck in the KB");
		return;
	}
	ok(checklist_start(b.c, a, &err) == 0, "start a session");
	ok(checklist_load(b.c, a, &s, &err) == 0, "load it");
	is_int(step(&s, "get-dump")->state, CL_PENDING, "collect step pending before evidence");
	is_int(step(&s, "stack-has-diagtrace")->state, CL_PENDING, "check step pending without the evidence");
	is_int(step(&s, "which-os")->state, CL_HIDDEN, "a step behind an unanswered question is hidden");
	is_str(s.steps[s.next].step->id, "get-dump", "next step is the first pending one");
	checklist_fini(&s);

	vss_pos(&b, 3);
	ok(checklist_answer(b.c, a, "uses-wsb", "maybe", &err) < 0 && strstr(err.msg, "yes, no"),
	   "an answer outside the list is refused, naming the choices");
	ok(checklist_answer(b.c, a, "uses-wsb", "yes", &err) == 0 && checklist_answer(b.c, a, "which-os", "2019", &err) == 0,
	   "answer two questions");
	ok(checklist_mark(b.c, a, "disable-tracing", "done", &err) == 0, "mark a do step done");
	ok(checklist_mark(b.c, a, "nosuch", "done", &err) < 0 && strstr(err.msg, "get-dump"), "unknown step names the steps");
	ok(checklist_note(b.c, a, "verify", "no crash for a week", &err) == 0, "note on a step");
	ok(checklist_load(b.c, a, &s, &err) == 0, "resume");
	is_int(step(&s, "get-dump")->state, CL_DONE, "collect step done once a dump is imported");
	ok(step(&s, "get-dump")->automatic, "... by the evidence");
	is_int(step(&s, "stack-has-diagtrace")->state, CL_DONE, "check step done by the stack");
	ok(step(&s, "stack-has-diagtrace")->check.nfacts >= 1 &&
	   strstr(step(&s, "stack-has-diagtrace")->check.facts[0].value, "VspDiagTrace"), "check step shows the frame");
	is_int(step(&s, "install-kb5022840")->state, CL_PENDING, "answer 2019 shows the KB5022840 step");
	is_int(step(&s, "wsb-2016")->state, CL_HIDDEN, "and keeps the 2016 step hidden");
	is_int(step(&s, "disable-tracing")->state, CL_DONE, "manual done kept");
	ok(step(&s, "disable-tracing")->user && step(&s, "disable-tracing")->at, "with who and when");
	ok(step(&s, "verify")->nnotes == 1 && !strcmp(step(&s, "verify")->notes[0], "no crash for a week"), "note kept");
	checklist_fini(&s);

	evidence(&b, "dump");
	build(&b, 20348);
	sql(&b, "DELETE FROM facts WHERE key = 'os.build' AND num <> 20348");
	ok(checklist_load(b.c, a, &s, &err) == 0 && step(&s, "os-affected")->state == CL_FAILED,
	   "a check turns failed when the evidence says no (build 20348)");
	checklist_fini(&s);
	ids = checklist_sessions(b.c);
	ok(ids[0] && !strcmp(ids[0], a->id) && !ids[1], "the session is listed");
	for (size_t i = 0; ids[i]; i++)
		free(ids[i]);
	free(ids);
	ok(case_scalar(b.c, "SELECT count(*) FROM audit WHERE action LIKE 'checklist vss-legacy-trace-bugcheck%'", 0) >= 5,
	   "checklist actions are audit-logged");
	case_close(b.c);
}

int
main(void)
{
	const char *path = getenv("WB_KB");
	struct wb_err err;

	if (!path || !*path)
		return tap_skip_all("WB_KB not set (run through make check)");
	if (!mkdtemp(tmpdir))
		return tap_skip_all("cannot create a temporary directory");
	if (kb_load(path, &kb, &err) < 0) {
		ok(0, "load %s: %s", path, err.msg);
		return tap_done();
	}
	ok(kb->n >= 17, "the KB has the seed articles, triage articles and playbooks (%zu)", kb->n);
	test_seeds();
	test_same_row_and_counts();
	test_partial_and_excluded();
	test_decisions();
	test_checklist();
	kb_free(kb);
	{
		char *cmd = xasprintf("rm -rf '%s'", tmpdir);

		if (system(cmd) != 0)
			printf("# could not remove %s\n", tmpdir);
		free(cmd);
	}
	return tap_done();
}
