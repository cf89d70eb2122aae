/* Unit tests for importers/eventdecode.c: templates, provider names, the
 * storage and VSS decoders, and what eventdecode_store() writes. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../core/case.h"
#include "../../core/ingest.h"
#include "../../importers/eventdecode.h"
#include "../../importers/importer.h"
#include "../tap.h"

static char tmpdir[] = "/tmp/wbevdXXXXXX";

/* First column of the first row of sql, malloc'd, or NULL. */
static char *
query(wb_case *c, const char *sql)
{
	sqlite3_stmt *st;
	char *out = NULL;

	if (sqlite3_prepare_v2(case_db(c), sql, -1, &st, NULL) != SQLITE_OK)
		return xstrdup(sqlite3_errmsg(case_db(c)));
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		out = xstrdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return out;
}

static void
check_query(wb_case *c, const char *sql, const char *want, const char *name)
{
	char *got = query(c, sql);

	is_str(got, want, "%s", name);
	free(got);
}

static void
test_render(void)
{
	struct wb_buf b = {0};
	const char *bc[] = {"0x0000009f (0x0000000000000003, 0xffffe00012345678, 0xfffff80000000000, 0xffffe00087654321)",
			    "C:\\Windows\\MEMORY.DMP", "040612-50390-01"};
	const char *scm[] = {"30000", "Spooler"};
	const char *scm7000[] = {"Foo", "%%1053"};
	const char *vss[] = {"CreateFileW", "0x80070005, Access is denied.",
			     "\n\nOperation:\n   PrepareForSnapshot Event\n\nContext:\n   Writer Name: System Writer",
			     "2D20436F64653A20575254575254494330303030303832332D"};
	const char *lrm[] = {"9:59:13 AM", "\xe2\x80\x8e" "4/\xe2\x80\x8e" "6/\xe2\x80\x8e" "2012"};

	ok(eventdecode_render("Microsoft-Windows-WER-SystemErrorReporting", 1001, bc, 3, &b) == 1,
	   "BugCheck 1001 has a template under its manifest provider name");
	is_str(b.data, "The computer has rebooted from a bugcheck.  The bugcheck was: 0x0000009f "
	       "(0x0000000000000003, 0xffffe00012345678, 0xfffff80000000000, 0xffffe00087654321). "
	       "A dump was saved in: C:\\Windows\\MEMORY.DMP. Report Id: 040612-50390-01.",
	       "BugCheck 1001 rendered as Windows shows it");
	buf_reset(&b);
	eventdecode_render("Service Control Manager", 7009, scm, 2, &b);
	is_str(b.data, "A timeout was reached (30000 milliseconds) while waiting for the Spooler service to connect.",
	       "7009: insertion 1 is the timeout, 2 the service");
	buf_reset(&b);
	eventdecode_render("Service Control Manager", 7000, scm7000, 2, &b);
	is_str(b.data, "The Foo service failed to start due to the following error: \n"
	       "The service did not respond to the start or control request in a timely fashion.",
	       "%%1053 insertion becomes the Win32 error text");
	buf_reset(&b);
	eventdecode_render("VSS", 8193, vss, 4, &b);
	ok(strstr(b.data, "calling routine CreateFileW.  hr = 0x80070005, Access is denied.") &&
	   strstr(b.data, "Writer Name: System Writer") && !strstr(b.data, "2D20436F"),
	   "VSS 8193: tail strings follow, the hex copy of the binary does not");
	buf_reset(&b);
	eventdecode_render("EventLog", 6008, lrm, 2, &b);
	is_str(b.data, "The previous system shutdown at 9:59:13 AM on 4/6/2012 was unexpected.",
	       "left-to-right marks dropped from localized dates");
	buf_reset(&b);
	ok(eventdecode_render("Some-Provider", 4242, scm, 2, &b) == 0, "no template for unknown events");
	is_str(b.data, "30000; Spooler", "unknown events show their raw strings");
	buf_reset(&b);
	ok(eventdecode_render("VSS", 8193, NULL, 0, &b) == 1 && strstr(b.data, "routine .  hr = ."),
	   "missing insertion strings render empty, no crash");
	buf_fini(&b);
}

