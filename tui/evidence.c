/* Evidence: every imported file, what was assumed, and a viewer per kind. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui.h"

static const struct view_col evidence_cols[] = {
	{N_("#"), 4, COL_NUM},
	{N_("Kind"), 10, COL_TEXT},
	{N_("Records"), 9, COL_NUM},
	{N_("Size"), 9, COL_SIZE},
	{N_("Warn"), 4, COL_NUM},
	{N_("Time zone"), 12, COL_TEXT},
	{N_("Path"), 0, COL_PATH},
	{NULL, 0, 0},
};

static int
evidence_open(struct view *v, const char *arg, struct wb_err *err)
{
	static const struct list_spec spec = {
		.from = "evidence e",
		.key = "e.id",
		.id = "e.id",
		.cols = "e.id, e.kind, e.records, e.size, "
			"(SELECT count(*) FROM evidence_warning w WHERE w.evidence_id = e.id), "
			"CASE WHEN e.tz_minutes IS NULL THEN '-' ELSE printf('%+03d:%02d', "
			"e.tz_minutes / 60, abs(e.tz_minutes) % 60) END, e.path",
		.search = "e.path || ' ' || e.kind || ' ' || ifnull(e.summary, '')",
	};

	return list_init(&v->list, v->app->db, &spec, err);
}

static void
evidence_detail(struct view *v, const struct list_row *r, struct wb_buf *out)
{
	sqlite3_stmt *s;

	if (sqlite3_prepare_v2(v->app->db,
			       "SELECT path, sha256, hash_scope, importer, importer_version, imported_at, "
			       "imported_by, tz_assumption, summary, status FROM evidence WHERE id = ?",
			       -1, &s, NULL) != SQLITE_OK)
		return;
	sqlite3_bind_int64(s, 1, r->id);
	if (sqlite3_step(s) == SQLITE_ROW) {
#define T(i) (sqlite3_column_text(s, i) ? (const char *)sqlite3_column_text(s, i) : "-")
		buf_printf(out, _("Path: %s\n"), T(0));
		buf_printf(out, _("SHA-256: %s (%s)\n"), T(1), T(2));
		buf_printf(out, _("Imported by %s with %s %s at %s; status %s\n"), T(6), T(3), T(4), T(5), T(9));
		buf_printf(out, _("Time zone assumed: %s\n"), T(7));
		buf_printf(out, _("Summary: %s\n"), T(8));
#undef T
	}
	sqlite3_finalize(s);
	if (sqlite3_prepare_v2(v->app->db, "SELECT line, message FROM evidence_warning WHERE evidence_id = ? "
			       "ORDER BY id LIMIT 200", -1, &s, NULL) != SQLITE_OK)
		return;
	sqlite3_bind_int64(s, 1, r->id);
	while (sqlite3_step(s) == SQLITE_ROW) {
		if (sqlite3_column_type(s, 0) != SQLITE_NULL && sqlite3_column_int64(s, 0) >= 0)
			buf_printf(out, _("warning, line %lld: %s\n"), (long long)sqlite3_column_int64(s, 0),
				   sqlite3_column_text(s, 1));
		else
			buf_printf(out, _("warning: %s\n"), sqlite3_column_text(s, 1));
	}
	sqlite3_finalize(s);
}

static unsigned
evidence_action(struct view *v, enum wb_action act, const char *arg)
{
	const struct list_row *r = list_cur(&v->list);

	if (act == ACT_RETIME && r) {
		struct wb_err err;
		char norm[16], *why;
		int tz;

		if (wb_parse_tz(arg, &tz, &err) < 0) {
			app_message(v->app, true, "%s", err.msg);
			return REDRAW_STATUS;
		}
		wb_format_tz(tz, norm, sizeof norm);
		why = xasprintf(_("set by %s in wb open: %s"), wb_user(), norm);
		if (case_set_evidence_tz(v->app->c, r->id, tz, why, &err) < 0) {
			app_message(v->app, true, "%s", err.msg);
		} else {
			app_match(v->app);	/* facts moved: the findings may change */
			app_message(v->app, false, _("evidence #%lld: local times now read as %s"),
				    (long long)r->id, norm);
		}
		free(why);
		list_reload(&v->list);
		return REDRAW_ALL;
	}
	if (act != ACT_ENTER || !r)
		return UNHANDLED;
	return app_open_ref(v->app, r->id, "evidence", 0);
}

const struct view_ops evidence_ops = {
	.name = "evidence",
	.title = N_("Evidence"),
	.cols = evidence_cols,
	.open = evidence_open,
	.action = evidence_action,
	.detail = evidence_detail,
};

/* ---- from a reference to the viewer that shows it ---- */

