/* wb evidence, wb facts, wb timeline, wb sql: read-only views of a case. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/jsonout.h"
#include "../core/regex.h"
#include "../core/sanitize.h"
#include "cli.h"

/* Print evidence text safely: untrusted strings never reach the terminal raw. */
static void
put_safe(const char *s)
{
	char *t = sanitize_dup(s ? s : "", SANITIZE_TABS_AS_SPACE);

	fputs(t, stdout);
	free(t);
}

static int
prepare(wb_case *c, const char *sql, sqlite3_stmt **st)
{
	if (sqlite3_prepare_v2(case_db(c), sql, -1, st, NULL) != SQLITE_OK) {
		fprintf(stderr, "wb: %s\n", sqlite3_errmsg(case_db(c)));
		return -1;
	}
	return 0;
}

/* Parse "--json" and the CASE argument shared by the listing commands. */
struct list_args {
	bool json;
	const char *key, *from, *to, *grep;
	const char *casename;
};

static int
parse_list(const char *cmd, int argc, char **argv, struct list_args *a, const char *help)
{
	static const struct option opts[] = {
		{"json", no_argument, NULL, 'j'},
		{"key", required_argument, NULL, 'k'},
		{"from", required_argument, NULL, 'f'},
		{"to", required_argument, NULL, 't'},
		{"grep", required_argument, NULL, 'g'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	int ch;

	memset(a, 0, sizeof *a);
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'j': a->json = true; break;
		case 'k': a->key = optarg; break;
		case 'f': a->from = optarg; break;
		case 't': a->to = optarg; break;
		case 'g': a->grep = optarg; break;
		case 'h': cli_help(cmd, help); return 0;
		default: return cli_usage(cmd, _("unknown option"));
		}
	}
	if ((a->key && strcmp(cmd, "facts")) ||
	    ((a->from || a->to || a->grep) && strcmp(cmd, "timeline")))
		return cli_usage(cmd, _("option not valid for this command"));
	if (optind != argc - 1)
		return cli_usage(cmd, optind >= argc ? _("missing CASE") : _("too many arguments"));
	a->casename = argv[optind];
	return -1;	/* go on */
}

int
cmd_evidence(int argc, char **argv)
{
	static const char sql[] =
		"SELECT id, kind, importer, path, size, sha256, hash_scope, records, status,"
		" tz_assumption, summary, imported_at, imported_by FROM evidence ORDER BY id";
	struct list_args a;
	sqlite3_stmt *st, *wst;
	wb_case *c;
	json_t *arr;
	int rc = parse_list("evidence", argc, argv, &a,
			    _("Lists every imported file: kind, size, SHA-256, records, warnings\n"
			      "and the time-zone assumption made for it.\n"));

	if (rc >= 0)
		return rc;
	if (!(c = cli_open_case(a.casename, CASE_READONLY)))
		return EXIT_FAILED;
	if (prepare(c, sql, &st) < 0 ||
	    prepare(c, "SELECT line, offset, message FROM evidence_warning WHERE evidence_id = ? ORDER BY id", &wst) < 0) {
		case_close(c);
		return EXIT_FAILED;
	}
	arr = json_array();
	while (sqlite3_step(st) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);
		json_t *warns = json_array();

		sqlite3_bind_int64(wst, 1, id);
		while (sqlite3_step(wst) == SQLITE_ROW) {
			const char *msg = (const char *)sqlite3_column_text(wst, 2);
			char *w;

			if (sqlite3_column_type(wst, 0) != SQLITE_NULL)
				w = xasprintf("line %lld: %s", (long long)sqlite3_column_int64(wst, 0), msg);
			else if (sqlite3_column_type(wst, 1) != SQLITE_NULL)
				w = xasprintf("offset %lld: %s", (long long)sqlite3_column_int64(wst, 1), msg);
			else
				w = xstrdup(msg);
			json_array_append_new(warns, jsonout_str(w));
			free(w);
		}
		sqlite3_reset(wst);
		if (a.json) {
			json_t *o = json_object();

			json_object_set_new(o, "id", json_integer(id));
			json_object_set_new(o, "kind", jsonout_column(st, 1));
			json_object_set_new(o, "importer", jsonout_column(st, 2));
			json_object_set_new(o, "path", jsonout_column(st, 3));
			json_object_set_new(o, "size", jsonout_column(st, 4));
			json_object_set_new(o, "sha256", jsonout_column(st, 5));
			json_object_set_new(o, "hash_scope", jsonout_column(st, 6));
			json_object_set_new(o, "records", jsonout_column(st, 7));
			json_object_set_new(o, "status", jsonout_column(st, 8));
			json_object_set_new(o, "tz_assumption", jsonout_column(st, 9));
			json_object_set_new(o, "summary", jsonout_column(st, 10));
			json_object_set_new(o, "imported_at", jsonout_column(st, 11));
			json_object_set_new(o, "imported_by", jsonout_column(st, 12));
			json_object_set_new(o, "warnings", warns);
			json_array_append_new(arr, o);
		} else {
			const char *sha = (const char *)sqlite3_column_text(st, 5);

			printf("%-4lld %-10s %10lld records  %4zu warnings  %12lld bytes  sha256 %.16s\n     ",
			       (long long)id, (const char *)sqlite3_column_text(st, 1),
			       (long long)sqlite3_column_int64(st, 7), json_array_size(warns),
			       (long long)sqlite3_column_int64(st, 4), sha ? sha : "-");
			put_safe((const char *)sqlite3_column_text(st, 3));
			if (sqlite3_column_text(st, 10)) {
				fputs("\n     ", stdout);
				put_safe((const char *)sqlite3_column_text(st, 10));
			}
			if (sqlite3_column_text(st, 9)) {
				fputs(_("\n     time zone: "), stdout);
				put_safe((const char *)sqlite3_column_text(st, 9));
			}
			for (size_t i = 0; i < json_array_size(warns) && i < 5; i++) {
				fputs(_("\n     warning: "), stdout);
				put_safe(json_string_value(json_array_get(warns, i)));
			}
			fputc('\n', stdout);
			json_decref(warns);
		}
	}
	sqlite3_finalize(st);
	sqlite3_finalize(wst);
	case_close(c);
	if (a.json)
		jsonout_print(arr, stdout);
	else
		json_decref(arr);
	return EXIT_OK;
}