static void
test_names(void)
{
	char buf[128];

	eventdecode_provider("Microsoft-Windows-Kernel-Power", buf, sizeof buf);
	is_str(buf, "Kernel-Power", "Microsoft-Windows- prefix dropped as Event Viewer does");
	eventdecode_provider("disk", buf, sizeof buf);
	is_str(buf, "Disk", "table spelling wins over the log's case");
	eventdecode_provider("Microsoft-Windows-WER-SystemErrorReporting", buf, sizeof buf);
	is_str(buf, "BugCheck", "WER-SystemErrorReporting is BugCheck");
	eventdecode_provider("Microsoft-Windows-GroupPolicy", buf, sizeof buf);
	is_str(buf, "GroupPolicy", "unknown manifest providers lose the prefix too");
	eventdecode_provider("Microsoft-Windows-", buf, sizeof buf);
	is_str(buf, "Microsoft-Windows-", "a bare prefix is kept");

	is_str(eventdecode_srb_status(0x84), "ERROR", "SRB status 0x84: autosense flag masked");
	is_str(eventdecode_srb_status(0xC9), "TIMEOUT", "SRB status 0xC9: both flags masked");
	is_str(eventdecode_scsi_status(0x02), "CHECK_CONDITION", "SCSI status 0x02");
	is_str(eventdecode_scsi_op(0x2A), "WRITE", "opcode 0x2A is WRITE(10)");
	is_str(eventdecode_scsi_op(0xFF), "", "unknown opcode gives an empty name");
	ok(strstr(eventdecode_hresult(0x80042306), "PROVIDER_VETO") != NULL, "VSS hr meaning");
	ok(eventdecode_hresult(0x12345678) == NULL, "unknown hr has no meaning");

	is_int(eventdecode_level_from_name("Error"), EV_LEVEL_ERROR, "Error");
	is_int(eventdecode_level_from_name("エラー"), EV_LEVEL_ERROR, "エラー");
	is_int(eventdecode_level_from_name("警告"), EV_LEVEL_WARNING, "警告");
	is_int(eventdecode_level_from_name("情報"), EV_LEVEL_INFO, "情報");
	is_int(eventdecode_level_from_name("重大"), EV_LEVEL_CRITICAL, "重大");
	is_int(eventdecode_level_from_name("nonsense"), EV_LEVEL_UNKNOWN, "unknown level word");
	is_str(eventdecode_level_word(EV_LEVEL_CRITICAL), "critical", "timeline level word");
}

static void
test_recognize(void)
{
	const char *prov = NULL;
	uint32_t id = 0;

	ok(eventdecode_recognize("The computer has rebooted from a bugcheck.  The bugcheck was: 0x0000000a (0x1, 0x2, 0x3, 0x4).",
				 &prov, &id) && !strcmp(prov, "BugCheck") && id == 1001,
	   "bare bugcheck message is BugCheck/1001");
	ok(eventdecode_recognize("Volume Shadow Copy Service error: Unexpected error querying for the\n"
				 "IVssWriterCallback interface. hr = 0x80070005, Access is denied.\n. This is often "
				 "caused by incorrect security settings in either the writer or requestor process.",
				 &prov, &id) && !strcmp(prov, "VSS") && id == 8194,
	   "re-wrapped VSS message is VSS/8194, not the shorter 12289");
	ok(eventdecode_recognize("Volume Shadow Copy Service error: Unexpected error CreateFileW(x).  hr = 0x80070001.",
				 &prov, &id) && id == 12289, "VSS 12289 by its own wording");
	ok(eventdecode_recognize("The Foo service terminated unexpectedly.  It has done this 3 time(s).  The following "
				 "corrective action will be taken in 5000 milliseconds: Restart the service.",
				 &prov, &id) && id == 7031, "7031 beats the shorter 7034");
	ok(!eventdecode_recognize("The quick brown fox jumps over the lazy dog.", &prov, &id),
	   "ordinary text is not an event");
	ok(!eventdecode_recognize("", &prov, &id), "empty text is not an event");
}

static int64_t
store(wb_ingest *ing, struct ev_record *r, struct wb_err *err)
{
	return eventdecode_store(ing, r, err);
}

