/*
 * Process Monitor CSV exports: every row into `procmon` (repeated strings
 * interned, per-process columns once per process in `procmon_process`), and
 * the VSS writer analysis (procmon_vss.h) into facts and the timeline.
 * docs/PROCMON.md describes the behaviour.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../core/sanitize.h"
#include "importer.h"
#include "procmon_csv.h"
#include "procmon_vss.h"

enum column {
	COL_TOD, COL_PROCESS, COL_PID, COL_OPERATION, COL_PATH, COL_RESULT, COL_DETAIL,
	COL_DATETIME, COL_RELTIME, COL_DURATION, COL_COMPLETION, COL_CLASS, COL_SEQ,
	COL_TID, COL_CATEGORY,
	/* per process */
	COL_IMAGE, COL_COMPANY, COL_DESCRIPTION, COL_VERSION, COL_USER, COL_AUTHID,
	COL_SESSION, COL_CMDLINE, COL_VIRTUALIZED, COL_INTEGRITY, COL_PPID, COL_ARCH,
	COL_COUNT
};
#define FIRST_PROCESS_COL COL_IMAGE

/* Header names exactly as Procmon writes them (formats.md 1.2). */
static const char *const column_names[COL_COUNT] = {
	[COL_TOD] = "Time of Day", [COL_PROCESS] = "Process Name", [COL_PID] = "PID",
	[COL_OPERATION] = "Operation", [COL_PATH] = "Path", [COL_RESULT] = "Result",
	[COL_DETAIL] = "Detail", [COL_DATETIME] = "Date & Time", [COL_RELTIME] = "Relative Time",
	[COL_DURATION] = "Duration", [COL_COMPLETION] = "Completion Time",
	[COL_CLASS] = "Event Class", [COL_SEQ] = "Sequence", [COL_TID] = "TID",
	[COL_CATEGORY] = "Category", [COL_IMAGE] = "Image Path", [COL_COMPANY] = "Company",
	[COL_DESCRIPTION] = "Description", [COL_VERSION] = "Version", [COL_USER] = "User",
	[COL_AUTHID] = "Authentication ID", [COL_SESSION] = "Session",
	[COL_CMDLINE] = "Command Line", [COL_VIRTUALIZED] = "Virtualized",
	[COL_INTEGRITY] = "Integrity", [COL_PPID] = "Parent PID", [COL_ARCH] = "Architecture",
};

/* Cache sizes grow with the file up to these bounds (small files, as the
 * fuzzer feeds, stay cheap; huge ones stay within flat memory). */
#define PROC_SLOTS (1u << 14)	/* pid -> procmon_process row cache */
#define TEXT_SLOTS (1u << 19)	/* path/detail -> procmon_text row cache ... */
#define TEXT_ARENA (32u << 20)	/* ... holding at most this much text ... */
#define TEXT_CACHED_MAX 4096	/* ... in texts no longer than this */
#define PROGRESS_EVERY 4096
#define MIN_KNOWN_COLUMNS 3

struct proc_slot {
	int64_t pid;		/* -1: free */
	uint64_t hash;		/* of the per-process columns */
	int64_t id;
};

/* Path and Detail texts already stored for this evidence, their bytes in
 * one arena.  When full the cache is emptied: memory stays flat and a text
 * seen again is stored a second time, which costs space, not correctness. */
struct text_slot {
	int64_t id;		/* procmon_text.id; 0: free */
	uint32_t tag;		/* high bits of the hash: most misses end here */
	uint32_t len;
	uint32_t off;		/* in the arena */
};

enum date_source { DATE_NONE, DATE_COLUMN, DATE_OPTION };

