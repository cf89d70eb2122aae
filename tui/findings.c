/*
 * Findings: the documented issues the evidence matches, best first; Enter
 * shows why (clauses hit with a jump to the evidence row, clauses missing
 * with what to collect, the article itself); c/d confirm or dismiss with a
 * reason (kept in the decisions table and the audit log).
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../kb/kb.h"
#include "../kb/match.h"
#include "tui.h"

static const struct view_col findings_cols[] = {
	{N_("Score"), 6, COL_NUM},
	{N_("State"), 10, COL_TEXT},
	{N_("Decision"), 10, COL_TEXT},
	{N_("Article"), 0, COL_TEXT},
	{NULL, 0, 0},
};

/* Title of an article in the UI language: from the KB, else as stored. */
static const char *
article_title(struct wb_app *a, const char *id, const char *stored)
{
	const struct kb_article *art = a->kb && id ? kb_find(a->kb, id) : NULL;

	return art ? kb_text_get(&art->title, a->lang) : stored;
}

static int
findings_open(struct view *v, const char *arg, struct wb_err *err)
{
	static const struct list_spec spec = {
		.from = "findings f",
		.key = "CASE f.state WHEN 'open' THEN 0 WHEN 'partial' THEN 1 ELSE 2 END * 1e9 - f.score",
		.id = "f.rowid",
		.cols = "printf('%.1f', f.score), f.state, "
			"(SELECT d.state FROM decisions d WHERE d.article = f.article ORDER BY d.id DESC LIMIT 1), "
			"json_extract(f.detail, '$.title'), f.article",
		.search = "f.article || ' ' || ifnull(f.detail, '')",
	};

	return list_init(&v->list, v->app->db, &spec, err);
}

static void
findings_draw_row(struct view *v, const struct list_row *r, int y, int w, bool sel)
{
	struct wb_app *a = v->app;
	enum wb_style st = sel ? ST_CURSOR : r->col[1] && !strcmp(r->col[1], "ruled-out") ? ST_DIM : ST_NORMAL;
	int x;

	draw_fill(a, y, 0, w, st);
	x = 6 - draw_width(a, r->col[0]);
	draw_text(a, y, x > 0 ? x : 0, 6, 0, st, false, r->col[0]);
	draw_text(a, y, 7, 10, 0, st, false, r->col[1]);
	draw_text(a, y, 18, 10, 0, sel ? st : ST_MARK, false, r->col[2]);
	x = 29 + draw_text(a, y, 29, w - 29, 0, sel ? st : ST_TITLE, true, r->col[4]);
	draw_text(a, y, x + 2, w - x - 2, v->list.skip, st, true, article_title(a, r->col[4], r->col[3]));
}

static const char *
decision_of(enum wb_action act)
{
	return act == ACT_CONFIRM ? "confirmed" : act == ACT_DISMISS ? "dismissed" : "reopened";
}

static unsigned
decide(struct wb_app *a, const char *article, const char *state, const char *reason)
{
	struct wb_err err;

	if (!*reason) {
		app_message(a, true, _("a reason is required"));
		return REDRAW_STATUS;
	}
	if (match_decide(a->c, article, state, reason, &err) < 0)
		app_message(a, true, "%s", err.msg);
	else
		app_message(a, false, _("%s: %s"), article, state);
	return REDRAW_ALL;
}

static unsigned
start_checklist(struct wb_app *a, const char *id)
{
	const struct kb_article *art = a->kb ? kb_find(a->kb, id) : NULL;
	struct wb_err err;

	if (!art || !art->nsteps) {
		app_message(a, true, _("%s has no checklist"), id);
		return REDRAW_STATUS;
	}
	if (tui_checklist_start(a, art, &err) < 0) {
		app_message(a, true, "%s", err.msg);
		return REDRAW_STATUS;
	}
	return REDRAW_ALL;
}

