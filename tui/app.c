/*
 * The UI root: terminal set-up and restore, the main loop, the view stack,
 * the command line and the one generic action switch.
 */
#define NCURSES_WIDECHAR 1
#include <curses.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../core/report.h"
#include "../kb/kb.h"
#include "../kb/match.h"
#include "../kb/report_kb.h"
#include "tui.h"

static const struct view_ops *const top_views[APP_MAX_TOP] = {
	&overview_ops, &evidence_ops, &timeline_ops, &findings_ops,
	&checklist_ops, &notes_ops, &kb_ops,
};

/* ---- the terminal is restored on every way out ---- */

static const int fatal_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGSEGV, SIGBUS,
				    SIGFPE, SIGILL, SIGABRT};

static void
on_fatal_signal(int sig)
{
	/* Leave the alternate screen and restore the tty modes, then die of
	 * the same signal (the handler was installed with SA_RESETHAND). */
	endwin();
	raise(sig);
}

static void
signals_install(bool on)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on ? on_fatal_signal : SIG_DFL;
	sa.sa_flags = on ? (int)SA_RESETHAND : 0;
	for (size_t i = 0; i < sizeof fatal_signals / sizeof fatal_signals[0]; i++)
		sigaction(fatal_signals[i], &sa, NULL);
}

static void
endwin_atexit(void)
{
	if (!isendwin())
		endwin();
}

/* ---- messages and layout ---- */

void
app_message(struct wb_app *a, bool error, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(a->status, sizeof a->status, fmt, ap);
	va_end(ap);
	a->status_error = error;
}

struct view *
app_view(struct wb_app *a)
{
	return a->stack[a->depth - 1];
}

int
app_detail_height(struct wb_app *a, struct view *v)
{
	if (!v->ops->detail)
		return 0;
	return a->body_h >= 16 ? a->body_h / 3 : a->body_h >= 10 ? 4 : 0;
}

int
app_list_height(struct wb_app *a, struct view *v)
{
	int h = a->body_h - 1 - (v->ops->cols ? 1 : 0) - app_detail_height(a, v);

	return h > 0 ? h : 1;
}

static void
layout(struct wb_app *a)
{
	getmaxyx(stdscr, a->rows, a->cols);
	a->body_y = 2;
	a->body_h = a->rows - 3 > 1 ? a->rows - 3 : 1;
}

/* Bring v up to date: its content and its window for the screen size. */
void
app_refresh_view(struct view *v)
{
	list_set_height(&v->list, app_list_height(v->app, v));
	if (v->ops->rebuild)
		v->ops->rebuild(v);
	list_reload(&v->list);
}

static void
view_free(struct view *v)
{
	if (!v)
		return;
	if (v->ops->done)
		v->ops->done(v);
	list_fini(&v->list);
	free(v->priv);
	free(v->title);
	free(v->info);
	free(v);
}

static struct view *
view_new(struct wb_app *a, const struct view_ops *ops, const char *arg)
{
	struct view *v = xcalloc(1, sizeof *v);
	struct wb_err err;

	v->ops = ops;
	v->app = a;
	v->priv = xcalloc(1, ops->private_size ? ops->private_size : 1);
	if (ops->open(v, arg, &err) < 0) {
		app_message(a, true, "%s", err.msg);
		list_fini(&v->list);
		free(v->priv);
		free(v->title);
		free(v->info);
		free(v);
		return NULL;
	}
	return v;
}

struct view *
app_push(struct wb_app *a, const struct view_ops *ops, const char *arg)
{
	struct view *v = view_new(a, ops, arg);

	if (!v)
		return NULL;
	if (a->depth == APP_MAX_STACK)
		view_free(a->stack[--a->depth]);
	a->stack[a->depth++] = v;
	app_refresh_view(v);
	return v;
}

static void
app_pop(struct wb_app *a)
{
	if (a->depth > 1) {
		view_free(a->stack[--a->depth]);
		app_refresh_view(app_view(a));
	}
}

unsigned
app_top(struct wb_app *a, int i)
{
	if (!a->top[i] && !(a->top[i] = view_new(a, top_views[i], NULL)))
		return REDRAW_STATUS;
	while (a->depth > 1)
		view_free(a->stack[--a->depth]);
	a->stack[0] = a->top[i];
	a->depth = 1;
	app_refresh_view(a->top[i]);
	return REDRAW_ALL;
}

