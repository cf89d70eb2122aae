/*
 * Process Monitor viewer: the rows as a table with Procmon-like column
 * filters (`:where COLUMN RELATION VALUE [exclude]`, all of them must hold).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui.h"

#define MAX_FILTERS 16

struct procmon {
	int64_t evidence_id;
	char *cond[MAX_FILTERS];	/* SQL, built with %Q */
	char *text[MAX_FILTERS];	/* as typed, for the info line */
	int n;
};

static const struct view_col procmon_cols[] = {
	{N_("Time"), 19, COL_TIME},
	{N_("Process"), 12, COL_TEXT},
	{N_("PID"), 5, COL_NUM},
	{N_("Operation"), 14, COL_TEXT},
	{N_("Result"), 12, COL_TEXT},
	{N_("Path"), 0, COL_PATH},
	{NULL, 0, 0},
};

static const struct {
	const char *name, *sql;
} columns[] = {
	{"process", "pr.s"}, {"pid", "pm.pid"}, {"tid", "pm.tid"}, {"operation", "op.s"},
	{"path", "tp.s"}, {"result", "rs.s"}, {"detail", "td.s"},
};

static int
procmon_open(struct view *v, const char *arg, struct wb_err *err)
{
	static const struct list_spec spec = {
		.from = "procmon pm LEFT JOIN strings pr ON pr.id = pm.process "
			"LEFT JOIN strings op ON op.id = pm.operation LEFT JOIN strings rs ON rs.id = pm.result "
			"LEFT JOIN procmon_text tp ON tp.id = pm.path LEFT JOIN procmon_text td ON td.id = pm.detail",
		.key = "pm.id", .id = "pm.id",
		.cols = "pm.ts, pr.s, pm.pid, op.s, rs.s, tp.s, td.s, pm.tid, "
			"printf('%.7f s', pm.duration / 1e7), pm.line, pm.seq",
		.search = "ifnull(pr.s, '') || ' ' || ifnull(op.s, '') || ' ' || ifnull(tp.s, '') || ' ' || "
			  "ifnull(rs.s, '') || ' ' || ifnull(td.s, '')",
	};
	int64_t ev = strtoll(arg, NULL, 10);
	/* the rows of one capture are one id range (procmon_capture) */
	char *where = sqlite3_mprintf("pm.id BETWEEN (SELECT first_id FROM procmon_capture WHERE evidence_id = %lld) "
				      "AND (SELECT last_id FROM procmon_capture WHERE evidence_id = %lld) "
				      "AND pm.evidence_id = %lld", (long long)ev, (long long)ev, (long long)ev);
	int rc = list_init(&v->list, v->app->db, &spec, err);

	if (rc == 0)
		rc = list_set_base(&v->list, where, err);
	sqlite3_free(where);
	v->title = evidence_viewer_title(v->app, _("Procmon"), ev);
	((struct procmon *)v->priv)->evidence_id = ev;
	return rc;
}

static void
clear_filters(struct procmon *p)
{
	for (int i = 0; i < p->n; i++) {
		sqlite3_free(p->cond[i]);
		free(p->text[i]);
	}
	p->n = 0;
}

