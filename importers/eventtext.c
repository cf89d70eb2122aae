/*
 * Event log text exports: the forms customers paste or save.
 *
 *   event-text  "Label: value" blocks: wevtutil qe /f:text ("Event[0]:"),
 *               Event Viewer "Copy details as text" (Log Name:, Source:, ...),
 *               the XP/2003 form (Event Type:, Event Source:, ..., Data:
 *               hex dump), PowerShell Format-List, hand-written
 *               "Level = Error" headers; and bare messages pasted without
 *               headers, recognised by wb's templates.
 *   event-csv   Event Viewer "Save as" CSV and tab-delimited TXT (English
 *               and Japanese headers, the unlabeled sixth column is the
 *               message), PowerShell Export-Csv of Get-WinEvent and
 *               Get-EventLog.
 *
 * Text is read through textin (UTF-8 with or without BOM, UTF-16, CP932).
 * Dates in these exports are local times without a zone unless they end in
 * Z: they are converted with --tz or the case zone, and the evidence
 * records which was assumed.  Labels and header names live in tables.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../core/textin.h"
#include "eventdecode.h"
#include "importer.h"

/* What a label or a column header means. */
enum tx_field {
	TX_NONE,
	TX_RECORD_START,	/* "Event[3]:" */
	TX_CHANNEL,
	TX_SOURCE,
	TX_DATETIME,		/* date and time in one value */
	TX_DATE,		/* XP form: date and time on separate lines */
	TX_TIME,
	TX_ID,
	TX_LEVEL,
	TX_COMPUTER,
	TX_RECORD,
	TX_QUALIFIERS,
	TX_DESCRIPTION,		/* the message follows (same line or next lines) */
	TX_XML,			/* "Event Xml:": the rest of the block is XML */
	TX_DATA,		/* XP form: "Data:" then "0000: 00 11 ..." lines */
	TX_IGNORE,		/* known but not kept (Task Category, User, ...) */
};

struct tx_label {
	const char *name;
	enum tx_field field;
	bool starts;		/* begins a new record when the current one has an ID */
};

/* Labels of the "Label: value" forms, English as Windows writes them
 * (wevtutil keeps English labels even on localized systems). */
static const struct tx_label text_labels[] = {
	{"Log Name", TX_CHANNEL, true},
	{"LogName", TX_CHANNEL, false},
	{"Source", TX_SOURCE, false},
	{"Event Source", TX_SOURCE, false},
	{"ProviderName", TX_SOURCE, false},
	{"Provider", TX_SOURCE, false},
	{"Date", TX_DATETIME, false},
	{"Time", TX_TIME, false},
	{"TimeCreated", TX_DATETIME, false},
	{"TimeGenerated", TX_DATETIME, false},
	{"Event ID", TX_ID, false},
	{"EventID", TX_ID, false},
	{"Id", TX_ID, false},
	{"Level", TX_LEVEL, false},
	{"LevelDisplayName", TX_LEVEL, false},
	{"Event Type", TX_LEVEL, true},
	{"EntryType", TX_LEVEL, false},
	{"Type", TX_LEVEL, false},
	{"Computer", TX_COMPUTER, false},
	{"MachineName", TX_COMPUTER, false},
	{"RecordId", TX_RECORD, false},
	{"Index", TX_RECORD, true},
	{"Record Number", TX_RECORD, false},
	{"Qualifiers", TX_QUALIFIERS, false},
	{"Description", TX_DESCRIPTION, false},
	{"Message", TX_DESCRIPTION, false},
	{"Event Xml", TX_XML, false},
	{"Data", TX_DATA, false},
	{"Task Category", TX_IGNORE, false},
	{"Event Category", TX_IGNORE, false},
	{"Category", TX_IGNORE, false},
	{"CategoryNumber", TX_IGNORE, false},
	{"Task", TX_IGNORE, false},
	{"Opcode", TX_IGNORE, false},
	{"Keyword", TX_IGNORE, false},
	{"Keywords", TX_IGNORE, false},
	{"User", TX_IGNORE, false},
	{"User Name", TX_IGNORE, false},
	{"UserName", TX_IGNORE, false},
	{"InstanceId", TX_IGNORE, false},
	{"ReplacementStrings", TX_IGNORE, false},
	{"TimeWritten", TX_IGNORE, false},
};

