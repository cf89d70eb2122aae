/* Notes: what the engineers wrote, newest last; A (or :note TEXT) adds one. */
#include "tui.h"

static const struct view_col notes_cols[] = {
	{N_("When"), 20, COL_TEXT},
	{N_("Who"), 10, COL_TEXT},
	{N_("Note"), 0, COL_TEXT},
	{NULL, 0, 0},
};

static int
notes_open(struct view *v, const char *arg, struct wb_err *err)
{
	static const struct list_spec spec = {
		.from = "notes", .key = "id", .id = "id",
		.cols = "at, user, ifnull('[' || list || ' ' || step || '] ', '') || text, text",
		.search = "text",
	};

	return list_init(&v->list, v->app->db, &spec, err);
}

static void
notes_detail(struct view *v, const struct list_row *r, struct wb_buf *out)
{
	buf_printf(out, "%s %s\n%s\n", r->col[0] ? r->col[0] : "", r->col[1] ? r->col[1] : "",
		   r->col[3] ? r->col[3] : "");
}

const struct view_ops notes_ops = {
	.name = "notes",
	.title = N_("Notes"),
	.cols = notes_cols,
	.open = notes_open,
	.detail = notes_detail,
};
