/* Unit tests for the Procmon CSV reader, its value parsers, the importer and
 * the VSS writer analysis (importers/procmon*.c). */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../core/case.h"
#include "../../importers/importer.h"
#include "../../importers/procmon_csv.h"
#include "../tap.h"

static char tmpdir[] = "/tmp/wbpmXXXXXX";

/* ---- the reader, fed from memory in chunks of a chosen size ---- */

struct mem {
	const char *data;
	size_t len, pos, chunk;
};

static ssize_t
mem_read(void *ctx, void *buf, size_t n, struct wb_err *err)
{
	struct mem *m = ctx;
	size_t k = m->len - m->pos;

	(void)err;
	if (k > n)
		k = n;
	if (k > m->chunk)
		k = m->chunk;
	memcpy(buf, m->data + m->pos, k);
	m->pos += k;
	return (ssize_t)k;
}

/* Read every record; return them as "f1|f2|...@line" joined by newlines. */
static char *
read_all(const char *data, size_t len, size_t chunk, bool lenient, char *errors, size_t errlen)
{
	struct mem m = {.data = data, .len = len, .chunk = chunk};
	procmon_csv *r = procmon_csv_new(mem_read, &m, "t.csv");
	struct procmon_csv_field *f;
	struct wb_buf out = {0};
	struct wb_err err;
	size_t n;
	int rc;

	if (errors)
		errors[0] = '\0';
	while ((rc = procmon_csv_next(r, &f, &n, &err)) != 0) {
		if (rc < 0) {
			if (errors)
				snprintf(errors, errlen, "%s", err.msg);
			if (!lenient || procmon_csv_skip(r, &err) < 0)
				break;
			continue;
		}
		for (size_t i = 0; i < n; i++) {
			ok(strlen(f[i].s) == f[i].len, "field %zu is NUL-terminated at its length", i);
			buf_printf(&out, "%s%s", i ? "|" : "", f[i].s);
		}
		buf_printf(&out, "@%lld\n", (long long)procmon_csv_line(r));
	}
	procmon_csv_free(r);
	return out.data ? out.data : xstrdup("");
}

static void
test_reader(void)
{
	static const char csv[] =
		"\xEF\xBB\xBF\"Time of Day\",\"Detail\",\"Path\"\r\n"
		"\"1:00:00.0 AM\",\"Environment: \r;\tA=1\r;\tB=2\",\"C:\\x\"\r\n"
		"\"1:00:01.0 AM\",\"say \"\"hi\"\"\",\"\"\r\n"
		"\r\n"
		"\"1:00:02.0 AM\",\"two\nlines\",plain\r\n"
		"\"1:00:03.0 AM\",\"\xE3\x83\x86\xE3\x82\xB9\xE3\x83\x88\",last";
	static const char want[] =
		"Time of Day|Detail|Path@1\n"
		"1:00:00.0 AM|Environment: \r;\tA=1\r;\tB=2|C:\\x@2\n"
		"1:00:01.0 AM|say \"hi\"|@3\n"
		"1:00:02.0 AM|two\nlines|plain@5\n"
		"1:00:03.0 AM|\xE3\x83\x86\xE3\x82\xB9\xE3\x83\x88|last@7\n";
	static const size_t chunks[] = {1, 2, 3, 7, 64, 1 << 20};
	char errors[512];

	for (size_t i = 0; i < sizeof chunks / sizeof *chunks; i++) {
		char *got = read_all(csv, sizeof csv - 1, chunks[i], false, errors, sizeof errors);

		is_str(got, want, "BOM, bare CR, doubled quotes, LF in quotes, blank line, no final CRLF (reads of %zu bytes)",
		       chunks[i]);
		is_str(errors, "", "no error");
		free(got);
	}
}

