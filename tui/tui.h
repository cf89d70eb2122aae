/*
 * tui.h: the terminal UI (`wb open CASE`), the module's one header.
 *
 * Outside tui/ only tui_run() is used.  The rest is the module's inner
 * interface, in layers:
 *
 *   actions  one X-macro (WB_ACTIONS) gives the enum, the `:command` names and
 *            the help text; keys.c holds the one table of default bindings.
 *   app      struct wb_app: the one piece of mutable state, made by tui_run().
 *            The loop reads a key, finds its action, offers it to the active
 *            view's ops->action(), then to the generic switch in app.c.
 *            Actions change state and return a redraw mask; drawing only
 *            reads state.
 *   draw     every character reaches the screen through draw.c, which makes
 *            untrusted text inert (core/sanitize.h) and clips it to the
 *            screen with correct wide-character widths.
 *   list     every view is a window onto an SQL query read with keyset
 *            pagination (never a whole table); in-memory text views are
 *            temporary tables.
 *   views    one file each, each ending with its `const struct view_ops`.
 */
#ifndef WB_TUI_H
#define WB_TUI_H

#include <signal.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

#include "../core/case.h"
#include "../core/regex.h"
#include "../core/util.h"

/* Run the UI on an open case until the user quits.  Returns 0, or -1 with
 * err when the terminal could not be used. */
int tui_run(wb_case *c, struct wb_err *err);

/* ---- actions ---- */

/* X(ENUM, command name, help, prompt): a prompt means the action takes an
 * argument; a key bound to it opens the command line with that prompt. */