struct pm {
	wb_ingest *ing;
	procmon_csv *csv;
	procmon_vss *vss;
	const char *path;
	int col[COL_COUNT];	/* field index or -1 */
	size_t ncols;
	size_t *unknown;	/* field indexes of columns wb does not know */
	char **unknown_names;
	size_t nunknown;
	bool process_cols;
	/* time */
	enum date_source date_source;
	enum procmon_date_order order;
	int64_t date_days;	/* --date */
	int64_t day_shift;	/* midnight roll-overs seen with --date */
	int64_t prev_tod;
	bool have_prev, any_ts;
	int tz_minutes;
	struct proc_slot *procs;
	size_t nprocs, proc_slots;
	struct text_slot *texts;
	char *arena;
	size_t ntexts, text_slots, arena_used, arena_size;
	/* Rows come in bursts (same process, result, often the same path as
	 * the row before): the previous value of each column is checked first. */
	struct text_slot last_text[2];	/* Path, Detail */
	struct {
		int64_t id;
		size_t len;
		char s[64];
	} last_interned[COL_COUNT];
	uint64_t rows;
	bool checked_magic, read_failed;
	char *columns_json;	/* the header, for procmon_capture */
	int64_t first_id, last_id;	/* procmon rows of this import */
	int64_t text_first, text_last;	/* procmon_text rows of this import */
};

static ssize_t
read_evidence(void *ctx, void *buf, size_t n, struct wb_err *err)
{
	struct pm *pm = ctx;
	ssize_t got = ingest_read(pm->ing, buf, n, err);

	if (got < 0)
		pm->read_failed = true;
	if (got > 0 && !pm->checked_magic) {
		const unsigned char *b = buf;
		char what[96] = "";

		pm->checked_magic = true;
		if (got >= 2 && ((b[0] == 0xFF && b[1] == 0xFE) || (b[0] == 0xFE && b[1] == 0xFF))) {
			pm->read_failed = true;
			return wb_errf(err, _("%s: UTF-16 text; a Procmon CSV export is UTF-8 (re-export it from Process Monitor, or convert it: iconv -f UTF-16 -t UTF-8)"),
				       pm->path);
		}
		pm->read_failed = got >= 4 && !memcmp(buf, "PML_", 4);
		if (!pm->read_failed)
			return got;
		/* Header (formats.md 1.9): u32 version at 4, u32 event count at 0x234. */
		if (got >= 0x238)
			snprintf(what, sizeof what, _(" version %u, %u events"),
				 (unsigned)(b[4] | b[5] << 8 | b[6] << 16 | (uint32_t)b[7] << 24),
				 (unsigned)(b[0x234] | b[0x235] << 8 | b[0x236] << 16 | (uint32_t)b[0x237] << 24));
		return wb_errf(err, _("%s: this is a native Procmon log (PML%s); wb reads CSV: in Process Monitor use File > Save..., choose \"Comma-Separated Values (CSV)\" and \"All events\", and import that file"),
			       pm->path, what);
	}
	return got;
}

/* A short sanitised excerpt of evidence text for an error message. */
static char *
excerpt(const char *s)
{
	struct wb_buf b = {0};
	size_t n = strlen(s);

	sanitize_append(&b, s, n > 60 ? 60 : n, 0);
	if (n > 60)
		buf_puts(&b, "...");
	return b.data ? b.data : xstrdup("");
}