/* Column headers of CSV / TXT exports, English and Japanese. */
static const struct tx_label csv_headers[] = {
	{"Level", TX_LEVEL, false},
	{"Keywords", TX_LEVEL, false},		/* Security log: Audit Success/Failure */
	{"LevelDisplayName", TX_LEVEL, false},
	{"EntryType", TX_LEVEL, false},
	{"レベル", TX_LEVEL, false},
	{"キーワード", TX_LEVEL, false},
	{"Date and Time", TX_DATETIME, false},
	{"TimeCreated", TX_DATETIME, false},
	{"TimeGenerated", TX_DATETIME, false},
	{"日付と時刻", TX_DATETIME, false},
	{"Date", TX_DATE, false},
	{"Time", TX_TIME, false},
	{"Source", TX_SOURCE, false},
	{"ProviderName", TX_SOURCE, false},
	{"ソース", TX_SOURCE, false},
	{"Event ID", TX_ID, false},
	{"EventID", TX_ID, false},
	{"Id", TX_ID, false},
	{"Event", TX_ID, false},
	{"イベント ID", TX_ID, false},
	{"Message", TX_DESCRIPTION, false},
	{"Description", TX_DESCRIPTION, false},
	{"説明", TX_DESCRIPTION, false},
	{"LogName", TX_CHANNEL, false},
	{"MachineName", TX_COMPUTER, false},
	{"Computer", TX_COMPUTER, false},
	{"RecordId", TX_RECORD, false},
	{"Index", TX_RECORD, false},
	{"Qualifiers", TX_QUALIFIERS, false},
};

#define TX_MAX_COLUMNS 64

/* One event being collected. */
struct tx_event {
	char *channel, *source, *datetime, *date, *time, *computer, *level;
	bool has_id;
	uint32_t id;
	int64_t record, qualifiers, line;
	struct wb_buf message;
	struct wb_buf binary;
};

struct tx_state {
	wb_ingest *ing;
	int tz;			/* minutes east of UTC for local times */
	bool tz_used;
	uint64_t stored, undated;
	int64_t first_bad_line;
};

static void
tx_reset(struct tx_event *e)
{
	free(e->channel);
	free(e->source);
	free(e->datetime);
	free(e->date);
	free(e->time);
	free(e->computer);
	free(e->level);
	buf_fini(&e->message);
	buf_fini(&e->binary);
	*e = (struct tx_event){.record = -1, .qualifiers = -1, .line = -1};
}

static void
set_str(char **dst, const char *s, size_t n)
{
	free(*dst);
	*dst = xstrndup(s, n);
}

static const struct tx_label *
find_label(const struct tx_label *t, size_t n, const char *s, size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(t[i].name) == len && !strncasecmp(t[i].name, s, len))
			return &t[i];
	return NULL;
}

/* ---- dates ---- */

/* Parse the date and time forms of Windows exports:
 *   2017-03-02T21:21:08.135[Z]    2025-11-12T15:49:43.5630000Z
 *   9/29/2026 10:01:02 AM         (en-US: month first)
 *   2001/02/03 04:05:06           (ja-JP: year first; 午前/午後 allowed)
 *   19-07-2026 09:58:57           21.12.2021 11:59:15 (day first)
 * Left-to-right marks are ignored.  *utc is set when the text carried Z or
 * an offset (then *us is UTC); otherwise *us is the naive local time.
 * Returns 0, or -1 when the text is not a date. */