int
cmd_facts(int argc, char **argv)
{
	struct list_args a;
	sqlite3_stmt *st;
	wb_case *c;
	json_t *arr;
	int rc = parse_list("facts", argc, argv, &a,
			    _("Lists the facts the importers found (docs/FACTS.md): key, value,\n"
			      "number, text and the evidence row they came from.  --key KEY keeps one\n"
			      "key; KEY ending in '.' or '*' keeps a namespace (bugcheck.*).\n"));

	if (rc >= 0)
		return rc;
	if (!(c = cli_open_case(a.casename, CASE_READONLY)))
		return EXIT_FAILED;
	if (prepare(c, "SELECT id, evidence_id, key, value, num, text, ts, ref_table, ref_id FROM facts"
		    " WHERE ?1 IS NULL OR key = ?1 OR (substr(?1, -1) IN ('.', '*') AND"
		    " key LIKE replace(replace(?1, '*', ''), '_', '\\_') || '%' ESCAPE '\\')"
		    " ORDER BY evidence_id, id", &st) < 0) {
		case_close(c);
		return EXIT_FAILED;
	}
	if (a.key)
		sqlite3_bind_text(st, 1, a.key, -1, SQLITE_STATIC);
	arr = a.json ? json_array() : NULL;
	while (sqlite3_step(st) == SQLITE_ROW) {
		bool has_ts = sqlite3_column_type(st, 6) != SQLITE_NULL;

		if (a.json) {
			json_t *o = json_object();

			json_object_set_new(o, "id", jsonout_column(st, 0));
			json_object_set_new(o, "evidence_id", jsonout_column(st, 1));
			json_object_set_new(o, "key", jsonout_column(st, 2));
			json_object_set_new(o, "value", jsonout_column(st, 3));
			json_object_set_new(o, "num", jsonout_column(st, 4));
			json_object_set_new(o, "text", jsonout_column(st, 5));
			json_object_set_new(o, "ts", jsonout_time(sqlite3_column_int64(st, 6), has_ts));
			json_object_set_new(o, "ref_table", jsonout_column(st, 7));
			json_object_set_new(o, "ref_id", jsonout_column(st, 8));
			json_array_append_new(arr, o);
		} else {
			printf("%lld\t", (long long)sqlite3_column_int64(st, 1));
			put_safe((const char *)sqlite3_column_text(st, 2));
			fputc('\t', stdout);
			put_safe((const char *)sqlite3_column_text(st, 3));
			if (sqlite3_column_type(st, 4) != SQLITE_NULL)
				printf("\t%lld", (long long)sqlite3_column_int64(st, 4));
			if (sqlite3_column_text(st, 5)) {
				fputc('\t', stdout);
				put_safe((const char *)sqlite3_column_text(st, 5));
			}
			fputc('\n', stdout);
		}
	}
	sqlite3_finalize(st);
	case_close(c);
	if (a.json)
		jsonout_print(arr, stdout);
	return EXIT_OK;
}

