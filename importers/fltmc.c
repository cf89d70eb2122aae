/*
 * fltmc output: `fltmc` / `fltmc filters` (one row per filter) and
 * `fltmc instances` (one row per attached instance).
 *
 * Filters: rows are split from the right (Frame is the last token, Altitude
 * the one before it, the instance count optional) because the header labels
 * are not aligned to the columns.  Instances: columns are cut at the extents
 * the dash underline gives, since volume and instance names may be empty or
 * contain spaces.
 *
 * Altitude inversion: fltmgr attaches frame 0 before any legacy filter
 * loads, and a legacy filter can only attach on top of the stack, so every
 * legacy filter sits above every minifilter of frame 0.  A frame-0
 * minifilter whose altitude is higher than a legacy filter's is therefore
 * below it against its altitude: filter.order_inverted names the pair.
 */
#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/regex.h"
#include "../core/textin.h"
#include "importer.h"
#include "tooltext.h"

#define MAX_FILTERS 4096

struct flt_filter {
	char *name;
	char altitude[32];
	double alt;		/* -1 when the row has none */
	int instances;		/* -1 when not printed (legacy) */
	int frame;		/* -1 for <Legacy> */
	int64_t ref;
};

enum flt_table { T_NONE, T_FILTERS, T_INSTANCES };

struct flt {
	wb_ingest *ing;
	struct wb_err *err;
	enum flt_table table;
	int underline_next;	/* the line after a header is its dash underline */
	size_t col_start[16], col_end[16];
	size_t ncols;
	int col_filter, col_volume, col_altitude, col_instance, col_frame;
	char *header;		/* the instances header line, for header_columns() */
	struct flt_filter *filters;
	size_t nfilters;
	int64_t rows, instances, errors;
};

/* "389998.99" or "45000": an altitude is digits with an optional fraction. */
static int
parse_altitude(const char *s, size_t n, double *out)
{
	char buf[32];
	char *end;
	int dots = 0;
	size_t whole = 0;

	if (n == 0 || n >= sizeof buf)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '.')
			dots++;
		else if (!isdigit((unsigned char)s[i]))
			return -1;
		else if (!dots)
			whole++;
	}
	/* Altitudes are below 1,000,000 (Microsoft allocates 20000-429999). */
	if (dots > 1 || s[0] == '.' || whole > 7)
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	*out = strtod(buf, &end);
	return 0;
}

static int
parse_small_int(const char *s, size_t n, int *out)
{
	long v = 0;

	if (n == 0 || n > 6)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = (int)v;
	return 0;
}

/* Split into at most max whitespace-separated tokens. */
static size_t
tokens(const char *line, const char **tok, size_t *tn, size_t max)
{
	size_t n = 0;

	while (*line && n < max) {
		while (*line == ' ' || *line == '\t')
			line++;
		if (!*line)
			break;
		tok[n] = line;
		while (*line && *line != ' ' && *line != '\t')
			line++;
		tn[n] = (size_t)(line - tok[n]);
		n++;
	}
	return n;
}

/* Filter Name / Num Instances / Altitude / Frame, split from the right. */
static int
filter_row(struct flt *f, const char *line, int64_t rowid)
{
	const char *tok[6];
	size_t tn[6], n = tokens(line, tok, tn, 6);
	struct flt_filter r = {.alt = -1, .instances = -1, .frame = -1, .ref = rowid};
	size_t last;

	if (n < 2 || n > 4)
		return -1;
	last = n - 1;
	if (tn[last] == 8 && !memcmp(tok[last], "<Legacy>", 8))
		r.frame = -1;
	else if (parse_small_int(tok[last], tn[last], &r.frame) < 0)
		return -1;
	if (n >= 3) {
		if (parse_altitude(tok[last - 1], tn[last - 1], &r.alt) < 0)
			return -1;
		snprintf(r.altitude, sizeof r.altitude, "%.*s", (int)tn[last - 1], tok[last - 1]);
	}
	if (n == 4 && parse_small_int(tok[1], tn[1], &r.instances) < 0)
		return -1;
	if (n == 2 && r.frame >= 0)
		return -1;	/* a minifilter always prints its altitude */
	if (f->nfilters == MAX_FILTERS)
		return 0;
	r.name = xstrndup(tok[0], tn[0]);
	f->filters = xrealloc(f->filters, (f->nfilters + 1) * sizeof *f->filters);
	f->filters[f->nfilters++] = r;
	return 0;
}

