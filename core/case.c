/* The case database: resolve, create, open, migrate, audit. */
#include "case.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "schema.h"

struct wb_case {
	sqlite3 *db;
	char *path;
	char *name;
};

static int
valid_case_name(const char *name)
{
	if (!*name || !strcmp(name, ".") || !strcmp(name, ".."))
		return 0;
	for (const char *p = name; *p; p++)
		if ((unsigned char)*p < 0x20)
			return 0;
	return 1;
}

char *
case_resolve_path(const char *name, struct wb_err *err)
{
	const char *env, *home;
	size_t n = strlen(name);

	if (strchr(name, '/') || (n > 3 && !strcmp(name + n - 3, ".wb")))
		return xstrdup(name);
	if (!valid_case_name(name)) {
		wb_errf(err, _("'%s' is not a valid case name"), name);
		return NULL;
	}
	if ((env = getenv("WB_CASES")) && *env)
		return xasprintf("%s/%s.wb", env, name);
	if ((env = getenv("XDG_DATA_HOME")) && *env)
		return xasprintf("%s/wb/cases/%s.wb", env, name);
	if ((home = getenv("HOME")) && *home)
		return xasprintf("%s/.local/share/wb/cases/%s.wb", home, name);
	wb_errf(err, _("cannot place case '%s': set WB_CASES or HOME"), name);
	return NULL;
}

/* mkdir -p for the case directory; directories we create are 0700. */
static int
make_dirs(const char *dir, struct wb_err *err)
{
	char *p = xstrdup(dir);
	struct stat st;

	for (char *s = p + 1;; s++) {
		if (*s == '/' || *s == '\0') {
			char c = *s;

			*s = '\0';
			if (mkdir(p, 0700) < 0 && errno != EEXIST) {
				wb_errf(err, _("cannot create directory %s: %s"), p, strerror(errno));
				free(p);
				return -1;
			}
			*s = c;
			if (!c)
				break;
		}
	}
	if (stat(p, &st) < 0 || !S_ISDIR(st.st_mode)) {
		wb_errf(err, _("%s is not a directory"), p);
		free(p);
		return -1;
	}
	free(p);
	return 0;
}