static int
read_header(struct pm *pm, struct wb_err *err)
{
	struct procmon_csv_field *f;
	size_t n, known = 0;
	int rc = procmon_csv_next(pm->csv, &f, &n, err);

	if (rc < 0)
		return -1;
	if (rc == 0)
		return wb_errf(err, _("%s: the file is empty (expected a Procmon CSV header line)"), pm->path);
	for (int c = 0; c < COL_COUNT; c++)
		pm->col[c] = -1;
	pm->ncols = n;
	pm->unknown = xcalloc(n, sizeof *pm->unknown);
	pm->unknown_names = xcalloc(n, sizeof *pm->unknown_names);
	{
		json_t *names = json_array();

		for (size_t i = 0; i < n; i++)
			json_array_append_new(names, json_stringn(f[i].s, f[i].len));
		pm->columns_json = json_dumps(names, JSON_COMPACT);
		json_decref(names);
	}
	for (size_t i = 0; i < n; i++) {
		int c;

		for (c = 0; c < COL_COUNT && strcmp(f[i].s, column_names[c]); c++)
			;
		if (c == COL_COUNT) {
			pm->unknown[pm->nunknown] = i;
			pm->unknown_names[pm->nunknown++] = xstrdup(f[i].s);
			continue;
		}
		if (pm->col[c] >= 0) {
			char *name = excerpt(f[i].s);

			wb_errf(err, _("%s: line 1: column \"%s\" appears twice (expected each column once)"),
				pm->path, name);
			free(name);
			return -1;
		}
		pm->col[c] = (int)i;
		known++;
		if (c >= FIRST_PROCESS_COL)
			pm->process_cols = true;
	}
	if (pm->col[COL_OPERATION] < 0 || known < MIN_KNOWN_COLUMNS) {
		char *first = excerpt(n ? f[0].s : "");

		wb_errf(err, _("%s: line 1: not a Process Monitor CSV header (expected columns such as \"Time of Day\",\"Process Name\",\"PID\",\"Operation\",\"Path\",\"Result\",\"Detail\"; the first column is \"%s\")"),
			pm->path, first);
		free(first);
		return -1;
	}
	return 0;
}

/* Field of a column, or NULL when the column is absent or the field empty. */
static const char *
field(const struct pm *pm, const struct procmon_csv_field *f, enum column c)
{
	return pm->col[c] >= 0 && f[pm->col[c]].len ? f[pm->col[c]].s : NULL;
}

/* A row that cannot be imported: an error, or a warning with --lenient. */
#define BAD_ROW 1

static int
bad_value(struct pm *pm, enum column c, const char *value, const char *expected, struct wb_err *err)
{
	char *v = excerpt(value);

	wb_errf(err, _("%s: line %lld: %s \"%s\": expected %s"), pm->path,
		(long long)procmon_csv_line(pm->csv), column_names[c], v, expected);
	free(v);
	return BAD_ROW;
}

static int
int_field(struct pm *pm, const struct procmon_csv_field *f, enum column c, bool *has,
	  int64_t *v, struct wb_err *err)
{
	const char *s = field(pm, f, c);

	*has = false;
	if (!s || !strcmp(s, "n/a"))
		return 0;
	if (procmon_parse_int(s, v) < 0)
		return bad_value(pm, c, s, _("a number"), err);
	*has = true;
	return 0;
}

/* Local time of the row as 100 ns ticks since 1970 (naive), or none. */
static int
row_time(struct pm *pm, const struct procmon_csv_field *f, int64_t *tod, bool *has_tod,
	 int64_t *local, bool *has_local, struct wb_err *err)
{
	const char *t = field(pm, f, COL_TOD), *dt = field(pm, f, COL_DATETIME);
	bool twelve = false;
	int64_t days = 0;

	*has_tod = *has_local = false;
	if (!t && dt)		/* no Time of Day column: the time part of Date & Time */
		t = strchr(dt, ' ');
	if (!t)
		return 0;
	if (procmon_parse_tod(t, tod, &twelve) < 0)
		return bad_value(pm, t == field(pm, f, COL_TOD) ? COL_TOD : COL_DATETIME, t,
				 _("a time such as 6:55:07.0236729 AM or 15:44:53,1234567"), err);
	*has_tod = true;
	if (dt) {
		if (procmon_parse_date(dt, &pm->order, twelve ? PROCMON_DATE_MDY : PROCMON_DATE_DMY, &days) < 0)
			return bad_value(pm, COL_DATETIME, dt, _("a date such as 7/31/2020 6:55:07 AM or 2020/07/31 15:44:53"), err);
		pm->date_source = DATE_COLUMN;
	} else if (pm->date_source == DATE_OPTION) {
		/* Time of Day only: a jump back of more than 12 hours is midnight. */
		if (pm->have_prev && *tod + PROCMON_TICKS_PER_DAY / 2 < pm->prev_tod)
			pm->day_shift++;
		pm->prev_tod = *tod;
		pm->have_prev = true;
		days = pm->date_days + pm->day_shift;
	} else
		return 0;
	*local = days * PROCMON_TICKS_PER_DAY + *tod;
	*has_local = true;
	return 0;
}