static void
test_reader_errors(void)
{
	char errors[512], *got;
	static const char unterminated[] = "\"a\",\"b\"\r\n\"c\",\"d\r\ne,f\r\n";
	static const char after_quote[] = "\"a\",\"b\"\r\n\"c\"x,\"d\"\r\n\"e\",\"f\"\r\n";
	static const char bad_utf8[] = "\"a\",\"b\"\r\n\"\xC3\x28\",\"d\"\r\n\"e\",\"f\"\r\n";
	static const char nul[] = "\"a\",\"b\"\r\n\"x\0y\",\"d\"\r\n";

	got = read_all(after_quote, sizeof after_quote - 1, 3, false, errors, sizeof errors);
	ok(strstr(errors, "t.csv: line 2: unexpected character after the closing quote of field 1") != NULL,
	   "garbage after a closing quote names line and field: %s", errors);
	is_str(got, "a|b@1\n", "nothing after the bad record is returned");
	free(got);
	got = read_all(after_quote, sizeof after_quote - 1, 3, true, errors, sizeof errors);
	is_str(got, "a|b@1\ne|f@3\n", "skipping resumes at the next line with the right line number");
	free(got);

	got = read_all(unterminated, sizeof unterminated - 1, 5, false, errors, sizeof errors);
	ok(strstr(errors, "line 2: quoted field 2 is not closed before the end of the file") != NULL,
	   "unterminated quote names the line where the record starts: %s", errors);
	free(got);
	got = read_all(unterminated, sizeof unterminated - 1, 5, true, errors, sizeof errors);
	is_str(got, "a|b@1\ne|f@3\n", "lenient read skips the bad line and reads on");
	free(got);

	got = read_all(bad_utf8, sizeof bad_utf8 - 1, 1 << 20, false, errors, sizeof errors);
	ok(strstr(errors, "line 2: invalid UTF-8 at offset 10") != NULL, "invalid UTF-8 named with line and offset: %s",
	   errors);
	free(got);
	got = read_all(bad_utf8, sizeof bad_utf8 - 1, 1 << 20, true, errors, sizeof errors);
	is_str(got, "a|b@1\ne|f@3\n", "invalid UTF-8 record skipped with --lenient");
	free(got);
	got = read_all(nul, sizeof nul - 1, 1 << 20, false, errors, sizeof errors);
	ok(strstr(errors, "line 2: NUL byte") != NULL, "NUL byte refused: %s", errors);
	free(got);
}

