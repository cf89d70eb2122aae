/* Case reports: the case database read into the report model (docs/REPORT.md);
 * core/report_render.c writes it out. */
#include "report.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "jsonout.h"

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
 * quote.  Facts that point at no row are quoted each by its own text. */
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
		if (table && json_integer_value(json_object_get(q, "evidence_id")) == ev &&
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
