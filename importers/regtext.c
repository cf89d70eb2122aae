/*
 * .reg exports: "Windows Registry Editor Version 5.00" (UTF-16LE with BOM from
 * regedit and reg.exe) and REGEDIT4 (ANSI code page).  core/textin.c decodes
 * the file; this file joins ",\" continuation lines and parses key lines,
 * values and deletions ([-key], "name"=-).  Rows and facts: regfacts.h.
 */
#include <ctype.h>
#include <stdarg.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../core/sanitize.h"
#include "../core/textin.h"
#include "importer.h"
#include "regfacts.h"

static const char header5[] = "Windows Registry Editor Version 5.00";
static const char header4[] = "REGEDIT4";

/* A logical line is one or more physical lines joined at ",\". */
struct piece {
	size_t offset;		/* where the physical line starts in the logical one */
	int64_t line;
};

struct regtext {
	wb_ingest *ing;
	regfacts *rf;
	int version;		/* 0 before the header, then 4 or 5 */
	struct wb_buf logical;
	struct piece *pieces;
	size_t npieces, cap_pieces;
	struct wb_buf key;	/* current key in normal form; empty: none */
	bool key_deleted;	/* the current key line was [-key] */
	struct wb_buf name, str, bytes, norm;
	bool bad_line;		/* fail() was called for the current line */
	uint64_t skipped;	/* bad lines skipped with --lenient */
};

static bool
is_space(char c)
{
	return c == ' ' || c == '\t';
}

/* The physical line of position pos in the logical line. */
static int64_t
line_at(const struct regtext *rt, size_t pos)
{
	int64_t line = rt->pieces[0].line;

	for (size_t i = 0; i < rt->npieces && rt->pieces[i].offset <= pos; i++)
		line = rt->pieces[i].line;
	return line;
}