static uint64_t
hash_fields(const struct pm *pm, const struct procmon_csv_field *f)
{
	uint64_t h = UINT64_C(14695981039346656037);

	for (int c = FIRST_PROCESS_COL - 1; c < COL_COUNT; c++) {
		int i = c == FIRST_PROCESS_COL - 1 ? pm->col[COL_PROCESS] : pm->col[c];

		if (i >= 0)
			for (size_t k = 0; k <= f[i].len; k++)	/* with the NUL: fields stay apart */
				h = (h ^ (unsigned char)f[i].s[k]) * UINT64_C(1099511628211);
	}
	return h;
}

/* procmon_process row for this row's process (new when its columns change). */
static int64_t
process_row(struct pm *pm, const struct procmon_csv_field *f, int64_t pid, struct wb_err *err)
{
	static const char sql[] =
		"INSERT INTO procmon_process(evidence_id, pid, name, parent_pid, session, image_path,"
		" command_line, user, auth_id, company, description, version, integrity, virtualized,"
		" architecture) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
	static const enum column text_cols[] = {
		COL_IMAGE, COL_CMDLINE, COL_USER, COL_AUTHID, COL_COMPANY, COL_DESCRIPTION,
		COL_VERSION, COL_INTEGRITY, COL_VIRTUALIZED, COL_ARCH,
	};
	uint64_t h = hash_fields(pm, f);
	size_t mask = pm->proc_slots - 1;
	size_t i = (size_t)((uint64_t)pid * UINT64_C(0x9E3779B97F4A7C15) >> 40) & mask;
	sqlite3_stmt *st;
	int64_t v;
	bool has;

	for (; pm->procs[i].pid >= 0; i = (i + 1) & mask)
		if (pm->procs[i].pid == pid) {
			if (pm->procs[i].hash == h)
				return pm->procs[i].id;
			break;
		}
	if (pm->procs[i].pid < 0 && pm->nprocs >= pm->proc_slots / 2) {
		/* Keep memory flat: forget the cache; a process seen again gets a
		 * second identical row, which is harmless. */
		for (size_t k = 0; k < pm->proc_slots; k++)
			pm->procs[k].pid = -1;
		pm->nprocs = 0;
		i = (size_t)((uint64_t)pid * UINT64_C(0x9E3779B97F4A7C15) >> 40) & mask;
	}
	if (!(st = ingest_prepare(pm->ing, sql, err)))
		return -1;
	sqlite3_bind_int64(st, 1, ingest_evidence_id(pm->ing));
	if (pid >= 0)
		sqlite3_bind_int64(st, 2, pid);
	ingest_bind_text(st, 3, field(pm, f, COL_PROCESS));
	if (int_field(pm, f, COL_PPID, &has, &v, err))
		return -2;
	if (has)
		sqlite3_bind_int64(st, 4, v);
	if (int_field(pm, f, COL_SESSION, &has, &v, err))
		return -2;
	if (has)
		sqlite3_bind_int64(st, 5, v);
	for (size_t k = 0; k < sizeof text_cols / sizeof *text_cols; k++)
		sqlite3_bind_text(st, 6 + (int)k, field(pm, f, text_cols[k]), -1, SQLITE_STATIC);
	if (ingest_step(pm->ing, st, err) < 0)
		return -1;
	if (pm->procs[i].pid < 0)
		pm->nprocs++;
	pm->procs[i] = (struct proc_slot){.pid = pid, .hash = h,
					  .id = sqlite3_last_insert_rowid(ingest_db(pm->ing))};
	return pm->procs[i].id;
}