static void
test_values(void)
{
	int64_t t, days;
	bool twelve;
	enum procmon_date_order order = PROCMON_DATE_UNKNOWN;
	unsigned char data[16];

	ok(procmon_parse_tod("6:55:07.0236729 AM", &t, &twelve) == 0 && t == (6 * 3600 + 55 * 60 + 7) * PROCMON_TICKS_PER_SEC + 236729 && twelve,
	   "en-US 12-hour time");
	ok(procmon_parse_tod("12:00:00.5 AM", &t, NULL) == 0 && t == 5000000, "12 AM is midnight");
	ok(procmon_parse_tod("12:30:00 PM", &t, NULL) == 0 && t == (12 * 3600 + 1800) * PROCMON_TICKS_PER_SEC,
	   "12 PM is noon, fraction optional");
	ok(procmon_parse_tod("18:11:37,4666062", &t, &twelve) == 0 && t == (18 * 3600 + 11 * 60 + 37) * PROCMON_TICKS_PER_SEC + 4666062 && !twelve,
	   "24-hour time with a decimal comma");
	ok(procmon_parse_tod("\xE5\x8D\x88\xE5\xBE\x8C 3:44:53.1", &t, NULL) == 0 &&
	   t == (15 * 3600 + 44 * 60 + 53) * PROCMON_TICKS_PER_SEC + 1000000, "Japanese PM marker before the time");
	ok(procmon_parse_tod("3:44:53.123456789 PM", &t, NULL) == 0 &&
	   t == (15 * 3600 + 44 * 60 + 53) * PROCMON_TICKS_PER_SEC + 1234567, "digits past 100 ns are dropped");
	ok(procmon_parse_tod("25:00:00", &t, NULL) < 0, "hour 25 refused");
	ok(procmon_parse_tod("13:00:00 PM", &t, NULL) < 0, "13 PM refused");
	ok(procmon_parse_tod("10:61:00", &t, NULL) < 0, "minute 61 refused");
	ok(procmon_parse_tod("10:00:00 tomorrow", &t, NULL) < 0, "trailing words refused");
	ok(procmon_parse_tod("", &t, NULL) < 0, "empty refused");

	ok(procmon_parse_date("7/31/2020 6:55:07 AM", &order, PROCMON_DATE_MDY, &days) == 0 &&
	   days == wb_days_from_civil(2020, 7, 31) && order == PROCMON_DATE_MDY, "M/D/Y settled by day 31");
	ok(procmon_parse_date("7/3/2020 6:55:07 AM", &order, PROCMON_DATE_DMY, &days) == 0 &&
	   days == wb_days_from_civil(2020, 7, 3), "a settled order is kept for ambiguous dates");
	order = PROCMON_DATE_UNKNOWN;
	ok(procmon_parse_date("03/07/2020 15:00:00", &order, PROCMON_DATE_DMY, &days) == 0 &&
	   days == wb_days_from_civil(2020, 7, 3) && order == PROCMON_DATE_UNKNOWN,
	   "ambiguous date uses the fallback and settles nothing");
	ok(procmon_parse_date("2020/07/31 15:44:53", &order, PROCMON_DATE_MDY, &days) == 0 &&
	   days == wb_days_from_civil(2020, 7, 31) && order == PROCMON_DATE_YMD, "Japanese Y/M/D");
	order = PROCMON_DATE_UNKNOWN;
	ok(procmon_parse_date("31.07.2020 15:44:53", &order, PROCMON_DATE_MDY, &days) == 0 &&
	   days == wb_days_from_civil(2020, 7, 31), "German D.M.Y");
	ok(procmon_parse_date("2/30/2020 1:00:00 AM", &order, PROCMON_DATE_MDY, &days) < 0, "February 30 refused");
	ok(procmon_parse_date("2020-07-31", &order, PROCMON_DATE_MDY, &days) == 0, "ISO date");
	ok(procmon_parse_date("yesterday", &order, PROCMON_DATE_MDY, &days) < 0, "words refused");

	ok(procmon_parse_duration("0.0000161", &t) == 0 && t == 161, "duration in 100 ns");
	ok(procmon_parse_duration("2,5", &t) == 0 && t == 25000000, "duration with a decimal comma");
	ok(procmon_parse_duration("-1", &t) < 0, "negative duration refused");
	ok(procmon_parse_int("1,612", &t) == 0 && t == 1612, "thousands separator");
	ok(procmon_parse_int("-1073740756", &t) == 0 && t == -1073740756, "negative int");
	ok(procmon_parse_int("n/a", &t) < 0 && procmon_parse_int("", &t) < 0, "n/a and empty are not numbers");
	ok(procmon_parse_int("99999999999999999999999", &t) < 0, "overflow refused");

	is_int(procmon_detail_binary("Type: REG_BINARY, Length: 72, Data: 48 00 00 00 00 00 00 00 03 E9 13 47 A8 18 D6 01",
				     data, sizeof data), 16, "16 bytes of REG_BINARY data");
	ok(data[0] == 0x48 && data[8] == 0x03 && data[15] == 0x01, "bytes decoded");
	is_int(procmon_detail_binary("Type: REG_QWORD, Length: 8, Data: ", data, sizeof data), 0, "empty data");
	is_int(procmon_detail_binary("Type: REG_NONE, Length: 0", data, sizeof data), 0, "no Data key");
}

/* ---- the importer, on a case in a temporary directory ---- */

static char *
write_file(const char *name, const char *text)
{
	char *path = xasprintf("%s/%s", tmpdir, name);
	FILE *f = fopen(path, "wb");

	fputs(text, f);
	fclose(f);
	return path;
}

/* First column of the first row of sql, malloc'd ("" when none). */
static char *
query(wb_case *c, const char *sql)
{
	sqlite3_stmt *st;
	char *s = NULL;

	if (sqlite3_prepare_v2(case_db(c), sql, -1, &st, NULL) != SQLITE_OK)
		return xstrdup(sqlite3_errmsg(case_db(c)));
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		s = xstrdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return s ? s : xstrdup("");
}

