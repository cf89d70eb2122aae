/* Case reports: the case database as one JSON model, rendered four ways. */
#include "report.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "jsonout.h"
#include "sanitize.h"

#define WARNINGS_SHOWN 20	/* per evidence file; the rest are counted */
#define QUOTES_PER_CLAUSE 5	/* evidence rows quoted under one clause */
#define KEY_EVENTS_MAX 1000	/* key events looked at for the timeline excerpt */
/* A key event of the timeline, as an SQL condition (docs/REPORT.md). */
#define KEY_EVENT "(level IN ('critical', 'error') OR kind IN ('bugcheck', 'crash', 'shutdown'))"

#define STRINGIFY_(x) #x
#define STRINGIFY(x) STRINGIFY_(x)

/* ------------------------------------------------------------------ */
/* Model: reading the case                                            */
/* ------------------------------------------------------------------ */

static int
prepare(sqlite3 *db, const char *sql, sqlite3_stmt **st, struct wb_err *err)
{
	if (sqlite3_prepare_v2(db, sql, -1, st, NULL) != SQLITE_OK)
		return wb_errf(err, _("cannot read the case: %s"), sqlite3_errmsg(db));
	return 0;
}

/* Append one object per row of sql to arr, keyed by the column names.  A
 * statement with a parameter gets `bind` as ?1. */
static int
query_rows(sqlite3 *db, const char *sql, int64_t bind, json_t *arr, struct wb_err *err)
{
	sqlite3_stmt *st;
	int rc;

	if (prepare(db, sql, &st, err) < 0)
		return -1;
	if (sqlite3_bind_parameter_count(st))
		sqlite3_bind_int64(st, 1, bind);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		json_t *o = json_object();

		for (int i = 0; i < sqlite3_column_count(st); i++)
			json_object_set_new(o, sqlite3_column_name(st, i), jsonout_column(st, i));
		json_array_append_new(arr, o);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return wb_errf(err, _("cannot read the case: %s"), sqlite3_errmsg(db));
	return 0;
}

static int
build_case(wb_case *c, const struct report_opts *o, json_t *m, struct wb_err *err)
{
	static const char *const fields[] = {"title", "symptom", "status", "timezone", "created"};
	json_t *obj = json_object();

	(void)o;
	(void)err;
	json_object_set_new(obj, "name", jsonout_str(case_name(c)));
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		char *v = NULL;

		case_get_info(c, fields[i], &v);
		json_object_set_new(obj, fields[i], jsonout_str(v));
		free(v);
	}
	json_object_set_new(m, "case", obj);
	return 0;
}

static int
build_evidence(wb_case *c, const struct report_opts *o, json_t *m, struct wb_err *err)
{
	sqlite3 *db = case_db(c);
	json_t *arr = json_array(), *ev;
	sqlite3_stmt *st;
	size_t i;

	(void)o;
	json_object_set_new(m, "evidence", arr);
	if (query_rows(db, "SELECT id, kind, importer, importer_version, path, size, sha256, hash_scope,"
		       " records, status, tz_assumption, summary, imported_at, imported_by"
		       " FROM evidence ORDER BY id", 0, arr, err) < 0 ||
	    prepare(db, "SELECT CASE WHEN line IS NOT NULL THEN 'line ' || line || ': '"
		    " WHEN offset IS NOT NULL THEN 'offset ' || offset || ': ' ELSE '' END || message,"
		    " count(*) OVER () FROM evidence_warning WHERE evidence_id = ? ORDER BY id LIMIT "
		    STRINGIFY(WARNINGS_SHOWN), &st, err) < 0)
		return -1;
	json_array_foreach(arr, i, ev) {
		json_t *warns = json_array();
		json_int_t total = 0;

		sqlite3_bind_int64(st, 1, json_integer_value(json_object_get(ev, "id")));
		while (sqlite3_step(st) == SQLITE_ROW) {
			json_array_append_new(warns, jsonout_column(st, 0));
			total = sqlite3_column_int64(st, 1);
		}
		sqlite3_reset(st);
		json_object_set_new(ev, "warnings", warns);
		json_object_set_new(ev, "warnings_total", json_integer(total));
	}
	sqlite3_finalize(st);
	return 0;
}

/* Where a fact came from, in words, and the text of that evidence row: one
 * query per table a fact can point at (facts.ref_table).  ?1 is ref_id. */
static const struct quote_source {
	const char *table;
	const char *sql;	/* -> where, text */
} quote_sources[] = {
	{"text_lines", "SELECT 'line ' || line, text FROM text_lines WHERE id = ?1"},
	{"events", "SELECT coalesce('record ' || e.record, 'line ' || e.line, 'event'), ifnull(s.s, '') || ' ' || ifnull(e.event_id, '')"
		   " || ': ' || ifnull(e.message, ifnull(e.data, '')) FROM events e"
		   " LEFT JOIN strings s ON s.id = e.provider WHERE e.id = ?1"},
	{"procmon", "SELECT 'line ' || line, ifnull(process, '') || ' ' || ifnull(operation, '') || ' '"
		    " || ifnull(path, '') || ' ' || ifnull(result, '') || ' ' || ifnull(detail, '')"
		    " FROM procmon_rows WHERE id = ?1"},
	{"registry", "SELECT ifnull('line ' || line, 'key'), key || CASE WHEN name IS NULL THEN ''"
		     " ELSE '\\' || CASE name WHEN '' THEN '(Default)' ELSE name END || ' = ' || ifnull(data, '')"
		     " END FROM registry WHERE id = ?1"},
	{"dump", "SELECT 'dump', format || CASE WHEN bugcheck IS NULL THEN '' ELSE printf(', bugcheck 0x%X', bugcheck) END"
		 " || ifnull(', culprit ' || culprit, '') FROM dump WHERE id = ?1"},
	{"dump_frame", "SELECT 'frame ' || idx, ifnull(symbol, printf('0x%x', address)) FROM dump_frame WHERE id = ?1"},
	{"dump_module", "SELECT 'module', name || ifnull(' ' || path, '') FROM dump_module WHERE id = ?1"},
};

/* The evidence row behind a fact, quoted: {evidence_id, ref_table, ref_id,
 * where, text, facts: ["key = value", ...]}.  Facts of one row share a
 * quote.  Facts that point at no row are quoted by their own text. */
static void
add_quote(sqlite3 *db, json_t *quotes, json_t *fact)
{
	const char *table = json_string_value(json_object_get(fact, "ref_table"));
	json_int_t ref_id = json_integer_value(json_object_get(fact, "ref_id"));
	json_int_t ev = json_integer_value(json_object_get(fact, "evidence_id"));
	const char *key = json_string_value(json_object_get(fact, "key"));
	const char *value = json_string_value(json_object_get(fact, "value"));
	char *said = xasprintf("%s = %s", key ? key : "?", value ? value : "");
	json_t *q;
	size_t i;

	json_array_foreach(quotes, i, q) {
		if (json_integer_value(json_object_get(q, "evidence_id")) == ev &&
		    json_equal(json_object_get(q, "ref_table"), json_object_get(fact, "ref_table")) &&
		    json_integer_value(json_object_get(q, "ref_id")) == ref_id) {
			json_array_append_new(json_object_get(q, "facts"), jsonout_str(said));
			free(said);
			return;
		}
	}
	if (json_array_size(quotes) >= QUOTES_PER_CLAUSE) {
		free(said);
		return;
	}
	q = json_object();
	json_object_set_new(q, "evidence_id", json_integer(ev));
	json_object_set_new(q, "ref_table", jsonout_str(table));
	json_object_set_new(q, "ref_id", table ? json_integer(ref_id) : json_null());
	json_object_set_new(q, "where", json_null());
	json_object_set_new(q, "text", json_null());
	for (i = 0; table && i < sizeof quote_sources / sizeof quote_sources[0]; i++) {
		sqlite3_stmt *st;

		if (strcmp(quote_sources[i].table, table) ||
		    sqlite3_prepare_v2(db, quote_sources[i].sql, -1, &st, NULL) != SQLITE_OK)
			continue;
		sqlite3_bind_int64(st, 1, ref_id);
		if (sqlite3_step(st) == SQLITE_ROW) {
			json_object_set_new(q, "where", jsonout_column(st, 0));
			json_object_set_new(q, "text", jsonout_column(st, 1));
		}
		sqlite3_finalize(st);
	}
	if (json_is_null(json_object_get(q, "text"))) {
		sqlite3_stmt *st;
		json_int_t id = json_integer_value(json_object_get(fact, "id"));

		if (sqlite3_prepare_v2(db, "SELECT ifnull(text, value) FROM facts WHERE id = ?1", -1, &st, NULL) == SQLITE_OK) {
			sqlite3_bind_int64(st, 1, id);
			if (sqlite3_step(st) == SQLITE_ROW)
				json_object_set_new(q, "text", jsonout_column(st, 0));
			sqlite3_finalize(st);
		}
	}
	json_object_set_new(q, "facts", json_pack("[o]", jsonout_str(said)));
	free(said);
	json_array_append_new(quotes, q);
}