static void
test_store(void)
{
	struct wb_err err = {{0}};
	char *path = xasprintf("%s/ev.wb", tmpdir), *src = xasprintf("%s/src.evtx", tmpdir);
	FILE *f = fopen(src, "w");
	wb_case *c;
	wb_ingest *ing;
	int64_t id;
	unsigned char bin[44] = {0};
	const char *disk[] = {"\\Device\\Harddisk1\\DR1", "0x1c3a2f", "1", "\\Device\\00000034"};
	const char *kp[] = {"159", "0x3", "0xffffe00012345678", "0x0", "0x0", "false", "0"};
	const char *vss[] = {"CreateFileW", "0x80070005, Access is denied.",
			     "\n\nOperation:\n   PrepareForSnapshot Event\n\nContext:\n   Writer Name: System Writer"};
	struct ev_record base = {.record = 1, .has_ts = true, .ts = INT64_C(1333721272000000),
				 .qualifiers = -1, .line = -1, .level = EV_LEVEL_WARNING,
				 .channel = "System", .computer = "SRV01"};
	struct ev_record r;

	fputs("x", f);
	fclose(f);
	ok(case_open(path, CASE_CREATE, NULL, NULL, &c, &err) == 0, "case");
	ok(ingest_begin(c, src, "eventlog", "test", "1", NULL, &ing, &err) == 0, "begin");

	/* Disk 153 retry: SCSI status 0x02, SRB 0xC9 (flags + TIMEOUT), WRITE(10). */
	bin[0x29] = 0x02;
	bin[0x2A] = 0xC9;
	bin[0x2B] = 0x2A;
	r = base;
	r.provider = "disk";
	r.event_id = 153;
	r.strings = disk;
	r.nstrings = 4;
	r.binary = bin;
	r.binary_len = sizeof bin;
	ok(store(ing, &r, &err) == 0, "disk 153 stored: %s", err.msg);

	r = base;
	r.record = 2;
	r.provider = "Microsoft-Windows-Kernel-Power";
	r.event_id = 41;
	r.level = EV_LEVEL_CRITICAL;
	r.strings = kp;
	r.nstrings = 7;
	ok(store(ing, &r, &err) == 0, "Kernel-Power 41 stored");

	r = base;
	r.record = 3;
	r.provider = "VSS";
	r.event_id = 8193;
	r.level = EV_LEVEL_ERROR;
	r.strings = vss;
	r.nstrings = 3;
	r.channel = "Application";
	ok(store(ing, &r, &err) == 0, "VSS 8193 stored");

	/* A text export: the message is given, no strings. */
	r = base;
	r.record = -1;
	r.provider = "BugCheck";
	r.event_id = 1001;
	r.message = "The computer has rebooted from a bugcheck.  The bugcheck was: 0x0000007e "
		    "(0xffffffffc0000005, 0xfffff80212345678, 0xffffd000aaaa0000, 0xffffd000bbbb0000). "
		    "A dump was saved in: C:\\Windows\\MEMORY.DMP. Report Id: 1.";
	r.line = 7;
	r.ts_local = true;
	ok(store(ing, &r, &err) == 0, "BugCheck text stored");

	/* Hostile: binary shorter than the decoded offsets, strings with escapes. */
	{
		const char *evil[] = {"\x1b]0;x\x07", "\"\\"};

		r = base;
		r.provider = "disk";
		r.event_id = 153;
		r.strings = evil;
		r.nstrings = 2;
		r.binary = bin;
		r.binary_len = 0x2B;
		ok(store(ing, &r, &err) == 0, "short binary and control characters do not fail");
	}
	ok(ingest_commit(ing, &id, &err) == 0, "commit: %s", err.msg);

	check_query(c, "SELECT value || ' ' || num FROM facts WHERE key = 'disk.retry'",
		    "SRB_STATUS_TIMEOUT 9", "disk.retry: SRB status masked and named");
	check_query(c, "SELECT value FROM facts WHERE key = 'disk.retry.op'", "SCSIOP_WRITE",
		    "disk.retry.op names the CDB opcode");
	check_query(c, "SELECT value FROM facts WHERE key = 'disk.retry.scsi'", "CHECK_CONDITION",
		    "disk.retry.scsi");
	check_query(c, "SELECT value FROM facts WHERE key = 'disk.retry.device'",
		    "\\Device\\Harddisk1\\DR1", "disk.retry.device");
	check_query(c, "SELECT count(*) FROM facts WHERE key = 'disk.retry'", "1",
		    "no retry fact from a binary too short to hold the bytes");
	check_query(c, "SELECT message FROM events WHERE record = 1",
		    "The IO operation at logical block address 0x1c3a2f for Disk 1 (PDO name: "
		    "\\Device\\00000034) was retried.", "153 message rendered");
	check_query(c, "SELECT group_concat(value, ' ') FROM (SELECT value FROM facts WHERE key = 'event' ORDER BY id)",
		    "Disk/153 Kernel-Power/41 VSS/8193 BugCheck/1001 Disk/153",
		    "event facts are Provider/ID");
	check_query(c, "SELECT group_concat(value, ' ') FROM (SELECT value FROM facts WHERE key = 'bugcheck.code' ORDER BY id)",
		    "0x0000009F 0x0000007E", "bugcheck codes from Kernel-Power 41 (decimal) and 1001 (text)");
	check_query(c, "SELECT value FROM facts WHERE key = 'bugcheck.arg2' AND ref_id = 2",
		    "0xFFFFE00012345678", "41 parameters");
	check_query(c, "SELECT value || ' ' || ts_local FROM facts WHERE key = 'bugcheck.dump'",
		    "C:\\Windows\\MEMORY.DMP 1", "dump path, local-time flag carried");
	check_query(c, "SELECT value FROM facts WHERE key = 'shutdown.unexpected'", "Kernel-Power/41",
		    "unexpected shutdown marker");
	check_query(c, "SELECT text LIKE '%BugcheckCode: 159%' FROM facts WHERE key = 'event' AND value = 'Kernel-Power/41'",
		    "1", "41's event text carries the EventData BugcheckCode");
	check_query(c, "SELECT value FROM facts WHERE key = 'bugcheck.name' AND ref_id = 2",
		    "DRIVER_POWER_STATE_FAILURE", "bugcheck name from core/bugcheck.h");
	check_query(c, "SELECT level || ' ' || summary FROM timeline WHERE kind = 'shutdown'",
		    "critical Unexpected shutdown (Kernel-Power/41): bugcheck 0x0000009F",
		    "shutdown on the timeline");
	check_query(c, "SELECT value FROM facts WHERE key = 'vss.routine'", "CreateFileW", "vss.routine");
	check_query(c, "SELECT value || ' ' || num FROM facts WHERE key = 'vss.hr'",
		    "0x80070005 2147942405", "vss.hr");
	check_query(c, "SELECT value FROM facts WHERE key = 'vss.writer.error'", "System Writer",
		    "writer named in the context text");
	check_query(c, "SELECT text FROM facts WHERE key = 'vss.hr'",
		    "VSS/8193: CreateFileW hr 0x80070005 (E_ACCESSDENIED: access denied (often requestor "
		    "COM security)), writer System Writer, operation PrepareForSnapshot Event",
		    "vss text carries meaning, writer and operation");
	check_query(c, "SELECT count(*) FROM timeline WHERE kind = 'event'", "5", "every event on the timeline");
	check_query(c, "SELECT json_valid(data) FROM events WHERE id = 5", "1", "data JSON valid with escapes");
	check_query(c, "SELECT json_extract(data, '$[0]') = char(27) || ']0;x' || char(7) FROM events WHERE id = 5",
		    "1", "strings stored exactly");
	check_query(c, "SELECT line FROM events WHERE id = 4", "7", "text line kept");
	case_close(c);
	unlink(path);
	unlink(src);
	free(path);
	free(src);
}

