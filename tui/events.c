/* Event log viewer: level, time, provider, id, message; data in the detail. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui.h"

static const struct view_col events_cols[] = {
	{N_("Time"), 19, COL_TIME},
	{N_("Level"), 8, COL_LEVEL},
	{N_("Provider"), 22, COL_TEXT},
	{N_("ID"), 5, COL_NUM},
	{N_("Message"), 0, COL_TEXT},
	{NULL, 0, 0},
};

#define LEVEL_SQL "CASE ev.level WHEN 1 THEN 'critical' WHEN 2 THEN 'error' WHEN 3 THEN 'warning' " \
	"WHEN 4 THEN 'info' WHEN 5 THEN 'verbose' ELSE 'info' END"

static int
events_open(struct view *v, const char *arg, struct wb_err *err)
{
	static const struct list_spec spec = {
		.from = "events ev LEFT JOIN strings p ON p.id = ev.provider",
		.key = "ev.id", .id = "ev.id",
		.cols = "ev.ts, " LEVEL_SQL ", p.s, ev.event_id, ev.message",
		.search = "ifnull(p.s, '') || ' ' || ev.event_id || ' ' || ifnull(ev.message, '') || ' ' || ifnull(ev.data, '')",
	};
	int64_t ev = strtoll(arg, NULL, 10);
	char *where = sqlite3_mprintf("ev.evidence_id = %lld", (long long)ev);
	int rc = list_init(&v->list, v->app->db, &spec, err);

	if (rc == 0)
		rc = list_set_base(&v->list, where, err);
	sqlite3_free(where);
	v->title = evidence_viewer_title(v->app, _("Events"), ev);
	return rc;
}

static void
events_detail(struct view *v, const struct list_row *r, struct wb_buf *out)
{
	sqlite3_stmt *s;

	if (sqlite3_prepare_v2(v->app->db,
			       "SELECT ev.record, c.s, m.s, ev.qualifiers, ev.message, ev.data, ev.recovered, ev.line "
			       "FROM events ev LEFT JOIN strings c ON c.id = ev.channel "
			       "LEFT JOIN strings m ON m.id = ev.computer WHERE ev.id = ?", -1, &s, NULL) != SQLITE_OK)
		return;
	sqlite3_bind_int64(s, 1, r->id);
	if (sqlite3_step(s) == SQLITE_ROW) {
#define T(i) (sqlite3_column_text(s, i) ? (const char *)sqlite3_column_text(s, i) : "-")
		buf_printf(out, _("Record %s  channel %s  computer %s  qualifiers %s%s\n"), T(0), T(1), T(2), T(3),
			   sqlite3_column_int(s, 6) ? _("  (recovered)") : "");
		buf_printf(out, _("Message: %s\n"), T(4));
		buf_printf(out, _("Data: %s\n"), T(5));
#undef T
	}
	sqlite3_finalize(s);
}

static unsigned
events_action(struct view *v, enum wb_action a, const char *arg)
{
	switch (a) {
	case ACT_NEXT_ERROR:
	case ACT_PREV_ERROR:
		if (!list_find(&v->list, a == ACT_NEXT_ERROR ? 1 : -1, "ev.level IN (1, 2)", NULL))
			app_message(v->app, false, _("no more errors"));
		return REDRAW_BODY;
	default:
		return UNHANDLED;
	}
}

const struct view_ops events_ops = {
	.name = "events",
	.title = N_("Events"),
	.cols = events_cols,
	.open = events_open,
	.action = events_action,
	.detail = events_detail,
};
