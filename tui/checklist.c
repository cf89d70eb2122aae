/*
 * Checklist: the guided sessions of the case (kb/checklist.h).  The current
 * step is marked; collect and check steps tick themselves from the
 * evidence; x/s mark a step done or skipped, a answers an `ask`, A adds a
 * note to the step, y copies a `do` step's command (OSC 52).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../kb/checklist.h"
#include "../kb/kb.h"
#include "tui.h"

static const char *const marks[] = {
	[CL_PENDING] = "[ ]", [CL_DONE] = "[x]", [CL_SKIPPED] = "[-]",
	[CL_FAILED] = "[!]", [CL_ANSWERED] = "[=]", [CL_HIDDEN] = "   ",
};

static void
add_session(struct view *v, const struct kb_article *art)
{
	struct wb_app *a = v->app;
	struct cl_session s;
	struct wb_err err;

	if (checklist_load(a->c, art, &s, &err) < 0) {
		text_view_add(v, ST_ERROR, NULL, "%s: %s", art->id, err.msg);
		return;
	}
	text_view_add(v, ST_TITLE, NULL, _("%s (%s), started by %s at %s"), kb_text_get(&art->title, a->lang),
		      art->id, s.started_by ? s.started_by : "?", s.started_at ? s.started_at : "?");
	for (size_t i = 0; i < s.n; i++) {
		const struct cl_step *st = &s.steps[i];
		const struct kb_step *k = st->step;
		char *ref = xasprintf("step:%s:%s", art->id, k->id);
		enum wb_style style = i == s.next ? ST_WARNING : st->state == CL_FAILED ? ST_ERROR :
			st->state == CL_PENDING ? ST_NORMAL : ST_DIM;

		if (st->state == CL_HIDDEN) {
			free(ref);
			continue;
		}
		text_view_add(v, style, ref, "%s %s %s %s: %s%s", i == s.next ? "->" : "  ", marks[st->state],
			      k->id, kb_step_kind_name(k->kind), kb_text_get(&k->text, a->lang),
			      st->automatic && st->state != CL_PENDING ? _(" (from the evidence)") : "");
		if (k->command)
			text_view_add(v, ST_MARK, ref, _("         $ %s   (y: copy)"), k->command);
		if (k->kind == KB_STEP_ASK) {
			struct wb_buf ans = {0};

			for (size_t j = 0; j < k->nanswers; j++)
				buf_printf(&ans, "%s%s", j ? " | " : "", k->answers[j]);
			if (!st->answer && k->nanswers)
				buf_printf(&ans, _("  (a 1..%zu picks one)"), k->nanswers);
			text_view_add(v, ST_NORMAL, ref, _("         answers: %s%s%s"), ans.data ? ans.data : "",
				      st->answer ? _("   given: ") : "", st->answer ? st->answer : "");
			buf_fini(&ans);
		}
		for (size_t j = 0; j < st->check.nfacts; j++) {
			const struct match_fact *f = &st->check.facts[j];
			char *fref = f->ref_table ? xasprintf("%s:%lld", f->ref_table, (long long)f->ref_id) : NULL;

			text_view_add(v, fref ? ST_MARK : ST_NORMAL, fref, _("         %s = %s (evidence #%lld)"),
				      f->key, f->value ? f->value : "", (long long)f->evidence_id);
			free(fref);
		}
		for (size_t j = 0; j < st->nnotes; j++)
			text_view_add(v, ST_NORMAL, ref, _("         note: %s"), st->notes[j]);
		if (st->user && st->state != CL_PENDING)
			text_view_add(v, ST_DIM, ref, _("         %s by %s at %s"), cl_state_name(st->state), st->user,
				      st->at ? st->at : "?");
		free(ref);
	}
	text_view_add(v, ST_NORMAL, NULL, "%s", "");
	checklist_fini(&s);
}

static void
checklist_build(struct view *v)
{
	struct wb_app *a = v->app;
	char **ids;
	int n = 0;

	text_view_clear(v);
	if (!a->kb) {
		text_view_add(v, ST_ERROR, NULL, "%s", _("The knowledge base could not be read: no checklists."));
		return;
	}
	ids = checklist_sessions(a->c);
	for (int i = 0; ids && ids[i]; i++) {
		const struct kb_article *art = kb_find(a->kb, ids[i]);

		if (art) {
			add_session(v, art);
			n++;
		} else
			text_view_add(v, ST_DIM, NULL, _("%s: not in the knowledge base"), ids[i]);
		free(ids[i]);
	}
	free(ids);
	if (n)
		return;
	text_view_add(v, ST_TITLE, NULL, "%s", _("No guided session yet. Start one (Enter) from a symptom:"));
	for (size_t i = 0; i < a->kb->n; i++) {
		const struct kb_article *art = a->kb->articles[i];
		char *ref;

		if (art->kind != KB_PLAYBOOK)
			continue;
		ref = xasprintf("start:%s", art->id);
		text_view_add(v, ST_NORMAL, ref, "  %-28s %s", art->id, kb_text_get(&art->title, a->lang));
		free(ref);
	}
	text_view_add(v, ST_DIM, NULL, "%s", _("(or S on a finding or a KB article)"));
}

int
tui_checklist_start(struct wb_app *a, const struct kb_article *art, struct wb_err *err)
{
	if (checklist_start(a->c, art, err) < 0)
		return -1;
	app_top(a, 4);
	app_message(a, false, _("checklist %s started"), art->id);
	return 0;
}

/* The list and step under the cursor ("step:LIST:STEP"); false when none. */
static bool
cur_step(struct view *v, const struct kb_article **art, const struct kb_step **step)
{
	const struct list_row *r = list_cur(&v->list);
	const char *ref = r ? r->col[2] : NULL;
	char list[128];
	const char *colon;

	if (!ref || strncmp(ref, "step:", 5) || !(colon = strchr(ref + 5, ':')) ||
	    (size_t)(colon - ref - 5) >= sizeof list || !v->app->kb)
		return false;
	snprintf(list, sizeof list, "%.*s", (int)(colon - ref - 5), ref + 5);
	*art = kb_find(v->app->kb, list);
	*step = *art ? kb_find_step(*art, colon + 1) : NULL;
	return *step != NULL;
}