#define HEADER "\xEF\xBB\xBF\"Time of Day\",\"Process Name\",\"PID\",\"Operation\",\"Path\",\"Result\",\"Detail\"\r\n"
#define DIAG "HKLM\\System\\CurrentControlSet\\Services\\VSS\\Diag\\"
/* 2024-05-14 01:00:00 UTC as FILETIME bytes, little endian */
#define FT_0100 "00 A8 A8 0B 9A A5 DA 01"

static void
test_import(wb_case *c)
{
	struct wb_err err;
	int64_t id;
	char *s, *path;
	struct wb_import_opts opts = {.date = "2024-05-14", .tz = "+09:00"};
	struct wb_import_opts lenient = {.lenient = true};

	/* Columns in another order, one unknown, Date & Time present. */
	path = write_file("reordered.csv",
			  "\"PID\",\"Operation\",\"Date & Time\",\"Time of Day\",\"Thread Profile\",\"Process Name\",\"Path\",\"Result\",\"Duration\",\"TID\"\r\n"
			  "\"4\",\"WriteFile\",\"5/14/2024 10:00:00 AM\",\"10:00:00.2500000 AM\",\"x1\",\"System\",\"C:\\pagefile.sys\",\"SUCCESS\",\"0.0000161\",\"8\"\r\n"
			  "\"4\",\"ReadFile\",\"5/14/2024 10:00:01 AM\",\"10:00:01.0000000 AM\",\"\",\"System\",\"C:\\pagefile.sys\",\"END OF FILE\",\"\",\"8\"\r\n");
	ok(importer_run(c, path, &opts, &id, NULL, &err) == 0, "columns found by name in any order: %s", err.msg);
	s = query(c, "SELECT process || '/' || pid || '/' || tid || '/' || operation || '/' || path || '/' || result || '/' || duration || '/' || ts || '/' || extra"
		  " FROM procmon_rows WHERE line = 2");
	/* 10:00:00.25 at +09:00 is 01:00:00.25 UTC */
	is_str(s, "System/4/8/WriteFile/C:\\pagefile.sys/SUCCESS/161/1715648400250000/{\"Thread Profile\":\"x1\"}",
	       "every column lands where it belongs, unknown ones in extra");
	free(s);
	s = query(c, "SELECT tz_assumption FROM evidence ORDER BY id DESC");
	is_str(s, "local times at --tz +09:00; date from the Date & Time column", "assumption recorded");
	free(s);
	s = query(c, "SELECT path FROM procmon_rows WHERE line = 3 AND path = (SELECT path FROM procmon_rows WHERE line = 2)");
	is_str(s, "C:\\pagefile.sys", "a repeated path reads back the same");
	free(s);
	is_int(case_scalar(c, "SELECT count(*) FROM procmon_text WHERE s = 'C:\\pagefile.sys'", -1), 1,
	       "a repeated path is stored once");
	s = query(c, "SELECT columns || ' ' || date_order || ' ' || (last_id - first_id + 1) FROM procmon_capture ORDER BY evidence_id DESC");
	ok(strstr(s, "\"Thread Profile\"") && strstr(s, " M/D/Y 2"), "capture header, date order and id range recorded: %s", s);
	free(s);
	free(path);

	/* Wrong column count: an error naming the line, nothing imported. */
	path = write_file("short.csv", HEADER
			  "\"1:00:00.0 AM\",\"a.exe\",\"1\",\"RegOpenKey\",\"HKLM\\x\",\"SUCCESS\",\"\"\r\n"
			  "\"1:00:00.1 AM\",\"a.exe\",\"1\",\"RegOpenKey\",\"HKLM\\x\",\"SUCCESS\"\r\n"
			  "\"1:00:00.2 AM\",\"a.exe\",\"x1\",\"RegOpenKey\",\"HKLM\\x\",\"SUCCESS\",\"\"\r\n"
			  "\"1:00:00.3 AM\",\"a.exe\",\"1\",\"RegCloseKey\",\"HKLM\\x\",\"SUCCESS\",\"\"\r\n");
	id = case_scalar(c, "SELECT count(*) FROM procmon", -1);
	ok(importer_run(c, path, NULL, NULL, NULL, &err) < 0 &&
	   strstr(err.msg, "short.csv: line 3: 6 fields, expected 7 as in the header"), "short row refused: %s", err.msg);
	is_int(case_scalar(c, "SELECT count(*) FROM procmon", -1), id, "a failed import leaves no rows");
	ok(importer_run(c, path, &lenient, NULL, NULL, &err) == 0, "--lenient imports the rest: %s", err.msg);
	is_int(case_scalar(c, "SELECT records FROM evidence ORDER BY id DESC", -1), 2, "the two good rows kept (lines 2 and 5)");
	s = query(c, "SELECT group_concat(line || ': ' || message, ' | ') FROM evidence_warning"
		  " WHERE evidence_id = (SELECT max(id) FROM evidence)");
	ok(strstr(s, "3: ") && strstr(s, "6 fields") && strstr(s, "4: ") && strstr(s, "PID \"x1\": expected a number"),
	   "each skipped line is a warning with its number: %s", s);
	free(s);
	free(path);

	/* Not a Procmon export, and a native PML. */
	path = write_file("other.csv", "\"Name\",\"Value\"\r\n\"a\",\"b\"\r\n");
	opts = (struct wb_import_opts){.as = "procmon"};
	ok(importer_run(c, path, &opts, NULL, NULL, &err) < 0 &&
	   strstr(err.msg, "line 1: not a Process Monitor CSV header"), "wrong header explained: %s", err.msg);
	free(path);
	path = write_file("Logfile.PML", "PML_\x09\x00\x00\x00 rest of a native log");
	ok(importer_run(c, path, NULL, NULL, NULL, &err) < 0 && strstr(err.msg, "native Procmon log (PML)") &&
	   strstr(err.msg, "CSV"), "PML detected, CSV export asked for: %s", err.msg);
	free(path);

	/* Time of Day only: --date, and a capture running past midnight. */
	path = write_file("midnight.csv", HEADER
			  "\"11:59:59.9000000 PM\",\"a.exe\",\"1\",\"RegOpenKey\",\"HKLM\\m\",\"SUCCESS\",\"\"\r\n"
			  "\"12:00:00.1000000 AM\",\"a.exe\",\"1\",\"RegCloseKey\",\"HKLM\\m\",\"SUCCESS\",\"\"\r\n");
	opts = (struct wb_import_opts){.date = "2024-05-14"};
	ok(importer_run(c, path, &opts, &id, NULL, &err) == 0, "Time of Day with --date: %s", err.msg);
	s = query(c, "SELECT group_concat(ts, ' ') FROM procmon WHERE evidence_id = (SELECT max(id) FROM evidence)");
	is_str(s, "1715731199900000 1715731200100000", "the day rolls over at midnight");
	free(s);
	ok(case_set_evidence_tz(c, id, 120, "test", &err) == 0, "re-zone: %s", err.msg);
	s = query(c, "SELECT group_concat(ts, ' ') FROM procmon WHERE evidence_id = (SELECT max(id) FROM evidence)");
	is_str(s, "1715723999900000 1715724000100000", "re-zoning moves the rows without re-importing");
	free(s);
	free(path);
}