#define WB_ACTIONS(X) \
	X(MOVE_DOWN, "move-down", N_("Move down one line"), NULL) \
	X(MOVE_UP, "move-up", N_("Move up one line"), NULL) \
	X(PAGE_DOWN, "page-down", N_("Move down one page"), NULL) \
	X(PAGE_UP, "page-up", N_("Move up one page"), NULL) \
	X(HALF_DOWN, "half-page-down", N_("Move down half a page"), NULL) \
	X(HALF_UP, "half-page-up", N_("Move up half a page"), NULL) \
	X(FIRST, "first-line", N_("Go to the first line"), NULL) \
	X(LAST, "last-line", N_("Go to the last line"), NULL) \
	X(SCROLL_LEFT, "scroll-left", N_("Scroll left"), NULL) \
	X(SCROLL_RIGHT, "scroll-right", N_("Scroll right"), NULL) \
	X(ENTER, "enter", N_("Open the selected item"), NULL) \
	X(BACK, "back", N_("Go back; quit from a main view"), NULL) \
	X(QUIT, "quit", N_("Quit wb"), NULL) \
	X(HELP, "help", N_("Show keys and commands"), NULL) \
	X(PROMPT, "prompt", N_("Type a command"), ":") \
	X(SEARCH, "search", N_("Search this view (PCRE2 regex)"), "/") \
	X(SEARCH_NEXT, "search-next", N_("Next search hit"), NULL) \
	X(SEARCH_PREV, "search-prev", N_("Previous search hit"), NULL) \
	X(NEXT_PANE, "next-pane", N_("Switch between the list and the detail pane"), NULL) \
	X(REDRAW, "redraw", N_("Reload and redraw the screen"), NULL) \
	X(VIEW_OVERVIEW, "overview", N_("Overview of the case"), NULL) \
	X(VIEW_EVIDENCE, "evidence", N_("Evidence files"), NULL) \
	X(VIEW_TIMELINE, "timeline", N_("Merged timeline"), NULL) \
	X(VIEW_FINDINGS, "findings", N_("Findings: documented issues that match"), NULL) \
	X(VIEW_CHECKLIST, "checklist", N_("Checklist state"), NULL) \
	X(VIEW_NOTES, "notes", N_("Notes"), NULL) \
	X(VIEW_KB, "kb", N_("Knowledge base"), NULL) \
	X(FILTER, "filter", N_("Show only rows matching a regex (empty: all)"), N_("filter: ")) \
	X(FILTER_LEVEL, "level", N_("Timeline: minimum level (error, warning, info, all)"), N_("level: ")) \
	X(FILTER_SOURCE, "source", N_("Timeline: only evidence ID (empty: all)"), N_("source: ")) \
	X(WHERE, "where", N_("Column filter: COLUMN is|contains|begins|ends|regex VALUE [exclude]; empty clears"), N_("where: ")) \
	X(TOGGLE_TZ, "toggle-tz", N_("Show times in UTC or in the display zone"), NULL) \
	X(SET_TZ, "tz", N_("Set the display zone (+09:00)"), N_("zone: ")) \
	X(GOTO_TIME, "goto", N_("Jump to a time (2024-05-01 10:20)"), N_("go to time: ")) \
	X(SORT, "sort", N_("Change the sort column"), NULL) \
	X(NEXT_ERROR, "next-error", N_("Next error row"), NULL) \
	X(PREV_ERROR, "prev-error", N_("Previous error row"), NULL) \
	X(ADD_NOTE, "note", N_("Add a note to the case"), N_("note: ")) \
	X(CONFIRM, "confirm", N_("Confirm the selected finding, with a reason"), N_("confirm, reason: ")) \
	X(DISMISS, "dismiss", N_("Dismiss the selected finding, with a reason"), N_("dismiss, reason: ")) \
	X(IMPORT, "import", N_("Import a file: [--as KIND] [--tz +09:00] [--date 2024-05-01] [--force] PATH"), N_("import: ")) \
	X(CANCEL, "cancel", N_("Cancel the running import"), NULL) \
	X(MATCH, "match", N_("Match the knowledge base against the case again"), NULL) \
	X(START, "start", N_("Start the checklist of the selected article, or :start ID"), NULL) \
	X(STEP_DONE, "done", N_("Checklist: mark the step done"), NULL) \
	X(STEP_SKIP, "skip", N_("Checklist: skip the step"), NULL) \
	X(ANSWER, "answer", N_("Checklist: answer the question of the step"), N_("answer: ")) \
	X(STEP_NOTE, "step-note", N_("Checklist: add a note to the step"), N_("note on this step: ")) \
	X(COPY, "copy", N_("Copy the step's command to the clipboard (OSC 52)"), NULL) \
	X(VSS, "vss", N_("Procmon: the VSS writer analysis of the capture"), NULL) \
	X(REPORT, "report", N_("Write the case report to FILE (.md .html .txt .json)"), N_("report to file: ")) \
	X(REOPEN, "reopen", N_("Reopen a confirmed or dismissed finding, with a reason"), N_("reopen, reason: ")) \
	X(RETIME, "retime", N_("Evidence: change the time zone assumed for its local times"), N_("zone of this file's local times: ")) \
	X(LANG, "lang", N_("Show knowledge base texts in Japanese or English (toggle)"), NULL)

enum wb_action {
	ACT_NONE,
#define X(e, name, help, prompt) ACT_##e,
	WB_ACTIONS(X)
#undef X
	ACT_COUNT
};

struct action_info {
	const char *name;	/* `:name` */
	const char *help;	/* N_() text */
	const char *prompt;	/* NULL: no argument */
};
const struct action_info *action_info(enum wb_action a);
enum wb_action action_by_name(const char *name, size_t len);

/* Redraw masks returned by actions. */
#define REDRAW_STATUS	(1u << 0)
#define REDRAW_BODY	(1u << 1)
#define REDRAW_ALL	(1u << 2)
#define UNHANDLED	(1u << 31)

/* ---- keys (keys.c) ---- */

struct wb_binding {
	const char *view;	/* view name, or NULL for every view */
	int key;		/* a character or KEY_* code */
	enum wb_action action;
};

struct wb_keymap {
	struct wb_binding *b;	/* user bindings first, then the defaults */
	size_t n;
};

void keymap_init(struct wb_keymap *km);
/* Read $XDG_CONFIG_HOME/wb/config ("bind KEY ACTION [VIEW]" lines).  Returns
 * 0, or -1 with err naming the first bad line (the rest is still read). */
