/* One import = one transaction: evidence row, rows, facts, timeline. */
#include "ingest.h"

#include <errno.h>
#include <fcntl.h>
#include <nettle/sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define STMT_CACHE 32
#define INTERN_SLOTS (1u << 16)	/* bounded: the cache is cleared when full */
#define WARNINGS_KEPT 1000

struct stmt_slot {
	const char *sql;
	sqlite3_stmt *st;
};

struct intern_slot {
	char *s;
	size_t len;
	int64_t id;
};

struct wb_ingest {
	wb_case *c;
	sqlite3 *db;
	char *path;
	int fd;
	uint64_t size;
	uint64_t bytes_read;	/* through ingest_read(), hashed */
	uint64_t bytes_done;	/* for progress */
	struct sha256_ctx sha;
	char sha_hex[65];	/* set by the importer, or empty */
	char *hash_scope;
	const struct wb_import_opts *opts;
	struct wb_import_opts no_opts;
	int64_t evidence_id;
	uint64_t records;
	size_t warnings;
	char *summary;
	int tz_minutes;
	bool tz_given;
	bool tz_used;
	char *tz_text;
	int64_t date_days;
	bool date_given;
	double started, last_progress;
	struct stmt_slot stmts[STMT_CACHE];
	struct intern_slot *intern;
	size_t interned;
};

static void
hex_digest(struct sha256_ctx *ctx, char out[65])
{
	uint8_t d[SHA256_DIGEST_SIZE];

	sha256_digest(ctx, sizeof d, d);
	wb_hex(d, sizeof d, out);
}

/* Before any work: is a file of this size and hash already in the case?
 * Hashing up front costs a second read, so it is done only when some
 * evidence has the same size. */
static int
precheck_duplicate(wb_ingest *ing, struct wb_err *err)
{
	sqlite3_stmt *st;
	char hex[65];
	int rc;

	if (ing->opts->force)
		return 0;
	if (sqlite3_prepare_v2(ing->db, "SELECT id, path, sha256 FROM evidence WHERE size = ? AND sha256 IS NOT NULL",
			       -1, &st, NULL) != SQLITE_OK)
		return wb_errf(err, "%s", sqlite3_errmsg(ing->db));
	sqlite3_bind_int64(st, 1, (sqlite3_int64)ing->size);
	hex[0] = '\0';
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (!hex[0] && wb_sha256_file(ing->path, hex, err) < 0) {
			sqlite3_finalize(st);
			return -1;
		}
		if (!strcmp(hex, (const char *)sqlite3_column_text(st, 2))) {
			wb_errf(err, _("%s was already imported as evidence %lld (%s, same SHA-256); use --force to import it again"),
				ing->path, (long long)sqlite3_column_int64(st, 0),
				(const char *)sqlite3_column_text(st, 1));
			sqlite3_finalize(st);
			return -1;
		}
	}
	sqlite3_finalize(st);
	return 0;
}