/* A quick hash of a text, eight bytes at a time. */
static uint64_t
hash_text(const char *s, size_t len)
{
	uint64_t h = len * UINT64_C(0x9E3779B97F4A7C15), w;

	for (; len >= 8; s += 8, len -= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * UINT64_C(0xFF51AFD7ED558CCD);
		h ^= h >> 32;
	}
	w = 0;
	memcpy(&w, s, len);
	h = (h ^ w) * UINT64_C(0xFF51AFD7ED558CCD);
	return h ^ h >> 29;
}

static void
texts_clear(struct pm *pm)
{
	memset(pm->texts, 0, pm->text_slots * sizeof *pm->texts);
	memset(pm->last_text, 0, sizeof pm->last_text);
	pm->ntexts = pm->arena_used = 0;
}

/* Bind procmon_text.id of a path or detail (NULL when empty).  Returns 0 or -1. */
static int
bind_text(struct pm *pm, sqlite3_stmt *st, int idx, const struct procmon_csv_field *f,
	  enum column c, struct wb_err *err)
{
	static const char sql[] = "INSERT INTO procmon_text(evidence_id, s) VALUES(?, ?)";
	const char *s = field(pm, f, c);
	struct text_slot *slot = NULL, *last = &pm->last_text[c == COL_DETAIL];
	sqlite3_stmt *ins;
	size_t len;
	uint64_t h = 0;
	int64_t id;

	if (!s)
		return 0;
	len = f[pm->col[c]].len;
	if (last->id && last->len == len && !memcmp(pm->arena + last->off, s, len)) {
		sqlite3_bind_int64(st, idx, last->id);
		return 0;
	}
	if (len <= TEXT_CACHED_MAX) {
		size_t mask = pm->text_slots - 1, i;

		h = hash_text(s, len);
		for (i = (size_t)h & mask; pm->texts[i].id; i = (i + 1) & mask)
			if (pm->texts[i].tag == (uint32_t)(h >> 32) && pm->texts[i].len == len &&
			    !memcmp(pm->arena + pm->texts[i].off, s, len)) {
				*last = pm->texts[i];
				sqlite3_bind_int64(st, idx, pm->texts[i].id);
				return 0;
			}
		if (pm->ntexts >= pm->text_slots / 2 || pm->arena_used + len > pm->arena_size) {
			texts_clear(pm);
			i = (size_t)h & mask;
		}
		slot = &pm->texts[i];
	}
	if (!(ins = ingest_prepare(pm->ing, sql, err)))
		return -1;
	sqlite3_bind_int64(ins, 1, ingest_evidence_id(pm->ing));
	sqlite3_bind_text(ins, 2, s, (int)len, SQLITE_STATIC);
	if (ingest_step(pm->ing, ins, err) < 0)
		return -1;
	id = sqlite3_last_insert_rowid(ingest_db(pm->ing));
	if (!pm->text_first)
		pm->text_first = id;
	pm->text_last = id;
	if (slot) {
		memcpy(pm->arena + pm->arena_used, s, len);
		*slot = (struct text_slot){.id = id, .tag = (uint32_t)(h >> 32), .len = (uint32_t)len,
					   .off = (uint32_t)pm->arena_used};
		pm->arena_used += len;
		pm->ntexts++;
		*last = *slot;
	}
	sqlite3_bind_int64(st, idx, id);
	return 0;
}

/* Bind strings.id of an interned column (NULL when empty).  Returns 0 or -1. */
static int
bind_interned(struct pm *pm, sqlite3_stmt *st, int idx, const struct procmon_csv_field *f,
	      enum column c, struct wb_err *err)
{
	const char *s = field(pm, f, c);
	size_t len = pm->col[c] >= 0 ? f[pm->col[c]].len : 0;
	int64_t id;

	if (!s)
		return 0;
	if (pm->last_interned[c].id && pm->last_interned[c].len == len && !memcmp(pm->last_interned[c].s, s, len)) {
		sqlite3_bind_int64(st, idx, pm->last_interned[c].id);
		return 0;
	}
	if ((id = ingest_intern(pm->ing, s, len, err)) < 0)
		return -1;
	if (len < sizeof pm->last_interned[c].s) {
		memcpy(pm->last_interned[c].s, s, len);
		pm->last_interned[c].len = len;
		pm->last_interned[c].id = id;
	}
	sqlite3_bind_int64(st, idx, id);
	return 0;
}

