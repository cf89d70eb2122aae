/*
 * All output to the screen.  Every string passes through sanitize_append()
 * first, so evidence can never put an escape sequence, a C1 control or a
 * bidi override on the terminal; then it is clipped by display width
 * (wcwidth: Japanese takes two columns), or shown as ASCII when the locale is
 * not UTF-8.  These functions only read the app's state.
 */
#define NCURSES_WIDECHAR 1
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>

#include "../core/sanitize.h"
#include "tui.h"

enum { PAIR_HEADER = 1, PAIR_BAR, PAIR_BAR_ACTIVE, PAIR_STATUS, PAIR_HEADING, PAIR_ERROR,
       PAIR_WARNING, PAIR_HIT, PAIR_MARK };

void
draw_init(struct wb_app *a)
{
	static const int mono[ST_COUNT] = {
		[ST_HEADER] = A_REVERSE | A_BOLD,
		[ST_BAR] = A_REVERSE,
		[ST_BAR_ACTIVE] = A_BOLD,
		[ST_STATUS] = A_REVERSE,
		[ST_CURSOR] = A_REVERSE,
		[ST_HEADING] = A_BOLD | A_UNDERLINE,
		[ST_ERROR] = A_BOLD,
		[ST_WARNING] = A_BOLD,
		[ST_HIT] = A_UNDERLINE | A_BOLD,
		[ST_DIM] = A_DIM,
		[ST_MARK] = A_UNDERLINE,
		[ST_TITLE] = A_BOLD,
	};
	const char *nc = getenv("NO_COLOR");

	memcpy(a->style_attr, mono, sizeof mono);
	a->color = has_colors() && !(nc && *nc);
	if (!a->color)
		return;
	start_color();
	use_default_colors();
	init_pair(PAIR_HEADER, COLOR_WHITE, COLOR_BLUE);
	init_pair(PAIR_BAR, COLOR_BLACK, COLOR_CYAN);
	init_pair(PAIR_BAR_ACTIVE, COLOR_WHITE, COLOR_BLUE);
	init_pair(PAIR_STATUS, COLOR_WHITE, COLOR_BLUE);
	init_pair(PAIR_HEADING, COLOR_YELLOW, -1);
	init_pair(PAIR_ERROR, COLOR_RED, -1);
	init_pair(PAIR_WARNING, COLOR_YELLOW, -1);
	init_pair(PAIR_HIT, COLOR_BLACK, COLOR_YELLOW);
	init_pair(PAIR_MARK, COLOR_CYAN, -1);
	a->style_attr[ST_HEADER] = COLOR_PAIR(PAIR_HEADER) | A_BOLD;
	a->style_attr[ST_BAR] = COLOR_PAIR(PAIR_BAR);
	a->style_attr[ST_BAR_ACTIVE] = COLOR_PAIR(PAIR_BAR_ACTIVE) | A_BOLD;
	a->style_attr[ST_STATUS] = COLOR_PAIR(PAIR_STATUS);
	a->style_attr[ST_HEADING] = COLOR_PAIR(PAIR_HEADING) | A_BOLD;
	a->style_attr[ST_ERROR] = COLOR_PAIR(PAIR_ERROR) | A_BOLD;
	a->style_attr[ST_WARNING] = COLOR_PAIR(PAIR_WARNING);
	a->style_attr[ST_HIT] = COLOR_PAIR(PAIR_HIT);
	a->style_attr[ST_MARK] = COLOR_PAIR(PAIR_MARK) | A_BOLD;
}

/* Decode one code point of valid UTF-8 (sanitised text is). */
static size_t
next_cp(const unsigned char *s, unsigned *cp)
{
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	} else if ((s[0] & 0xE0) == 0xC0) {
		*cp = ((s[0] & 0x1Fu) << 6) | (s[1] & 0x3Fu);
		return 2;
	} else if ((s[0] & 0xF0) == 0xE0) {
		*cp = ((s[0] & 0x0Fu) << 12) | ((s[1] & 0x3Fu) << 6) | (s[2] & 0x3Fu);
		return 3;
	}
	*cp = ((s[0] & 0x07u) << 18) | ((s[1] & 0x3Fu) << 12) | ((s[2] & 0x3Fu) << 6) | (s[3] & 0x3Fu);
	return 4;
}

