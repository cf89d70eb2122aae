/* KB browser: the articles of the knowledge base; Enter reads one. */
#include <stdlib.h>
#include <string.h>

#include "../kb/kb.h"
#include "tui.h"

static void
kb_build(struct view *v)
{
	struct wb_app *a = v->app;

	text_view_clear(v);
	if (!a->kb) {
		text_view_add(v, ST_ERROR, NULL, "%s", _("The knowledge base could not be read (see $WB_KB)."));
		return;
	}
	for (size_t i = 0; i < a->kb->n; i++) {
		const struct kb_article *art = a->kb->articles[i];
		char *ref = xasprintf("article:%s", art->id);

		text_view_add(v, ST_NORMAL, ref, "%-30s %-8s %s", art->id, kb_kind_name(art->kind),
			      kb_text_get(&art->title, a->lang));
		free(ref);
	}
}

static int
kb_open(struct view *v, const char *arg, struct wb_err *err)
{
	return text_view_init(v, err);
}

static unsigned
kb_action(struct view *v, enum wb_action act, const char *arg)
{
	const struct list_row *r = list_cur(&v->list);

	if (act == ACT_ENTER && r && r->col[2] && !strncmp(r->col[2], "article:", 8)) {
		app_push(v->app, &article_ops, r->col[2] + 8);
		return REDRAW_ALL;
	}
	if (act == ACT_START && !*arg && r && r->col[2] && !strncmp(r->col[2], "article:", 8)) {
		const struct kb_article *art = v->app->kb ? kb_find(v->app->kb, r->col[2] + 8) : NULL;
		struct wb_err err;

		if (!art || !art->nsteps)
			app_message(v->app, true, _("this article has no checklist"));
		else if (tui_checklist_start(v->app, art, &err) < 0)
			app_message(v->app, true, "%s", err.msg);
		return REDRAW_ALL;
	}
	return UNHANDLED;
}

const struct view_ops kb_ops = {
	.name = "kb",
	.title = N_("KB"),
	.open = kb_open,
	.rebuild = kb_build,
	.action = kb_action,
	.draw_row = text_view_draw_row,
	.done = text_view_done,
};

/* ---- one article ---- */

static void
article_build(struct view *v)
{
	struct wb_app *a = v->app;
	const struct kb_article *art = a->kb ? kb_find(a->kb, v->priv) : NULL;

	text_view_clear(v);
	if (!art) {
		text_view_add(v, ST_ERROR, NULL, _("no article %s"), (const char *)v->priv);
		return;
	}
	text_view_add(v, ST_TITLE, NULL, "%s", kb_text_get(&art->title, a->lang));
	text_view_add(v, ST_DIM, NULL, "%s  %s%s", art->id, kb_kind_name(art->kind), art->user ? _("  (user)") : "");
	text_view_add_kb(v, _("Summary"), &art->summary);
	for (size_t i = 0; i < art->nsymptoms; i++)
		text_view_add(v, ST_NORMAL, NULL, _("  symptom: %s"), kb_text_get(&art->symptoms[i], a->lang));
	text_view_add_kb(v, _("Cause"), &art->cause);
	text_view_add_kb(v, _("Resolution"), &art->resolution);
	text_view_add_kb(v, _("Caveats"), &art->caveats);
	text_view_add_kb(v, _("Fixed in"), &art->fixed_in);
	if (art->nclauses)
		text_view_add(v, ST_TITLE, NULL, "%s", _("Signature"));
	for (size_t i = 0; i < art->nclauses; i++)
		text_view_add(v, ST_NORMAL, NULL, "  [%s] %s (%.0f)", kb_clause_kind_name(art->clauses[i].kind),
			      kb_text_get(&art->clauses[i].label, a->lang), art->clauses[i].weight);
	if (art->nsteps)
		text_view_add(v, ST_MARK, NULL, _("Checklist: %zu steps (S starts it)"), art->nsteps);
	for (size_t i = 0; i < art->nrefs; i++)
		text_view_add(v, ST_DIM, NULL, "  %s %s", art->refs[i].title ? art->refs[i].title : "",
			      art->refs[i].url ? art->refs[i].url : "");
	for (size_t i = 0; i < art->nkbs; i++)
		text_view_add(v, ST_DIM, NULL, "  %s", art->kbs[i]);
}

static int
article_open(struct view *v, const char *arg, struct wb_err *err)
{
	free(v->priv);
	v->priv = xstrdup(arg);
	v->title = xasprintf(_("Article %s"), arg);
	return text_view_init(v, err);
}

static unsigned
article_action(struct view *v, enum wb_action act, const char *arg)
{
	struct wb_app *a = v->app;
	const struct kb_article *art = a->kb ? kb_find(a->kb, v->priv) : NULL;
	struct wb_err err;

	if (act != ACT_START)
		return UNHANDLED;
	if (!art || !art->nsteps) {
		app_message(a, true, _("this article has no checklist"));
		return REDRAW_STATUS;
	}
	if (tui_checklist_start(a, art, &err) < 0)
		app_message(a, true, "%s", err.msg);
	return REDRAW_ALL;
}

const struct view_ops article_ops = {
	.name = "article",
	.title = N_("Article"),
	.open = article_open,
	.rebuild = article_build,
	.action = article_action,
	.draw_row = text_view_draw_row,
	.done = text_view_done,
};
