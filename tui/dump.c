/* Crash dump viewer: bug check explained, culprit and why; modules, frames. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/bugcheck.h"
#include "tui.h"

/* The dump's detail JSON as "key: value" lines. */
static void
add_detail(struct view *v, const char *text)
{
	json_t *d = json_loads(text, 0, NULL), *val;
	const char *key;

	if (!json_is_object(d)) {
		text_view_add_wrap(v, ST_DIM, NULL, 2, text);
		json_decref(d);
		return;
	}
	json_object_foreach(d, key, val) {
		char *s = json_is_string(val) ? xstrdup(json_string_value(val)) : json_dumps(val, JSON_ENCODE_ANY);
		char *line = xasprintf("%s: %s", key, s ? s : "");

		text_view_add_wrap(v, ST_DIM, NULL, 2, line);
		free(line);
		free(s);
	}
	json_decref(d);
}

static void
dump_build(struct view *v)
{
	struct wb_app *a = v->app;
	int64_t ev = *(int64_t *)v->priv;
	sqlite3_stmt *s;

	text_view_clear(v);
	if (sqlite3_prepare_v2(a->db,
			       "SELECT id, format, bugcheck, arg1, arg2, arg3, arg4, build, version, machine, "
			       "processors, crash_time, culprit, culprit_reason, detail, "
			       "(SELECT count(*) FROM dump_module m WHERE m.dump_id = d.id), "
			       "(SELECT count(*) FROM dump_frame f WHERE f.dump_id = d.id) "
			       "FROM dump d WHERE evidence_id = ? ORDER BY id", -1, &s, NULL) != SQLITE_OK)
		return;
	sqlite3_bind_int64(s, 1, ev);
	while (sqlite3_step(s) == SQLITE_ROW) {
#define T(i) (sqlite3_column_text(s, i) ? (const char *)sqlite3_column_text(s, i) : "-")
		int64_t id = sqlite3_column_int64(s, 0);
		uint32_t code = (uint32_t)sqlite3_column_int64(s, 2);
		char name[96], ref[48], when[40];
		const char *meaning = "";
		int ap = bugcheck_address_param(code, &meaning);

		text_view_add(v, ST_TITLE, NULL, _("Dump %s"), T(1));
		if (sqlite3_column_type(s, 2) != SQLITE_NULL) {
			bugcheck_name(code, name, sizeof name);
			text_view_add(v, ST_ERROR, NULL, _("Bug check 0x%08X %s"), code, name[0] ? name : _("(unknown code)"));
			for (int i = 0; i < 4; i++)
				text_view_add(v, ST_NORMAL, NULL, "  %s%d 0x%016llx%s%s", _("arg"), i + 1,
					      (unsigned long long)sqlite3_column_int64(s, 3 + i),
					      ap == i + 1 ? "  " : "", ap == i + 1 ? meaning : "");
		}
		if (sqlite3_column_type(s, 11) != SQLITE_NULL) {
			draw_time(a, sqlite3_column_int64(s, 11), false, when, sizeof when);
			text_view_add(v, ST_NORMAL, NULL, _("Crash time  %s %s"), when, a->show_utc ? "UTC" : "");
		}
		text_view_add(v, ST_NORMAL, NULL, _("Windows     build %s, %s, %s, %s processors"), T(7), T(8), T(9), T(10));
		text_view_add(v, ST_NORMAL, NULL, "%s", "");
		text_view_add(v, ST_TITLE, NULL, _("Culprit     %s"), T(12));
		text_view_add_wrap(v, ST_NORMAL, NULL, 12, T(13));
		if (sqlite3_column_text(s, 14))
			add_detail(v, T(14));
		text_view_add(v, ST_NORMAL, NULL, "%s", "");
		snprintf(ref, sizeof ref, "modules:%lld", (long long)id);
		text_view_add(v, ST_MARK, ref, _("Modules: %lld (Enter: list, sort, filter)"),
			      (long long)sqlite3_column_int64(s, 15));
		snprintf(ref, sizeof ref, "frames:%lld", (long long)id);
		text_view_add(v, ST_MARK, ref, _("Stack frames: %lld (Enter: list)"),
			      (long long)sqlite3_column_int64(s, 16));
#undef T
	}
	sqlite3_finalize(s);
}

static int
dump_open(struct view *v, const char *arg, struct wb_err *err)
{
	*(int64_t *)v->priv = strtoll(arg, NULL, 10);
	v->title = evidence_viewer_title(v->app, _("Dump"), *(int64_t *)v->priv);
	return text_view_init(v, err);
}

