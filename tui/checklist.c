/* Checklist: the state of the guided sessions recorded in the case. */
#include "tui.h"

static const struct view_col checklist_cols[] = {
	{N_("List"), 18, COL_TEXT},
	{N_("Step"), 14, COL_TEXT},
	{N_("State"), 9, COL_TEXT},
	{N_("Who/when"), 20, COL_TEXT},
	{N_("Answer / note"), 0, COL_TEXT},
	{NULL, 0, 0},
};

static int
checklist_open(struct view *v, const char *arg, struct wb_err *err)
{
	static const struct list_spec spec = {
		.from = "checklist", .key = "id", .id = "id",
		.cols = "list, step, state, user || ' ' || substr(at, 1, 16), "
			"trim(ifnull(answer, '') || ' ' || ifnull(note, ''))",
		.search = "list || ' ' || step || ' ' || ifnull(answer, '') || ' ' || ifnull(note, '')",
	};

	return list_init(&v->list, v->app->db, &spec, err);
}

const struct view_ops checklist_ops = {
	.name = "checklist",
	.title = N_("Checklist"),
	.cols = checklist_cols,
	.open = checklist_open,
};