/* Column extents from the dash underline: "-----  ----  ---". */
static int
read_underline(struct flt *f, const char *line)
{
	size_t i = 0;

	f->ncols = 0;
	while (line[i] && f->ncols < 16) {
		while (line[i] == ' ')
			i++;
		if (line[i] != '-')
			return line[i] ? -1 : (f->ncols ? 0 : -1);
		f->col_start[f->ncols] = i;
		while (line[i] == '-')
			i++;
		f->col_end[f->ncols++] = i;
	}
	return f->ncols ? 0 : -1;
}

/* The text of column c of an instances row, trimmed. */
static void
column(const struct flt *f, const char *line, size_t len, int c, char *buf, size_t bufsize)
{
	size_t s, e;

	buf[0] = '\0';
	if (c < 0 || (size_t)c >= f->ncols)
		return;
	/* Right-aligned numbers can spill left of their dashes; take each
	 * column from the end of the previous one. */
	s = c == 0 ? 0 : f->col_end[c - 1];
	e = (size_t)c + 1 < f->ncols ? f->col_start[c + 1] : len;
	if (s >= len)
		return;
	if (e > len)
		e = len;
	/* A value one character off its dashes must not be cut in two:
	 * move the cuts to the start of the word they fall in. */
	while (s > 0 && !isspace((unsigned char)line[s - 1]) && !isspace((unsigned char)line[s]))
		s--;
	while (e > s && e < len && !isspace((unsigned char)line[e - 1]) && !isspace((unsigned char)line[e]))
		e--;
	while (s < e && isspace((unsigned char)line[s]))
		s++;
	while (e > s && isspace((unsigned char)line[e - 1]))
		e--;
	snprintf(buf, bufsize, "%.*s", (int)(e - s), line + s);
}

static int
instance_row(struct flt *f, const char *line, size_t len, int64_t rowid)
{
	char name[128], volume[256], altitude[32], instance[128], frame[16];
	char *text;
	double alt;
	int fr, rc;

	column(f, line, len, f->col_filter, name, sizeof name);
	column(f, line, len, f->col_volume, volume, sizeof volume);
	column(f, line, len, f->col_altitude, altitude, sizeof altitude);
	column(f, line, len, f->col_instance, instance, sizeof instance);
	column(f, line, len, f->col_frame, frame, sizeof frame);
	if (!name[0] || strchr(name, ' ') || parse_altitude(altitude, strlen(altitude), &alt) < 0 ||
	    (frame[0] && parse_small_int(frame, strlen(frame), &fr) < 0))
		return -1;
	text = xasprintf("altitude %s, volume %s, instance %s, frame %s", altitude,
			 volume[0] ? volume : "(unnamed)", instance, frame[0] ? frame : "?");
	rc = ingest_fact_num(f->ing, "filter.instance", name, (int64_t)alt, text, "text_lines",
			     rowid, f->err);
	free(text);
	f->instances++;
	return rc;
}

static int
header_columns(struct flt *f, const char *line)
{
	/* Map header labels to underline columns by position: the label
	 * that starts inside (or nearest before) each column's dashes. */
	static const struct {
		const char *label;
		size_t off;
	} labels[] = {
		{"Filter", offsetof(struct flt, col_filter)},
		{"Volume Name", offsetof(struct flt, col_volume)},
		{"Altitude", offsetof(struct flt, col_altitude)},
		{"Instance Name", offsetof(struct flt, col_instance)},
		{"Frame", offsetof(struct flt, col_frame)},
	};

	f->col_filter = f->col_volume = f->col_altitude = f->col_instance = f->col_frame = -1;
	for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++) {
		const char *p = strstr(line, labels[i].label);
		int *col = (int *)((char *)f + labels[i].off);
		size_t pos;

		if (!p)
			continue;
		pos = (size_t)(p - line);
		for (size_t c = 0; c < f->ncols; c++)
			if (pos < f->col_end[c]) {
				*col = (int)c;
				break;
			}
	}
	return f->col_filter >= 0 && f->col_altitude >= 0 ? 0 : -1;
}

