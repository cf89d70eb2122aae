/* Case reports: the model written as Markdown, HTML, plain text or JSON. */
#include "report.h"

#include <stdlib.h>
#include <string.h>

#include "sanitize.h"

/* ------------------------------------------------------------------ */
/* Writers: the primitives each text format implements                */
/* ------------------------------------------------------------------ */

enum block { BLOCK_NONE, BLOCK_HEADING, BLOCK_PARA, BLOCK_FIELDS, BLOCK_ITEMS, BLOCK_QUOTES, BLOCK_TABLE };

enum { TL_TIME, TL_SOURCE, TL_LEVEL, TL_KIND, TL_SUMMARY, TL_COLS };

static const char *const timeline_head[TL_COLS] = {
	N_("Time (UTC)"), N_("Source"), N_("Level"), N_("Kind"), N_("Summary"),
};

struct writer;

/* A text format.  Any text handed to a writer may hold evidence: every
 * format sanitises (and escapes) all of it.  Blocks of one kind in a row
 * form one list or table; the writer closes and separates them (w->block).
 * Called begin, then the others in document order, then end. */
struct writer_ops {
	void (*begin)(struct writer *w, const char *title);	/* preamble */
	void (*end)(struct writer *w);
	void (*heading)(struct writer *w, int level, const char *text);	/* 1 to 3 */
	void (*para)(struct writer *w, const char *text);
	/* "label: value"; value may hold '\n' */
	void (*field)(struct writer *w, const char *label, const char *value);
	void (*item)(struct writer *w, const char *text);	/* a list item; may hold '\n' */
	/* An evidence row quoted under the item before it, verbatim on one line. */
	void (*quote)(struct writer *w, const char *where, const char *text);
	void (*row)(struct writer *w, const char *const cells[TL_COLS], bool key);	/* timeline */
};

struct writer {
	FILE *out;
	const struct writer_ops *ops;
	enum block block;
};

static char *
clean(const char *s, bool lines)
{
	return sanitize_dup(s ? s : "", SANITIZE_TABS_AS_SPACE | (lines ? SANITIZE_KEEP_NEWLINES : 0));
}

/* ---- Markdown ---- */

/* Backslash-escape what Markdown would interpret.  Text that starts a line
 * (line_start) must not start a list or a heading underline either. */
static void
md_escape(FILE *out, const char *s, bool line_start)
{
	size_t digits = strspn(s, "0123456789");

	if (line_start && *s && strchr("-+=", *s))
		fputc('\\', out);
	else if (line_start && digits && (s[digits] == '.' || s[digits] == ')')) {
		fwrite(s, 1, digits, out);
		s += digits;
		fputc('\\', out);
	}
	for (; *s; s++) {
		if (strchr("\\`*_[]<>|~&#", *s))
			fputc('\\', out);
		fputc(*s, out);
	}
}

/* Text on one line, or with `lines` its lines joined by hard breaks (inside
 * a list item). */
static void
md_put(struct writer *w, const char *s, bool line_start, bool lines)
{
	char *t = clean(s, lines), *line = t, *nl;

	while ((nl = strchr(line, '\n'))) {
		*nl = '\0';
		md_escape(w->out, line, line_start);
		fputs("\\\n  ", w->out);
		line = nl + 1;
		line_start = true;
	}
	md_escape(w->out, line, line_start);
	free(t);
}

/* A code span holds anything but a longer run of backticks. */
static void
md_code(struct writer *w, const char *s)
{
	char *t = clean(s, false);
	size_t run = 0, longest = 0;
	bool pad;

	for (const char *p = t; *p; p++) {
		run = *p == '`' ? run + 1 : 0;
		if (run > longest)
			longest = run;
	}
	pad = *t && (t[0] == '`' || t[0] == ' ' || t[strlen(t) - 1] == '`' || t[strlen(t) - 1] == ' ');
	for (size_t i = 0; i <= longest; i++)
		fputc('`', w->out);
	fprintf(w->out, "%s%s%s", pad ? " " : "", *t ? t : " ", pad ? " " : "");
	for (size_t i = 0; i <= longest; i++)
		fputc('`', w->out);
	free(t);
}

static void
md_block(struct writer *w, enum block b)
{
	bool list = b == BLOCK_ITEMS || b == BLOCK_QUOTES;
	bool was_list = w->block == BLOCK_ITEMS || w->block == BLOCK_QUOTES;

	if (w->block != BLOCK_NONE && (w->block != b || b == BLOCK_HEADING || b == BLOCK_PARA) &&
	    !(list && was_list))
		fputc('\n', w->out);
	if (b == BLOCK_TABLE && w->block != BLOCK_TABLE) {
		for (int i = 0; i < TL_COLS; i++)
			fprintf(w->out, "| %s ", _(timeline_head[i]));
		fputs("|\n", w->out);
		for (int i = 0; i < TL_COLS; i++)
			fputs("| --- ", w->out);
		fputs("|\n", w->out);
	}
	w->block = b;
}

