/*
 * `reg query KEY [/s] [/v NAME]` output as customers paste it:
 *
 *   HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\CrashControl
 *       CrashDumpEnabled    REG_DWORD    0x7
 *       DumpFile    REG_EXPAND_SZ    %SystemRoot%\MEMORY.DMP
 *
 * Four spaces separate name, type and data; numbers are 0x hex, binary data
 * is hex digits, REG_MULTI_SZ strings are joined by a literal \0.  The
 * unnamed value is "(Default)" (Japanese "(既定)").  Lines that are neither
 * a key nor a value (a prompt, "End of search: 3 match(es) found.") are
 * skipped.  Rows and facts: regfacts.h.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../core/sanitize.h"
#include "../core/textin.h"
#include "importer.h"
#include "regfacts.h"

#define SEP "    "
#define SEP_LEN 4

/* The unnamed value and "not set" as English, Japanese, German and Chinese
 * Windows print them. */
static const char *const default_names[] = {"(Default)", "(既定)", "(Standard)", "(默认)"};
static const char *const not_set[] = {"(value not set)", "(値の設定なし)", "(数值未设置)"};

struct regquery {
	wb_ingest *ing;
	regfacts *rf;
	struct wb_buf key, text, bytes;
	int64_t line;
	bool bad_line;		/* fail() was called for this line */
	uint64_t skipped;
};

static int
hex_nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The type Windows numbers as `name`, or -1. */
static int
type_number(const char *name, size_t len)
{
	for (uint32_t t = 0; reg_type_name(t); t++)
		if (strlen(reg_type_name(t)) == len && !strncmp(reg_type_name(t), name, len))
			return (int)t;
	return -1;
}

static bool
in_list(const char *s, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(s, list[i]))
			return true;
	return false;
}

static int
fail(struct regquery *q, struct wb_err *err, const char *what, const char *line)
{
	struct wb_buf x = {0};
	int rc;

	q->bad_line = true;
	sanitize_append(&x, line, strlen(line) > 60 ? 60 : strlen(line), 0);
	rc = wb_errf(err, _("%s: line %" PRId64 ": %s, found '%s'"), ingest_path(q->ing), q->line,
		     what, x.data ? x.data : "");
	buf_fini(&x);
	return rc;
}

/* "    Name    REG_TYPE    data" (data may be missing for an empty string). */
static int
value_line(struct regquery *q, const char *s, struct wb_err *err)
{
	const char *t = NULL, *data = "";
	struct reg_value v = {.line = q->line};
	size_t tl;
	char *name;
	int type, rc;

	/* The type is the first "    REG_XXX" after the name, followed by a
	 * separator or the end. */
	for (const char *p = strstr(s + SEP_LEN, SEP "REG_"); p; p = strstr(p + 1, SEP "REG_")) {
		tl = strcspn(p + SEP_LEN, " ");
		if (type_number(p + SEP_LEN, tl) >= 0 &&
		    (!p[SEP_LEN + tl] || !strncmp(p + SEP_LEN + tl, SEP, SEP_LEN))) {
			t = p;
			break;
		}
	}
	if (!q->key.len)
		return fail(q, err, _("a value before any HKEY_ key line"), s);
	if (!t)
		return fail(q, err, _("expected 'name    REG_TYPE    data'"), s);
	tl = strcspn(t + SEP_LEN, " ");
	type = type_number(t + SEP_LEN, tl);
	if (t[SEP_LEN + tl])
		data = t + SEP_LEN + tl + SEP_LEN;
	name = xstrndup(s + SEP_LEN, (size_t)(t - s - SEP_LEN));
	v.name = in_list(name, default_names, sizeof default_names / sizeof default_names[0])
			 ? "" : name;
	v.type = (uint32_t)type;
	buf_reset(&q->text);
	buf_reset(&q->bytes);
	switch (type) {
	case REG_SZ:
	case REG_EXPAND_SZ:
	case REG_LINK:
		if (!*v.name && in_list(data, not_set, sizeof not_set / sizeof not_set[0])) {
			free(name);
			return 0;	/* /ve on a key whose default value does not exist */
		}
		buf_puts(&q->text, data);
		v.text = q->text.data;
		break;
	case REG_MULTI_SZ:
		buf_puts(&q->text, "");
		for (const char *p = data; *p; p++) {
			if (p[0] == '\\' && p[1] == '0') {
				buf_puts(&q->text, "\n");
				p++;
			} else {
				buf_append(&q->text, p, 1);
			}
		}
		v.text = q->text.data;
		break;
	case REG_DWORD:
	case REG_DWORD_BIG_ENDIAN:
	case REG_QWORD: {
		char *end;
		uint64_t n = strtoull(data, &end, 16);
		unsigned char b[8];
		size_t width = type == REG_QWORD ? 8 : 4;

		if (strncasecmp(data, "0x", 2) || end == data + 2 || *end ||
		    (width == 4 && n > UINT32_MAX)) {
			free(name);
			return fail(q, err, _("expected a 0x hex number"), s);
		}
		for (size_t i = 0; i < width; i++)
			b[type == REG_DWORD_BIG_ENDIAN ? 3 - i : i] = (unsigned char)(n >> (8 * i));
		buf_append(&q->bytes, b, width);
		break;
	}
	default:
		for (const char *p = data; *p; p += 2) {
			unsigned char b;

			if (hex_nibble(p[0]) < 0 || hex_nibble(p[1]) < 0) {
				free(name);
				return fail(q, err, _("expected hex digits in pairs"), s);
			}
			b = (unsigned char)(hex_nibble(p[0]) << 4 | hex_nibble(p[1]));
			buf_append(&q->bytes, &b, 1);
		}
	}
	if (!v.text) {
		v.data = (const unsigned char *)q->bytes.data;
		v.len = q->bytes.len;
	}
	rc = regfacts_value(q->rf, q->key.data, &v, err);
	free(name);
	return rc;
}

