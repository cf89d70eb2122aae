/*
 * Findings: the documented issues the evidence matches, best first; Enter
 * shows why (clauses hit with a jump to the evidence row, clauses missing
 * with what to collect); c/d confirm or dismiss with a reason.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui.h"

static const struct view_col findings_cols[] = {
	{N_("Score"), 6, COL_NUM},
	{N_("State"), 10, COL_TEXT},
	{N_("Decision"), 10, COL_TEXT},
	{N_("Article"), 0, COL_TEXT},
	{NULL, 0, 0},
};

static int
findings_open(struct view *v, const char *arg, struct wb_err *err)
{
	static const struct list_spec spec = {
		.from = "findings f",
		.key = "CASE f.state WHEN 'open' THEN 0 WHEN 'partial' THEN 1 ELSE 2 END * 1e9 - f.score",
		.id = "f.rowid",
		.cols = "printf('%.1f', f.score), f.state, "
			"(SELECT d.state FROM decisions d WHERE d.article = f.article ORDER BY d.id DESC LIMIT 1), "
			"f.article || ifnull('  ' || json_extract(f.detail, '$.title'), ''), f.article",
		.search = "f.article || ' ' || ifnull(f.detail, '')",
	};

	return list_init(&v->list, v->app->db, &spec, err);
}

static unsigned
decide(struct wb_app *a, const char *article, const char *state, const char *reason)
{
	sqlite3_stmt *s;
	struct wb_err err;

	if (!*reason) {
		app_message(a, true, _("a reason is required"));
		return REDRAW_STATUS;
	}
	if (sqlite3_prepare_v2(a->db, "INSERT INTO decisions(article, state, reason, user, at) "
			       "VALUES(?, ?, ?, ?, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))", -1, &s, NULL) != SQLITE_OK) {
		app_message(a, true, "%s", sqlite3_errmsg(a->db));
		return REDRAW_STATUS;
	}
	sqlite3_bind_text(s, 1, article, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, state, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, reason, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, wb_user(), -1, SQLITE_STATIC);
	if (sqlite3_step(s) != SQLITE_DONE)
		app_message(a, true, "%s", sqlite3_errmsg(a->db));
	else if (case_audit(a->c, &err, "%s %s: %s", state, article, reason) < 0)
		app_message(a, true, "%s", err.msg);
	else
		app_message(a, false, _("%s: %s"), article, state);
	sqlite3_finalize(s);
	return REDRAW_ALL;
}

static unsigned
findings_action(struct view *v, enum wb_action act, const char *arg)
{
	const struct list_row *r = list_cur(&v->list);

	switch (act) {
	case ACT_ENTER:
		if (r)
			app_push(v->app, &why_ops, r->col[4]);
		return REDRAW_ALL;
	case ACT_CONFIRM:
	case ACT_DISMISS:
		if (!r)
			return REDRAW_STATUS;
		act = decide(v->app, r->col[4], act == ACT_CONFIRM ? "confirmed" : "dismissed", arg);
		list_reload(&v->list);
		return act;
	default:
		return UNHANDLED;
	}
}

const struct view_ops findings_ops = {
	.name = "findings",
	.title = N_("Findings"),
	.cols = findings_cols,
	.open = findings_open,
	.action = findings_action,
};

/* ---- why: the finding's detail, with jumps ---- */

struct why {
	char *article;
};