/* A member of a matcher's JSON as a new reference, null when absent, so
 * that the model is regular whatever the matcher wrote. */
static json_t *
member(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return v ? json_incref(v) : json_null();
}

/* Clauses of findings.detail (hits, excluded_by, missing, failed) for the
 * report: what they mean, and for hits the evidence quoted. */
static json_t *
clauses_json(sqlite3 *db, json_t *detail, const char *which, bool quote)
{
	json_t *out = json_array(), *cl;
	size_t i;

	json_array_foreach(json_object_get(detail, which), i, cl) {
		json_t *o = json_object(), *fact;
		size_t k;

		json_object_set_new(o, "clause", member(cl, "clause"));
		json_object_set_new(o, "kind", member(cl, "kind"));
		json_object_set_new(o, "label", member(cl, "label"));
		if (quote) {
			json_t *quotes = json_array();

			json_object_set_new(o, "weight", member(cl, "weight"));
			json_object_set_new(o, "count", member(cl, "count"));
			json_array_foreach(json_object_get(cl, "facts"), k, fact)
				add_quote(db, quotes, fact);
			json_object_set_new(o, "quotes", quotes);
		} else
			json_object_set_new(o, "collect", member(cl, "collect"));
		json_array_append_new(out, o);
	}
	return out;
}

/* The latest decision on an article as {state, reason, user, at}, or null
 * when none stands (a "reopened" one cancels the earlier). */
static json_t *
latest_decision(sqlite3 *db, const char *article)
{
	json_t *d = json_null();
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(db, "SELECT state, reason, user, at FROM decisions WHERE article = ?1"
			       " ORDER BY id DESC LIMIT 1", -1, &st, NULL) != SQLITE_OK)
		return d;
	sqlite3_bind_text(st, 1, article, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0) &&
	    strcmp((const char *)sqlite3_column_text(st, 0), "reopened")) {
		d = json_object();
		json_object_set_new(d, "state", jsonout_column(st, 0));
		json_object_set_new(d, "reason", jsonout_column(st, 1));
		json_object_set_new(d, "user", jsonout_column(st, 2));
		json_object_set_new(d, "at", jsonout_column(st, 3));
	}
	sqlite3_finalize(st);
	return d;
}

static int
build_findings(wb_case *c, const struct report_opts *o, json_t *m, struct wb_err *err)
{
	sqlite3 *db = case_db(c);
	json_t *arr = json_array();
	sqlite3_stmt *st;
	int rc;

	(void)o;
	json_object_set_new(m, "findings", arr);
	if (prepare(db, "SELECT article, rank, score, state, detail FROM findings ORDER BY rank, article",
		    &st, err) < 0)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *article = (const char *)sqlite3_column_text(st, 0);
		const char *text = (const char *)sqlite3_column_text(st, 4);
		json_t *detail = text ? json_loads(text, 0, NULL) : NULL;
		json_t *f = json_object();

		if (!json_is_object(detail)) {
			json_decref(detail);
			detail = json_object();
		}
		json_object_set_new(f, "rank", jsonout_column(st, 1));
		json_object_set_new(f, "article", jsonout_column(st, 0));
		json_object_set_new(f, "title", member(detail, "title"));
		json_object_set_new(f, "summary", json_null());
		json_object_set_new(f, "resolution", json_null());
		json_object_set_new(f, "fixed_in", json_null());
		json_object_set_new(f, "kbs", json_array());
		json_object_set_new(f, "references", json_array());
		json_object_set_new(f, "score", json_real(sqlite3_column_double(st, 2)));
		json_object_set_new(f, "state", jsonout_column(st, 3));
		json_object_set_new(f, "decision", latest_decision(db, article));
		json_object_set_new(f, "hits", clauses_json(db, detail, "hits", true));
		json_object_set_new(f, "excluded_by", clauses_json(db, detail, "excluded_by", true));
		json_object_set_new(f, "missing", clauses_json(db, detail, "missing", false));
		json_object_set_new(f, "failed", clauses_json(db, detail, "failed", false));
		json_object_set_new(f, "why_rank", member(detail, "why_rank"));
		json_array_append_new(arr, f);
		json_decref(detail);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return wb_errf(err, _("cannot read the case: %s"), sqlite3_errmsg(db));
	return 0;
}

static int
build_decisions(wb_case *c, const struct report_opts *o, json_t *m, struct wb_err *err)
{
	json_t *arr = json_array();

	(void)o;
	json_object_set_new(m, "decisions", arr);
	return query_rows(case_db(c), "SELECT id, article, state, reason, user, at FROM decisions ORDER BY id",
			  0, arr, err);
}

/* Checklist sessions from their log: per list, who started it and the
 * latest row of every step, in the order the steps were first touched. */
static int
build_checklist(wb_case *c, const struct report_opts *o, json_t *m, struct wb_err *err)
{
	sqlite3 *db = case_db(c);
	json_t *arr = json_array(), *list;
	size_t i;

	(void)o;
	json_object_set_new(m, "checklist", arr);
	if (query_rows(db, "SELECT list, NULL AS title, (SELECT user FROM checklist s WHERE s.list = l.list"
		       " AND s.step = '' ORDER BY id DESC LIMIT 1) AS started_by, (SELECT at FROM checklist s"
		       " WHERE s.list = l.list AND s.step = '' ORDER BY id DESC LIMIT 1) AS started_at"
		       " FROM (SELECT DISTINCT list FROM checklist) l ORDER BY list", 0, arr, err) < 0)
		return -1;
	json_array_foreach(arr, i, list) {
		json_t *steps = json_array();
		sqlite3_stmt *st;
		int rc;

		json_object_set_new(list, "steps", steps);
		if (prepare(db, "SELECT step, NULL AS text, state, answer, user, at FROM checklist c"
			    " WHERE list = ?1 AND step <> '' AND id = (SELECT max(id) FROM checklist"
			    " WHERE list = ?1 AND step = c.step) ORDER BY (SELECT min(id) FROM checklist"
			    " WHERE list = ?1 AND step = c.step)", &st, err) < 0)
			return -1;
		sqlite3_bind_text(st, 1, json_string_value(json_object_get(list, "list")), -1, SQLITE_TRANSIENT);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			json_t *s = json_object();

			for (int k = 0; k < sqlite3_column_count(st); k++)
				json_object_set_new(s, sqlite3_column_name(st, k), jsonout_column(st, k));
			json_object_set_new(s, "automatic", json_false());	/* logged by a person */
			json_array_append_new(steps, s);
		}
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE)
			return wb_errf(err, _("cannot read the case: %s"), sqlite3_errmsg(db));
	}
	return 0;
}

static int
build_notes(wb_case *c, const struct report_opts *o, json_t *m, struct wb_err *err)
{
	json_t *arr = json_array();

	(void)o;
	json_object_set_new(m, "notes", arr);
	return query_rows(case_db(c), "SELECT id, user, at, text, list, step FROM notes ORDER BY id", 0, arr, err);
}

/* One timeline entry of the excerpt, sortable. */
struct tl_entry {
	int64_t ts, id;
	json_t *json;
};

