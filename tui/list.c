/*
 * A window of rows onto an SQL query, read with keyset pagination: the
 * window is always "the next height rows from (key, id)", so a table of a
 * million rows costs the same as one of ten.  Moving past the window asks
 * the index for the key n rows away (ORDER BY key, id LIMIT n) and re-reads.
 */
#include <stdlib.h>
#include <string.h>

#include "tui.h"

enum { ST_ROWS, ST_FWD, ST_BACK, ST_FIRST, ST_LAST, ST_COUNT_ALL, ST_COUNT_BEFORE };

static void
free_rows(struct wb_list *l)
{
	for (int i = 0; i < l->nrows; i++) {
		sqlite3_value_free(l->rows[i].key);
		for (int c = 0; c < l->ncols; c++)
			free(l->rows[i].col[c]);
		free(l->rows[i].col);
	}
	l->nrows = 0;
}

static void
finalize_all(struct wb_list *l)
{
	for (size_t i = 0; i < sizeof l->st / sizeof l->st[0]; i++) {
		sqlite3_finalize(l->st[i]);
		l->st[i] = NULL;
	}
}

static int
prepare_all(struct wb_list *l, struct wb_err *err)
{
	const struct list_spec *s = &l->spec;
	char *sql[7], *w = xasprintf("(%s) AND (%s)", l->base ? l->base : "1", l->where);
	int rc = 0;

	sql[ST_ROWS] = xasprintf("SELECT %s, %s, %s FROM %s WHERE (%s) AND (%s, %s) >= (?1, ?2) "
				 "ORDER BY %s, %s LIMIT ?3",
				 s->key, s->id, s->cols, s->from, w, s->key, s->id, s->key, s->id);
	sql[ST_FWD] = xasprintf("SELECT %s, %s FROM %s WHERE (%s) AND (%s, %s) > (?1, ?2) "
				"ORDER BY %s, %s LIMIT ?3",
				s->key, s->id, s->from, w, s->key, s->id, s->key, s->id);
	sql[ST_BACK] = xasprintf("SELECT %s, %s FROM %s WHERE (%s) AND (%s, %s) < (?1, ?2) "
				 "ORDER BY %s DESC, %s DESC LIMIT ?3",
				 s->key, s->id, s->from, w, s->key, s->id, s->key, s->id);
	sql[ST_FIRST] = xasprintf("SELECT %s, %s FROM %s WHERE (%s) ORDER BY %s, %s LIMIT 1",
				  s->key, s->id, s->from, w, s->key, s->id);
	sql[ST_LAST] = xasprintf("SELECT %s, %s FROM %s WHERE (%s) ORDER BY %s DESC, %s DESC LIMIT 1",
				 s->key, s->id, s->from, w, s->key, s->id);
	sql[ST_COUNT_ALL] = xasprintf("SELECT count(*) FROM %s WHERE (%s)", s->from, w);
	sql[ST_COUNT_BEFORE] = xasprintf("SELECT count(*) FROM %s WHERE (%s) AND (%s, %s) <= (?1, ?2)",
					 s->from, w, s->key, s->id);
	finalize_all(l);
	for (int i = 0; i < 7; i++) {
		if (!rc && sqlite3_prepare_v2(l->db, sql[i], -1, &l->st[i], NULL) != SQLITE_OK)
			rc = wb_errf(err, "%s", sqlite3_errmsg(l->db));
		free(sql[i]);
	}
	free(w);
	if (rc)
		finalize_all(l);
	else
		l->ncols = sqlite3_column_count(l->st[ST_ROWS]) - 2;
	return rc;
}

int
list_init(struct wb_list *l, sqlite3 *db, const struct list_spec *spec, struct wb_err *err)
{
	memset(l, 0, sizeof *l);
	l->db = db;
	l->spec.from = xstrdup(spec->from);
	l->spec.key = xstrdup(spec->key);
	l->spec.id = xstrdup(spec->id);
	l->spec.cols = xstrdup(spec->cols);
	l->spec.search = xstrdup(spec->search ? spec->search : "''");
	l->height = 1;
	return list_set_where(l, "1", err);
}