int keymap_load_config(struct wb_keymap *km, struct wb_err *err);
void keymap_fini(struct wb_keymap *km);
enum wb_action keymap_lookup(const struct wb_keymap *km, const char *view, int key);
/* "j", "Down", "^D", "PgDn"; buf >= 16 bytes. */
const char *key_label(int key, char *buf, size_t len);
/* Inverse of key_label; -1 when unknown. */
int key_parse(const char *s);

/* ---- styles and drawing (draw.c) ---- */

enum wb_style {
	ST_NORMAL,
	ST_HEADER,	/* top line */
	ST_BAR,		/* view bar */
	ST_BAR_ACTIVE,	/* current view in the bar */
	ST_STATUS,	/* bottom line */
	ST_CURSOR,	/* selected row */
	ST_HEADING,	/* column headings */
	ST_ERROR,
	ST_WARNING,
	ST_HIT,		/* search hit */
	ST_DIM,
	ST_MARK,	/* parsed parts, links */
	ST_TITLE,	/* section titles in text views */
	ST_COUNT
};

struct wb_app;

void draw_init(struct wb_app *a);	/* colours, after initscr() */
/* Draw s (untrusted; sanitised here) at y,x within w columns, skipping the
 * first `skip` columns (horizontal scroll).  Returns the columns used.
 * Matches of a->search are shown as hits when hl is true. */
int draw_text(struct wb_app *a, int y, int x, int w, int skip, enum wb_style st,
	      bool hl, const char *s);
void draw_fill(struct wb_app *a, int y, int x, int w, enum wb_style st);
/* Put s on the terminal's clipboard (OSC 52, base64: inert whatever s holds). */
void draw_clipboard(struct wb_app *a, const char *s);
/* Bytes of the longest prefix of s (sanitised UTF-8) that fits in w
 * columns, cut after a space when there is one. */
size_t draw_fit(struct wb_app *a, const char *s, int w);
/* Columns s takes on screen after sanitising. */
int draw_width(struct wb_app *a, const char *s);
/* The whole screen from state, according to the redraw mask. */
void draw_screen(struct wb_app *a, unsigned mask);
/* Format a time for display in the app's current zone ("2024-05-01 10:20:30.123"). */
void draw_time(struct wb_app *a, int64_t us, bool ms, char *buf, size_t len);
/* The same in a given zone (minutes east of UTC). */
void draw_time_in(int64_t us, int tz_minutes, bool ms, char *buf, size_t len);

/* ---- lists (list.c) ---- */

/* One query: SELECT key, id, cols FROM from WHERE where ORDER BY key, id. */
struct list_spec {
	const char *from;	/* "timeline t JOIN evidence e ON e.id = t.evidence_id" */
	const char *key;	/* sort expression, "t.ts" */
	const char *id;		/* unique tie-breaker, "t.id" */
	const char *cols;	/* displayed/used columns */
	const char *search;	/* expression `/` searches, "t.summary" */
};

struct list_row {
	sqlite3_value *key;	/* owned copy */
	int64_t id;
	char **col;		/* ncols strings, NULL for SQL NULL; owned */
};

struct wb_list {
	sqlite3 *db;
	struct list_spec spec;	/* strings owned (copied) */
	char *base;		/* owned: fixed condition (this evidence), or NULL */
	char *where;		/* owned: the user's filter, "1" when unfiltered */
	int ncols;
	struct list_row *rows;	/* the visible window */
	int nrows, cap;
	int cy;			/* cursor row within the window */
	int height;		/* rows the window holds */
	int skip;		/* horizontal scroll in columns */
	int64_t total;		/* rows matching where */
	int64_t pos;		/* 1-based position of the cursor row, 0 if none */
	sqlite3_stmt *st[7];	/* cached statements, see list.c */
};

int list_init(struct wb_list *l, sqlite3 *db, const struct list_spec *spec, struct wb_err *err);
void list_fini(struct wb_list *l);
/* Change the filter (an SQL expression built with sqlite3_mprintf %Q) and go
 * to the first row. */