static int
tl_entry_cmp(const void *a, const void *b)
{
	const struct tl_entry *x = a, *y = b;

	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	return (x->id > y->id) - (x->id < y->id);
}

struct tl_excerpt {
	sqlite3_stmt *before, *after;
	int64_t span;		/* microseconds either side of a key event */
	int context;		/* entries either side of a key event */
	struct tl_entry *e;	/* the current window's entries */
	size_t n, cap;
};

/* Add the rows of st (bound, ordered either way) to the window. */
static void
excerpt_take(struct tl_excerpt *x, sqlite3_stmt *st)
{
	while (sqlite3_step(st) == SQLITE_ROW) {
		json_t *e = json_object();

		json_object_set_new(e, "id", jsonout_column(st, 0));
		json_object_set_new(e, "ts", jsonout_time(sqlite3_column_int64(st, 1), 1));
		json_object_set_new(e, "evidence_id", jsonout_column(st, 2));
		json_object_set_new(e, "level", jsonout_column(st, 3));
		json_object_set_new(e, "kind", jsonout_column(st, 4));
		json_object_set_new(e, "summary", jsonout_column(st, 5));
		json_object_set_new(e, "local", json_boolean(sqlite3_column_int(st, 6)));
		json_object_set_new(e, "key", json_boolean(sqlite3_column_int(st, 7)));
		if (x->n == x->cap) {
			x->cap = x->cap ? 2 * x->cap : 64;
			x->e = xrealloc(x->e, x->cap * sizeof *x->e);
		}
		x->e[x->n++] = (struct tl_entry){sqlite3_column_int64(st, 1), sqlite3_column_int64(st, 0), e};
	}
	sqlite3_reset(st);
}

/* The context of one key event: entries before it and from it on. */
static void
excerpt_key(struct tl_excerpt *x, int64_t ts, int64_t id)
{
	sqlite3_bind_int64(x->before, 1, ts - x->span);
	sqlite3_bind_int64(x->before, 2, ts);
	sqlite3_bind_int64(x->before, 3, id);
	sqlite3_bind_int64(x->before, 4, x->context);
	excerpt_take(x, x->before);
	sqlite3_bind_int64(x->after, 1, ts + x->span);
	sqlite3_bind_int64(x->after, 2, ts);
	sqlite3_bind_int64(x->after, 3, id);
	sqlite3_bind_int64(x->after, 4, x->context + 1);
	excerpt_take(x, x->after);
}

/* Close a window: its entries in order, once each, while *left lasts.
 * NULL when none is left. */
static json_t *
excerpt_window(struct tl_excerpt *x, int64_t from, int64_t to, int *left, bool *truncated)
{
	json_t *w = json_object(), *entries = json_array();

	qsort(x->e, x->n, sizeof *x->e, tl_entry_cmp);
	for (size_t i = 0; i < x->n; i++) {
		if (i > 0 && x->e[i].id == x->e[i - 1].id)
			json_decref(x->e[i].json);
		else if (*left > 0) {
			json_array_append_new(entries, x->e[i].json);
			--*left;
		} else {
			*truncated = true;
			json_decref(x->e[i].json);
		}
	}
	x->n = 0;
	if (!json_array_size(entries)) {
		json_decref(entries);
		json_decref(w);
		return NULL;
	}
	json_object_set_new(w, "from", jsonout_time(from, 1));
	json_object_set_new(w, "to", jsonout_time(to, 1));
	json_object_set_new(w, "entries", entries);
	return w;
}

/* The timeline around the key events: each key event brings the entries
 * within ±window minutes of it, at most `context` either side (like grep
 * -C); overlapping windows merge; at most `max` entries in all. */
static int
build_timeline(wb_case *c, const struct report_opts *o, json_t *m, struct wb_err *err)
{
	static const char key_sql[] =
		"SELECT ts, id FROM timeline WHERE " KEY_EVENT " ORDER BY ts, id LIMIT " STRINGIFY(KEY_EVENTS_MAX);
#define TL_COLUMNS "SELECT id, ts, evidence_id, level, kind, summary, local, " KEY_EVENT " FROM timeline"
	static const char before_sql[] =
		TL_COLUMNS " WHERE ts >= ?1 AND (ts < ?2 OR (ts = ?2 AND id < ?3)) ORDER BY ts DESC, id DESC LIMIT ?4";
	static const char after_sql[] =
		TL_COLUMNS " WHERE ts <= ?1 AND (ts > ?2 OR (ts = ?2 AND id >= ?3)) ORDER BY ts, id LIMIT ?4";
#undef TL_COLUMNS
	int window = o && o->window_minutes > 0 ? o->window_minutes : REPORT_WINDOW_MINUTES;
	int left = o && o->timeline_max > 0 ? o->timeline_max : REPORT_TIMELINE_MAX;
	struct tl_excerpt x = {
		.span = (int64_t)window * 60 * WB_US_PER_SEC,
		.context = o && o->context > 0 ? o->context : REPORT_CONTEXT,
	};
	sqlite3 *db = case_db(c);
	json_t *tl = json_object(), *windows = json_array();
	sqlite3_stmt *keys = NULL;
	int64_t from = 0, to = 0;
	bool open = false, truncated = false;
	int rc = -1;

	json_object_set_new(tl, "window_minutes", json_integer(window));
	json_object_set_new(tl, "context_entries", json_integer(x.context));
	json_object_set_new(tl, "max_entries", json_integer(left));
	json_object_set_new(m, "timeline", tl);
	if (prepare(db, key_sql, &keys, err) < 0 || prepare(db, before_sql, &x.before, err) < 0 ||
	    prepare(db, after_sql, &x.after, err) < 0)
		goto out;
	/* One pass over the key events; a window is closed when the next key
	 * event no longer overlaps it (and at the end). */
	for (;;) {
		bool more = (rc = sqlite3_step(keys)) == SQLITE_ROW;
		int64_t ts = more ? sqlite3_column_int64(keys, 0) : 0;

		if (open && (!more || ts - x.span > to)) {
			json_t *w = excerpt_window(&x, from, to, &left, &truncated);

			if (w)
				json_array_append_new(windows, w);
			open = false;
		}
		if (!more || truncated)
			break;
		if (!open)
			from = ts - x.span;
		open = true;
		to = ts + x.span;
		excerpt_key(&x, ts, sqlite3_column_int64(keys, 1));
	}
	rc = rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : wb_errf(err, _("cannot read the case: %s"), sqlite3_errmsg(db));
out:
	sqlite3_finalize(keys);
	sqlite3_finalize(x.before);
	sqlite3_finalize(x.after);
	free(x.e);
	json_object_set_new(tl, "truncated", json_boolean(truncated));
	json_object_set_new(tl, "windows", windows);
	return rc;
}

/* The sections of a report, in order: each adds its member to the model. */
static int (*const builders[])(wb_case *, const struct report_opts *, json_t *, struct wb_err *) = {
	build_case, build_evidence, build_findings, build_decisions, build_checklist, build_notes,
	build_timeline,
};

