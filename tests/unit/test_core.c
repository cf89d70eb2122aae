/* Unit tests for core/: time helpers, sanitising, case files, ingest atomicity. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../core/case.h"
#include "../../core/ingest.h"
#include "../../core/sanitize.h"
#include "../../core/textin.h"
#include "../../importers/importer.h"
#include "../tap.h"

static char tmpdir[] = "/tmp/wbunitXXXXXX";

static char *
write_file(const char *name, const void *data, size_t len)
{
	char *path = xasprintf("%s/%s", tmpdir, name);
	FILE *f = fopen(path, "wb");

	fwrite(data, 1, len, f);
	fclose(f);
	return path;
}

static void
test_time(void)
{
	struct wb_err err;
	int64_t us, days;
	int tz;
	char buf[40];

	is_int(wb_days_from_civil(1970, 1, 1), 0, "epoch is day 0");
	is_int(wb_days_from_civil(2000, 3, 1), 11017, "2000-03-01 (leap year)");
	ok(wb_parse_tz("+09:00", &tz, &err) == 0 && tz == 540, "+09:00 is 540 minutes");
	ok(wb_parse_tz("-0530", &tz, &err) == 0 && tz == -330, "-0530 is -330 minutes");
	ok(wb_parse_tz("UTC", &tz, &err) == 0 && tz == 0, "UTC is 0");
	ok(wb_parse_tz("Tokyo", &tz, &err) < 0 && strstr(err.msg, "expected +HH:MM"), "bad zone explains the form");
	ok(wb_parse_date("2024-05-01", &days, &err) == 0 && days == 19844, "date parses");
	ok(wb_parse_date("2024-13-01", &days, &err) < 0, "month 13 refused");
	ok(wb_parse_iso("2024-05-01T10:20:30.5+09:00", &us, &err) == 0, "ISO with zone parses");
	wb_format_iso(us, 0, true, buf, sizeof buf);
	is_str(buf, "2024-05-01T01:20:30.500000Z", "ISO round trip to UTC");
	wb_format_iso(us, 540, true, buf, sizeof buf);
	is_str(buf, "2024-05-01T10:20:30.500000+09:00", "formats in a zone");
	wb_format_iso(-1, 0, true, buf, sizeof buf);
	is_str(buf, "1969-12-31T23:59:59.999999Z", "negative times format correctly");
}

static void
test_sanitize(void)
{
	char *s;

	s = sanitize_dup("a\x1b]0;evil\x07z", 0);
	is_str(s, "a^[]0;evil^Gz", "ESC and BEL made visible");
	free(s);
	s = sanitize_dup("x\xc2\x9b" "31m", 0);
	is_str(s, "x<U+009B>31m", "C1 CSI made visible");
	free(s);
	s = sanitize_dup("abc\xe2\x80\xae" "def", 0);
	is_str(s, "abc<U+202E>def", "bidi override made visible");
	free(s);
	s = sanitize_dup("bad\xff\xfe", 0);
	is_str(s, "bad\\xFF\\xFE", "invalid UTF-8 shown as hex");
	free(s);
	s = sanitize_dup("日本語\tok\n", SANITIZE_TABS_AS_SPACE);
	is_str(s, "日本語 ok^J", "Japanese kept, tab to space, newline visible");
	free(s);
	ok(utf8_valid("\xed\xa0\x80", 3) == 0, "UTF-8 surrogates are invalid");
	ok(utf8_valid("\xc0\xaf", 2) == 0, "overlong UTF-8 is invalid");
}

static void
test_case_files(void)
{
	struct wb_err err;
	struct stat st;
	wb_case *c;
	char *path = xasprintf("%s/sub/dir/c1.wb", tmpdir);
	char *bad;
	char *link;

	umask(0);
	ok(case_open(path, CASE_CREATE, "T", "S", &c, &err) == 0, "case created in new directories");
	ok(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600, "case file is 0600 whatever the umask");
	{
		char *dir = xasprintf("%s/sub/dir", tmpdir);

		ok(stat(dir, &st) == 0 && (st.st_mode & 0777) == 0700, "case directory is 0700");
		free(dir);
	}
	is_int(case_scalar(c, "PRAGMA user_version", -1), CASE_SCHEMA_VERSION, "schema version set");
	case_close(c);
	umask(022);
	ok(case_open(path, CASE_CREATE | CASE_MUST_NOT_EXIST, NULL, NULL, &c, &err) < 0 &&
	   strstr(err.msg, "already exists"), "wb new refuses an existing case");

	bad = write_file("notacase.wb", "hello world, not sqlite at all", 30);
	ok(case_open(bad, 0, NULL, NULL, &c, &err) < 0 && strstr(err.msg, "not a wb case"),
	   "a non-SQLite file is not a wb case: %s", err.msg);
	free(bad);

	/* A newer schema is refused. */
	ok(case_open(path, 0, NULL, NULL, &c, &err) == 0, "reopen");
	sqlite3_exec(case_db(c), "PRAGMA user_version=99", NULL, NULL, NULL);
	case_close(c);
	ok(case_open(path, 0, NULL, NULL, &c, &err) < 0 && strstr(err.msg, "newer wb"),
	   "a newer schema is refused: %s", err.msg);

	/* A symlink planted where a new case goes is not followed. */
	link = xasprintf("%s/planted.wb", tmpdir);
	symlink("/tmp/wb-should-not-exist", link);
	ok(case_open(link, CASE_CREATE, NULL, NULL, &c, &err) < 0, "planted symlink refused");
	ok(access("/tmp/wb-should-not-exist", F_OK) != 0, "symlink target not created");
	free(link);
	free(path);
}

