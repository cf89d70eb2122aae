/* The action table and the one table of key bindings. */
#define NCURSES_WIDECHAR 1
#include <curses.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui.h"

#define CTRL(c) ((c) & 0x1f)

static const struct action_info actions[ACT_COUNT] = {
	[ACT_NONE] = {"none", "", NULL},
#define X(e, n, h, p) [ACT_##e] = {n, h, p},
	WB_ACTIONS(X)
#undef X
};

const struct action_info *
action_info(enum wb_action a)
{
	return &actions[a < ACT_COUNT ? a : ACT_NONE];
}

enum wb_action
action_by_name(const char *name, size_t len)
{
	for (int a = 1; a < ACT_COUNT; a++)
		if (strlen(actions[a].name) == len && !strncmp(actions[a].name, name, len))
			return (enum wb_action)a;
	return ACT_NONE;
}

/* Defaults: less/vim/tig/lnav habits.  View-specific lines come first so that
 * lookup finds them before the generic ones. */
static const struct wb_binding default_keys[] = {
	{"timeline", 'z', ACT_TOGGLE_TZ},
	{"timeline", 't', ACT_GOTO_TIME},
	{"timeline", 'L', ACT_FILTER_LEVEL},
	{"timeline", 'S', ACT_FILTER_SOURCE},
	{"procmon", 'w', ACT_WHERE},
	{"procmon", 'v', ACT_VSS},
	{"modules", 's', ACT_SORT},
	{"findings", 'c', ACT_CONFIRM},
	{"findings", 'd', ACT_DISMISS},
	{"findings", 'o', ACT_REOPEN},
	{"evidence", 'Z', ACT_RETIME},
	{"notes", 'a', ACT_ADD_NOTE},
	{"checklist", 'x', ACT_STEP_DONE},
	{"checklist", 's', ACT_STEP_SKIP},
	{"checklist", 'a', ACT_ANSWER},
	{"checklist", 'y', ACT_COPY},
	{"checklist", 'A', ACT_STEP_NOTE},
	{"kb", 'S', ACT_START},
	{"article", 'S', ACT_START},
	{"findings", 'S', ACT_START},
	{NULL, 'j', ACT_MOVE_DOWN},
	{NULL, KEY_DOWN, ACT_MOVE_DOWN},
	{NULL, CTRL('n'), ACT_MOVE_DOWN},
	{NULL, 'k', ACT_MOVE_UP},
	{NULL, KEY_UP, ACT_MOVE_UP},
	{NULL, CTRL('p'), ACT_MOVE_UP},
	{NULL, KEY_NPAGE, ACT_PAGE_DOWN},
	{NULL, ' ', ACT_PAGE_DOWN},
	{NULL, CTRL('f'), ACT_PAGE_DOWN},
	{NULL, KEY_PPAGE, ACT_PAGE_UP},
	{NULL, 'b', ACT_PAGE_UP},
	{NULL, CTRL('b'), ACT_PAGE_UP},
	{NULL, CTRL('d'), ACT_HALF_DOWN},
	{NULL, CTRL('u'), ACT_HALF_UP},
	{NULL, 'g', ACT_FIRST},
	{NULL, KEY_HOME, ACT_FIRST},
	{NULL, 'G', ACT_LAST},
	{NULL, KEY_END, ACT_LAST},
	{NULL, 'h', ACT_SCROLL_LEFT},
	{NULL, KEY_LEFT, ACT_SCROLL_LEFT},
	{NULL, 'l', ACT_SCROLL_RIGHT},
	{NULL, KEY_RIGHT, ACT_SCROLL_RIGHT},
	{NULL, '\n', ACT_ENTER},
	{NULL, '\r', ACT_ENTER},
	{NULL, KEY_ENTER, ACT_ENTER},
	{NULL, 'q', ACT_BACK},
	{NULL, 'Q', ACT_QUIT},
	{NULL, '?', ACT_HELP},
	{NULL, KEY_F(1), ACT_HELP},
	{NULL, ':', ACT_PROMPT},
	{NULL, '/', ACT_SEARCH},
	{NULL, 'n', ACT_SEARCH_NEXT},
	{NULL, 'N', ACT_SEARCH_PREV},
	{NULL, '\t', ACT_NEXT_PANE},
	{NULL, CTRL('l'), ACT_REDRAW},
	{NULL, '1', ACT_VIEW_OVERVIEW},
	{NULL, '2', ACT_VIEW_EVIDENCE},
	{NULL, '3', ACT_VIEW_TIMELINE},
	{NULL, '4', ACT_VIEW_FINDINGS},
	{NULL, '5', ACT_VIEW_CHECKLIST},
	{NULL, '6', ACT_VIEW_NOTES},
	{NULL, '7', ACT_VIEW_KB},
	{NULL, '|', ACT_FILTER},
	{NULL, 'e', ACT_NEXT_ERROR},
	{NULL, 'E', ACT_PREV_ERROR},
	{NULL, 'i', ACT_IMPORT},
	{NULL, 'A', ACT_ADD_NOTE},
	{NULL, CTRL('c'), ACT_CANCEL},
	{NULL, 'R', ACT_MATCH},
};