json_t *
report_model(wb_case *c, const struct report_opts *opts, struct wb_err *err)
{
	json_t *m = json_object();

	json_object_set_new(m, "report", json_string("wb case report"));
	json_object_set_new(m, "version", json_integer(REPORT_VERSION));
	if (opts && opts->now)
		json_object_set_new(m, "generated_at", jsonout_time((int64_t)time(NULL) * WB_US_PER_SEC, 1));
	for (size_t i = 0; i < sizeof builders / sizeof builders[0]; i++)
		if (builders[i](c, opts, m, err) < 0)
			goto fail;
	if (opts && opts->annotate && opts->annotate(m, c, opts->annotate_ctx, err) < 0)
		goto fail;
	return m;
fail:
	json_decref(m);
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Writers: the primitives each text format implements                */
/* ------------------------------------------------------------------ */

enum block { BLOCK_NONE, BLOCK_HEADING, BLOCK_PARA, BLOCK_FIELDS, BLOCK_ITEMS, BLOCK_QUOTES, BLOCK_TABLE };

enum { TL_TIME, TL_SOURCE, TL_LEVEL, TL_KIND, TL_SUMMARY, TL_COLS };

static const char *const timeline_head[TL_COLS] = {
	N_("Time (UTC)"), N_("Source"), N_("Level"), N_("Kind"), N_("Summary"),
};

struct writer;

/* Any text handed to a writer may hold evidence: every format sanitises
 * (and escapes) all of it.  Blocks of one kind in a row form one list or
 * table; the writer closes and separates them (w->block). */
struct writer_ops {
	void (*begin)(struct writer *w, const char *title);
	void (*end)(struct writer *w);
	void (*heading)(struct writer *w, int level, const char *text);
	void (*para)(struct writer *w, const char *text);
	void (*field)(struct writer *w, const char *label, const char *value);
	void (*item)(struct writer *w, const char *text);	/* may hold '\n' */
	void (*quote)(struct writer *w, const char *where, const char *text);
	void (*row)(struct writer *w, const char *const cells[TL_COLS], bool key);
};

struct writer {
	FILE *out;
	const struct writer_ops *ops;
	enum block block;
};

static char *
clean(const char *s, bool lines)
{
	return sanitize_dup(s ? s : "", SANITIZE_TABS_AS_SPACE | (lines ? SANITIZE_KEEP_NEWLINES : 0));
}

/* ---- Markdown ---- */

/* Backslash-escape what Markdown would interpret.  Text that starts a line
 * (line_start) must not start a list or a heading underline either. */
static void
md_escape(FILE *out, const char *s, bool line_start)
{
	size_t digits = strspn(s, "0123456789");

	if (!line_start)
		;
	else if (*s && strchr("-+=", *s))
		fputc('\\', out);
	else if (digits && (s[digits] == '.' || s[digits] == ')')) {
		fwrite(s, 1, digits, out);
		s += digits;
		fputc('\\', out);
	}
	for (; *s; s++) {
		if (strchr("\\`*_[]<>|~&#", *s))
			fputc('\\', out);
		fputc(*s, out);
	}
}

/* Text on one line, or with `lines` its lines joined by hard breaks (inside
 * a list item). */
static void
md_put(struct writer *w, const char *s, bool line_start, bool lines)
{
	char *t = clean(s, lines), *line = t, *nl;

	while ((nl = strchr(line, '\n'))) {
		*nl = '\0';
		md_escape(w->out, line, line_start);
		fputs("\\\n  ", w->out);
		line = nl + 1;
		line_start = true;
	}
	md_escape(w->out, line, line_start);
	free(t);
}

/* A code span holds anything but a longer run of backticks. */
static void
md_code(struct writer *w, const char *s)
{
	char *t = clean(s, false);
	size_t run = 0, longest = 0;
	bool pad;

	for (const char *p = t; *p; p++) {
		run = *p == '`' ? run + 1 : 0;
		if (run > longest)
			longest = run;
	}
	pad = *t && (t[0] == '`' || t[0] == ' ' || t[strlen(t) - 1] == '`' || t[strlen(t) - 1] == ' ');
	for (size_t i = 0; i <= longest; i++)
		fputc('`', w->out);
	fprintf(w->out, "%s%s%s", pad ? " " : "", *t ? t : " ", pad ? " " : "");
	for (size_t i = 0; i <= longest; i++)
		fputc('`', w->out);
	free(t);
}

static void
md_block(struct writer *w, enum block b)
{
	bool list = b == BLOCK_ITEMS || b == BLOCK_QUOTES;
	bool was_list = w->block == BLOCK_ITEMS || w->block == BLOCK_QUOTES;

	if (w->block != BLOCK_NONE && (w->block != b || b == BLOCK_HEADING || b == BLOCK_PARA) &&
	    !(list && was_list))
		fputc('\n', w->out);
	if (b == BLOCK_TABLE && w->block != BLOCK_TABLE) {
		for (int i = 0; i < TL_COLS; i++)
			fprintf(w->out, "| %s ", _(timeline_head[i]));
		fputs("|\n", w->out);
		for (int i = 0; i < TL_COLS; i++)
			fputs("| --- ", w->out);
		fputs("|\n", w->out);
	}
	w->block = b;
}

/* Markdown and plain text need no preamble or trailer. */
static void
no_begin(struct writer *w, const char *title)
{
	(void)w;
	(void)title;
}

static void
no_end(struct writer *w)
{
	(void)w;
}

static void
md_heading(struct writer *w, int level, const char *text)
{
	md_block(w, BLOCK_HEADING);
	fprintf(w->out, "%.*s ", level, "######");
	md_put(w, text, false, false);
	fputc('\n', w->out);
}

static void
md_para(struct writer *w, const char *text)
{
	md_block(w, BLOCK_PARA);
	md_put(w, text, true, true);
	fputc('\n', w->out);
}

static void
md_field(struct writer *w, const char *label, const char *value)
{
	md_block(w, BLOCK_FIELDS);
	fputs("- **", w->out);
	md_put(w, label, false, false);
	fputs(":** ", w->out);
	md_put(w, value, false, true);
	fputc('\n', w->out);
}

static void
md_item(struct writer *w, const char *text)
{
	md_block(w, BLOCK_ITEMS);
	fputs("* ", w->out);
	md_put(w, text, true, true);
	fputc('\n', w->out);
}

static void
md_quote(struct writer *w, const char *where, const char *text)
{
	md_block(w, BLOCK_QUOTES);
	fputs("  - ", w->out);
	md_put(w, where, true, false);
	fputs(": ", w->out);
	md_code(w, text);
	fputc('\n', w->out);
}

static void
md_row(struct writer *w, const char *const cells[TL_COLS], bool key)
{
	md_block(w, BLOCK_TABLE);
	for (int i = 0; i < TL_COLS; i++) {
		fputs(i == TL_TIME && key ? "| **" : "| ", w->out);
		md_put(w, cells[i], false, false);
		fputs(i == TL_TIME && key ? "** " : " ", w->out);
	}
	fputs("|\n", w->out);
}

static const struct writer_ops md_ops = {
	.begin = no_begin, .end = no_end, .heading = md_heading, .para = md_para,
	.field = md_field, .item = md_item, .quote = md_quote, .row = md_row,
};

/* ---- HTML ---- */

static void
html_escape(FILE *out, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", out); break;
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '"': fputs("&quot;", out); break;
		case '\'': fputs("&#39;", out); break;
		case '\n': fputs("<br/>", out); break;
		default:
			/* U+FFFE and U+FFFF are not XML characters. */
			if ((unsigned char)s[0] == 0xEF && (unsigned char)s[1] == 0xBF &&
			    ((unsigned char)s[2] == 0xBE || (unsigned char)s[2] == 0xBF)) {
				fprintf(out, "&lt;U+FFF%c&gt;", (unsigned char)s[2] == 0xBE ? 'E' : 'F');
				s += 2;
			} else
				fputc(*s, out);
		}
	}
}

static void
html_put(struct writer *w, const char *s, bool lines)
{
	char *t = clean(s, lines);

	html_escape(w->out, t);
	free(t);
}

static void
html_block(struct writer *w, enum block b)
{
	static const char *const open[] = {
		[BLOCK_FIELDS] = "<table class=\"fields\">\n",
		[BLOCK_ITEMS] = "<ul>\n",
		[BLOCK_TABLE] = "<table class=\"timeline\">\n<tr>",
	};
	static const char *const close[] = {
		[BLOCK_FIELDS] = "</table>\n",
		[BLOCK_ITEMS] = "</li>\n</ul>\n",
		[BLOCK_QUOTES] = "</ul></li>\n</ul>\n",
		[BLOCK_TABLE] = "</table>\n",
	};

	if (w->block == b)
		return;
	if (w->block < sizeof close / sizeof close[0] && close[w->block])
		fputs(close[w->block], w->out);
	if (b < sizeof open / sizeof open[0] && open[b])
		fputs(open[b], w->out);
	if (b == BLOCK_TABLE) {
		for (int i = 0; i < TL_COLS; i++) {
			fputs("<th>", w->out);
			html_escape(w->out, _(timeline_head[i]));
			fputs("</th>", w->out);
		}
		fputs("</tr>\n", w->out);
	}
	w->block = b;
}