/* Markdown and plain text need no preamble or trailer. */
static void
no_begin(struct writer *w, const char *title)
{
	(void)w;
	(void)title;
}

static void
no_end(struct writer *w)
{
	(void)w;
}

static void
md_heading(struct writer *w, int level, const char *text)
{
	md_block(w, BLOCK_HEADING);
	fprintf(w->out, "%.*s ", level, "######");
	md_put(w, text, false, false);
	fputc('\n', w->out);
}

static void
md_para(struct writer *w, const char *text)
{
	md_block(w, BLOCK_PARA);
	md_put(w, text, true, true);
	fputc('\n', w->out);
}

static void
md_field(struct writer *w, const char *label, const char *value)
{
	md_block(w, BLOCK_FIELDS);
	fputs("- **", w->out);
	md_put(w, label, false, false);
	fputs(":** ", w->out);
	md_put(w, value, false, true);
	fputc('\n', w->out);
}

static void
md_item(struct writer *w, const char *text)
{
	md_block(w, BLOCK_ITEMS);
	fputs("* ", w->out);
	md_put(w, text, true, true);
	fputc('\n', w->out);
}

static void
md_quote(struct writer *w, const char *where, const char *text)
{
	md_block(w, BLOCK_QUOTES);
	fputs("  - ", w->out);
	md_put(w, where, true, false);
	fputs(": ", w->out);
	md_code(w, text);
	fputc('\n', w->out);
}

static void
md_row(struct writer *w, const char *const cells[TL_COLS], bool key)
{
	md_block(w, BLOCK_TABLE);
	for (int i = 0; i < TL_COLS; i++) {
		fputs(i == TL_TIME && key ? "| **" : "| ", w->out);
		md_put(w, cells[i], false, false);
		fputs(i == TL_TIME && key ? "** " : " ", w->out);
	}
	fputs("|\n", w->out);
}

static const struct writer_ops md_ops = {
	.begin = no_begin, .end = no_end, .heading = md_heading, .para = md_para,
	.field = md_field, .item = md_item, .quote = md_quote, .row = md_row,
};

/* ---- HTML ---- */

static void
html_escape(FILE *out, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", out); break;
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '"': fputs("&quot;", out); break;
		case '\'': fputs("&#39;", out); break;
		case '\n': fputs("<br/>", out); break;
		default:
			/* U+FFFE and U+FFFF are not XML characters. */
			if ((unsigned char)s[0] == 0xEF && (unsigned char)s[1] == 0xBF &&
			    ((unsigned char)s[2] == 0xBE || (unsigned char)s[2] == 0xBF)) {
				fprintf(out, "&lt;U+FFF%c&gt;", (unsigned char)s[2] == 0xBE ? 'E' : 'F');
				s += 2;
			} else
				fputc(*s, out);
		}
	}
}

static void
html_put(struct writer *w, const char *s, bool lines)
{
	char *t = clean(s, lines);

	html_escape(w->out, t);
	free(t);
}

static void
html_block(struct writer *w, enum block b)
{
	static const char *const open[] = {
		[BLOCK_FIELDS] = "<table class=\"fields\">\n",
		[BLOCK_ITEMS] = "<ul>\n",
		[BLOCK_TABLE] = "<table class=\"timeline\">\n<thead><tr>",
	};
	static const char *const close[] = {
		[BLOCK_FIELDS] = "</table>\n",
		[BLOCK_ITEMS] = "</li>\n</ul>\n",
		[BLOCK_QUOTES] = "</ul></li>\n</ul>\n",
		[BLOCK_TABLE] = "</tbody>\n</table>\n",
	};

	if (w->block == b)
		return;
	if (w->block < sizeof close / sizeof close[0] && close[w->block])
		fputs(close[w->block], w->out);
	if (b < sizeof open / sizeof open[0] && open[b])
		fputs(open[b], w->out);
	if (b == BLOCK_TABLE) {
		for (int i = 0; i < TL_COLS; i++) {
			fputs("<th>", w->out);
			html_escape(w->out, _(timeline_head[i]));
			fputs("</th>", w->out);
		}
		fputs("</tr></thead>\n<tbody>\n", w->out);
	}
	w->block = b;
}

static void
html_begin(struct writer *w, const char *title)
{
	static const char style[] =
		"body{font-family:sans-serif;max-width:60em;margin:1em auto;padding:0 1em;"
		"color:#000;background:#fff;line-height:1.4}\n"
		"h1{font-size:1.5em;border-bottom:2px solid #444}\n"
		"h2{font-size:1.25em;border-bottom:1px solid #999;margin-top:1.5em}\n"
		"h3{font-size:1.05em;margin:1em 0 .3em}\n"
		"table{border-collapse:collapse;width:100%;margin:.3em 0}\n"
		"th,td{text-align:left;vertical-align:top;padding:.15em .4em;border:1px solid #ccc}\n"
		"table.fields th{width:11em;background:#f4f4f4;font-weight:normal}\n"
		"td,code{overflow-wrap:anywhere}\n"
		"code,table.timeline{font-family:monospace}\n"
		"ul.quotes{margin:0 0 .5em 2em;padding-left:1em;list-style:square}\n"
		"tr.key td{font-weight:bold;background:#fff3cd}\n"
		"@page{margin:15mm}\n"
		"@media print{body{max-width:none;margin:0}h2,h3{page-break-after:avoid}"
		"tr,li{page-break-inside:avoid}thead{display:table-header-group}}\n";

	fputs("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\">\n<head>\n"
	      "<meta charset=\"utf-8\"/>\n<title>", w->out);
	html_put(w, title, false);
	fprintf(w->out, "</title>\n<style>\n%s</style>\n</head>\n<body>\n", style);
}