void
keymap_init(struct wb_keymap *km)
{
	/* The keymap owns its view names, so user lines can add their own. */
	km->n = sizeof default_keys / sizeof default_keys[0];
	km->b = xmalloc(km->n * sizeof *km->b);
	for (size_t i = 0; i < km->n; i++) {
		km->b[i] = default_keys[i];
		km->b[i].view = default_keys[i].view ? xstrdup(default_keys[i].view) : NULL;
	}
}

void
keymap_fini(struct wb_keymap *km)
{
	for (size_t i = 0; i < km->n; i++)
		free((char *)km->b[i].view);
	free(km->b);
	km->b = NULL;
	km->n = 0;
}

enum wb_action
keymap_lookup(const struct wb_keymap *km, const char *view, int key)
{
	/* A view's own binding wins over a generic one. */
	for (size_t i = 0; i < km->n; i++)
		if (km->b[i].key == key && km->b[i].view && view && !strcmp(km->b[i].view, view))
			return km->b[i].action;
	for (size_t i = 0; i < km->n; i++)
		if (km->b[i].key == key && !km->b[i].view)
			return km->b[i].action;
	return ACT_NONE;
}

static const struct {
	int key;
	const char *name;
} key_names[] = {
	{KEY_DOWN, "Down"}, {KEY_UP, "Up"}, {KEY_LEFT, "Left"}, {KEY_RIGHT, "Right"},
	{KEY_NPAGE, "PgDn"}, {KEY_PPAGE, "PgUp"}, {KEY_HOME, "Home"}, {KEY_END, "End"},
	{'\n', "Enter"}, {'\r', "Return"}, {KEY_ENTER, "KpEnter"}, {'\t', "Tab"},
	{' ', "Space"}, {KEY_F(1), "F1"}, {27, "Esc"}, {KEY_BACKSPACE, "Backspace"},
};

const char *
key_label(int key, char *buf, size_t len)
{
	for (size_t i = 0; i < sizeof key_names / sizeof key_names[0]; i++)
		if (key_names[i].key == key)
			return key_names[i].name;
	if (key > 0 && key < 32)
		snprintf(buf, len, "^%c", key + '@');
	else if (key > 32 && key < 127)
		snprintf(buf, len, "%c", key);
	else
		snprintf(buf, len, "#%d", key);
	return buf;
}

int
key_parse(const char *s)
{
	for (size_t i = 0; i < sizeof key_names / sizeof key_names[0]; i++)
		if (!strcasecmp(key_names[i].name, s))
			return key_names[i].key;
	if (s[0] == '^' && s[1] && !s[2])
		return CTRL(toupper((unsigned char)s[1]));
	if (s[0] && !s[1] && s[0] > 32 && s[0] < 127)
		return s[0];
	return -1;
}

int
keymap_load_config(struct wb_keymap *km, struct wb_err *err)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	char *path, line[512];
	FILE *f;
	int lineno = 0, rc = 0;

	if (xdg && *xdg)
		path = xasprintf("%s/wb/config", xdg);
	else if (home && *home)
		path = xasprintf("%s/.config/wb/config", home);
	else
		return 0;
	if (!(f = fopen(path, "r"))) {
		rc = errno == ENOENT ? 0 : wb_errf(err, "%s: %s", path, strerror(errno));
		free(path);
		return rc;
	}
	while (fgets(line, sizeof line, f)) {
		char *word[4] = {0}, *save = NULL, *p;
		int n = 0, key;
		enum wb_action act;

		lineno++;
		for (p = strtok_r(line, " \t\r\n", &save); p && n < 4; p = strtok_r(NULL, " \t\r\n", &save))
			word[n++] = p;
		if (n == 0 || word[0][0] == '#')
			continue;
		if (strcmp(word[0], "bind") || n < 3) {
			rc = wb_errf(err, _("%s:%d: expected \"bind KEY ACTION [VIEW]\""), path, lineno);
			continue;
		}
		if ((key = key_parse(word[1])) < 0) {
			rc = wb_errf(err, _("%s:%d: unknown key \"%s\""), path, lineno, word[1]);
			continue;
		}
		if (!(act = action_by_name(word[2], strlen(word[2]))) && strcmp(word[2], "none")) {
			rc = wb_errf(err, _("%s:%d: unknown action \"%s\" (see :help)"), path, lineno, word[2]);
			continue;
		}
		/* User bindings go first, so they win over the defaults. */
		km->b = xrealloc(km->b, (km->n + 1) * sizeof *km->b);
		memmove(km->b + 1, km->b, km->n * sizeof *km->b);
		km->b[0].view = n > 3 ? xstrdup(word[3]) : NULL;
		km->b[0].key = key;
		km->b[0].action = act;
		km->n++;
	}
	fclose(f);
	free(path);
	return rc;
}