static void
html_begin(struct writer *w, const char *title)
{
	static const char style[] =
		"body{font-family:sans-serif;max-width:60em;margin:1em auto;padding:0 1em;"
		"color:#000;background:#fff;line-height:1.4}\n"
		"h1{font-size:1.5em;border-bottom:2px solid #444}\n"
		"h2{font-size:1.25em;border-bottom:1px solid #999;margin-top:1.5em}\n"
		"h3{font-size:1.05em;margin:1em 0 .3em}\n"
		"table{border-collapse:collapse;width:100%;margin:.3em 0}\n"
		"th,td{text-align:left;vertical-align:top;padding:.15em .4em;border:1px solid #ccc}\n"
		"table.fields th{width:11em;background:#f4f4f4;font-weight:normal}\n"
		"td,code{overflow-wrap:anywhere}\n"
		"code,table.timeline{font-family:monospace}\n"
		"ul.quotes{margin:0 0 .5em 2em;padding-left:1em;list-style:square}\n"
		"tr.key td{font-weight:bold;background:#fff3cd}\n"
		"@media print{body{max-width:none;margin:0}h2,h3{page-break-after:avoid}"
		"tr,li{page-break-inside:avoid}}\n";

	fputs("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\">\n<head>\n"
	      "<meta charset=\"utf-8\"/>\n<title>", w->out);
	html_put(w, title, false);
	fprintf(w->out, "</title>\n<style>\n%s</style>\n</head>\n<body>\n", style);
}

static void
html_end(struct writer *w)
{
	html_block(w, BLOCK_NONE);
	fputs("</body>\n</html>\n", w->out);
}

static void
html_heading(struct writer *w, int level, const char *text)
{
	html_block(w, BLOCK_HEADING);
	fprintf(w->out, "<h%d>", level);
	html_put(w, text, false);
	fprintf(w->out, "</h%d>\n", level);
}

static void
html_para(struct writer *w, const char *text)
{
	html_block(w, BLOCK_PARA);
	fputs("<p>", w->out);
	html_put(w, text, false);
	fputs("</p>\n", w->out);
}

static void
html_field(struct writer *w, const char *label, const char *value)
{
	html_block(w, BLOCK_FIELDS);
	fputs("<tr><th>", w->out);
	html_put(w, label, false);
	fputs("</th><td>", w->out);
	html_put(w, value, true);
	fputs("</td></tr>\n", w->out);
}

/* An item stays open so that the quotes after it nest inside it. */
static void
html_item(struct writer *w, const char *text)
{
	if (w->block == BLOCK_QUOTES)
		fputs("</ul></li>\n", w->out);
	else if (w->block == BLOCK_ITEMS)
		fputs("</li>\n", w->out);
	else
		html_block(w, BLOCK_ITEMS);
	w->block = BLOCK_ITEMS;
	fputs("<li>", w->out);
	html_put(w, text, true);
}

static void
html_quote(struct writer *w, const char *where, const char *text)
{
	if (w->block != BLOCK_ITEMS && w->block != BLOCK_QUOTES) {
		html_block(w, BLOCK_ITEMS);
		fputs("<li>", w->out);
	}
	if (w->block == BLOCK_ITEMS)
		fputs("\n<ul class=\"quotes\">\n", w->out);
	w->block = BLOCK_QUOTES;
	fputs("<li>", w->out);
	html_put(w, where, false);
	fputs(": <code>", w->out);
	html_put(w, text, false);
	fputs("</code></li>\n", w->out);
}

static void
html_row(struct writer *w, const char *const cells[TL_COLS], bool key)
{
	html_block(w, BLOCK_TABLE);
	fputs(key ? "<tr class=\"key\">" : "<tr>", w->out);
	for (int i = 0; i < TL_COLS; i++) {
		fputs("<td>", w->out);
		html_put(w, cells[i], false);
		fputs("</td>", w->out);
	}
	fputs("</tr>\n", w->out);
}

static const struct writer_ops html_ops = {
	.begin = html_begin, .end = html_end, .heading = html_heading, .para = html_para,
	.field = html_field, .item = html_item, .quote = html_quote, .row = html_row,
};

/* ---- plain text ---- */

/* Columns a code point takes on a terminal or in a fixed-width mail font:
 * 2 for East Asian wide and fullwidth characters, 0 for combining marks. */
static int
cp_width(unsigned cp)
{
	static const struct range { unsigned lo, hi; } zero[] = {
		{0x0300, 0x036F}, {0x200B, 0x200D}, {0x20D0, 0x20FF}, {0x3099, 0x309A}, {0xFE00, 0xFE0F},
	}, wide[] = {
		{0x1100, 0x115F}, {0x2E80, 0x303E}, {0x3041, 0x33FF}, {0x3400, 0x4DBF}, {0x4E00, 0x9FFF},
		{0xA000, 0xA4CF}, {0xAC00, 0xD7A3}, {0xF900, 0xFAFF}, {0xFE30, 0xFE4F}, {0xFF00, 0xFF60},
		{0xFFE0, 0xFFE6}, {0x1F300, 0x1F64F}, {0x1F900, 0x1F9FF}, {0x20000, 0x2FFFD}, {0x30000, 0x3FFFD},
	};

	for (size_t i = 0; i < sizeof zero / sizeof zero[0]; i++)
		if (cp >= zero[i].lo && cp <= zero[i].hi)
			return 0;
	for (size_t i = 0; i < sizeof wide / sizeof wide[0]; i++)
		if (cp >= wide[i].lo && cp <= wide[i].hi)
			return 2;
	return 1;
}

/* Decode one character of valid UTF-8 (sanitised text); returns its length. */
static size_t
u8_next(const char *s, unsigned *cp)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = p[0] < 0x80 ? 1 : p[0] < 0xE0 ? 2 : p[0] < 0xF0 ? 3 : 4;

	*cp = n == 1 ? p[0] : p[0] & (0x7F >> n);
	for (size_t i = 1; i < n; i++)
		*cp = (*cp << 6) | (p[i] & 0x3F);
	return n;
}

static int
u8_width(const char *s, size_t len, bool *wide)
{
	int width = 0;
	unsigned cp;

	for (size_t i = 0; i < len;) {
		i += u8_next(s + i, &cp);
		width += cp_width(cp);
		if (wide && cp_width(cp) == 2)
			*wide = true;
	}
	return width;
}

/* Write `prefix` and then text filled to REPORT_TXT_WIDTH columns, with
 * continuation lines indented by `indent` (plus the indentation of the
 * text's own line: an indented command stays indented).  Spaces inside a
 * line are kept (evidence is quoted as it is) except where the line is
 * broken.  Words that cannot fit on a line, and words with wide (CJK)
 * characters, which may break anywhere, are broken between characters.
 * Lines of text stay lines. */
static void
txt_wrap(FILE *out, const char *prefix, int indent, const char *text)
{
	char *t = clean(text, true);
	int col = u8_width(prefix, strlen(prefix), NULL);
	int cont = indent + (int)strspn(t, " ");	/* indentation after a break */
	const char *p = t;

	fputs(prefix, out);
	while (*p) {
		size_t gap, len;
		int width;
		bool wide = false;

		if (*p == '\n') {
			fprintf(out, "\n%*s", indent, "");
			col = indent;
			cont = indent + (int)strspn(++p, " ");
			continue;
		}
		if (cont > REPORT_TXT_WIDTH / 2)
			cont = REPORT_TXT_WIDTH / 2;
		gap = strspn(p, " ");
		p += gap;
		if (!*p || *p == '\n')
			continue;	/* trailing spaces */
		len = strcspn(p, " \n");
		width = u8_width(p, len, &wide);
		if (col + (int)gap + width <= REPORT_TXT_WIDTH) {
			fprintf(out, "%*s%.*s", (int)gap, "", (int)len, p);
			col += (int)gap + width;
		} else if (col > cont && !wide && cont + width <= REPORT_TXT_WIDTH) {
			fprintf(out, "\n%*s%.*s", cont, "", (int)len, p);
			col = cont + width;
		} else {
			if (col + (int)gap < REPORT_TXT_WIDTH) {
				fprintf(out, "%*s", (int)gap, "");
				col += (int)gap;
			}
			for (size_t i = 0, n; i < len; i += n) {
				unsigned cp;

				n = u8_next(p + i, &cp);
				if (col + cp_width(cp) > REPORT_TXT_WIDTH) {
					fprintf(out, "\n%*s", cont, "");
					col = cont;
				}
				fwrite(p + i, 1, n, out);
				col += cp_width(cp);
			}
		}
		p += len;
	}
	fputc('\n', out);
	free(t);
}