/* An importer that stores a few rows then fails: the case must be unchanged. */
static int
failing_import(wb_ingest *ing, struct wb_err *err)
{
	char buf[64];

	while (ingest_read(ing, buf, sizeof buf, err) > 0)
		;
	ingest_fact_str(ing, "test.fact", "v", NULL, NULL, 0, err);
	ingest_timeline(ing, &(struct wb_tl){.ts = 1, .kind = "test", .summary = "x"}, err);
	ingest_add_records(ing, 1);
	return wb_errf(err, "%s: line 2: expected a test line", ingest_path(ing));
}

static void
test_ingest(void)
{
	struct wb_err err;
	wb_case *c;
	wb_ingest *ing;
	char *path = xasprintf("%s/ingest.wb", tmpdir);
	char *notes = write_file("n.txt", "line one\r\nline two\nline three", 29);
	char *sjis = write_file("sjis.txt", "\x93\xfa\x96\x7b\x8c\xea\r\n", 8);	/* 日本語 */
	char *utf16 = write_file("u16.txt", "\xff\xfeh\0i\0\r\0\n\0", 10);
	int64_t id;
	volatile sig_atomic_t cancel = 1;
	struct wb_import_opts cancel_opts = {.cancel = &cancel};

	ok(case_open(path, CASE_CREATE, NULL, NULL, &c, &err) == 0, "case for ingest");
	ok(ingest_begin(c, notes, "test", "failing", "1", NULL, &ing, &err) == 0, "begin");
	ok(failing_import(ing, &err) < 0, "importer fails mid-way");
	ingest_abort(ing);
	is_int(case_scalar(c, "SELECT count(*) FROM evidence", -1), 0, "no evidence after a failed import");
	is_int(case_scalar(c, "SELECT count(*) FROM facts", -1), 0, "no facts after a failed import");
	is_int(case_scalar(c, "SELECT count(*) FROM timeline", -1), 0, "no timeline after a failed import");

	/* A partial import: warnings are kept with their line and land in the audit log. */
	ok(ingest_begin(c, notes, "test", "warning", "1", NULL, &ing, &err) == 0, "begin a partial import");
	ingest_warn(ing, 7, -1, "record %d unreadable", 7);
	ingest_add_records(ing, 2);
	ok(ingest_commit(ing, &id, &err) == 0, "commit with a warning: %s", err.msg);
	is_int(case_scalar(c, "SELECT line FROM evidence_warning", -1), 7, "warning keeps its line");
	{
		char *sql = sqlite3_mprintf("SELECT count(*) FROM audit WHERE action LIKE '%%(2 records, 1 warnings)'");

		is_int(case_scalar(c, sql, -1), 1, "audit log counts records and warnings");
		sqlite3_free(sql);
	}
	sqlite3_exec(case_db(c), "DELETE FROM evidence", NULL, NULL, NULL);

	ok(importer_run(c, notes, &cancel_opts, &id, NULL, &err) < 0 && strstr(err.msg, "cancelled"),
	   "cancel is honoured: %s", err.msg);
	is_int(case_scalar(c, "SELECT count(*) FROM evidence", -1), 0, "no evidence after a cancelled import");

	ok(importer_run(c, notes, NULL, &id, NULL, &err) == 0, "notes import: %s", err.msg);
	is_int(case_scalar(c, "SELECT count(*) FROM text_lines", -1), 3, "three lines stored");
	is_int(case_scalar(c, "SELECT length(text) FROM text_lines WHERE line = 1", -1), 8, "CRLF stripped");
	is_int(case_scalar(c, "SELECT records FROM evidence", -1), 3, "records counted");
	ok(case_scalar(c, "SELECT length(sha256) FROM evidence", 0) == 64, "sha256 recorded");
	ok(importer_run(c, notes, NULL, &id, NULL, &err) < 0 && strstr(err.msg, "already imported as evidence 1"),
	   "same file refused: %s", err.msg);
	struct wb_import_opts force = {.force = true};
	ok(importer_run(c, notes, &force, &id, NULL, &err) == 0, "--force imports again");

	ok(importer_run(c, sjis, NULL, &id, NULL, &err) == 0, "Shift_JIS text imports");
	{
		sqlite3_stmt *st;

		sqlite3_prepare_v2(case_db(c), "SELECT text FROM text_lines WHERE evidence_id = ?", -1, &st, NULL);
		sqlite3_bind_int64(st, 1, id);
		sqlite3_step(st);
		is_str((const char *)sqlite3_column_text(st, 0), "日本語", "CP932 converted to UTF-8");
		sqlite3_finalize(st);
	}
	ok(importer_run(c, utf16, NULL, &id, NULL, &err) == 0, "UTF-16LE text imports");
	{
		sqlite3_stmt *st;

		sqlite3_prepare_v2(case_db(c), "SELECT text FROM text_lines WHERE evidence_id = ?", -1, &st, NULL);
		sqlite3_bind_int64(st, 1, id);
		sqlite3_step(st);
		is_str((const char *)sqlite3_column_text(st, 0), "hi", "UTF-16LE converted");
		sqlite3_finalize(st);
	}
	case_close(c);
	free(path);
	free(notes);
	free(sjis);
	free(utf16);
}

int
main(void)
{
	if (!mkdtemp(tmpdir))
		return 1;
	test_time();
	test_sanitize();
	test_case_files();
	test_ingest();
	{
		char *cmd = xasprintf("rm -rf %s", tmpdir);

		if (system(cmd) != 0)
			ok(0, "cleanup");
		free(cmd);
	}
	return tap_done();
}