int list_set_where(struct wb_list *l, const char *where, struct wb_err *err);
/* Fixed condition under every filter ("evidence_id = 3"). */
int list_set_base(struct wb_list *l, const char *base, struct wb_err *err);
int list_set_order(struct wb_list *l, const char *key, struct wb_err *err);
void list_set_height(struct wb_list *l, int height);
/* Re-read the window from its top row (after a change or resize). */
void list_reload(struct wb_list *l);
void list_first(struct wb_list *l);
void list_last(struct wb_list *l);
/* Move the cursor by n rows (negative: up). */
void list_move(struct wb_list *l, int n);
/* Put the first row whose key >= key (bound as given) under the cursor. */
void list_seek(struct wb_list *l, sqlite3_value *key, int64_t id);
bool list_seek_int(struct wb_list *l, int64_t key);
/* Put the row with this id under the cursor; false when it is filtered out. */
bool list_goto_id(struct wb_list *l, int64_t id);
/* Next/previous row after the cursor where extra (an SQL condition) holds;
 * with re non-NULL, where spec.search matches re.  Wraps around at the end.
 * Returns 1 found, 2 found after wrapping, 0 not found. */
int list_find(struct wb_list *l, int dir, const char *extra, const char *re);
const struct list_row *list_cur(const struct wb_list *l);
int64_t list_position(const struct wb_list *l);	/* 1-based, 0 if empty */

/* ---- views ---- */

struct view;

/* COL_PATH: when too long, the end is shown ("<" + tail): file names and
 * the last registry keys matter most. */
enum col_type { COL_TEXT, COL_NUM, COL_TIME, COL_SIZE, COL_HEX, COL_LEVEL, COL_PATH };

struct view_col {
	const char *title;	/* N_() heading */
	int width;		/* columns; 0 = the rest of the line */
	enum col_type type;
};

/*
 * A view.  Call order: open() once when made (priv zeroed, v->list not yet
 * initialised: open calls list_init), then any number of action() and draw
 * calls, then done() before priv is freed.  All slots but open are optional.
 *
 * rebuild(): re-read content from the case (the view became active, ^L,
 *   an import finished); the list window is re-read after it.
 * action(): handle a; return a redraw mask or UNHANDLED to let the generic
 *   switch handle it (movement and search are generic over v->list).
 * draw_row(): draw one row of the list (default: the columns in `cols`).
 * detail(): append text about the selected row for the detail pane; lines
 *   separated by '\n', untrusted parts included as they are (drawn
 *   sanitised).  A view with detail() gets a split screen.
 */
struct view_ops {
	const char *name;		/* "timeline": keymaps, the view bar */
	const char *title;		/* N_() */
	size_t private_size;
	const struct view_col *cols;	/* ends with a NULL title; NULL: text view */
	int (*open)(struct view *v, const char *arg, struct wb_err *err);
	void (*rebuild)(struct view *v);
	unsigned (*action)(struct view *v, enum wb_action a, const char *arg);
	void (*draw_row)(struct view *v, const struct list_row *r, int y, int w, bool sel);
	void (*detail)(struct view *v, const struct list_row *r, struct wb_buf *out);
	void (*done)(struct view *v);
};

struct view {
	const struct view_ops *ops;
	struct wb_app *app;
	void *priv;
	struct wb_list list;
	char *title;		/* owned; shown after the view bar, or NULL */
	bool detail_focus;	/* Tab: j/k scroll the detail pane */
	int detail_skip;	/* first detail line shown */
	char *info;		/* owned; a line above the list (filters), or NULL */
};

extern const struct view_ops overview_ops, evidence_ops, timeline_ops, findings_ops, why_ops,
	checklist_ops, notes_ops, kb_ops, article_ops, help_ops, lines_ops, events_ops,
	procmon_ops, vss_ops, registry_ops, dump_ops, modules_ops, frames_ops;