static unsigned
findings_action(struct view *v, enum wb_action act, const char *arg)
{
	const struct list_row *r = list_cur(&v->list);
	unsigned m;

	switch (act) {
	case ACT_ENTER:
		if (r)
			app_push(v->app, &why_ops, r->col[4]);
		return REDRAW_ALL;
	case ACT_CONFIRM:
	case ACT_DISMISS:
	case ACT_REOPEN:
		if (!r)
			return REDRAW_STATUS;
		m = decide(v->app, r->col[4], decision_of(act), arg);
		list_reload(&v->list);
		return m;
	case ACT_START:
		if (!*arg && r)
			arg = r->col[4];
		return start_checklist(v->app, arg);
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
	.draw_row = findings_draw_row,
};

/* ---- why: the finding explained ---- */

struct why {
	char *article;
};

static const char *
jstr(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* A clause label (and what to collect) in the UI language. */
static const char *
clause_text(struct wb_app *a, const struct kb_article *art, json_t *c, bool collect)
{
	const struct kb_clause *kc = art ? kb_find_clause(art, jstr(c, "clause")) : NULL;

	if (kc)
		return collect ? (kc->collect.en ? kb_text_get(&kc->collect, a->lang) : NULL) :
			kb_text_get(&kc->label, a->lang);
	return jstr(c, collect ? "collect" : "label");
}

static void
add_clauses(struct view *v, const struct kb_article *art, json_t *list, const char *mark, bool facts)
{
	struct wb_app *a = v->app;
	json_t *c, *f;
	size_t i, k;

	json_array_foreach(list, i, c) {
		const char *collect = clause_text(a, art, c, true);

		text_view_add(v, ST_NORMAL, NULL, "  %s [%s] %s", mark, jstr(c, "kind") ? jstr(c, "kind") : "",
			      clause_text(a, art, c, false));
		if (!facts && collect) {
			char *c2 = xasprintf(_("collect: %s"), collect);

			text_view_add_wrap(v, ST_WARNING, NULL, 6, c2);
			free(c2);
		}
		json_array_foreach(json_object_get(c, "facts"), k, f) {
			char *ref = NULL;

			if (jstr(f, "ref_table") && json_is_integer(json_object_get(f, "ref_id")))
				ref = xasprintf("%s:%lld", jstr(f, "ref_table"),
						(long long)json_integer_value(json_object_get(f, "ref_id")));
			text_view_add(v, ref ? ST_MARK : ST_NORMAL, ref, _("      %s = %s  (evidence #%lld, %s)"),
				      jstr(f, "key"), jstr(f, "value") ? jstr(f, "value") : "",
				      (long long)json_integer_value(json_object_get(f, "evidence_id")),
				      ref ? ref : "-");
			free(ref);
		}
	}
}

static void
why_build(struct view *v)
{
	struct wb_app *a = v->app;
	struct why *w = v->priv;
	const struct kb_article *art = a->kb ? kb_find(a->kb, w->article) : NULL;
	sqlite3_stmt *s;
	json_t *d = NULL;

	text_view_clear(v);
	if (sqlite3_prepare_v2(a->db, "SELECT detail FROM findings WHERE article = ?", -1, &s, NULL) == SQLITE_OK) {
		sqlite3_bind_text(s, 1, w->article, -1, SQLITE_STATIC);
		if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0))
			d = json_loads((const char *)sqlite3_column_text(s, 0), 0, NULL);
		sqlite3_finalize(s);
	}
	text_view_add(v, ST_TITLE, NULL, "%s", article_title(a, w->article, d ? jstr(d, "title") : w->article));
	if (!d) {
		text_view_add(v, ST_ERROR, NULL, _("%s is not a finding of this case (any more)"), w->article);
	} else {
		text_view_add(v, ST_NORMAL, NULL, _("Score %.1f, %s: %lld of %lld required clauses hit"),
			      json_number_value(json_object_get(d, "score")), jstr(d, "state") ? jstr(d, "state") : "?",
			      (long long)json_integer_value(json_object_get(d, "required_hit")),
			      (long long)json_integer_value(json_object_get(d, "required")));
		if (jstr(d, "why_rank"))
			text_view_add_wrap(v, ST_DIM, NULL, 0, jstr(d, "why_rank"));
		if (json_array_size(json_object_get(d, "excluded_by"))) {
			text_view_add(v, ST_TITLE, NULL, "%s", _("Ruled out by"));
			add_clauses(v, art, json_object_get(d, "excluded_by"), "x", true);
		}
		text_view_add(v, ST_TITLE, NULL, "%s", _("Evidence that matches (Enter on a row opens it)"));
		add_clauses(v, art, json_object_get(d, "hits"), "+", true);
		if (json_array_size(json_object_get(d, "missing"))) {
			text_view_add(v, ST_TITLE, NULL, "%s", _("Missing evidence: what to collect"));
			add_clauses(v, art, json_object_get(d, "missing"), "?", false);
		}
		if (json_array_size(json_object_get(d, "failed"))) {
			text_view_add(v, ST_TITLE, NULL, "%s", _("Checked and not found"));
			add_clauses(v, art, json_object_get(d, "failed"), "-", true);
		}
		json_decref(d);
	}
	if (sqlite3_prepare_v2(a->db, "SELECT state, reason, user, at FROM decisions WHERE article = ? "
			       "ORDER BY id", -1, &s, NULL) == SQLITE_OK) {
		bool first = true;

		sqlite3_bind_text(s, 1, w->article, -1, SQLITE_STATIC);
		while (sqlite3_step(s) == SQLITE_ROW) {
			if (first)
				text_view_add(v, ST_TITLE, NULL, "%s", _("Decisions"));
			first = false;
			text_view_add(v, ST_NORMAL, NULL, _("  %s by %s at %s: %s"), sqlite3_column_text(s, 0),
				      sqlite3_column_text(s, 2), sqlite3_column_text(s, 3), sqlite3_column_text(s, 1));
		}
		sqlite3_finalize(s);
	}
	text_view_add(v, ST_DIM, NULL, "%s", _("c: confirm  d: dismiss  o: reopen (with a reason)  S: start its checklist"));
	if (art) {
		text_view_add_kb(v, _("Summary"), &art->summary);
		text_view_add_kb(v, _("Cause"), &art->cause);
		text_view_add_kb(v, _("Resolution"), &art->resolution);
		text_view_add_kb(v, _("Caveats"), &art->caveats);
	} else if (!a->kb)
		text_view_add(v, ST_DIM, NULL, "%s", _("(the knowledge base could not be read: no article text)"));
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

	switch (act) {
	case ACT_CONFIRM:
	case ACT_DISMISS:
	case ACT_REOPEN:
		m = decide(v->app, w->article, decision_of(act), arg);
		app_refresh_view(v);
		return m;
	case ACT_START:
		return start_checklist(v->app, *arg ? arg : w->article);
	default:
		return UNHANDLED;
	}
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