static int
inversions(struct flt *f)
{
	for (size_t i = 0; i < f->nfilters; i++) {
		const struct flt_filter *legacy = &f->filters[i];

		if (legacy->frame != -1 || legacy->alt < 0)
			continue;
		for (size_t j = 0; j < f->nfilters; j++) {
			const struct flt_filter *mini = &f->filters[j];
			char *value, *text;
			int rc;

			if (mini->frame != 0 || mini->alt <= legacy->alt)
				continue;
			value = xasprintf("%s above %s", legacy->name, mini->name);
			text = xasprintf("legacy filter %s (altitude %s) is attached above minifilter %s "
					 "(altitude %s, frame 0): frame 0 lies below every legacy filter, "
					 "so %s sees I/O after %s despite its higher altitude",
					 legacy->name, legacy->altitude, mini->name, mini->altitude,
					 mini->name, legacy->name);
			rc = ingest_fact_str(f->ing, "filter.order_inverted", value, text, "text_lines",
					     legacy->ref, f->err);
			free(value);
			free(text);
			if (rc < 0)
				return -1;
		}
	}
	return 0;
}

static int
emit_filters(struct flt *f)
{
	for (size_t i = 0; i < f->nfilters; i++) {
		const struct flt_filter *r = &f->filters[i];
		char *text;
		int rc;

		if (r->frame < 0)
			text = xasprintf("legacy filter, altitude %s", r->altitude[0] ? r->altitude : "none");
		else
			text = xasprintf("minifilter, altitude %s, frame %d, %d instance(s)", r->altitude,
					 r->frame, r->instances < 0 ? 0 : r->instances);
		rc = ingest_fact_num(f->ing, "filter", r->name, r->alt < 0 ? 0 : (int64_t)r->alt, text,
				     "text_lines", r->ref, f->err);
		free(text);
		if (rc < 0)
			return -1;
	}
	return inversions(f);
}

/* `fltmc instances` rows pasted without their header ("bfs  C:  150000
 * bfs  0  0000000f"): the altitude is the first number after the filter
 * name, the volume what lies between. */
static int
instance_row_loose(struct flt *f, const char *line, int64_t rowid)
{
	const char *tok[12];
	size_t tn[12], n = tokens(line, tok, tn, 12), a;
	double alt;
	char *name, *text;
	int rc;

	for (a = 1; a < n; a++)
		if (tn[a] >= 4 && parse_altitude(tok[a], tn[a], &alt) == 0)
			break;
	if (n < 3 || a == n)
		return -1;
	name = xstrndup(tok[0], tn[0]);
	text = xasprintf("altitude %.*s, volume %.*s", (int)tn[a], tok[a],
			 a > 1 ? (int)(tok[a - 1] + tn[a - 1] - tok[1]) : 9, a > 1 ? tok[1] : "(unnamed)");
	rc = ingest_fact_num(f->ing, "filter.instance", name, (int64_t)alt, text, "text_lines", rowid,
			     f->err);
	free(name);
	free(text);
	f->instances++;
	return rc;
}

/* What one line is; rows that need their text_lines id are finished in
 * fltmc_row() once the line is stored. */
static const char *
fltmc_classify(struct flt *f, const char *line, int64_t lineno, const char **section)
{
	const char *trim = line + strspn(line, " \t");

	if (f->underline_next) {
		f->underline_next = 0;
		if (read_underline(f, line) < 0) {
			f->ncols = 0;
			return NULL;
		}
		if (f->table == T_INSTANCES && header_columns(f, f->header) < 0)
			f->ncols = 0;
		return "header";
	}
	if (strstr(line, "Filter Name") && strstr(line, "Altitude")) {
		f->table = T_FILTERS;
		f->underline_next = 1;
		*section = "fltmc filters";
		return "header";
	}
	if (!strncmp(trim, "Filter ", 7) && strstr(line, "Volume Name") && strstr(line, "Altitude")) {
		f->table = T_INSTANCES;
		f->underline_next = 1;
		free(f->header);
		f->header = xstrdup(line);
		*section = "fltmc instances";
		return "header";
	}
	if (!*trim)
		return NULL;
	if (strstr(line, "fltmc") && strchr(line, '>')) {	/* a command prompt */
		if (strstr(line, "instances")) {
			*section = "fltmc instances";
			f->table = T_INSTANCES;
		} else {
			*section = "fltmc filters";
			f->table = T_FILTERS;
		}
		f->ncols = 0;
		return "command";
	}
	if (strstr(line, "failed with error")) {
		ingest_warn(f->ing, lineno, -1, "fltmc reported an error: %.200s", trim);
		f->errors++;
		return "filter.error";
	}
	if (f->table == T_FILTERS || f->table == T_INSTANCES)
		return "row?";
	return NULL;
}