static int
tx_parse_datetime(const char *s, int64_t *us, bool *utc)
{
	long num[7] = {0};
	int digits[7] = {0}, count = 0, offset_min = 0;
	char sep = 0;
	bool pm = false, am = false, zone = false;
	const char *p = s;
	int y, mo, d;
	int64_t frac = 0;

	while (*p) {
		if (*p >= '0' && *p <= '9') {
			bool fraction = count == 6 && p > s && (p[-1] == '.' || p[-1] == ',');
			long v = 0;
			int n = 0;

			while (*p >= '0' && *p <= '9') {
				if (n < 9)
					v = v * 10 + (*p - '0');
				p++;
				n++;
			}
			if (fraction) {
				frac = v;
				for (int i = n < 9 ? n : 9; i < 6; i++)
					frac *= 10;
				for (int i = n < 9 ? n : 9; i > 6; i--)
					frac /= 10;
				count = 7;
			} else if (count < 6) {
				num[count] = v;
				digits[count++] = n;
				if (count == 1)
					sep = *p;
			} else {
				return -1;	/* more numbers than a date and a time */
			}
			continue;
		}
		if (count >= 5 && (*p == 'Z' || *p == 'z')) {
			zone = true;
			break;
		}
		if (count >= 6 && (*p == '+' || *p == '-') && p[1] >= '0' && p[1] <= '9') {
			int h = 0, m = 0;

			if (sscanf(p + 1, "%2d:%2d", &h, &m) < 1)
				return -1;
			offset_min = (*p == '-' ? -1 : 1) * (h * 60 + m);
			zone = true;
			break;
		}
		if (!strncasecmp(p, "PM", 2) || !strncasecmp(p, "p.m.", 4) || !strncmp(p, "午後", 6))
			pm = true;
		if (!strncasecmp(p, "AM", 2) || !strncasecmp(p, "a.m.", 4) || !strncmp(p, "午前", 6))
			am = true;
		p++;
	}
	if (count < 5)
		return -1;
	if (digits[0] == 4) {
		y = (int)num[0], mo = (int)num[1], d = (int)num[2];
	} else if (sep == '/' && num[0] <= 12) {
		mo = (int)num[0], d = (int)num[1], y = (int)num[2];
	} else {
		d = (int)num[0], mo = (int)num[1], y = (int)num[2];
	}
	if (y < 100)
		y += 2000;
	if (pm && num[3] < 12)
		num[3] += 12;
	if (am && num[3] == 12)
		num[3] = 0;
	if (y < 1601 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > 31 || num[3] > 23 ||
	    num[4] > 59 || num[5] > 60)
		return -1;
	*us = wb_make_time(y, mo, d, (int)num[3], (int)num[4], (int)num[5], frac) -
	      (int64_t)offset_min * 60 * WB_US_PER_SEC;
	*utc = zone;
	return 0;
}

/* ---- storing ---- */

