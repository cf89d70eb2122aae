/*
 * `vssadmin list writers`, in any language.  The labels ("Writer name",
 * "ライター名", "Verfassername") and state words are localised, so records
 * are recognised by shape, not by words: a label and a quoted writer name
 * starts a record, the braced GUIDs that follow are the writer id and the
 * instance id, the line holding "[n]" is the state (the number is the
 * VSS_WRITER_STATE value, the one thing every language prints the same), and
 * the line after it the last error.
 *
 * A complete listing (the vssadmin banner, or three writers or more) that
 * lacks a writer every healthy Windows Server registers gives
 * vss.writer.missing: that is how the missing System Writer case shows.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../core/textin.h"
#include "importer.h"
#include "tooltext.h"

#define MAX_WRITERS 1024

/* VSS_WRITER_STATE (vss.h); vssadmin prints "Failed" for all of 6..15. */
static const char *const writer_states[] = {
	"unknown", "stable", "waiting for freeze", "waiting for thaw", "waiting for post snapshot",
	"waiting for backup complete", "failed at identify", "failed at prepare backup",
	"failed at prepare snapshot", "failed at freeze", "failed at thaw", "failed at post snapshot",
	"failed at backup complete", "failed at pre restore", "failed at post restore",
	"failed at backup shutdown",
};

/* In-box writers a healthy Windows Server lists, by id (names are not
 * localised, but ids are what VSS itself keys on). */
static const struct {
	const char *name, *id;
} essential_writers[] = {
	{"System Writer", "{e8132975-6f93-4464-a53e-1050253ae220}"},
	{"Registry Writer", "{afbab4a2-367d-4d15-a586-71dbb18f8485}"},
	{"COM+ REGDB Writer", "{542da469-d3e1-473c-9f4f-7847f01fc64f}"},
	{"WMI Writer", "{a6ad56c2-b509-4e6c-bb19-49d8f43532f0}"},
	{"ASR Writer", "{be000cbe-11fe-4426-9c58-531aa6355fc4}"},
};

/* "Last error" values that mean no error, per display language. */
static const char *const no_error_words[] = {
	"No error", "エラーなし", "Kein Fehler", "Aucune erreur", "Sin errores", "Nessun errore",
	"Nenhum erro", "Geen fout", "Brak błędu", "Нет ошибок", "无错误", "沒有錯誤", "오류 없음",
};

struct vss_writer {
	char *name, *id, *instance, *state_text, *error;
	int state;		/* -1 until the state line */
	int64_t ref, state_ref;
	int after_state;	/* the next labelled line is the last error */
};

struct vss {
	wb_ingest *ing;
	struct wb_err *err;
	struct vss_writer *w;
	size_t n;
	int banner, error_seen;
	int64_t error_ref;
	char *error_text;
};

/* The value after a label's colon (ASCII or full-width), trimmed.  Lines
 * may carry a prefix with colons of its own (a script's "9:28:02 AM"), so
 * the caller says which colon: the first one whose value passes want(),
 * or with want NULL the last one. */
static const char *
label_value(const char *line, int (*want)(const char *value))
{
	const char *found = NULL;

	for (const char *p = line; *p; p++) {
		const char *v;

		if (*p == ':')
			v = p + 1;
		else if (!strncmp(p, "\xef\xbc\x9a", 3))
			v = p + 3;
		else
			continue;
		v += strspn(v, " \t");
		if (!want)
			found = v;
		else if (want(v))
			return v;
	}
	return found;
}

/* Opening and closing quotes seen around writer names. */
static size_t
quote_len(const char *s)
{
	static const char *const quotes[] = {"'", "\"", "\xe2\x80\x98", "\xe2\x80\x99", "\xe2\x80\x9c",
					     "\xe2\x80\x9d", "\xe3\x80\x8c", "\xe3\x80\x8d", NULL};

	for (int i = 0; quotes[i]; i++)
		if (!strncmp(s, quotes[i], strlen(quotes[i])))
			return strlen(quotes[i]);
	return 0;
}

/* "Writer name: 'System Writer'" in any language: the quoted name. */
static int
starts_quoted(const char *v)
{
	return quote_len(v) > 0;
}