static char *
extra_json(const struct pm *pm, const struct procmon_csv_field *f)
{
	json_t *o = json_object();
	char *s = NULL;

	for (size_t i = 0; i < pm->nunknown; i++)
		if (f[pm->unknown[i]].len)
			json_object_set_new(o, pm->unknown_names[i],
					    json_stringn(f[pm->unknown[i]].s, f[pm->unknown[i]].len));
	if (json_object_size(o))
		s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	return s;
}

/* Insert one record.  Returns 0, BAD_ROW with err (skippable), or -1. */
static int
import_row(struct pm *pm, struct procmon_csv_field *f, size_t n, struct wb_err *err)
{
	static const char sql[] =
		"INSERT INTO procmon(evidence_id, line, seq, tod, ts, process, pid, tid, operation,"
		" path, result, detail, duration, class, category, proc, extra)"
		" VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
	sqlite3_stmt *st;
	int64_t tod = 0, local = 0, pid = -1, v, ts = 0;
	bool has_tod, has_local, has;
	const char *s;
	char *extra = NULL;
	int rc;

	if (n != pm->ncols) {
		wb_errf(err, _("%s: line %lld: %zu fields, expected %zu as in the header"),
			pm->path, (long long)procmon_csv_line(pm->csv), n, pm->ncols);
		return BAD_ROW;
	}
	if (!(st = ingest_prepare(pm->ing, sql, err)))
		return -1;
	if ((rc = row_time(pm, f, &tod, &has_tod, &local, &has_local, err)))
		return rc;
	sqlite3_bind_int64(st, 1, ingest_evidence_id(pm->ing));
	sqlite3_bind_int64(st, 2, procmon_csv_line(pm->csv));
	if ((rc = int_field(pm, f, COL_SEQ, &has, &v, err)))
		goto bad;
	if (has)
		sqlite3_bind_int64(st, 3, v);
	if (has_tod)
		sqlite3_bind_int64(st, 4, tod);
	if (has_local) {
		ts = local / 10 - (int64_t)pm->tz_minutes * 60 * WB_US_PER_SEC;
		sqlite3_bind_int64(st, 5, ts);
		pm->any_ts = true;
	}
	if ((rc = int_field(pm, f, COL_PID, &has, &pid, err)))
		goto bad;
	if (!has)
		pid = -1;
	else
		sqlite3_bind_int64(st, 7, pid);
	if ((rc = int_field(pm, f, COL_TID, &has, &v, err)))
		goto bad;
	if (has)
		sqlite3_bind_int64(st, 8, v);
	if ((s = field(pm, f, COL_DURATION))) {
		if (procmon_parse_duration(s, &v) < 0) {
			rc = bad_value(pm, COL_DURATION, s, _("seconds such as 0.0000161"), err);
			goto bad;
		}
		sqlite3_bind_int64(st, 13, v);
	}
	if (bind_interned(pm, st, 6, f, COL_PROCESS, err) < 0 ||
	    bind_interned(pm, st, 9, f, COL_OPERATION, err) < 0 ||
	    bind_interned(pm, st, 11, f, COL_RESULT, err) < 0 ||
	    bind_text(pm, st, 10, f, COL_PATH, err) < 0 ||
	    bind_text(pm, st, 12, f, COL_DETAIL, err) < 0 ||
	    bind_interned(pm, st, 14, f, COL_CLASS, err) < 0 ||
	    bind_interned(pm, st, 15, f, COL_CATEGORY, err) < 0)
		goto fail;
	if (pm->process_cols) {
		int64_t id = process_row(pm, f, pid, err);

		if (id == -2) {
			rc = BAD_ROW;
			goto bad;
		}
		if (id < 0)
			goto fail;
		sqlite3_bind_int64(st, 16, id);
	}
	if (pm->nunknown && (extra = extra_json(pm, f)))
		sqlite3_bind_text(st, 17, extra, -1, free);
	if (ingest_step(pm->ing, st, err) < 0)
		return -1;
	pm->last_id = sqlite3_last_insert_rowid(ingest_db(pm->ing));
	if (!pm->first_id)
		pm->first_id = pm->last_id;
	return procmon_vss_row(pm->vss, &(struct procmon_row){
		.id = pm->last_id,
		.line = procmon_csv_line(pm->csv), .has_ts = has_local, .ts = ts, .pid = pid,
		.process = field(pm, f, COL_PROCESS), .operation = field(pm, f, COL_OPERATION),
		.path = field(pm, f, COL_PATH), .result = field(pm, f, COL_RESULT),
		.detail = field(pm, f, COL_DETAIL)}, err);
bad:
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc;
fail:
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return -1;
}