int
cmd_timeline(int argc, char **argv)
{
	struct list_args a;
	struct wb_err err;
	sqlite3_stmt *st;
	wb_regex *re = NULL;
	int64_t from = INT64_MIN, to = INT64_MAX;
	wb_case *c;
	json_t *arr;
	int rc = parse_list("timeline", argc, argv, &a,
			    _("Prints everything dated, from every source, merged and in UTC.\n"
			      "--from/--to take ISO 8601 times; --grep a PCRE2 regular expression\n"
			      "matched against the summary.\n"));

	if (rc >= 0)
		return rc;
	if ((a.from && wb_parse_iso(a.from, &from, &err) < 0) || (a.to && wb_parse_iso(a.to, &to, &err) < 0))
		return cli_usage("timeline", "%s", err.msg);
	if (a.grep && !(re = regex_compile(a.grep, 0, &err)))
		return cli_usage("timeline", "%s", err.msg);
	if (!(c = cli_open_case(a.casename, CASE_READONLY))) {
		regex_free(re);
		return EXIT_FAILED;
	}
	if (prepare(c, "SELECT t.ts, t.evidence_id, t.level, t.kind, t.summary, t.local, t.ref_table, t.ref_id"
		    " FROM timeline t WHERE t.ts BETWEEN ? AND ? ORDER BY t.ts, t.id", &st) < 0) {
		regex_free(re);
		case_close(c);
		return EXIT_FAILED;
	}
	sqlite3_bind_int64(st, 1, from);
	sqlite3_bind_int64(st, 2, to);
	arr = a.json ? json_array() : NULL;
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *summary = (const char *)sqlite3_column_text(st, 4);
		char when[40];

		if (re && !regex_match(re, summary, strlen(summary), NULL, NULL))
			continue;
		if (a.json) {
			json_t *o = json_object();

			json_object_set_new(o, "ts", jsonout_time(sqlite3_column_int64(st, 0), 1));
			json_object_set_new(o, "evidence_id", jsonout_column(st, 1));
			json_object_set_new(o, "level", jsonout_column(st, 2));
			json_object_set_new(o, "kind", jsonout_column(st, 3));
			json_object_set_new(o, "summary", jsonout_column(st, 4));
			json_object_set_new(o, "local", json_boolean(sqlite3_column_int(st, 5)));
			json_object_set_new(o, "ref_table", jsonout_column(st, 6));
			json_object_set_new(o, "ref_id", jsonout_column(st, 7));
			json_array_append_new(arr, o);
			continue;
		}
		wb_format_iso(sqlite3_column_int64(st, 0), 0, true, when, sizeof when);
		printf("%s %s%-3lld %-8s ", when, sqlite3_column_int(st, 5) ? "~" : " ",
		       (long long)sqlite3_column_int64(st, 1),
		       sqlite3_column_text(st, 2) ? (const char *)sqlite3_column_text(st, 2) : "-");
		put_safe((const char *)sqlite3_column_text(st, 3));
		fputc(' ', stdout);
		put_safe(summary);
		fputc('\n', stdout);
	}
	sqlite3_finalize(st);
	regex_free(re);
	case_close(c);
	if (a.json)
		jsonout_print(arr, stdout);
	return EXIT_OK;
}

int
cmd_sql(int argc, char **argv)
{
	sqlite3_stmt *st;
	const char *tail;
	bool json = false;
	wb_case *c;
	json_t *arr;
	int rc, i = 1;

	if (cli_wants_help(argc, argv))
		return cli_help("sql", _("Runs one read-only SQL statement on the case (docs/SCHEMA.md) and prints\n"
					 "tab-separated rows with a header, or --json.  regexp() is PCRE2.\n"));
	if (i < argc && !strcmp(argv[i], "--json"))
		json = true, i++;
	if (argc - i != 2)
		return cli_usage("sql", argc - i < 2 ? _("missing CASE or SQL") : _("too many arguments (quote the SQL)"));
	if (!(c = cli_open_case(argv[i], CASE_READONLY)))
		return EXIT_FAILED;
	regex_register(case_db(c));
	sqlite3_exec(case_db(c), "PRAGMA query_only=1", NULL, NULL, NULL);
	if (sqlite3_prepare_v2(case_db(c), argv[i + 1], -1, &st, &tail) != SQLITE_OK) {
		fprintf(stderr, "wb: sql: %s\n", sqlite3_errmsg(case_db(c)));
		case_close(c);
		return EXIT_FAILED;
	}
	if (!st || !sqlite3_stmt_readonly(st) || (tail && strspn(tail, " \t\r\n;") != strlen(tail))) {
		fprintf(stderr, _("wb: sql: only one read-only statement (SELECT, WITH, PRAGMA reads) is allowed\n"));
		sqlite3_finalize(st);
		case_close(c);
		return EXIT_FAILED;
	}
	arr = json ? json_array() : NULL;
	if (!json) {
		for (int k = 0; k < sqlite3_column_count(st); k++) {
			if (k)
				fputc('\t', stdout);
			put_safe(sqlite3_column_name(st, k));
		}
		fputc('\n', stdout);
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		json_t *o = json ? json_object() : NULL;

		for (int k = 0; k < sqlite3_column_count(st); k++) {
			if (json) {
				json_object_set_new(o, sqlite3_column_name(st, k), jsonout_column(st, k));
				continue;
			}
			if (k)
				fputc('\t', stdout);
			if (sqlite3_column_type(st, k) == SQLITE_NULL)
				fputs("NULL", stdout);
			else
				put_safe((const char *)sqlite3_column_text(st, k));
		}
		if (json)
			json_array_append_new(arr, o);
		else
			fputc('\n', stdout);
	}
	if (rc != SQLITE_DONE) {
		fprintf(stderr, "wb: sql: %s\n", sqlite3_errmsg(case_db(c)));
		json_decref(arr);
		sqlite3_finalize(st);
		case_close(c);
		return EXIT_FAILED;
	}
	sqlite3_finalize(st);
	case_close(c);
	if (json)
		jsonout_print(arr, stdout);
	return EXIT_OK;
}