int
ingest_begin(wb_case *c, const char *path, const char *kind, const char *importer,
	     const char *importer_version, const struct wb_import_opts *opts,
	     wb_ingest **out, struct wb_err *err)
{
	wb_ingest *ing;
	struct stat st;
	sqlite3_stmt *ins;
	char *now, *abs;
	int rc;

	*out = NULL;
	ing = xcalloc(1, sizeof *ing);
	ing->c = c;
	ing->db = case_db(c);
	ing->opts = opts ? opts : &ing->no_opts;
	ing->path = xstrdup(path);
	ing->fd = open(path, O_RDONLY | O_CLOEXEC);
	ing->started = ing->last_progress = wb_now();
	ing->hash_scope = xstrdup("full");
	sha256_init(&ing->sha);
	if (ing->fd < 0) {
		wb_errf(err, "%s: %s", path, strerror(errno));
		goto fail;
	}
	if (fstat(ing->fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		wb_errf(err, _("%s: not a regular file"), path);
		goto fail;
	}
	ing->size = (uint64_t)st.st_size;
	if (ing->opts->tz) {
		if (wb_parse_tz(ing->opts->tz, &ing->tz_minutes, err) < 0)
			goto fail;
		ing->tz_given = true;
	} else
		ing->tz_minutes = case_tz_minutes(c);
	if (ing->opts->date) {
		if (wb_parse_date(ing->opts->date, &ing->date_days, err) < 0)
			goto fail;
		ing->date_given = true;
	}
	/* Another engineer's import holds the write lock for its whole length:
	 * wait for it (up to an hour) rather than fail with "database is locked". */
	sqlite3_busy_timeout(ing->db, 3600 * 1000);
	rc = case_exec(ing->db, "BEGIN IMMEDIATE", err);
	sqlite3_busy_timeout(ing->db, CASE_BUSY_TIMEOUT_MS);
	if (rc < 0) {
		wb_errf(err, _("cannot start the import: %s"), err->msg);
		goto fail;
	}
	if (precheck_duplicate(ing, err) < 0) {
		case_exec(ing->db, "ROLLBACK", NULL);
		goto fail;
	}
	abs = realpath(path, NULL);
	now = wb_now_iso();
	rc = sqlite3_prepare_v2(ing->db,
				"INSERT INTO evidence(kind, importer, importer_version, path, size, imported_at, imported_by)"
				" VALUES(?, ?, ?, ?, ?, ?, ?)", -1, &ins, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_text(ins, 1, kind, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 2, importer, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 3, importer_version, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 4, abs ? abs : path, -1, SQLITE_STATIC);
		sqlite3_bind_int64(ins, 5, (sqlite3_int64)ing->size);
		sqlite3_bind_text(ins, 6, now, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 7, wb_user(), -1, SQLITE_TRANSIENT);
		rc = sqlite3_step(ins) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
		sqlite3_finalize(ins);
	}
	free(abs);
	free(now);
	if (rc != SQLITE_OK) {
		wb_errf(err, _("cannot record the evidence: %s"), sqlite3_errmsg(ing->db));
		case_exec(ing->db, "ROLLBACK", NULL);
		goto fail;
	}
	ing->evidence_id = sqlite3_last_insert_rowid(ing->db);
	*out = ing;
	return 0;
fail:
	ingest_abort(ing);
	return -1;
}

static void
ingest_free(wb_ingest *ing)
{
	if (!ing)
		return;
	for (int i = 0; i < STMT_CACHE; i++)
		sqlite3_finalize(ing->stmts[i].st);
	if (ing->intern) {
		for (size_t i = 0; i < INTERN_SLOTS; i++)
			free(ing->intern[i].s);
		free(ing->intern);
	}
	if (ing->fd >= 0)
		close(ing->fd);
	free(ing->path);
	free(ing->summary);
	free(ing->tz_text);
	free(ing->hash_scope);
	free(ing);
}

void
ingest_abort(wb_ingest *ing)
{
	if (!ing)
		return;
	if (ing->evidence_id && !sqlite3_get_autocommit(ing->db))
		case_exec(ing->db, "ROLLBACK", NULL);
	ingest_free(ing);
}

/* Hash what the importer did not read through ingest_read(). */
static int
finish_hash(wb_ingest *ing, struct wb_err *err)
{
	char *buf;
	ssize_t n;

	if (ing->sha_hex[0])
		return 0;
	if (lseek(ing->fd, (off_t)ing->bytes_read, SEEK_SET) < 0)
		return wb_errf(err, "%s: %s", ing->path, strerror(errno));
	buf = xmalloc(1 << 20);
	while ((n = read(ing->fd, buf, 1 << 20)) > 0) {
		sha256_update(&ing->sha, (size_t)n, (const uint8_t *)buf);
		ing->bytes_read += (uint64_t)n;
	}
	free(buf);
	if (n < 0)
		return wb_errf(err, "%s: %s", ing->path, strerror(errno));
	hex_digest(&ing->sha, ing->sha_hex);
	return 0;
}

int
ingest_commit(wb_ingest *ing, int64_t *evidence_id, struct wb_err *err)
{
	sqlite3_stmt *st;
	char tz[16];
	int rc;

	if (ing->opts->cancel && *ing->opts->cancel) {
		wb_errf(err, _("%s: import cancelled; the case is unchanged"), ing->path);
		goto fail;
	}
	if (finish_hash(ing, err) < 0)
		goto fail;
	if (!ing->opts->force) {
		if (sqlite3_prepare_v2(ing->db, "SELECT id, path FROM evidence WHERE sha256 = ? AND id != ?",
				       -1, &st, NULL) != SQLITE_OK) {
			wb_errf(err, "%s", sqlite3_errmsg(ing->db));
			goto fail;
		}
		sqlite3_bind_text(st, 1, ing->sha_hex, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, ing->evidence_id);
		if (sqlite3_step(st) == SQLITE_ROW) {
			wb_errf(err, _("%s was already imported as evidence %lld (%s, same SHA-256); use --force to import it again"),
				ing->path, (long long)sqlite3_column_int64(st, 0),
				(const char *)sqlite3_column_text(st, 1));
			sqlite3_finalize(st);
			goto fail;
		}
		sqlite3_finalize(st);
	}
	if (sqlite3_prepare_v2(ing->db,
			       "UPDATE evidence SET sha256 = ?, hash_scope = ?, records = ?, status = ?,"
			       " tz_minutes = ?, tz_assumption = ?, summary = ? WHERE id = ?",
			       -1, &st, NULL) != SQLITE_OK) {
		wb_errf(err, "%s", sqlite3_errmsg(ing->db));
		goto fail;
	}
	sqlite3_bind_text(st, 1, ing->sha_hex, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, ing->hash_scope, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)ing->records);
	sqlite3_bind_text(st, 4, ing->warnings ? "partial" : "ok", -1, SQLITE_STATIC);
	if (ing->tz_used) {
		sqlite3_bind_int(st, 5, ing->tz_minutes);
		if (ing->tz_text)
			sqlite3_bind_text(st, 6, ing->tz_text, -1, SQLITE_STATIC);
		else {
			char *text;

			wb_format_tz(ing->tz_minutes, tz, sizeof tz);
			text = ing->tz_given ? xasprintf("--tz %s", tz)
					     : xasprintf(_("case time zone %s (assumed)"), tz);
			sqlite3_bind_text(st, 6, text, -1, SQLITE_TRANSIENT);
			free(text);
		}
	}
	sqlite3_bind_text(st, 7, ing->summary, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 8, ing->evidence_id);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		wb_errf(err, _("cannot finish the import: %s"), sqlite3_errmsg(ing->db));
		goto fail;
	}
	/* case_audit() formats with sqlite3_mprintf: no %zu there (%z is a string). */
	if (case_audit(ing->c, err, "imported %s as evidence %lld (%lld records, %lld warnings)",
		       ing->path, (long long)ing->evidence_id, (long long)ing->records,
		       (long long)ing->warnings) < 0)
		goto fail;
	if (case_exec(ing->db, "COMMIT", err) < 0) {
		wb_errf(err, _("cannot commit the import: %s"), err->msg);
		goto fail;
	}
	if (evidence_id)
		*evidence_id = ing->evidence_id;
	ingest_free(ing);
	return 0;
