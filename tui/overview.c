/* Overview: the case at a glance, with links into the other views. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../kb/checklist.h"
#include "../kb/kb.h"
#include "tui.h"

static void
info_line(struct view *v, const char *label, const char *field)
{
	/* padded by display width, not bytes: labels may be Japanese */
	int pad = 14 - draw_width(v->app, label);
	char *val = NULL;

	case_get_info(v->app->c, field, &val);
	text_view_add(v, ST_NORMAL, NULL, "%s%*s %s", label, pad > 0 ? pad : 0, "", val && *val ? val : "-");
	free(val);
}

/* Run sql and add one line per row: fmt gets the columns as text. */
static int
rows(struct view *v, const char *sql, enum wb_style st, const char *ref_fmt,
     void (*line)(struct view *, sqlite3_stmt *, const char *ref))
{
	sqlite3_stmt *s;
	int n = 0;

	if (sqlite3_prepare_v2(v->app->db, sql, -1, &s, NULL) != SQLITE_OK)
		return 0;
	while (sqlite3_step(s) == SQLITE_ROW) {
		char *ref = ref_fmt ? sqlite3_mprintf(ref_fmt, sqlite3_column_text(s, 0)) : NULL;

		line(v, s, ref);
		sqlite3_free(ref);
		n++;
	}
	sqlite3_finalize(s);
	return n;
}

static void
kind_line(struct view *v, sqlite3_stmt *s, const char *ref)
{
	text_view_add(v, ST_NORMAL, ref, "  %-12s %s", sqlite3_column_text(s, 0),
		      sqlite3_column_text(s, 1));
}

static void
finding_line(struct view *v, sqlite3_stmt *s, const char *ref)
{
	struct wb_app *a = v->app;
	const char *id = (const char *)sqlite3_column_text(s, 0);
	const struct kb_article *art = a->kb && id ? kb_find(a->kb, id) : NULL;
	const char *title = art ? kb_text_get(&art->title, a->lang) : (const char *)sqlite3_column_text(s, 3);

	text_view_add(v, ST_NORMAL, ref, "  %5.1f  %-10s %s%s%s", sqlite3_column_double(s, 1),
		      sqlite3_column_text(s, 2), id ? id : "", title ? "  " : "", title ? title : "");
}

/* Each guided session with its current step. */
static int
checklist_lines(struct view *v)
{
	struct wb_app *a = v->app;
	char **ids = a->kb ? checklist_sessions(a->c) : NULL;
	struct wb_err err;
	int n = 0;

	for (int i = 0; ids && ids[i]; i++) {
		const struct kb_article *art = kb_find(a->kb, ids[i]);
		struct cl_session s;

		if (art && checklist_load(a->c, art, &s, &err) == 0) {
			size_t done = 0;

			for (size_t k = 0; k < s.n; k++)
				done += s.steps[k].state != CL_PENDING && s.steps[k].state != CL_HIDDEN;
			text_view_add(v, ST_NORMAL, "view:checklist", _("  %s: %zu steps done"), art->id, done);
			if (s.next < s.n)
				text_view_add(v, ST_WARNING, "view:checklist", _("    next: %s"),
					      kb_text_get(&s.steps[s.next].step->text, a->lang));
			else
				text_view_add(v, ST_DIM, "view:checklist", "    %s", _("every step is done"));
			checklist_fini(&s);
			n++;
		}
		free(ids[i]);
	}
	free(ids);
	return n;
}

static void
note_line(struct view *v, sqlite3_stmt *s, const char *ref)
{
	text_view_add(v, ST_NORMAL, ref, "  %.16s %s: %s", sqlite3_column_text(s, 1),
		      sqlite3_column_text(s, 2), sqlite3_column_text(s, 3));
}

static void
overview_build(struct view *v)
{
	struct wb_app *a = v->app;
	char from[40], to[40];
	int64_t n;

	text_view_clear(v);
	text_view_add(v, ST_TITLE, NULL, "%s", _("Case"));
	info_line(v, _("Title"), "title");
	info_line(v, _("Symptom"), "symptom");
	info_line(v, _("Status"), "status");
	info_line(v, _("Time zone"), "timezone");
	text_view_add(v, ST_NORMAL, NULL, "%s", "");

	n = case_scalar(a->c, "SELECT count(*) FROM evidence", 0);
	text_view_add(v, ST_TITLE, "view:evidence", _("Evidence: %lld files, %lld warnings"), (long long)n,
		      (long long)case_scalar(a->c, "SELECT count(*) FROM evidence_warning", 0));
	if (!n)
		text_view_add(v, ST_DIM, NULL, "  %s", _("none yet: press i (or :import PATH) to import a file"));
	rows(v, "SELECT kind, count(*) || ' (' || sum(records) || ' records)' FROM evidence "
	     "GROUP BY kind ORDER BY kind", ST_NORMAL, NULL, kind_line);
	n = case_scalar(a->c, "SELECT count(*) FROM timeline", 0);
	if (n) {
		draw_time(a, case_scalar(a->c, "SELECT min(ts) FROM timeline", 0), false, from, sizeof from);
		draw_time(a, case_scalar(a->c, "SELECT max(ts) FROM timeline", 0), false, to, sizeof to);
		text_view_add(v, ST_NORMAL, "view:timeline", _("  timeline: %lld entries, %s .. %s"),
			      (long long)n, from, to);
	}
	text_view_add(v, ST_NORMAL, NULL, "%s", "");

	text_view_add(v, ST_TITLE, "view:findings", "%s", _("Top findings"));
	if (!rows(v, "SELECT article, score, state, json_extract(detail, '$.title') FROM findings "
		  "ORDER BY CASE state WHEN 'open' THEN 0 WHEN 'partial' THEN 1 ELSE 2 END, score DESC, article LIMIT 5",
		  ST_NORMAL, "finding:%s", finding_line))
		text_view_add(v, ST_DIM, NULL, "  %s", _("none (no article of the knowledge base matches yet)"));
	text_view_add(v, ST_NORMAL, NULL, "%s", "");

	text_view_add(v, ST_TITLE, "view:checklist", "%s", _("Checklist"));
	if (!checklist_lines(v))
		text_view_add(v, ST_DIM, "view:checklist", "  %s", _("not started: press 5 to start one"));
	text_view_add(v, ST_NORMAL, NULL, "%s", "");

	text_view_add(v, ST_TITLE, "view:notes", "%s", _("Latest notes"));
	if (!rows(v, "SELECT id, at, user, text FROM notes ORDER BY id DESC LIMIT 3",
		  ST_NORMAL, NULL, note_line))
		text_view_add(v, ST_DIM, NULL, "  %s", _("none: press A to add one"));
}

static int
overview_open(struct view *v, const char *arg, struct wb_err *err)
{
	return text_view_init(v, err);
}

const struct view_ops overview_ops = {
	.name = "overview",
	.title = N_("Overview"),
	.open = overview_open,
	.rebuild = overview_build,
	.draw_row = text_view_draw_row,
	.done = text_view_done,
};