static char *
writer_name(const char *line)
{
	const char *v = label_value(line, starts_quoted), *end;
	size_t q, n;

	if (!v || !(q = quote_len(v)))
		return NULL;
	v += q;
	n = strlen(v);
	while (n && isspace((unsigned char)v[n - 1]))
		n--;
	end = v + n;
	/* the closing quote is the last character(s) */
	for (size_t k = 1; k <= 3 && k <= n; k++)
		if (quote_len(end - k) == k) {
			if (n - k == 0 || n - k > 256)
				return NULL;
			return xstrndup(v, n - k);
		}
	return NULL;
}

/* A braced GUID anywhere in the line, lower-cased. */
static char *
find_guid(const char *line)
{
	const char *p = strchr(line, '{');

	while (p) {
		size_t n = strspn(p + 1, "0123456789abcdefABCDEF-");

		if (n == 36 && p[37] == '}') {
			char *g = xstrndup(p, 38);

			for (char *c = g; *c; c++)
				*c = (char)tolower((unsigned char)*c);
			return g;
		}
		p = strchr(p + 1, '{');
	}
	return NULL;
}

/* ": [9] Failed" -> 9 and "Failed". */
static int
starts_state(const char *v)
{
	return v[0] == '[' && isdigit((unsigned char)v[1]);
}

static int
find_state(const char *line, int *state, const char **text)
{
	const char *v = label_value(line, starts_state);
	char *end;
	long n;

	if (!v || v[0] != '[' || !isdigit((unsigned char)v[1]))
		return -1;
	n = strtol(v + 1, &end, 10);
	if (*end != ']' || n < 0 || n > 1000)
		return -1;
	*state = (int)n;
	*text = end + 1 + strspn(end + 1, " \t");
	return 0;
}

static int
is_no_error(const char *s)
{
	for (size_t i = 0; i < sizeof no_error_words / sizeof no_error_words[0]; i++)
		if (!strncasecmp(s, no_error_words[i], strlen(no_error_words[i])))
			return 1;
	return 0;
}

static const char *
vss_line(struct vss *v, const char *line, int64_t rowid)
{
	struct vss_writer *w = v->n ? &v->w[v->n - 1] : NULL;
	const char *trim = line + strspn(line, " \t"), *stext;
	char *name, *guid;
	int state;

	if (strstr(line, "vssadmin 1.")) {
		v->banner = 1;
		return "banner";
	}
	if ((name = writer_name(line))) {
		if (v->n == MAX_WRITERS) {
			free(name);
			return NULL;
		}
		v->w = xrealloc(v->w, (v->n + 1) * sizeof *v->w);
		w = &v->w[v->n++];
		memset(w, 0, sizeof *w);
		w->name = name;
		w->state = -1;
		w->ref = rowid;
		return "vss.writer";
	}
	if (!w) {
		/* "Error: A Volume Shadow Copy Service component encountered an
		 * unexpected error." before any writer: the listing failed. */
		if (v->banner && !v->error_seen && strstr(line, "rror")) {
			v->error_seen = 1;
			v->error_ref = rowid;
			v->error_text = xstrdup(trim);
			return "vss.error";
		}
		return NULL;
	}
	if ((guid = find_guid(line))) {
		if (!w->id)
			w->id = guid;
		else if (!w->instance)
			w->instance = guid;
		else
			free(guid);
		return "vss.writer";
	}
	if (find_state(line, &state, &stext) == 0) {
		w->state = state;
		free(w->state_text);
		w->state_text = xstrdup(stext);
		w->state_ref = rowid;
		w->after_state = 1;
		return "vss.writer.state";
	}
	if (w->after_state && label_value(line, NULL)) {
		w->after_state = 0;
		free(w->error);
		w->error = xstrdup(label_value(line, NULL));
		return "vss.writer.error";
	}
	return NULL;
}