fail:
	ingest_abort(ing);
	return -1;
}

const char *
ingest_path(wb_ingest *ing)
{
	return ing->path;
}

const struct wb_import_opts *
ingest_opts(wb_ingest *ing)
{
	return ing->opts;
}

sqlite3 *
ingest_db(wb_ingest *ing)
{
	return ing->db;
}

int64_t
ingest_evidence_id(wb_ingest *ing)
{
	return ing->evidence_id;
}

uint64_t
ingest_file_size(wb_ingest *ing)
{
	return ing->size;
}

ssize_t
ingest_read(wb_ingest *ing, void *buf, size_t n, struct wb_err *err)
{
	ssize_t got;

	do
		got = pread(ing->fd, buf, n, (off_t)ing->bytes_read);
	while (got < 0 && errno == EINTR);
	if (got < 0)
		return wb_errf(err, _("%s: read error at offset %llu: %s"), ing->path,
			       (unsigned long long)ing->bytes_read, strerror(errno));
	sha256_update(&ing->sha, (size_t)got, buf);
	ing->bytes_read += (uint64_t)got;
	ing->bytes_done = ing->bytes_read;
	return got;
}

void
ingest_set_sha256(wb_ingest *ing, const char hex[65], const char *scope)
{
	memcpy(ing->sha_hex, hex, 64);
	ing->sha_hex[64] = '\0';
	free(ing->hash_scope);
	ing->hash_scope = xstrdup(scope ? scope : "full");
}

void
ingest_bytes_done(wb_ingest *ing, uint64_t bytes)
{
	ing->bytes_done = bytes;
}

sqlite3_stmt *
ingest_prepare(wb_ingest *ing, const char *sql, struct wb_err *err)
{
	int free_slot = -1;

	for (int i = 0; i < STMT_CACHE; i++) {
		if (ing->stmts[i].sql == sql || (ing->stmts[i].sql && !strcmp(ing->stmts[i].sql, sql)))
			return ing->stmts[i].st;
		if (!ing->stmts[i].sql && free_slot < 0)
			free_slot = i;
	}
	if (free_slot < 0) {
		wb_errf(err, "internal: more than %d prepared statements in one import", STMT_CACHE);
		return NULL;
	}
	if (sqlite3_prepare_v3(ing->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
			       &ing->stmts[free_slot].st, NULL) != SQLITE_OK) {
		wb_errf(err, "internal: %s in: %s", sqlite3_errmsg(ing->db), sql);
		return NULL;
	}
	ing->stmts[free_slot].sql = sql;
	return ing->stmts[free_slot].st;
}