void
list_fini(struct wb_list *l)
{
	if (!l->db)
		return;
	free_rows(l);
	free(l->rows);
	finalize_all(l);
	free((char *)l->spec.from);
	free((char *)l->spec.key);
	free((char *)l->spec.id);
	free((char *)l->spec.cols);
	free((char *)l->spec.search);
	free(l->where);
	free(l->base);
	memset(l, 0, sizeof *l);
}

static int64_t
count(struct wb_list *l, int which, const struct list_row *r)
{
	sqlite3_stmt *st = l->st[which];
	int64_t n = 0;

	if (!st)
		return 0;
	if (r) {
		sqlite3_bind_value(st, 1, r->key);
		sqlite3_bind_int64(st, 2, r->id);
	}
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return n;
}

int
list_set_where(struct wb_list *l, const char *where, struct wb_err *err)
{
	char *old = l->where;

	l->where = xstrdup(where && *where ? where : "1");
	if (prepare_all(l, err) < 0) {
		/* keep the old filter working */
		free(l->where);
		l->where = old ? old : xstrdup("1");
		if (old)
			prepare_all(l, NULL);
		return -1;
	}
	free(old);
	l->total = count(l, ST_COUNT_ALL, NULL);
	list_first(l);
	return 0;
}

int
list_set_base(struct wb_list *l, const char *base, struct wb_err *err)
{
	char *where = xstrdup(l->where ? l->where : "1");
	int rc;

	free(l->base);
	l->base = xstrdup(base);
	rc = list_set_where(l, where, err);
	free(where);
	return rc;
}

int
list_set_order(struct wb_list *l, const char *key, struct wb_err *err)
{
	char *old = (char *)l->spec.key;

	l->spec.key = xstrdup(key);
	if (prepare_all(l, err) < 0) {
		free((char *)l->spec.key);
		l->spec.key = old;
		prepare_all(l, NULL);
		return -1;
	}
	free(old);
	list_first(l);
	return 0;
}