static int
vss_facts(struct vss *v)
{
	int complete = v->banner || v->n >= 3;
	char *text;
	int rc = 0;

	for (size_t i = 0; i < v->n && rc == 0; i++) {
		struct vss_writer *w = &v->w[i];
		const char *meaning = w->state >= 0 && (size_t)w->state < sizeof writer_states / sizeof writer_states[0]
					      ? writer_states[w->state] : "unknown state";

		text = xasprintf("state [%d] %s (%s); last error: %s; writer id %s; instance %s", w->state,
				 w->state_text ? w->state_text : "?", meaning, w->error ? w->error : "?",
				 w->id ? w->id : "?", w->instance ? w->instance : "?");
		rc = ingest_fact_num(v->ing, "vss.writer", w->name, w->state, text, "text_lines",
				     w->state_ref ? w->state_ref : w->ref, v->err);
		free(text);
		if (rc == 0 && w->error && *w->error && !is_no_error(w->error))
			rc = ingest_fact_str(v->ing, "vss.writer.error", w->name, w->error, "text_lines",
					     w->ref, v->err);
	}
	if (rc == 0 && v->error_seen)
		rc = ingest_fact_str(v->ing, "vss.error", "list writers failed", v->error_text, "text_lines",
				     v->error_ref, v->err);
	if (!complete || v->error_seen || v->n == 0)
		return rc;
	for (size_t e = 0; e < sizeof essential_writers / sizeof essential_writers[0] && rc == 0; e++) {
		int found = 0;

		for (size_t i = 0; i < v->n; i++)
			if ((v->w[i].id && !strcmp(v->w[i].id, essential_writers[e].id)) ||
			    !strcasecmp(v->w[i].name, essential_writers[e].name))
				found = 1;
		if (found)
			continue;
		text = xasprintf("%s %s is not in the list of %zu writers; every healthy Windows Server "
				 "registers it", essential_writers[e].name, essential_writers[e].id, v->n);
		rc = ingest_fact_str(v->ing, "vss.writer.missing", essential_writers[e].name, text, NULL, 0,
				     v->err);
		free(text);
	}
	return rc;
}

static int
vssadmin_import(wb_ingest *ing, struct wb_err *err)
{
	struct vss v = {.ing = ing, .err = err};
	wb_textin *t = textin_new(ing);
	const char *line;
	size_t len;
	int rc;
	size_t failed = 0;
	char summary[160];

	while ((rc = textin_next(t, &line, &len, err)) > 0) {
		int64_t lineno = textin_lineno(t), rowid;
		size_t plen = len;
		char *copy;
		const char *plain = tooltext_plain(line, &plen, &copy), *parsed;

		if (tooltext_store_line(ing, lineno, line, len, "vssadmin list writers", NULL, &rowid, err) < 0 ||
		    ((parsed = vss_line(&v, plain, rowid)) && tooltext_set_parsed(ing, rowid, parsed, err) < 0)) {
			free(copy);
			rc = -1;
			break;
		}
		free(copy);
		ingest_add_records(ing, 1);
		if ((lineno & 1023) == 0 && ingest_progress(ing, err) < 0) {
			rc = -1;
			break;
		}
	}
	if (rc == 0 && v.n == 0 && !v.error_seen)
		rc = wb_errf(err, _("%s: no vssadmin writer found (expected \"Writer name: '...'\" records "
				    "with a \"State: [n]\" line, in any language)"),
			     ingest_path(ing));
	if (rc == 0)
		rc = vss_facts(&v);
	if (rc == 0) {
		for (size_t i = 0; i < v.n; i++)
			failed += v.w[i].state >= 6;
		snprintf(summary, sizeof summary, "vssadmin: %zu writer(s), %zu failed%s", v.n, failed,
			 v.error_seen ? ", listing failed" : "");
		ingest_set_summary(ing, summary);
	}
	for (size_t i = 0; i < v.n; i++) {
		free(v.w[i].name);
		free(v.w[i].id);
		free(v.w[i].instance);
		free(v.w[i].state_text);
		free(v.w[i].error);
	}
	free(v.w);
	free(v.error_text);
	textin_free(t);
	return rc;
}

static int
vssadmin_detect(struct wb_probe *probe)
{
	const char *text;
	int score = 0;

	if (!probe->len)
		return 0;
	text = probe_text(probe);
	if (strstr(text, "vssadmin 1.1"))
		score = 90;
	else if (strstr(text, "Writer name: '") || strstr(text, "Writer Id: {"))
		score = 85;
	else if (strstr(text, "{e8132975-6f93-4464-a53e-1050253ae220}") || strstr(text, "] Stable") ||
		 (strstr(text, ": [1] ") && strchr(text, '{')))
		score = 60;
	return score;
}

const struct wb_importer importer_vssadmin = {
	.name = "vssadmin",
	.kind = "tooltext",
	.version = "1",
	.describe = N_("vssadmin list writers output (any language)"),
	.detect = vssadmin_detect,
	.import = vssadmin_import,
};