static int
tx_hexval(int c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
	     : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Trim trailing blank lines and spaces from the message. */
static void
trim_message(struct wb_buf *b)
{
	while (b->len && strchr(" \t\r\n", b->data[b->len - 1]))
		b->data[--b->len] = 0;
}

static int
tx_flush(struct tx_state *st, struct tx_event *e, struct wb_err *err)
{
	struct ev_record r = {
		.record = e->record,
		.qualifiers = e->qualifiers,
		.line = e->line,
		.channel = e->channel,
		.computer = e->computer,
	};
	char *when = NULL;
	const char *provider = e->source;
	uint32_t id = e->id;
	bool has_id = e->has_id;
	int rc;

	trim_message(&e->message);
	if (!has_id && e->message.len) {
		has_id = eventdecode_recognize(e->message.data, &provider, &id);
		if (has_id && e->source)
			provider = e->source;
	}
	if (!has_id) {
		tx_reset(e);
		return 0;
	}
	if (e->datetime && e->time)	/* XP form: "Date:" and "Time:" lines */
		when = xasprintf("%s %s", e->datetime, e->time);
	else if (e->datetime)
		when = xstrdup(e->datetime);
	else if (e->date)
		when = xasprintf("%s %s", e->date, e->time ? e->time : "00:00:00");
	if (when) {
		bool utc = false;

		if (tx_parse_datetime(when, &r.ts, &utc) == 0) {
			r.has_ts = true;
			if (!utc) {
				r.ts -= (int64_t)st->tz * 60 * WB_US_PER_SEC;
				r.ts_local = true;
				st->tz_used = true;
			}
		} else {
			ingest_warn(st->ing, e->line, -1, _("date '%s' not understood (expected e.g. "
							   "2024-05-01T10:20:30, 5/1/2024 10:20:30 AM or "
							   "2024/05/01 10:20:30); event kept without a time"),
				    when);
		}
		free(when);
	}
	if (!r.has_ts)
		st->undated++;
	r.provider = provider ? provider : "unknown";
	r.event_id = id & 0xffff;
	r.level = e->level ? eventdecode_level_from_name(e->level) : EV_LEVEL_UNKNOWN;
	r.message = e->message.len ? e->message.data : "";
	r.binary = (const unsigned char *)e->binary.data;
	r.binary_len = e->binary.len;
	rc = eventdecode_store(st->ing, &r, err);
	if (rc == 0) {
		st->stored++;
		ingest_add_records(st->ing, 1);
	}
	tx_reset(e);
	return rc;
}

static void
tx_set_field(struct tx_event *e, enum tx_field f, const char *v, size_t n)
{
	switch (f) {
	case TX_CHANNEL:
		set_str(&e->channel, v, n);
		break;
	case TX_SOURCE:
		set_str(&e->source, v, n);
		break;
	case TX_DATETIME:
		set_str(&e->datetime, v, n);
		break;
	case TX_DATE:
		set_str(&e->date, v, n);
		break;
	case TX_TIME:
		set_str(&e->time, v, n);
		break;
	case TX_COMPUTER:
		set_str(&e->computer, v, n);
		break;
	case TX_LEVEL:
		set_str(&e->level, v, n);
		break;
	case TX_ID: {
		char *s = xstrndup(v, n), *end;
		unsigned long id = strtoul(s, &end, 10);

		if (end != s) {
			e->id = (uint32_t)id;
			e->has_id = true;
		}
		free(s);
		break;
	}
	case TX_RECORD: {
		char *s = xstrndup(v, n), *end;
		long long rec = strtoll(s, &end, 10);

		if (end != s)
			e->record = rec;
		free(s);
		break;
	}
	case TX_QUALIFIERS: {
		char *s = xstrndup(v, n), *end;
		long long q = strtoll(s, &end, 10);

		if (end != s)
			e->qualifiers = q;
		free(s);
		break;
	}
	default:
		break;
	}
}

static bool
tx_field_set(const struct tx_event *e, enum tx_field f)
{
	switch (f) {
	case TX_CHANNEL: return e->channel;
	case TX_SOURCE: return e->source;
	case TX_DATETIME: return e->datetime;
	case TX_ID: return e->has_id;
	case TX_LEVEL: return e->level;
	case TX_RECORD: return e->record >= 0;
	default: return false;
	}
}

/* ---- "Label: value" text ---- */

enum tx_mode { TX_HEADERS, TX_MESSAGE, TX_SKIP_XML, TX_HEXDATA };

/* Split "  Label:   value" or "Label = value"; returns the label entry
 * when the label is one of ours. */
static const struct tx_label *
tx_label_line(const char *line, const char **value, size_t *vlen)
{
	const char *p = line, *name, *end;
	size_t n;

	while (*p == ' ' || *p == '\t')
		p++;
	name = p;
	if (!strncmp(p, "Event[", 6) && strchr(p, ']')) {
		static const struct tx_label start = {"Event[]", TX_RECORD_START, true};

		*value = "";
		*vlen = 0;
		return &start;
	}
	p += strcspn(p, ":=");
	if (!*p || p == name)
		return NULL;
	end = p;
	while (end > name && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	n = (size_t)(end - name);
	p++;
	while (*p == ' ' || *p == '\t')
		p++;
	*value = p;
	*vlen = strlen(p);
	while (*vlen && (p[*vlen - 1] == ' ' || p[*vlen - 1] == '\t'))
		(*vlen)--;
	return find_label(text_labels, sizeof text_labels / sizeof *text_labels, name, n);
}

/* "0000: 00 11 22 33 ..." lines of the XP form's Data section. */
static bool
tx_hex_line(const char *line, struct wb_buf *bin)
{
	const char *p = line;

	if (strspn(p, "0123456789abcdefABCDEF") != 4 || p[4] != ':')
		return false;
	p += 5;
	for (;;) {
		int hi, lo;

		while (*p == ' ')
			p++;
		hi = tx_hexval(p[0]);
		lo = hi >= 0 ? tx_hexval(p[1]) : -1;
		if (hi < 0 || lo < 0 || (p[2] && p[2] != ' '))
			break;
		{
			char byte = (char)(hi << 4 | lo);

			buf_append(bin, &byte, 1);
		}
		p += 2;
	}
	return true;
}

/* In a message pasted without headers, does this line carry on the message
 * before it?  After a blank line only VSS's Operation:/Context: sections
 * and indented lines do; a line that opens a known message never does. */
static bool
bare_continues(const char *line, size_t len, bool after_blank)
{
	const char *prov;
	uint32_t id;

	if (len && eventdecode_recognize(line, &prov, &id))
		return false;
	return !after_blank || !len || line[0] == ' ' || line[0] == '\t' ||
	       !strncmp(line, "Operation:", 10) || !strncmp(line, "Context:", 8);
}

static int
text_import_lines(struct tx_state *st, wb_textin *t, struct wb_err *err)
{
	struct tx_event e = {.record = -1, .qualifiers = -1, .line = -1};
	enum tx_mode mode = TX_HEADERS;
	bool after_blank = false;
	const char *line;
	size_t len;
	int rc;

	while ((rc = textin_next(t, &line, &len, err)) > 0) {
		const char *value;
		size_t vlen;
		const struct tx_label *lab = tx_label_line(line, &value, &vlen);
		int64_t lineno = textin_lineno(t);
		bool bare = !e.has_id && !e.source;

		/* A record-start label ("Event[3]:", "Log Name:", "Event Type:")
		 * ends the current record; outside a message, so does a label the
		 * record already has (a second "Event ID:"). */
		if (lab && (lab->field == TX_RECORD_START || lab->starts ||
			    (mode != TX_MESSAGE && tx_field_set(&e, lab->field)))) {
			if ((e.has_id || e.message.len) && tx_flush(st, &e, err) < 0) {
				rc = -1;
				break;
			}
			mode = TX_HEADERS;
			bare = true;
		}
		if ((lineno & 4095) == 0 && ingest_progress(st->ing, err) < 0) {
			rc = -1;
			break;
		}
		if (mode == TX_SKIP_XML)
			continue;
		if (mode == TX_HEXDATA) {
			if (tx_hex_line(line, &e.binary))
				continue;
			mode = TX_HEADERS;
		}
		if (mode == TX_MESSAGE && lab && lab->field == TX_XML) {
			mode = TX_SKIP_XML;
			continue;
		}
		if (mode == TX_MESSAGE && lab && lab->field == TX_DATA && vlen == 0) {
			mode = TX_HEXDATA;	/* XP form: the hex dump after the message */
			continue;
		}
		if (mode == TX_MESSAGE) {
			if (bare && !bare_continues(line, len, after_blank)) {
				if (tx_flush(st, &e, err) < 0) {
					rc = -1;
					break;
				}
				e.line = lineno;
			}
			after_blank = len == 0;
			if (e.message.len || len)
				buf_printf(&e.message, "%s%s", e.message.len ? "\n" : "", line);
			if (e.message.len > TEXTIN_MAX_LINE * 4) {
				ingest_warn(st->ing, lineno, -1, _("message longer than %d bytes cut"),
					    TEXTIN_MAX_LINE * 4);
				mode = TX_SKIP_XML;
			}
			continue;
		}
		if (lab) {
			if (e.line < 0)
				e.line = lineno;
			if (lab->field == TX_DESCRIPTION) {
				buf_reset(&e.message);
				buf_append(&e.message, value, vlen);
				mode = TX_MESSAGE;
				after_blank = false;
			} else if (lab->field == TX_XML) {
				mode = TX_SKIP_XML;
			} else if (lab->field == TX_DATA) {
				mode = TX_HEXDATA;
			} else if (lab->field != TX_RECORD_START) {
				tx_set_field(&e, lab->field, value, vlen);
			}
			continue;
		}
		if (len == 0)
			continue;
		/* Text after the headers without "Description:" ("Level = Error"
		 * headers, then the message), or a message pasted bare. */
		if (e.line < 0)
			e.line = lineno;
		buf_append(&e.message, line, len);
		mode = TX_MESSAGE;
		after_blank = false;
	}
	if (rc == 0 && (e.has_id || e.message.len))
		rc = tx_flush(st, &e, err);
	tx_reset(&e);
	return rc;
}

/* ---- CSV and tab-delimited ---- */

/* Split one CSV record (may span lines) into fields, unquoting in place.
 * Returns the number of fields. */
static size_t
csv_split(char *rec, char delim, char **fields, size_t max)
{
	size_t n = 0;
	char *p = rec;

	while (n < max) {
		char *out = p;

		fields[n++] = p;
		if (*p == '"') {
			char *q = p + 1;

			for (;;) {
				if (!*q)
					break;
				if (*q == '"') {
					if (q[1] == '"') {
						*out++ = '"';
						q += 2;
						continue;
					}
					q++;
					break;
				}
				*out++ = *q++;
			}
			while (*q && *q != delim)
				q++;	/* stray text after the closing quote */
			p = q;
		} else {
			while (*p && *p != delim)
				p++;
			out = p;
		}
		if (!*p) {
			*out = 0;
			break;
		}
		*out = 0;
		p++;
	}
	return n;
}

/* Whether a record is inside a quoted field after this line, given whether
 * it was before (only the new line is scanned: records may span many). */
static bool
csv_in_quote(bool in, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] == '"')
			in = !in;
	return in;
}