/* Display width of a code point; what is put on screen goes to *out. */
static int
cp_width(const struct wb_app *a, unsigned cp, wchar_t *out)
{
	int w;

	*out = (wchar_t)cp;
	if (cp < 0x80)
		return 1;
	if (!a->utf8) {
		*out = L'?';
		return 1;
	}
	w = wcwidth((wchar_t)cp);
	if (w < 0) {
		*out = L'?';
		return 1;
	}
	return w;
}

static void
sanitized(struct wb_buf *b, const char *s)
{
	buf_reset(b);
	sanitize_append(b, s ? s : "", s ? strlen(s) : 0, SANITIZE_TABS_AS_SPACE);
}

int
draw_width(struct wb_app *a, const char *s)
{
	struct wb_buf b = {0};
	const unsigned char *p;
	int w = 0;
	unsigned cp;
	wchar_t wc;

	sanitized(&b, s);
	for (p = (const unsigned char *)b.data; *p;) {
		p += next_cp(p, &cp);
		w += cp_width(a, cp, &wc);
	}
	buf_fini(&b);
	return w;
}

int
draw_text(struct wb_app *a, int y, int x, int w, int skip, enum wb_style st, bool hl,
	  const char *s)
{
	struct wb_buf b = {0};
	const unsigned char *p;
	size_t hs = 0, he = 0, off;
	int col = 0, used = 0;
	unsigned cp;
	wchar_t wc[2] = {0, 0};

	if (w <= 0)
		return 0;
	sanitized(&b, s);
	hl = hl && a->search_re;
	if (hl && !regex_match(a->search_re, b.data, b.len, &hs, &he))
		hl = false;
	for (p = (const unsigned char *)b.data; *p;) {
		int cw, attr;

		off = (size_t)(p - (const unsigned char *)b.data);
		if (hl && off >= he && he > hs) {
			/* the next hit after this one */
			size_t s2, e2;

			if (regex_match(a->search_re, b.data + off, b.len - off, &s2, &e2) && e2 > s2)
				hs = off + s2, he = off + e2;
			else
				hl = false;
		}
		p += next_cp(p, &cp);
		cw = cp_width(a, cp, &wc[0]);
		attr = a->style_attr[(hl && off >= hs && off < he) ? ST_HIT : st];
		if (col < skip) {
			col += cw;
			if (col > skip) {	/* a wide character cut by the left edge */
				attrset(attr);
				mvaddch(y, x + used, ' ');
				used++;
			}
			continue;
		}
		if (used + cw > w) {
			if (used < w) {
				attrset(a->style_attr[st]);
				mvaddch(y, x + used, ' ');
				used++;
			}
			break;
		}
		attrset(attr);
		mvaddnwstr(y, x + used, wc, 1);
		col += cw;
		used += cw;
	}
	attrset(A_NORMAL);
	buf_fini(&b);
	return used;
}

size_t
draw_fit(struct wb_app *a, const char *s, int w)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t space = 0;
	int used = 0;
	unsigned cp;
	wchar_t wc;

	while (*p) {
		size_t k = next_cp(p, &cp);
		int cw = cp_width(a, cp, &wc);

		if (used + cw > w)
			return space ? space : (size_t)(p - (const unsigned char *)s);
		used += cw;
		p += k;
		if (cp == ' ')
			space = (size_t)(p - (const unsigned char *)s);
	}
	return (size_t)(p - (const unsigned char *)s);
}

void
draw_clipboard(struct wb_app *a, const char *s)
{
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);

	/* OSC 52 with the text in base64: whatever the text holds, nothing in
	 * it can act on the terminal. */
	fputs("\033]52;c;", stdout);
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)p[i] << 16 | (i + 1 < n ? (unsigned)p[i + 1] << 8 : 0) |
			(i + 2 < n ? p[i + 2] : 0);

		putchar(b64[v >> 18 & 63]);
		putchar(b64[v >> 12 & 63]);
		putchar(i + 1 < n ? b64[v >> 6 & 63] : '=');
		putchar(i + 2 < n ? b64[v & 63] : '=');
	}
	fputs("\a", stdout);
	fflush(stdout);
	(void)a;
}