static void
test_vss(wb_case *c)
{
	struct wb_err err;
	struct wb_import_opts opts = {.date = "2024-05-14", .tz = "+09:00"};
	char *s, *path;

	path = write_file("vss.csv", HEADER
			  "\"10:00:00.0000000 AM\",\"svchost.exe\",\"1508\",\"RegSetValue\"," "\"" DIAG "System Writer\\IDENTIFY (Enter)\",\"SUCCESS\",\"Type: REG_BINARY, Length: 72, Data: 48 00 00 00 00 00 00 00 " FT_0100 "\"\r\n"
			  "\"10:00:00.1000000 AM\",\"svchost.exe\",\"1508\",\"QueryDirectory\",\"C:\\Windows\\Big\",\"SUCCESS\",\"0: ., 1: .., FileInformationClass: FileIdBothDirectoryInformation, 3: a, 4: b\"\r\n"
			  "\"10:00:00.2000000 AM\",\"MsMpEng.exe\",\"3120\",\"ReadFile\",\"C:\\noise.txt\",\"SUCCESS\",\"\"\r\n"
			  "\"10:00:00.3000000 AM\",\"svchost.exe\",\"1508\",\"QueryDirectory\",\"C:\\Windows\\Big\",\"SUCCESS\",\"0: c, 1: d, 2: e\"\r\n"
			  "\"10:00:00.4000000 AM\",\"svchost.exe\",\"1508\",\"QueryDirectory\",\"C:\\Windows\\Big\",\"NO MORE FILES\",\"\"\r\n"
			  "\"10:00:00.5000000 AM\",\"svchost.exe\",\"1508\",\"CreateFile\",\"C:\\Windows\\Big\\e\",\"ACCESS DENIED\",\"Desired Access: Read\"\r\n"
			  "\"10:00:00.6000000 AM\",\"svchost.exe\",\"1508\",\"RegCreateKey\",\"" DIAG "System Writer\",\"SUCCESS\",\"\"\r\n"
			  "\"10:00:00.7000000 AM\",\"svchost.exe\",\"1508\",\"RegSetValue\",\"" DIAG "System Writer\\IDENTIFY (Leave)\",\"SUCCESS\",\"Type: REG_BINARY, Length: 72, Data: 48 00\"\r\n"
			  "\"10:00:00.8000000 AM\",\"WmiPrvSE.exe\",\"3960\",\"RegSetValue\",\"" DIAG "WMI Writer\\IDENTIFY (Enter)\",\"SUCCESS\",\"\"\r\n"
			  "\"10:00:00.9000000 AM\",\"vssvc.exe\",\"4480\",\"RegSetValue\",\"" DIAG "Lovelace(C:)\\IOCTL_RELEASE\",\"SUCCESS\",\"\"\r\n");
	ok(importer_run(c, path, &opts, NULL, NULL, &err) == 0, "VSS scenario imports: %s", err.msg);
#define EV " AND evidence_id = (SELECT max(id) FROM evidence)"
	s = query(c, "SELECT group_concat(value || '/' || num || '/' || text, ' | ') FROM (SELECT * FROM facts"
		  " WHERE key = 'procmon.vss'" EV " ORDER BY id)");
	is_str(s, "System Writer/1508/IDENTIFY (Enter) | System Writer/1508/IDENTIFY (Leave) | WMI Writer/3960/IDENTIFY (Enter) | Lovelace(C:)/4480/IOCTL_RELEASE",
	       "every Diag write is a procmon.vss fact, bare names included");
	free(s);
	s = query(c, "SELECT value || '/' || num || '/' || text FROM facts WHERE key = 'procmon.vss_unfinished'" EV);
	is_str(s, "WMI Writer/3960/IDENTIFY", "entered and never left");
	free(s);
	s = query(c, "SELECT value || '/' || num FROM facts WHERE key = 'procmon.vss_op'" EV);
	is_str(s, "System Writer: IDENTIFY/700000", "Enter/Leave paired with the duration in microseconds");
	free(s);
	s = query(c, "SELECT group_concat(num || ' ' || value || ' ' || text, ' | ') FROM (SELECT * FROM facts"
		  " WHERE key = 'procmon.last_before_leave'" EV " ORDER BY num)");
	ok(strstr(s, "1 C:\\Windows\\Big\\e System Writer IDENTIFY (Leave) <- svchost.exe CreateFile ACCESS DENIED | 2 C:\\Windows\\Big System Writer IDENTIFY (Leave) <- svchost.exe QueryDirectory NO MORE FILES") == s,
	   "the same process's last operations before the Leave, Diag keys and other processes left out: %s", s);
	ok(!strstr(s, "noise"), "other processes are not in the list");
	free(s);
	s = query(c, "SELECT value || '/' || num || '/' || text FROM facts WHERE key = 'procmon.dir_fanout'" EV);
	is_str(s, "", "a small directory is not reported");
	free(s);
	s = query(c, "SELECT value || '/' || num || '/' || text || '/' || ref_table FROM facts WHERE key = 'procmon.denied'" EV);
	is_str(s, "C:\\Windows\\Big\\e/1508/svchost.exe CreateFile/procmon", "ACCESS DENIED noted with process and operation");
	free(s);
	s = query(c, "SELECT group_concat(level || ' ' || summary, ' | ') FROM (SELECT * FROM timeline WHERE kind = 'procmon.vss'" EV " ORDER BY ts)");
	ok(strstr(s, "info System Writer: IDENTIFY (Enter) (svchost.exe pid 1508; Diag time 2024-05-14T01:00:00.000000Z)") &&
	   strstr(s, "info System Writer: IDENTIFY (Leave) (svchost.exe pid 1508)") &&
	   strstr(s, "warning WMI Writer: IDENTIFY entered and never left (WmiPrvSE.exe pid 3960)"),
	   "timeline entries for Enter/Leave: %s", s);
	free(s);
	s = query(c, "SELECT ts FROM timeline WHERE kind = 'procmon.vss'" EV " ORDER BY ts LIMIT 1");
	is_str(s, "1715648400000000", "timeline times are the rows' times at the zone assumed");
	free(s);
	s = query(c, "SELECT message FROM evidence_warning WHERE 1" EV);
	is_str(s, "", "Diag FILETIME agrees with --tz +09:00: no zone warning");
	free(s);
	free(path);
}