struct csv_layout {
	char delim;
	enum tx_field col[TX_MAX_COLUMNS];
	size_t ncols;
	int message_col;	/* -1: the unlabeled column after the last header */
};

/* Read a header row; returns true when it names an event ID column and a
 * source or a message column. */
static bool
csv_header(const char *line, struct csv_layout *lay)
{
	char *copy = xstrdup(line), *fields[TX_MAX_COLUMNS];
	size_t n;
	bool id = false, other = false;

	lay->delim = strchr(line, '\t') && strcspn(line, "\t") < strcspn(line, ",") ? '\t' : ',';
	n = csv_split(copy, lay->delim, fields, TX_MAX_COLUMNS);
	lay->ncols = n;
	lay->message_col = -1;
	for (size_t i = 0; i < n; i++) {
		const struct tx_label *h = find_label(csv_headers, sizeof csv_headers / sizeof *csv_headers,
						       fields[i], strlen(fields[i]));

		lay->col[i] = h ? h->field : TX_NONE;
		if (h && h->field == TX_ID)
			id = true;
		if (h && (h->field == TX_SOURCE || h->field == TX_DESCRIPTION))
			other = true;
		if (h && h->field == TX_DESCRIPTION && lay->message_col < 0)
			lay->message_col = (int)i;
	}
	free(copy);
	return id && other;
}