static int
query_line(struct regquery *q, char *s, size_t len, struct wb_err *err)
{
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r'))
		s[--len] = '\0';
	if (!strncmp(s, "HKEY_", 5)) {
		buf_reset(&q->key);
		if (regfacts_normalise_key(s, len, &q->text, err) < 0)
			return fail(q, err, _("an unknown root key"), s);
		buf_puts(&q->key, q->text.data);
		return regfacts_key(q->rf, q->key.data, false, 0, false, q->line, err);
	}
	if (!strncmp(s, SEP, SEP_LEN) && s[SEP_LEN] != ' ')
		return value_line(q, s, err);
	return 0;	/* blank, a prompt, "End of search" */
}

static int
regquery_import(wb_ingest *ing, struct wb_err *err)
{
	struct regquery q = {.ing = ing, .rf = regfacts_new(ing)};
	wb_textin *t = textin_new(ing);
	const char *line;
	size_t len;
	unsigned current = 0;
	int rc;
	char summary[200];

	while ((rc = textin_next(t, &line, &len, err)) > 0) {
		char *copy = xstrndup(line, len);

		q.line = textin_lineno(t);
		rc = query_line(&q, copy, len, err);
		free(copy);
		if (rc < 0 && q.bad_line && ingest_opts(ing)->lenient) {
			const char *what = strstr(err->msg, ": line ");

			ingest_warn(ing, q.line, -1, "skipped: %s", what ? what + 2 : err->msg);
			q.skipped++;
			rc = 0;
		}
		q.bad_line = false;
		if (rc < 0)
			break;
	}
	if (rc == 0 && !regfacts_keys(q.rf))
		rc = wb_errf(err, _("%s: no HKEY_ key line: not `reg query` output"), ingest_path(ing));
	if (rc == 0)
		rc = regfacts_finish(q.rf, &current, err);
	if (rc == 0) {
		snprintf(summary, sizeof summary, "reg query output (%s), %" PRIu64 " keys, %" PRIu64
			 " values%s", textin_encoding(t), regfacts_keys(q.rf), regfacts_values(q.rf),
			 q.skipped ? ", bad lines skipped" : "");
		ingest_set_summary(ing, summary);
	}
	textin_free(t);
	regfacts_free(q.rf);
	buf_fini(&q.key);
	buf_fini(&q.text);
	buf_fini(&q.bytes);
	return rc;
}

/* A HKEY_ line followed by an indented "name    REG_TYPE" line. */
static int
regquery_detect(struct wb_probe *probe)
{
	const char *text = probe->len ? probe_text(probe) : NULL;
	int score = 0;

	for (const char *s = text; s && *s && !score;) {
		const char *nl = strchr(s, '\n'), *next = nl ? nl + 1 : s + strlen(s);

		if (!strncmp(s, "HKEY_", 5)) {
			const char *v = next;

			while (*v == '\r' || *v == '\n')
				v++;
			if (!strncmp(v, SEP, SEP_LEN) && strstr(v, SEP "REG_") &&
			    strstr(v, SEP "REG_") < (strchr(v, '\n') ? strchr(v, '\n') : v + strlen(v)))
				score = 60;
		}
		s = next;
	}
	return score;
}

const struct wb_importer importer_regquery = {
	.name = "reg-query",
	.kind = "registry",
	.version = "1",
	.describe = N_("`reg query` output (HKEY_... lines, then name    REG_TYPE    data)"),
	.detect = regquery_detect,
	.import = regquery_import,
};
