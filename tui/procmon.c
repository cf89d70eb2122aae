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
	{N_("Path"), 0, COL_TEXT},
	{NULL, 0, 0},
};

static const struct {
	const char *name, *sql;
} columns[] = {
	{"process", "pr.s"}, {"pid", "pm.pid"}, {"tid", "pm.tid"}, {"operation", "op.s"},
	{"path", "pm.path"}, {"result", "rs.s"}, {"detail", "pm.detail"},
};

static int
procmon_open(struct view *v, const char *arg, struct wb_err *err)
{
	static const struct list_spec spec = {
		.from = "procmon pm LEFT JOIN strings pr ON pr.id = pm.process "
			"LEFT JOIN strings op ON op.id = pm.operation LEFT JOIN strings rs ON rs.id = pm.result",
		.key = "pm.id", .id = "pm.id",
		.cols = "pm.ts, pr.s, pm.pid, op.s, rs.s, pm.path, pm.detail, pm.tid, pm.duration, pm.line, pm.seq",
		.search = "ifnull(pr.s, '') || ' ' || ifnull(op.s, '') || ' ' || ifnull(pm.path, '') || ' ' || "
			  "ifnull(rs.s, '') || ' ' || ifnull(pm.detail, '')",
	};
	int64_t ev = strtoll(arg, NULL, 10);
	char *where = sqlite3_mprintf("pm.evidence_id = %lld", (long long)ev);
	int rc = list_init(&v->list, v->app->db, &spec, err);

	if (rc == 0)
		rc = list_set_base(&v->list, where, err);
	sqlite3_free(where);
	v->title = viewer_title(v->app, _("Procmon"), ev);
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