/* "process is vssvc.exe exclude" -> SQL condition, or NULL with err. */
static char *
parse_filter(const char *arg, struct wb_err *err)
{
	char col[32], rel[16];
	const char *expr = NULL, *p;
	int n = 0;
	bool exclude = false;
	char *value, *cond = NULL;
	size_t len;

	if (sscanf(arg, "%31s %15s %n", col, rel, &n) < 2 || !n) {
		wb_errf(err, _("usage: where COLUMN is|contains|begins|ends|regex VALUE [exclude]"));
		return NULL;
	}
	for (size_t i = 0; i < sizeof columns / sizeof columns[0]; i++)
		if (!strcasecmp(col, columns[i].name))
			expr = columns[i].sql;
	if (!expr) {
		wb_errf(err, _("unknown column %s (process, pid, tid, operation, path, result, detail)"), col);
		return NULL;
	}
	p = arg + n;
	len = strlen(p);
	while (len && p[len - 1] == ' ')
		len--;
	if (len >= 8 && !strncmp(p + len - 8, " exclude", 8)) {
		exclude = true;
		len -= 8;
	}
	value = xstrndup(p, len);
	if (!strcmp(rel, "is"))
		cond = sqlite3_mprintf("%s = %Q COLLATE NOCASE", expr, value);
	else if (!strcmp(rel, "contains"))
		cond = sqlite3_mprintf("instr(lower(%s), lower(%Q)) > 0", expr, value);
	else if (!strcmp(rel, "begins"))
		cond = sqlite3_mprintf("lower(substr(%s, 1, length(%Q))) = lower(%Q)", expr, value, value);
	else if (!strcmp(rel, "ends"))
		cond = sqlite3_mprintf("lower(substr(%s, -length(%Q))) = lower(%Q)", expr, value, value);
	else if (!strcmp(rel, "regex"))
		cond = sqlite3_mprintf("regexp(%Q, %s)", value, expr);
	else
		wb_errf(err, _("unknown relation %s (is, contains, begins, ends, regex)"), rel);
	free(value);
	if (cond && exclude) {
		char *neg = sqlite3_mprintf("NOT ifnull(%s, 0)", cond);

		sqlite3_free(cond);
		cond = neg;
	}
	return cond;
}

static unsigned
apply(struct view *v)
{
	struct procmon *p = v->priv;
	struct wb_buf w = {0}, info = {0};
	struct wb_err err;

	buf_puts(&w, "1");
	for (int i = 0; i < p->n; i++) {
		buf_printf(&w, " AND (%s)", p->cond[i]);
		buf_printf(&info, "%s[%s]", i ? " " : "", p->text[i]);
	}
	if (list_set_where(&v->list, w.data, &err) < 0)
		app_message(v->app, true, "%s", err.msg);
	free(v->info);
	v->info = p->n ? xstrdup(info.data) : NULL;
	buf_fini(&w);
	buf_fini(&info);
	return REDRAW_BODY;
}

static unsigned
procmon_action(struct view *v, enum wb_action a, const char *arg)
{
	struct procmon *p = v->priv;
	struct wb_err err;
	char *cond;

	switch (a) {
	case ACT_WHERE:
	case ACT_FILTER:
		if (!*arg) {
			clear_filters(p);
			return apply(v);
		}
		if (p->n == MAX_FILTERS) {
			app_message(v->app, true, _("too many filters (clear them with an empty :where)"));
			return REDRAW_STATUS;
		}
		cond = a == ACT_FILTER ? sqlite3_mprintf("regexp(%Q, %s)", arg, v->list.spec.search) :
			parse_filter(arg, &err);
		if (!cond) {
			app_message(v->app, true, "%s", err.msg);
			return REDRAW_STATUS;
		}
		p->cond[p->n] = cond;
		p->text[p->n++] = a == ACT_FILTER ? xasprintf("~ %s", arg) : xstrdup(arg);
		return apply(v);
	case ACT_VSS: {
		char id[24];

		snprintf(id, sizeof id, "%lld", (long long)p->evidence_id);
		app_push(v->app, &vss_ops, id);
		return REDRAW_ALL;
	}
	case ACT_NEXT_ERROR:
	case ACT_PREV_ERROR:
		if (!list_find(&v->list, a == ACT_NEXT_ERROR ? 1 : -1,
			       "rs.s IS NOT NULL AND rs.s <> 'SUCCESS'", NULL))
			app_message(v->app, false, _("no more failed operations"));
		return REDRAW_BODY;
	default:
		return UNHANDLED;
	}
}