static int
record_capture(struct pm *pm, struct wb_err *err)
{
	static const char sql[] =
		"INSERT INTO procmon_capture(evidence_id, first_id, last_id, text_first, text_last,"
		" columns, date_order) VALUES(?, ?, ?, ?, ?, ?, ?)";
	static const char *const orders[] = {
		[PROCMON_DATE_UNKNOWN] = NULL, [PROCMON_DATE_MDY] = "M/D/Y",
		[PROCMON_DATE_DMY] = "D/M/Y", [PROCMON_DATE_YMD] = "Y/M/D",
	};
	sqlite3_stmt *st = ingest_prepare(pm->ing, sql, err);

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, ingest_evidence_id(pm->ing));
	sqlite3_bind_int64(st, 2, pm->first_id);
	sqlite3_bind_int64(st, 3, pm->last_id);
	if (pm->text_first) {
		sqlite3_bind_int64(st, 4, pm->text_first);
		sqlite3_bind_int64(st, 5, pm->text_last);
	}
	sqlite3_bind_text(st, 6, pm->columns_json, -1, SQLITE_STATIC);
	ingest_bind_text(st, 7, pm->date_source == DATE_COLUMN ? orders[pm->order] : NULL);
	return ingest_step(pm->ing, st, err);
}

static void
record_assumptions(struct pm *pm)
{
	char tz[16], *text;
	const char *date;

	if (!pm->any_ts)
		return;
	wb_format_tz(pm->tz_minutes, tz, sizeof tz);
	date = pm->date_source == DATE_COLUMN ? _("date from the Date & Time column")
					      : _("date from --date");
	text = ingest_tz_given(pm->ing) ? xasprintf(_("local times at --tz %s; %s"), tz, date)
					: xasprintf(_("local times at the case time zone %s (assumed); %s"), tz, date);
	ingest_set_tz_assumption(pm->ing, pm->tz_minutes, text);
	free(text);
}

static void
set_summary(struct pm *pm)
{
	char *s = xasprintf(_("Procmon CSV, %llu rows, %zu columns, %llu VSS\\Diag writes%s"),
			    (unsigned long long)pm->rows, pm->ncols,
			    (unsigned long long)procmon_vss_writes(pm->vss),
			    pm->any_ts ? "" : _(", no date (import with --date to place it in the timeline)"));

	ingest_set_summary(pm->ing, s);
	free(s);
}

static int
import_rows(struct pm *pm, struct wb_err *err)
{
	bool lenient = ingest_opts(pm->ing)->lenient;
	struct procmon_csv_field *f;
	size_t n;
	int rc;

	for (;;) {
		bool unread;	/* the reader refused the record: it must be skipped */

		rc = procmon_csv_next(pm->csv, &f, &n, err);
		if (rc == 0)
			return 0;
		unread = rc < 0;
		if (rc > 0)
			rc = import_row(pm, f, n, err);
		else if (!pm->read_failed)	/* a malformed record, not an I/O error */
			rc = BAD_ROW;
		if (rc == BAD_ROW && lenient) {
			ingest_warn(pm->ing, procmon_csv_line(pm->csv), (int64_t)procmon_csv_offset(pm->csv),
				    "%s", err->msg);
			if (unread && procmon_csv_skip(pm->csv, err) < 0)
				return -1;
			continue;
		}
		if (rc != 0)
			return -1;
		pm->rows++;
		ingest_add_records(pm->ing, 1);
		if ((pm->rows % PROGRESS_EVERY) == 0 && ingest_progress(pm->ing, err) < 0)
			return -1;
	}
}