static void
txt_block(struct writer *w, enum block b)
{
	if (w->block != BLOCK_NONE && w->block != BLOCK_HEADING &&
	    (w->block != b || b == BLOCK_PARA) && !(w->block == BLOCK_ITEMS && b == BLOCK_QUOTES) &&
	    !(w->block == BLOCK_QUOTES && b == BLOCK_ITEMS))
		fputc('\n', w->out);
	w->block = b;
}

static void
txt_heading(struct writer *w, int level, const char *text)
{
	char *t = clean(text, false);
	int width = u8_width(t, strlen(t), NULL);

	if (w->block != BLOCK_NONE)
		fputc('\n', w->out);
	txt_wrap(w->out, "", 0, t);
	if (level < 3) {
		for (int i = 0; i < width && i < REPORT_TXT_WIDTH; i++)
			fputc(level == 1 ? '=' : '-', w->out);
		fputc('\n', w->out);
	}
	w->block = BLOCK_HEADING;
	free(t);
}

static void
txt_para(struct writer *w, const char *text)
{
	txt_block(w, BLOCK_PARA);
	txt_wrap(w->out, "", 0, text);
}

static void
txt_field(struct writer *w, const char *label, const char *value)
{
	enum { VALUE_COLUMN = 16 };
	char *l = clean(label, false);
	int width = u8_width(l, strlen(l), NULL) + 3;	/* "  " and ":" */
	char *prefix = xasprintf("  %s:%*s", l, width < VALUE_COLUMN ? VALUE_COLUMN - width : 1, "");

	txt_block(w, BLOCK_FIELDS);
	txt_wrap(w->out, prefix, VALUE_COLUMN, value);
	free(prefix);
	free(l);
}

static void
txt_item(struct writer *w, const char *text)
{
	txt_block(w, BLOCK_ITEMS);
	txt_wrap(w->out, "  - ", 4, text);
}

static void
txt_quote(struct writer *w, const char *where, const char *text)
{
	char *t = xasprintf("%s: %s", where, text);

	txt_block(w, BLOCK_QUOTES);
	txt_wrap(w->out, "      > ", 8, t);
	free(t);
}

static void
txt_row(struct writer *w, const char *const cells[TL_COLS], bool key)
{
	char *head = xasprintf("%s  %s  %s  %s", cells[TL_TIME], cells[TL_SOURCE], cells[TL_LEVEL],
			       cells[TL_KIND]);

	txt_block(w, BLOCK_TABLE);
	txt_wrap(w->out, key ? "* " : "  ", 2, head);
	txt_wrap(w->out, "      ", 6, cells[TL_SUMMARY]);
	free(head);
}

static const struct writer_ops txt_ops = {
	.begin = no_begin, .end = no_end, .heading = txt_heading, .para = txt_para,
	.field = txt_field, .item = txt_item, .quote = txt_quote, .row = txt_row,
};

/* ------------------------------------------------------------------ */
/* Rendering the model through a writer                               */
/* ------------------------------------------------------------------ */