static int
fltmc_row(struct flt *f, const char *line, size_t len, int64_t rowid, const char **parsed)
{
	if (f->table == T_FILTERS) {
		size_t before = f->nfilters;

		if (filter_row(f, line, rowid) == 0 && f->nfilters > before) {
			*parsed = "filter";
			return 0;
		}
	} else if (f->ncols) {
		if (instance_row(f, line, len, rowid) == 0) {
			*parsed = "filter.instance";
			return 0;
		}
	} else if (instance_row_loose(f, line, rowid) == 0) {
		*parsed = "filter.instance";
		return 0;
	}
	*parsed = NULL;
	return f->err->msg[0] ? -1 : 0;
}

static int
fltmc_import(wb_ingest *ing, struct wb_err *err)
{
	struct flt f = {.ing = ing, .err = err};
	wb_textin *t = textin_new(ing);
	const char *line, *section = NULL;
	size_t len;
	int rc;
	char summary[160];

	err->msg[0] = '\0';
	while ((rc = textin_next(t, &line, &len, err)) > 0) {
		int64_t lineno = textin_lineno(t), rowid;
		size_t plen = len;
		char *copy;
		const char *plain = tooltext_plain(line, &plen, &copy);
		const char *parsed = fltmc_classify(&f, plain, lineno, &section);
		int row = parsed && !strcmp(parsed, "row?");

		if (tooltext_store_line(ing, lineno, line, len, section, row ? NULL : parsed, &rowid, err) < 0 ||
		    (row && (fltmc_row(&f, plain, plen, rowid, &parsed) < 0 ||
			     (parsed && tooltext_set_parsed(ing, rowid, parsed, err) < 0)))) {
			free(copy);
			rc = -1;
			break;
		}
		free(copy);
		if (parsed && !strcmp(parsed, "filter.error")) {
			const char *hex = strstr(line, "0x");

			if (ingest_fact_str(ing, "filter.error", hex ? hex : line, line, "text_lines", rowid,
					    err) < 0) {
				rc = -1;
				break;
			}
		}
		ingest_add_records(ing, 1);
		if ((lineno & 1023) == 0 && ingest_progress(ing, err) < 0) {
			rc = -1;
			break;
		}
	}
	if (rc == 0 && f.nfilters == 0 && f.instances == 0 && f.errors == 0)
		rc = wb_errf(err, _("%s: no fltmc output found (expected the 'Filter Name  Num Instances  "
				    "Altitude  Frame' table or the 'fltmc instances' columns)"),
			     ingest_path(ing));
	if (rc == 0)
		rc = emit_filters(&f);
	if (rc == 0) {
		size_t legacy = 0;

		for (size_t i = 0; i < f.nfilters; i++)
			legacy += f.filters[i].frame < 0;
		snprintf(summary, sizeof summary, "fltmc: %zu filter(s) (%zu legacy), %lld instance(s)%s",
			 f.nfilters, legacy, (long long)f.instances, f.errors ? ", listing failed" : "");
		ingest_set_summary(ing, summary);
	}
	textin_free(t);
	for (size_t i = 0; i < f.nfilters; i++)
		free(f.filters[i].name);
	free(f.filters);
	free(f.header);
	return rc;
}

/* A line that is the fltmc command itself (after a prompt or alone), not a
 * sentence that mentions it: a mail saying "attached the fltmc output" is not
 * fltmc output. */
static bool
mentions_command(const char *text)
{
	static const char pattern[] =
		"(?m)^\\s*(?:\\S*>\\s*)?fltmc(?:\\.exe)?(?:\\s+(?:filters|instances|volumes)\\b.*)?\\s*$";
	wb_regex *re = regex_compile(pattern, REGEX_CASELESS, NULL);
	bool found = re && regex_match(re, text, strlen(text), NULL, NULL);

	regex_free(re);
	return found;
}

static int
fltmc_detect(struct wb_probe *probe)
{
	const char *text;
	int score = 0;

	if (!probe->len)
		return 0;
	text = probe_text(probe);
	if ((strstr(text, "Filter Name") && strstr(text, "Num Instances")) ||
	    (strstr(text, "Volume Name") && strstr(text, "Instance Name") && strstr(text, "Altitude")))
		score = 90;
	else if (strstr(text, "fltmc") && mentions_command(text))
		score = 40;	/* "C:\> fltmc instances" then rows or an error, no header */
	return score;
}

const struct wb_importer importer_fltmc = {
	.name = "fltmc",
	.kind = "tooltext",
	.version = "1",
	.describe = N_("fltmc / fltmc filters / fltmc instances output"),
	.detect = fltmc_detect,
	.import = fltmc_import,
};