static unsigned
checklist_action(struct view *v, enum wb_action act, const char *arg)
{
	struct wb_app *a = v->app;
	const struct list_row *r = list_cur(&v->list);
	const struct kb_article *art = NULL;
	const struct kb_step *step = NULL;
	struct wb_err err;
	int rc = 0;

	if (act == ACT_ENTER && r && r->col[2] && !strncmp(r->col[2], "start:", 6)) {
		art = a->kb ? kb_find(a->kb, r->col[2] + 6) : NULL;
		if (art && tui_checklist_start(a, art, &err) < 0)
			app_message(a, true, "%s", err.msg);
		return REDRAW_ALL;
	}
	if (act == ACT_START) {
		if (!*arg && r && r->col[2] && !strncmp(r->col[2], "start:", 6))
			arg = r->col[2] + 6;
		art = a->kb ? kb_find(a->kb, arg) : NULL;
		if (!art)
			app_message(a, true, _("no playbook or article %s"), arg);
		else if (tui_checklist_start(a, art, &err) < 0)
			app_message(a, true, "%s", err.msg);
		return REDRAW_ALL;
	}
	if (act != ACT_STEP_DONE && act != ACT_STEP_SKIP && act != ACT_ANSWER && act != ACT_STEP_NOTE &&
	    act != ACT_COPY && !(act == ACT_ENTER && r && r->col[2] && !strncmp(r->col[2], "step:", 5)))
		return UNHANDLED;
	if (!cur_step(v, &art, &step)) {
		app_message(a, true, _("put the cursor on a step first"));
		return REDRAW_STATUS;
	}
	switch (act) {
	case ACT_STEP_DONE: rc = checklist_mark(a->c, art, step->id, "done", &err); break;
	case ACT_STEP_SKIP: rc = checklist_mark(a->c, art, step->id, "skipped", &err); break;
	case ACT_ANSWER: {
		/* "2" picks the second allowed answer */
		char *end;
		long k = strtol(arg, &end, 10);

		if (*arg && !*end && k >= 1 && (size_t)k <= step->nanswers)
			arg = step->answers[k - 1];
		rc = checklist_answer(a->c, art, step->id, arg, &err);
		break;
	}
	case ACT_STEP_NOTE: rc = *arg ? checklist_note(a->c, art, step->id, arg, &err) : 0; break;
	case ACT_COPY:
		if (!step->command) {
			app_message(a, true, _("this step has no command"));
			return REDRAW_STATUS;
		}
		draw_clipboard(a, step->command);
		app_message(a, false, _("copied to the clipboard (if the terminal allows OSC 52)"));
		return REDRAW_ALL;
	default:
		app_message(a, false, _("x: done  s: skip  a: answer  A: note  y: copy the command"));
		return REDRAW_STATUS;
	}
	if (rc < 0)
		app_message(a, true, "%s", err.msg);
	app_refresh_view(v);
	return REDRAW_ALL;
}

static int
checklist_open(struct view *v, const char *arg, struct wb_err *err)
{
	return text_view_init(v, err);
}

const struct view_ops checklist_ops = {
	.name = "checklist",
	.title = N_("Checklist"),
	.open = checklist_open,
	.rebuild = checklist_build,
	.action = checklist_action,
	.draw_row = text_view_draw_row,
	.done = text_view_done,
};