static int
csv_import_lines(struct tx_state *st, wb_textin *t, struct wb_err *err)
{
	struct csv_layout lay = {0};
	struct wb_buf rec = {0};
	struct tx_event e = {.record = -1, .qualifiers = -1, .line = -1};
	bool have_header = false, in_quote = false;
	int64_t rec_line = 0;
	const char *line;
	size_t len;
	int rc;

	while ((rc = textin_next(t, &line, &len, err)) > 0) {
		char *fields[TX_MAX_COLUMNS];
		size_t n;

		if (!rec.len)
			rec_line = textin_lineno(t);
		else
			buf_puts(&rec, "\n");
		buf_append(&rec, line, len);
		in_quote = csv_in_quote(in_quote, line, len);
		if (in_quote) {
			if (rec.len > TEXTIN_MAX_LINE * 4) {
				rc = wb_errf(err, _("%s:%lld: quoted field never closed (expected a "
						    "closing '\"')"), ingest_path(st->ing),
					     (long long)rec_line);
				break;
			}
			continue;
		}
		if (!have_header) {
			if (rec.data[0] == '#' || rec.len == 0) {	/* PowerShell "#TYPE ..." */
				buf_reset(&rec);
				continue;
			}
			if (!csv_header(rec.data, &lay)) {
				rc = wb_errf(err, _("%s:%lld: not an event log CSV header (expected columns "
						    "such as Level,Date and Time,Source,Event ID,Task Category)"),
					     ingest_path(st->ing), (long long)rec_line);
				break;
			}
			have_header = true;
			buf_reset(&rec);
			continue;
		}
		if (rec.len == 0)
			continue;
		n = csv_split(rec.data, lay.delim, fields, TX_MAX_COLUMNS);
		e.line = rec_line;
		for (size_t i = 0; i < n && i < lay.ncols; i++)
			if ((int)i != lay.message_col)
				tx_set_field(&e, lay.col[i], fields[i], strlen(fields[i]));
		if (lay.message_col >= 0 && (size_t)lay.message_col < n)
			buf_puts(&e.message, fields[lay.message_col]);
		else if (lay.message_col < 0 && n > lay.ncols)
			buf_puts(&e.message, fields[lay.ncols]);	/* Event Viewer's 6th field */
		if (!e.has_id) {
			ingest_warn(st->ing, rec_line, -1, _("no event ID in this row; skipped"));
			tx_reset(&e);
		} else if (tx_flush(st, &e, err) < 0) {
			rc = -1;
			break;
		}
		buf_reset(&rec);
		if ((st->stored & 1023) == 1023 && ingest_progress(st->ing, err) < 0) {
			rc = -1;
			break;
		}
	}
	if (rc == 0 && rec.len)
		ingest_warn(st->ing, rec_line, -1, _("last record ends inside a quoted field; skipped"));
	tx_reset(&e);
	buf_fini(&rec);
	return rc;
}

