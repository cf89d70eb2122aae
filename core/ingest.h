/*
 * ingest.h: how importers write into a case.  One import = one transaction.
 *
 * Call order (the importer registry drives it, importers see only the middle):
 *
 *   ingest_begin()            evidence row created inside BEGIN IMMEDIATE
 *     importer->import(ing)   reads with ingest_read() (hashes as it reads),
 *                             inserts with ingest_prepare()+ingest_step(),
 *                             ingest_fact(), ingest_timeline(), ingest_warn(),
 *                             calls ingest_progress() every few thousand rows
 *   ingest_commit()           finishes the hash, refuses duplicates, COMMIT
 *   or ingest_abort()         ROLLBACK: the case is exactly as before
 *
 * Importers never print.  They return 0, or -1 with err naming the file and
 * the line or offset and what was expected.  A cancel (ingest_progress()
 * returning -1) is returned as -1 with the message it filled in.
 *
 * Times: int64 microseconds since the epoch.  A timeline entry or fact whose
 * time came from a local clock with no zone is stored with local=true and
 * already shifted by the evidence's tz assumption (ingest_tz_minutes());
 * case_set_evidence_tz() re-derives them if the user changes it later.
 */
#ifndef WB_INGEST_H
#define WB_INGEST_H

#include <signal.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "case.h"
#include "util.h"

struct wb_progress {
	const char *path;
	uint64_t bytes_done;	/* bytes read through ingest_read() or reported */
	uint64_t bytes_total;	/* file size */
	uint64_t records;	/* rows/records stored so far */
	double elapsed;		/* seconds since the import began */
};

typedef void (*wb_progress_fn)(const struct wb_progress *p, void *ctx);

struct wb_import_opts {
	const char *as;		/* importer name forced with --as, or NULL */
	const char *tz;		/* --tz "+09:00", or NULL: case time zone */
	const char *date;	/* --date "2024-05-01" for time-only sources */
	bool force;		/* import even if the same sha256 is present */
	bool lenient;		/* skip bad lines as warnings where the format allows */
	wb_progress_fn progress;	/* called at most ~10 times a second */
	void *progress_ctx;
	volatile sig_atomic_t *cancel;	/* set non-zero to cancel */
};

typedef struct wb_ingest wb_ingest;

/* ---- used by the registry / front ends ---- */
int ingest_begin(wb_case *c, const char *path, const char *kind,
		 const char *importer, const char *importer_version,
		 const struct wb_import_opts *opts, wb_ingest **out, struct wb_err *err);
int ingest_commit(wb_ingest *ing, int64_t *evidence_id, struct wb_err *err);
void ingest_abort(wb_ingest *ing);

/* ---- used by importers ---- */
const char *ingest_path(wb_ingest *ing);
const struct wb_import_opts *ingest_opts(wb_ingest *ing);
sqlite3 *ingest_db(wb_ingest *ing);
int64_t ingest_evidence_id(wb_ingest *ing);
uint64_t ingest_file_size(wb_ingest *ing);

/* Sequential read of the evidence file; hashes what it returns.  Returns bytes
 * read, 0 at end of file, -1 with err on I/O error. */
ssize_t ingest_read(wb_ingest *ing, void *buf, size_t n, struct wb_err *err);

/* For formats read by a library or by random access (EVTX, dumps): the
 * importer reads the file itself.  At commit the core hashes whatever was not
 * read through ingest_read(), unless the importer recorded its own digest:
 * scope is "full" or a description such as "sampled: header + first/last MiB". */
void ingest_set_sha256(wb_ingest *ing, const char hex[65], const char *scope);
/* Report bytes processed when not using ingest_read() (for progress). */
void ingest_bytes_done(wb_ingest *ing, uint64_t bytes);

/* Prepared statements cached per SQL text for the life of the import. */
sqlite3_stmt *ingest_prepare(wb_ingest *ing, const char *sql, struct wb_err *err);
/* Step a statement to SQLITE_DONE (or ROW), then reset and clear bindings.
 * Returns 0 or -1 with err. */
int ingest_step(wb_ingest *ing, sqlite3_stmt *st, struct wb_err *err);
/* Bind helpers: NULL strings bind NULL. */
void ingest_bind_text(sqlite3_stmt *st, int idx, const char *s);
void ingest_bind_textn(sqlite3_stmt *st, int idx, const char *s, size_t n);
/* Intern a short repeated string (process name, operation, result, provider)
 * into the case-wide `strings` table; returns its id (>0) or -1 with err. */
int64_t ingest_intern(wb_ingest *ing, const char *s, size_t len, struct wb_err *err);

/* One fact (docs/FACTS.md).  Unused members zero/NULL. */
struct wb_fact {
	const char *key;	/* "bugcheck.code" */
	const char *value;	/* short exact value, "0x0000007E" */
	bool has_num;
	int64_t num;		/* numeric form, 126 */
	const char *text;	/* long text for regexes */
	bool has_ts;
	int64_t ts;		/* microseconds UTC */
	bool ts_local;		/* ts derived from a zone assumption */
	const char *ref_table;	/* evidence row it came from: "events", "procmon", ... */
	int64_t ref_id;		/* rowid in ref_table, 0 for none */
};
int ingest_fact(wb_ingest *ing, const struct wb_fact *f, struct wb_err *err);
/* Shorthands. */
int ingest_fact_str(wb_ingest *ing, const char *key, const char *value, const char *text,
		    const char *ref_table, int64_t ref_id, struct wb_err *err);
int ingest_fact_num(wb_ingest *ing, const char *key, const char *value, int64_t num,
		    const char *text, const char *ref_table, int64_t ref_id, struct wb_err *err);

/* One dated thing for the merged timeline.  level: "critical", "error",
 * "warning", "info", "verbose" or NULL.  kind: short category ("event",
 * "procmon.vss", "bugcheck", "shutdown", ...). */
struct wb_tl {
	int64_t ts;		/* microseconds UTC (already shifted if local) */
	bool local;		/* came from a local clock + tz assumption */
	const char *level;
	const char *kind;
	const char *summary;	/* one line */
	const char *ref_table;
	int64_t ref_id;
};
int ingest_timeline(wb_ingest *ing, const struct wb_tl *t, struct wb_err *err);

/* A warning kept with the evidence (line/offset -1 when not applicable). */
void ingest_warn(wb_ingest *ing, int64_t line, int64_t offset, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
size_t ingest_warning_count(wb_ingest *ing);

/* Add n to the evidence's stored record count. */
void ingest_add_records(wb_ingest *ing, uint64_t n);
/* One-line summary for the evidence list ("Procmon CSV, 158,204 rows, ..."). */
void ingest_set_summary(wb_ingest *ing, const char *summary);

/* Time-zone assumption for local times.  ingest_tz_minutes() is --tz, else
 * the case zone; the importer records what it actually relied on with
 * ingest_set_tz_assumption() ("--tz +09:00", "case zone +00:00 (assumed)",
 * "UTC in file", "Date & Time column"). */
int ingest_tz_minutes(wb_ingest *ing);
bool ingest_tz_given(wb_ingest *ing);	/* --tz was passed */
void ingest_set_tz_assumption(wb_ingest *ing, int tz_minutes, const char *text);
/* --date as days since epoch; returns false when not given. */
bool ingest_date_days(wb_ingest *ing, int64_t *days);

/* Progress and cancel: call every few thousand records.  Returns -1 with err
 * ("import cancelled") when the user cancelled. */
int ingest_progress(wb_ingest *ing, struct wb_err *err);

#endif