int
ingest_step(wb_ingest *ing, sqlite3_stmt *st, struct wb_err *err)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		const char *msg = sqlite3_errmsg(ing->db);

		if ((rc & 0xff) == SQLITE_FULL || rc == SQLITE_IOERR_WRITE)
			return wb_errf(err, _("cannot write to the case %s: the disk is full or a file size "
					      "limit was reached (%s); the case is unchanged"),
				       case_path(ing->c), msg);
		return wb_errf(err, _("database error: %s"), msg);
	}
	return 0;
}

void
ingest_bind_text(sqlite3_stmt *st, int idx, const char *s)
{
	if (s)
		sqlite3_bind_text(st, idx, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, idx);
}

void
ingest_bind_textn(sqlite3_stmt *st, int idx, const char *s, size_t n)
{
	if (s)
		sqlite3_bind_text(st, idx, s, (int)n, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, idx);
}

static uint32_t
fnv1a(const char *s, size_t n)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

int64_t
ingest_intern(wb_ingest *ing, const char *s, size_t len, struct wb_err *err)
{
	static const char ins_sql[] = "INSERT INTO strings(s) VALUES(?) ON CONFLICT(s) DO NOTHING";
	static const char sel_sql[] = "SELECT id FROM strings WHERE s = ?";
	sqlite3_stmt *ins, *sel;
	struct intern_slot *slot;
	uint32_t h = fnv1a(s, len);
	int64_t id = -1;

	if (!ing->intern)
		ing->intern = xcalloc(INTERN_SLOTS, sizeof *ing->intern);
	for (uint32_t i = 0;; i++) {
		slot = &ing->intern[(h + i) & (INTERN_SLOTS - 1)];
		if (!slot->s)
			break;
		if (slot->len == len && !memcmp(slot->s, s, len))
			return slot->id;
	}
	if (ing->interned >= INTERN_SLOTS / 2) {	/* keep memory flat */
		for (size_t i = 0; i < INTERN_SLOTS; i++) {
			free(ing->intern[i].s);
			ing->intern[i].s = NULL;
		}
		ing->interned = 0;
		slot = &ing->intern[h & (INTERN_SLOTS - 1)];
	}
	if (!(ins = ingest_prepare(ing, ins_sql, err)) || !(sel = ingest_prepare(ing, sel_sql, err)))
		return -1;
	sqlite3_bind_text(ins, 1, s, (int)len, SQLITE_STATIC);
	if (ingest_step(ing, ins, err) < 0)
		return -1;
	if (sqlite3_changes(ing->db) > 0)
		id = sqlite3_last_insert_rowid(ing->db);
	else {
		sqlite3_bind_text(sel, 1, s, (int)len, SQLITE_STATIC);
		if (sqlite3_step(sel) == SQLITE_ROW)
			id = sqlite3_column_int64(sel, 0);
		sqlite3_reset(sel);
		sqlite3_clear_bindings(sel);
		if (id < 0)
			return wb_errf(err, _("database error: %s"), sqlite3_errmsg(ing->db));
	}
	slot->s = xstrndup(s, len);
	slot->len = len;
	slot->id = id;
	ing->interned++;
	return id;
}

int
ingest_fact(wb_ingest *ing, const struct wb_fact *f, struct wb_err *err)
{
	static const char sql[] =
		"INSERT INTO facts(evidence_id, key, value, num, text, ts, ts_local, ref_table, ref_id)"
		" VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)";
	sqlite3_stmt *st = ingest_prepare(ing, sql, err);

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, ing->evidence_id);
	sqlite3_bind_text(st, 2, f->key, -1, SQLITE_STATIC);
	ingest_bind_text(st, 3, f->value);
	if (f->has_num)
		sqlite3_bind_int64(st, 4, f->num);
	ingest_bind_text(st, 5, f->text);
	if (f->has_ts)
		sqlite3_bind_int64(st, 6, f->ts);
	sqlite3_bind_int(st, 7, f->ts_local);
	if (f->ts_local)
		ing->tz_used = true;
	ingest_bind_text(st, 8, f->ref_table);
	if (f->ref_id)
		sqlite3_bind_int64(st, 9, f->ref_id);
	return ingest_step(ing, st, err);
}