static void
html_end(struct writer *w)
{
	html_block(w, BLOCK_NONE);
	fputs("</body>\n</html>\n", w->out);
}

static void
html_heading(struct writer *w, int level, const char *text)
{
	html_block(w, BLOCK_HEADING);
	fprintf(w->out, "<h%d>", level);
	html_put(w, text, false);
	fprintf(w->out, "</h%d>\n", level);
}

static void
html_para(struct writer *w, const char *text)
{
	html_block(w, BLOCK_PARA);
	fputs("<p>", w->out);
	html_put(w, text, false);
	fputs("</p>\n", w->out);
}

static void
html_field(struct writer *w, const char *label, const char *value)
{
	html_block(w, BLOCK_FIELDS);
	fputs("<tr><th>", w->out);
	html_put(w, label, false);
	fputs("</th><td>", w->out);
	html_put(w, value, true);
	fputs("</td></tr>\n", w->out);
}

/* An item stays open so that the quotes after it nest inside it. */
static void
html_item(struct writer *w, const char *text)
{
	if (w->block == BLOCK_QUOTES)
		fputs("</ul></li>\n", w->out);
	else if (w->block == BLOCK_ITEMS)
		fputs("</li>\n", w->out);
	else
		html_block(w, BLOCK_ITEMS);
	w->block = BLOCK_ITEMS;
	fputs("<li>", w->out);
	html_put(w, text, true);
}

static void
html_quote(struct writer *w, const char *where, const char *text)
{
	if (w->block != BLOCK_ITEMS && w->block != BLOCK_QUOTES) {
		html_block(w, BLOCK_ITEMS);
		fputs("<li>", w->out);
	}
	if (w->block == BLOCK_ITEMS)
		fputs("\n<ul class=\"quotes\">\n", w->out);
	w->block = BLOCK_QUOTES;
	fputs("<li>", w->out);
	html_put(w, where, false);
	fputs(": <code>", w->out);
	html_put(w, text, false);
	fputs("</code></li>\n", w->out);
}

static void
html_row(struct writer *w, const char *const cells[TL_COLS], bool key)
{
	html_block(w, BLOCK_TABLE);
	fputs(key ? "<tr class=\"key\">" : "<tr>", w->out);
	for (int i = 0; i < TL_COLS; i++) {
		fputs("<td>", w->out);
		html_put(w, cells[i], false);
		fputs("</td>", w->out);
	}
	fputs("</tr>\n", w->out);
}

static const struct writer_ops html_ops = {
	.begin = html_begin, .end = html_end, .heading = html_heading, .para = html_para,
	.field = html_field, .item = html_item, .quote = html_quote, .row = html_row,
};

/* ---- plain text ---- */

/* Columns a code point takes on a terminal or in a fixed-width mail font:
 * 2 for East Asian wide and fullwidth characters, 0 for combining marks. */
static int
cp_width(unsigned cp)
{
	static const struct range { unsigned lo, hi; } zero[] = {
		{0x0300, 0x036F}, {0x200B, 0x200D}, {0x20D0, 0x20FF}, {0x3099, 0x309A}, {0xFE00, 0xFE0F},
	}, wide[] = {
		{0x1100, 0x115F}, {0x2E80, 0x303E}, {0x3041, 0x33FF}, {0x3400, 0x4DBF}, {0x4E00, 0x9FFF},
		{0xA000, 0xA4CF}, {0xAC00, 0xD7A3}, {0xF900, 0xFAFF}, {0xFE30, 0xFE4F}, {0xFF00, 0xFF60},
		{0xFFE0, 0xFFE6}, {0x1F300, 0x1F64F}, {0x1F900, 0x1F9FF}, {0x20000, 0x2FFFD}, {0x30000, 0x3FFFD},
	};

	for (size_t i = 0; i < sizeof zero / sizeof zero[0]; i++)
		if (cp >= zero[i].lo && cp <= zero[i].hi)
			return 0;
	for (size_t i = 0; i < sizeof wide / sizeof wide[0]; i++)
		if (cp >= wide[i].lo && cp <= wide[i].hi)
			return 2;
	return 1;
}