static void
procmon_detail(struct view *v, const struct list_row *r, struct wb_buf *out)
{
#define C(i) (r->col[i] ? r->col[i] : "-")
	buf_printf(out, _("Line %s  seq %s  pid %s  tid %s  duration %s\n"), C(9), C(10), C(2), C(7), C(8));
	buf_printf(out, "%s %s %s\n", C(1), C(3), C(4));
	buf_printf(out, _("Path: %s\n"), C(5));
	buf_printf(out, _("Detail: %s\n"), C(6));
#undef C
}

static void
procmon_done(struct view *v)
{
	clear_filters(v->priv);
}

const struct view_ops procmon_ops = {
	.name = "procmon",
	.title = N_("Procmon"),
	.private_size = sizeof(struct procmon),
	.cols = procmon_cols,
	.open = procmon_open,
	.action = procmon_action,
	.detail = procmon_detail,
	.done = procmon_done,
};

/* ---- the VSS writer analysis of a capture (facts of importers/procmon_vss.c) ---- */

static const struct {
	const char *key, *title;
} vss_sections[] = {
	{"procmon.vss_writer", N_("Writers (and the process that hosts them)")},
	{"procmon.vss", N_("Enter / Leave")},
	{"procmon.vss_op", N_("Operations and how long they took")},
	{"procmon.vss_unfinished", N_("Entered and never left")},
	{"procmon.last_before_leave", N_("What happened just before each Leave")},
	{"procmon.denied", N_("Access denied")},
};

static void
vss_build(struct view *v)
{
	struct wb_app *a = v->app;
	sqlite3_stmt *s;
	int64_t ev = *(int64_t *)v->priv;
	int total = 0;

	text_view_clear(v);
	if (sqlite3_prepare_v2(a->db, "SELECT value, text, ts, ref_table, ref_id FROM facts "
			       "WHERE evidence_id = ? AND key = ? ORDER BY ifnull(ts, 0), id", -1, &s, NULL) != SQLITE_OK)
		return;
	for (size_t i = 0; i < sizeof vss_sections / sizeof vss_sections[0]; i++) {
		bool first = true;

		sqlite3_bind_int64(s, 1, ev);
		sqlite3_bind_text(s, 2, vss_sections[i].key, -1, SQLITE_STATIC);
		while (sqlite3_step(s) == SQLITE_ROW) {
			char when[40] = "", *ref = NULL;

			if (first)
				text_view_add(v, ST_TITLE, NULL, "%s", _(vss_sections[i].title));
			first = false;
			total++;
			if (sqlite3_column_type(s, 2) != SQLITE_NULL)
				draw_time(a, sqlite3_column_int64(s, 2), true, when, sizeof when);
			if (sqlite3_column_text(s, 3))
				ref = xasprintf("%s:%lld", sqlite3_column_text(s, 3),
						(long long)sqlite3_column_int64(s, 4));
			text_view_add(v, ref ? ST_MARK : ST_NORMAL, ref, "  %s%s%s  %s", when, *when ? "  " : "",
				      sqlite3_column_text(s, 0), sqlite3_column_text(s, 1) ? (const char *)sqlite3_column_text(s, 1) : "");
			free(ref);
		}
		sqlite3_reset(s);
	}
	sqlite3_finalize(s);
	if (!total)
		text_view_add(v, ST_DIM, NULL, "%s", _("No VSS writer activity was found in this capture."));
	else
		text_view_add(v, ST_DIM, NULL, "%s", _("Enter on a line opens its Procmon row."));
}

static int
vss_open(struct view *v, const char *arg, struct wb_err *err)
{
	*(int64_t *)v->priv = strtoll(arg, NULL, 10);
	v->title = evidence_viewer_title(v->app, _("VSS writers"), *(int64_t *)v->priv);
	return text_view_init(v, err);
}

const struct view_ops vss_ops = {
	.name = "vss",
	.title = N_("VSS writers"),
	.private_size = sizeof(int64_t),
	.open = vss_open,
	.rebuild = vss_build,
	.draw_row = text_view_draw_row,
	.done = text_view_done,
};
