/* Streaming CSV reader for Process Monitor exports, and value parsers. */
#include "procmon_csv.h"

#include <stdlib.h>
#include <string.h>

#define CHUNK (1u << 20)

/* Where a field lies in the buffer while its record is still being scanned:
 * nothing is written into the buffer until the whole record is there, so a
 * record cut by the end of a read can simply be scanned again. */
struct span {
	size_t off, len;
	bool escaped;		/* holds "" to collapse */
};

struct procmon_csv {
	procmon_csv_read_fn read;
	void *ctx;
	char *name;
	char *buf;
	size_t cap;		/* allocated; always > end so buf[end] can hold a NUL */
	size_t pos;		/* start of the next record */
	size_t end;		/* bytes of input in buf */
	uint64_t base;		/* input offset of buf[0] */
	bool eof, started;
	int64_t line;		/* line number at buf[pos] */
	int64_t rec_line;	/* line of the last record returned or refused */
	uint64_t rec_off;
	struct span *spans;
	struct procmon_csv_field *fields;
};

procmon_csv *
procmon_csv_new(procmon_csv_read_fn read, void *ctx, const char *name)
{
	procmon_csv *r = xcalloc(1, sizeof *r);

	r->read = read;
	r->ctx = ctx;
	r->name = xstrdup(name ? name : "input");
	r->cap = CHUNK;
	r->buf = xmalloc(r->cap);
	r->line = 1;
	r->spans = xcalloc(PROCMON_CSV_MAX_FIELDS, sizeof *r->spans);
	r->fields = xcalloc(PROCMON_CSV_MAX_FIELDS, sizeof *r->fields);
	return r;
}

void
procmon_csv_free(procmon_csv *r)
{
	if (!r)
		return;
	free(r->name);
	free(r->buf);
	free(r->spans);
	free(r->fields);
	free(r);
}

int64_t
procmon_csv_line(const procmon_csv *r)
{
	return r->rec_line;
}

uint64_t
procmon_csv_offset(const procmon_csv *r)
{
	return r->rec_off;
}

/* Keep the unread part, make room, read more.  Returns 0 or -1 with err. */
static int
fill(procmon_csv *r, struct wb_err *err)
{
	ssize_t n;

	if (r->pos > 0) {
		memmove(r->buf, r->buf + r->pos, r->end - r->pos);
		r->base += r->pos;
		r->end -= r->pos;
		r->pos = 0;
	}
	if (r->end + 1 >= r->cap) {
		r->cap *= 2;
		r->buf = xrealloc(r->buf, r->cap);
	}
	n = r->read(r->ctx, r->buf + r->end, r->cap - 1 - r->end, err);
	if (n < 0)
		return -1;
	if (n == 0)
		r->eof = true;
	r->end += (size_t)n;
	if (!r->started && (r->end >= 3 || r->eof)) {
		r->started = true;
		if (r->end >= 3 && !memcmp(r->buf, "\xEF\xBB\xBF", 3))
			r->pos = 3;
	}
	return 0;
}

static int64_t
count_lf(const char *p, size_t n)
{
	int64_t lines = 0;
	const char *q;

	while (n && (q = memchr(p, '\n', n))) {
		lines++;
		n -= (size_t)(q - p) + 1;
		p = q + 1;
	}
	return lines;
}

/* Offset of the first byte that is not valid UTF-8 (or is NUL), or len. */
static size_t
utf8_check(const unsigned char *p, size_t len)
{
	size_t i = 0;

	while (i < len) {
		unsigned c = p[i];
		size_t need;
		unsigned min, cp;
		uint64_t w;

		/* Eight ASCII bytes at a time: no high bit and no zero byte. */
		while (i + 8 <= len && (memcpy(&w, p + i, 8),
					!((w | ((w - UINT64_C(0x0101010101010101)) & ~w)) & UINT64_C(0x8080808080808080))))
			i += 8;
		if (i == len)
			break;
		c = p[i];
		if (c >= 0x01 && c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF)
			need = 1, min = 0x80, cp = c & 0x1F;
		else if (c >= 0xE0 && c <= 0xEF)
			need = 2, min = 0x800, cp = c & 0x0F;
		else if (c >= 0xF0 && c <= 0xF4)
			need = 3, min = 0x10000, cp = c & 0x07;
		else
			return i;
		if (len - i <= need)
			return i;
		for (size_t k = 1; k <= need; k++) {
			if ((p[i + k] & 0xC0) != 0x80)
				return i;
			cp = (cp << 6) | (p[i + k] & 0x3F);
		}
		if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return i;
		i += need + 1;
	}
	return len;
}