/* Decode one character of valid UTF-8 (sanitised text); returns its length. */
static size_t
u8_next(const char *s, unsigned *cp)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = p[0] < 0x80 ? 1 : p[0] < 0xE0 ? 2 : p[0] < 0xF0 ? 3 : 4;

	*cp = n == 1 ? p[0] : p[0] & (0x7F >> n);
	for (size_t i = 1; i < n; i++)
		*cp = (*cp << 6) | (p[i] & 0x3F);
	return n;
}

static int
u8_width(const char *s, size_t len, bool *wide)
{
	int width = 0;
	unsigned cp;

	for (size_t i = 0; i < len;) {
		i += u8_next(s + i, &cp);
		width += cp_width(cp);
		if (wide && cp_width(cp) == 2)
			*wide = true;
	}
	return width;
}

/* Write `prefix` and then text filled to REPORT_TXT_WIDTH columns, with
 * continuation lines indented by `indent` (plus the indentation of the
 * text's own line: an indented command stays indented).  Spaces inside a
 * line are kept (evidence is quoted as it is) except where the line is
 * broken.  Words that cannot fit on a line, and words with wide (CJK)
 * characters, which may break anywhere, are broken between characters.
 * Lines of text stay lines. */
static void
txt_wrap(FILE *out, const char *prefix, int indent, const char *text)
{
	char *t = clean(text, true);
	int col = u8_width(prefix, strlen(prefix), NULL);
	int cont = indent + (int)strspn(t, " ");	/* indentation after a break */
	const char *p = t;

	fputs(prefix, out);
	while (*p) {
		size_t gap, len;
		int width;
		bool wide = false;

		if (*p == '\n') {
			fprintf(out, "\n%*s", indent, "");
			col = indent;
			cont = indent + (int)strspn(++p, " ");
			continue;
		}
		if (cont > REPORT_TXT_WIDTH / 2)
			cont = REPORT_TXT_WIDTH / 2;
		gap = strspn(p, " ");
		p += gap;
		if (!*p || *p == '\n')
			continue;	/* trailing spaces */
		len = strcspn(p, " \n");
		width = u8_width(p, len, &wide);
		if (col + (int)gap + width <= REPORT_TXT_WIDTH) {
			fprintf(out, "%*s%.*s", (int)gap, "", (int)len, p);
			col += (int)gap + width;
		} else if (col > cont && !wide && cont + width <= REPORT_TXT_WIDTH) {
			fprintf(out, "\n%*s%.*s", cont, "", (int)len, p);
			col = cont + width;
		} else {
			if (col + (int)gap < REPORT_TXT_WIDTH) {
				fprintf(out, "%*s", (int)gap, "");
				col += (int)gap;
			}
			for (size_t i = 0, n; i < len; i += n) {
				unsigned cp;

				n = u8_next(p + i, &cp);
				if (col + cp_width(cp) > REPORT_TXT_WIDTH) {
					fprintf(out, "\n%*s", cont, "");
					col = cont;
				}
				fwrite(p + i, 1, n, out);
				col += cp_width(cp);
			}
		}
		p += len;
	}
	fputc('\n', out);
	free(t);
}

static void
txt_block(struct writer *w, enum block b)
{
	if (w->block != BLOCK_NONE && w->block != BLOCK_HEADING &&
	    (w->block != b || b == BLOCK_PARA) && !(w->block == BLOCK_ITEMS && b == BLOCK_QUOTES) &&
	    !(w->block == BLOCK_QUOTES && b == BLOCK_ITEMS))
		fputc('\n', w->out);
	w->block = b;
}

static void
txt_heading(struct writer *w, int level, const char *text)
{
	char *t = clean(text, false);
	int width = u8_width(t, strlen(t), NULL);

	if (w->block != BLOCK_NONE)
		fputc('\n', w->out);
	txt_wrap(w->out, "", 0, t);
	if (level < 3) {
		for (int i = 0; i < width && i < REPORT_TXT_WIDTH; i++)
			fputc(level == 1 ? '=' : '-', w->out);
		fputc('\n', w->out);
	}
	w->block = BLOCK_HEADING;
	free(t);
}

static void
txt_para(struct writer *w, const char *text)
{
	txt_block(w, BLOCK_PARA);
	txt_wrap(w->out, "", 0, text);
}

static void
txt_field(struct writer *w, const char *label, const char *value)
{
	enum { VALUE_COLUMN = 16 };
	char *l = clean(label, false);
	int width = u8_width(l, strlen(l), NULL) + 3;	/* "  " and ":" */
	char *prefix = xasprintf("  %s:%*s", l, width < VALUE_COLUMN ? VALUE_COLUMN - width : 1, "");

	txt_block(w, BLOCK_FIELDS);
	txt_wrap(w->out, prefix, VALUE_COLUMN, value);
	free(prefix);
	free(l);
}

static void
txt_item(struct writer *w, const char *text)
{
	txt_block(w, BLOCK_ITEMS);
	txt_wrap(w->out, "  - ", 4, text);
}

