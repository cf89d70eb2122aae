/* KB browser: the articles of the knowledge base. */
#include "tui.h"

static void
kb_build(struct view *v)
{
	text_view_clear(v);
	text_view_add(v, ST_DIM, NULL, "%s", _("The knowledge base is not part of this build yet."));
}

static int
kb_open(struct view *v, const char *arg, struct wb_err *err)
{
	return text_view_init(v, err);
}

const struct view_ops kb_ops = {
	.name = "kb",
	.title = N_("KB"),
	.open = kb_open,
	.rebuild = kb_build,
	.draw_row = text_view_draw_row,
	.done = text_view_done,
};
