/*
 * The real debugger outputs in $WB_CORPUS/windbg/ against what each source
 * thread concluded (CASES.tsv): every file is detected as WinDbg text and
 * imports; the bugcheck code wb reports is the one the thread states (and
 * when wb reports none, the excerpt does not state one); and how often
 * wb's culprit and WinDbg's own IMAGE_NAME agree with the thread's culprit.
 * Both figures are printed (and quoted in docs/TOOLTEXT.md); the test
 * requires wb to agree at least as often as IMAGE_NAME does.  The tools/
 * files must be detected as the tool CASES.tsv names (vssadmin, fltmc, or
 * debugger commands) and import.
 *
 * The expected culprit is read from CASES.tsv's culprit_stated column by
 * one rule: the text before the first "(", ";", ",", " via " or " on "; in
 * it the first NAME.sys/.exe/.dll, else a \Driver\NAME, else a NAME!symbol,
 * else the first word -- unless that word says the thread named no module
 * ("unknown", "third-party", "author", "n/a", "NMI").  Rows without a
 * module are listed, not scored.
 */
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../core/case.h"
#include "../../core/regex.h"
#include "../../importers/importer.h"
#include "../tap.h"

static char tmpdir[] = "/tmp/wbcorpusXXXXXX";

/* Lower-case base name without directory, "\Driver\" or extension. */
static void
module_key(const char *s, char *out, size_t len)
{
	const char *slash = strrchr(s, '\\');
	size_t n = 0;

	if (slash)
		s = slash + 1;
	while (*s && *s != '.' && *s != '!' && n + 1 < len)
		out[n++] = (char)tolower((unsigned char)*s++);
	out[n] = '\0';
	if (!strcmp(out, "nt") || !strcmp(out, "ntkrnlmp"))
		snprintf(out, len, "ntoskrnl");
}