void
app_match(struct wb_app *a)
{
	struct match_result r = {0};
	struct wb_err err;

	if (!a->kb) {
		app_message(a, true, _("no knowledge base: findings not updated"));
		return;
	}
	if (match_run(a->c, a->kb, &r, &err) < 0) {
		app_message(a, true, _("findings not updated: %s"), err.msg);
		return;
	}
	app_message(a, false, _("%zu findings (matched in %.2f s)"), r.n, r.seconds);
	match_result_fini(&r);
}

static unsigned
write_report(struct wb_app *a, const char *arg)
{
	struct report_kb rk = {.kb = a->kb, .lang = strcmp(a->lang, "ja") ? NULL : "ja"};
	struct report_opts opts = {0};
	enum report_format fmt;
	struct wb_err err;
	char *path;

	if (!*arg) {
		app_message(a, true, _("usage: :report FILE (.md, .html, .txt or .json)"));
		return REDRAW_STATUS;
	}
	path = arg[0] == '~' && arg[1] == '/' && getenv("HOME") ? xasprintf("%s%s", getenv("HOME"), arg + 1) :
		xstrdup(arg);
	if (report_format_from_path(path, &fmt) < 0) {
		app_message(a, true, _("%s: name the format with the extension (.md, .html, .txt or .json)"), path);
		free(path);
		return REDRAW_STATUS;
	}
	if (a->kb) {
		opts.annotate = report_kb_annotate;
		opts.annotate_ctx = &rk;
	}
	if (report_save(a->c, fmt, path, &opts, &err) < 0)
		app_message(a, true, "%s", err.msg);
	else
		app_message(a, false, _("%s report written to %s"), report_format_name(fmt), path);
	free(path);
	return REDRAW_STATUS;
}

/* ---- search ---- */

/* Returns 0, or -1 with a message when the pattern is bad. */
static int
set_search(struct wb_app *a, const char *pattern)
{
	struct wb_err err;
	wb_regex *re;

	if (!*pattern) {
		regex_free(a->search_re);
		a->search_re = NULL;
		free(a->search);
		a->search = NULL;
		return 0;
	}
	if (!(re = regex_compile(pattern, 0, &err))) {
		app_message(a, true, "%s", err.msg);
		return -1;
	}
	regex_free(a->search_re);
	free(a->search);
	a->search_re = re;
	a->search = xstrdup(pattern);
	return 0;
}

static unsigned
search_step(struct wb_app *a, struct view *v, int dir)
{
	if (!a->search) {
		app_message(a, true, _("no search pattern: press / first"));
		return REDRAW_STATUS;
	}
	switch (list_find(&v->list, dir, NULL, a->search)) {
	case 0:
		app_message(a, true, _("pattern not found: %s"), a->search);
		break;
	case 2:
		app_message(a, false, dir > 0 ? _("search hit BOTTOM, continuing at TOP") :
			    _("search hit TOP, continuing at BOTTOM"));
		break;
	}
	return REDRAW_BODY;
}

/* ---- the command line ---- */

static unsigned app_do(struct wb_app *a, enum wb_action act, const char *arg);

static unsigned
run_command(struct wb_app *a, const char *line)
{
	const char *p = line, *w;
	enum wb_action act;
	size_t n;

	while (*p == ' ' || *p == ':')
		p++;
	if (!*p)
		return REDRAW_STATUS;
	for (w = p; *p && *p != ' '; p++)
		;
	n = (size_t)(p - w);
	while (*p == ' ')
		p++;
	if ((n == 1 && *w == 'q') || (n == 2 && !strncmp(w, "q!", 2)))
		act = ACT_QUIT;
	else if (!(act = action_by_name(w, n))) {
		app_message(a, true, _("unknown command: %.*s (press ? for the list)"), (int)n, w);
		return REDRAW_STATUS;
	}
	return app_do(a, act, p);
}

static void
history_add(struct wb_app *a, const char *s)
{
	const int max = (int)(sizeof a->history / sizeof a->history[0]);

	if (!*s || (a->nhistory && !strcmp(a->history[a->nhistory - 1], s)))
		return;
	if (a->nhistory == max) {
		free(a->history[0]);
		memmove(a->history, a->history + 1, (size_t)(max - 1) * sizeof a->history[0]);
		a->nhistory--;
	}
	a->history[a->nhistory++] = xstrdup(s);
}