/* The power of two >= want, within [lo, hi]. */
static size_t
pow2_for(uint64_t want, size_t lo, size_t hi)
{
	size_t n = lo;

	while (n < hi && n < want)
		n *= 2;
	return n;
}

static int
procmon_import(wb_ingest *ing, struct wb_err *err)
{
	struct pm pm = {.ing = ing, .path = ingest_path(ing), .tz_minutes = ingest_tz_minutes(ing)};
	int rc;

	pm.csv = procmon_csv_new(read_evidence, &pm, pm.path);
	pm.vss = procmon_vss_new(ing);
	pm.proc_slots = pow2_for(ingest_file_size(ing) / 1024, 256, PROC_SLOTS);
	pm.text_slots = pow2_for(ingest_file_size(ing) / 32, 1024, TEXT_SLOTS);
	pm.arena_size = pow2_for(ingest_file_size(ing), TEXT_CACHED_MAX, TEXT_ARENA);
	pm.procs = xmalloc(pm.proc_slots * sizeof *pm.procs);
	pm.texts = xcalloc(pm.text_slots, sizeof *pm.texts);
	pm.arena = xmalloc(pm.arena_size);
	for (size_t i = 0; i < pm.proc_slots; i++)
		pm.procs[i].pid = -1;
	if (ingest_date_days(ing, &pm.date_days))
		pm.date_source = DATE_OPTION;
	rc = read_header(&pm, err);
	if (rc == 0)
		rc = import_rows(&pm, err);
	if (rc == 0 && pm.rows == 0)
		rc = wb_errf(err, _("%s: no rows after the header (expected Procmon events)"), pm.path);
	if (rc == 0)
		rc = procmon_vss_finish(pm.vss, err);
	if (rc == 0)
		rc = record_capture(&pm, err);
	if (rc == 0) {
		record_assumptions(&pm);
		set_summary(&pm);
	}
	procmon_csv_free(pm.csv);
	procmon_vss_free(pm.vss);
	for (size_t i = 0; i < pm.nunknown; i++)
		free(pm.unknown_names[i]);
	free(pm.unknown_names);
	free(pm.unknown);
	free(pm.procs);
	free(pm.texts);
	free(pm.arena);
	free(pm.columns_json);
	return rc;
}

static bool
head_has(const char *text, size_t n, const char *needle)
{
	size_t k = strlen(needle);

	for (size_t i = 0; i + k <= n; i++)
		if (!memcmp(text + i, needle, k))
			return true;
	return false;
}

static int
procmon_detect(struct wb_probe *probe)
{
	const unsigned char *head = probe->head;
	size_t len = probe->len;
	const char *dot = strrchr(probe->path, '.');
	const char *text = (const char *)head;
	size_t n = len;

	if (len >= 4 && !memcmp(head, "PML_", 4))
		return 90;	/* native log: the import explains that CSV is needed */
	if (n >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3))
		text += 3, n -= 3;
	if (n >= 14 && (!memcmp(text, "\"Time of Day\",", 14) || !memcmp(text, "Time of Day,", 12)))
		return 90;
	if (n > 4096)	/* the header is on the first line */
		n = 4096;
	if (head_has(text, n, "\"Operation\"") && head_has(text, n, "\"Process Name\""))
		return 70;
	return dot && !strcasecmp(dot, ".pml") ? 10 : 0;
}

const struct wb_importer importer_procmon = {
	.name = "procmon",
	.kind = "procmon",
	.version = "1",
	.describe = N_("Process Monitor CSV export (File > Save > CSV); VSS writer analysis"),
	.detect = procmon_detect,
	.import = procmon_import,
};
