/*
 * Timeline: everything dated, from every source, merged by time.  Read with
 * keyset pagination on timeline(ts, id), so a million rows scroll like ten.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui.h"

struct timeline {
	int level;		/* 0 all, 1 critical .. 4 info */
	int64_t source;		/* evidence id, 0 all */
	char *regex;		/* NULL: none */
};

static const char *const level_names[] = {"all", "critical", "error", "warning", "info"};

static const struct view_col timeline_cols[] = {
	{N_("Time"), 23, COL_TIME},
	{N_("Level"), 8, COL_LEVEL},
	{N_("Src"), 4, COL_TEXT},
	{N_("Kind"), 12, COL_TEXT},
	{N_("Summary"), 0, COL_TEXT},
	{NULL, 0, 0},
};

static int
timeline_open(struct view *v, const char *arg, struct wb_err *err)
{
	static const struct list_spec spec = {
		.from = "timeline t",
		.key = "t.ts", .id = "t.id",
		.cols = "t.ts, t.level, '#' || t.evidence_id || CASE t.local WHEN 0 THEN '' ELSE '~' END, "
			"t.kind, t.summary, t.evidence_id, t.local, t.ref_table, t.ref_id",
		.search = "t.summary",
	};

	return list_init(&v->list, v->app->db, &spec, err);
}

static unsigned
apply(struct view *v)
{
	struct timeline *t = v->priv;
	struct wb_buf w = {0}, info = {0};
	struct wb_err err;

	buf_puts(&w, "1");
	if (t->level) {
		static const char *const in[] = {"", "'critical'", "'critical', 'error'",
						 "'critical', 'error', 'warning'",
						 "'critical', 'error', 'warning', 'info'"};

		buf_printf(&w, " AND t.level IN (%s)", in[t->level]);
		buf_printf(&info, _("level>=%s "), level_names[t->level]);
	}
	if (t->source) {
		buf_printf(&w, " AND t.evidence_id = %lld", (long long)t->source);
		buf_printf(&info, _("source #%lld "), (long long)t->source);
	}
	if (t->regex) {
		char *q = sqlite3_mprintf("%Q", t->regex);

		buf_printf(&w, " AND regexp(%s, t.summary)", q);
		buf_printf(&info, "~%s ", t->regex);
		sqlite3_free(q);
	}
	if (list_set_where(&v->list, w.data, &err) < 0)
		app_message(v->app, true, "%s", err.msg);
	free(v->info);
	v->info = info.len ? xstrdup(info.data) : NULL;
	buf_fini(&w);
	buf_fini(&info);
	return REDRAW_BODY;
}

static int
parse_time(struct wb_app *a, const char *s, int64_t *us, struct wb_err *err)
{
	char tmp[64];
	int64_t days;

	if (wb_parse_iso(s, us, NULL) == 0)
		goto local;
	snprintf(tmp, sizeof tmp, "%s:00", s);
	if (wb_parse_iso(tmp, us, NULL) == 0)
		goto local;
	if (wb_parse_date(s, &days, NULL) == 0) {
		*us = days * 86400 * WB_US_PER_SEC;
		goto local;
	}
	return wb_errf(err, _("cannot read the time \"%s\" (try 2024-05-01 10:20)"), s);
local:
	/* a time without zone is read in the zone shown */
	if (!a->show_utc && !strpbrk(s + 10, "Z+") && !strchr(s + 10, '-'))
		*us -= (int64_t)a->tz * 60 * WB_US_PER_SEC;
	return 0;
}

static unsigned
timeline_action(struct view *v, enum wb_action act, const char *arg)
{
	struct timeline *t = v->priv;
	const struct list_row *r = list_cur(&v->list);
	struct wb_err err;
	int64_t us;

	switch (act) {
	case ACT_FILTER:
		free(t->regex);
		t->regex = *arg ? xstrdup(arg) : NULL;
		return apply(v);
	case ACT_FILTER_LEVEL:
		t->level = 0;
		for (int i = 0; i < 5; i++)
			if (*arg && !strncasecmp(arg, level_names[i], strlen(arg)))
				t->level = i;
		return apply(v);
	case ACT_FILTER_SOURCE:
		t->source = strtoll(arg, NULL, 10);
		return apply(v);
	case ACT_GOTO_TIME:
		if (parse_time(v->app, arg, &us, &err) < 0) {
			app_message(v->app, true, "%s", err.msg);
			return REDRAW_STATUS;
		}
		list_seek_int(&v->list, us);
		return REDRAW_BODY;
	case ACT_NEXT_ERROR:
	case ACT_PREV_ERROR:
		if (!list_find(&v->list, act == ACT_NEXT_ERROR ? 1 : -1, "t.level IN ('critical', 'error')", NULL))
			app_message(v->app, false, _("no more errors"));
		return REDRAW_BODY;
	case ACT_ENTER:
		if (!r)
			return REDRAW_STATUS;
		return app_open_ref(v->app, 0, "timeline", r->id);
	default:
		return UNHANDLED;
	}
}

static void
timeline_detail(struct view *v, const struct list_row *r, struct wb_buf *out)
{
	struct wb_app *a = v->app;
	int64_t ts = strtoll(r->col[0] ? r->col[0] : "0", NULL, 10);
	char utc[48];
	sqlite3_stmt *s;

	draw_time_in(ts, 0, true, utc, sizeof utc);
	buf_printf(out, _("%s UTC%s\n"), utc, r->col[6] && atoi(r->col[6]) ? _(" (from a local clock)") : "");
	buf_printf(out, "%s\n", r->col[4] ? r->col[4] : "");
	if (sqlite3_prepare_v2(a->db, "SELECT path, kind, tz_assumption FROM evidence WHERE id = ?", -1, &s,
			       NULL) == SQLITE_OK) {
		sqlite3_bind_int64(s, 1, strtoll(r->col[5] ? r->col[5] : "0", NULL, 10));
		if (sqlite3_step(s) == SQLITE_ROW)
			buf_printf(out, _("Source #%s %s (%s), time zone: %s\n"), r->col[5],
				   sqlite3_column_text(s, 0), sqlite3_column_text(s, 1),
				   sqlite3_column_text(s, 2) ? (const char *)sqlite3_column_text(s, 2) : _("none assumed"));
		sqlite3_finalize(s);
	}
	if (r->col[7])
		buf_printf(out, _("Enter opens %s row %s\n"), r->col[7], r->col[8] ? r->col[8] : "?");
}

static void
timeline_refresh(struct view *v)
{
	char tz[16];

	/* the zone shown is part of the title */
	wb_format_tz(v->app->tz, tz, sizeof tz);
	free(v->title);
	v->title = xasprintf(_("Timeline (%s)"), v->app->show_utc ? "UTC" : tz);
}

static void
timeline_done(struct view *v)
{
	free(((struct timeline *)v->priv)->regex);
}

const struct view_ops timeline_ops = {
	.name = "timeline",
	.title = N_("Timeline"),
	.private_size = sizeof(struct timeline),
	.cols = timeline_cols,
	.open = timeline_open,
	.rebuild = timeline_refresh,
	.action = timeline_action,
	.detail = timeline_detail,
	.done = timeline_done,
};