static void
test_fanout(wb_case *c)
{
	struct wb_buf csv = {0};
	struct wb_err err;
	char *path, *s;

	buf_puts(&csv, HEADER);
	buf_puts(&csv, "\"1:00:00.0 AM\",\"svchost.exe\",\"77\",\"RegSetValue\",\"" DIAG "System Writer\\IDENTIFY (Enter)\",\"SUCCESS\",\"\"\r\n");
	/* 1,200 entries in 12 listings of 100, twice (a second pass must not add up). */
	for (int pass = 0; pass < 2; pass++) {
		for (int call = 0; call < 12; call++) {
			buf_puts(&csv, "\"1:00:01.0 AM\",\"svchost.exe\",\"77\",\"QueryDirectory\",\"C:\\Windows\\Microsoft.NET\\assembly\",\"SUCCESS\",\"");
			for (int i = 0; i < 100; i++)
				buf_printf(&csv, "%s%d: f%d", i ? ", " : "", i, call * 100 + i);
			buf_puts(&csv, "\"\r\n");
		}
		buf_puts(&csv, "\"1:00:02.0 AM\",\"svchost.exe\",\"77\",\"QueryDirectory\",\"C:\\Windows\\Microsoft.NET\\assembly\",\"NO MORE FILES\",\"\"\r\n");
	}
	/* A lookup by name is not a listing. */
	buf_puts(&csv, "\"1:00:03.0 AM\",\"svchost.exe\",\"77\",\"QueryDirectory\",\"C:\\Windows\\x.dll\",\"SUCCESS\",\"Filter: x.dll, 1: x.dll\"\r\n");
	path = write_file("fanout.csv", csv.data);
	ok(importer_run(c, path, NULL, NULL, NULL, &err) == 0, "fan-out capture imports: %s", err.msg);
	s = query(c, "SELECT group_concat(value || '/' || num || '/' || text, ' | ') FROM facts WHERE key = 'procmon.dir_fanout'" EV);
	is_str(s, "C:\\Windows\\Microsoft.NET\\assembly/1200/svchost.exe pid 77 (VSS writer System Writer)",
	       "entries of one enumeration counted across calls, repeats not added");
	free(s);
	s = query(c, "SELECT summary FROM evidence ORDER BY id DESC");
	ok(strstr(s, "no date") != NULL, "a capture without a date says so in its summary: %s", s);
	free(s);
	free(path);
	buf_fini(&csv);
}