static const char *
text_of(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static const char *
or_dash(const char *s)
{
	return s && *s ? s : "-";
}

static long long
int_of(json_t *o, const char *key)
{
	return (long long)json_integer_value(json_object_get(o, key));
}

/* Writer calls that take a malloc'd text and free it. */
static void
field_own(struct writer *w, const char *label, char *value)
{
	w->ops->field(w, label, value);
	free(value);
}

static void
item_own(struct writer *w, char *text)
{
	w->ops->item(w, text);
	free(text);
}

static void
para_own(struct writer *w, char *text)
{
	w->ops->para(w, text);
	free(text);
}

static void
heading_own(struct writer *w, int level, char *text)
{
	w->ops->heading(w, level, text);
	free(text);
}

/* How many findings stand confirmed or dismissed. */
static void
count_decided(json_t *findings, size_t *confirmed, size_t *dismissed)
{
	json_t *f;
	size_t i;

	*confirmed = *dismissed = 0;
	json_array_foreach(findings, i, f) {
		const char *state = text_of(json_object_get(f, "decision"), "state");

		if (state && !strcmp(state, "confirmed"))
			++*confirmed;
		else if (state && !strcmp(state, "dismissed"))
			++*dismissed;
	}
}

static void
render_case(struct writer *w, json_t *m)
{
	json_t *c = json_object_get(m, "case"), *ev;
	long long records = 0;
	size_t confirmed, dismissed, i;

	w->ops->heading(w, 2, _("Summary"));
	w->ops->field(w, _("Case"), or_dash(text_of(c, "name")));
	w->ops->field(w, _("Title"), or_dash(text_of(c, "title")));
	w->ops->field(w, _("Symptom"), or_dash(text_of(c, "symptom")));
	w->ops->field(w, _("Status"), or_dash(text_of(c, "status")));
	w->ops->field(w, _("Time zone"), or_dash(text_of(c, "timezone")));
	w->ops->field(w, _("Created"), or_dash(text_of(c, "created")));
	json_array_foreach(json_object_get(m, "evidence"), i, ev)
		records += int_of(ev, "records");
	field_own(w, _("Evidence"), xasprintf(_("files: %zu, records: %lld"),
					      json_array_size(json_object_get(m, "evidence")), records));
	count_decided(json_object_get(m, "findings"), &confirmed, &dismissed);
	field_own(w, _("Findings"), xasprintf(_("%zu (confirmed: %zu, dismissed: %zu)"),
					      json_array_size(json_object_get(m, "findings")), confirmed, dismissed));
	if (text_of(m, "generated_at"))
		w->ops->field(w, _("Generated"), text_of(m, "generated_at"));
}

static void
render_evidence(struct writer *w, json_t *m)
{
	json_t *arr = json_object_get(m, "evidence"), *ev, *warn;
	size_t i, k;

	w->ops->heading(w, 2, _("Evidence"));
	if (!json_array_size(arr))
		w->ops->para(w, _("No evidence imported."));
	json_array_foreach(arr, i, ev) {
		const char *scope = text_of(ev, "hash_scope");
		long long more = int_of(ev, "warnings_total") - (long long)json_array_size(json_object_get(ev, "warnings"));
		const char *path = or_dash(text_of(ev, "path"));
		const char *base = strrchr(path, '/') && strrchr(path, '/')[1] ? strrchr(path, '/') + 1 : path;

		heading_own(w, 3, xasprintf(_("Evidence %lld: %s (%s)"), int_of(ev, "id"), base,
					    or_dash(text_of(ev, "kind"))));
		w->ops->field(w, _("Path"), or_dash(text_of(ev, "path")));
		field_own(w, _("Size"), xasprintf(_("%lld bytes"), int_of(ev, "size")));
		if (scope && strcmp(scope, "full"))
			field_own(w, _("SHA-256"), xasprintf("%s (%s)", or_dash(text_of(ev, "sha256")), scope));
		else
			w->ops->field(w, _("SHA-256"), or_dash(text_of(ev, "sha256")));
		field_own(w, _("Records"), xasprintf("%lld", int_of(ev, "records")));
		w->ops->field(w, _("Status"), or_dash(text_of(ev, "status")));
		field_own(w, _("Importer"), xasprintf("%s %s", or_dash(text_of(ev, "importer")),
							or_dash(text_of(ev, "importer_version"))));
		field_own(w, _("Imported"), xasprintf(_("%s by %s"), or_dash(text_of(ev, "imported_at")),
							or_dash(text_of(ev, "imported_by"))));
		w->ops->field(w, _("Time zone"), text_of(ev, "tz_assumption") ? text_of(ev, "tz_assumption")
									 : _("none assumed"));
		w->ops->field(w, _("Summary"), or_dash(text_of(ev, "summary")));
		json_array_foreach(json_object_get(ev, "warnings"), k, warn)
			item_own(w, xasprintf(_("Warning: %s"), or_dash(json_string_value(warn))));
		if (more > 0)
			item_own(w, xasprintf(_("... and %lld more warnings (wb evidence)"), more));
	}
}

/* Article texts are written with line breaks where the author's editor put
 * them.  Join a line to the next (with a space, or without one between wide
 * characters, as Japanese is written) unless either is empty or indented,
 * the line ends with ':' or the next starts a list: those breaks are the
 * author's.  Returns a malloc'd copy. */
static char *
reflow(const char *s)
{
	struct wb_buf b = {0};
	const char *line = s;

	buf_puts(&b, "");
	for (;;) {
		const char *nl = strchr(line, '\n'), *next = nl ? nl + 1 : NULL;
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		size_t digits = next ? strspn(next, "0123456789") : 0;
		bool keep;

		buf_append(&b, line, len);
		if (!nl)
			break;
		keep = !len || line[0] == ' ' || line[len - 1] == ':' || !*next || strchr(" \n-*", *next) ||
		       (digits && (next[digits] == '.' || next[digits] == ')'));
		if (keep) {
			buf_puts(&b, "\n");
		} else {
			unsigned last = 0, first;
			const char *p = line;

			while (p < line + len)
				p += u8_next(p, &last);
			u8_next(next, &first);
			if (cp_width(last) != 2 && cp_width(first) != 2)
				buf_puts(&b, " ");
		}
		line = next;
	}
	return b.data;
}

/* The strings of an array, joined by ", " (malloc'd). */
static char *
joined(json_t *arr)
{
	struct wb_buf b = {0};
	json_t *v;
	size_t i;

	buf_puts(&b, "");
	json_array_foreach(arr, i, v)
		buf_printf(&b, "%s%s", i ? ", " : "", or_dash(json_string_value(v)));
	return b.data;
}

/* The evidence rows behind a clause. */
static void
render_quotes(struct writer *w, json_t *clause)
{
	json_t *q, *fact;
	size_t i, k;

	json_array_foreach(json_object_get(clause, "quotes"), i, q) {
		struct wb_buf where = {0};
		const char *sep = " [";

		if (text_of(q, "where"))
			buf_printf(&where, _("evidence %lld, %s"), int_of(q, "evidence_id"), text_of(q, "where"));
		else
			buf_printf(&where, _("evidence %lld"), int_of(q, "evidence_id"));
		json_array_foreach(json_object_get(q, "facts"), k, fact) {
			buf_printf(&where, "%s%s", sep, or_dash(json_string_value(fact)));
			sep = "; ";
		}
		buf_puts(&where, "]");
		w->ops->quote(w, where.data, or_dash(text_of(q, "text")));
		buf_fini(&where);
	}
}

static void
render_findings(struct writer *w, json_t *m)
{
	json_t *arr = json_object_get(m, "findings"), *f, *cl;
	size_t i, k;

	w->ops->heading(w, 2, _("Findings"));
	if (!json_array_size(arr))
		w->ops->para(w, _("No documented issue matches the evidence."));
	json_array_foreach(arr, i, f) {
		json_t *d = json_object_get(f, "decision");

		if (text_of(f, "title"))
			heading_own(w, 3, xasprintf("%lld. %s: %s", int_of(f, "rank"), or_dash(text_of(f, "article")),
						    text_of(f, "title")));
		else
			heading_own(w, 3, xasprintf("%lld. %s", int_of(f, "rank"), or_dash(text_of(f, "article"))));
		field_own(w, _("Score"), xasprintf("%g", json_number_value(json_object_get(f, "score"))));
		w->ops->field(w, _("State"), or_dash(text_of(f, "state")));
		if (json_is_object(d))
			field_own(w, _("Decision"), xasprintf(_("%s by %s at %s: %s"), or_dash(text_of(d, "state")),
							      or_dash(text_of(d, "user")), or_dash(text_of(d, "at")),
							      or_dash(text_of(d, "reason"))));
		else
			w->ops->field(w, _("Decision"), _("none yet"));
		if (text_of(f, "summary"))
			field_own(w, _("Summary"), reflow(text_of(f, "summary")));
		if (text_of(f, "resolution"))
			field_own(w, _("Resolution"), reflow(text_of(f, "resolution")));
		if (text_of(f, "fixed_in"))
			field_own(w, _("Fixed in"), reflow(text_of(f, "fixed_in")));
		if (json_array_size(json_object_get(f, "kbs")))
			field_own(w, _("Updates"), joined(json_object_get(f, "kbs")));
		json_array_foreach(json_object_get(f, "references"), k, cl)
			field_own(w, _("Reference"), xasprintf("%s <%s>", or_dash(text_of(cl, "title")),
							       or_dash(text_of(cl, "url"))));
		if (text_of(f, "why_rank"))
			w->ops->field(w, _("Ranked below"), text_of(f, "why_rank"));
		json_array_foreach(json_object_get(f, "hits"), k, cl) {
			item_own(w, xasprintf(_("Found: %s (clause %s, weight %g, matches: %lld)"),
					      or_dash(text_of(cl, "label")), or_dash(text_of(cl, "clause")),
					      json_number_value(json_object_get(cl, "weight")), int_of(cl, "count")));
			render_quotes(w, cl);
		}
		json_array_foreach(json_object_get(f, "excluded_by"), k, cl) {
			item_own(w, xasprintf(_("Ruled out by: %s (clause %s)"), or_dash(text_of(cl, "label")),
					      or_dash(text_of(cl, "clause"))));
			render_quotes(w, cl);
		}
		json_array_foreach(json_object_get(f, "missing"), k, cl) {
			if (text_of(cl, "collect"))
				item_own(w, xasprintf(_("Missing: %s; collect: %s"), or_dash(text_of(cl, "label")),
						      text_of(cl, "collect")));
			else
				item_own(w, xasprintf(_("Missing: %s"), or_dash(text_of(cl, "label"))));
		}
		json_array_foreach(json_object_get(f, "failed"), k, cl)
			item_own(w, xasprintf(_("Not in the evidence: %s"), or_dash(text_of(cl, "label"))));
	}
}

static void
render_decisions(struct writer *w, json_t *m)
{
	json_t *arr = json_object_get(m, "decisions"), *d;
	size_t i;

	w->ops->heading(w, 2, _("Decisions"));
	if (!json_array_size(arr))
		w->ops->para(w, _("No finding has been confirmed or dismissed."));
	json_array_foreach(arr, i, d)
		item_own(w, xasprintf(_("%s %s: %s by %s: %s"), or_dash(text_of(d, "at")), or_dash(text_of(d, "article")),
				      or_dash(text_of(d, "state")), or_dash(text_of(d, "user")),
				      or_dash(text_of(d, "reason"))));
}

static void
render_checklist(struct writer *w, json_t *m)
{
	json_t *arr = json_object_get(m, "checklist"), *list, *step;
	size_t i, k;

	w->ops->heading(w, 2, _("Checklist"));
	if (!json_array_size(arr))
		w->ops->para(w, _("No checklist has been started."));
	json_array_foreach(arr, i, list) {
		if (text_of(list, "title"))
			heading_own(w, 3, xasprintf("%s: %s", or_dash(text_of(list, "list")), text_of(list, "title")));
		else
			w->ops->heading(w, 3, or_dash(text_of(list, "list")));
		if (text_of(list, "started_at"))
			field_own(w, _("Started"), xasprintf(_("%s by %s"), text_of(list, "started_at"),
							     or_dash(text_of(list, "started_by"))));
		json_array_foreach(json_object_get(list, "steps"), k, step) {
			struct wb_buf b = {0};

			buf_printf(&b, "[%s] %s", or_dash(text_of(step, "state")), or_dash(text_of(step, "step")));
			if (text_of(step, "text"))
				buf_printf(&b, ": %s", text_of(step, "text"));
			if (text_of(step, "answer"))
				buf_printf(&b, _("\nanswer: %s"), text_of(step, "answer"));
			if (text_of(step, "user"))
				buf_printf(&b, _("\n%s by %s"), or_dash(text_of(step, "at")), text_of(step, "user"));
			w->ops->item(w, b.data);
			buf_fini(&b);
		}
	}
}

static void
render_notes(struct writer *w, json_t *m)
{
	json_t *arr = json_object_get(m, "notes"), *n;
	size_t i;

	w->ops->heading(w, 2, _("Notes"));
	if (!json_array_size(arr))
		w->ops->para(w, _("No notes."));
	json_array_foreach(arr, i, n) {
		if (text_of(n, "list"))
			item_own(w, xasprintf(_("%s %s (checklist %s, step %s):\n%s"), or_dash(text_of(n, "at")),
					      or_dash(text_of(n, "user")), text_of(n, "list"),
					      or_dash(text_of(n, "step")), or_dash(text_of(n, "text"))));
		else
			item_own(w, xasprintf("%s %s:\n%s", or_dash(text_of(n, "at")), or_dash(text_of(n, "user")),
					      or_dash(text_of(n, "text"))));
	}
}

static void
render_timeline(struct writer *w, json_t *m)
{
	json_t *tl = json_object_get(m, "timeline"), *win, *e;
	size_t i, k;

	w->ops->heading(w, 2, _("Timeline excerpt"));
	if (!json_array_size(json_object_get(tl, "windows"))) {
		w->ops->para(w, _("No key events (critical or error entries, bugchecks, crashes, shutdowns)."));
		return;
	}
	para_own(w, xasprintf(_("Entries within %lld minutes of a key event (critical or error entry, bugcheck, "
				"crash, shutdown; marked), at most %lld either side.  Times are UTC; ~ marks a "
				"time read from a local clock with an assumed time zone."),
			      int_of(tl, "window_minutes"), int_of(tl, "context_entries")));
	json_array_foreach(json_object_get(tl, "windows"), i, win) {
		para_own(w, xasprintf(_("From %s to %s:"), or_dash(text_of(win, "from")), or_dash(text_of(win, "to"))));
		json_array_foreach(json_object_get(win, "entries"), k, e) {
			char *time = xasprintf("%s%s", json_is_true(json_object_get(e, "local")) ? "~" : "",
					       or_dash(text_of(e, "ts")));
			char *source = xasprintf("#%lld", int_of(e, "evidence_id"));
			const char *cells[TL_COLS] = {
				[TL_TIME] = time, [TL_SOURCE] = source, [TL_LEVEL] = or_dash(text_of(e, "level")),
				[TL_KIND] = or_dash(text_of(e, "kind")), [TL_SUMMARY] = or_dash(text_of(e, "summary")),
			};

			w->ops->row(w, cells, json_is_true(json_object_get(e, "key")));
			free(time);
			free(source);
		}
	}
	if (json_is_true(json_object_get(tl, "truncated")))
		para_own(w, xasprintf(_("The excerpt stops after %lld entries (wb timeline shows them all)."),
				      int_of(tl, "max_entries")));
}

static void (*const renderers[])(struct writer *, json_t *) = {
	render_case, render_evidence, render_findings, render_decisions, render_checklist, render_notes,
	render_timeline,
};

static const struct format {
	const char *name;
	const struct writer_ops *ops;	/* NULL: the model as JSON */
} formats[] = {
	[REPORT_MD] = {"md", &md_ops},
	[REPORT_HTML] = {"html", &html_ops},
	[REPORT_TXT] = {"txt", &txt_ops},
	[REPORT_JSON] = {"json", NULL},
};

int
report_format_parse(const char *name, enum report_format *fmt)
{
	for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++) {
		if (!strcmp(formats[i].name, name)) {
			*fmt = (enum report_format)i;
			return 0;
		}
	}
	return -1;
}