void
draw_fill(struct wb_app *a, int y, int x, int w, enum wb_style st)
{
	if (w <= 0)
		return;
	attrset(a->style_attr[st]);
	mvhline(y, x, ' ', w);
	attrset(A_NORMAL);
}

void
draw_time(struct wb_app *a, int64_t us, bool ms, char *buf, size_t len)
{
	draw_time_in(us, a->show_utc ? 0 : a->tz, ms, buf, len);
}

void
draw_time_in(int64_t us, int tz_minutes, bool ms, char *buf, size_t len)
{
	int64_t sec = us / WB_US_PER_SEC, frac = us % WB_US_PER_SEC;
	time_t t;
	struct tm tm;

	if (frac < 0)
		frac += WB_US_PER_SEC, sec--;
	sec += (int64_t)tz_minutes * 60;
	t = (time_t)sec;
	if (!gmtime_r(&t, &tm)) {
		snprintf(buf, len, "?");
		return;
	}
	if (ms)
		snprintf(buf, len, "%04d-%02d-%02d %02d:%02d:%02d.%03d", tm.tm_year + 1900,
			 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(frac / 1000));
	else
		snprintf(buf, len, "%04d-%02d-%02d %02d:%02d:%02d", tm.tm_year + 1900,
			 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* ---- the parts of the screen ---- */

static void
draw_header(struct wb_app *a)
{
	char *title = NULL, right[128];
	int64_t nev = case_scalar(a->c, "SELECT count(*) FROM evidence", 0);
	int64_t nfi = case_scalar(a->c, "SELECT count(*) FROM findings WHERE state <> 'ruled-out'", 0);
	int x, rw;

	draw_fill(a, 0, 0, a->cols, ST_HEADER);
	case_get_info(a->c, "title", &title);
	snprintf(right, sizeof right, _("evidence %lld  findings %lld "), (long long)nev, (long long)nfi);
	rw = draw_width(a, right);
	x = draw_text(a, 0, 0, a->cols, 0, ST_HEADER, false, " wb: ");
	x += draw_text(a, 0, x, a->cols - x - rw - 1, 0, ST_HEADER, false, case_name(a->c));
	if (title && *title && strcmp(title, case_name(a->c))) {
		x += draw_text(a, 0, x, a->cols - x - rw - 1, 0, ST_HEADER, false, " - ");
		draw_text(a, 0, x, a->cols - x - rw - 1, 0, ST_HEADER, false, title);
	}
	if (rw < a->cols)
		draw_text(a, 0, a->cols - rw, rw, 0, ST_HEADER, false, right);
	free(title);
}

static void
draw_viewbar(struct wb_app *a)
{
	static const struct view_ops *const tops[APP_MAX_TOP] = {
		&overview_ops, &evidence_ops, &timeline_ops, &findings_ops,
		&checklist_ops, &notes_ops, &kb_ops,
	};
	const struct view_ops *cur = a->depth ? a->stack[0]->ops : NULL;
	int x = 0;

	draw_fill(a, 1, 0, a->cols, ST_BAR);
	for (int i = 0; i < APP_MAX_TOP && x < a->cols; i++) {
		char item[96];
		enum wb_style st = tops[i] == cur ? ST_BAR_ACTIVE : ST_BAR;

		snprintf(item, sizeof item, " %d %s ", i + 1, _(tops[i]->title));
		x += draw_text(a, 1, x, a->cols - x, 0, st, false, item);
	}
}

static const char *
cell_text(struct wb_app *a, const struct view_col *c, const char *s, char *buf, size_t len)
{
	if (!s)
		return "";
	switch (c->type) {
	case COL_TIME:
		draw_time(a, strtoll(s, NULL, 10), c->width >= 23, buf, len);
		return buf;
	case COL_SIZE: {
		double n = strtod(s, NULL);
		const char *unit[] = {"B", "KiB", "MiB", "GiB", "TiB"};
		int u = 0;

		while (n >= 1024 && u < 4)
			n /= 1024, u++;
		snprintf(buf, len, u ? "%.1f %s" : "%.0f %s", n, unit[u]);
		return buf;
	}
	case COL_HEX:
		snprintf(buf, len, "0x%llx", (unsigned long long)strtoull(s, NULL, 10));
		return buf;
	default:
		return s;
	}
}

/* The row style a level column asks for. */
static enum wb_style
level_style(const char *s)
{
	if (!s)
		return ST_NORMAL;
	if (!strcmp(s, "critical") || !strcmp(s, "error"))
		return ST_ERROR;
	if (!strcmp(s, "warning"))
		return ST_WARNING;
	if (!strcmp(s, "verbose"))
		return ST_DIM;
	return ST_NORMAL;
}

static void
draw_columns(struct view *v, const struct list_row *r, int y, int w, bool sel, bool heading)
{
	struct wb_app *a = v->app;
	const struct view_col *c = v->ops->cols;
	enum wb_style st = heading ? ST_HEADING : sel ? ST_CURSOR : ST_NORMAL;
	char buf[64];
	int x = 0;

	if (!heading && !sel)
		for (int i = 0; c[i].title && i < v->list.ncols; i++)
			if (c[i].type == COL_LEVEL)
				st = level_style(r->col[i]);
	draw_fill(a, y, 0, w, st);
	for (int i = 0; c[i].title && x < w; i++) {
		int cw = c[i].width ? c[i].width : w - x;
		const char *s = heading ? _(c[i].title) :
			i < v->list.ncols ? cell_text(a, &c[i], r->col[i], buf, sizeof buf) : "";
		bool last = !c[i + 1].title;

		if (cw > w - x)
			cw = w - x;
		if ((c[i].type == COL_NUM || c[i].type == COL_SIZE) && !heading) {
			int tw = draw_width(a, s);

			draw_text(a, y, x + (tw < cw ? cw - tw : 0), cw, 0, st, false, s);
		} else if (c[i].type == COL_PATH && !heading && cw > 1 && draw_width(a, s) > cw) {
			draw_text(a, y, x, 1, 0, sel ? st : ST_DIM, false, "<");
			draw_text(a, y, x + 1, cw - 1, draw_width(a, s) - cw + 1, st, true, s);
		} else {
			draw_text(a, y, x, cw, last && !heading ? v->list.skip : 0, st, !heading, s);
		}
		x += cw + 1;
	}
}

static void
draw_body(struct wb_app *a, struct view *v)
{
	struct wb_list *l = &v->list;
	int y = a->body_y, dh = app_detail_height(a, v), lh = app_list_height(a, v);
	char info[256];

	for (int i = 0; i < a->body_h; i++)
		draw_fill(a, a->body_y + i, 0, a->cols, ST_NORMAL);
	/* info line: title, filters, position */
	{
		int pw, x;

		/* the position wins over the title and the filters */
		snprintf(info, sizeof info, "%lld/%lld", (long long)l->pos, (long long)l->total);
		pw = v->ops->cols ? (int)strlen(info) + 1 : 0;
		if (pw)
			draw_text(a, y, a->cols - pw + 1, pw - 1, 0, ST_DIM, false, info);
		x = draw_text(a, y, 0, a->cols - pw, 0, ST_TITLE, false, v->title ? v->title : _(v->ops->title));
		if (v->info && a->cols - pw - x - 2 > 0)
			draw_text(a, y, x + 2, a->cols - pw - x - 2, 0, ST_DIM, false, v->info);
		y++;
	}
	if (v->ops->cols) {
		draw_columns(v, NULL, y++, a->cols, false, true);
	}
	for (int i = 0; i < lh; i++, y++) {
		bool sel = i == l->cy && !v->detail_focus;

		if (i >= l->nrows) {
			if (i == 0)
				draw_text(a, y, 2, a->cols - 2, 0, ST_DIM, false, _("(nothing to show)"));
			continue;
		}
		if (v->ops->draw_row)
			v->ops->draw_row(v, &l->rows[i], y, a->cols, sel);
		else
			draw_columns(v, &l->rows[i], y, a->cols, sel, false);
	}
	if (dh > 0) {
		struct wb_buf d = {0};
		const struct list_row *r = list_cur(l);
		char *line, *save = NULL, *clean;
		int skip = v->detail_skip;

		draw_fill(a, y, 0, a->cols, ST_BAR);
		draw_text(a, y, 1, a->cols - 1, 0, v->detail_focus ? ST_BAR_ACTIVE : ST_BAR, false,
			  v->detail_focus ? _("Detail (Tab: back to the list, j/k scroll)") :
			  _("Detail (Tab: scroll here)"));
		y++;
		if (r)
			v->ops->detail(v, r, &d);
		/* sanitised here so that long lines can be wrapped by width */
		clean = sanitize_dup(d.data ? d.data : "", SANITIZE_KEEP_NEWLINES | SANITIZE_TABS_AS_SPACE);
		for (line = strtok_r(clean, "\n", &save); line && y < a->body_y + a->body_h;
		     line = strtok_r(NULL, "\n", &save)) {
			while (*line && y < a->body_y + a->body_h) {
				size_t n = draw_fit(a, line, a->cols - 1);
				char keep;

				if (!n)
					n = strlen(line);
				keep = line[n];
				line[n] = '\0';
				if (skip > 0)
					skip--;
				else
					draw_text(a, y++, 1, a->cols - 1, 0, ST_NORMAL, true, line);
				line[n] = keep;
				line += n;
			}
		}
		free(clean);
		buf_fini(&d);
	}
}

static void
draw_status(struct wb_app *a)
{
	int y = a->rows - 1, x = 0;
	char right[160], keys[16];
	const char *job = import_status(a, right, sizeof right);

	draw_fill(a, y, 0, a->cols, ST_STATUS);
	if (a->prompt.active) {
		const struct action_info *ai = action_info(a->prompt.action);
		const char *label = a->prompt.action == ACT_PROMPT ? ":" :
			a->prompt.action == ACT_SEARCH ? "/" : _(ai->prompt);
		int pw = draw_text(a, y, 0, a->cols, 0, ST_STATUS, false, label);
		int tw = draw_width(a, a->prompt.text.data);
		int room = a->cols - pw - 1, skip = tw > room ? tw - room : 0;

		draw_text(a, y, pw, room, skip, ST_STATUS, false, a->prompt.text.data);
		move(y, pw + (tw - skip));
		curs_set(1);
		return;
	}
	curs_set(0);
	if (a->status[0]) {
		x = draw_text(a, y, 0, a->cols, 0, a->status_error ? ST_ERROR : ST_STATUS, false, a->status);
	} else if (job) {
		draw_text(a, y, 0, a->cols, 0, ST_STATUS, false, job);
		return;
	} else {
		/* key hints, from the key table */
		static const enum wb_action hints[] = {ACT_HELP, ACT_BACK, ACT_SEARCH, ACT_PROMPT, ACT_ENTER};
		const char *view = app_view(a)->ops->name;

		for (size_t i = 0; i < sizeof hints / sizeof hints[0]; i++) {
			char item[96];

			for (size_t k = 0; k < a->keys.n; k++) {
				const struct wb_binding *b = &a->keys.b[k];

				if (b->action != hints[i] || (b->view && strcmp(b->view, view)))
					continue;
				snprintf(item, sizeof item, "%s %s  ", key_label(b->key, keys, sizeof keys),
					 action_info(hints[i])->name);
				x += draw_text(a, y, x, a->cols - x, 0, ST_STATUS, false, item);
				break;
			}
		}
	}
	if (job) {
		int w = draw_width(a, job);

		if (w < a->cols - x - 1)
			draw_text(a, y, a->cols - w, w, 0, ST_STATUS, false, job);
	}
}

void
draw_screen(struct wb_app *a, unsigned mask)
{
	if (mask & REDRAW_ALL) {
		erase();
		draw_header(a);
		draw_viewbar(a);
	}
	if (mask & (REDRAW_ALL | REDRAW_BODY))
		draw_body(a, app_view(a));
	draw_status(a);
	refresh();
}
