/*
 * util.h: small things every module uses.
 *
 * - struct wb_err: the error every fallible call fills (rule: core never
 *   prints; callers show err->msg).  Messages name where (file, line or
 *   offset) and what was expected.
 * - x* allocators: abort with a message on out-of-memory, never return NULL.
 * - gettext: _() and N_() for user-visible messages (English source).
 * - time: wb keeps instants as int64 microseconds since the Unix epoch, UTC.
 */
#ifndef WB_UTIL_H
#define WB_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"

#if ENABLE_NLS
#include <libintl.h>
#define _(s) gettext(s)
#else
#define _(s) (s)
#endif
#define N_(s) (s)

#define WB_ERR_MAX 512

struct wb_err {
	char msg[WB_ERR_MAX];
};

/* Set err->msg (err may be NULL).  Always returns -1 so callers can
 * `return wb_errf(err, ...)`. */
int wb_errf(struct wb_err *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t n);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A growable byte buffer; always NUL-terminated after any append. */
struct wb_buf {
	char *data;
	size_t len, cap;
};
void buf_append(struct wb_buf *b, const void *p, size_t n);
void buf_puts(struct wb_buf *b, const char *s);
void buf_printf(struct wb_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_reserve(struct wb_buf *b, size_t n);	/* room for n more bytes and the NUL */
void buf_reset(struct wb_buf *b);	/* len = 0, keeps memory */
void buf_fini(struct wb_buf *b);	/* frees memory */

/* ---- time ---- */
#define WB_US_PER_SEC INT64_C(1000000)

/* Days since 1970-01-01 for a proleptic Gregorian date. */
int64_t wb_days_from_civil(int y, unsigned m, unsigned d);
/* Microseconds since epoch for a broken-down UTC (or naive local) time. */
int64_t wb_make_time(int y, int mon, int day, int h, int min, int sec, int64_t usec);
/* Parse "+09:00", "-0530", "UTC", "Z", "+9" into minutes east of UTC.
 * Returns 0 ok, -1 with err on bad input. */
int wb_parse_tz(const char *s, int *minutes, struct wb_err *err);
/* Parse "2024-05-01" into days since epoch. */
int wb_parse_date(const char *s, int64_t *days, struct wb_err *err);
/* Parse ISO 8601 "2024-05-01T10:20:30[.ffffff][Z|+hh:mm]" or "2024-05-01 10:20:30"
 * into microseconds UTC; a time without zone is taken as UTC.  */
int wb_parse_iso(const char *s, int64_t *us, struct wb_err *err);
/* Format microseconds as "2024-05-01T10:20:30.123456Z" (buf >= 32 bytes);
 * with tz_minutes != 0 or local, as "...+09:00". */
void wb_format_iso(int64_t us, int tz_minutes, bool show_zone, char *buf, size_t len);
/* Format a zone offset as "+09:00". */
void wb_format_tz(int minutes, char *buf, size_t len);

/* Current time as "2024-05-01T10:20:30Z" (malloc'd), for audit and notes. */
char *wb_now_iso(void);
/* Lower-case hex of n bytes into out (2n+1 bytes). */
void wb_hex(const uint8_t *bytes, size_t n, char *out);

/* Current user for audit and notes ($USER, else the login name, else "unknown"). */
const char *wb_user(void);

/* Seconds since an arbitrary start, monotonic. */
double wb_now(void);

/* Hex of a SHA-256 digest of a whole file (streams it).  For importers that
 * cannot read through ingest_read().  out must hold 65 bytes. */
int wb_sha256_file(const char *path, char out[65], struct wb_err *err);

#endif