enum scan_result { SCAN_ERROR = -1, SCAN_MORE = 0, SCAN_RECORD = 1, SCAN_BLANK = 2 };

/* Scan one record starting at r->pos.  On SCAN_RECORD or SCAN_BLANK *next
 * is where the following record starts and *lines how many lines this one
 * spans. */
static enum scan_result
scan(procmon_csv *r, size_t *nspans, size_t *next, int64_t *lines, struct wb_err *err)
{
	const char *b = r->buf;
	size_t p = r->pos, end = r->end, n = 0;
	int64_t nl = 0;

	for (;;) {
		struct span sp = {0};

		if (n == PROCMON_CSV_MAX_FIELDS)
			return wb_errf(err, _("%s: line %lld: more than %d fields (expected a Procmon CSV record)"),
				       r->name, (long long)r->line, PROCMON_CSV_MAX_FIELDS);
		if (p < end && b[p] == '"') {
			sp.off = ++p;
			for (;;) {
				const char *q = memchr(b + p, '"', end - p);

				if (!q) {
					if (!r->eof)
						return SCAN_MORE;
					return wb_errf(err, _("%s: line %lld: quoted field %zu is not closed before the end of the file (expected a closing \")"),
						       r->name, (long long)r->line, n + 1);
				}
				nl += count_lf(b + p, (size_t)(q - b) - p);
				p = (size_t)(q - b) + 1;
				if (p == end && !r->eof)
					return SCAN_MORE;
				if (p < end && b[p] == '"') {
					sp.escaped = true;
					p++;
					continue;
				}
				break;
			}
			sp.len = p - 1 - sp.off;
			if (p < end && b[p] != ',' && b[p] != '\r' && b[p] != '\n')
				return wb_errf(err, _("%s: line %lld: unexpected character after the closing quote of field %zu (expected a comma or the end of the line)"),
					       r->name, (long long)(r->line + nl), n + 1);
		} else {
			sp.off = p;
			while (p < end && b[p] != ',' && b[p] != '\r' && b[p] != '\n')
				p++;
			sp.len = p - sp.off;
		}
		r->spans[n++] = sp;
		if (p == end) {
			if (!r->eof)
				return SCAN_MORE;
			*next = end;
			break;
		}
		if (b[p] == ',') {
			p++;
			continue;
		}
		if (b[p] == '\r') {
			if (p + 1 == end && !r->eof)
				return SCAN_MORE;
			if (p + 1 < end && b[p + 1] == '\n')
				p++;
		}
		*next = p + 1;
		break;
	}
	*nspans = n;
	*lines = nl + 1;
	return n == 1 && r->spans[0].len == 0 && b[r->pos] != '"' ? SCAN_BLANK : SCAN_RECORD;
}

int
procmon_csv_next(procmon_csv *r, struct procmon_csv_field **fields, size_t *nfields,
		 struct wb_err *err)
{
	size_t n = 0, next = 0, bad;
	int64_t lines = 0;
	enum scan_result sr;