/* ---- the importers ---- */

typedef int (*tx_lines_fn)(struct tx_state *st, wb_textin *t, struct wb_err *err);

static int
tx_run(wb_ingest *ing, tx_lines_fn fn, const char *what, struct wb_err *err)
{
	struct tx_state st = {.ing = ing, .tz = ingest_tz_minutes(ing)};
	wb_textin *t = textin_new(ing);
	char summary[160];
	int rc = fn(&st, t, err);

	if (rc == 0 && st.stored == 0)
		rc = wb_errf(err, _("%s: no events found (expected %s)"), ingest_path(ing), what);
	if (rc == 0) {
		char tzbuf[16], *text;

		if (st.tz_used) {
			wb_format_tz(st.tz, tzbuf, sizeof tzbuf);
			text = ingest_tz_given(ing) ? xasprintf("--tz %s", tzbuf)
						    : xasprintf("case zone %s (assumed)", tzbuf);
			ingest_set_tz_assumption(ing, st.tz, text);
			free(text);
		}
		if (textin_replacements(t))
			ingest_warn(ing, -1, -1, "%llu invalid %s sequences replaced by U+FFFD",
				    (unsigned long long)textin_replacements(t), textin_encoding(t));
		snprintf(summary, sizeof summary, "%s, %llu events, %s%s", what,
			 (unsigned long long)st.stored, textin_encoding(t),
			 st.undated ? ", some undated" : "");
		ingest_set_summary(ing, summary);
	}
	textin_free(t);
	return rc;
}

static int
text_import(wb_ingest *ing, struct wb_err *err)
{
	return tx_run(ing, text_import_lines, "event text", err);
}

static int
csv_import(wb_ingest *ing, struct wb_err *err)
{
	return tx_run(ing, csv_import_lines, "event log CSV", err);
}

/* Scores: wevtutil's "Event[0]:" 85; "Event ID" and "Source" labels 75; a
 * bare message wb recognises on the first line 65, further down 40 (a
 * transcript that quotes an event); plain notes score 5. */
static int
text_detect(struct wb_probe *probe)
{
	/* A copy: the loop cuts it into lines, and other detectors share the probe's text. */
	char *text = xstrdup(probe_text(probe)), *line, *next;
	int score = 0;
	bool id = false, source = false, first = true;
	const char *prov;
	uint32_t eid;

	if (strstr(text, "Event[0]:") || strstr(text, "\nEvent[1]:"))
		score = 85;
	for (line = text; line; line = next) {
		const char *v;
		size_t vl;
		const struct tx_label *lab;

		if ((next = strchr(line, '\n')))
			*next++ = 0;
		lab = tx_label_line(line, &v, &vl);
		id |= lab && lab->field == TX_ID;
		source |= lab && lab->field == TX_SOURCE;
		if (!lab && line[strspn(line, " \t\r")] && score < 65 &&
		    eventdecode_recognize(line, &prov, &eid))
			score = first ? 65 : 40;
		if (line[strspn(line, " \t\r\xef\xbb\xbf")])
			first = false;
	}
	if (id && source && score < 75)
		score = 75;
	free(text);
	return score;
}

static int
csv_detect(struct wb_probe *probe)
{
	char *text = xstrdup(probe_text(probe)), *line = text, *nl;	/* cut below: a copy */
	struct csv_layout lay;
	int score = 0;

	if (!strncmp(line, "#TYPE", 5) && (nl = strchr(line, '\n')))
		line = nl + 1;
	if ((nl = strchr(line, '\n')))
		*nl = 0;
	if (nl && nl > line && nl[-1] == '\r')
		nl[-1] = 0;
	if (csv_header(line, &lay))
		score = 70;
	free(text);
	return score;
}

const struct wb_importer importer_eventtext = {
	.name = "event-text",
	.kind = "eventlog",
	.version = "1",
	.describe = N_("event log text: wevtutil /f:text, Event Viewer copied details, pasted events"),
	.detect = text_detect,
	.import = text_import,
};

const struct wb_importer importer_eventcsv = {
	.name = "event-csv",
	.kind = "eventlog",
	.version = "1",
	.describe = N_("Event Viewer CSV/TXT (English, Japanese) and PowerShell Export-Csv"),
	.detect = csv_detect,
	.import = csv_import,
};