static void
txt_quote(struct writer *w, const char *where, const char *text)
{
	char *t = xasprintf("%s: %s", where, text);

	txt_block(w, BLOCK_QUOTES);
	txt_wrap(w->out, "      > ", 8, t);
	free(t);
}

static void
txt_row(struct writer *w, const char *const cells[TL_COLS], bool key)
{
	char *head = xasprintf("%s  %s  %s  %s", cells[TL_TIME], cells[TL_SOURCE], cells[TL_LEVEL],
			       cells[TL_KIND]);

	txt_block(w, BLOCK_TABLE);
	txt_wrap(w->out, key ? "* " : "  ", 2, head);
	txt_wrap(w->out, "      ", 6, cells[TL_SUMMARY]);
	free(head);
}

static const struct writer_ops txt_ops = {
	.begin = no_begin, .end = no_end, .heading = txt_heading, .para = txt_para,
	.field = txt_field, .item = txt_item, .quote = txt_quote, .row = txt_row,
};

/* ------------------------------------------------------------------ */
/* Rendering the model through a writer                               */
/* ------------------------------------------------------------------ */

static const char *
text_of(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static const char *
or_dash(const char *s)
{
	return s && *s ? s : "-";
}

static long long
int_of(json_t *o, const char *key)
{
	return (long long)json_integer_value(json_object_get(o, key));
}

/* Writer calls that take a malloc'd text and free it. */
static void
field_own(struct writer *w, const char *label, char *value)
{
	w->ops->field(w, label, value);
	free(value);
}

static void
item_own(struct writer *w, char *text)
{
	w->ops->item(w, text);
	free(text);
}

static void
para_own(struct writer *w, char *text)
{
	w->ops->para(w, text);
	free(text);
}

static void
heading_own(struct writer *w, int level, char *text)
{
	w->ops->heading(w, level, text);
	free(text);
}

/* How many findings stand confirmed or dismissed. */
static void
count_decided(json_t *findings, size_t *confirmed, size_t *dismissed)
{
	json_t *f;
	size_t i;

	*confirmed = *dismissed = 0;
	json_array_foreach(findings, i, f) {
		const char *state = text_of(json_object_get(f, "decision"), "state");

		if (state && !strcmp(state, "confirmed"))
			++*confirmed;
		else if (state && !strcmp(state, "dismissed"))
			++*dismissed;
	}
}

static void
render_case(struct writer *w, json_t *m)
{
	json_t *c = json_object_get(m, "case"), *ev;
	long long records = 0;
	size_t confirmed, dismissed, i;

	w->ops->heading(w, 2, _("Summary"));
	w->ops->field(w, _("Case"), or_dash(text_of(c, "name")));
	w->ops->field(w, _("Title"), or_dash(text_of(c, "title")));
	w->ops->field(w, _("Symptom"), or_dash(text_of(c, "symptom")));
	w->ops->field(w, _("Status"), or_dash(text_of(c, "status")));
	w->ops->field(w, _("Time zone"), or_dash(text_of(c, "timezone")));
	w->ops->field(w, _("Created"), or_dash(text_of(c, "created")));
	json_array_foreach(json_object_get(m, "evidence"), i, ev)
		records += int_of(ev, "records");
	field_own(w, _("Evidence"), xasprintf(_("files: %zu, records: %lld"),
					      json_array_size(json_object_get(m, "evidence")), records));
	count_decided(json_object_get(m, "findings"), &confirmed, &dismissed);
	field_own(w, _("Findings"), xasprintf(_("%zu (confirmed: %zu, dismissed: %zu)"),
					      json_array_size(json_object_get(m, "findings")), confirmed, dismissed));
	if (text_of(m, "generated_at"))
		w->ops->field(w, _("Generated"), text_of(m, "generated_at"));
}

static void
render_evidence(struct writer *w, json_t *m)
{
	json_t *arr = json_object_get(m, "evidence"), *ev, *warn;
	size_t i, k;

	w->ops->heading(w, 2, _("Evidence"));
	if (!json_array_size(arr))
		w->ops->para(w, _("No evidence imported."));
	json_array_foreach(arr, i, ev) {
		const char *scope = text_of(ev, "hash_scope");
		long long more = int_of(ev, "warnings_total") - (long long)json_array_size(json_object_get(ev, "warnings"));
		const char *path = or_dash(text_of(ev, "path"));
		const char *base = strrchr(path, '/') && strrchr(path, '/')[1] ? strrchr(path, '/') + 1 : path;

		heading_own(w, 3, xasprintf(_("Evidence %lld: %s (%s)"), int_of(ev, "id"), base,
					    or_dash(text_of(ev, "kind"))));
		w->ops->field(w, _("Path"), or_dash(text_of(ev, "path")));
		field_own(w, _("Size"), xasprintf(_("%lld bytes"), int_of(ev, "size")));
		if (scope && strcmp(scope, "full"))
			field_own(w, _("SHA-256"), xasprintf("%s (%s)", or_dash(text_of(ev, "sha256")), scope));
		else
			w->ops->field(w, _("SHA-256"), or_dash(text_of(ev, "sha256")));
		field_own(w, _("Records"), xasprintf("%lld", int_of(ev, "records")));
		w->ops->field(w, _("Status"), or_dash(text_of(ev, "status")));
		field_own(w, _("Importer"), xasprintf("%s %s", or_dash(text_of(ev, "importer")),
							or_dash(text_of(ev, "importer_version"))));
		field_own(w, _("Imported"), xasprintf(_("%s by %s"), or_dash(text_of(ev, "imported_at")),
							or_dash(text_of(ev, "imported_by"))));
		w->ops->field(w, _("Time zone"), text_of(ev, "tz_assumption") ? text_of(ev, "tz_assumption")
									 : _("none assumed"));
		w->ops->field(w, _("Summary"), or_dash(text_of(ev, "summary")));
		json_array_foreach(json_object_get(ev, "warnings"), k, warn)
			item_own(w, xasprintf(_("Warning: %s"), or_dash(json_string_value(warn))));
		if (more > 0)
			item_own(w, xasprintf(_("... and %lld more warnings (wb evidence)"), more));
	}
}

/* Article texts are written with line breaks where the author's editor put
 * them.  Join a line to the next (with a space, or without one between wide
 * characters, as Japanese is written) unless either is empty or indented,
 * the line ends with ':' or the next starts a list: those breaks are the
 * author's.  Returns a malloc'd copy. */
static char *
reflow(const char *s)
{
	struct wb_buf b = {0};
	const char *line = s;

	buf_puts(&b, "");
	for (;;) {
		const char *nl = strchr(line, '\n'), *next = nl ? nl + 1 : NULL;
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		size_t digits = next ? strspn(next, "0123456789") : 0;
		bool keep;

		buf_append(&b, line, len);
		if (!nl)
			break;
		keep = !len || line[0] == ' ' || line[len - 1] == ':' || !*next || strchr(" \n-*", *next) ||
		       (digits && (next[digits] == '.' || next[digits] == ')'));
		if (keep) {
			buf_puts(&b, "\n");
		} else {
			unsigned last = 0, first;
			const char *p = line;

			while (p < line + len)
				p += u8_next(p, &last);
			u8_next(next, &first);
			if (cp_width(last) != 2 && cp_width(first) != 2)
				buf_puts(&b, " ");
		}
		line = next;
	}
	return b.data;
}

/* The strings of an array, joined by ", " (malloc'd). */
static char *
joined(json_t *arr)
{
	struct wb_buf b = {0};
	json_t *v;
	size_t i;

	buf_puts(&b, "");
	json_array_foreach(arr, i, v)
		buf_printf(&b, "%s%s", i ? ", " : "", or_dash(json_string_value(v)));
	return b.data;
}

/* The evidence rows behind a clause. */
static void
render_quotes(struct writer *w, json_t *clause)
{
	json_t *q, *fact;
	size_t i, k;

	json_array_foreach(json_object_get(clause, "quotes"), i, q) {
		struct wb_buf where = {0};
		const char *sep = " [";

		if (text_of(q, "where"))
			buf_printf(&where, _("evidence %lld, %s"), int_of(q, "evidence_id"), text_of(q, "where"));
		else
			buf_printf(&where, _("evidence %lld"), int_of(q, "evidence_id"));
		json_array_foreach(json_object_get(q, "facts"), k, fact) {
			buf_printf(&where, "%s%s", sep, or_dash(json_string_value(fact)));
			sep = "; ";
		}
		buf_puts(&where, "]");
		w->ops->quote(w, where.data, or_dash(text_of(q, "text")));
		buf_fini(&where);
	}
}

static void
render_findings(struct writer *w, json_t *m)
{
	json_t *arr = json_object_get(m, "findings"), *f, *cl;
	size_t i, k;

	w->ops->heading(w, 2, _("Findings"));
	if (!json_array_size(arr))
		w->ops->para(w, _("No documented issue matches the evidence."));
	json_array_foreach(arr, i, f) {
		json_t *d = json_object_get(f, "decision");

		if (text_of(f, "title"))
			heading_own(w, 3, xasprintf("%lld. %s: %s", int_of(f, "rank"), or_dash(text_of(f, "article")),
						    text_of(f, "title")));
		else
			heading_own(w, 3, xasprintf("%lld. %s", int_of(f, "rank"), or_dash(text_of(f, "article"))));
		field_own(w, _("Score"), xasprintf("%g", json_number_value(json_object_get(f, "score"))));
		w->ops->field(w, _("State"), or_dash(text_of(f, "state")));
		if (json_is_object(d))
			field_own(w, _("Decision"), xasprintf(_("%s by %s at %s: %s"), or_dash(text_of(d, "state")),
							      or_dash(text_of(d, "user")), or_dash(text_of(d, "at")),
							      or_dash(text_of(d, "reason"))));
		else
			w->ops->field(w, _("Decision"), _("none yet"));
		if (text_of(f, "summary"))
			field_own(w, _("Summary"), reflow(text_of(f, "summary")));
		if (text_of(f, "resolution"))
			field_own(w, _("Resolution"), reflow(text_of(f, "resolution")));
		if (text_of(f, "fixed_in"))
			field_own(w, _("Fixed in"), reflow(text_of(f, "fixed_in")));
		if (json_array_size(json_object_get(f, "kbs")))
			field_own(w, _("Updates"), joined(json_object_get(f, "kbs")));
		json_array_foreach(json_object_get(f, "references"), k, cl)
			field_own(w, _("Reference"), xasprintf("%s <%s>", or_dash(text_of(cl, "title")),
							       or_dash(text_of(cl, "url"))));
		if (text_of(f, "why_rank"))
			w->ops->field(w, _("Ranked below"), text_of(f, "why_rank"));
		json_array_foreach(json_object_get(f, "hits"), k, cl) {
			item_own(w, xasprintf(_("Found: %s (clause %s, weight %g, matches: %lld)"),
					      or_dash(text_of(cl, "label")), or_dash(text_of(cl, "clause")),
					      json_number_value(json_object_get(cl, "weight")), int_of(cl, "count")));
			render_quotes(w, cl);
		}
		json_array_foreach(json_object_get(f, "excluded_by"), k, cl) {
			item_own(w, xasprintf(_("Ruled out by: %s (clause %s)"), or_dash(text_of(cl, "label")),
					      or_dash(text_of(cl, "clause"))));
			render_quotes(w, cl);
		}
		json_array_foreach(json_object_get(f, "missing"), k, cl) {
			if (text_of(cl, "collect"))
				item_own(w, xasprintf(_("Missing: %s; collect: %s"), or_dash(text_of(cl, "label")),
						      text_of(cl, "collect")));
			else
				item_own(w, xasprintf(_("Missing: %s"), or_dash(text_of(cl, "label"))));
		}
		json_array_foreach(json_object_get(f, "failed"), k, cl)
			item_own(w, xasprintf(_("Not in the evidence: %s"), or_dash(text_of(cl, "label"))));
	}
}

static void
render_decisions(struct writer *w, json_t *m)
{
	json_t *arr = json_object_get(m, "decisions"), *d;
	size_t i;

	w->ops->heading(w, 2, _("Decisions"));
	if (!json_array_size(arr))
		w->ops->para(w, _("No finding has been confirmed or dismissed."));
	json_array_foreach(arr, i, d)
		item_own(w, xasprintf(_("%s %s: %s by %s: %s"), or_dash(text_of(d, "at")), or_dash(text_of(d, "article")),
				      or_dash(text_of(d, "state")), or_dash(text_of(d, "user")),
				      or_dash(text_of(d, "reason"))));
}

static void
render_checklist(struct writer *w, json_t *m)
{
	json_t *arr = json_object_get(m, "checklist"), *list, *step;
	size_t i, k;

	w->ops->heading(w, 2, _("Checklist"));
	if (!json_array_size(arr))
		w->ops->para(w, _("No checklist has been started."));
	json_array_foreach(arr, i, list) {
		if (text_of(list, "title"))
			heading_own(w, 3, xasprintf("%s: %s", or_dash(text_of(list, "list")), text_of(list, "title")));
		else
			w->ops->heading(w, 3, or_dash(text_of(list, "list")));
		if (text_of(list, "started_at"))
			field_own(w, _("Started"), xasprintf(_("%s by %s"), text_of(list, "started_at"),
							     or_dash(text_of(list, "started_by"))));
		json_array_foreach(json_object_get(list, "steps"), k, step) {
			struct wb_buf b = {0};

			buf_printf(&b, "[%s] %s", or_dash(text_of(step, "state")), or_dash(text_of(step, "step")));
			if (text_of(step, "text"))
				buf_printf(&b, ": %s", text_of(step, "text"));
			if (text_of(step, "answer"))
				buf_printf(&b, _("\nanswer: %s"), text_of(step, "answer"));
			if (text_of(step, "user"))
				buf_printf(&b, _("\n%s by %s"), or_dash(text_of(step, "at")), text_of(step, "user"));
			else if (json_is_true(json_object_get(step, "automatic")))
				buf_puts(&b, _("\nby the evidence"));
			w->ops->item(w, b.data);
			buf_fini(&b);
		}
	}
}

static void
render_notes(struct writer *w, json_t *m)
{
	json_t *arr = json_object_get(m, "notes"), *n;
	size_t i;

	w->ops->heading(w, 2, _("Notes"));
	if (!json_array_size(arr))
		w->ops->para(w, _("No notes."));
	json_array_foreach(arr, i, n) {
		if (text_of(n, "list"))
			item_own(w, xasprintf(_("%s %s (checklist %s, step %s):\n%s"), or_dash(text_of(n, "at")),
					      or_dash(text_of(n, "user")), text_of(n, "list"),
					      or_dash(text_of(n, "step")), or_dash(text_of(n, "text"))));
		else
			item_own(w, xasprintf("%s %s:\n%s", or_dash(text_of(n, "at")), or_dash(text_of(n, "user")),
					      or_dash(text_of(n, "text"))));
	}
}

static void
render_timeline(struct writer *w, json_t *m)
{
	json_t *tl = json_object_get(m, "timeline"), *win, *e;
	size_t i, k;

	w->ops->heading(w, 2, _("Timeline excerpt"));
	if (!json_array_size(json_object_get(tl, "windows"))) {
		w->ops->para(w, _("No key events (critical or error entries, bugchecks, crashes, shutdowns)."));
		return;
	}
	para_own(w, xasprintf(_("Entries within %lld minutes of a key event (critical or error entry, bugcheck, "
				"crash, shutdown; marked), at most %lld either side.  Times are UTC; ~ marks a "
				"time read from a local clock with an assumed time zone."),
			      int_of(tl, "window_minutes"), int_of(tl, "context_entries")));
	json_array_foreach(json_object_get(tl, "windows"), i, win) {
		para_own(w, xasprintf(_("From %s to %s:"), or_dash(text_of(win, "from")), or_dash(text_of(win, "to"))));
		json_array_foreach(json_object_get(win, "entries"), k, e) {
			char *time = xasprintf("%s%s", json_is_true(json_object_get(e, "local")) ? "~" : "",
					       or_dash(text_of(e, "ts")));
			char *source = xasprintf("#%lld", int_of(e, "evidence_id"));
			const char *cells[TL_COLS] = {
				[TL_TIME] = time, [TL_SOURCE] = source, [TL_LEVEL] = or_dash(text_of(e, "level")),
				[TL_KIND] = or_dash(text_of(e, "kind")), [TL_SUMMARY] = or_dash(text_of(e, "summary")),
			};

			w->ops->row(w, cells, json_is_true(json_object_get(e, "key")));
			free(time);
			free(source);
		}
	}
	if (json_is_true(json_object_get(tl, "truncated")))
		para_own(w, xasprintf(_("The excerpt stops after %lld entries (wb timeline shows them all)."),
				      int_of(tl, "max_entries")));
}

static void (*const renderers[])(struct writer *, json_t *) = {
	render_case, render_evidence, render_findings, render_decisions, render_checklist, render_notes,
	render_timeline,
};

static const struct format {
	const char *name;
	const struct writer_ops *ops;	/* NULL: the model as JSON */
} formats[] = {
	[REPORT_MD] = {"md", &md_ops},
	[REPORT_HTML] = {"html", &html_ops},
	[REPORT_TXT] = {"txt", &txt_ops},
	[REPORT_JSON] = {"json", NULL},
};

int
report_format_parse(const char *name, enum report_format *fmt)
{
	for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++) {
		if (!strcmp(formats[i].name, name)) {
			*fmt = (enum report_format)i;
			return 0;
		}
	}
	return -1;
}