	for (;;) {
		if (!r->started || (r->pos == r->end && !r->eof)) {
			if (fill(r, err) < 0)
				return -1;
			continue;
		}
		if (r->pos == r->end)
			return 0;
		r->rec_line = r->line;
		r->rec_off = r->base + r->pos;
		sr = scan(r, &n, &next, &lines, err);
		if (sr == SCAN_ERROR)
			return -1;
		if (sr == SCAN_MORE) {
			if (r->end - r->pos > PROCMON_CSV_MAX_RECORD)
				return wb_errf(err, _("%s: line %lld: record longer than %u MiB (expected a closing quote)"),
					       r->name, (long long)r->line, PROCMON_CSV_MAX_RECORD >> 20);
			if (fill(r, err) < 0)
				return -1;
			continue;
		}
		if (sr == SCAN_BLANK) {
			r->pos = next;
			r->line += lines;
			continue;
		}
		break;
	}
	bad = utf8_check((const unsigned char *)r->buf + r->pos, next - r->pos);
	if (bad < next - r->pos) {
		const char *at = r->buf + r->pos;

		return wb_errf(err, _("%s: line %lld: %s at offset %llu (expected UTF-8 text as Procmon writes it)"),
			       r->name, (long long)(r->line + count_lf(at, bad)),
			       at[bad] ? _("invalid UTF-8") : _("NUL byte"),
			       (unsigned long long)(r->base + r->pos + bad));
	}
	for (size_t i = 0; i < n; i++) {
		char *s = r->buf + r->spans[i].off;
		size_t len = r->spans[i].len;

		if (r->spans[i].escaped) {
			size_t j = 0;

			for (size_t k = 0; k < len; k++) {
				s[j++] = s[k];
				if (s[k] == '"')
					k++;
			}
			len = j;
		}
		s[len] = '\0';
		r->fields[i] = (struct procmon_csv_field){.s = s, .len = len};
	}
	r->pos = next;
	r->line += lines;
	*fields = r->fields;
	*nfields = n;
	return 1;
}

int
procmon_csv_skip(procmon_csv *r, struct wb_err *err)
{
	for (;;) {
		const char *lf = memchr(r->buf + r->pos, '\n', r->end - r->pos);

		if (lf) {
			r->pos = (size_t)(lf - r->buf) + 1;
			r->line = r->rec_line + 1;
			return 0;
		}
		r->pos = r->end;
		if (r->eof)
			return 0;
		if (fill(r, err) < 0)
			return -1;
	}
}

/* ---- value formats ---- */

#define UTF8_GOZEN "\xE5\x8D\x88\xE5\x89\x8D"	/* 午前 */
#define UTF8_GOGO "\xE5\x8D\x88\xE5\xBE\x8C"	/* 午後 */

/* AM/PM marker at s: 1 am, 2 pm, 0 none; *len gets its length. */
static int
ampm(const char *s, size_t *len)
{
	static const struct {
		const char *text;
		int pm;
	} markers[] = {
		{"AM", 1}, {"PM", 2}, {"am", 1}, {"pm", 2}, {"a.m.", 1}, {"p.m.", 2},
		{UTF8_GOZEN, 1}, {UTF8_GOGO, 2},
	};

	if (!strchr("AaPp\xE5", *s) || !*s)	/* the first byte of every marker */
		return 0;
	for (size_t i = 0; i < sizeof markers / sizeof *markers; i++) {
		size_t n = strlen(markers[i].text);

		if (!strncmp(s, markers[i].text, n)) {
			*len = n;
			return markers[i].pm;
		}
	}
	return 0;
}

static const char *
digits(const char *s, int min, int max, int *v)
{
	int n = 0;

	*v = 0;
	while (n < max && s[n] >= '0' && s[n] <= '9') {
		*v = *v * 10 + (s[n] - '0');
		n++;
	}
	return n >= min ? s + n : NULL;
}

int
procmon_parse_tod(const char *s, int64_t *ticks, bool *twelve_hour)
{
	int h, m, sec, marker;
	int64_t frac = 0;
	size_t mlen = 0;

	while (*s == ' ')
		s++;
	marker = ampm(s, &mlen);
	s += mlen;
	while (*s == ' ')
		s++;
	if (!(s = digits(s, 1, 2, &h)) || *s++ != ':' || !(s = digits(s, 2, 2, &m)) ||
	    *s++ != ':' || !(s = digits(s, 2, 2, &sec)))
		return -1;
	if (*s == '.' || *s == ',') {
		int64_t scale = PROCMON_TICKS_PER_SEC / 10;

		if (!(*++s >= '0' && *s <= '9'))
			return -1;
		for (; *s >= '0' && *s <= '9'; s++, scale /= 10)
			frac += (*s - '0') * scale;
	}
	while (*s == ' ')
		s++;
	if (!marker) {
		marker = ampm(s, &mlen);
		s += mlen;
	} else
		mlen = 0;
	while (*s == ' ')
		s++;
	if (*s || m > 59 || sec > 59)
		return -1;
	if (marker) {
		if (h < 1 || h > 12)
			return -1;
		h = h % 12 + (marker == 2 ? 12 : 0);
	} else if (h > 23)
		return -1;
	*ticks = ((int64_t)h * 3600 + m * 60 + sec) * PROCMON_TICKS_PER_SEC + frac;
	if (twelve_hour)
		*twelve_hour = marker != 0;
	return 0;
}