const char *
report_format_name(enum report_format fmt)
{
	return formats[fmt].name;
}

/* JSON leaves C1 controls and bidi controls raw inside strings; a report
 * shown in a terminal must not carry them, so write them as \uXXXX (they
 * can only occur inside strings: JSON syntax is ASCII). */
static int
json_write(json_t *model, FILE *out)
{
	char *doc = json_dumps(model, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	unsigned cp;

	if (!doc)
		return -1;
	for (const char *p = doc; *p;) {
		size_t n = u8_next(p, &cp);

		if ((cp >= 0x80 && cp <= 0x9F) || (cp >= 0x202A && cp <= 0x202E) ||
		    (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200E || cp == 0x200F || cp == 0x061C)
			fprintf(out, "\\u%04X", cp);
		else
			fwrite(p, 1, n, out);
		p += n;
	}
	fputc('\n', out);
	free(doc);
	return 0;
}

int
report_render(json_t *model, enum report_format fmt, FILE *out, struct wb_err *err)
{
	struct writer w = {.out = out, .ops = formats[fmt].ops, .block = BLOCK_NONE};

	if (!w.ops) {
		if (json_write(model, out) < 0)
			return wb_errf(err, _("cannot write the report"));
	} else {
		char *title = xasprintf(_("Case report: %s"),
					or_dash(text_of(json_object_get(model, "case"), "name")));

		w.ops->begin(&w, title);
		w.ops->heading(&w, 1, title);
		for (size_t i = 0; i < sizeof renderers / sizeof renderers[0]; i++)
			renderers[i](&w, model);
		w.ops->end(&w);
		free(title);
	}
	if (fflush(out) != 0 || ferror(out))
		return wb_errf(err, _("cannot write the report"));
	return 0;
}

int
report_write(wb_case *c, enum report_format fmt, FILE *out, const struct report_opts *opts,
	     struct wb_err *err)
{
	json_t *m = report_model(c, opts, err);
	int rc;

	if (!m)
		return -1;
	rc = report_render(m, fmt, out, err);
	json_decref(m);
	return rc;
}

int
report_format_from_path(const char *path, enum report_format *fmt)
{
	const char *dot = strrchr(path, '.');

	if (!dot || strchr(dot, '/'))
		return -1;
	if (!strcmp(dot, ".htm"))
		dot = ".html";
	return report_format_parse(dot + 1, fmt);
}

/* Renaming over a device or a FIFO would replace it: write it in place. */
static int
save_in_place(wb_case *c, enum report_format fmt, const char *path, const struct report_opts *opts,
	      struct wb_err *err)
{
	FILE *out = fopen(path, "w");
	int rc;

	if (!out)
		return wb_errf(err, _("cannot write %s: %s"), path, strerror(errno));
	rc = report_write(c, fmt, out, opts, err);
	if (fclose(out) != 0 && rc == 0)
		rc = wb_errf(err, _("cannot write %s: %s"), path, strerror(errno));
	return rc;
}

int
report_save(wb_case *c, enum report_format fmt, const char *path, const struct report_opts *opts,
	    struct wb_err *err)
{
	struct stat sb;
	char *tmp;
	int fd, rc = -1;
	FILE *out;

	if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode) && !S_ISDIR(sb.st_mode))
		return save_in_place(c, fmt, path, opts, err);
	tmp = xasprintf("%s.XXXXXX", path);
	if ((fd = mkstemp(tmp)) < 0) {
		wb_errf(err, _("cannot create %s: %s"), path, strerror(errno));
		free(tmp);
		return -1;
	}
	/* mkstemp() makes 0600 files; say so whatever the libc. */
	if (fchmod(fd, 0600) < 0 || !(out = fdopen(fd, "w"))) {
		wb_errf(err, _("cannot write %s: %s"), path, strerror(errno));
		close(fd);
		goto out;
	}
	rc = report_write(c, fmt, out, opts, err);
	if (rc == 0 && (fflush(out) != 0 || fsync(fileno(out)) < 0))
		rc = wb_errf(err, _("cannot write %s: %s"), path, strerror(errno));
	if (fclose(out) != 0 && rc == 0)
		rc = wb_errf(err, _("cannot write %s: %s"), path, strerror(errno));
	if (rc == 0 && rename(tmp, path) < 0)
		rc = wb_errf(err, _("cannot write %s: %s"), path, strerror(errno));
out:
	if (rc < 0)
		unlink(tmp);
	free(tmp);
	return rc;
}