static const struct {
	const char *table;
	const struct view_ops *ops;
} viewers[] = {
	{"dump", &dump_ops},
	{"procmon", &procmon_ops},
	{"events", &events_ops},
	{"registry", &registry_ops},
	{"text_lines", &lines_ops},
};

static int64_t
scalar(struct wb_app *a, const char *sql, int64_t id)
{
	sqlite3_stmt *s;
	int64_t v = 0;

	if (sqlite3_prepare_v2(a->db, sql, -1, &s, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_int64(s, 1, id);
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}

unsigned
app_open_ref(struct wb_app *a, int64_t evidence_id, const char *ref_table, int64_t ref_id)
{
	const struct view_ops *ops = NULL;
	struct view *v;
	char arg[32];

	if (ref_table && !strcmp(ref_table, "timeline")) {
		sqlite3_stmt *s;
		unsigned mask = REDRAW_STATUS;

		if (sqlite3_prepare_v2(a->db, "SELECT evidence_id, ref_table, ref_id FROM timeline WHERE id = ?",
				       -1, &s, NULL) != SQLITE_OK)
			return REDRAW_STATUS;
		sqlite3_bind_int64(s, 1, ref_id);
		if (sqlite3_step(s) == SQLITE_ROW) {
			char *t = sqlite3_column_text(s, 1) ? xstrdup((const char *)sqlite3_column_text(s, 1)) : NULL;

			mask = app_open_ref(a, sqlite3_column_int64(s, 0), t ? t : "evidence",
					    sqlite3_column_int64(s, 2));
			free(t);
		}
		sqlite3_finalize(s);
		return mask;
	}
	if (ref_table && (!strcmp(ref_table, "dump_module") || !strcmp(ref_table, "dump_frame"))) {
		int64_t dump = scalar(a, !strcmp(ref_table, "dump_module") ?
				      "SELECT dump_id FROM dump_module WHERE id = ?" :
				      "SELECT dump_id FROM dump_frame WHERE id = ?", ref_id);

		snprintf(arg, sizeof arg, "%lld", (long long)dump);
		if (!dump || !(v = app_push(a, !strcmp(ref_table, "dump_module") ? &modules_ops : &frames_ops, arg)))
			return REDRAW_ALL;
		list_goto_id(&v->list, ref_id);
		return REDRAW_ALL;
	}
	for (size_t i = 0; ref_table && i < sizeof viewers / sizeof viewers[0]; i++) {
		if (strcmp(ref_table, viewers[i].table))
			continue;
		if (!evidence_id) {
			char *sql = sqlite3_mprintf("SELECT evidence_id FROM %s WHERE id = ?", viewers[i].table);

			evidence_id = scalar(a, sql, ref_id);
			sqlite3_free(sql);
		}
		ops = viewers[i].ops;
	}
	if (!ops) {
		/* the evidence itself: the first table that holds its rows */
		ref_id = 0;
		for (size_t i = 0; !ops && i < sizeof viewers / sizeof viewers[0]; i++) {
			char *sql = sqlite3_mprintf("SELECT EXISTS (SELECT 1 FROM %s WHERE evidence_id = ?)",
						    viewers[i].table);

			if (scalar(a, sql, evidence_id))
				ops = viewers[i].ops;
			sqlite3_free(sql);
		}
	}
	if (!ops || !evidence_id) {
		app_message(a, true, _("no rows are stored for this evidence"));
		return REDRAW_STATUS;
	}
	snprintf(arg, sizeof arg, "%lld", (long long)evidence_id);
	if (!(v = app_push(a, ops, arg)))
		return REDRAW_STATUS;
	if (ref_id && !list_goto_id(&v->list, ref_id))
		app_message(a, false, _("row %lld is hidden by a filter"), (long long)ref_id);
	return REDRAW_ALL;
}

char *
evidence_viewer_title(struct wb_app *a, const char *what, int64_t evidence_id)
{
	sqlite3_stmt *s;
	char *t = NULL;

	if (sqlite3_prepare_v2(a->db, "SELECT path FROM evidence WHERE id = ?", -1, &s, NULL) == SQLITE_OK) {
		sqlite3_bind_int64(s, 1, evidence_id);
		if (sqlite3_step(s) == SQLITE_ROW) {
			const char *p = (const char *)sqlite3_column_text(s, 0), *base = p ? strrchr(p, '/') : NULL;

			t = xasprintf("%s #%lld: %s", what, (long long)evidence_id, base ? base + 1 : p ? p : "");
		}
		sqlite3_finalize(s);
	}
	return t ? t : xasprintf("%s #%lld", what, (long long)evidence_id);
}
