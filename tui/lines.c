/* Text evidence (notes, tool output): the lines, with parsed parts marked. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui.h"

static int
lines_open(struct view *v, const char *arg, struct wb_err *err)
{
	static const struct list_spec spec = {
		.from = "text_lines", .key = "line", .id = "id",
		.cols = "line, text, parsed, section", .search = "text",
	};
	int64_t ev = strtoll(arg, NULL, 10);
	char *where = sqlite3_mprintf("evidence_id = %lld", (long long)ev);
	int rc = list_init(&v->list, v->app->db, &spec, err);

	if (rc == 0)
		rc = list_set_base(&v->list, where, err);
	sqlite3_free(where);
	v->title = evidence_viewer_title(v->app, _("Text"), ev);
	return rc;
}

static void
lines_draw_row(struct view *v, const struct list_row *r, int y, int w, bool sel)
{
	struct wb_app *a = v->app;
	enum wb_style st = sel ? ST_CURSOR : r->col[2] ? ST_MARK : ST_NORMAL;
	char num[24];

	draw_fill(a, y, 0, w, sel ? ST_CURSOR : ST_NORMAL);
	snprintf(num, sizeof num, "%6s%s", r->col[0] ? r->col[0] : "", r->col[2] ? ">" : " ");
	draw_text(a, y, 0, 7, 0, sel ? ST_CURSOR : ST_DIM, false, num);
	draw_text(a, y, 8, w - 8, v->list.skip, st, true, r->col[1]);
}

static void
lines_detail(struct view *v, const struct list_row *r, struct wb_buf *out)
{
	buf_printf(out, _("Line %s"), r->col[0] ? r->col[0] : "?");
	if (r->col[3])
		buf_printf(out, _(", output of %s"), r->col[3]);
	if (r->col[2])
		buf_printf(out, _(", understood as %s"), r->col[2]);
	buf_printf(out, "\n%s\n", r->col[1] ? r->col[1] : "");
}

static const struct view_col lines_cols[] = {
	{N_("Line"), 7, COL_NUM},
	{N_("Text"), 0, COL_TEXT},
	{NULL, 0, 0},
};

const struct view_ops lines_ops = {
	.name = "text",
	.title = N_("Text"),
	.cols = lines_cols,
	.open = lines_open,
	.draw_row = lines_draw_row,
	.detail = lines_detail,
};
