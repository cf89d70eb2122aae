/*
 * procmon_csv.h: streaming reader for CSV as Process Monitor writes it, and
 * parsers for the value formats found in its columns.
 *
 * The reader pulls bytes through a callback (ingest_read() in the importer, a
 * memory buffer in tests and the fuzzer) and keeps only the current record in
 * memory, so any file size reads in flat memory.
 *
 * What it accepts (docs/PROCMON.md): an optional UTF-8 BOM; records ended by
 * CRLF, LF or a lone CR outside quotes; quoted fields holding "" for a quote
 * and bare CR or LF (Procmon's environment blocks use CR ; TAB); unquoted
 * fields.  Blank lines are skipped.  Every record must be valid UTF-8 with no
 * NUL byte.
 *
 * Errors name the line where the bad record starts and what was expected.
 * After an error, procmon_csv_skip() drops the bad record up to the end of
 * its first line and reading can go on (--lenient).
 */
#ifndef WB_PROCMON_CSV_H
#define WB_PROCMON_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "../core/util.h"

#define PROCMON_CSV_MAX_RECORD (16u << 20)	/* longer records are an error */
#define PROCMON_CSV_MAX_FIELDS 512

/* Returns bytes read, 0 at end of input, -1 with err. */
typedef ssize_t (*procmon_csv_read_fn)(void *ctx, void *buf, size_t n, struct wb_err *err);

struct procmon_csv_field {
	char *s;		/* NUL-terminated, valid until the next call */
	size_t len;
};

typedef struct procmon_csv procmon_csv;

/* name is used in error messages (the file name). */
procmon_csv *procmon_csv_new(procmon_csv_read_fn read, void *ctx, const char *name);
void procmon_csv_free(procmon_csv *r);

/* Next record: 1 with *fields and *nfields set, 0 at end of input, -1 with
 * err.  A read error from the callback is returned as is. */
int procmon_csv_next(procmon_csv *r, struct procmon_csv_field **fields, size_t *nfields,
		     struct wb_err *err);
/* After -1 from a malformed record: skip it up to the end of its first line.
 * Returns 0, or -1 with err when the callback fails. */
int procmon_csv_skip(procmon_csv *r, struct wb_err *err);
/* 1-based line where the last record (or the bad one) starts. */
int64_t procmon_csv_line(const procmon_csv *r);
/* Byte offset of that record in the input. */
uint64_t procmon_csv_offset(const procmon_csv *r);

/* ---- value formats (locale variants, docs/PROCMON.md) ---- */

#define PROCMON_TICKS_PER_SEC INT64_C(10000000)	/* Procmon times are in 100 ns */
#define PROCMON_TICKS_PER_DAY (86400 * PROCMON_TICKS_PER_SEC)

/* "6:55:07.0236729 AM", "15:44:53,1234567", "午後 3:44:53.1", "3:44:53 PM":
 * time of day in 100 ns ticks since midnight.  *twelve_hour tells whether an
 * AM/PM marker was present (a hint for the date order).  Returns 0 or -1. */
int procmon_parse_tod(const char *s, int64_t *ticks, bool *twelve_hour);

enum procmon_date_order {
	PROCMON_DATE_UNKNOWN,
	PROCMON_DATE_MDY,	/* 7/31/2020 (en-US) */
	PROCMON_DATE_DMY,	/* 31/07/2020, 31.07.2020 */
	PROCMON_DATE_YMD,	/* 2020/07/31, 2020-07-31 (ja-JP, ISO) */
};

/* Date part of "7/31/2020 6:55:07 AM" as days since 1970-01-01.  A date
 * with a four-digit first number is Y/M/D; otherwise *order decides once it
 * is known, and is set by the first date that settles it (a day above 12);
 * until then an ambiguous date is read in the `fallback` order.  D.M.Y with
 * dots is the default for dotted dates.  Returns 0 or -1. */
int procmon_parse_date(const char *s, enum procmon_date_order *order,
		       enum procmon_date_order fallback, int64_t *days);

/* "0.0000161" or "0,0000161" seconds as 100 ns ticks.  Returns 0 or -1. */
int procmon_parse_duration(const char *s, int64_t *ticks);

/* Decimal integer, "1,364" thousands separators allowed.  Returns 0 or -1. */
int procmon_parse_int(const char *s, int64_t *v);

/* REG_BINARY bytes shown in a Detail ("..., Data: 48 00 00 ..."): up to max
 * bytes into out; returns how many, 0 when there is no Data. */
size_t procmon_detail_binary(const char *detail, unsigned char *out, size_t max);

#endif