/* Cancelling (Ctrl-C in wb import, Esc in the TUI) leaves nothing behind. */
static void
test_cancel(wb_case *c)
{
	volatile sig_atomic_t cancel = 1;
	struct wb_import_opts opts = {.cancel = &cancel};
	struct wb_buf csv = {0};
	struct wb_err err;
	int64_t evidence = case_scalar(c, "SELECT count(*) FROM evidence", -1);
	int64_t rows = case_scalar(c, "SELECT count(*) FROM procmon", -1);
	char *path;

	buf_puts(&csv, HEADER);
	for (int i = 0; i < 10000; i++)
		buf_printf(&csv, "\"1:00:00.0 AM\",\"a.exe\",\"1\",\"RegOpenKey\",\"HKLM\\k%d\",\"SUCCESS\",\"\"\r\n", i);
	path = write_file("cancel.csv", csv.data);
	ok(importer_run(c, path, &opts, NULL, NULL, &err) < 0 && strstr(err.msg, "cancelled"),
	   "a cancelled import fails: %s", err.msg);
	is_int(case_scalar(c, "SELECT count(*) FROM evidence", -1), evidence, "no evidence left behind");
	is_int(case_scalar(c, "SELECT count(*) FROM procmon", -1), rows, "no rows left behind");
	cancel = 0;
	ok(importer_run(c, path, &opts, NULL, NULL, &err) == 0, "the same file imports when not cancelled: %s", err.msg);
	is_int(case_scalar(c, "SELECT count(*) FROM procmon", -1), rows + 10000, "all 10,000 rows");
	free(path);
	buf_fini(&csv);
}