static const char *
jstr(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* One line per element; objects with a reference become a jump. */
static void
add_json(struct view *v, json_t *j, int depth)
{
	const char *key;
	json_t *val;
	size_t i;

	if (json_is_array(j)) {
		json_array_foreach(j, i, val)
			add_json(v, val, depth);
		return;
	}
	if (!json_is_object(j)) {
		char *s = json_dumps(j, JSON_ENCODE_ANY);

		text_view_add(v, ST_NORMAL, NULL, "%*s%s", depth * 2, "",
			      json_is_string(j) ? json_string_value(j) : s);
		free(s);
		return;
	}
	{
		struct wb_buf line = {0};
		const char *table = jstr(j, "ref_table");
		json_t *rid = json_object_get(j, "ref_id");
		char *ref = NULL;

		json_object_foreach(j, key, val) {
			if (json_is_array(val) || json_is_object(val))
				continue;
			if (json_is_string(val))
				buf_printf(&line, "%s%s=%s", line.len ? "  " : "", key, json_string_value(val));
			else if (!json_is_null(val)) {
				char *s = json_dumps(val, JSON_ENCODE_ANY);

				buf_printf(&line, "%s%s=%s", line.len ? "  " : "", key, s);
				free(s);
			}
		}
		if (table && json_is_integer(rid))
			ref = xasprintf("%s:%lld", table, (long long)json_integer_value(rid));
		if (line.len)
			text_view_add(v, ref ? ST_MARK : ST_NORMAL, ref, "%*s%s%s", depth * 2, "", line.data,
				      ref ? "  (Enter)" : "");
		free(ref);
		buf_fini(&line);
		json_object_foreach(j, key, val) {
			if (!json_is_array(val) && !json_is_object(val))
				continue;
			if (json_is_array(val) && !json_array_size(val))
				continue;
			text_view_add(v, ST_TITLE, NULL, "%*s%s:", depth * 2, "", key);
			add_json(v, val, depth + 1);
		}
	}
}

static void
why_build(struct view *v)
{
	struct why *w = v->priv;
	sqlite3_stmt *s;

	text_view_clear(v);
	if (sqlite3_prepare_v2(v->app->db, "SELECT score, state, detail FROM findings WHERE article = ?", -1, &s,
			       NULL) != SQLITE_OK)
		return;
	sqlite3_bind_text(s, 1, w->article, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW) {
		json_t *d = sqlite3_column_text(s, 2) ?
			json_loads((const char *)sqlite3_column_text(s, 2), 0, NULL) : NULL;

		text_view_add(v, ST_TITLE, NULL, _("%s  score %.1f  %s"), w->article, sqlite3_column_double(s, 0),
			      sqlite3_column_text(s, 1));
		if (d && jstr(d, "title"))
			text_view_add(v, ST_TITLE, NULL, "%s", jstr(d, "title"));
		if (d) {
			json_object_del(d, "title");
			json_object_del(d, "article");
			add_json(v, d, 0);
		} else
			text_view_add(v, ST_DIM, NULL, "%s", _("(no detail stored)"));
		json_decref(d);
	} else
		text_view_add(v, ST_ERROR, NULL, _("%s is no longer a finding"), w->article);
	sqlite3_finalize(s);
	if (sqlite3_prepare_v2(v->app->db, "SELECT state, reason, user, at FROM decisions WHERE article = ? "
			       "ORDER BY id", -1, &s, NULL) != SQLITE_OK)
		return;
	sqlite3_bind_text(s, 1, w->article, -1, SQLITE_STATIC);
	while (sqlite3_step(s) == SQLITE_ROW)
		text_view_add(v, ST_NORMAL, NULL, _("%s by %s at %s: %s"), sqlite3_column_text(s, 0),
			      sqlite3_column_text(s, 2), sqlite3_column_text(s, 3), sqlite3_column_text(s, 1));
	sqlite3_finalize(s);
}

static int
why_open(struct view *v, const char *arg, struct wb_err *err)
{
	struct why *w = v->priv;

	w->article = xstrdup(arg);
	v->title = xasprintf(_("Why %s"), arg);
	return text_view_init(v, err);
}

static unsigned
why_action(struct view *v, enum wb_action act, const char *arg)
{
	struct why *w = v->priv;
	unsigned m;

	if (act != ACT_CONFIRM && act != ACT_DISMISS)
		return UNHANDLED;
	m = decide(v->app, w->article, act == ACT_CONFIRM ? "confirmed" : "dismissed", arg);
	why_build(v);
	list_reload(&v->list);
	return m;
}

static void
why_done(struct view *v)
{
	free(((struct why *)v->priv)->article);
	text_view_done(v);
}

const struct view_ops why_ops = {
	.name = "findings",
	.title = N_("Why"),
	.private_size = sizeof(struct why),
	.open = why_open,
	.rebuild = why_build,
	.action = why_action,
	.draw_row = text_view_draw_row,
	.done = why_done,
};