/* Storport logs 129 under the miniport's name: any provider, as long as
 * the device is a RaidPort or ScsiPort. */
static void
test_storport(void)
{
	struct wb_err err = {{0}};
	char *path = xasprintf("%s/sp.wb", tmpdir), *src = xasprintf("%s/sp.evtx", tmpdir);
	FILE *f = fopen(src, "w");
	wb_case *c;
	wb_ingest *ing;
	int64_t id;
	unsigned char bin[48] = {0};
	const char *raid[] = {"\\Device\\RaidPort0"}, *other[] = {"something else"};
	struct ev_record r = {.record = 9, .has_ts = true, .ts = 1, .qualifiers = -1, .line = -1,
			      .level = EV_LEVEL_WARNING, .event_id = 129, .nstrings = 1};

	fputs("y", f);
	fclose(f);
	ok(case_open(path, CASE_CREATE, NULL, NULL, &c, &err) == 0, "case for 129");
	ok(ingest_begin(c, src, "eventlog", "test", "1", NULL, &ing, &err) == 0, "begin");
	bin[0x29] = 0x00;
	bin[0x2A] = 0x0B;	/* COMMAND_TIMEOUT */
	bin[0x2B] = 0x35;	/* SYNCHRONIZE_CACHE */
	r.provider = "stornvme";
	r.strings = raid;
	r.binary = bin;
	r.binary_len = sizeof bin;
	ok(eventdecode_store(ing, &r, &err) == 0, "stornvme 129 stored");
	r.provider = "SomeApp";
	r.strings = other;
	ok(eventdecode_store(ing, &r, &err) == 0, "another provider's 129 stored");
	ok(ingest_commit(ing, &id, &err) == 0, "commit");
	check_query(c, "SELECT group_concat(value) FROM facts WHERE key = 'disk.reset'", "\\Device\\RaidPort0",
		    "129 from a miniport is a reset of its RaidPort; the other 129 is not");
	check_query(c, "SELECT value || ' ' || (SELECT value FROM facts WHERE key = 'disk.retry.op') FROM facts WHERE key = 'disk.retry'",
		    "SRB_STATUS_COMMAND_TIMEOUT SCSIOP_SYNCHRONIZE_CACHE", "129 binary data decoded");
	check_query(c, "SELECT group_concat(value, ' ') FROM (SELECT value FROM facts WHERE key = 'event' ORDER BY id)",
		    "stornvme/129 SomeApp/129", "event facts keep the miniport's name");
	check_query(c, "SELECT count(message) FROM events", "1", "only the storport 129 gets wb's message");
	case_close(c);
	free(path);
	free(src);
}