static int
expected_culprit(const char *stated, char *out, size_t len)
{
	static const char *const cuts[] = {"(", ";", ",", " via ", " on ", NULL};
	static const char *const nobody[] = {"unknown", "third-party", "author", "n/a", "nmi", NULL};
	char head[256], first[64];
	char *p, *tok, *save = NULL;

	snprintf(head, sizeof head, "%s", stated[0] == '"' ? stated + 1 : stated);
	for (int i = 0; cuts[i]; i++)
		if ((p = strstr(head, cuts[i])))
			*p = '\0';
	if (sscanf(head, "%63s", first) != 1)
		return 0;
	for (p = first; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	for (int i = 0; nobody[i]; i++)
		if (!strcmp(first, nobody[i]))
			return 0;
	for (int pass = 0; pass < 3; pass++) {
		char copy[256];

		snprintf(copy, sizeof copy, "%s", head);
		for (p = copy; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		for (tok = strtok_r(copy, " \t\"", &save); tok; tok = strtok_r(NULL, " \t\"", &save)) {
			const char *ext = strstr(tok, ".sys");

			if (!ext)
				ext = strstr(tok, ".exe");
			if (!ext)
				ext = strstr(tok, ".dll");
			if ((pass == 0 && ext) || (pass == 1 && strstr(tok, "\\driver\\")) ||
			    (pass == 2 && strchr(tok, '!'))) {
				module_key(tok, out, len);
				return out[0] != '\0';
			}
		}
	}
	module_key(first, out, len);
	return out[0] != '\0';
}

/* Does the excerpt state this code anywhere a reader would see it? */
static int
code_stated(const char *path, unsigned code)
{
	char *pattern = xasprintf("(?i)(\\(0*%x\\)|\\b0x0*%x\\b|BUGCHECK_CODE:\\s*0*%x\\b|Bug ?check:?\\s+0*%x\\b|"
				  "Bug ?check code\\s*:?\\s*(0x)?0*%x\\b)", code, code, code, code, code);
	struct wb_err err;
	wb_regex *re = regex_compile(pattern, 0, &err);
	FILE *f = fopen(path, "r");
	char line[4096];
	int found = 0;

	while (re && f && fgets(line, sizeof line, f))
		if (regex_match(re, line, strlen(line), NULL, NULL))
			found = 1;
	if (f)
		fclose(f);
	regex_free(re);
	free(pattern);
	return found;
}

static char *
fact_value(wb_case *c, int64_t ev, const char *key, const char *text_like)
{
	sqlite3_stmt *st;
	char *v = NULL;

	if (sqlite3_prepare_v2(case_db(c),
			       "SELECT value FROM facts WHERE evidence_id = ? AND key = ? AND "
			       "(?3 IS NULL OR text LIKE ?3) ORDER BY id LIMIT 1",
			       -1, &st, NULL) != SQLITE_OK)
		return NULL;
	sqlite3_bind_int64(st, 1, ev);
	sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
	if (text_like)
		sqlite3_bind_text(st, 3, text_like, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		v = xstrdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return v;
}

int
main(void)
{
	const char *corpus = getenv("WB_CORPUS");
	char *dir, *manifest, line[8192], *casepath;
	FILE *m;
	wb_case *c;
	struct wb_err err;
	int scored = 0, wb_agree = 0, dbg_agree = 0, dbg_present = 0, wb_agree_with_dbg = 0, codes_right = 0, codes_stated = 0;
	struct wb_buf misses = {0}, unscored = {0};

	if (!corpus || !*corpus)
		return tap_skip_all("WB_CORPUS not set");
	dir = xasprintf("%s/windbg", corpus);
	manifest = xasprintf("%s/CASES.tsv", dir);
	if (access(manifest, R_OK) != 0)
		return tap_skip_all("corpus windbg/CASES.tsv absent");
	if (!mkdtemp(tmpdir))
		return tap_skip_all("no temporary directory");
	casepath = xasprintf("%s/corpus.wb", tmpdir);
	if (case_open(casepath, CASE_CREATE, NULL, NULL, &c, &err) < 0) {
		printf("# %s\n", err.msg);
		ok(0, "case created");
		return tap_done();
	}
	m = fopen(manifest, "r");
	while (m && fgets(line, sizeof line, m)) {
		char *cols[8] = {0}, *save = NULL, *path, *code_s, *wb_culprit, *dbg;
		const struct wb_importer *used = NULL;
		struct wb_import_opts opts = {.force = true};
		int64_t ev = 0;
		int n = 0;
		unsigned code = 0;
		char want[128], got[128];

		line[strcspn(line, "\r\n")] = '\0';
		for (char *t = strtok_r(line, "\t", &save); t && n < 8; t = strtok_r(NULL, "\t", &save))
			cols[n++] = t;
		if (n < 4 || !strcmp(cols[0], "file"))
			continue;
		path = xasprintf("%s/%s", dir, cols[0]);
		if (!strncmp(cols[0], "tools/", 6)) {
			/* Other tools' outputs: "n/a (vssadmin)", "n/a (fltmc)", else debugger commands. */
			const char *want_tool = strstr(cols[2], "vssadmin") ? "vssadmin"
						: strstr(cols[2], "fltmc") ? "fltmc" : "windbg";

			int rc = importer_run(c, path, &opts, &ev, &used, &err);

			ok(rc == 0 && used && !strcmp(used->name, want_tool), "%s is detected as %s output and imports%s%s",
			   cols[0], want_tool, rc ? ": " : "", rc ? err.msg : "");
			free(path);
			continue;
		}
		if (importer_run(c, path, &opts, &ev, &used, &err) < 0) {
			ok(0, "%s imports: %s", cols[0], err.msg);
			free(path);
			continue;
		}
		ok(used && !strcmp(used->name, "windbg"), "%s is detected as WinDbg text and imports", cols[0]);

		/* the bugcheck code */
		code_s = fact_value(c, ev, "bugcheck.code", NULL);
		if ((sscanf(cols[2], "0x%x", &code) == 1 || sscanf(cols[2], "0X%x", &code) == 1) && code) {
			if (code_s) {
				codes_stated++;
				if (strtoul(code_s, NULL, 16) == code)
					codes_right++;
				ok(strtoul(code_s, NULL, 16) == code, "%s: bugcheck %s (thread: %s)", cols[0],
				   code_s, cols[2]);
			} else {
				int stated = code_stated(path, code);

				codes_stated += stated;
				ok(!stated, "%s: no code found, and the excerpt states none (thread: %s)", cols[0],
				   cols[2]);
			}
		} else {
			ok(1, "%s: thread states no code (%s); wb says %s", cols[0], cols[2],
			   code_s ? code_s : "none");
		}

		/* the culprit */
		wb_culprit = fact_value(c, ev, "fault.module", NULL);
		dbg = fact_value(c, ev, "fault.image_name", "IMAGE_NAME");
		if (!dbg)
			dbg = fact_value(c, ev, "fault.image_name", "Probably caused by");
		if (expected_culprit(cols[3], want, sizeof want)) {
			int agree = 0;

			scored++;
			if (wb_culprit) {
				module_key(wb_culprit, got, sizeof got);
				agree = !strcmp(got, want);
			}
			wb_agree += agree;
			if (!agree)
				buf_printf(&misses, "#   %s: thread %s, wb %s\n", cols[0], want,
					   wb_culprit ? wb_culprit : "none");
			if (dbg) {
				dbg_present++;
				wb_agree_with_dbg += agree;
				module_key(dbg, got, sizeof got);
				dbg_agree += !strcmp(got, want);
			}
		} else {
			buf_printf(&unscored, "#   %s: \"%s\" (wb says %s)\n", cols[0], cols[3],
				   wb_culprit ? wb_culprit : "none");
		}
		free(wb_culprit);
		free(dbg);
		free(code_s);
		free(path);
	}
	if (m)
		fclose(m);
	printf("# bugcheck code right in %d of the %d files that state one\n", codes_right, codes_stated);
	printf("# culprit: wb agrees with the thread in %d of %d cases; WinDbg's IMAGE_NAME in %d of %d "
	       "(IMAGE_NAME present in %d)\n", wb_agree, scored, dbg_agree, scored, dbg_present);
	printf("# where the excerpt has an IMAGE_NAME: wb agrees in %d of %d, IMAGE_NAME in %d of %d\n",
	       wb_agree_with_dbg, dbg_present, dbg_agree, dbg_present);
	if (misses.len)
		printf("# wb disagrees:\n%s", misses.data);
	if (unscored.len)
		printf("# threads that name no module (not scored):\n%s", unscored.data);
	ok(scored > 0, "some cases name a culprit");
	ok(codes_right == codes_stated, "the code is right in every file that states one");
	ok(wb_agree >= dbg_agree, "wb's culprit agrees at least as often as WinDbg's IMAGE_NAME (%d >= %d)",
	   wb_agree, dbg_agree);
	buf_fini(&misses);
	buf_fini(&unscored);
	case_close(c);
	unlink(casepath);
	{
		char *wal = xasprintf("%s-wal", casepath), *shm = xasprintf("%s-shm", casepath);

		unlink(wal);
		unlink(shm);
		free(wal);
		free(shm);
	}
	rmdir(tmpdir);
	free(casepath);
	free(manifest);
	free(dir);
	return tap_done();
}
