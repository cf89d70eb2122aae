/* Allocation, buffers, errors, time and hashing helpers. */
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <nettle/sha2.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int
wb_errf(struct wb_err *err, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return -1;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	va_end(ap);
	return -1;
}

static void
oom(size_t n)
{
	fprintf(stderr, "wb: out of memory (%zu bytes)\n", n);
	abort();
}

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		oom(n);
	return p;
}

void *
xcalloc(size_t count, size_t n)
{
	void *p = calloc(count ? count : 1, n ? n : 1);

	if (!p)
		oom(count * n);
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q)
		oom(n);
	return q;
}

char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *
xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
xasprintf(const char *fmt, ...)
{
	struct wb_buf b = {0};
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		oom(0);
	b.data = xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(b.data, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return b.data;
}

void
buf_reserve(struct wb_buf *b, size_t extra)
{
	size_t need = b->len + extra + 1;

	if (need <= b->cap)
		return;
	if (b->cap == 0)
		b->cap = 64;
	while (b->cap < need)
		b->cap *= 2;
	b->data = xrealloc(b->data, b->cap);
}

void
buf_append(struct wb_buf *b, const void *p, size_t n)
{
	buf_reserve(b, n);
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void
buf_puts(struct wb_buf *b, const char *s)
{
	buf_append(b, s, strlen(s));
}

void
buf_printf(struct wb_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	buf_reserve(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void
buf_reset(struct wb_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

void
buf_fini(struct wb_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

/* ---- time ---- */

int64_t
wb_days_from_civil(int y, unsigned m, unsigned d)
{
	/* Howard Hinnant's days_from_civil algorithm. */
	int64_t yy = (int64_t)y - (m <= 2);
	int64_t era = (yy >= 0 ? yy : yy - 399) / 400;
	unsigned yoe = (unsigned)(yy - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + (int64_t)doe - 719468;
}

int64_t
wb_make_time(int y, int mon, int day, int h, int min, int sec, int64_t usec)
{
	int64_t days = wb_days_from_civil(y, (unsigned)mon, (unsigned)day);

	return ((days * 86400) + h * 3600 + min * 60 + sec) * WB_US_PER_SEC + usec;
}

static void
civil_from_days(int64_t z, int *y, int *m, int *d)
{
	int64_t era;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)((int64_t)yoe + era * 400 + (*m <= 2));
}

int
wb_parse_tz(const char *s, int *minutes, struct wb_err *err)
{
	int sign, h = 0, m = 0, n = 0;
	const char *p;

	if (!s || !*s)
		return wb_errf(err, _("empty time zone: expected +HH:MM"));
	if (!strcmp(s, "UTC") || !strcmp(s, "Z") || !strcmp(s, "utc") || !strcmp(s, "GMT")) {
		*minutes = 0;
		return 0;
	}
	if (!strncmp(s, "UTC", 3))
		s += 3;
	if (*s != '+' && *s != '-')
		return wb_errf(err, _("bad time zone '%s': expected +HH:MM or -HH:MM"), s);
	sign = *s == '-' ? -1 : 1;
	p = s + 1;
	while (isdigit((unsigned char)*p) && n < 2) {
		h = h * 10 + (*p++ - '0');
		n++;
	}
	if (n == 0)
		return wb_errf(err, _("bad time zone '%s': expected +HH:MM or -HH:MM"), s);
	if (*p == ':')
		p++;
	if (*p) {
		if (!isdigit((unsigned char)p[0]) || !isdigit((unsigned char)p[1]) || p[2])
			return wb_errf(err, _("bad time zone '%s': expected +HH:MM or -HH:MM"), s);
		m = (p[0] - '0') * 10 + (p[1] - '0');
	}
	if (h > 14 || m > 59)
		return wb_errf(err, _("bad time zone '%s': offset out of range"), s);
	*minutes = sign * (h * 60 + m);
	return 0;
}

int
wb_parse_date(const char *s, int64_t *days, struct wb_err *err)
{
	int y, m, d;
	char tail;

	if (!s || sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 ||
	    m < 1 || m > 12 || d < 1 || d > 31 || y < 1601 || y > 9999)
		return wb_errf(err, _("bad date '%s': expected YYYY-MM-DD"), s ? s : "");
	*days = wb_days_from_civil(y, (unsigned)m, (unsigned)d);
	return 0;
}

int
wb_parse_iso(const char *s, int64_t *us, struct wb_err *err)
{
	int y, mo, d, h = 0, mi = 0, se = 0, n = 0, tz = 0;
	int64_t frac = 0, scale = 100000;
	const char *p;

	if (!s || sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3)
		goto bad;
	p = s + n;
	if (*p == 'T' || *p == ' ') {
		if (sscanf(p + 1, "%2d:%2d:%2d%n", &h, &mi, &se, &n) != 3)
			goto bad;
		p += 1 + n;
		if (*p == '.' || *p == ',') {
			p++;
			while (isdigit((unsigned char)*p)) {
				if (scale > 0) {
					frac += (*p - '0') * scale;
					scale /= 10;
				}
				p++;
			}
		}
	}
	if (*p == 'Z' && !p[1])
		p++;
	else if (*p == '+' || *p == '-') {
		if (wb_parse_tz(p, &tz, err) < 0)
			return -1;
		p += strlen(p);
	}
	if (*p || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60)
		goto bad;
	*us = wb_make_time(y, mo, d, h, mi, se, frac) - (int64_t)tz * 60 * WB_US_PER_SEC;
	return 0;
bad:
	return wb_errf(err, _("bad time '%s': expected YYYY-MM-DD[THH:MM:SS[.ffffff]][Z|+HH:MM]"),
		       s ? s : "");
}

void
wb_format_tz(int minutes, char *buf, size_t len)
{
	int a = minutes < 0 ? -minutes : minutes;

	snprintf(buf, len, "%c%02d:%02d", minutes < 0 ? '-' : '+', a / 60, a % 60);
}

void
wb_format_iso(int64_t us, int tz_minutes, bool show_zone, char *buf, size_t len)
{
	int64_t t = us + (int64_t)tz_minutes * 60 * WB_US_PER_SEC;
	int64_t secs = t >= 0 ? t / WB_US_PER_SEC : (t - WB_US_PER_SEC + 1) / WB_US_PER_SEC;
	int64_t frac = t - secs * WB_US_PER_SEC;
	int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
	int64_t rem = secs - days * 86400;
	int y, m, d;
	char zone[16] = "Z";

	civil_from_days(days, &y, &m, &d);
	if (tz_minutes)
		wb_format_tz(tz_minutes, zone, sizeof zone);
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%06lld%s", y, m, d,
		 (int)(rem / 3600), (int)(rem / 60 % 60), (int)(rem % 60),
		 (long long)frac, show_zone ? zone : "");
}

char *
wb_now_iso(void)
{
	struct timespec ts;
	char buf[40];

	clock_gettime(CLOCK_REALTIME, &ts);
	wb_format_iso((int64_t)ts.tv_sec * WB_US_PER_SEC, 0, true, buf, sizeof buf);
	/* Seconds are enough for audit times: drop the zero fraction. */
	memmove(buf + 19, buf + 26, strlen(buf + 26) + 1);
	return xstrdup(buf);
}

void
wb_hex(const uint8_t *bytes, size_t n, char *out)
{
	static const char hex[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hex[bytes[i] >> 4];
		out[2 * i + 1] = hex[bytes[i] & 15];
	}
	out[2 * n] = '\0';
}

const char *
wb_user(void)
{
	const char *u = getenv("USER");
	struct passwd *pw;

	if (u && *u)
		return u;
	pw = getpwuid(getuid());
	return pw && pw->pw_name ? pw->pw_name : "unknown";
}

double
wb_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
wb_sha256_file(const char *path, char out[65], struct wb_err *err)
{
	struct sha256_ctx ctx;
	uint8_t digest[SHA256_DIGEST_SIZE];
	char *buf;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return wb_errf(err, "%s: %s", path, strerror(errno));
	buf = xmalloc(1 << 20);
	sha256_init(&ctx);
	while ((n = read(fd, buf, 1 << 20)) > 0)
		sha256_update(&ctx, (size_t)n, (const uint8_t *)buf);
	free(buf);
	if (n < 0) {
		wb_errf(err, "%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	sha256_digest(&ctx, sizeof digest, digest);
	wb_hex(digest, sizeof digest, out);
	return 0;
}
