/* Help: generated from the action table and the key table. */
#include <stdio.h>
#include <string.h>

#include "tui.h"

static void
keys_for(struct wb_app *a, enum wb_action act, struct wb_buf *out)
{
	char label[16];

	buf_reset(out);
	buf_append(out, "", 0);
	for (size_t i = 0; i < a->keys.n; i++) {
		const struct wb_binding *b = &a->keys.b[i];

		if (b->action != act)
			continue;
		if (out->len)
			buf_puts(out, " ");
		buf_puts(out, key_label(b->key, label, sizeof label));
		if (b->view)
			buf_printf(out, "(%s)", b->view);
	}
}

static void
help_build(struct view *v)
{
	struct wb_app *a = v->app;
	struct wb_buf keys = {0};
	const struct view_ops *const tops[APP_MAX_TOP] = {
		&overview_ops, &evidence_ops, &timeline_ops, &findings_ops,
		&checklist_ops, &notes_ops, &kb_ops,
	};

	text_view_clear(v);
	text_view_add(v, ST_TITLE, NULL, "%s", _("Keys and commands (q: back, / search here)"));
	text_view_add(v, ST_NORMAL, NULL, "%s", "");
	{	/* padded by display width: the headings may be Japanese */
		const char *keys_h = _("Keys"), *cmd_h = _(":command");
		int pk = 20 - draw_width(a, keys_h), pc = 16 - draw_width(a, cmd_h);

		text_view_add(v, ST_HEADING, NULL, "%s%*s %s%*s %s", keys_h, pk > 0 ? pk : 0, "",
			      cmd_h, pc > 0 ? pc : 0, "", _("What it does"));
	}
	for (int i = 1; i < ACT_COUNT; i++) {
		const struct action_info *ai = action_info((enum wb_action)i);

		keys_for(a, (enum wb_action)i, &keys);
		text_view_add(v, ST_NORMAL, NULL, "%-20s :%-15s %s", keys.data, ai->name, _(ai->help));
	}
	text_view_add(v, ST_NORMAL, NULL, "%s", "");
	text_view_add(v, ST_HEADING, NULL, "%s", _("Views"));
	for (int i = 0; i < APP_MAX_TOP; i++)
		text_view_add(v, ST_NORMAL, NULL, "  %d  %s", i + 1, _(tops[i]->title));
	text_view_add(v, ST_NORMAL, NULL, "%s", "");
	text_view_add(v, ST_DIM, NULL, "%s",
		      _("Keys can be changed in $XDG_CONFIG_HOME/wb/config: bind KEY ACTION [VIEW]"));
	buf_fini(&keys);
}

static int
help_open(struct view *v, const char *arg, struct wb_err *err)
{
	return text_view_init(v, err);
}

const struct view_ops help_ops = {
	.name = "help",
	.title = N_("Help"),
	.open = help_open,
	.rebuild = help_build,
	.draw_row = text_view_draw_row,
	.done = text_view_done,
};
