/*
 * case.h: one SQLite file per case.
 *
 * case_resolve_path() turns a bare name into $WB_CASES/NAME.wb (default
 * $XDG_DATA_HOME/wb/cases, i.e. ~/.local/share/wb/cases); anything with a '/'
 * or ending in ".wb" is used as given.  Case files are 0600 in 0700
 * directories, whatever the umask; a symlink where a new case would be created
 * is refused.  The database runs in WAL mode with foreign keys and a busy
 * timeout so several engineers can work on one case.
 *
 * Schema: PRAGMA user_version holds the schema version; case_open() migrates
 * older files forward and refuses files from a newer wb or that are not wb
 * cases.  The tables are documented in docs/SCHEMA.md.
 *
 * Ownership: the wb_case owns its sqlite3 handle; case_close() frees both.
 * Threads: a wb_case is used by one thread at a time (the connection is opened
 * without SQLite's mutexes); a thread that needs the case opens its own.
 */
#ifndef WB_CASE_H
#define WB_CASE_H

#include <sqlite3.h>
#include <stdint.h>

#include "util.h"

typedef struct wb_case wb_case;

#define CASE_SCHEMA_VERSION 1
#define CASE_APPLICATION_ID 0x77620001	/* "wb" + 1, PRAGMA application_id */
#define CASE_BUSY_TIMEOUT_MS 600000	/* how long a writer waits for another (an import can be long) */

enum case_open_flags {
	CASE_CREATE = 1 << 0,		/* create when missing (else error) */
	CASE_READONLY = 1 << 1,		/* open read-only (wb sql, reports) */
	CASE_ALLOW_FOREIGN = 1 << 2,	/* open a file owned by another user */
	CASE_MUST_NOT_EXIST = 1 << 3,	/* wb new: refuse an existing case */
};

/* malloc'd path for a case name; NULL with err when no home can be found. */
char *case_resolve_path(const char *name, struct wb_err *err);

/* Open (and with CASE_CREATE create and migrate) a case.  title/symptom are
 * used only when the case is created and may be NULL. */
int case_open(const char *path, int flags, const char *title, const char *symptom,
	      wb_case **out, struct wb_err *err);
void case_close(wb_case *c);

sqlite3 *case_db(wb_case *c);
const char *case_path(wb_case *c);
/* Display name: the file name without ".wb". */
const char *case_name(wb_case *c);

/* Append to the audit log (user from $USER).  Returns 0 or -1 with err. */
int case_audit(wb_case *c, struct wb_err *err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Case-level settings stored in case_info. */
int case_get_info(wb_case *c, const char *field, char **value);	/* malloc'd or NULL */
int case_set_info(wb_case *c, const char *field, const char *value, struct wb_err *err);
/* Case time zone in minutes east of UTC (default 0). */
int case_tz_minutes(wb_case *c);

/* Change an evidence file's time-zone assumption after import: shifts the
 * timeline and facts of that evidence that were derived from local times. */
int case_set_evidence_tz(wb_case *c, int64_t evidence_id, int tz_minutes,
			 const char *source, struct wb_err *err);

/* Add a note (user from $USER). */
int case_add_note(wb_case *c, const char *text, int64_t *note_id, struct wb_err *err);

/* Run SQL statements on a case connection; 0, or -1 with err. */
int case_exec(sqlite3 *db, const char *sql, struct wb_err *err);

/* Run `sql` with one int64 result; returns def when no row. */
int64_t case_scalar(wb_case *c, const char *sql, int64_t def);

#endif
