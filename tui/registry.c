/* Registry viewer: keys and values as imported. */
#include <stdlib.h>

#include "tui.h"

static const struct view_col registry_cols[] = {
	{N_("Key"), 38, COL_PATH},
	{N_("Name"), 16, COL_TEXT},
	{N_("Type"), 10, COL_TEXT},
	{N_("Data"), 0, COL_TEXT},
	{NULL, 0, 0},
};

static int
registry_open(struct view *v, const char *arg, struct wb_err *err)
{
	static const struct list_spec spec = {
		.from = "registry", .key = "id", .id = "id",
		.cols = "key, CASE name WHEN '' THEN '(Default)' ELSE name END, type, data",
		.search = "key || '\\' || name || ' ' || ifnull(data, '')",
	};
	int64_t ev = strtoll(arg, NULL, 10);
	char *where = sqlite3_mprintf("evidence_id = %lld", (long long)ev);
	int rc = list_init(&v->list, v->app->db, &spec, err);

	if (rc == 0)
		rc = list_set_base(&v->list, where, err);
	sqlite3_free(where);
	v->title = evidence_viewer_title(v->app, _("Registry"), ev);
	return rc;
}

static void
registry_detail(struct view *v, const struct list_row *r, struct wb_buf *out)
{
	buf_printf(out, "%s\n", r->col[0] ? r->col[0] : "");
	buf_printf(out, "%s = (%s) %s\n", r->col[1] ? r->col[1] : "", r->col[2] ? r->col[2] : "-",
		   r->col[3] ? r->col[3] : "");
}

const struct view_ops registry_ops = {
	.name = "registry",
	.title = N_("Registry"),
	.cols = registry_cols,
	.open = registry_open,
	.detail = registry_detail,
};