int
case_exec(sqlite3 *db, const char *sql, struct wb_err *err)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		wb_errf(err, "%s", msg ? msg : sqlite3_errmsg(db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

static int64_t
db_scalar(sqlite3 *db, const char *sql, int64_t def)
{
	sqlite3_stmt *st;
	int64_t v = def;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return def;
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

int64_t
case_scalar(wb_case *c, const char *sql, int64_t def)
{
	return db_scalar(c->db, sql, def);
}

/* Refuse files that are not SQLite before SQLite sees them: a clear error
 * instead of "file is not a database". */
static int
check_header(const char *path, struct wb_err *err)
{
	char head[16];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return wb_errf(err, "%s: %s", path, strerror(errno));
	n = read(fd, head, sizeof head);
	close(fd);
	if (n == 0)
		return 0;	/* empty: created by us a moment ago */
	if (n != (ssize_t)sizeof head || memcmp(head, "SQLite format 3", 16) != 0)
		return wb_errf(err, _("%s is not a wb case (not an SQLite database)"), path);
	return 0;
}

static int
migrate(wb_case *c, struct wb_err *err)
{
	int64_t version = db_scalar(c->db, "PRAGMA user_version", 0);
	int64_t app = db_scalar(c->db, "PRAGMA application_id", 0);
	int64_t tables = db_scalar(c->db, "SELECT count(*) FROM sqlite_master", 0);
	char sql[96];

	if (version == 0 && tables > 0)
		return wb_errf(err, _("%s is not a wb case (an SQLite database of another program)"), c->path);
	if (version > 0 && app != CASE_APPLICATION_ID)
		return wb_errf(err, _("%s is not a wb case (application id %lld)"), c->path, (long long)app);
	if (version > CASE_SCHEMA_VERSION)
		return wb_errf(err, _("%s was written by a newer wb (schema %lld; this wb reads up to %d): upgrade wb"),
			       c->path, (long long)version, CASE_SCHEMA_VERSION);
	if (version == CASE_SCHEMA_VERSION)
		return 0;
	if (case_exec(c->db, "BEGIN IMMEDIATE", err) < 0)
		return -1;
	/* Re-read under the write lock: another process may have migrated. */
	version = db_scalar(c->db, "PRAGMA user_version", 0);
	for (; version < CASE_SCHEMA_VERSION; version++) {
		if (case_exec(c->db, schema_migrations[version], err) < 0) {
			case_exec(c->db, "ROLLBACK", NULL);
			return -1;
		}
	}
	snprintf(sql, sizeof sql, "PRAGMA user_version=%d; PRAGMA application_id=%d;",
		 CASE_SCHEMA_VERSION, CASE_APPLICATION_ID);
	if (case_exec(c->db, sql, err) < 0 || case_exec(c->db, "COMMIT", err) < 0) {
		case_exec(c->db, "ROLLBACK", NULL);
		return -1;
	}
	return 0;
}

static int
create_file(const char *path, struct wb_err *err)
{
	/* O_EXCL|O_NOFOLLOW: never follow a link planted where the case goes. */
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);

	if (fd < 0) {
		if (errno == EEXIST)
			return wb_errf(err, _("%s already exists"), path);
		return wb_errf(err, _("cannot create %s: %s"), path, strerror(errno));
	}
	fchmod(fd, 0600);	/* whatever the umask */
	close(fd);
	return 0;
}

static void
set_info_default(wb_case *c, const char *field, const char *value)
{
	sqlite3_stmt *st;

	if (!value)
		return;
	if (sqlite3_prepare_v2(c->db, "INSERT OR IGNORE INTO case_info(field, value) VALUES(?, ?)",
			       -1, &st, NULL) != SQLITE_OK)
		return;
	sqlite3_bind_text(st, 1, field, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	sqlite3_step(st);
	sqlite3_finalize(st);
}

int
case_open(const char *path, int flags, const char *title, const char *symptom,
	  wb_case **out, struct wb_err *err)
{
	struct stat st;
	wb_case *c;
	bool created = false;
	int oflags;

	*out = NULL;
	if (lstat(path, &st) == 0) {
		if (flags & CASE_MUST_NOT_EXIST)
			return wb_errf(err, _("case %s already exists"), path);
		if (S_ISLNK(st.st_mode) && stat(path, &st) < 0)
			return wb_errf(err, _("%s is a dangling symbolic link"), path);
		if (!S_ISREG(st.st_mode))
			return wb_errf(err, _("%s is not a regular file"), path);
		if (st.st_uid != getuid() && !(flags & CASE_ALLOW_FOREIGN))
			return wb_errf(err, _("%s belongs to another user (uid %u): refusing to open it (set WB_ALLOW_FOREIGN=1 to open it anyway)"),
				       path, (unsigned)st.st_uid);
		if (check_header(path, err) < 0)
			return -1;
	} else if (errno != ENOENT) {
		return wb_errf(err, "%s: %s", path, strerror(errno));
	} else if (!(flags & CASE_CREATE)) {
		return wb_errf(err, _("no case at %s (create it with: wb new)"), path);
	} else {
		char *dir = xstrdup(path), *slash = strrchr(dir, '/');

		if (slash && slash != dir) {
			*slash = '\0';
			if (make_dirs(dir, err) < 0) {
				free(dir);
				return -1;
			}
		}
		free(dir);
		if (create_file(path, err) < 0)
			return -1;
		created = true;
	}

	c = xcalloc(1, sizeof *c);
	c->path = xstrdup(path);
	{
		const char *base = strrchr(path, '/');
		size_t n;

		base = base ? base + 1 : path;
		n = strlen(base);
		c->name = xstrndup(base, n > 3 && !strcmp(base + n - 3, ".wb") ? n - 3 : n);
	}
	/* NOMUTEX: a wb_case belongs to one thread (the TUI's importer opens its
	 * own), so SQLite's per-call locking is pure cost. */
	oflags = (flags & CASE_READONLY) ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
	if (sqlite3_open_v2(path, &c->db, oflags | SQLITE_OPEN_NOFOLLOW | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		wb_errf(err, _("cannot open case %s: %s"), path, sqlite3_errmsg(c->db));
		goto fail;
	}
	sqlite3_busy_timeout(c->db, CASE_BUSY_TIMEOUT_MS);
	sqlite3_extended_result_codes(c->db, 1);
	if (!(flags & CASE_READONLY) &&
	    case_exec(c->db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", err) < 0) {
		wb_errf(err, _("%s is not a wb case (%s)"), path, err->msg);
		goto fail;
	}
	if (case_exec(c->db, "PRAGMA foreign_keys=ON;", err) < 0)
		goto fail;
	if (flags & CASE_READONLY) {
		int64_t v = db_scalar(c->db, "PRAGMA user_version", -1);

		if (v != CASE_SCHEMA_VERSION ||
		    db_scalar(c->db, "PRAGMA application_id", 0) != CASE_APPLICATION_ID) {
			if (v > CASE_SCHEMA_VERSION)
				wb_errf(err, _("%s was written by a newer wb (schema %lld; this wb reads up to %d): upgrade wb"),
					path, (long long)v, CASE_SCHEMA_VERSION);
			else
				wb_errf(err, _("%s is not a wb case (or needs to be opened read-write once to upgrade)"), path);
			goto fail;
		}
	} else if (migrate(c, err) < 0)
		goto fail;
	if (created) {
		char *now = wb_now_iso();

		set_info_default(c, "title", title ? title : c->name);
		set_info_default(c, "symptom", symptom ? symptom : "");
		set_info_default(c, "status", "open");
		set_info_default(c, "created", now);
		set_info_default(c, "timezone", "+00:00");
		free(now);
		case_audit(c, NULL, "created case");
	}
	*out = c;
	return 0;
fail:
	case_close(c);
	if (created)
		unlink(path);
	return -1;
}

void
case_close(wb_case *c)
{
	if (!c)
		return;
	sqlite3_close_v2(c->db);
	free(c->path);
	free(c->name);
	free(c);
}

sqlite3 *
case_db(wb_case *c)
{
	return c->db;
}

const char *
case_path(wb_case *c)
{
	return c->path;
}

const char *
case_name(wb_case *c)
{
	return c->name;
}

int
case_audit(wb_case *c, struct wb_err *err, const char *fmt, ...)
{
	sqlite3_stmt *st;
	va_list ap;
	char *action, *now;
	int rc;

	va_start(ap, fmt);
	action = sqlite3_vmprintf(fmt, ap);
	va_end(ap);
	now = wb_now_iso();
	rc = sqlite3_prepare_v2(c->db, "INSERT INTO audit(user, at, action) VALUES(?, ?, ?)", -1, &st, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_text(st, 1, wb_user(), -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, action, -1, SQLITE_STATIC);
		rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
		sqlite3_finalize(st);
	}
	sqlite3_free(action);
	free(now);
	if (rc != SQLITE_OK)
		return wb_errf(err, _("audit log: %s"), sqlite3_errmsg(c->db));
	return 0;
}

int
case_get_info(wb_case *c, const char *field, char **value)
{
	sqlite3_stmt *st;

	*value = NULL;
	if (sqlite3_prepare_v2(c->db, "SELECT value FROM case_info WHERE field = ?", -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(st, 1, field, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		*value = xstrdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return 0;
}

int
case_set_info(wb_case *c, const char *field, const char *value, struct wb_err *err)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(c->db, "INSERT INTO case_info(field, value) VALUES(?, ?) "
			       "ON CONFLICT(field) DO UPDATE SET value = excluded.value",
			       -1, &st, NULL) != SQLITE_OK)
		return wb_errf(err, "%s", sqlite3_errmsg(c->db));
	sqlite3_bind_text(st, 1, field, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return wb_errf(err, "%s", sqlite3_errmsg(c->db));
	return case_audit(c, err, "set %s to %s", field, value);
}

int
case_tz_minutes(wb_case *c)
{
	char *tz = NULL;
	int m = 0;

	case_get_info(c, "timezone", &tz);
	if (tz && wb_parse_tz(tz, &m, NULL) < 0)
		m = 0;
	free(tz);
	return m;
}

int
case_set_evidence_tz(wb_case *c, int64_t evidence_id, int tz_minutes, const char *source,
		     struct wb_err *err)
{
	int64_t old;
	int64_t delta;
	char *sql;
	int rc;

	if (case_exec(c->db, "BEGIN IMMEDIATE", err) < 0)
		return -1;
	sql = sqlite3_mprintf("SELECT tz_minutes FROM evidence WHERE id = %lld", (long long)evidence_id);
	old = db_scalar(c->db, sql, INT64_MIN);
	sqlite3_free(sql);
	if (old == INT64_MIN) {
		case_exec(c->db, "ROLLBACK", NULL);
		return wb_errf(err, _("evidence %lld has no local times to re-zone"), (long long)evidence_id);
	}
	/* utc = local - zone, so moving the zone by d moves every time by -d. */
	delta = -((int64_t)tz_minutes - old) * 60 * WB_US_PER_SEC;
	sql = sqlite3_mprintf(
		"UPDATE timeline SET ts = ts + %lld WHERE evidence_id = %lld AND local;"
		"UPDATE facts SET ts = ts + %lld WHERE evidence_id = %lld AND ts_local;"
		"UPDATE procmon SET ts = ts + %lld WHERE evidence_id = %lld;"
		"UPDATE events SET ts = ts + %lld WHERE evidence_id = %lld AND local;"
		"UPDATE evidence SET tz_minutes = %d, tz_assumption = %Q WHERE id = %lld;",
		(long long)delta, (long long)evidence_id, (long long)delta, (long long)evidence_id,
		(long long)delta, (long long)evidence_id, (long long)delta, (long long)evidence_id,
		tz_minutes, source, (long long)evidence_id);
	rc = case_exec(c->db, sql, err);
	sqlite3_free(sql);
	if (rc == 0)
		rc = case_audit(c, err, "evidence %lld: time zone set to %+d minutes (%s)",
				(long long)evidence_id, tz_minutes, source);
	if (rc < 0 || case_exec(c->db, "COMMIT", err) < 0) {
		case_exec(c->db, "ROLLBACK", NULL);
		return -1;
	}
	return 0;
}

int
case_add_note(wb_case *c, const char *text, int64_t *note_id, struct wb_err *err)
{
	sqlite3_stmt *st;
	char *now = wb_now_iso();
	int rc;

	rc = sqlite3_prepare_v2(c->db, "INSERT INTO notes(user, at, text) VALUES(?, ?, ?)", -1, &st, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_text(st, 1, wb_user(), -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, text, -1, SQLITE_STATIC);
		rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
		sqlite3_finalize(st);
	}
	free(now);
	if (rc != SQLITE_OK && sqlite3_errcode(c->db) == SQLITE_BUSY)
		return wb_errf(err, _("cannot add the note now: an import is writing to the case; try again when it finishes"));
	if (rc != SQLITE_OK)
		return wb_errf(err, _("cannot add note: %s"), sqlite3_errmsg(c->db));
	if (note_id)
		*note_id = sqlite3_last_insert_rowid(c->db);
	return case_audit(c, err, "added note %lld", (long long)sqlite3_last_insert_rowid(c->db));
}