/* Fill the window from (key, id) inclusive. */
static void
load(struct wb_list *l, sqlite3_value *key, int64_t id)
{
	sqlite3_stmt *st = l->st[ST_ROWS];

	free_rows(l);
	if (!st || !key)
		return;
	if (l->cap < l->height) {
		l->cap = l->height;
		l->rows = xrealloc(l->rows, (size_t)l->cap * sizeof *l->rows);
	}
	sqlite3_bind_value(st, 1, key);
	sqlite3_bind_int64(st, 2, id);
	sqlite3_bind_int(st, 3, l->height);
	while (l->nrows < l->height && sqlite3_step(st) == SQLITE_ROW) {
		struct list_row *r = &l->rows[l->nrows++];

		r->key = sqlite3_value_dup(sqlite3_column_value(st, 0));
		r->id = sqlite3_column_int64(st, 1);
		r->col = xcalloc((size_t)l->ncols + 1, sizeof *r->col);
		for (int c = 0; c < l->ncols; c++) {
			const unsigned char *t = sqlite3_column_text(st, c + 2);

			r->col[c] = t ? xstrdup((const char *)t) : NULL;
		}
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}

/* Walk up to n rows from (key, id) forward (ST_FWD) or back (ST_BACK).
 * Returns the rows walked; the last one goes to *okey and *oid (a copy the caller
 * frees), or stays untouched when none. */
static int
walk(struct wb_list *l, int which, sqlite3_value *key, int64_t id, int n,
     sqlite3_value **okey, int64_t *oid)
{
	sqlite3_stmt *st = l->st[which];
	int m = 0;

	if (!st || !key || n <= 0)
		return 0;
	sqlite3_bind_value(st, 1, key);
	sqlite3_bind_int64(st, 2, id);
	sqlite3_bind_int(st, 3, n);
	while (sqlite3_step(st) == SQLITE_ROW) {
		m++;
		sqlite3_value_free(*okey);
		*okey = sqlite3_value_dup(sqlite3_column_value(st, 0));
		*oid = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return m;
}

static bool
edge(struct wb_list *l, int which, sqlite3_value **okey, int64_t *oid)
{
	sqlite3_stmt *st = l->st[which];
	bool found = false;

	if (!st)
		return false;
	if (sqlite3_step(st) == SQLITE_ROW) {
		*okey = sqlite3_value_dup(sqlite3_column_value(st, 0));
		*oid = sqlite3_column_int64(st, 1);
		found = true;
	}
	sqlite3_reset(st);
	return found;
}

/* Put the row (key, id) at window row `anchor` (as near as the data allows). */
static void
place(struct wb_list *l, sqlite3_value *key, int64_t id, int anchor)
{
	sqlite3_value *top = sqlite3_value_dup(key);
	int64_t topid = id;
	int m;

	if (anchor >= l->height)
		anchor = l->height - 1;
	if (anchor < 0)
		anchor = 0;
	m = walk(l, ST_BACK, key, id, anchor, &top, &topid);
	load(l, top, topid);
	l->cy = m;
	if (l->nrows < l->height && l->nrows > 0) {
		/* at the end: show as many earlier rows as fit */
		int k = walk(l, ST_BACK, top, topid, l->height - l->nrows, &top, &topid);

		if (k > 0) {
			load(l, top, topid);
			l->cy += k;
		}
	}
	if (l->cy >= l->nrows)
		l->cy = l->nrows ? l->nrows - 1 : 0;
	sqlite3_value_free(top);
}

static void
recount_pos(struct wb_list *l)
{
	const struct list_row *r = list_cur(l);

	l->pos = r ? count(l, ST_COUNT_BEFORE, r) : 0;
}

void
list_set_height(struct wb_list *l, int height)
{
	l->height = height > 0 ? height : 1;
}

void
list_first(struct wb_list *l)
{
	sqlite3_value *k = NULL;
	int64_t id = 0;

	if (edge(l, ST_FIRST, &k, &id)) {
		place(l, k, id, 0);
		l->pos = 1;
	} else {
		free_rows(l);
		l->cy = 0;
		l->pos = 0;
	}
	sqlite3_value_free(k);
}

void
list_last(struct wb_list *l)
{
	sqlite3_value *k = NULL;
	int64_t id = 0;

	if (edge(l, ST_LAST, &k, &id)) {
		place(l, k, id, l->height - 1);
		l->pos = l->total;
	} else {
		free_rows(l);
		l->cy = 0;
		l->pos = 0;
	}
	sqlite3_value_free(k);
}

void
list_reload(struct wb_list *l)
{
	const struct list_row *r = list_cur(l);

	l->total = count(l, ST_COUNT_ALL, NULL);
	if (!r) {
		list_first(l);
		return;
	}
	{
		sqlite3_value *k = sqlite3_value_dup(r->key);
		int64_t id = r->id;
		int cy = l->cy;

		/* the row may be gone: continue from the next one */
		load(l, k, id);
		if (l->nrows == 0) {
			list_last(l);
		} else {
			sqlite3_value *k2 = sqlite3_value_dup(l->rows[0].key);
			int64_t id2 = l->rows[0].id;

			place(l, k2, id2, cy);
			sqlite3_value_free(k2);
			recount_pos(l);
		}
		sqlite3_value_free(k);
	}
}

void
list_move(struct wb_list *l, int n)
{
	const struct list_row *r = list_cur(l);
	sqlite3_value *k = NULL;
	int64_t id = 0;
	int m, t = l->cy + n, anchor;

	if (!r || n == 0)
		return;
	if ((n == 1 || n == -1) && t >= 0 && t < l->nrows) {
		l->cy = t;
		l->pos += n;
		return;
	}
	m = walk(l, n > 0 ? ST_FWD : ST_BACK, r->key, r->id, abs(n), &k, &id);
	if (m == 0)
		return;
	anchor = (n == 1) ? l->height - 1 : (n == -1) ? 0 : l->cy;
	place(l, k, id, anchor);
	l->pos += n > 0 ? m : -m;
	sqlite3_value_free(k);
}

void
list_seek(struct wb_list *l, sqlite3_value *key, int64_t id)
{
	load(l, key, id);
	if (l->nrows == 0) {
		list_last(l);
		return;
	}
	{
		sqlite3_value *k = sqlite3_value_dup(l->rows[0].key);
		int64_t rid = l->rows[0].id;

		place(l, k, rid, l->height / 3);
		sqlite3_value_free(k);
	}
	recount_pos(l);
}

bool
list_seek_int(struct wb_list *l, int64_t key)
{
	sqlite3_stmt *st;
	bool ok = false;

	/* a value to bind: let SQLite make it */
	if (sqlite3_prepare_v2(l->db, "SELECT ?1", -1, &st, NULL) != SQLITE_OK)
		return false;
	sqlite3_bind_int64(st, 1, key);
	if (sqlite3_step(st) == SQLITE_ROW) {
		list_seek(l, sqlite3_column_value(st, 0), INT64_MIN);
		ok = true;
	}
	sqlite3_finalize(st);
	return ok;
}

bool
list_goto_id(struct wb_list *l, int64_t id)
{
	char *sql = xasprintf("SELECT %s FROM %s WHERE (%s) AND (%s) AND %s = ?1", l->spec.key,
			      l->spec.from, l->base ? l->base : "1", l->where, l->spec.id);
	sqlite3_stmt *st;
	bool found = false;

	if (sqlite3_prepare_v2(l->db, sql, -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, id);
		if (sqlite3_step(st) == SQLITE_ROW) {
			place(l, sqlite3_column_value(st, 0), id, l->height / 3);
			found = true;
		}
		sqlite3_finalize(st);
	}
	free(sql);
	if (found)
		recount_pos(l);
	return found;
}

static bool
find(struct wb_list *l, int dir, const char *extra, const char *re, bool from_edge)
{
	const struct list_row *r = list_cur(l);
	const struct list_spec *s = &l->spec;
	char *sql;
	sqlite3_stmt *st;
	bool found = false;

	if (!r)
		return false;
	sql = xasprintf("SELECT %s, %s FROM %s WHERE (%s) AND (%s) AND (%s(%s, %s) %s (?1, ?2)) AND (%s) %s%s%s "
			"ORDER BY %s %s, %s %s LIMIT 1",
			s->key, s->id, s->from, l->base ? l->base : "1", l->where, from_edge ? "1 OR " : "",
			s->key, s->id, dir > 0 ? ">" : "<",
			extra ? extra : "1", re ? "AND regexp(?3, " : "", re ? s->search : "", re ? ")" : "",
			s->key, dir > 0 ? "" : "DESC", s->id, dir > 0 ? "" : "DESC");
	if (sqlite3_prepare_v2(l->db, sql, -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_value(st, 1, r->key);
		sqlite3_bind_int64(st, 2, r->id);
		if (re)
			sqlite3_bind_text(st, 3, re, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(st) == SQLITE_ROW) {
			int64_t id = sqlite3_column_int64(st, 1);
			int i;

			found = true;
			for (i = 0; i < l->nrows && l->rows[i].id != id; i++)
				;
			if (i < l->nrows)
				l->cy = i;
			else
				place(l, sqlite3_column_value(st, 0), id, l->height / 3);
		}
		sqlite3_finalize(st);
	}
	free(sql);
	if (found)
		recount_pos(l);
	return found;
}

int
list_find(struct wb_list *l, int dir, const char *extra, const char *re)
{
	if (find(l, dir, extra, re, false))
		return 1;
	return find(l, dir, extra, re, true) ? 2 : 0;
}

const struct list_row *
list_cur(const struct wb_list *l)
{
	return l->cy < l->nrows ? &l->rows[l->cy] : NULL;
}

int64_t
list_position(const struct wb_list *l)
{
	return l->pos;
}