/* Text views: a temporary table of (style, text, ref) lines. */
/* Create the table for a text view and init v->list on it. */
int text_view_init(struct view *v, struct wb_err *err);
void text_view_clear(struct view *v);
/* Append a line (untrusted text is fine); ref is "table:id" to jump to, or NULL. */
void text_view_add(struct view *v, enum wb_style st, const char *ref, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Append text (untrusted is fine) wrapped at the screen width, each line
 * indented by indent columns. */
void text_view_add_wrap(struct view *v, enum wb_style st, const char *ref, int indent, const char *text);
/* A KB text in the UI language under a title; nothing when it is empty. */
struct kb_text;
void text_view_add_kb(struct view *v, const char *label, const struct kb_text *t);
void text_view_done(struct view *v);
/* Default row drawing of a text view (style, text). */
void text_view_draw_row(struct view *v, const struct list_row *r, int y, int w, bool sel);

/* Open an evidence viewer for the row ref_table:ref_id (or the evidence
 * itself when ref_table is "evidence"), with the cursor on that row. */
unsigned app_open_ref(struct wb_app *a, int64_t evidence_id, const char *ref_table, int64_t ref_id);

/* "Events #3: System.evtx" (malloc'd), for a viewer's title. */
char *evidence_viewer_title(struct wb_app *a, const char *what, int64_t evidence_id);

/* ---- the app (app.c) ---- */

#define APP_MAX_STACK 16
#define APP_MAX_TOP 7

struct import_job;
struct wb_kb;

struct wb_app {
	wb_case *c;
	sqlite3 *db;
	struct wb_keymap keys;
	struct view *top[APP_MAX_TOP];	/* the numbered views, made on first use */
	struct view *stack[APP_MAX_STACK];	/* stack[0] is a top view */
	int depth;
	bool utf8;		/* the locale is UTF-8: else ASCII only */
	bool color;
	bool quit;
	int rows, cols;		/* screen size */
	int body_y, body_h;	/* rows between the view bar and the status line */
	int tz;			/* display zone, minutes east */
	bool show_utc;		/* times in UTC (else in tz) */
	char *search;		/* current search pattern, owned */
	wb_regex *search_re;
	char status[512];	/* last message */
	bool status_error;
	struct {		/* the command line */
		bool active;
		enum wb_action action;	/* what Enter runs */
		struct wb_buf text;
	} prompt;
	char *history[32];	/* command-line history, oldest first */
	int nhistory, hpos;
	struct import_job *job;	/* the running import, or NULL */
	int64_t data_version;	/* PRAGMA data_version: changes when others commit */
	struct wb_kb *kb;	/* the knowledge base, or NULL when it cannot be read */
	const char *lang;	/* "ja" or "en": language of KB texts */
	unsigned seq;		/* counter for temporary table names */
	int style_attr[ST_COUNT];	/* curses attributes per style */
};

struct view *app_view(struct wb_app *a);	/* the active view */
/* Make a view and push it (or make it a top view when top is true). */
struct view *app_push(struct wb_app *a, const struct view_ops *ops, const char *arg);
/* Show a message in the status line (error: in the error style). */
void app_message(struct wb_app *a, bool error, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Rows available to the list of v (the body minus info, heading, detail pane). */
int app_list_height(struct wb_app *a, struct view *v);
int app_detail_height(struct wb_app *a, struct view *v);

/* Show the numbered view i (0-based), closing the views pushed above. */
unsigned app_top(struct wb_app *a, int i);
/* Start a guided session and show the checklist view. */
struct kb_article;
int tui_checklist_start(struct wb_app *a, const struct kb_article *art, struct wb_err *err);
/* Match the KB against the case (after an import, :match); sets a message. */
void app_match(struct wb_app *a);
/* Make v's content and window current (after it changed or was revealed). */
void app_refresh_view(struct view *v);

/* ---- import (import.c) ---- */

/* arg: "[--as KIND] [--tz +09:00] [--date 2024-05-01] [--force] [--lenient] PATH" */
int import_start(struct wb_app *a, const char *arg, struct wb_err *err);
/* Poll the running job: returns a redraw mask (progress, finish). */
unsigned import_poll(struct wb_app *a);
void import_cancel(struct wb_app *a);
/* One line about the job for the status bar, or NULL when none runs. */
const char *import_status(struct wb_app *a, char *buf, size_t len);
/* Path completion for `:import`: replace the word in *text. */
void import_complete(struct wb_buf *text, size_t word_start);

#endif