int
ingest_fact_str(wb_ingest *ing, const char *key, const char *value, const char *text,
		const char *ref_table, int64_t ref_id, struct wb_err *err)
{
	struct wb_fact f = {.key = key, .value = value, .text = text,
			    .ref_table = ref_table, .ref_id = ref_id};

	return ingest_fact(ing, &f, err);
}

int
ingest_fact_num(wb_ingest *ing, const char *key, const char *value, int64_t num,
		const char *text, const char *ref_table, int64_t ref_id, struct wb_err *err)
{
	struct wb_fact f = {.key = key, .value = value, .has_num = true, .num = num,
			    .text = text, .ref_table = ref_table, .ref_id = ref_id};

	return ingest_fact(ing, &f, err);
}

int
ingest_timeline(wb_ingest *ing, const struct wb_tl *t, struct wb_err *err)
{
	static const char sql[] =
		"INSERT INTO timeline(evidence_id, ts, local, level, kind, summary, ref_table, ref_id)"
		" VALUES(?, ?, ?, ?, ?, ?, ?, ?)";
	sqlite3_stmt *st = ingest_prepare(ing, sql, err);

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, ing->evidence_id);
	sqlite3_bind_int64(st, 2, t->ts);
	sqlite3_bind_int(st, 3, t->local);
	if (t->local)
		ing->tz_used = true;
	ingest_bind_text(st, 4, t->level);
	sqlite3_bind_text(st, 5, t->kind, -1, SQLITE_STATIC);
	ingest_bind_text(st, 6, t->summary ? t->summary : "");
	ingest_bind_text(st, 7, t->ref_table);
	if (t->ref_id)
		sqlite3_bind_int64(st, 8, t->ref_id);
	return ingest_step(ing, st, err);
}

void
ingest_warn(wb_ingest *ing, int64_t line, int64_t offset, const char *fmt, ...)
{
	static const char sql[] =
		"INSERT INTO evidence_warning(evidence_id, line, offset, message) VALUES(?, ?, ?, ?)";
	sqlite3_stmt *st;
	char msg[512];
	va_list ap;

	ing->warnings++;
	if (ing->warnings > WARNINGS_KEPT + 1)
		return;
	if (ing->warnings == WARNINGS_KEPT + 1)
		snprintf(msg, sizeof msg, _("more than %d warnings: the rest are counted, not kept"), WARNINGS_KEPT);
	else {
		va_start(ap, fmt);
		vsnprintf(msg, sizeof msg, fmt, ap);
		va_end(ap);
	}
	if (!(st = ingest_prepare(ing, sql, NULL)))
		return;
	sqlite3_bind_int64(st, 1, ing->evidence_id);
	if (line >= 0)
		sqlite3_bind_int64(st, 2, line);
	if (offset >= 0)
		sqlite3_bind_int64(st, 3, offset);
	sqlite3_bind_text(st, 4, msg, -1, SQLITE_TRANSIENT);
	ingest_step(ing, st, NULL);
}

size_t
ingest_warning_count(wb_ingest *ing)
{
	return ing->warnings;
}

void
ingest_add_records(wb_ingest *ing, uint64_t n)
{
	ing->records += n;
}

void
ingest_set_summary(wb_ingest *ing, const char *summary)
{
	free(ing->summary);
	ing->summary = summary ? xstrdup(summary) : NULL;
}

int
ingest_tz_minutes(wb_ingest *ing)
{
	return ing->tz_minutes;
}

bool
ingest_tz_given(wb_ingest *ing)
{
	return ing->tz_given;
}

void
ingest_set_tz_assumption(wb_ingest *ing, int tz_minutes, const char *text)
{
	ing->tz_minutes = tz_minutes;
	ing->tz_used = true;
	free(ing->tz_text);
	ing->tz_text = text ? xstrdup(text) : NULL;
}

bool
ingest_date_days(wb_ingest *ing, int64_t *days)
{
	if (ing->date_given)
		*days = ing->date_days;
	return ing->date_given;
}

int
ingest_progress(wb_ingest *ing, struct wb_err *err)
{
	double now;

	if (ing->opts->cancel && *ing->opts->cancel)
		return wb_errf(err, _("%s: import cancelled; the case is unchanged"), ing->path);
	if (!ing->opts->progress)
		return 0;
	now = wb_now();
	if (now - ing->last_progress >= 0.1) {
		struct wb_progress p = {
			.path = ing->path,
			.bytes_done = ing->bytes_done,
			.bytes_total = ing->size,
			.records = ing->records,
			.elapsed = now - ing->started,
		};

		ing->last_progress = now;
		ing->opts->progress(&p, ing->opts->progress_ctx);
	}
	return 0;
}