static unsigned
dump_action(struct view *v, enum wb_action a, const char *arg)
{
	const struct list_row *r = list_cur(&v->list);
	const char *ref = r ? r->col[2] : NULL;

	if (a != ACT_ENTER || !ref)
		return UNHANDLED;
	if (!strncmp(ref, "modules:", 8))
		app_push(v->app, &modules_ops, ref + 8);
	else if (!strncmp(ref, "frames:", 7))
		app_push(v->app, &frames_ops, ref + 7);
	return REDRAW_ALL;
}

const struct view_ops dump_ops = {
	.name = "dump",
	.title = N_("Dump"),
	.private_size = sizeof(int64_t),
	.open = dump_open,
	.rebuild = dump_build,
	.action = dump_action,
	.draw_row = text_view_draw_row,
	.done = text_view_done,
};

/* ---- modules: sortable (s) and filterable (|) ---- */

static const struct view_col modules_cols[] = {
	{N_("Name"), 20, COL_TEXT},
	{N_("Base"), 18, COL_HEX},
	{N_("Size"), 9, COL_HEX},
	{N_("Timestamp"), 19, COL_TIME},
	{N_("Path"), 0, COL_PATH},
	{NULL, 0, 0},
};

static const struct {
	const char *label, *key;
} module_orders[] = {
	{N_("load order"), "id"},
	{N_("name"), "lower(name)"},
	{N_("base address"), "ifnull(base, 0)"},
	{N_("size"), "ifnull(size, 0)"},
	{N_("timestamp"), "ifnull(timestamp, 0)"},
};

static int
modules_open(struct view *v, const char *arg, struct wb_err *err)
{
	static const struct list_spec spec = {
		.from = "dump_module", .key = "id", .id = "id",
		.cols = "name || CASE unloaded WHEN 0 THEN '' ELSE ' (unloaded)' END, base, size, "
			"timestamp * 1000000, path",
		.search = "name || ' ' || ifnull(path, '')",
	};
	char *where = sqlite3_mprintf("dump_id = %lld", strtoll(arg, NULL, 10));
	int rc = list_init(&v->list, v->app->db, &spec, err);

	if (rc == 0)
		rc = list_set_base(&v->list, where, err);
	sqlite3_free(where);
	v->title = xasprintf(_("Modules of dump %s"), arg);
	return rc;
}

static unsigned
modules_action(struct view *v, enum wb_action a, const char *arg)
{
	int *order = v->priv;
	struct wb_err err;

	if (a != ACT_SORT)
		return UNHANDLED;
	*order = (*order + 1) % (int)(sizeof module_orders / sizeof module_orders[0]);
	if (list_set_order(&v->list, module_orders[*order].key, &err) < 0)
		app_message(v->app, true, "%s", err.msg);
	else
		app_message(v->app, false, _("sorted by %s"), _(module_orders[*order].label));
	free(v->info);
	v->info = xasprintf(_("sorted by %s"), _(module_orders[*order].label));
	return REDRAW_BODY;
}

const struct view_ops modules_ops = {
	.name = "modules",
	.title = N_("Modules"),
	.private_size = sizeof(int),
	.cols = modules_cols,
	.open = modules_open,
	.action = modules_action,
};

/* ---- stack frames ---- */

static const struct view_col frames_cols[] = {
	{N_("#"), 3, COL_NUM},
	{N_("Address"), 18, COL_HEX},
	{N_("Symbol"), 0, COL_TEXT},
	{NULL, 0, 0},
};

static int
frames_open(struct view *v, const char *arg, struct wb_err *err)
{
	static const struct list_spec spec = {
		.from = "dump_frame", .key = "idx", .id = "id",
		.cols = "idx, address, ifnull(symbol, '?') || ifnull('  [' || source || ']', '')",
		.search = "ifnull(symbol, '') || ' ' || ifnull(source, '')",
	};
	char *where = sqlite3_mprintf("dump_id = %lld", strtoll(arg, NULL, 10));
	int rc = list_init(&v->list, v->app->db, &spec, err);

	if (rc == 0)
		rc = list_set_base(&v->list, where, err);
	sqlite3_free(where);
	v->title = xasprintf(_("Stack of dump %s"), arg);
	return rc;
}

const struct view_ops frames_ops = {
	.name = "frames",
	.title = N_("Frames"),
	.cols = frames_cols,
	.open = frames_open,
};