const char *
report_format_name(enum report_format fmt)
{
	return formats[fmt].name;
}

/* JSON leaves C1 controls and bidi controls raw inside strings; a report
 * shown in a terminal must not carry them, so write them as \uXXXX (they
 * can only occur inside strings: JSON syntax is ASCII). */
static int
json_write(json_t *model, FILE *out)
{
	char *doc = json_dumps(model, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	unsigned cp;

	if (!doc)
		return -1;
	for (const char *p = doc; *p;) {
		size_t n = u8_next(p, &cp);

		if ((cp >= 0x80 && cp <= 0x9F) || (cp >= 0x202A && cp <= 0x202E) ||
		    (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200E || cp == 0x200F || cp == 0x061C)
			fprintf(out, "\\u%04X", cp);
		else
			fwrite(p, 1, n, out);
		p += n;
	}
	fputc('\n', out);
	free(doc);
	return 0;
}

int
report_render(json_t *model, enum report_format fmt, FILE *out, struct wb_err *err)
{
	struct writer w = {.out = out, .ops = formats[fmt].ops, .block = BLOCK_NONE};

	if (!w.ops) {
		if (json_write(model, out) < 0)
			return wb_errf(err, _("cannot write the report"));
	} else {
		char *title = xasprintf(_("Case report: %s"),
					or_dash(text_of(json_object_get(model, "case"), "name")));

		w.ops->begin(&w, title);
		w.ops->heading(&w, 1, title);
		for (size_t i = 0; i < sizeof renderers / sizeof renderers[0]; i++)
			renderers[i](&w, model);
		w.ops->end(&w);
		free(title);
	}
	if (fflush(out) != 0 || ferror(out))
		return wb_errf(err, _("cannot write the report"));
	return 0;
}

int
report_format_from_path(const char *path, enum report_format *fmt)
{
	const char *dot = strrchr(path, '.');

	if (!dot || strchr(dot, '/'))
		return -1;
	if (!strcmp(dot, ".htm"))
		dot = ".html";
	return report_format_parse(dot + 1, fmt);
}