/* Deleting an evidence deletes its rows and texts (procmon_capture's
 * trigger), and only its own. */
static void
test_delete(wb_case *c)
{
	int64_t last = case_scalar(c, "SELECT max(id) FROM evidence", -1);
	int64_t rows = case_scalar(c, "SELECT count(*) FROM procmon", -1);
	int64_t own = case_scalar(c, "SELECT count(*) FROM procmon WHERE evidence_id = (SELECT max(id) FROM evidence)", -1);
	int64_t texts = case_scalar(c, "SELECT count(*) FROM procmon_text WHERE evidence_id = (SELECT max(id) FROM evidence)", -1);
	char *sql = xasprintf("DELETE FROM evidence WHERE id = %lld", (long long)last);

	ok(own > 0 && texts > 0, "the last evidence has rows and texts");
	ok(sqlite3_exec(case_db(c), sql, NULL, NULL, NULL) == SQLITE_OK, "evidence deleted");
	is_int(case_scalar(c, "SELECT count(*) FROM procmon", -1), rows - own, "its rows are gone, the others stay");
	is_int(case_scalar(c, "SELECT count(*) FROM procmon_text t WHERE NOT EXISTS (SELECT 1 FROM evidence e WHERE e.id = t.evidence_id)", -1),
	       0, "its texts are gone");
	is_int(case_scalar(c, "SELECT count(*) FROM procmon_capture WHERE evidence_id NOT IN (SELECT id FROM evidence)", -1), 0,
	       "its capture record is gone");
	free(sql);
}

int
main(void)
{
	wb_case *c;
	struct wb_err err;
	char *db;

	test_reader();
	test_reader_errors();
	test_values();
	if (!mkdtemp(tmpdir))
		return tap_skip_all("no temporary directory");
	db = xasprintf("%s/t.wb", tmpdir);
	ok(case_open(db, CASE_CREATE, NULL, NULL, &c, &err) == 0, "case: %s", err.msg);
	test_import(c);
	test_vss(c);
	test_fanout(c);
	test_cancel(c);
	test_delete(c);
	case_close(c);
	free(db);
	db = xasprintf("rm -rf '%s'", tmpdir);
	if (system(db) != 0)
		ok(0, "clean up %s", tmpdir);
	free(db);
	return tap_done();
}