/* Fills err with "FILE: line N: what" (evidence text made inert). */
static int
fail(struct regtext *rt, size_t pos, struct wb_err *err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int
fail(struct regtext *rt, size_t pos, struct wb_err *err, const char *fmt, ...)
{
	char what[WB_ERR_MAX];
	va_list ap;

	rt->bad_line = true;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	return wb_errf(err, _("%s: line %" PRId64 ": %s"), ingest_path(rt->ing), line_at(rt, pos),
		       what);
}

/* A short, inert excerpt of evidence text for an error message. */
static char *
excerpt(const char *s, size_t len)
{
	struct wb_buf b = {0};

	sanitize_append(&b, s, len > 40 ? 40 : len, 0);
	if (len > 40)
		buf_puts(&b, "...");
	if (!b.data)
		buf_puts(&b, "");
	return b.data;
}

/* "..." with \\ and \" escapes, starting at s[*i] == '"'; leaves *i after
 * the closing quote.  Other backslashes are kept as written. */
static int
quoted(struct regtext *rt, const char *s, size_t *i, struct wb_buf *out, struct wb_err *err)
{
	size_t start = *i;

	buf_reset(out);
	buf_puts(out, "");
	for ((*i)++; s[*i]; (*i)++) {
		if (s[*i] == '"') {
			(*i)++;
			return 0;
		}
		if (s[*i] == '\\' && (s[*i + 1] == '\\' || s[*i + 1] == '"'))
			(*i)++;
		buf_append(out, s + *i, 1);
	}
	return fail(rt, start, err, _("unterminated string: expected a closing '\"'"));
}

static int
hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Comma-separated hex bytes; spaces anywhere and a trailing comma are fine. */
static int
hex_bytes(struct regtext *rt, const char *s, size_t pos, struct wb_buf *out, struct wb_err *err)
{
	buf_reset(out);
	for (;;) {
		unsigned v = 0;
		int nd = 0;

		while (is_space(s[pos]))
			pos++;
		if (!s[pos])
			return 0;
		while (hex_digit(s[pos]) >= 0 && nd < 3) {
			v = v << 4 | (unsigned)hex_digit(s[pos++]);
			nd++;
		}
		while (is_space(s[pos]))
			pos++;
		if (nd == 0 || nd > 2 || (s[pos] && s[pos] != ',')) {
			char *x = excerpt(s + pos - (size_t)nd, strcspn(s + pos - (size_t)nd, ","));
			int rc = fail(rt, pos, err,
				      _("bad hex data near '%s': expected bytes like 0a,ff,"), x);

			free(x);
			return rc;
		}
		{
			unsigned char b = (unsigned char)v;

			buf_append(out, &b, 1);
		}
		if (s[pos] == ',')
			pos++;
	}
}

/* Exactly 1..max hex digits to the end of the line. */
static int
hex_number(const char *s, size_t max, uint64_t *v)
{
	size_t n = 0;

	*v = 0;
	while (hex_digit(s[n]) >= 0) {
		*v = *v << 4 | (uint64_t)hex_digit(s[n]);
		n++;
	}
	while (is_space(s[n]))
		n++;
	return n == 0 || n > max || s[n] ? -1 : 0;
}

static int
value_line(struct regtext *rt, const char *s, struct wb_err *err)
{
	struct reg_value v = {.line = line_at(rt, 0), .ansi = rt->version == 4};
	unsigned char num[8];
	size_t i = 0;
	uint64_t n;

	if (s[0] == '@') {
		buf_reset(&rt->name);
		buf_puts(&rt->name, "");
		i = 1;
	} else if (quoted(rt, s, &i, &rt->name, err) < 0) {
		return -1;
	}
	while (is_space(s[i]))
		i++;
	if (s[i] != '=')
		return fail(rt, i, err, _("expected '=' after the value name"));
	for (i++; is_space(s[i]); i++)
		;
	v.name = rt->name.data;
	if (!rt->key.len)
		return fail(rt, 0, err, _("a value before any [key] line"));
	if (rt->key_deleted) {
		ingest_warn(rt->ing, v.line, -1, "value after a [-key] deletion ignored");
		return 0;
	}
	if (s[i] == '"') {
		if (quoted(rt, s, &i, &rt->str, err) < 0)
			return -1;
		while (is_space(s[i]))
			i++;
		if (s[i])
			return fail(rt, i, err, _("text after the closing '\"' of a string"));
		v.type = REG_SZ;
		v.text = rt->str.data;
	} else if (s[i] == '-' && !s[i + 1 + strspn(s + i + 1, " \t")]) {
		v.deleted = true;
	} else if (!strncasecmp(s + i, "dword:", 6) || !strncasecmp(s + i, "qword:", 6)) {
		bool q = tolower((unsigned char)s[i]) == 'q';

		if (hex_number(s + i + 6, q ? 16 : 8, &n) < 0)
			return fail(rt, i, err, q ? _("expected qword: and 1 to 16 hex digits")
						  : _("expected dword: and 1 to 8 hex digits"));
		for (int b = 0; b < 8; b++)
			num[b] = (unsigned char)(n >> (8 * b));
		v.type = q ? REG_QWORD : REG_DWORD;
		v.data = num;
		v.len = q ? 8 : 4;
	} else if (!strncasecmp(s + i, "hex", 3)) {
		size_t p = i + 3;

		v.type = REG_BINARY;
		if (s[p] == '(') {
			size_t q = p + 1;

			for (n = 0; hex_digit(s[q]) >= 0 && q - p <= 8; q++)
				n = n << 4 | (uint64_t)hex_digit(s[q]);
			if (q == p + 1 || s[q] != ')')
				goto bad_hex_type;
			v.type = (uint32_t)n;
			p = q + 1;
		}
		if (s[p] != ':')
			goto bad_hex_type;
		if (hex_bytes(rt, s, p + 1, &rt->bytes, err) < 0)
			return -1;
		v.data = (const unsigned char *)rt->bytes.data;
		v.len = rt->bytes.len;
	} else {
		char *x = excerpt(s + i, strlen(s + i));
		int rc = fail(rt, i, err, _("unknown value data '%s': expected \"text\", dword:, "
					     "hex:, hex(N): or - (delete)"), x);

		free(x);
		return rc;
	}
	return regfacts_value(rt->rf, rt->key.data, &v, err);
bad_hex_type:
	return fail(rt, i, err, _("expected hex: or hex(N): with N a hex type number"));
}

static int
key_line(struct regtext *rt, const char *s, size_t len, struct wb_err *err)
{
	bool deleted = s[1] == '-';
	const char *path = s + 1 + deleted;
	size_t plen;

	if (s[len - 1] != ']')
		return fail(rt, len - 1, err, _("a key line must end with ']'"));
	buf_reset(&rt->key);	/* a bad key line leaves no key for the values below it */
	plen = (size_t)(s + len - 1 - path);
	if (regfacts_normalise_key(path, plen, &rt->norm, err) < 0) {
		char what[WB_ERR_MAX];

		snprintf(what, sizeof what, "%s", err->msg);
		return fail(rt, 1, err, "%s", what);
	}
	buf_puts(&rt->key, rt->norm.data);
	rt->key_deleted = deleted;
	return regfacts_key(rt->rf, rt->key.data, false, 0, deleted, line_at(rt, 0), err);
}

static int
header_line(struct regtext *rt, const char *s, struct wb_err *err)
{
	char *x;
	int rc;

	if (!strcmp(s, header5)) {
		rt->version = 5;
		return 0;
	}
	if (!strcmp(s, header4)) {
		rt->version = 4;
		return 0;
	}
	x = excerpt(s, strlen(s));
	rc = fail(rt, 0, err, _("expected the header '%s' or '%s', found '%s'"), header5, header4,
		  x);
	free(x);
	return rc;
}

/* One logical line, trimmed. */
static int
logical_line(struct regtext *rt, struct wb_err *err)
{
	char *s = rt->logical.data ? rt->logical.data : "";
	size_t len = rt->logical.len;

	while (len && (is_space(s[len - 1]) || s[len - 1] == '\r'))
		s[--len] = '\0';
	if (!rt->version) {
		if (!strncmp(s, "\xEF\xBB\xBF", 3))	/* a BOM textin kept: UTF-8 inside UTF-16 */
			s += 3, len -= 3;
		return len ? header_line(rt, s, err) : 0;
	}
	if (len == 0 || s[0] == ';')
		return 0;
	if (s[0] == '[')
		return key_line(rt, s, len, err);
	if (s[0] == '"' || s[0] == '@')
		return value_line(rt, s, err);
	{
		char *x = excerpt(s, len);
		int rc = fail(rt, 0, err, _("expected a [key] line, a \"name\"= or @= value, or a "
					     "; comment, found '%s'"), x);

		free(x);
		return rc;
	}
}

static void
add_piece(struct regtext *rt, int64_t line)
{
	if (rt->npieces == rt->cap_pieces) {
		rt->cap_pieces = rt->cap_pieces ? 2 * rt->cap_pieces : 16;
		rt->pieces = xrealloc(rt->pieces, rt->cap_pieces * sizeof *rt->pieces);
	}
	rt->pieces[rt->npieces++] = (struct piece){.offset = rt->logical.len, .line = line};
}

/* Runs one logical line; with --lenient a bad one becomes a warning. */
static int
run_line(struct regtext *rt, struct wb_err *err)
{
	int rc = logical_line(rt, err);

	if (rc < 0 && rt->bad_line && rt->version && ingest_opts(rt->ing)->lenient) {
		const char *what = strstr(err->msg, ": line ");

		ingest_warn(rt->ing, line_at(rt, 0), -1, "skipped: %s", what ? what + 2 : err->msg);
		rt->skipped++;
		rc = 0;
	}
	rt->bad_line = false;
	buf_reset(&rt->logical);
	rt->npieces = 0;
	return rc;
}

/* A value line continues while it ends in a backslash ("hex:01,02,\"). */
static bool
continues(const struct regtext *rt)
{
	const char *s = rt->logical.data;
	size_t len = rt->logical.len;

	while (len && (is_space(s[len - 1]) || s[len - 1] == '\r'))
		len--;
	return rt->version && len && s[len - 1] == '\\' && (s[0] == '"' || s[0] == '@');
}

/* Removes the backslash (and blanks after it) that asked for another line. */
static void
drop_continuation(struct regtext *rt)
{
	while (rt->logical.len && rt->logical.data[rt->logical.len - 1] != '\\')
		rt->logical.len--;
	if (rt->logical.len)
		rt->logical.len--;
	rt->logical.data[rt->logical.len] = '\0';
}

static int
parse(struct regtext *rt, wb_textin *t, struct wb_err *err)
{
	const char *line;
	size_t len;
	int rc;
	bool pending = false;

	while ((rc = textin_next(t, &line, &len, err)) > 0) {
		size_t lead = 0;

		while (lead < len && is_space(line[lead]))
			lead++;
		if (pending) {
			if (lead == len)
				continue;	/* blank lines inside wrapped hex */
			if (line[lead] == '[' || line[lead] == '"' || line[lead] == '@') {
				/* The wrap ended without its data: run what we have. */
				drop_continuation(rt);
				if (run_line(rt, err) < 0)
					return -1;
				pending = false;
			}
		}
		if (pending) {
			drop_continuation(rt);
			add_piece(rt, textin_lineno(t));
			buf_append(&rt->logical, line + lead, len - lead);
		} else {
			add_piece(rt, textin_lineno(t));
			buf_append(&rt->logical, line + lead, len - lead);
			buf_puts(&rt->logical, "");
		}
		pending = continues(rt);
		if (!pending && run_line(rt, err) < 0)
			return -1;
	}
	if (rc < 0)
		return -1;
	if (pending) {
		drop_continuation(rt);	/* a file ending in ",\" */
		if (run_line(rt, err) < 0)
			return -1;
	}
	if (!rt->version)
		return wb_errf(err, _("%s: line 1: expected the header '%s' or '%s', found an "
				      "empty file"), ingest_path(rt->ing), header5, header4);
	return 0;
}

static int
regtext_import(wb_ingest *ing, struct wb_err *err)
{
	struct regtext rt = {.ing = ing, .rf = regfacts_new(ing)};
	wb_textin *t = textin_new(ing);
	unsigned current = 0;
	int rc = parse(&rt, t, err);
	char summary[256];

	if (rc == 0)
		rc = regfacts_finish(rt.rf, &current, err);
	if (rc == 0) {
		char cs[64] = "";

		if (textin_replacements(t))
			ingest_warn(ing, -1, -1, "%" PRIu64 " invalid %s sequences replaced by U+FFFD",
				    textin_replacements(t), textin_encoding(t));
		if (current)
			snprintf(cs, sizeof cs, ", CurrentControlSet = ControlSet%03u", current);
		snprintf(summary, sizeof summary,
			 ".reg export (%s, %s), %" PRIu64 " keys, %" PRIu64 " values%s%s",
			 rt.version == 5 ? "version 5.00" : "REGEDIT4", textin_encoding(t),
			 regfacts_keys(rt.rf), regfacts_values(rt.rf), cs,
			 rt.skipped ? ", bad lines skipped" : "");
		ingest_set_summary(ing, summary);
	}
	textin_free(t);
	regfacts_free(rt.rf);
	buf_fini(&rt.logical);
	buf_fini(&rt.key);
	buf_fini(&rt.name);
	buf_fini(&rt.str);
	buf_fini(&rt.bytes);
	buf_fini(&rt.norm);
	free(rt.pieces);
	return rc;
}

static int
regtext_detect(struct wb_probe *probe)
{
	const char *dot = strrchr(probe->path, '.');
	int ext = dot && !strcasecmp(dot, ".reg") ? 10 : 0;
	const char *s;
	int score = ext;

	if (probe->len == 0)
		return 0;
	s = probe_text(probe);
	if (!strncmp(s, "\xEF\xBB\xBF", 3))
		s += 3;
	s += strspn(s, " \t\r\n");
	if (!strncmp(s, header5, sizeof header5 - 1) || !strncmp(s, header4, sizeof header4 - 1))
		score = 90;
	return score;
}

const struct wb_importer importer_regtext = {
	.name = "reg",
	.kind = "registry",
	.version = "1",
	.describe = N_("registry export (.reg, REGEDIT4 or version 5.00)"),
	.detect = regtext_detect,
	.import = regtext_import,
};