static void
prompt_open(struct wb_app *a, enum wb_action act, const char *text)
{
	a->prompt.active = true;
	a->prompt.action = act;
	buf_reset(&a->prompt.text);
	buf_puts(&a->prompt.text, text);
	a->hpos = a->nhistory;
}

static void
complete_command(struct wb_app *a)
{
	struct wb_buf *t = &a->prompt.text;
	const char *sp = strchr(t->data, ' ');
	char *common = NULL;
	int matches = 0;

	if (sp) {
		enum wb_action act = action_by_name(t->data, (size_t)(sp - t->data));

		/* the last word: a path after the options */
		if (act == ACT_IMPORT || act == ACT_REPORT)
			import_complete(t, (size_t)(strrchr(t->data, ' ') - t->data) + 1);
		return;
	}
	for (int i = 1; i < ACT_COUNT; i++) {
		const char *name = action_info((enum wb_action)i)->name;
		size_t k;

		if (strncmp(name, t->data, t->len))
			continue;
		matches++;
		if (!common) {
			common = xstrdup(name);
			continue;
		}
		for (k = 0; common[k] && common[k] == name[k]; k++)
			;
		common[k] = '\0';
	}
	if (common) {
		buf_reset(t);
		buf_puts(t, common);
		if (matches == 1)
			buf_puts(t, " ");
	}
	free(common);
}