/* Kernel-Power 41 without a bugcheck: power button held, or nothing known. */
static void
test_power_button(void)
{
	struct wb_err err = {{0}};
	char *path = xasprintf("%s/pb.wb", tmpdir), *src = xasprintf("%s/pb.evtx", tmpdir);
	FILE *f = fopen(src, "w");
	wb_case *c;
	wb_ingest *ing;
	int64_t id;
	const char *held[] = {"0", "0x0", "0x0", "0x0", "0x0", "false", "131231231231231231"};
	const char *none[] = {"0", "0x0", "0x0", "0x0", "0x0", "false", "0"};
	struct ev_record r = {.record = 1, .has_ts = true, .ts = 1, .qualifiers = -1, .line = -1,
			      .level = EV_LEVEL_CRITICAL, .event_id = 41, .nstrings = 7,
			      .provider = "Microsoft-Windows-Kernel-Power"};

	fputs("z", f);
	fclose(f);
	ok(case_open(path, CASE_CREATE, NULL, NULL, &c, &err) == 0, "case for 41");
	ok(ingest_begin(c, src, "eventlog", "test", "1", NULL, &ing, &err) == 0, "begin");
	r.strings = held;
	ok(eventdecode_store(ing, &r, &err) == 0, "41 with PowerButtonTimestamp stored");
	r.strings = none;
	r.ts = 2;
	ok(eventdecode_store(ing, &r, &err) == 0, "41 all zero stored");
	ok(ingest_commit(ing, &id, &err) == 0, "commit");
	check_query(c, "SELECT group_concat(summary, ' | ') FROM (SELECT summary FROM timeline WHERE kind = 'shutdown' ORDER BY ts)",
		    "Unexpected shutdown (Kernel-Power/41): no bugcheck; the power button was held | "
		    "Unexpected shutdown (Kernel-Power/41): no bugcheck recorded (power loss, hard hang or no dump)",
		    "41 says why there is no bugcheck");
	check_query(c, "SELECT count(*) FROM facts WHERE key = 'bugcheck.code'", "0", "no bugcheck facts from code 0");
	case_close(c);
	free(path);
	free(src);
}

/* Cancel during an EVTX import: the reader thread stops, nothing is kept. */
static void
test_evtx_cancel(void)
{
	const char *corpus = getenv("WB_CORPUS");
	char *evtx, *path = xasprintf("%s/cancel.wb", tmpdir);
	volatile sig_atomic_t cancel = 1;
	struct wb_import_opts opts = {.cancel = &cancel};
	struct wb_err err = {{0}};
	wb_case *c;
	int64_t id;

	if (!corpus)
		return;
	evtx = xasprintf("%s/evtx/plaso/System.evtx", corpus);
	if (access(evtx, R_OK) == 0 && case_open(path, CASE_CREATE, NULL, NULL, &c, &err) == 0) {
		ok(importer_run(c, evtx, &opts, &id, NULL, &err) < 0 && strstr(err.msg, "cancelled"),
		   "EVTX import cancelled: %s", err.msg);
		is_int(case_scalar(c, "SELECT count(*) FROM events", -1), 0, "nothing kept after the cancel");
		cancel = 0;
		ok(importer_run(c, evtx, &opts, &id, NULL, &err) == 0, "the same file imports afterwards");
		is_int(case_scalar(c, "SELECT count(*) FROM events", -1), 5009, "all 5009 records");
		case_close(c);
	}
	free(evtx);
	free(path);
}

int
main(void)
{
	if (!mkdtemp(tmpdir))
		return tap_skip_all("no temporary directory");
	test_render();
	test_names();
	test_recognize();
	test_store();
	test_storport();
	test_power_button();
	test_evtx_cancel();
	{
		char *cmd = xasprintf("rm -rf '%s'", tmpdir);

		if (system(cmd) != 0)
			printf("# could not remove %s\n", tmpdir);
		free(cmd);
	}
	return tap_done();
}
