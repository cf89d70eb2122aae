/*
 * Text views: lines of (style, text, ref) kept in a temporary table of the
 * case connection, so that they scroll and search like every other list.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/sanitize.h"
#include "../kb/kb.h"
#include "tui.h"

int
text_view_init(struct view *v, struct wb_err *err)
{
	struct wb_app *a = v->app;
	char table[32], *sql;
	struct list_spec spec = {.key = "id", .id = "id", .cols = "style, text, ref", .search = "text"};
	int rc;

	snprintf(table, sizeof table, "temp.wb_text%u", a->seq++);
	sql = sqlite3_mprintf("CREATE TABLE %s (id INTEGER PRIMARY KEY, style INTEGER, text TEXT, ref TEXT)",
			      table);
	rc = sqlite3_exec(a->db, sql, NULL, NULL, NULL);
	sqlite3_free(sql);
	if (rc != SQLITE_OK)
		return wb_errf(err, "%s", sqlite3_errmsg(a->db));
	spec.from = table;
	return list_init(&v->list, a->db, &spec, err);
}

void
text_view_clear(struct view *v)
{
	char *sql = sqlite3_mprintf("DELETE FROM %s", v->list.spec.from);

	sqlite3_exec(v->app->db, sql, NULL, NULL, NULL);
	sqlite3_free(sql);
}

void
text_view_add(struct view *v, enum wb_style st, const char *ref, const char *fmt, ...)
{
	char *sql = sqlite3_mprintf("INSERT INTO %s(style, text, ref) VALUES(?, ?, ?)", v->list.spec.from);
	sqlite3_stmt *s;
	va_list ap;
	char *text;
	int n;

	/* C printf, not sqlite3_vmprintf: the format attribute must hold */
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	text = xmalloc((size_t)(n > 0 ? n : 0) + 1);
	va_start(ap, fmt);
	vsnprintf(text, (size_t)(n > 0 ? n : 0) + 1, fmt, ap);
	va_end(ap);
	if (sqlite3_prepare_v2(v->app->db, sql, -1, &s, NULL) == SQLITE_OK) {
		sqlite3_bind_int(s, 1, st);
		sqlite3_bind_text(s, 2, text, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 3, ref, -1, SQLITE_STATIC);
		sqlite3_step(s);
		sqlite3_finalize(s);
	}
	free(text);
	sqlite3_free(sql);
}

void
text_view_add_wrap(struct view *v, enum wb_style st, const char *ref, int indent, const char *text)
{
	/* sanitised first (drawing does it again, harmlessly) so that widths
	 * are those of what will be drawn */
	char *clean = sanitize_dup(text ? text : "", SANITIZE_KEEP_NEWLINES | SANITIZE_TABS_AS_SPACE);
	char *line, *save = NULL;
	int w = v->app->cols - indent - 1;

	if (w < 10)
		w = 10;
	for (line = strtok_r(clean, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		while (*line) {
			size_t n = draw_fit(v->app, line, w);

			if (!n)
				n = strlen(line);
			text_view_add(v, st, ref, "%*s%.*s", indent, "", (int)n, line);
			line += n;
			while (*line == ' ')
				line++;
		}
	}
	free(clean);
}

void
text_view_done(struct view *v)
{
	char *sql;

	if (!v->list.spec.from)
		return;
	sql = sqlite3_mprintf("DROP TABLE IF EXISTS %s", v->list.spec.from);
	sqlite3_exec(v->app->db, sql, NULL, NULL, NULL);
	sqlite3_free(sql);
}

void
text_view_draw_row(struct view *v, const struct list_row *r, int y, int w, bool sel)
{
	struct wb_app *a = v->app;
	enum wb_style st = r->col[0] ? (enum wb_style)atoi(r->col[0]) : ST_NORMAL;

	if (st < 0 || st >= ST_COUNT)
		st = ST_NORMAL;
	if (sel)
		st = ST_CURSOR;
	draw_fill(a, y, 0, w, sel ? ST_CURSOR : ST_NORMAL);
	draw_text(a, y, 0, w, v->list.skip, st, true, r->col[1]);
}

void
text_view_add_kb(struct view *v, const char *label, const struct kb_text *t)
{
	const char *s = kb_text_get(t, v->app->lang);

	if (!s || !*s)
		return;
	text_view_add(v, ST_TITLE, NULL, "%s", label);
	text_view_add_wrap(v, ST_NORMAL, NULL, 2, s);
}