static void
utf8_put(struct wb_buf *b, unsigned cp)
{
	char s[4];

	if (cp < 0x80) {
		s[0] = (char)cp;
		buf_append(b, s, 1);
	} else if (cp < 0x800) {
		s[0] = (char)(0xC0 | (cp >> 6));
		s[1] = (char)(0x80 | (cp & 0x3F));
		buf_append(b, s, 2);
	} else if (cp < 0x10000) {
		s[0] = (char)(0xE0 | (cp >> 12));
		s[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		s[2] = (char)(0x80 | (cp & 0x3F));
		buf_append(b, s, 3);
	} else if (cp < 0x110000) {
		s[0] = (char)(0xF0 | (cp >> 18));
		s[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		s[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		s[3] = (char)(0x80 | (cp & 0x3F));
		buf_append(b, s, 4);
	}
}

static unsigned
prompt_key(struct wb_app *a, bool func, int key)
{
	struct wb_buf *t = &a->prompt.text;

	if (!func && key == 27) {
		a->prompt.active = false;
		return REDRAW_STATUS;
	}
	if ((!func && (key == '\r' || key == '\n')) || (func && key == KEY_ENTER)) {
		char *text = xstrdup(t->data ? t->data : "");
		enum wb_action act = a->prompt.action;
		unsigned mask;

		a->prompt.active = false;
		if (act == ACT_PROMPT)
			history_add(a, text);
		mask = act == ACT_PROMPT ? run_command(a, text) : app_do(a, act, text);
		free(text);
		return mask | REDRAW_STATUS;
	}
	if ((func && key == KEY_BACKSPACE) || (!func && (key == 127 || key == 8))) {
		if (t->len == 0) {
			a->prompt.active = false;
			return REDRAW_STATUS;
		}
		while (t->len > 0 && ((unsigned char)t->data[--t->len] & 0xC0) == 0x80)
			;
		t->data[t->len] = '\0';
		return REDRAW_STATUS;
	}
	if (!func && key == 21) {	/* ^U */
		buf_reset(t);
		buf_append(t, "", 0);
		return REDRAW_STATUS;
	}
	if (!func && key == '\t') {
		if (a->prompt.action == ACT_PROMPT)
			complete_command(a);
		else if (a->prompt.action == ACT_IMPORT || a->prompt.action == ACT_REPORT)
			import_complete(t, strrchr(t->data ? t->data : "", ' ') ?
					(size_t)(strrchr(t->data, ' ') - t->data) + 1 : 0);
		return REDRAW_STATUS;
	}
	if (func && (key == KEY_UP || key == KEY_DOWN) && a->prompt.action == ACT_PROMPT) {
		a->hpos += key == KEY_UP ? -1 : 1;
		if (a->hpos < 0)
			a->hpos = 0;
		if (a->hpos > a->nhistory)
			a->hpos = a->nhistory;
		buf_reset(t);
		buf_puts(t, a->hpos < a->nhistory ? a->history[a->hpos] : "");
		return REDRAW_STATUS;
	}
	if (!func && key >= 32 && key != 127)
		utf8_put(t, (unsigned)key);
	return REDRAW_STATUS;
}

/* ---- actions ---- */

static unsigned
move_cursor(struct view *v, int n)
{
	if (v->detail_focus) {
		v->detail_skip += n;
		if (v->detail_skip < 0)
			v->detail_skip = 0;
	} else {
		list_move(&v->list, n);
		v->detail_skip = 0;
	}
	return REDRAW_BODY;
}

static unsigned
open_text_ref(struct wb_app *a, const char *ref)
{
	const char *colon = ref ? strchr(ref, ':') : NULL;
	char table[32];

	if (!colon || colon - ref >= (int)sizeof table) {
		app_message(a, false, _("nothing to open here"));
		return REDRAW_STATUS;
	}
	snprintf(table, sizeof table, "%.*s", (int)(colon - ref), ref);
	if (!strcmp(table, "view")) {
		for (int i = 0; i < APP_MAX_TOP; i++)
			if (!strcmp(top_views[i]->name, colon + 1))
				return app_top(a, i);
		return REDRAW_STATUS;
	}
	if (!strcmp(table, "finding")) {
		app_push(a, &why_ops, colon + 1);
		return REDRAW_ALL;
	}
	return app_open_ref(a, 0, table, strtoll(colon + 1, NULL, 10));
}

static unsigned
app_do(struct wb_app *a, enum wb_action act, const char *arg)
{
	const struct action_info *ai = action_info(act);
	struct view *v = app_view(a);
	struct wb_err err;
	unsigned mask = UNHANDLED;
	int page = v->list.height;

	if (ai->prompt && !arg) {
		prompt_open(a, act, "");
		return REDRAW_STATUS;
	}
	if (!arg)
		arg = "";
	if (v->ops->action)
		mask = v->ops->action(v, act, arg);
	if (mask != UNHANDLED)
		return mask;
	switch (act) {
	case ACT_MOVE_DOWN: return move_cursor(v, 1);
	case ACT_MOVE_UP: return move_cursor(v, -1);
	case ACT_PAGE_DOWN: return move_cursor(v, page);
	case ACT_PAGE_UP: return move_cursor(v, -page);
	case ACT_HALF_DOWN: return move_cursor(v, page / 2 ? page / 2 : 1);
	case ACT_HALF_UP: return move_cursor(v, -(page / 2 ? page / 2 : 1));
	case ACT_FIRST:
		list_first(&v->list);
		return REDRAW_BODY;
	case ACT_LAST:
		list_last(&v->list);
		return REDRAW_BODY;
	case ACT_SCROLL_LEFT:
		v->list.skip = v->list.skip > 8 ? v->list.skip - 8 : 0;
		return REDRAW_BODY;
	case ACT_SCROLL_RIGHT:
		v->list.skip += 8;
		return REDRAW_BODY;
	case ACT_ENTER:
		if (!v->ops->cols && list_cur(&v->list))
			return open_text_ref(a, list_cur(&v->list)->col[2]);
		app_message(a, false, _("nothing to open here"));
		return REDRAW_STATUS;
	case ACT_BACK:
		if (a->depth > 1) {
			app_pop(a);
			return REDRAW_ALL;
		}
		a->quit = true;
		return 0;
	case ACT_QUIT:
		a->quit = true;
		return 0;
	case ACT_HELP:
		app_push(a, &help_ops, NULL);
		return REDRAW_ALL;
	case ACT_PROMPT:
		return run_command(a, arg);
	case ACT_SEARCH:
		if (set_search(a, arg) < 0)
			return REDRAW_STATUS;
		return *arg ? search_step(a, v, 1) : REDRAW_BODY;
	case ACT_SEARCH_NEXT: return search_step(a, v, 1);
	case ACT_SEARCH_PREV: return search_step(a, v, -1);
	case ACT_NEXT_PANE:
		if (!app_detail_height(a, v)) {
			app_message(a, false, _("this view has one pane"));
			return REDRAW_STATUS;
		}
		v->detail_focus = !v->detail_focus;
		return REDRAW_BODY;
	case ACT_REDRAW:
		for (int i = 0; i < a->depth; i++)
			app_refresh_view(a->stack[i]);
		clearok(curscr, TRUE);
		return REDRAW_ALL;
	case ACT_VIEW_OVERVIEW: return app_top(a, 0);
	case ACT_VIEW_EVIDENCE: return app_top(a, 1);
	case ACT_VIEW_TIMELINE: return app_top(a, 2);
	case ACT_VIEW_FINDINGS: return app_top(a, 3);
	case ACT_VIEW_CHECKLIST: return app_top(a, 4);
	case ACT_VIEW_NOTES: return app_top(a, 5);
	case ACT_VIEW_KB: return app_top(a, 6);
	case ACT_FILTER: {
		char *w = *arg ? sqlite3_mprintf("regexp(%Q, %s)", arg, v->list.spec.search) : NULL;

		if (list_set_where(&v->list, w, &err) < 0)
			app_message(a, true, "%s", err.msg);
		free(v->info);
		v->info = *arg ? xasprintf(_("filter: %s"), arg) : NULL;
		sqlite3_free(w);
		return REDRAW_BODY;
	}
	case ACT_TOGGLE_TZ: {
		char tz[16];

		a->show_utc = !a->show_utc;
		wb_format_tz(a->tz, tz, sizeof tz);
		app_message(a, false, _("times shown in %s"), a->show_utc ? "UTC" : tz);
		app_refresh_view(v);
		return REDRAW_ALL;
	}
	case ACT_SET_TZ:
		if (wb_parse_tz(arg, &a->tz, &err) < 0) {
			app_message(a, true, "%s", err.msg);
			return REDRAW_STATUS;
		}
		a->show_utc = false;
		app_refresh_view(v);
		return REDRAW_ALL;
	case ACT_ADD_NOTE: {
		int64_t id;

		if (!*arg)
			return REDRAW_STATUS;
		if (case_add_note(a->c, arg, &id, &err) < 0)
			app_message(a, true, "%s", err.msg);
		else
			app_message(a, false, _("note %lld added"), (long long)id);
		app_refresh_view(v);
		return REDRAW_ALL;
	}
	case ACT_IMPORT:
		if (!*arg)
			return REDRAW_STATUS;
		if (import_start(a, arg, &err) < 0)
			app_message(a, true, "%s", err.msg);
		return REDRAW_STATUS;
	case ACT_START: {
		const struct kb_article *art = a->kb && *arg ? kb_find(a->kb, arg) : NULL;

		if (!art)
			app_message(a, true, *arg ? _("no playbook or article %s") : _("usage: :start ID"), arg);
		else if (tui_checklist_start(a, art, &err) < 0)
			app_message(a, true, "%s", err.msg);
		return REDRAW_ALL;
	}
	case ACT_REPORT:
		return write_report(a, arg);
	case ACT_LANG:
		a->lang = strcmp(a->lang, "ja") ? "ja" : "en";
		app_message(a, false, _("knowledge base texts in %s"), strcmp(a->lang, "ja") ? _("English") : _("Japanese"));
		for (int i = 0; i < a->depth; i++)
			app_refresh_view(a->stack[i]);
		return REDRAW_ALL;
	case ACT_MATCH:
		app_match(a);
		for (int i = 0; i < a->depth; i++)
			app_refresh_view(a->stack[i]);
		return REDRAW_ALL;
	case ACT_CANCEL:
		if (a->job)
			import_cancel(a);
		else
			a->quit = true;
		return REDRAW_STATUS;
	case ACT_NONE:
		return 0;
	default:
		app_message(a, true, _("%s does not apply to this view"), ai->name);
		return REDRAW_STATUS;
	}
}

/* ---- the loop ---- */

static void
app_fini(struct wb_app *a)
{
	while (a->depth > 1)
		view_free(a->stack[--a->depth]);
	for (int i = 0; i < APP_MAX_TOP; i++)
		view_free(a->top[i]);
	for (int i = 0; i < a->nhistory; i++)
		free(a->history[i]);
	regex_free(a->search_re);
	free(a->search);
	buf_fini(&a->prompt.text);
	keymap_fini(&a->keys);
	if (a->kb)
		kb_free(a->kb);
}
/* Another process (a colleague's wb import, wb note) committed to the case:
 * re-read every view so the screen shows the new evidence. */
static int
app_watch_case(struct wb_app *a)
{
	sqlite3_stmt *st;
	int64_t version = a->data_version;

	if (sqlite3_prepare_v2(a->db, "PRAGMA data_version", -1, &st, NULL) != SQLITE_OK)
		return 0;
	if (sqlite3_step(st) == SQLITE_ROW)
		version = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (version == a->data_version)
		return 0;
	if (a->data_version) {
		for (int i = 0; i < a->depth; i++)
			app_refresh_view(a->stack[i]);
		if (!a->status[0])	/* keep a message already shown (our own import's) */
			app_message(a, false, _("the case changed (another import or note): views refreshed"));
	}
	a->data_version = version;
	return a->data_version ? REDRAW_ALL : 0;
}


int
tui_run(wb_case *c, struct wb_err *err)
{
	struct wb_app app;
	struct wb_app *a = &app;
	struct wb_err cfg;
	unsigned mask = REDRAW_ALL;

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		return wb_errf(err, _("wb open needs a terminal (use the other wb commands in scripts)"));
	memset(a, 0, sizeof *a);
	a->c = c;
	a->db = case_db(c);
	/* The UI must not freeze behind a long import holding the write lock:
	 * give up writes after 2 s (the status line says the case is busy). */
	sqlite3_busy_timeout(a->db, 2000);
	a->utf8 = !strcmp(nl_langinfo(CODESET), "UTF-8");
	a->tz = case_tz_minutes(c);
	a->show_utc = true;
	regex_register(a->db);
	sqlite3_exec(a->db, "PRAGMA temp_store = MEMORY", NULL, NULL, NULL);
	keymap_init(&a->keys);
	if (kb_open_default(&a->kb, &cfg) < 0) {
		a->kb = NULL;
		app_message(a, true, _("knowledge base: %s"), cfg.msg);
	}
	{
		const char *msgs = setlocale(LC_MESSAGES, NULL);

		a->lang = msgs && !strncmp(msgs, "ja", 2) ? "ja" : "en";
	}
	if (keymap_load_config(&a->keys, &cfg) < 0)
		app_message(a, true, "%s", cfg.msg);

	signals_install(true);
	atexit(endwin_atexit);
	if (!newterm(NULL, stdout, stdin)) {
		signals_install(false);
		app_fini(a);
		return wb_errf(err, _("cannot use the terminal (TERM=%s)"),
			       getenv("TERM") ? getenv("TERM") : "");
	}
	set_escdelay(25);
	raw();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	curs_set(0);
	draw_init(a);
	layout(a);
	app_top(a, 0);
	app_watch_case(a);	/* remember the version we started from */

	while (!a->quit) {
		wint_t wch;
		int rc;

		if (mask)
			draw_screen(a, mask);
		mask = 0;
		/* Wake up every second to notice other engineers' imports. */
		timeout(a->job ? 200 : 1000);
		rc = get_wch(&wch);
		if (a->job)
			mask |= import_poll(a);
		if (rc == ERR) {
			mask |= app_watch_case(a);
			continue;
		}
		if (rc == KEY_CODE_YES && wch == KEY_RESIZE) {
			layout(a);
			/* text views wrap at the width: rebuild them too */
			for (int i = 0; i < a->depth; i++)
				app_refresh_view(a->stack[i]);
			mask |= REDRAW_ALL;
			continue;
		}
		if (a->prompt.active) {
			mask |= prompt_key(a, rc == KEY_CODE_YES, (int)wch);
			continue;
		}
		a->status[0] = '\0';
		{
			/* a character beyond KEY_MIN is not a function key */
			int key = (rc == OK && wch >= KEY_MIN) ? -1 : (int)wch;
			enum wb_action act = keymap_lookup(&a->keys, app_view(a)->ops->name, key);
			char label[16];

			if (act)
				mask |= app_do(a, act, NULL) | REDRAW_STATUS;
			else {
				app_message(a, false, _("key %s is not bound here (press ? for help)"),
					    key_label((int)wch, label, sizeof label));
				mask |= REDRAW_STATUS;
			}
		}
	}
	while (a->job) {	/* finish or cancel the import before leaving */
		import_cancel(a);
		import_poll(a);
		napms(50);
	}
	endwin();
	signals_install(false);
	app_fini(a);
	return 0;
}