static bool
valid_date(int y, int m, int d)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	if (y < 1601 || y > 9999 || m < 1 || m > 12 || d < 1)
		return false;
	return d <= mdays[m - 1] + (m == 2 && leap);
}

int
procmon_parse_date(const char *s, enum procmon_date_order *order,
		   enum procmon_date_order fallback, int64_t *days)
{
	int a, b, c, y, m, d;
	const char *start, *p;
	char sep;
	enum procmon_date_order use;

	while (*s == ' ')
		s++;
	start = s;
	if (!(p = digits(s, 1, 4, &a)))
		return -1;
	sep = *p;
	if (sep != '/' && sep != '.' && sep != '-')
		return -1;
	if (!(p = digits(p + 1, 1, 2, &b)) || *p != sep || !(p = digits(p + 1, 1, 4, &c)))
		return -1;
	if (*p == '.' && sep == '.')	/* "31.07.2020." */
		p++;
	if (*p && *p != ' ')
		return -1;
	if (digits(start, 4, 4, &y) && start[4] == sep) {
		use = PROCMON_DATE_YMD;
	} else if (*order == PROCMON_DATE_MDY || *order == PROCMON_DATE_DMY) {
		use = *order;
	} else if (a > 12) {
		use = PROCMON_DATE_DMY;
	} else if (b > 12) {
		use = PROCMON_DATE_MDY;
	} else
		use = sep == '.' ? PROCMON_DATE_DMY : fallback;
	if (use == PROCMON_DATE_YMD) {
		y = a, m = b, d = c;
	} else {
		y = c < 100 ? 2000 + c : c;
		m = use == PROCMON_DATE_MDY ? a : b;
		d = use == PROCMON_DATE_MDY ? b : a;
	}
	if (!valid_date(y, m, d))
		return -1;
	if (*order == PROCMON_DATE_UNKNOWN && (use == PROCMON_DATE_YMD || a > 12 || b > 12))
		*order = use;
	*days = wb_days_from_civil(y, (unsigned)m, (unsigned)d);
	return 0;
}

int
procmon_parse_duration(const char *s, int64_t *ticks)
{
	int64_t whole = 0, frac = 0, scale = PROCMON_TICKS_PER_SEC / 10;
	const char *p = s;

	while (*p >= '0' && *p <= '9') {
		if (whole > INT64_MAX / 100 / PROCMON_TICKS_PER_SEC)
			return -1;
		whole = whole * 10 + (*p++ - '0');
	}
	if (p == s)
		return -1;
	if (*p == '.' || *p == ',') {
		for (p++; *p >= '0' && *p <= '9'; p++, scale /= 10)
			frac += (*p - '0') * scale;
	}
	if (*p)
		return -1;
	*ticks = whole * PROCMON_TICKS_PER_SEC + frac;
	return 0;
}

int
procmon_parse_int(const char *s, int64_t *v)
{
	bool neg = *s == '-';
	int64_t n = 0;
	int ndig = 0;

	if (neg)
		s++;
	for (; *s; s++) {
		if (*s == ',' && ndig > 0 && s[1] >= '0' && s[1] <= '9')
			continue;
		if (*s < '0' || *s > '9' || n > (INT64_MAX - 9) / 10)
			return -1;
		n = n * 10 + (*s - '0');
		ndig++;
	}
	if (!ndig)
		return -1;
	*v = neg ? -n : n;
	return 0;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

size_t
procmon_detail_binary(const char *detail, unsigned char *out, size_t max)
{
	const char *p = detail;
	size_t n = 0;

	if (strncmp(p, "Data: ", 6)) {
		if (!(p = strstr(detail, ", Data: ")))
			return 0;
		p += 2;
	}
	p += 6;
	while (n < max && hexval(p[0]) >= 0 && hexval(p[1]) >= 0 && (p[2] == ' ' || p[2] == '\0')) {
		out[n++] = (unsigned char)(hexval(p[0]) << 4 | hexval(p[1]));
		p += p[2] ? 3 : 2;
	}
	return n;
}
